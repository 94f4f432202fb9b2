/*
 * Metrics of live clients against a real broker (suite 'integration'):
 * after producing N records and consuming them back, the producer counts
 * N records sent and the consumer N received, with the same key+value
 * bytes, and lag reaches 0; the Prometheus exposition of the live
 * clients (each and aggregated) passes the strict parser of the unit
 * tests, the JSON parses; the statistics callback fires at its interval
 * from poll; a group consumer counts its rebalance and its commits;
 * connection failures and SASL authentication failures are counted;
 * enable.metrics=false leaves the registry empty.
 *
 * KM_RECORDS sets N (default 20000). KP_ONLY=<part of a test name> runs
 * matching tests.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/jsonparse.h"
#include "../unit/promparse.h"
#include "client_util.h"
#include "conformance.h"
#include "producer_util.h"

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

static krafka_metrics_snapshot_t snap(const krafka_metrics_t *m)
{
    krafka_metrics_snapshot_t s;
    ck_assert_int_eq(krafka_metrics_snapshot(m, &s, sizeof s),
                     KRAFKA_ERR_NONE);
    return s;
}

/* The Prometheus text of @n registries, checked by the strict parser. */
static char *prom_ok(const krafka_metrics_t *const *regs, size_t n)
{
    char *text = NULL;
    size_t len = 0, fams = 0;
    ck_assert_int_eq(krafka_metrics_prometheus_multi(regs, n, &text, &len),
                     KRAFKA_ERR_NONE);
    const char *why = prom_check(text, &fams);
    ck_assert_msg(!why, "exposition rejected: %s", why);
    ck_assert_uint_gt(fams, 10);
    return text;
}

static void json_ok(const krafka_metrics_t *m)
{
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(krafka_metrics_json(m, &text, &len), KRAFKA_ERR_NONE);
    const char *why = json_check(text, len);
    ck_assert_msg(!why, "JSON rejected: %s", why);
    krafka_metrics_free(text);
}

/* Every metric docs/METRICS.md lists for a producer / consumer, as its
 * TYPE line names it (connections and per-broker ones in both). */
static const char *const common_types[] = {
    "connections_created_total counter", "connections_closed_total counter",
    "connection_errors_total counter", "auth_failures_total counter",
    "active_connections gauge", "requests_in_flight gauge",
    "request_bytes_total counter", "response_bytes_total counter",
    "request_latency_seconds histogram",
    "request_latency_summary_seconds summary",
    "connect_latency_seconds histogram"};
static const char *const producer_types[] = {
    "records_sent_total counter", "bytes_sent_total counter",
    "batches_sent_total counter", "errors_total counter",
    "retries_total counter", "records_dropped_total counter",
    "records_expired_total counter", "buffered_records gauge",
    "buffered_bytes gauge", "batch_records summary", "batch_bytes summary",
    "compression_ratio summary", "request_records summary",
    "send_latency_seconds histogram", "queue_time_seconds histogram",
    "throttle_time_seconds histogram"};
static const char *const consumer_types[] = {
    "records_received_total counter", "bytes_received_total counter",
    "fetches_total counter", "polls_total counter",
    "empty_polls_total counter", "commits_total counter",
    "commit_failures_total counter", "errors_total counter",
    "rebalances_total counter", "assigned_partitions gauge",
    "paused_partitions gauge", "buffered_records gauge",
    "buffered_bytes gauge", "lag gauge", "lag_max gauge",
    "poll_latency_seconds histogram", "fetch_latency_seconds histogram",
    "commit_latency_seconds histogram",
    "rebalance_duration_seconds histogram"};

static void has_types(const char *text, const char *const *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char line[160];
        snprintf(line, sizeof line, "# TYPE krafka_%s\n", t[i]);
        ck_assert_msg(strstr(text, line), "missing: %s", line);
    }
}
#define HAS_TYPES(text, a) has_types(text, a, sizeof a / sizeof *a)

/* The value of the sample line starting with @prefix (name and labels),
 * or -1. */
static double sample(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, prefix, n) == 0 && l[n] == ' ')
            return strtod(l + n + 1, NULL);
    return -1;
}

struct stats_seen {
    int calls;
    int bad_json;
    size_t last_len;
};

static void on_stats(const krafka_metrics_t *m, const char *json,
                     size_t len, void *opaque)
{
    struct stats_seen *s = opaque;
    (void)m;
    s->calls++;
    s->last_len = len;
    if (json_check(json, len) || strlen(json) != len)
        s->bad_json++;
}

/* Produces @n records of keys "k<i>" and 100-byte values to @topic
 * (partition i % @parts); returns their key+value bytes. */
static uint64_t produce(krafka_producer_t *p, const char *topic, size_t n,
                        int32_t parts)
{
    char value[100];
    memset(value, 'v', sizeof value);
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        char key[32];
        int kl = snprintf(key, sizeof key, "k%zu", i);
        krafka_msg_t m = {.topic = topic, .partition = (int32_t)(i % (size_t)parts),
                          .key = key, .key_len = (size_t)kl, .value = value,
                          .value_len = sizeof value};
        krafka_err_t err;
        while ((err = krafka_producer_send(p, &m, NULL)) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL)
            krafka_producer_poll(p, 10);
        ck_assert_int_eq(err, KRAFKA_ERR_NONE);
        bytes += (uint64_t)kl + sizeof value;
        if (i % 1000 == 0)
            krafka_producer_poll(p, 0);
    }
    ck_assert_int_eq(krafka_producer_flush(p, 60000), KRAFKA_ERR_NONE);
    return bytes;
}

START_TEST(produced_and_consumed_counts_match_and_lag_reaches_zero)
{
    size_t n = pu_env_size("KM_RECORDS", 20000);
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "m-live", 3, 1);

    struct stats_seen ps = {0};
    krafka_conf_t *pc = kc_conf(boot(), "client.id", "m-producer",
                                "linger.ms", "5",
                                "statistics.interval.ms", "100", NULL);
    krafka_conf_set_stats_cb(pc, on_stats);
    krafka_conf_set_opaque(pc, &ps);
    krafka_producer_t *p = pu_producer(pc);
    const krafka_metrics_t *pm = krafka_producer_metrics(p);
    ck_assert_ptr_nonnull(pm);
    int64_t t0 = kc_now_ms();
    uint64_t bytes = produce(p, topic, n, 3);
    /* The stats callback runs from poll: keep polling a little. */
    while (kc_now_ms() - t0 < 1200)
        krafka_producer_poll(p, 50);
    krafka_metrics_snapshot_t s = snap(pm);
    ck_assert_uint_eq(s.records_sent, n);
    ck_assert_uint_eq(s.bytes_sent, bytes);
    ck_assert_uint_gt(s.batches_sent, 0);
    ck_assert_uint_le(s.batches_sent, n);
    /* A fresh topic may answer NOT_LEADER once: retried, not lost. */
    ck_assert_uint_le(s.errors, s.retries);
    ck_assert_uint_eq(s.records_dropped + s.records_expired, 0);
    ck_assert_uint_eq(s.buffered_records, 0);
    ck_assert_uint_eq(s.send_latency.count, n);
    ck_assert_uint_gt(s.queue_time.count, 0);
    ck_assert_uint_gt(s.request_latency.count, 0);
    ck_assert_uint_ge(s.connections_created, 1);
    ck_assert_uint_ge(s.active_connections, 1);
    ck_assert_uint_eq(s.connection_errors, 0);
    ck_assert_uint_gt(s.request_bytes, bytes);
    ck_assert_uint_gt(s.response_bytes, 0);
    ck_assert_uint_eq(s.requests_in_flight, 0);
    ck_assert_msg(ps.calls >= 3 && ps.calls <= 20,
                  "producer stats callback ran %d times in %lld ms",
                  ps.calls, (long long)(kc_now_ms() - t0));
    ck_assert_int_eq(ps.bad_json, 0);
    fprintf(stderr, "producer: %" PRIu64 " errors, %" PRIu64 " retries\n",
            s.errors, s.retries);
    fprintf(stderr, "producer: %" PRIu64 " batches, send latency p50 %.0f us "
            "p99 %.0f us, %d stats callbacks\n",
            s.batches_sent, s.send_latency.p50_us, s.send_latency.p99_us,
            ps.calls);

    struct stats_seen cs = {0};
    krafka_conf_t *cc = kc_conf(boot(), "client.id", "m-consumer",
                                "statistics.interval.ms", "200", NULL);
    krafka_conf_set_stats_cb(cc, on_stats);
    krafka_conf_set_opaque(cc, &cs);
    char errstr[512];
    krafka_consumer_t *c = NULL;
    ck_assert_int_eq(krafka_consumer_new(&c, cc, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(cc);
    krafka_tp_list_t *l = krafka_tp_list_new(3);
    for (int32_t i = 0; i < 3; i++)
        krafka_tp_list_add(l, topic, i)->offset = KRAFKA_OFFSET_BEGINNING;
    ck_assert_int_eq(krafka_consumer_assign(c, l), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    const krafka_metrics_t *cm = krafka_consumer_metrics(c);
    size_t got = 0;
    uint64_t got_bytes = 0;
    int64_t until = kc_now_ms() + 60000;
    while (got < n && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (!r)
            continue;
        ck_assert_int_eq(r->err, KRAFKA_ERR_NONE);
        got++;
        got_bytes += r->key_len + r->value_len;
        krafka_record_destroy(r);
    }
    ck_assert_uint_eq(got, n);
    s = snap(cm);
    ck_assert_uint_eq(s.records_received, n);
    ck_assert_uint_eq(s.bytes_received, got_bytes);
    ck_assert_uint_eq(s.bytes_received, bytes);
    ck_assert_uint_ge(s.polls, n);
    ck_assert_uint_gt(s.fetches, 0);
    ck_assert_uint_gt(s.fetch_latency.count, 0);
    ck_assert_uint_gt(s.poll_latency.count, 0);
    ck_assert_uint_eq(s.assigned_partitions, 3);
    ck_assert_uint_eq(s.paused_partitions, 0);
    ck_assert_uint_ge(s.connections_created, 1);
    /* Lag: the high watermark of a later fetch minus the position. */
    int64_t t1 = kc_now_ms();
    while ((s = snap(cm)).lag_max != 0 && kc_now_ms() - t1 < 30000) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        ck_assert_ptr_null(r);
    }
    ck_assert_uint_eq(s.lag_max, 0);
    /* Keep polling so the stats callback gets its ticks. */
    while (kc_now_ms() - t1 < 1000)
        krafka_record_destroy(krafka_consumer_poll(c, 50));
    s = snap(cm);
    ck_assert_uint_gt(s.empty_polls, 0);
    ck_assert_uint_eq(s.buffered_records, 0);
    ck_assert_msg(cs.calls >= 2, "consumer stats callback ran %d times",
                  cs.calls);
    ck_assert_int_eq(cs.bad_json, 0);

    /* Exports of the live clients, alone and together. */
    const krafka_metrics_t *both[2] = {pm, cm};
    char *text = prom_ok(both, 2);
    char key[300];
    snprintf(key, sizeof key,
             "krafka_records_sent_total{client_id=\"m-producer\"}");
    ck_assert_double_eq(sample(text, key), (double)n);
    snprintf(key, sizeof key,
             "krafka_records_received_total{client_id=\"m-consumer\"}");
    ck_assert_double_eq(sample(text, key), (double)n);
    for (int i = 0; i < 3; i++) {
        snprintf(key, sizeof key,
                 "krafka_lag{client_id=\"m-consumer\",topic=\"%s\","
                 "partition=\"%d\"}",
                 topic, i);
        ck_assert_double_eq(sample(text, key), 0);
    }
    ck_assert_ptr_nonnull(strstr(text, "# TYPE krafka_request_latency_seconds "
                                       "histogram"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE krafka_batch_records summary"));
    if (getenv("KM_PRINT"))
        fputs(text, stderr);
    krafka_metrics_free(text);
    text = prom_ok(&pm, 1);
    HAS_TYPES(text, common_types);
    HAS_TYPES(text, producer_types);
    krafka_metrics_free(text);
    text = prom_ok(&cm, 1);
    HAS_TYPES(text, common_types);
    HAS_TYPES(text, consumer_types);
    krafka_metrics_free(text);
    json_ok(pm);
    json_ok(cm);

    /* Reset empties; the registry keeps working. */
    krafka_metrics_reset(krafka_consumer_metrics(c));
    s = snap(cm);
    ck_assert_uint_eq(s.records_received, 0);
    ck_assert_uint_eq(s.fetch_latency.count, 0);
    krafka_consumer_destroy(c);
    krafka_producer_destroy(p);
    kc_drop_topic(boot(), topic);
}
END_TEST

static void on_rebalance(krafka_consumer_t *c, krafka_rebalance_t ev,
                         const krafka_tp_list_t *tps, void *opaque)
{
    (void)c;
    (void)ev;
    (void)tps;
    (void)opaque;
}

START_TEST(group_consumer_counts_rebalance_and_commits)
{
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "m-group", 2, 1);
    krafka_producer_t *p =
        pu_producer(kc_conf(boot(), "linger.ms", "1", NULL));
    uint64_t bytes = produce(p, topic, 100, 2);
    char group[160];
    snprintf(group, sizeof group, "g-%s", topic);
    krafka_conf_t *cc = kc_conf(boot(), "group.id", group,
                                "auto.offset.reset", "earliest",
                                "enable.auto.commit", "false", NULL);
    krafka_conf_set_rebalance_cb(cc, on_rebalance);
    char errstr[512];
    krafka_consumer_t *c = NULL;
    ck_assert_int_eq(krafka_consumer_new(&c, cc, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(cc);
    const char *topics[] = {topic};
    ck_assert_int_eq(krafka_consumer_subscribe(c, topics, 1),
                     KRAFKA_ERR_NONE);
    size_t got = 0;
    int64_t until = kc_now_ms() + 60000;
    while (got < 100 && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (r && r->err == KRAFKA_ERR_NONE)
            got++;
        krafka_record_destroy(r);
    }
    ck_assert_uint_eq(got, 100);
    ck_assert_int_eq(krafka_consumer_commit(c, NULL, false),
                     KRAFKA_ERR_NONE);
    const krafka_metrics_t *cm = krafka_consumer_metrics(c);
    krafka_metrics_snapshot_t s = snap(cm);
    ck_assert_uint_ge(s.rebalances, 1);
    ck_assert_uint_ge(s.rebalance_duration.count, 1);
    ck_assert_uint_eq(s.assigned_partitions, 2);
    ck_assert_uint_eq(s.commits, 1);
    ck_assert_uint_eq(s.commit_failures, 0);
    ck_assert_uint_eq(s.commit_latency.count, 1);
    ck_assert_uint_eq(s.records_received, 100);
    ck_assert_uint_eq(s.bytes_received, bytes);
    fprintf(stderr, "group: rebalance %.0f us, commit %.0f us\n",
            s.rebalance_duration.mean_us, s.commit_latency.mean_us);
    krafka_metrics_free(prom_ok(&cm, 1));
    krafka_consumer_destroy(c);
    krafka_producer_destroy(p);
    kc_drop_topic(boot(), topic);
}
END_TEST

START_TEST(failed_connections_and_authentication_are_counted)
{
    /* Nothing listens on 127.0.0.1:1: every attempt fails. */
    krafka_producer_t *p = pu_producer(
        kc_conf("127.0.0.1:1", "reconnect.backoff.ms", "50",
                "reconnect.backoff.max.ms", "100", NULL));
    const krafka_metrics_t *pm = krafka_producer_metrics(p);
    krafka_msg_t m = {.topic = "m-nowhere", .partition = 0, .value = "x",
                      .value_len = 1};
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), KRAFKA_ERR_NONE);
    int64_t until = kc_now_ms() + 10000;
    krafka_metrics_snapshot_t s;
    while ((s = snap(pm)).connection_errors < 3 && kc_now_ms() < until)
        krafka_producer_poll(p, 50);
    ck_assert_uint_ge(s.connection_errors, 3);
    ck_assert_uint_eq(s.connections_created, 0);
    ck_assert_uint_eq(s.active_connections, 0);
    ck_assert_int_eq(krafka_producer_purge(p, KRAFKA_PURGE_QUEUE),
                     KRAFKA_ERR_NONE);
    until = kc_now_ms() + 5000;
    while ((s = snap(pm)).records_dropped < 1 && kc_now_ms() < until)
        krafka_producer_poll(p, 50);
    ck_assert_uint_eq(s.records_dropped, 1);
    krafka_producer_destroy(p);

    /* A wrong SASL password: an authentication failure. */
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_SASL_BOOTSTRAP"),
                                  "security.protocol", "sasl_plaintext",
                                  "sasl.mechanism", "PLAIN",
                                  "sasl.username",
                                  kc_env("KRAFKA_TEST_SASL_USER"),
                                  "sasl.password", "wrong", NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    const krafka_metrics_t *am = krafka_admin_metrics(a);
    char errstr[512];
    krafka_metadata_t *md = NULL;
    krafka_err_t err =
        krafka_admin_metadata(a, NULL, 5000, &md, errstr, sizeof errstr);
    ck_assert_int_ne(err, KRAFKA_ERR_NONE);
    s = snap(am);
    ck_assert_uint_ge(s.auth_failures, 1);
    ck_assert_uint_ge(s.connection_errors, 1);
    ck_assert_uint_eq(s.connections_created, 0);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(metrics_off_leaves_the_registry_empty)
{
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "m-off", 1, 1);
    krafka_producer_t *p =
        pu_producer(kc_conf(boot(), "enable.metrics", "false", NULL));
    produce(p, topic, 100, 1);
    const krafka_metrics_t *pm = krafka_producer_metrics(p);
    ck_assert_ptr_nonnull(pm);
    krafka_metrics_snapshot_t s = snap(pm);
    ck_assert_uint_eq(s.records_sent, 0);
    ck_assert_uint_eq(s.connections_created, 0);
    char *text = NULL;
    size_t len = 1;
    ck_assert_int_eq(krafka_metrics_prometheus(pm, &text, &len),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(len, 0);
    krafka_metrics_free(text);
    krafka_producer_destroy(p);
    kc_drop_topic(boot(), topic);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metrics_live");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 180);
    ADD(tc, produced_and_consumed_counts_match_and_lag_reaches_zero);
    ADD(tc, group_consumer_counts_rebalance_and_commits);
    ADD(tc, failed_connections_and_authentication_are_counted);
    ADD(tc, metrics_off_leaves_the_registry_empty);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
