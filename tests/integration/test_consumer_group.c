/*
 * Consumer groups against a real broker (suite 'integration'): a group
 * shared with librdkafka under each eager assignor, with either side as
 * leader; a killed member's partitions move within the session timeout;
 * a static member restarts without a rebalance; cooperative-sticky only
 * revokes what moves; max.poll.interval.ms; regex subscriptions; the
 * consume interceptor; commits in the revoke callback while members join.
 *
 * KP_ONLY=<part of a test name> runs matching tests.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "client_util.h"
#include "kt_check.h"
#include "producer_util.h"

#define SESSION_MS 6000
#define MAX_PARTS 64

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

static void new_topic(char *topic, size_t n, const char *prefix,
                      int32_t parts)
{
    kc_new_topic(boot(), topic, n, prefix, parts, 1);
}

static void drop_topic(const char *topic)
{
    kc_drop_topic(boot(), topic);
}

/* Produces records [from, to) (pu_make, timestamps base_ts + seq), record
 * seq to partition seq % parts, and asserts every one was delivered. */
static void produce(const char *topic, int32_t parts, size_t from, size_t to,
                    int64_t base_ts)
{
    struct pu_track t;
    pu_track_init(&t, topic, to, base_ts);
    krafka_conf_t *conf = kc_conf(boot(), "linger.ms", "5", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, &t);
    krafka_producer_t *p = pu_producer(conf);
    for (int32_t part = 0; part < parts; part++) {
        struct pu_rec r;
        for (size_t seq = from; seq < to; seq++) {
            if ((int32_t)(seq % (size_t)parts) != part)
                continue;
            pu_make(&r, topic, seq, base_ts);
            r.msg.partition = part;
            krafka_err_t err;
            while ((err = krafka_producer_send(p, &r.msg,
                                               pu_opaque(&t, seq))) ==
                   KRAFKA_ERR_LOCAL_QUEUE_FULL)
                krafka_producer_poll(p, 10);
            ck_assert_msg(err == KRAFKA_ERR_NONE, "send: %s",
                          krafka_err2name(err));
        }
    }
    ck_assert_int_eq(krafka_producer_flush(p, 60000), KRAFKA_ERR_NONE);
    krafka_producer_destroy(p);
    ck_assert_msg(t.ok == to - from && t.failed == 0,
                  "%zu of %zu records delivered", t.ok, to - from);
    pu_track_free(&t);
}

static krafka_consumer_t *consumer(krafka_conf_t *conf)
{
    char errstr[512];
    krafka_consumer_t *c = NULL;
    krafka_err_t err = krafka_consumer_new(&c, conf, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "consumer_new: %s", errstr);
    krafka_conf_destroy(conf);
    return c;
}

static void subscribe(krafka_consumer_t *c, const char *topic)
{
    const char *topics[] = {topic};
    ck_assert_int_eq(krafka_consumer_subscribe(c, topics, 1),
                     KRAFKA_ERR_NONE);
}

/* Which records were consumed, by every member of a test. */
struct seen {
    pthread_mutex_t lock;
    size_t n;
    unsigned *cnt; /* per seq */
    size_t records, dups, foreign;
};

static void seen_init(struct seen *s, size_t n)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->n = n;
    s->cnt = calloc(n, sizeof *s->cnt);
    ck_assert_ptr_nonnull(s->cnt);
}

static void seen_free(struct seen *s)
{
    free(s->cnt);
    pthread_mutex_destroy(&s->lock);
}

static void seen_add(struct seen *s, const void *value, size_t len)
{
    int64_t seq = pu_value_seq(value, len);
    pthread_mutex_lock(&s->lock);
    if (seq < 0 || (size_t)seq >= s->n) {
        s->foreign++;
    } else {
        if (s->cnt[seq]++)
            s->dups++;
        s->records++;
    }
    pthread_mutex_unlock(&s->lock);
}

static size_t seen_records(struct seen *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->records;
    pthread_mutex_unlock(&s->lock);
    return n;
}

/* Records never consumed. */
static size_t seen_missing(struct seen *s)
{
    size_t miss = 0;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n; i++)
        miss += s->cnt[i] == 0;
    pthread_mutex_unlock(&s->lock);
    return miss;
}

/* Waits up to @timeout_ms until @want records were consumed. */
static void wait_records(struct seen *s, size_t want, int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms;
    while (seen_records(s) < want && kc_now_ms() < until)
        usleep(50 * 1000);
}

/* ---- an in-process member: a consumer polled on its own thread ---- */

struct member {
    krafka_consumer_t *c;
    pthread_t th;
    bool running;
    atomic_bool stop;
    atomic_bool hold;           /* stop polling for a while */
    bool commit_on_revoke;      /* commit synchronously in REVOKED */
    struct seen *s;
    atomic_int owned[MAX_PARTS]; /* partitions it holds now */
    atomic_int revoked[MAX_PARTS]; /* times revoked (REVOKED only) */
    atomic_int assigns, revokes, losts;
    atomic_int commit_errs;
    atomic_int max_poll_events;
    atomic_int other_events;
};

static void rebalance_cb(krafka_consumer_t *c, krafka_rebalance_t ev,
                         const krafka_tp_list_t *tps, void *opaque)
{
    struct member *m = opaque;
    if (ev == KRAFKA_REBALANCE_REVOKED && m->commit_on_revoke) {
        /* commit what was processed, so nothing is processed twice */
        krafka_err_t err = krafka_consumer_commit(c, NULL, false);
        if (err && err != KRAFKA_ERR_LOCAL_NO_OFFSET)
            atomic_fetch_add(&m->commit_errs, 1);
    }
    if (ev == KRAFKA_REBALANCE_ASSIGNED)
        atomic_fetch_add(&m->assigns, 1);
    else if (ev == KRAFKA_REBALANCE_REVOKED)
        atomic_fetch_add(&m->revokes, 1);
    else
        atomic_fetch_add(&m->losts, 1);
    for (size_t i = 0; i < tps->cnt; i++) {
        int p = tps->elems[i].partition;
        if (p < 0 || p >= MAX_PARTS)
            continue;
        atomic_store(&m->owned[p], ev == KRAFKA_REBALANCE_ASSIGNED);
        if (ev == KRAFKA_REBALANCE_REVOKED)
            atomic_fetch_add(&m->revoked[p], 1);
    }
}

static void *member_main(void *arg)
{
    struct member *m = arg;
    while (!atomic_load(&m->stop)) {
        if (atomic_load(&m->hold)) {
            usleep(20 * 1000);
            continue;
        }
        krafka_record_t *r = krafka_consumer_poll(m->c, 50);
        if (!r)
            continue;
        if (r->err == KRAFKA_ERR_NONE)
            seen_add(m->s, r->value, r->value_len);
        else if (r->err == KRAFKA_ERR_LOCAL_MAX_POLL_EXCEEDED)
            atomic_fetch_add(&m->max_poll_events, 1);
        else
            atomic_fetch_add(&m->other_events, 1);
        krafka_record_destroy(r);
    }
    return NULL;
}

/* A conf for a member of @group: the capturing log, session.timeout.ms
 * 6000, heartbeat.interval.ms 500, earliest, and up to two more
 * properties (@n1 = @v1, @n2 = @v2; NULL names: none). */
static krafka_conf_t *member_conf(const char *group, const char *strategy,
                                  const char *n1, const char *v1,
                                  const char *n2, const char *v2)
{
    krafka_conf_t *conf = kc_conf(
        boot(), "group.id", group, "partition.assignment.strategy", strategy,
        "auto.offset.reset", "earliest", "session.timeout.ms", "6000",
        "heartbeat.interval.ms", "500", NULL);
    char errstr[256];
    if (n1)
        ck_assert_int_eq(krafka_conf_set(conf, n1, v1, errstr, sizeof errstr),
                         KRAFKA_ERR_NONE);
    if (n2)
        ck_assert_int_eq(krafka_conf_set(conf, n2, v2, errstr, sizeof errstr),
                         KRAFKA_ERR_NONE);
    return conf;
}

/* Creates @m's consumer from @conf, subscribes to @topic and starts its
 * polling thread. */
static void member_start(struct member *m, krafka_conf_t *conf,
                         struct seen *s, const char *topic)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    krafka_conf_set_rebalance_cb(conf, rebalance_cb);
    krafka_conf_set_opaque(conf, m);
    m->c = consumer(conf);
    subscribe(m->c, topic);
    ck_assert_int_eq(pthread_create(&m->th, NULL, member_main, m), 0);
    m->running = true;
}

static void member_stop(struct member *m)
{
    if (!m->running)
        return;
    atomic_store(&m->stop, true);
    pthread_join(m->th, NULL);
    krafka_consumer_destroy(m->c);
    m->running = false;
}

static int member_owned_cnt(struct member *m, int32_t parts)
{
    int n = 0;
    for (int32_t p = 0; p < parts; p++)
        n += atomic_load(&m->owned[p]) != 0;
    return n;
}

/* True when every partition has exactly one owner among @ms (NULL entries
 * skipped) and member i owns want[i] (-1: any number > 0). */
static bool split_is(struct member **ms, int cnt, int32_t parts,
                     const int *want)
{
    for (int32_t p = 0; p < parts; p++) {
        int owners = 0;
        for (int i = 0; i < cnt; i++)
            owners += ms[i] && atomic_load(&ms[i]->owned[p]) != 0;
        if (owners != 1)
            return false;
    }
    for (int i = 0; i < cnt; i++) {
        if (!ms[i])
            continue;
        int n = member_owned_cnt(ms[i], parts);
        if (want[i] < 0 ? n == 0 : n != want[i])
            return false;
    }
    return true;
}

/* Waits up to @timeout_ms for split_is(); returns the ms it took or -1. */
static int64_t wait_split(struct member **ms, int cnt, int32_t parts,
                          const int *want, int timeout_ms)
{
    int64_t t0 = kc_now_ms(), until = t0 + timeout_ms;
    while (kc_now_ms() < until) {
        if (split_is(ms, cnt, parts, want))
            return kc_now_ms() - t0;
        usleep(50 * 1000);
    }
    return -1;
}

/* ---- 1. a group shared with librdkafka ---- */

struct rdk_member {
    rd_kafka_t *rk;
    pthread_t th;
    atomic_bool stop;
    struct seen *s;
    atomic_int owned[MAX_PARTS];
    atomic_int errors;
};

static void rdk_rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t *parts,
                             void *opaque)
{
    struct rdk_member *m = opaque;
    bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    for (int i = 0; i < parts->cnt; i++) {
        int p = parts->elems[i].partition;
        if (p >= 0 && p < MAX_PARTS)
            atomic_store(&m->owned[p], assign);
    }
    rd_kafka_assign(rk, assign ? parts : NULL);
}

static void *rdk_main(void *arg)
{
    struct rdk_member *m = arg;
    while (!atomic_load(&m->stop)) {
        rd_kafka_message_t *msg = rd_kafka_consumer_poll(m->rk, 50);
        if (!msg)
            continue;
        if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
            seen_add(m->s, msg->payload, msg->len);
        else
            atomic_fetch_add(&m->errors, 1);
        rd_kafka_message_destroy(msg);
    }
    return NULL;
}

static void rdk_set(rd_kafka_conf_t *conf, const char *name,
                    const char *value)
{
    char errstr[256];
    ck_assert_msg(rd_kafka_conf_set(conf, name, value, errstr,
                                    sizeof errstr) == RD_KAFKA_CONF_OK,
                  "rdkafka %s: %s", name, errstr);
}

static void rdk_start(struct rdk_member *m, const char *group,
                      const char *strategy, const char *topic,
                      struct seen *s)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rdk_set(conf, "bootstrap.servers", boot());
    rdk_set(conf, "group.id", group);
    rdk_set(conf, "partition.assignment.strategy", strategy);
    rdk_set(conf, "auto.offset.reset", "earliest");
    rdk_set(conf, "session.timeout.ms", "6000");
    rdk_set(conf, "heartbeat.interval.ms", "500");
    rdk_set(conf, "log_level", "3");
    rd_kafka_conf_set_rebalance_cb(conf, rdk_rebalance_cb);
    rd_kafka_conf_set_opaque(conf, m);
    char errstr[256];
    m->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    ck_assert_msg(m->rk != NULL, "rd_kafka_new: %s", errstr);
    rd_kafka_poll_set_consumer(m->rk);
    rd_kafka_topic_partition_list_t *sub =
        rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic, RD_KAFKA_PARTITION_UA);
    ck_assert_int_eq(rd_kafka_subscribe(m->rk, sub), 0);
    rd_kafka_topic_partition_list_destroy(sub);
    ck_assert_int_eq(pthread_create(&m->th, NULL, rdk_main, m), 0);
}

static void rdk_stop(struct rdk_member *m)
{
    atomic_store(&m->stop, true);
    pthread_join(m->th, NULL);
    rd_kafka_consumer_close(m->rk);
    rd_kafka_destroy(m->rk);
}

/* Did our consumer in @group log that it led a generation? */
static bool krafka_led(const char *group)
{
    static struct kc_logline lines[256];
    char needle[200];
    snprintf(needle, sizeof needle, "group %s: generation", group);
    int n = kc_log_find(needle, lines, 256);
    for (int i = 0; i < n; i++)
        if (strstr(lines[i].msg, ", leader"))
            return true;
    return false;
}

/* One librdkafka and one libkrafka member in a new group; the one started
 * first (and so the leader) is ours when @ours_first. */
static void mixed_group_run(const char *strategy, bool ours_first)
{
    const int32_t parts = 6;
    const size_t n = 6000;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-mixed", parts);
    kc_topic_name(group, sizeof group, "g-mixed");
    struct seen s;
    seen_init(&s, n);
    struct member km;
    struct rdk_member rm;
    const int all[1] = {parts};
    krafka_conf_t *kconf = member_conf(group, strategy, "debug", "cgrp",
                                       NULL, NULL);
    /* Whoever joins first leads: wait until it owns everything. */
    if (ours_first) {
        member_start(&km, kconf, &s, topic);
        struct member *one[1] = {&km};
        ck_assert_msg(wait_split(one, 1, parts, all, 30000) >= 0,
                      "%s: ours alone did not get all partitions", strategy);
        rdk_start(&rm, group, strategy, topic, &s);
    } else {
        rdk_start(&rm, group, strategy, topic, &s);
        int64_t until = kc_now_ms() + 30000;
        int owned = 0;
        while (owned < parts && kc_now_ms() < until) {
            usleep(50 * 1000);
            owned = 0;
            for (int32_t p = 0; p < parts; p++)
                owned += atomic_load(&rm.owned[p]) != 0;
        }
        ck_assert_msg(owned == parts,
                      "%s: librdkafka alone did not get all partitions",
                      strategy);
        member_start(&km, kconf, &s, topic);
    }
    /* Together: every partition exactly once, each a non-empty share. */
    int64_t until = kc_now_ms() + 30000;
    bool split = false;
    int ours = 0;
    while (!split && kc_now_ms() < until) {
        usleep(50 * 1000);
        split = true;
        ours = 0;
        for (int32_t p = 0; p < parts; p++) {
            int k = atomic_load(&km.owned[p]) != 0;
            int r = atomic_load(&rm.owned[p]) != 0;
            split &= k + r == 1;
            ours += k;
        }
        split &= ours > 0 && ours < parts;
    }
    ck_assert_msg(split, "%s (%s first): partitions not split between the "
                  "two (ours %d of %d)", strategy,
                  ours_first ? "ours" : "librdkafka", ours, (int)parts);
    /* Both assignors split 6 partitions of one topic 3/3. */
    ck_assert_int_eq(ours, parts / 2);
    ck_assert_msg(krafka_led(group) == ours_first,
                  "%s: the leader was not the member started first",
                  strategy);
    /* Records produced now are consumed exactly once between them. */
    int64_t base_ts = pu_base_ts();
    produce(topic, parts, 0, n, base_ts);
    wait_records(&s, n, 60000);
    usleep(500 * 1000); /* any duplicate would show up */
    rdk_stop(&rm);
    member_stop(&km);
    ck_assert_uint_eq(s.records, n);
    ck_assert_uint_eq(s.dups, 0);
    ck_assert_uint_eq(s.foreign, 0);
    ck_assert_uint_eq(seen_missing(&s), 0);
    ck_assert_int_eq(atomic_load(&rm.errors), 0);
    ck_assert_int_eq(atomic_load(&km.other_events), 0);
    seen_free(&s);
    drop_topic(topic);
}

START_TEST(mixed_group_splits_partitions_with_librdkafka_using_range)
{
    mixed_group_run("range", true);
    mixed_group_run("range", false);
}
END_TEST

START_TEST(mixed_group_splits_partitions_with_librdkafka_using_roundrobin)
{
    mixed_group_run("roundrobin", true);
    mixed_group_run("roundrobin", false);
}
END_TEST

/* ---- 2. a killed member ---- */

/* Shared with the forked member (MAP_SHARED). */
struct child_view {
    atomic_int owned[MAX_PARTS];
    atomic_int records;
    atomic_uint cnt[]; /* per seq */
};

static void child_rebalance_cb(krafka_consumer_t *c, krafka_rebalance_t ev,
                               const krafka_tp_list_t *tps, void *opaque)
{
    (void)c;
    struct child_view *v = opaque;
    for (size_t i = 0; i < tps->cnt; i++) {
        int p = tps->elems[i].partition;
        if (p >= 0 && p < MAX_PARTS)
            atomic_store(&v->owned[p], ev == KRAFKA_REBALANCE_ASSIGNED);
    }
}

/* The forked member: its own consumer, polled until it is killed (or a
 * minute passes). Reports through @v only; never returns. */
static void child_main(struct child_view *v, size_t n, const char *group,
                       const char *topic)
{
    krafka_conf_t *conf = krafka_conf_new();
    char errstr[256];
    const char *props[][2] = {
        {"bootstrap.servers", boot()},
        {"group.id", group},
        {"partition.assignment.strategy", "range"},
        {"auto.offset.reset", "earliest"},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "500"},
        {"log_level", "3"},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        if (krafka_conf_set(conf, props[i][0], props[i][1], errstr,
                            sizeof errstr))
            _exit(2);
    krafka_conf_set_rebalance_cb(conf, child_rebalance_cb);
    krafka_conf_set_opaque(conf, v);
    krafka_consumer_t *c = NULL;
    if (krafka_consumer_new(&c, conf, errstr, sizeof errstr))
        _exit(3);
    const char *topics[] = {topic};
    if (krafka_consumer_subscribe(c, topics, 1))
        _exit(4);
    int64_t until = kc_now_ms() + 60000;
    while (kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 50);
        if (!r)
            continue;
        int64_t seq = pu_value_seq(r->value, r->value_len);
        if (r->err == KRAFKA_ERR_NONE && seq >= 0 && (size_t)seq < n) {
            atomic_fetch_add(&v->cnt[seq], 1);
            atomic_fetch_add(&v->records, 1);
        }
        krafka_record_destroy(r);
    }
    _exit(5); /* never killed: the parent fails */
}

START_TEST(killed_member_partitions_move_within_the_session_timeout)
{
    const int32_t parts = 6;
    const size_t n = 9000, third = n / 3;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-kill", parts);
    kc_topic_name(group, sizeof group, "g-kill");
    int64_t base_ts = pu_base_ts();
    produce(topic, parts, 0, third, base_ts);
    size_t vsize = sizeof(struct child_view) + n * sizeof(atomic_uint);
    struct child_view *v = mmap(NULL, vsize, PROT_READ | PROT_WRITE,
                                MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ck_assert_ptr_ne(v, MAP_FAILED);
    memset(v, 0, vsize);
    /* Fork before this process starts any consumer thread. */
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        child_main(v, n, group, topic);
    int64_t until = kc_now_ms() + 30000;
    while (atomic_load(&v->records) == 0 && kc_now_ms() < until)
        usleep(50 * 1000);
    ck_assert_msg(atomic_load(&v->records) > 0, "the child consumed nothing");
    struct seen s;
    seen_init(&s, n);
    struct member ms[2];
    for (int i = 0; i < 2; i++)
        member_start(&ms[i], member_conf(group, "range", NULL, NULL, NULL,
                                         NULL),
                     &s, topic);
    /* three members: 2 partitions each */
    until = kc_now_ms() + 30000;
    bool split = false;
    while (!split && kc_now_ms() < until) {
        usleep(50 * 1000);
        split = true;
        int per[3] = {0};
        for (int32_t p = 0; p < parts; p++) {
            int k = atomic_load(&v->owned[p]) != 0;
            int a = atomic_load(&ms[0].owned[p]) != 0;
            int b = atomic_load(&ms[1].owned[p]) != 0;
            split &= k + a + b == 1;
            per[0] += k;
            per[1] += a;
            per[2] += b;
        }
        split &= per[0] == 2 && per[1] == 2 && per[2] == 2;
    }
    if (!split)
        kill(pid, SIGKILL);
    ck_assert_msg(split, "the three members did not split 2/2/2");
    /* More records, some of them the child's; kill it while it reads. */
    int before = atomic_load(&v->records);
    produce(topic, parts, third, 2 * third, base_ts);
    until = kc_now_ms() + 20000;
    while (atomic_load(&v->records) == before && kc_now_ms() < until)
        usleep(10 * 1000);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    int64_t killed_at = kc_now_ms();
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "the child ended on its own (status %d)", status);
    ck_assert_msg(atomic_load(&v->records) > before,
                  "the child read none of the second third");
    struct member *surv[2] = {&ms[0], &ms[1]};
    const int want[2] = {3, 3};
    int64_t took = wait_split(surv, 2, parts, want, SESSION_MS + 10000);
    int64_t since_kill = kc_now_ms() - killed_at;
    ck_assert_msg(took >= 0, "the survivors did not take all partitions "
                  "within %d ms", SESSION_MS + 10000);
    fprintf(stderr, "killed member's partitions moved after %lld ms\n",
            (long long)since_kill);
    ck_assert_msg(since_kill <= SESSION_MS + 4000,
                  "partitions moved after %lld ms, session.timeout.ms is %d",
                  (long long)since_kill, SESSION_MS);
    produce(topic, parts, 2 * third, n, base_ts);
    /* Every record consumed at least once, by the child or the others. */
    until = kc_now_ms() + 60000;
    size_t missing = n;
    while (kc_now_ms() < until) {
        missing = 0;
        pthread_mutex_lock(&s.lock);
        for (size_t i = 0; i < n; i++)
            missing += s.cnt[i] == 0 && atomic_load(&v->cnt[i]) == 0;
        pthread_mutex_unlock(&s.lock);
        if (missing == 0)
            break;
        usleep(100 * 1000);
    }
    member_stop(&ms[0]);
    member_stop(&ms[1]);
    ck_assert_msg(missing == 0, "%zu record(s) lost", missing);
    ck_assert_uint_eq(s.foreign, 0);
    munmap(v, vsize);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

/* ---- 3. static membership ---- */

START_TEST(static_member_restart_within_session_timeout_causes_no_rebalance)
{
    const int32_t parts = 6;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-static", parts);
    kc_topic_name(group, sizeof group, "g-static");
    struct seen s;
    seen_init(&s, 1);
    struct member ms[3];
    char iid[3][160];
    for (int i = 0; i < 3; i++) {
        snprintf(iid[i], sizeof iid[i], "%s-m%d", group, i);
        member_start(&ms[i],
                     member_conf(group, "range", "group.instance.id", iid[i],
                                 NULL, NULL),
                     &s, topic);
    }
    struct member *all[3] = {&ms[0], &ms[1], &ms[2]};
    const int want[3] = {2, 2, 2};
    ck_assert_msg(wait_split(all, 3, parts, want, 40000) >= 0,
                  "the three static members did not split 2/2/2");
    /* Settled: let any trailing rebalance finish, then count. */
    sleep(2);
    ck_assert(split_is(all, 3, parts, want));
    int before[3][2];
    for (int i = 0; i < 3; i++) {
        before[i][0] = atomic_load(&ms[i].assigns);
        before[i][1] = atomic_load(&ms[i].revokes) +
                       atomic_load(&ms[i].losts);
    }
    int had[MAX_PARTS];
    for (int32_t p = 0; p < parts; p++)
        had[p] = atomic_load(&ms[1].owned[p]);
    /* Restart member 1: close sends no LeaveGroup for a static member. */
    int64_t t0 = kc_now_ms();
    member_stop(&ms[1]);
    member_start(&ms[1],
                 member_conf(group, "range", "group.instance.id", iid[1],
                             NULL, NULL),
                 &s, topic);
    int64_t until = kc_now_ms() + 20000;
    while (member_owned_cnt(&ms[1], parts) < 2 && kc_now_ms() < until)
        usleep(20 * 1000);
    ck_assert_msg(member_owned_cnt(&ms[1], parts) == 2,
                  "the restarted member did not get its partitions back");
    fprintf(stderr, "static member back after %lld ms\n",
            (long long)(kc_now_ms() - t0));
    ck_assert_msg(kc_now_ms() - t0 < SESSION_MS,
                  "the restart took longer than session.timeout.ms");
    for (int32_t p = 0; p < parts; p++)
        ck_assert_msg(atomic_load(&ms[1].owned[p]) == had[p],
                      "partition %d: owned %d before the restart, %d after",
                      (int)p, had[p], atomic_load(&ms[1].owned[p]));
    /* The others saw nothing, then and a while after. */
    sleep(3);
    ck_assert(split_is(all, 3, parts, want));
    for (int i = 0; i < 3; i += 2) {
        ck_assert_msg(atomic_load(&ms[i].assigns) == before[i][0] &&
                          atomic_load(&ms[i].revokes) +
                                  atomic_load(&ms[i].losts) ==
                              before[i][1],
                      "member %d saw a rebalance", i);
    }
    ck_assert_int_eq(atomic_load(&ms[1].assigns), 1);
    ck_assert_int_eq(atomic_load(&ms[1].revokes), 0);
    for (int i = 0; i < 3; i++)
        member_stop(&ms[i]);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

/* ---- 4. cooperative-sticky ---- */

/* Asserts that no partition ever revoked from @m is owned by it now, and
 * returns how many revocations there were. */
static int revoked_only_what_moved(struct member *m, int idx, int32_t parts)
{
    int total = 0;
    for (int32_t p = 0; p < parts; p++) {
        int r = atomic_load(&m->revoked[p]);
        total += r;
        ck_assert_msg(r == 0 || !atomic_load(&m->owned[p]),
                      "member %d: partition %d revoked though it stayed",
                      idx, (int)p);
        ck_assert_msg(r <= 1, "member %d: partition %d revoked %d times",
                      idx, (int)p, r);
    }
    return total;
}

START_TEST(cooperative_sticky_never_revokes_partitions_that_stay)
{
    const int32_t parts = 12;
    const size_t n = 12000;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-coop", parts);
    kc_topic_name(group, sizeof group, "g-coop");
    int64_t base_ts = pu_base_ts();
    produce(topic, parts, 0, n / 2, base_ts);
    struct seen s;
    seen_init(&s, n);
    struct member ms[3];
    struct member *all[3] = {&ms[0], NULL, NULL};
    const char *strat = "cooperative-sticky";
    member_start(&ms[0], member_conf(group, strat, NULL, NULL, NULL, NULL),
                 &s, topic);
    const int w1[1] = {12};
    ck_assert_msg(wait_split(all, 1, parts, w1, 30000) >= 0,
                  "the first member did not get all 12");
    member_start(&ms[1], member_conf(group, strat, NULL, NULL, NULL, NULL),
                 &s, topic);
    all[1] = &ms[1];
    const int w2[2] = {6, 6};
    ck_assert_msg(wait_split(all, 2, parts, w2, 30000) >= 0,
                  "two members did not split 6/6");
    ck_assert_int_eq(revoked_only_what_moved(&ms[0], 0, parts), 6);
    ck_assert_int_eq(revoked_only_what_moved(&ms[1], 1, parts), 0);
    /* Records keep flowing while the third joins. */
    produce(topic, parts, n / 2, n, base_ts);
    member_start(&ms[2], member_conf(group, strat, NULL, NULL, NULL, NULL),
                 &s, topic);
    all[2] = &ms[2];
    const int w3[3] = {4, 4, 4};
    ck_assert_msg(wait_split(all, 3, parts, w3, 30000) >= 0,
                  "three members did not split 4/4/4");
    sleep(1); /* no late revocation either */
    ck_assert(split_is(all, 3, parts, w3));
    /* 6 revoked from the first to the second; 2 from each to the third */
    ck_assert_int_eq(revoked_only_what_moved(&ms[0], 0, parts), 8);
    ck_assert_int_eq(revoked_only_what_moved(&ms[1], 1, parts), 2);
    ck_assert_int_eq(revoked_only_what_moved(&ms[2], 2, parts), 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(atomic_load(&ms[i].losts), 0);
    wait_records(&s, n, 60000);
    for (int i = 0; i < 3; i++)
        member_stop(&ms[i]);
    ck_assert_uint_eq(seen_missing(&s), 0);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

/* ---- 5. max.poll.interval.ms ---- */

START_TEST(max_poll_interval_exceeded_leaves_the_group_and_polling_rejoins)
{
    const int32_t parts = 6;
    const int max_poll = 3000;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-maxpoll", parts);
    kc_topic_name(group, sizeof group, "g-maxpoll");
    struct seen s;
    seen_init(&s, 1);
    struct member fast, slow;
    member_start(&fast, member_conf(group, "range", NULL, NULL, NULL, NULL),
                 &s, topic);
    member_start(&slow,
                 member_conf(group, "range", "max.poll.interval.ms", "3000",
                             NULL, NULL),
                 &s, topic);
    struct member *both[2] = {&fast, &slow};
    const int half[2] = {3, 3};
    ck_assert_msg(wait_split(both, 2, parts, half, 30000) >= 0,
                  "two members did not split 3/3");
    /* The slow member stops polling: it must leave the group by itself
     * (LeaveGroup), well before its session would expire. */
    /* (an earlier rebalance may have revoked: count from here) */
    int revokes_before = atomic_load(&slow.revokes);
    atomic_store(&slow.hold, true);
    int64_t t0 = kc_now_ms();
    struct member *f[1] = {&fast};
    const int all6[1] = {6};
    int64_t until = t0 + max_poll + SESSION_MS + 5000;
    while (kc_now_ms() < until) {
        int n = 0;
        for (int32_t p = 0; p < parts; p++)
            n += atomic_load(&fast.owned[p]) != 0;
        if (n == parts)
            break;
        usleep(50 * 1000);
    }
    int64_t took = kc_now_ms() - t0;
    ck_assert_msg(split_is(f, 1, parts, all6),
                  "the other member did not take all partitions");
    fprintf(stderr, "max.poll: the other member had all after %lld ms\n",
            (long long)took);
    /* LeaveGroup right away, not the session expiring 6 s later */
    ck_assert_msg(took < max_poll + 3000,
                  "took %lld ms: the slow member did not leave the group, "
                  "its session expired",
                  (long long)took);
    /* Out of the group, its commits are refused at once (no request, no
     * waiting for a coordinator): Java's CommitFailedException. */
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    krafka_tp_list_add(l, topic, 0)->offset = 1;
    int64_t c0 = kc_now_ms();
    ck_assert_int_eq(krafka_consumer_commit(slow.c, l, false),
                     KRAFKA_ERR_REBALANCE_IN_PROGRESS);
    ck_assert_int_lt(kc_now_ms() - c0, 1000);
    krafka_tp_list_destroy(l);
    /* Its next poll reports it, and polling rejoins. */
    atomic_store(&slow.hold, false);
    until = kc_now_ms() + 5000;
    while (atomic_load(&slow.max_poll_events) == 0 && kc_now_ms() < until)
        usleep(20 * 1000);
    ck_assert_int_eq(atomic_load(&slow.max_poll_events), 1);
    /* it left without committing: its partitions were lost, not revoked
     * (the LOST event is the first one its polls serve; a REVOKED from a
     * later rebalance after it rejoined is fine) */
    until = kc_now_ms() + 5000;
    while (atomic_load(&slow.losts) == 0 && kc_now_ms() < until)
        usleep(20 * 1000);
    ck_assert_int_eq(atomic_load(&slow.losts), 1);
    ck_assert_int_eq(atomic_load(&slow.revokes), revokes_before);
    ck_assert_msg(wait_split(both, 2, parts, half, 30000) >= 0,
                  "the slow member did not rejoin");
    ck_assert_int_eq(atomic_load(&slow.other_events), 0);
    member_stop(&slow);
    member_stop(&fast);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

/* ---- 5b. a subscribed topic grows ---- */

/* The leader sees the partition count change on a metadata refresh and
 * rebalances, so the new partitions get owners. */
START_TEST(group_rebalances_when_a_subscribed_topic_grows)
{
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-grow", 2);
    kc_topic_name(group, sizeof group, "g-grow");
    struct seen s;
    seen_init(&s, 1);
    struct member a, b;
    member_start(&a,
                 member_conf(group, "range",
                             "topic.metadata.refresh.interval.ms", "1000",
                             NULL, NULL),
                 &s, topic);
    member_start(&b,
                 member_conf(group, "range",
                             "topic.metadata.refresh.interval.ms", "1000",
                             NULL, NULL),
                 &s, topic);
    struct member *both[2] = {&a, &b};
    const int one_each[2] = {1, 1}, two_each[2] = {2, 2};
    ck_assert_msg(wait_split(both, 2, 2, one_each, 30000) >= 0,
                  "two members did not split 1/1");
    kc_grow_topic(boot(), topic, 4);
    int64_t took = wait_split(both, 2, 4, two_each, 30000);
    ck_assert_msg(took >= 0, "the 4 partitions were not split 2/2");
    fprintf(stderr, "grown topic: split 2/2 after %lld ms\n",
            (long long)took);
    member_stop(&b);
    member_stop(&a);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

/* ---- 6. regex subscription ---- */

/* Polls @c until @want records arrived or @timeout_ms passed. */
static void consume_into(krafka_consumer_t *c, struct seen *s, size_t want,
                         int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms;
    while (s->records < want && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (!r)
            continue;
        ck_assert_msg(r->err == KRAFKA_ERR_NONE, "event: %s", r->errstr);
        seen_add(s, r->value, r->value_len);
        krafka_record_destroy(r);
    }
}

START_TEST(regex_subscription_follows_topics_created_later)
{
    char prefix[128], group[128], ta[160], tb[160], pattern[170];
    kc_topic_name(prefix, sizeof prefix, "cg-re");
    kc_topic_name(group, sizeof group, "g-re");
    snprintf(ta, sizeof ta, "%s-a", prefix);
    snprintf(tb, sizeof tb, "%s-b", prefix);
    snprintf(pattern, sizeof pattern, "^%s-.*", prefix);
    krafka_consumer_t *c = consumer(member_conf(
        group, "range", "topic.metadata.refresh.interval.ms", "1000", NULL,
        NULL));
    subscribe(c, pattern);
    struct seen s;
    seen_init(&s, 400);
    int64_t base_ts = pu_base_ts();
    new_topic(ta, sizeof ta, NULL, 2);
    produce(ta, 2, 0, 200, base_ts);
    consume_into(c, &s, 200, 30000);
    ck_assert_uint_eq(s.records, 200);
    /* topic B, created later, is picked up by the pattern */
    new_topic(tb, sizeof tb, NULL, 3);
    produce(tb, 3, 200, 400, base_ts);
    consume_into(c, &s, 400, 30000);
    ck_assert_uint_eq(s.records, 400);
    ck_assert_uint_eq(s.dups, 0);
    ck_assert_uint_eq(seen_missing(&s), 0);
    krafka_tp_list_t *l = NULL;
    ck_assert_int_eq(krafka_consumer_assignment(c, &l), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(l->cnt, 5);
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
    seen_free(&s);
    drop_topic(ta);
    drop_topic(tb);
}
END_TEST

/* ---- 7. the consume interceptor ---- */

struct ic_view {
    size_t n;
    unsigned *cnt;               /* per seq */
    const krafka_record_t *last[256]; /* in the order seen */
    size_t last_cnt;
    int64_t max_queued_us, min_queued_us;
    size_t calls;
};

static void on_consume(const krafka_record_t *rec, int64_t queued_us,
                       void *opaque)
{
    struct ic_view *ic = opaque;
    int64_t seq = pu_value_seq(rec->value, rec->value_len);
    if (seq >= 0 && (size_t)seq < ic->n)
        ic->cnt[seq]++;
    if (ic->last_cnt < 256)
        ic->last[ic->last_cnt++] = rec;
    if (queued_us > ic->max_queued_us)
        ic->max_queued_us = queued_us;
    if (queued_us < ic->min_queued_us)
        ic->min_queued_us = queued_us;
    ic->calls++;
}

START_TEST(on_consume_interceptor_sees_every_record_with_its_queue_time)
{
    const size_t n = 3000;
    char topic[128];
    new_topic(topic, sizeof topic, "cg-ic", 3);
    int64_t base_ts = pu_base_ts();
    produce(topic, 3, 0, n, base_ts);
    struct ic_view ic = {.n = n, .min_queued_us = INT64_MAX};
    ic.cnt = calloc(n, sizeof *ic.cnt);
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_conf_set_consume_interceptor(conf, on_consume, &ic);
    krafka_consumer_t *c = consumer(conf);
    krafka_tp_list_t *l = krafka_tp_list_new(3);
    for (int32_t p = 0; p < 3; p++)
        krafka_tp_list_add(l, topic, p)->offset = KRAFKA_OFFSET_BEGINNING;
    int64_t t_assign = kc_now_ms();
    ck_assert_int_eq(krafka_consumer_assign(c, l), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    /* Not polling: the fetched records wait in the queue. */
    usleep(2000 * 1000);
    size_t got = 0;
    int64_t until = kc_now_ms() + 30000;
    bool first = true;
    while (got < n && kc_now_ms() < until) {
        ic.last_cnt = 0;
        krafka_record_t *recs[64];
        size_t k;
        if (got % 2 == 0) {
            krafka_record_t *r = krafka_consumer_poll(c, 100);
            k = r != NULL;
            recs[0] = r;
        } else {
            k = krafka_consumer_poll_batch(c, recs, 64, 100);
        }
        /* the interceptor saw each, in order, before we got it */
        ck_assert_uint_eq(ic.last_cnt, k);
        for (size_t i = 0; i < k; i++) {
            ck_assert_int_eq(recs[i]->err, KRAFKA_ERR_NONE);
            ck_assert_ptr_eq(ic.last[i], recs[i]);
            int64_t seq = pu_value_seq(recs[i]->value, recs[i]->value_len);
            ck_assert(seq >= 0 && (size_t)seq < n);
            ck_assert_uint_eq(ic.cnt[seq], 1);
            krafka_record_destroy(recs[i]);
        }
        if (first && k > 0) {
            /* fetched within the first second, polled after two */
            ck_assert_msg(ic.max_queued_us >= 1000 * 1000,
                          "the first record waited %lld us",
                          (long long)ic.max_queued_us);
            first = false;
        }
        got += k;
    }
    ck_assert_uint_eq(got, n);
    ck_assert_uint_eq(ic.calls, n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(ic.cnt[i], 1);
    ck_assert_int_ge(ic.min_queued_us, 0);
    ck_assert_int_le(ic.max_queued_us, (kc_now_ms() - t_assign) * 1000);
    krafka_consumer_destroy(c);
    free(ic.cnt);
    drop_topic(topic);
}
END_TEST

/* ---- 8. commits in the revoke callback ---- */

struct slow_producer {
    const char *topic;
    int32_t parts;
    size_t n, step;
    int64_t base_ts;
    int pause_ms;
    atomic_size_t done;
};

static void *producer_main(void *arg)
{
    struct slow_producer *sp = arg;
    for (size_t from = 0; from < sp->n; from += sp->step) {
        size_t to = from + sp->step < sp->n ? from + sp->step : sp->n;
        produce(sp->topic, sp->parts, from, to, sp->base_ts);
        atomic_store(&sp->done, to);
        usleep((useconds_t)sp->pause_ms * 1000);
    }
    return NULL;
}

START_TEST(commit_in_revoke_means_no_record_is_processed_twice)
{
    const int32_t parts = 12;
    const size_t n = 24000;
    char topic[128], group[128];
    new_topic(topic, sizeof topic, "cg-revoke", parts);
    kc_topic_name(group, sizeof group, "g-revoke");
    struct seen s;
    seen_init(&s, n);
    struct slow_producer sp = {.topic = topic, .parts = parts, .n = n,
                               .step = 1000, .pause_ms = 250,
                               .base_ts = pu_base_ts()};
    pthread_t pth;
    ck_assert_int_eq(pthread_create(&pth, NULL, producer_main, &sp), 0);
    struct member ms[3];
    for (int i = 0; i < 3; i++) {
        /* join one by one while records are produced and consumed */
        size_t before = seen_records(&s);
        int64_t until = kc_now_ms() + 20000;
        while (i > 0 && seen_records(&s) < before + 500 &&
               kc_now_ms() < until)
            usleep(20 * 1000);
        member_start(&ms[i],
                     member_conf(group, "range", "enable.auto.commit",
                                 "false", NULL, NULL),
                     &s, topic);
        ms[i].commit_on_revoke = true;
    }
    struct member *all[3] = {&ms[0], &ms[1], &ms[2]};
    const int w[3] = {4, 4, 4};
    ck_assert_msg(wait_split(all, 3, parts, w, 30000) >= 0,
                  "three members did not split 4/4/4");
    pthread_join(pth, NULL);
    wait_records(&s, n, 60000);
    usleep(500 * 1000);
    for (int i = 0; i < 3; i++)
        member_stop(&ms[i]);
    int revokes = 0;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(atomic_load(&ms[i].commit_errs), 0);
        revokes += atomic_load(&ms[i].revokes);
    }
    fprintf(stderr, "commit in revoke: %zu records, %zu dups, %d revokes\n",
            s.records, s.dups, revokes);
    ck_assert_int_ge(revokes, 3);
    ck_assert_uint_eq(s.dups, 0);
    ck_assert_uint_eq(seen_missing(&s), 0);
    ck_assert_uint_eq(s.records, n);
    seen_free(&s);
    drop_topic(topic);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consumer_group");
    TCase *tc = tcase_create("group");
    tcase_set_timeout(tc, 120);
    ADD(tc, mixed_group_splits_partitions_with_librdkafka_using_range);
    ADD(tc, mixed_group_splits_partitions_with_librdkafka_using_roundrobin);
    ADD(tc, killed_member_partitions_move_within_the_session_timeout);
    ADD(tc, static_member_restart_within_session_timeout_causes_no_rebalance);
    ADD(tc, cooperative_sticky_never_revokes_partitions_that_stay);
    ADD(tc, max_poll_interval_exceeded_leaves_the_group_and_polling_rejoins);
    ADD(tc, group_rebalances_when_a_subscribed_topic_grows);
    ADD(tc, regex_subscription_follows_topics_created_later);
    ADD(tc, on_consume_interceptor_sees_every_record_with_its_queue_time);
    ADD(tc, commit_in_revoke_means_no_record_is_processed_twice);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
