/*
 * rdkafka-perf: krafka-perf (tools/krafka_perf.c) on librdkafka, for
 * comparison: the same command line, record generator, warm-up, timed
 * region and JSON line (tools/perf_common.c). Records go through
 * rd_kafka_produce() on a topic handle made once, with RD_KAFKA_MSG_F_COPY
 * (krafka_producer_send() copies too); `lat_*` is
 * rd_kafka_message_latency().
 *
 *   rdkafka-perf produce -b 127.0.0.1:19092 -t perf -n 1000000 -s 100 \
 *       -X linger.ms=5 -X acks=1 [--rate 50000] [--partitions 1] [-k]
 *
 *   rdkafka-perf consume -b 127.0.0.1:19092 -t perf -n 1000000 \
 *       [-X queued.max.messages.kbytes=65536] [--group G] [--batch 1000]
 *
 * As krafka-perf consume: rd_kafka_assign() of every partition from
 * RD_KAFKA_OFFSET_BEGINNING (or rd_kafka_subscribe() with --group), then
 * rd_kafka_consumer_poll() (rd_kafka_consume_batch_queue() on the
 * consumer queue with --batch N > 1) until COUNT records came.
 *
 * `rdkafka-perf mock BROKERS [TOPIC[:PARTITIONS] ...]` starts librdkafka's
 * mock cluster with these topics, prints its bootstrap address and serves
 * until SIGINT/SIGTERM, so that both clients can be measured against a
 * broker that costs little; give the clients --no-create then.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "perf_common.h"

/* Warm-up records carry opaque NULL; timed record i carries i + 1. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    struct perf_run *r = opaque;
    if (!m->_private) {
        if (m->err)
            fprintf(stderr, "warm-up record failed: %s\n",
                    rd_kafka_err2str(m->err));
        return;
    }
    perf_delivered(r, (long)((uintptr_t)m->_private - 1), m->err != 0,
                   rd_kafka_message_latency(m),
                   m->err ? rd_kafka_err2str(m->err) : NULL);
}

static rd_kafka_conf_t *make_conf(const struct perf_opts *o,
                                  struct perf_run *r)
{
    char errstr[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_res_t res = rd_kafka_conf_set(
        c, "bootstrap.servers", o->bootstrap, errstr, sizeof errstr);
    for (int i = 0; i < o->prop_cnt && res == RD_KAFKA_CONF_OK; i++)
        res = rd_kafka_conf_set(c, o->prop_name[i], o->prop_value[i],
                                errstr, sizeof errstr);
    if (res != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "configuration: %s\n", errstr);
        rd_kafka_conf_destroy(c);
        return NULL;
    }
    rd_kafka_conf_set_dr_msg_cb(c, dr_cb);
    rd_kafka_conf_set_opaque(c, r);
    return c;
}

/* Returns 0 when the topic was created or exists, else 1. */
static int topic_outcome(rd_kafka_event_t *ev, const char *topic)
{
    if (!ev || rd_kafka_event_error(ev)) {
        fprintf(stderr, "create topic %s: %s\n", topic,
                ev ? rd_kafka_event_error_string(ev) : "timed out");
        return 1;
    }
    size_t cnt = 0;
    const rd_kafka_topic_result_t **t = rd_kafka_CreateTopics_result_topics(
        rd_kafka_event_CreateTopics_result(ev), &cnt);
    rd_kafka_resp_err_t err = cnt ? rd_kafka_topic_result_error(t[0]) : 0;
    if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        fprintf(stderr, "create topic %s: %s\n", topic,
                rd_kafka_topic_result_error_string(t[0]));
        return 1;
    }
    return 0;
}

static int create_topic(rd_kafka_t *rk, const struct perf_opts *o)
{
    char errstr[512];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(
        o->topic, o->partitions, 1, errstr, sizeof errstr);
    if (!nt) {
        fprintf(stderr, "create topic %s: %s\n", o->topic, errstr);
        return 1;
    }
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
    int rc = topic_outcome(ev, o->topic);
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

static int warm_up(rd_kafka_t *rk, rd_kafka_topic_t *t)
{
    rd_kafka_resp_err_t err = 0;
    if (rd_kafka_produce(t, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                         "warm-up", 7, NULL, 0, NULL) == -1)
        err = rd_kafka_last_error();
    if (!err)
        err = rd_kafka_flush(rk, 60000);
    if (err)
        fprintf(stderr, "warm-up: %s\n", rd_kafka_err2str(err));
    return err ? 1 : 0;
}

static void send_one(rd_kafka_t *rk, rd_kafka_topic_t *t, struct perf_run *r,
                     long i)
{
    const char *key = perf_key(r, i);
    void *value = (void *)perf_value(r, i);
    rd_kafka_resp_err_t err;
    while (rd_kafka_produce(t, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                            value, r->opts->size, key,
                            key ? PERF_KEY_LEN : 0,
                            (void *)(uintptr_t)(i + 1)) == -1) {
        err = rd_kafka_last_error();
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            perf_send_failed(r, rd_kafka_err2str(err));
            return;
        }
        rd_kafka_poll(rk, 10);
    }
}

/* The timed region: every record sent, every report served. */
static void produce_all(rd_kafka_t *rk, rd_kafka_topic_t *t,
                        struct perf_run *r)
{
    const struct perf_opts *o = r->opts;
    perf_start(r);
    for (long i = 0; i < o->count; i++) {
        perf_pace(r, i);
        send_one(rk, t, r, i);
        if (o->rate > 0 || (i & 1023) == 1023)
            rd_kafka_poll(rk, 0);
    }
    if (rd_kafka_flush(rk, o->timeout_s * 1000))
        fprintf(stderr, "flush timed out: %d records left\n",
                rd_kafka_outq_len(rk));
    perf_stop(r);
}

static int run(const struct perf_opts *o, struct perf_run *r)
{
    char errstr[512];
    rd_kafka_conf_t *c = make_conf(o, r);
    if (!c)
        return 2;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, errstr,
                                  sizeof errstr);
    if (!rk) {
        fprintf(stderr, "producer: %s\n", errstr);
        rd_kafka_conf_destroy(c);
        return 1;
    }
    rd_kafka_topic_t *t = NULL;
    int rc = o->no_create ? 0 : create_topic(rk, o);
    if (!rc)
        t = rd_kafka_topic_new(rk, o->topic, NULL);
    if (!rc)
        rc = warm_up(rk, t);
    if (!rc) {
        produce_all(rk, t, r);
        perf_report(r, "librdkafka", rd_kafka_version_str());
        rc = r->errors ? 1 : 0;
    }
    if (t)
        rd_kafka_topic_destroy(t);
    rd_kafka_destroy(rk);
    return rc;
}

/* Creates "TOPIC[:PARTITIONS]" on the mock cluster (it does not serve
 * CreateTopics); returns 0 or 1. */
static int mock_topic(rd_kafka_mock_cluster_t *mc, const char *arg)
{
    char name[256];
    const char *colon = strchr(arg, ':');
    size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
    long parts = colon ? strtol(colon + 1, NULL, 10) : 1;
    if (len == 0 || len >= sizeof name || parts < 1 || parts > 10000) {
        fprintf(stderr, "mock: bad topic %s\n", arg);
        return 1;
    }
    memcpy(name, arg, len);
    name[len] = '\0';
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name,
                                                         (int)parts, 1);
    if (err)
        fprintf(stderr, "mock: topic %s: %s\n", name, rd_kafka_err2str(err));
    return err ? 1 : 0;
}

/* `mock BROKERS [TOPIC[:PARTITIONS] ...]`: prints the bootstrap address,
 * serves until SIGINT or SIGTERM. */
static int mock(int argc, char **argv)
{
    char errstr[512];
    long brokers = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* blocked before librdkafka starts its threads, so they inherit it */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    /* no "no bootstrap.servers" notice: this handle only hosts the mock */
    rd_kafka_conf_set(c, "log_level", "4", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, errstr,
                                  sizeof errstr);
    rd_kafka_mock_cluster_t *mc = NULL;
    if (rk)
        mc = rd_kafka_mock_cluster_new(rk, brokers < 1 ? 1 : (int)brokers);
    int rc = mc ? 0 : 1;
    for (int i = 3; i < argc && !rc; i++)
        rc = mock_topic(mc, argv[i]);
    if (!rc) {
        printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);
        int sig;
        sigwait(&set, &sig);
    }
    if (mc)
        rd_kafka_mock_cluster_destroy(mc);
    if (rk)
        rd_kafka_destroy(rk);
    return rc;
}

/* ---- consume ---- */

_Static_assert(RD_KAFKA_OFFSET_BEGINNING == -2,
               "perf_opts.offset: -2 is the beginning");

/* bootstrap.servers, the shared defaults, group.id, then -X. */
static rd_kafka_conf_t *make_cconf(const struct perf_opts *o)
{
    char errstr[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_res_t res = rd_kafka_conf_set(
        c, "bootstrap.servers", o->bootstrap, errstr, sizeof errstr);
    const char *const *d = perf_consume_defaults(o);
    for (; *d && res == RD_KAFKA_CONF_OK; d += 2)
        res = rd_kafka_conf_set(c, d[0], d[1], errstr, sizeof errstr);
    /* rd_kafka_assign() needs a group handle, hence a group.id, even
     * though a manual assignment never joins it (auto commit is off). */
    if (res == RD_KAFKA_CONF_OK)
        res = rd_kafka_conf_set(c, "group.id",
                                o->group ? o->group : "rdkafka-perf-assign",
                                errstr, sizeof errstr);
    for (int i = 0; i < o->prop_cnt && res == RD_KAFKA_CONF_OK; i++)
        res = rd_kafka_conf_set(c, o->prop_name[i], o->prop_value[i],
                                errstr, sizeof errstr);
    if (res != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "configuration: %s\n", errstr);
        rd_kafka_conf_destroy(c);
        return NULL;
    }
    return c;
}

/* Every partition of the topic from the beginning (or --offset); 0 or an
 * exit code.
 * The topic may be new: wait until it has partitions. */
static int assign_all(rd_kafka_t *rk, struct perf_crun *r)
{
    const rd_kafka_metadata_t *md = NULL;
    rd_kafka_resp_err_t err = 0;
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, r->opts->topic, NULL);
    for (int tries = 0; tries < 50; tries++) {
        if (md)
            rd_kafka_metadata_destroy(md);
        md = NULL;
        err = rd_kafka_metadata(rk, 0, t, &md, 10000);
        if (!err && md->topic_cnt == 1 && !md->topics[0].err &&
            md->topics[0].partition_cnt > 0)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    rd_kafka_topic_destroy(t);
    if (!err && md->topic_cnt == 1)
        err = md->topics[0].err;
    if (err) {
        fprintf(stderr, "metadata of %s: %s\n", r->opts->topic,
                rd_kafka_err2str(err));
        if (md)
            rd_kafka_metadata_destroy(md);
        return 1;
    }
    const rd_kafka_metadata_topic_t *mt = &md->topics[0];
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(mt->partition_cnt);
    for (int i = 0; i < mt->partition_cnt; i++)
        rd_kafka_topic_partition_list_add(l, mt->topic,
                                          mt->partitions[i].id)
            ->offset = r->opts->offset; /* -2: RD_KAFKA_OFFSET_BEGINNING */
    r->partitions = mt->partition_cnt;
    err = rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    rd_kafka_metadata_destroy(md);
    if (err)
        fprintf(stderr, "assign: %s\n", rd_kafka_err2str(err));
    return err ? 1 : 0;
}

/* Counts and frees what a poll returned. */
static void take(struct perf_crun *r, rd_kafka_message_t *m)
{
    if (m->err)
        perf_cevent(r, rd_kafka_message_errstr(m));
    else
        perf_consumed(r, m->key_len, m->len);
    rd_kafka_message_destroy(m);
}

/* The timed region: from the first poll to the COUNT-th record. */
static void consume_all(rd_kafka_t *rk, struct perf_crun *r)
{
    size_t max = (size_t)r->opts->batch;
    rd_kafka_message_t **msgs = calloc(max, sizeof *msgs);
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(rk);
    if (!msgs || !q) {
        free(msgs);
        return;
    }
    long before;
    perf_cstart(r);
    do {
        before = r->records;
        if (max > 1) {
            ssize_t n = rd_kafka_consume_batch_queue(q, 100, msgs, max);
            for (ssize_t i = 0; i < n; i++)
                take(r, msgs[i]);
        } else {
            rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
            if (m)
                take(r, m);
        }
    } while (perf_cpolled(r, before));
    rd_kafka_queue_destroy(q);
    free(msgs);
}

static int consume(const struct perf_opts *o)
{
    char errstr[512];
    struct perf_crun r;
    perf_crun_init(&r, o);
    rd_kafka_conf_t *c = make_cconf(o);
    if (!c)
        return 2;
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, errstr,
                                  sizeof errstr);
    if (!rk) {
        fprintf(stderr, "consumer: %s\n", errstr);
        rd_kafka_conf_destroy(c);
        return 1;
    }
    rd_kafka_poll_set_consumer(rk);
    int rc = 0;
    if (o->group) {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_new(1);
        rd_kafka_topic_partition_list_add(l, o->topic,
                                          RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, l);
        rd_kafka_topic_partition_list_destroy(l);
        if (err) {
            fprintf(stderr, "subscribe: %s\n", rd_kafka_err2str(err));
            rc = 1;
        }
    } else {
        rc = assign_all(rk, &r);
    }
    if (!rc) {
        consume_all(rk, &r);
        perf_creport(&r, "librdkafka", rd_kafka_version_str());
        rc = r.errors || r.records < o->count ? 1 : 0;
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "mock") == 0)
        return mock(argc, argv);
    struct perf_opts o;
    struct perf_run r;
    int rc = perf_opts_parse(&o, argc, argv, "rdkafka-perf");
    if (rc)
        return rc;
    if (o.mode == PERF_CONSUME) {
        rc = consume(&o);
    } else if (o.mode == PERF_DELETE) {
        fprintf(stderr, "rdkafka-perf: use krafka-perf delete\n");
        rc = 2;
    } else {
        perf_run_init(&r, &o);
        rc = run(&o, &r);
        perf_run_free(&r);
    }
    perf_opts_free(&o);
    return rc;
}
