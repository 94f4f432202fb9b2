/*
 * Metrics through broker failures on the harness's 3-node cluster (suite
 * 'cluster'): when a broker is killed, the producer's and the consumer's
 * connection counters (errors, closed) move while they keep delivering
 * and consuming every record; after the broker comes back, a second
 * member joining the group moves the first one's rebalance counter and
 * lowers its assigned partitions.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"
#include "conformance.h"
#include "producer_util.h"

static const char *cboot(void)
{
    return kc_env("KRAFKA_TEST_CLUSTER_BOOTSTRAP");
}

static krafka_metrics_snapshot_t snap(const krafka_metrics_t *m)
{
    krafka_metrics_snapshot_t s;
    ck_assert_int_eq(krafka_metrics_snapshot(m, &s, sizeof s),
                     KRAFKA_ERR_NONE);
    return s;
}

static void produce(krafka_producer_t *p, const char *topic, size_t from,
                    size_t to)
{
    for (size_t i = from; i < to; i++) {
        char v[64];
        int n = snprintf(v, sizeof v, "record-%zu", i);
        krafka_msg_t m = {.topic = topic, .partition = KRAFKA_PARTITION_ANY,
                          .key = v, .key_len = (size_t)n, .value = v,
                          .value_len = (size_t)n};
        krafka_err_t err;
        while ((err = krafka_producer_send(p, &m, NULL)) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL)
            krafka_producer_poll(p, 10);
        ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    }
    ck_assert_int_eq(krafka_producer_flush(p, 60000), KRAFKA_ERR_NONE);
}

static krafka_consumer_t *member(const char *group, const char *topic,
                                 const char *client_id)
{
    krafka_conf_t *conf = kc_conf(cboot(), "group.id", group,
                                  "client.id", client_id,
                                  "auto.offset.reset", "earliest",
                                  "session.timeout.ms", "6000",
                                  "heartbeat.interval.ms", "500",
                                  "reconnect.backoff.ms", "100",
                                  "reconnect.backoff.max.ms", "1000", NULL);
    char errstr[512];
    krafka_consumer_t *c = NULL;
    ck_assert_int_eq(krafka_consumer_new(&c, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    const char *topics[] = {topic};
    ck_assert_int_eq(krafka_consumer_subscribe(c, topics, 1),
                     KRAFKA_ERR_NONE);
    return c;
}

/* Polls @c (and @other, if any) until @c's records_received reaches
 * @want, bounded by @timeout_ms. */
static void consume_until(krafka_consumer_t *c, krafka_consumer_t *other,
                          uint64_t want, int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms;
    while (snap(krafka_consumer_metrics(c)).records_received < want &&
           kc_now_ms() < until) {
        krafka_record_destroy(krafka_consumer_poll(c, 100));
        if (other)
            krafka_record_destroy(krafka_consumer_poll(other, 10));
    }
    ck_assert_uint_ge(snap(krafka_consumer_metrics(c)).records_received,
                      want);
}

START_TEST(killed_broker_moves_connection_and_rebalance_counters)
{
    kc_heal_cluster();
    char topic[128], group[160];
    kc_new_topic(cboot(), topic, sizeof topic, "m-faults", 6, 3);
    snprintf(group, sizeof group, "g-%s", topic);
    krafka_producer_t *p = pu_producer(
        kc_conf(cboot(), "client.id", "mf-producer", "linger.ms", "5",
                "reconnect.backoff.ms", "100",
                "reconnect.backoff.max.ms", "1000", NULL));
    krafka_consumer_t *c1 = member(group, topic, "mf-c1");
    produce(p, topic, 0, 1000);
    consume_until(c1, NULL, 1000, 60000);
    krafka_metrics_snapshot_t p0 = snap(krafka_producer_metrics(p));
    krafka_metrics_snapshot_t c0 = snap(krafka_consumer_metrics(c1));
    ck_assert_uint_eq(p0.records_sent, 1000);
    ck_assert_uint_ge(c0.rebalances, 1);
    ck_assert_uint_eq(c0.assigned_partitions, 6);
    ck_assert_uint_ge(p0.active_connections, 2);

    kc_harness("kill 2 cluster");
    produce(p, topic, 1000, 2000);
    consume_until(c1, NULL, 2000, 90000);
    krafka_metrics_snapshot_t p1 = snap(krafka_producer_metrics(p));
    krafka_metrics_snapshot_t c1s = snap(krafka_consumer_metrics(c1));
    fprintf(stderr,
            "after kill: producer errors %" PRIu64 "->%" PRIu64
            ", closed %" PRIu64 "->%" PRIu64 ", retries %" PRIu64
            "; consumer errors %" PRIu64 "->%" PRIu64 ", closed %" PRIu64
            "->%" PRIu64 "\n",
            p0.connection_errors, p1.connection_errors,
            p0.connections_closed, p1.connections_closed, p1.retries,
            c0.connection_errors, c1s.connection_errors,
            c0.connections_closed, c1s.connections_closed);
    ck_assert_uint_eq(p1.records_sent, 2000);
    ck_assert_uint_eq(p1.records_dropped + p1.records_expired, 0);
    ck_assert_uint_gt(p1.connection_errors, p0.connection_errors);
    ck_assert_uint_gt(p1.connections_closed, p0.connections_closed);
    ck_assert_uint_gt(c1s.connection_errors, c0.connection_errors);
    ck_assert_uint_gt(c1s.connections_closed, c0.connections_closed);
    ck_assert_uint_eq(c1s.records_received, 2000);

    kc_harness("restart 2 cluster");
    krafka_consumer_t *c2 = member(group, topic, "mf-c2");
    int64_t until = kc_now_ms() + 90000;
    krafka_metrics_snapshot_t c1r;
    while ((c1r = snap(krafka_consumer_metrics(c1))).rebalances <=
               c1s.rebalances &&
           kc_now_ms() < until) {
        krafka_record_destroy(krafka_consumer_poll(c1, 100));
        krafka_record_destroy(krafka_consumer_poll(c2, 100));
    }
    ck_assert_uint_gt(c1r.rebalances, c1s.rebalances);
    ck_assert_uint_gt(c1r.rebalance_duration.count,
                      c1s.rebalance_duration.count);
    /* The second member gets its share. */
    until = kc_now_ms() + 30000;
    while (snap(krafka_consumer_metrics(c2)).assigned_partitions == 0 &&
           kc_now_ms() < until) {
        krafka_record_destroy(krafka_consumer_poll(c1, 100));
        krafka_record_destroy(krafka_consumer_poll(c2, 100));
    }
    ck_assert_uint_gt(snap(krafka_consumer_metrics(c2)).rebalances, 0);
    ck_assert_uint_lt(snap(krafka_consumer_metrics(c1)).assigned_partitions,
                      6);
    krafka_consumer_destroy(c2);
    krafka_consumer_destroy(c1);
    krafka_producer_destroy(p);
    kc_heal_cluster();
    kc_drop_topic(cboot(), topic);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metrics_faults");
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 400);
    ADD(tc, killed_broker_moves_connection_and_rebalance_counters);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
