/*
 * A topic deleted and recreated (same name, same partition count, a new
 * topic id in Kafka 4.x) while a producer keeps sending to it and a
 * consumer reads it, on the single broker (suite 'integration').
 *
 * The producer: every record gets exactly one delivery report (success,
 * or an error naming why: the topic is unknown, message.timeout.ms), none
 * later than message.timeout.ms; every record sent once the topic exists
 * again is delivered to the new topic, where it is read back once, in
 * order, at the partition and offset reported; the producer's sequence
 * numbers of the old topic do not wedge the new one.
 *
 * The consumer (assigned or in a group, auto.offset.reset=earliest):
 * notices the recreation and reads the new topic from its beginning:
 * every record of the new topic is consumed, also when its position in
 * the old topic lies inside the new topic's range.
 *
 * The producer sends to fixed partitions (loop 0) or by key (loop 1).
 * KT_STREAM_MS sets the length of the producer's stream (default 12000).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "client_util.h"
#include "consume_util.h"
#include "consumer_util.h"
#include "kt_check.h"
#include "producer_util.h"

#define PARTS 3
#define MSG_TIMEOUT_MS 20000
#define MSG_TIMEOUT_STR "20000"

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* True when the broker no longer lists @topic (or lists it with an
 * error): the deletion is visible. */
static bool topic_gone(krafka_admin_t *a, const char *topic)
{
    char errstr[512];
    krafka_metadata_t *md = NULL;
    if (krafka_admin_metadata(a, topic, 10000, &md, errstr, sizeof errstr))
        return false;
    bool gone = md->topic_cnt == 0 || md->topics[0].err != KRAFKA_ERR_NONE;
    krafka_metadata_destroy(md);
    return gone;
}

/* Creates @topic again, retrying while the broker still finishes the
 * deletion (TOPIC_ALREADY_EXISTS), then waits for its leaders. */
static void recreate_topic(krafka_admin_t *a, const char *topic)
{
    int64_t until = kc_now_ms() + 30000;
    for (;;) {
        char errstr[512];
        krafka_topic_result_t res;
        krafka_new_topic_t t = {.topic = topic, .num_partitions = PARTS,
                                .replication_factor = 1};
        krafka_err_t err = krafka_admin_create_topics(
            a, &t, 1, 30000, &res, errstr, sizeof errstr);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "create_topics: %s", errstr);
        if (res.err == KRAFKA_ERR_NONE)
            break;
        ck_assert_msg(res.err == KRAFKA_ERR_TOPIC_ALREADY_EXISTS &&
                          kc_now_ms() < until,
                      "recreate %s: %s", topic, res.errstr);
        usleep(200 * 1000);
    }
    /* kc_create_topic's wait for leaders, on a topic that exists now */
    for (;;) {
        char errstr[512];
        krafka_metadata_t *md = NULL;
        bool ok = false;
        if (!krafka_admin_metadata(a, topic, 10000, &md, errstr,
                                   sizeof errstr)) {
            ok = md->topic_cnt == 1 && md->topics[0].err == 0 &&
                 md->topics[0].partition_cnt == PARTS;
            for (int i = 0; ok && i < PARTS; i++)
                ok = md->topics[0].partitions[i].leader >= 0;
            krafka_metadata_destroy(md);
        }
        if (ok)
            return;
        ck_assert_msg(kc_now_ms() < until, "no leaders for %s", topic);
        usleep(100 * 1000);
    }
}

static void delete_and_wait(krafka_admin_t *a, const char *topic)
{
    kc_delete_topic(a, topic);
    int64_t until = kc_now_ms() + 30000;
    while (!topic_gone(a, topic)) {
        ck_assert_msg(kc_now_ms() < until, "%s still listed", topic);
        usleep(100 * 1000);
    }
}

/* ---- the producer's stream, on its own thread ---- */

struct stream {
    char topic[128];
    struct pu_track t;
    int stream_ms;
    bool keyed;                     /* partitioned by key, else seq % PARTS */
    /* the deletion: set off by the stream at a third of it */
    atomic_bool go, recreated;
    int64_t deleted_ms, created_ms; /* when each had returned */
    double cpu_gone;                /* CPU seconds while the topic was gone */
    size_t seq_at_delete, seq_after; /* first seq sent after each */
    /* results */
    int64_t flush_ms;               /* flush() took */
    krafka_err_t flush_err;
    size_t queue_full;              /* send() said LOCAL_QUEUE_FULL */
    krafka_err_t send_err;          /* another send() error, or NONE */
    atomic_bool done;               /* flushed and destroyed */
};

static void *recreate_main(void *arg)
{
    struct stream *s = arg;
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    while (!atomic_load(&s->go))
        usleep(1000);
    double cpu0 = cpu_seconds();
    delete_and_wait(a, s->topic);
    s->deleted_ms = kc_now_ms();
    /* gone for a while: producer retries and consumer fetches meet it */
    usleep(2000 * 1000);
    recreate_topic(a, s->topic);
    s->created_ms = kc_now_ms();
    s->cpu_gone = cpu_seconds() - cpu0;
    atomic_store(&s->recreated, true);
    krafka_admin_destroy(a);
    return NULL;
}

/* Sends records 0..n-1 (by key, or to partition seq % PARTS), paced over
 * stream_ms;
 * sets the recreation off at a third; then flushes. The only thread that
 * touches the producer and the tracker. */
static void *stream_main(void *arg)
{
    struct stream *s = arg;
    struct pu_track *t = &s->t;
    krafka_conf_t *conf = kc_conf(
        boot(), "message.timeout.ms", MSG_TIMEOUT_STR, "linger.ms", "5", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, t);
    krafka_producer_t *p = pu_producer(conf);
    int64_t t0 = kc_now_ms();
    struct pu_rec r;
    bool seen_recreated = false;
    for (size_t seq = 0; seq < t->n; seq++) {
        if (seq == t->n / 3) {
            s->seq_at_delete = seq;
            atomic_store(&s->go, true);
        }
        if (!seen_recreated && atomic_load(&s->recreated)) {
            seen_recreated = true;
            s->seq_after = seq;
        }
        pu_make(&r, t->topic, seq, t->base_ts);
        r.msg.partition = s->keyed ? KRAFKA_PARTITION_ANY
                                   : (int32_t)(seq % PARTS);
        krafka_err_t err;
        while ((err = krafka_producer_send(p, &r.msg, pu_opaque(t, seq))) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL) {
            s->queue_full++;
            krafka_producer_poll(p, 10);
        }
        if (err != KRAFKA_ERR_NONE && s->send_err == KRAFKA_ERR_NONE)
            s->send_err = err;
        int64_t due = t0 + (int64_t)((double)(seq + 1) / (double)t->n *
                                     s->stream_ms);
        krafka_producer_poll(p, 0);
        while (kc_now_ms() < due)
            krafka_producer_poll(p, (int)(due - kc_now_ms()));
    }
    /* every record was sent after its topic existed again, or the stream
     * ended before: then nothing was sent after, which the test catches */
    if (!seen_recreated)
        s->seq_after = t->n;
    int64_t f0 = kc_now_ms();
    s->flush_err = krafka_producer_flush(p, MSG_TIMEOUT_MS + 30000);
    s->flush_ms = kc_now_ms() - f0;
    krafka_producer_destroy(p);
    atomic_store(&s->done, true);
    return NULL;
}

static void stream_init(struct stream *s, const char *prefix, size_t n)
{
    memset(s, 0, sizeof *s);
    kc_new_topic(boot(), s->topic, sizeof s->topic, prefix, PARTS, 1);
    pu_track_init(&s->t, s->topic, n, pu_base_ts());
    s->stream_ms = (int)pu_env_size("KT_STREAM_MS", 12000);
}

/* What reading the new topic back found. */
struct readback {
    size_t read;          /* records in the new topic */
    size_t after;         /* of them sent after the recreation */
    int64_t *part_of;     /* owned: per seq, its partition there or -1 */
    int64_t *off_of;      /* owned: per seq, its offset there */
};

/* Reads every partition of the new topic and checks each record against
 * the reports: reported OK at that partition and offset, once, in order
 * within its partition; every record sent after the recreation is there. */
static void read_back(const struct stream *s, struct readback *rb)
{
    const struct pu_track *t = &s->t;
    memset(rb, 0, sizeof *rb);
    rb->part_of = malloc(t->n * sizeof *rb->part_of);
    rb->off_of = malloc(t->n * sizeof *rb->off_of);
    ck_assert(rb->part_of && rb->off_of);
    for (size_t i = 0; i < t->n; i++)
        rb->part_of[i] = -1;
    for (int32_t part = 0; part < PARTS; part++) {
        char errstr[512];
        struct ku_records recs = {0};
        krafka_err_t err = ku_read_partition(boot(), s->topic, part, -1,
                                             60000, &recs, errstr,
                                             sizeof errstr);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "read back [%d]: %s",
                      (int)part, errstr);
        int64_t last = -1;
        for (size_t i = 0; i < recs.cnt; i++) {
            const struct ku_record *k = &recs.recs[i];
            int64_t seq = pu_value_seq(k->value, k->value_len);
            ck_assert_msg(seq >= 0 && (size_t)seq < t->n,
                          "[%d] offset %lld: a foreign record", (int)part,
                          (long long)k->offset);
            ck_assert_msg(rb->part_of[seq] < 0,
                          "seq %lld twice in the new topic", (long long)seq);
            ck_assert_msg(seq > last, "[%d] seq %lld after seq %lld",
                          (int)part, (long long)seq, (long long)last);
            ck_assert_msg(t->err[seq] == KRAFKA_ERR_NONE &&
                              t->partition[seq] == part &&
                              t->offset[seq] == k->offset,
                          "seq %lld is at [%d] %lld, reported %s at [%d] "
                          "%lld",
                          (long long)seq, (int)part, (long long)k->offset,
                          krafka_err2name(t->err[seq]),
                          (int)t->partition[seq], (long long)t->offset[seq]);
            last = seq;
            rb->part_of[seq] = part;
            rb->off_of[seq] = k->offset;
            rb->read++;
            if ((size_t)seq >= s->seq_after)
                rb->after++;
        }
        ku_records_free(&recs);
    }
    for (size_t seq = s->seq_after; seq < t->n; seq++)
        ck_assert_msg(rb->part_of[seq] >= 0,
                      "seq %zu, sent after the recreation, is not in the "
                      "new topic (reported %s)",
                      seq, krafka_err2name(t->err[seq]));
}

static void readback_free(struct readback *rb)
{
    free(rb->part_of);
    free(rb->off_of);
}

/* The stream's reports: exactly one per record, in time; errors only
 * for records sent before the recreation, and only ones that say why. */
static void check_stream(const struct stream *s)
{
    const struct pu_track *t = &s->t;
    size_t failed_after = 0, by_err[4] = {0};
    fprintf(stderr,
            "%s: %zu records, deleted at seq %zu, recreated before seq %zu "
            "(gone %lld ms, %.2f s CPU meanwhile); %zu ok, %zu failed; "
            "flush %s in %lld ms; %zu queue-full\n",
            t->topic, t->n, s->seq_at_delete, s->seq_after,
            (long long)(s->created_ms - s->deleted_ms), s->cpu_gone, t->ok,
            t->failed, krafka_err2name(s->flush_err),
            (long long)s->flush_ms, s->queue_full);
    ck_assert_msg(s->send_err == KRAFKA_ERR_NONE, "send: %s",
                  krafka_err2name(s->send_err));
    ck_assert_msg(s->flush_err == KRAFKA_ERR_NONE, "flush: %s after %lld ms",
                  krafka_err2name(s->flush_err), (long long)s->flush_ms);
    /* no report waits past message.timeout.ms (+ a request's time) */
    ck_assert_msg(s->flush_ms <= MSG_TIMEOUT_MS + 10000,
                  "flush took %lld ms", (long long)s->flush_ms);
    pu_assert_reports(t, false);
    ck_assert_msg(s->seq_after < t->n, "the stream ended before the topic "
                  "was back");
    for (size_t seq = 0; seq < t->n; seq++) {
        krafka_err_t e = t->err[seq];
        if (e == KRAFKA_ERR_NONE)
            continue;
        if (seq >= s->seq_after)
            failed_after++;
        if (e == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
            by_err[0]++;
        else if (e == KRAFKA_ERR_UNKNOWN_TOPIC_ID)
            by_err[1]++;
        else if (e == KRAFKA_ERR_LOCAL_MSG_TIMED_OUT)
            by_err[2]++;
        else
            by_err[3]++;
    }
    fprintf(stderr, "failed: %zu UNKNOWN_TOPIC_OR_PARTITION, %zu "
            "UNKNOWN_TOPIC_ID, %zu LOCAL_MSG_TIMED_OUT, %zu other (first: "
            "%s: %s)\n", by_err[0], by_err[1], by_err[2], by_err[3],
            krafka_err2name(t->first_err), t->first_errstr);
    ck_assert_msg(by_err[3] == 0, "%zu records failed with another error; "
                  "first: %s: %s", by_err[3], krafka_err2name(t->first_err),
                  t->first_errstr);
    ck_assert_msg(failed_after == 0, "%zu records sent after the "
                  "recreation failed", failed_after);
}

START_TEST(topic_recreated_mid_stream_producer_reports_every_record_and_resumes)
{
    struct stream s;
    stream_init(&s, _i ? "tr-prod-k" : "tr-prod", 6000);
    s.keyed = _i == 1;
    pthread_t st, rt;
    ck_assert_int_eq(pthread_create(&rt, NULL, recreate_main, &s), 0);
    ck_assert_int_eq(pthread_create(&st, NULL, stream_main, &s), 0);
    pthread_join(st, NULL);
    pthread_join(rt, NULL);
    check_stream(&s);
    struct readback rb;
    read_back(&s, &rb);
    fprintf(stderr, "new topic: %zu records, %zu of them sent after the "
            "recreation (%zu sent after)\n", rb.read, rb.after,
            s.t.n - s.seq_after);
    readback_free(&rb);
    kc_drop_topic(boot(), s.topic);
    pu_track_free(&s.t);
}
END_TEST

/* Deleted for good: the records sent before and after the deletion that
 * are not delivered fail, each with one report, within
 * message.timeout.ms, naming why; nothing waits longer. */
START_TEST(topic_deleted_for_good_producer_fails_every_record_within_message_timeout)
{
    const size_t n = 2000;
    const int tmo = 5000;
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "tr-gone", PARTS, 1);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    krafka_conf_t *conf = kc_conf(boot(), "message.timeout.ms", "5000",
                                  "linger.ms", "5", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, &t);
    krafka_producer_t *p = pu_producer(conf);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, n / 2, 10000);
    ck_assert_int_eq(krafka_producer_flush(p, 10000), KRAFKA_ERR_NONE);
    conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    delete_and_wait(a, topic);
    krafka_admin_destroy(a);
    /* sent while the producer may still think the topic is there */
    int64_t t0 = kc_now_ms();
    for (size_t seq = n / 2; seq < n; seq += 10) {
        pu_send_range(p, &t, (int32_t)(seq % PARTS), seq, seq + 10, 10000);
        krafka_producer_poll(p, 10);
    }
    int64_t sent_ms = kc_now_ms() - t0;
    krafka_err_t err = krafka_producer_flush(p, tmo + 20000);
    int64_t all_ms = kc_now_ms() - t0;
    krafka_producer_destroy(p);
    fprintf(stderr, "%s: deleted; %zu records sent in %lld ms, all "
            "reported %lld ms after the deletion: %zu ok, %zu failed "
            "(first: %s: %s)\n", topic, n / 2, (long long)sent_ms,
            (long long)all_ms, t.ok - n / 2, t.failed,
            krafka_err2name(t.first_err), t.first_errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "flush: %s",
                  krafka_err2name(err));
    ck_assert_msg(all_ms <= sent_ms + tmo + 3000,
                  "the last report came %lld ms after the deletion",
                  (long long)all_ms);
    pu_assert_reports(&t, false);
    ck_assert_uint_eq(t.failed, n / 2);
    for (size_t seq = n / 2; seq < n; seq++)
        ck_assert_msg(t.err[seq] == KRAFKA_ERR_LOCAL_MSG_TIMED_OUT ||
                          t.err[seq] ==
                              KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION,
                      "seq %zu: %s", seq, krafka_err2name(t.err[seq]));
    /* the reason names the missing topic */
    ck_assert_msg(strstr(t.first_errstr, "does not exist"), "errstr: %s",
                  t.first_errstr);
    /* and the producer did not create it again */
    conf = kc_conf(boot(), NULL);
    a = kc_admin(conf);
    krafka_conf_destroy(conf);
    ck_assert(topic_gone(a, topic));
    krafka_admin_destroy(a);
    pu_track_free(&t);
}
END_TEST

/* ---- the consumer ---- */

/* What a consumer saw: per seq, the last partition and offset it came
 * at, and errors. */
struct seen {
    size_t n;
    int32_t *part;   /* owned; -1: never */
    int64_t *off;    /* owned */
    size_t records, events;
    int64_t last_off[PARTS];
    size_t backwards; /* offset below the last one of its partition */
    krafka_err_t first_event;
    char first_errstr[256];
};

static void seen_init(struct seen *w, size_t n)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->part = malloc(n * sizeof *w->part);
    w->off = malloc(n * sizeof *w->off);
    ck_assert(w->part && w->off);
    for (size_t i = 0; i < n; i++)
        w->part[i] = -1;
    for (int i = 0; i < PARTS; i++)
        w->last_off[i] = -1;
}

static void seen_free(struct seen *w)
{
    free(w->part);
    free(w->off);
}

static void seen_add(struct seen *w, const krafka_record_t *r)
{
    if (r->err != KRAFKA_ERR_NONE) {
        if (!w->events++) {
            w->first_event = r->err;
            snprintf(w->first_errstr, sizeof w->first_errstr, "%s",
                     r->errstr);
        }
        /* only "the topic is not there (yet)" is expected */
        ck_assert_msg(r->err == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
                          r->err == KRAFKA_ERR_UNKNOWN_TOPIC_ID,
                      "event %s: %s", krafka_err2name(r->err), r->errstr);
        return;
    }
    int64_t seq = pu_value_seq(r->value, r->value_len);
    ck_assert_msg(seq >= 0 && (size_t)seq < w->n && r->partition >= 0 &&
                      r->partition < PARTS,
                  "a foreign record at [%d] %lld", (int)r->partition,
                  (long long)r->offset);
    if (r->offset <= w->last_off[r->partition])
        w->backwards++;
    w->last_off[r->partition] = r->offset;
    w->part[seq] = r->partition;
    w->off[seq] = r->offset;
    w->records++;
}

/* Every record of the new topic was consumed, at its place there. */
static void assert_consumed(const struct seen *w, const struct readback *rb,
                            size_t n)
{
    size_t missed = 0, first = n;
    for (size_t seq = 0; seq < n; seq++)
        if (rb->part_of[seq] >= 0 &&
            (w->part[seq] != rb->part_of[seq] ||
             w->off[seq] != rb->off_of[seq]) &&
            missed++ == 0)
            first = seq;
    ck_assert_msg(missed == 0,
                  "%zu of the %zu records of the new topic were not "
                  "consumed; first: seq %zu at [%d] %lld",
                  missed, rb->read, first,
                  first < n ? (int)rb->part_of[first] : -1,
                  first < n ? (long long)rb->off_of[first] : -1LL);
}

static krafka_consumer_t *reader(bool group, const char *topic)
{
    char gid[160];
    snprintf(gid, sizeof gid, "%s-g", topic);
    krafka_conf_t *conf = kc_conf(boot(), "auto.offset.reset", "earliest",
                                  NULL);
    char errstr[256];
    if (group)
        ck_assert_int_eq(krafka_conf_set(conf, "group.id", gid, errstr,
                                         sizeof errstr),
                         KRAFKA_ERR_NONE);
    krafka_consumer_t *c = cu_consumer(conf);
    if (group) {
        const char *topics[] = {topic};
        ck_assert_int_eq(krafka_consumer_subscribe(c, topics, 1),
                         KRAFKA_ERR_NONE);
    } else {
        cu_assign_all(c, topic, PARTS, KRAFKA_OFFSET_BEGINNING);
    }
    return c;
}

/* Polls until @w holds every record of @rb (or @timeout_ms passed). */
static void consume_until(krafka_consumer_t *c, struct seen *w,
                          const struct readback *rb, int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms;
    for (;;) {
        size_t have = 0;
        for (size_t seq = 0; seq < w->n; seq++)
            have += rb->part_of[seq] >= 0 &&
                    w->part[seq] == rb->part_of[seq] &&
                    w->off[seq] == rb->off_of[seq];
        if (have == rb->read || kc_now_ms() >= until)
            return;
        for (int i = 0; i < 1000; i++) {
            krafka_record_t *r = krafka_consumer_poll(c, 100);
            if (!r)
                break;
            seen_add(w, r);
            krafka_record_destroy(r);
        }
    }
}

START_TEST(topic_recreated_mid_stream_consumer_resumes_on_the_new_topic)
{
    bool group = _i == 1;
    struct stream s;
    stream_init(&s, group ? "tr-cons-g" : "tr-cons-a", 6000);
    krafka_consumer_t *c = reader(group, s.topic);
    struct seen w;
    seen_init(&w, s.t.n);
    pthread_t st, rt;
    ck_assert_int_eq(pthread_create(&rt, NULL, recreate_main, &s), 0);
    ck_assert_int_eq(pthread_create(&st, NULL, stream_main, &s), 0);
    double cpu0 = cpu_seconds();
    int64_t t0 = kc_now_ms();
    /* consume while the stream runs and the topic goes and comes back */
    size_t at_delete = 0;
    bool noted = false;
    while (!atomic_load(&s.done)) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (atomic_load(&s.go) && !noted) {
            noted = true;
            at_delete = w.records;
        }
        if (r) {
            seen_add(&w, r);
            krafka_record_destroy(r);
        }
        ck_assert_msg(kc_now_ms() - t0 < s.stream_ms + MSG_TIMEOUT_MS +
                                             60000,
                      "the stream does not end");
    }
    pthread_join(st, NULL);
    pthread_join(rt, NULL);
    check_stream(&s);
    struct readback rb;
    read_back(&s, &rb);
    consume_until(c, &w, &rb, 30000);
    double cpu = cpu_seconds() - cpu0;
    fprintf(stderr, "%s consumer: %zu records consumed (%zu before the "
            "deletion), %zu events (first: %s: %s), %zu times an offset "
            "went back; the new topic holds %zu; %.2f s CPU in %lld ms\n",
            group ? "group" : "assigned", w.records, at_delete, w.events,
            krafka_err2name(w.first_event), w.first_errstr, w.backwards,
            rb.read, cpu, (long long)(kc_now_ms() - t0));
    assert_consumed(&w, &rb, s.t.n);
    /* no busy loop while the topic is gone or after (one spins a core) */
    double wall = (double)(kc_now_ms() - t0) / 1000;
    ck_assert_msg(cpu < 0.3 * wall, "%.2f s of CPU in %.1f s", cpu, wall);
    krafka_consumer_destroy(c);
    seen_free(&w);
    readback_free(&rb);
    kc_drop_topic(boot(), s.topic);
    pu_track_free(&s.t);
}
END_TEST

/* The same without a race: the consumer's position in the old topic
 * (300 per partition) lies inside the new topic (600 per partition) when
 * it fetches again; it must still read the new topic from offset 0. */
START_TEST(topic_recreated_consumer_position_inside_the_new_topic_restarts_at_its_beginning)
{
    bool group = _i == 1;
    const size_t per = 300;
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, group ? "tr-pos-g" : "tr-pos-a",
                 PARTS, 1);
    struct pu_track old;
    pu_track_init(&old, topic, per * PARTS, pu_base_ts());
    cu_produce(boot(), topic, &old, "none", PARTS, 0, per * PARTS);
    krafka_consumer_t *c = reader(group, topic);
    struct seen w;
    seen_init(&w, 3 * per * PARTS);
    int64_t until = kc_now_ms() + 30000;
    while (w.records < per * PARTS && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (r) {
            seen_add(&w, r);
            krafka_record_destroy(r);
        }
    }
    ck_assert_uint_eq(w.records, per * PARTS);
    /* stop fetching while the topic is replaced by a longer one */
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    for (int32_t i = 0; i < PARTS; i++)
        krafka_tp_list_add(l, topic, i);
    ck_assert_int_eq(krafka_consumer_pause(c, l), KRAFKA_ERR_NONE);
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    delete_and_wait(a, topic);
    recreate_topic(a, topic);
    krafka_admin_destroy(a);
    struct pu_track nt;
    pu_track_init(&nt, topic, 3 * per * PARTS, old.base_ts);
    cu_produce(boot(), topic, &nt, "none", PARTS, per * PARTS,
               3 * per * PARTS);
    for (int i = 0; i < 5; i++) { /* serve the group; nothing may come */
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (r) {
            seen_add(&w, r);
            krafka_record_destroy(r);
        }
    }
    ck_assert_int_eq(krafka_consumer_resume(c, l), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    struct stream s = {.seq_after = per * PARTS, .t = nt};
    snprintf(s.topic, sizeof s.topic, "%s", topic);
    struct readback rb;
    read_back(&s, &rb);
    ck_assert_uint_eq(rb.read, 2 * per * PARTS);
    consume_until(c, &w, &rb, 30000);
    fprintf(stderr, "%s consumer: %zu records consumed, %zu events, new "
            "topic %zu records\n", group ? "group" : "assigned", w.records,
            w.events, rb.read);
    assert_consumed(&w, &rb, w.n);
    krafka_consumer_destroy(c);
    seen_free(&w);
    readback_free(&rb);
    kc_drop_topic(boot(), topic);
    pu_track_free(&old);
    pu_track_free(&nt);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("topic_recreate");
    TCase *tc = tcase_create("recreate");
    tcase_set_timeout(tc, 240);
    if (pu_wanted("topic_recreated_mid_stream_producer"))
        tcase_add_loop_test(
            tc,
            topic_recreated_mid_stream_producer_reports_every_record_and_resumes,
            0, 2);
    ADD(tc,
        topic_deleted_for_good_producer_fails_every_record_within_message_timeout);
    if (pu_wanted("topic_recreated_mid_stream_consumer"))
        tcase_add_loop_test(
            tc, topic_recreated_mid_stream_consumer_resumes_on_the_new_topic,
            0, 2);
    if (pu_wanted("topic_recreated_consumer_position"))
        tcase_add_loop_test(
            tc,
            topic_recreated_consumer_position_inside_the_new_topic_restarts_at_its_beginning,
            0, 2);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
