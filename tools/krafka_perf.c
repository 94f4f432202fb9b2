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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krafka/krafka.h"
#include "perf_common.h"

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

static krafka_conf_t *make_conf(const struct perf_opts *o,
                                struct perf_run *r)
{
    char errstr[512];
    krafka_conf_t *c = krafka_conf_new();
    if (!c)
        return NULL;
    krafka_err_t err = krafka_conf_set(c, "bootstrap.servers", o->bootstrap,
                                       errstr, sizeof errstr);
    for (int i = 0; i < o->prop_cnt && !err; i++)
        err = krafka_conf_set(c, o->prop_name[i], o->prop_value[i], errstr,
                              sizeof errstr);
    if (err) {
        fprintf(stderr, "configuration: %s\n", errstr);
        krafka_conf_destroy(c);
        return NULL;
    }
    krafka_conf_set_dr_cb(c, dr_cb);
    krafka_conf_set_opaque(c, r);
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

int main(int argc, char **argv)
{
    struct perf_opts o;
    struct perf_run r;
    krafka_producer_t *p = NULL;
    char errstr[512];
    int rc = perf_opts_parse(&o, argc, argv, "krafka-perf");
    if (rc)
        return rc;
    perf_run_init(&r, &o);
    krafka_conf_t *c = make_conf(&o, &r);
    if (!c)
        rc = 2;
    else if (!o.no_create)
        rc = create_topic(&o, c);
    if (!rc && krafka_producer_new(&p, c, errstr, sizeof errstr)) {
        fprintf(stderr, "producer: %s\n", errstr);
        rc = 1;
    }
    if (!rc)
        rc = warm_up(p, &r);
    if (!rc) {
        produce_all(p, &r);
        perf_report(&r, "krafka", krafka_version_str());
        rc = r.errors ? 1 : 0;
    }
    krafka_producer_destroy(p);
    krafka_conf_destroy(c);
    perf_run_free(&r);
    perf_opts_free(&o);
    return rc;
}
