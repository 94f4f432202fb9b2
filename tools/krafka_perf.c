/*
 * krafka-perf: producer throughput, client CPU and delivery latency.
 *
 *   krafka-perf produce -b 127.0.0.1:19092 -t perf -n 1000000 -s 100 \
 *       -X linger.ms=5 -X acks=1 [--rate 50000] [--partitions 1] [-k]
 *
 * Creates the topic if needed (replication factor 1), sends one warm-up
 * record and flushes it (connection, metadata and producer id are then
 * ready), then times COUNT records of SIZE bytes from the first send to
 * the last delivery report and prints one JSON line (fields in
 * tools/perf_common.c; `lat_*` is the library's send-to-ack latency,
 * `e2e_*` with --rate is send() to the served report). Client CPU is
 * getrusage(RUSAGE_SELF) of the whole process over the timed region.
 * bench/rdkafka_perf.c is the same program on librdkafka; run both with
 * bench/produce_compare.sh.
 *
 *   krafka-perf consume -b 127.0.0.1:19092 -t perf -n 1000000 \
 *       [-X queued.max.messages.kbytes=65536] [--group G] [--batch 1000]
 *
 * Assigns every partition of the topic from the beginning (or subscribes
 * in group G), polls (krafka_consumer_poll_batch() with --batch N > 1)
 * until COUNT records came, destroying each, and prints one JSON line
 * timed from the first poll to the COUNT-th record, with the longest gap
 * between two records (max_stall_ms). bench/consume_compare.sh runs it
 * against rdkafka-perf consume.
 *
 *   krafka-perf delete -b 127.0.0.1:19092 -t perf   (for the scripts)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "krafka/krafka.h"
#include "perf_common.h"

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};
    nanosleep(&ts, NULL);
}

/* Warm-up records carry opaque NULL; timed record i carries i + 1. */
static void dr_cb(krafka_producer_t *p, const krafka_delivery_t *dr,
                  void *conf_opaque)
{
    (void)p;
    struct perf_run *r = conf_opaque;
    if (!dr->opaque) {
        if (dr->err)
            fprintf(stderr, "warm-up record failed: %s\n",
                    krafka_err2str(dr->err));
        return;
    }
    perf_delivered(r, (long)((uintptr_t)dr->opaque - 1),
                   dr->err != KRAFKA_ERR_NONE, dr->latency_us,
                   dr->err ? krafka_err2str(dr->err) : NULL);
}

/* bootstrap.servers, then @defaults (name, value, ..., NULL; may be
 * NULL), then the -X properties. */
static krafka_conf_t *make_conf(const struct perf_opts *o,
                                const char *const *defaults)
{
    char errstr[512];
    krafka_conf_t *c = krafka_conf_new();
    if (!c)
        return NULL;
    krafka_err_t err = krafka_conf_set(c, "bootstrap.servers", o->bootstrap,
                                       errstr, sizeof errstr);
    for (; defaults && *defaults && !err; defaults += 2)
        err = krafka_conf_set(c, defaults[0], defaults[1], errstr,
                              sizeof errstr);
    for (int i = 0; i < o->prop_cnt && !err; i++)
        err = krafka_conf_set(c, o->prop_name[i], o->prop_value[i], errstr,
                              sizeof errstr);
    if (err) {
        fprintf(stderr, "configuration: %s\n", errstr);
        krafka_conf_destroy(c);
        return NULL;
    }
    return c;
}

/* Creates the topic unless it exists; returns 0 or an exit code. */
static int create_topic(const struct perf_opts *o, const krafka_conf_t *c)
{
    char errstr[512];
    krafka_admin_t *a;
    krafka_err_t err = krafka_admin_new(&a, c, errstr, sizeof errstr);
    if (err) {
        fprintf(stderr, "admin: %s\n", errstr);
        return 1;
    }
    krafka_new_topic_t t = {.topic = o->topic,
                            .num_partitions = o->partitions,
                            .replication_factor = 1};
    krafka_topic_result_t res;
    err = krafka_admin_create_topics(a, &t, 1, 30000, &res, errstr,
                                     sizeof errstr);
    krafka_admin_destroy(a);
    if (err) {
        fprintf(stderr, "create topic %s: %s\n", o->topic, errstr);
        return 1;
    }
    if (res.err && res.err != KRAFKA_ERR_TOPIC_ALREADY_EXISTS) {
        fprintf(stderr, "create topic %s: %s: %s\n", o->topic,
                krafka_err2name(res.err), res.errstr);
        return 1;
    }
    return 0;
}

static int warm_up(krafka_producer_t *p, const struct perf_run *r)
{
    krafka_msg_t m = {.topic = r->opts->topic,
                      .partition = KRAFKA_PARTITION_ANY,
                      .value = "warm-up",
                      .value_len = 7};
    krafka_err_t err = krafka_producer_send(p, &m, NULL);
    if (!err)
        err = krafka_producer_flush(p, 60000);
    if (err)
        fprintf(stderr, "warm-up: %s\n", krafka_err2str(err));
    return err ? 1 : 0;
}

static void send_one(krafka_producer_t *p, struct perf_run *r, long i)
{
    const char *key = perf_key(r, i);
    krafka_msg_t m = {.topic = r->opts->topic,
                      .partition = KRAFKA_PARTITION_ANY,
                      .key = key,
                      .key_len = key ? PERF_KEY_LEN : 0,
                      .value = perf_value(r, i),
                      .value_len = r->opts->size};
    krafka_err_t err;
    while ((err = krafka_producer_send(p, &m, (void *)(uintptr_t)(i + 1))) ==
           KRAFKA_ERR_LOCAL_QUEUE_FULL)
        krafka_producer_poll(p, 10);
    if (err)
        perf_send_failed(r, krafka_err2str(err));
}

/* The timed region: every record sent, every report served. */
static void produce_all(krafka_producer_t *p, struct perf_run *r)
{
    const struct perf_opts *o = r->opts;
    perf_start(r);
    for (long i = 0; i < o->count; i++) {
        perf_pace(r, i);
        send_one(p, r, i);
        if (o->rate > 0 || (i & 1023) == 1023)
            krafka_producer_poll(p, 0);
    }
    if (krafka_producer_flush(p, o->timeout_s * 1000))
        fprintf(stderr, "flush timed out: %d records left\n",
                krafka_producer_outq_len(p));
    perf_stop(r);
}

/* ---- consume ---- */

_Static_assert(KRAFKA_OFFSET_BEGINNING == -2,
               "perf_opts.offset: -2 is the beginning");

/* Assigns every partition of the topic from the beginning (or --offset);
 * returns 0 or an exit code. The topic may be new: wait until it has
 * partitions. */
static int assign_all(krafka_consumer_t *k, const krafka_conf_t *c,
                      struct perf_crun *r)
{
    char errstr[512];
    krafka_admin_t *a;
    krafka_metadata_t *md = NULL;
    krafka_err_t err = krafka_admin_new(&a, c, errstr, sizeof errstr);
    for (int tries = 0; !err && tries < 50; tries++) {
        krafka_metadata_destroy(md);
        md = NULL;
        err = krafka_admin_metadata(a, r->opts->topic, 10000, &md, errstr,
                                    sizeof errstr);
        if (!err && md->topic_cnt == 1 && !md->topics[0].err &&
            md->topics[0].partition_cnt > 0)
            break;
        sleep_ms(100);
    }
    krafka_admin_destroy(a);
    if (err || md->topic_cnt != 1 || md->topics[0].err) {
        fprintf(stderr, "metadata of %s: %s\n", r->opts->topic,
                err ? errstr
                    : krafka_err2str(md->topic_cnt ? md->topics[0].err
                                                   : KRAFKA_ERR_NONE));
        krafka_metadata_destroy(md);
        return 1;
    }
    const krafka_metadata_topic_t *t = &md->topics[0];
    krafka_tp_list_t *l = krafka_tp_list_new((size_t)t->partition_cnt);
    for (int i = 0; l && i < t->partition_cnt; i++) {
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, t->topic, t->partitions[i].id);
        if (e)
            e->offset = r->opts->offset; /* -2: KRAFKA_OFFSET_BEGINNING */
    }
    r->partitions = t->partition_cnt;
    err = l ? krafka_consumer_assign(k, l) : KRAFKA_ERR_LOCAL_NOMEM;
    krafka_tp_list_destroy(l);
    krafka_metadata_destroy(md);
    if (err)
        fprintf(stderr, "assign: %s\n", krafka_err2str(err));
    return err ? 1 : 0;
}

/* Counts and frees what a poll returned. */
static void take(struct perf_crun *r, krafka_record_t *rec)
{
    if (rec->err)
        perf_cevent(r, rec->errstr && *rec->errstr
                           ? rec->errstr
                           : krafka_err2str(rec->err));
    else
        perf_consumed(r, rec->key_len, rec->value_len);
    krafka_record_destroy(rec);
}

/* The timed region: from the first poll to the COUNT-th record. */
static void consume_all(krafka_consumer_t *k, struct perf_crun *r)
{
    size_t max = (size_t)r->opts->batch;
    krafka_record_t **recs = calloc(max, sizeof *recs);
    if (!recs)
        return;
    long before;
    perf_cstart(r);
    do {
        before = r->records;
        if (max > 1) {
            size_t n = krafka_consumer_poll_batch(k, recs, max, 100);
            for (size_t i = 0; i < n; i++)
                take(r, recs[i]);
        } else {
            krafka_record_t *rec = krafka_consumer_poll(k, 100);
            if (rec)
                take(r, rec);
        }
    } while (perf_cpolled(r, before));
    free(recs);
}

/* --metrics-port: serves @m until the returned handle is stopped. */
static krafka_metrics_http_t *metrics_serve(const struct perf_opts *o,
                                            const krafka_metrics_t *m)
{
    if (o->metrics_port < 0 || !m)
        return NULL;
    char errstr[256];
    krafka_metrics_http_t *h = NULL;
    if (krafka_metrics_http_serve(&h, &m, 1, (uint16_t)o->metrics_port,
                                  errstr, sizeof errstr)) {
        fprintf(stderr, "metrics endpoint: %s\n", errstr);
        return NULL;
    }
    fprintf(stderr, "metrics at http://127.0.0.1:%u/metrics\n",
            (unsigned)krafka_metrics_http_port(h));
    return h;
}

/* --metrics-dump: the registry as Prometheus text, to stderr. */
static void metrics_dump(const struct perf_opts *o, const krafka_metrics_t *m)
{
    char *text = NULL;
    if (o->metrics_dump && m && !krafka_metrics_prometheus(m, &text, NULL))
        fputs(text, stderr);
    krafka_metrics_free(text);
}

static int consume(const struct perf_opts *o)
{
    char errstr[512];
    struct perf_crun r;
    krafka_consumer_t *k = NULL;
    perf_crun_init(&r, o);
    krafka_conf_t *c = make_conf(o, perf_consume_defaults(o));
    if (o->group && c &&
        krafka_conf_set(c, "group.id", o->group, errstr, sizeof errstr)) {
        fprintf(stderr, "group.id: %s\n", errstr);
        krafka_conf_destroy(c);
        c = NULL;
    }
    if (!c)
        return 2;
    int rc = 0;
    if (krafka_consumer_new(&k, c, errstr, sizeof errstr)) {
        fprintf(stderr, "consumer: %s\n", errstr);
        rc = 1;
    } else if (o->group) {
        if (krafka_consumer_subscribe(k, &o->topic, 1)) {
            fprintf(stderr, "subscribe failed\n");
            rc = 1;
        }
    } else {
        rc = assign_all(k, c, &r);
    }
    krafka_metrics_http_t *http =
        rc ? NULL : metrics_serve(o, krafka_consumer_metrics(k));
    if (!rc) {
        consume_all(k, &r);
        perf_creport(&r, "krafka", krafka_version_str());
        rc = r.errors || r.records < o->count ? 1 : 0;
    }
    if (k)
        metrics_dump(o, krafka_consumer_metrics(k));
    krafka_metrics_http_stop(http);
    krafka_consumer_destroy(k);
    krafka_conf_destroy(c);
    return rc;
}

/* `delete -b BOOTSTRAP -t TOPIC`: for the scripts' clean-up. */
static int delete_topic(const struct perf_opts *o)
{
    char errstr[512];
    krafka_admin_t *a = NULL;
    krafka_topic_result_t res = {0};
    krafka_conf_t *c = make_conf(o, NULL);
    krafka_err_t err = c ? krafka_admin_new(&a, c, errstr, sizeof errstr)
                         : KRAFKA_ERR_LOCAL_INVALID_CONF;
    if (!err)
        err = krafka_admin_delete_topics(a, &o->topic, 1, 30000, &res,
                                         errstr, sizeof errstr);
    if (!err && res.err) {
        err = res.err;
        snprintf(errstr, sizeof errstr, "%s", res.errstr);
    }
    if (err)
        fprintf(stderr, "delete topic %s: %s: %s\n", o->topic,
                krafka_err2name(err), c ? errstr : "configuration");
    krafka_admin_destroy(a);
    krafka_conf_destroy(c);
    return err ? 1 : 0;
}

static int produce(const struct perf_opts *o)
{
    krafka_metrics_http_t *http = NULL;
    struct perf_run r;
    krafka_producer_t *p = NULL;
    char errstr[512];
    int rc = 0;
    perf_run_init(&r, o);
    krafka_conf_t *c = make_conf(o, NULL);
    if (!c) {
        rc = 2;
    } else {
        krafka_conf_set_dr_cb(c, dr_cb);
        krafka_conf_set_opaque(c, &r);
        if (!o->no_create)
            rc = create_topic(o, c);
    }
    if (!rc && krafka_producer_new(&p, c, errstr, sizeof errstr)) {
        fprintf(stderr, "producer: %s\n", errstr);
        rc = 1;
    }
    if (!rc)
        http = metrics_serve(o, krafka_producer_metrics(p));
    if (!rc)
        rc = warm_up(p, &r);
    if (!rc) {
        produce_all(p, &r);
        perf_report(&r, "krafka", krafka_version_str());
        rc = r.errors ? 1 : 0;
    }
    if (p)
        metrics_dump(o, krafka_producer_metrics(p));
    krafka_metrics_http_stop(http);
    krafka_producer_destroy(p);
    krafka_conf_destroy(c);
    perf_run_free(&r);
    return rc;
}

int main(int argc, char **argv)
{
    struct perf_opts o;
    int rc = perf_opts_parse(&o, argc, argv, "krafka-perf");
    if (rc)
        return rc;
    if (o.mode == PERF_CONSUME)
        rc = consume(&o);
    else if (o.mode == PERF_DELETE)
        rc = delete_topic(&o);
    else
        rc = produce(&o);
    perf_opts_free(&o);
    return rc;
}
