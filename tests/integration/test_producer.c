/*
 * The producer against a real broker (suite 'integration'): every record
 * reported once and read back byte for byte, in order, with every codec
 * and acks 0/1/all; keyed records on the Java client's murmur2 partition;
 * send_sync, flush, purge; the documented errors for a full queue, a
 * record too large, a partition or topic that does not exist, wrong
 * credentials and a topic deleted mid-stream, each losing nothing else;
 * interceptors; eight threads producing at once.
 *
 * KP_RECORDS sets the records per stream run (default 200000; the issue's
 * figure is 1000000).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_util.h"
#include "consume_util.h"
#include "kafka_conn.h"
#include "kt_check.h"
#include "producer_util.h"
#include "protocol/record_batch.h"

#define STALL_MS 30000

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

static krafka_producer_t *tracked(krafka_conf_t *conf, struct pu_track *t)
{
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, t);
    return pu_producer(conf);
}

/* Serves reports until @t has @want of them or @timeout_ms passed;
 * returns the time taken. */
static int64_t poll_until(krafka_producer_t *p, const struct pu_track *t,
                          size_t want, int timeout_ms)
{
    int64_t t0 = kc_now_ms();
    while (t->total < want && kc_now_ms() - t0 < timeout_ms)
        krafka_producer_poll(p, 50);
    return kc_now_ms() - t0;
}

static void flush_ok(krafka_producer_t *p, int timeout_ms)
{
    krafka_err_t err = krafka_producer_flush(p, timeout_ms);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "flush(%d): %s (outq %d)",
                  timeout_ms, krafka_err2name(err),
                  krafka_producer_outq_len(p));
}

/* The end of a one-partition case: flush and destroy @p, then each of
 * records 0..@n-1 reported once and read back once, in order; drops the
 * topic and frees @t. */
static void finish_one_partition(krafka_producer_t *p, struct pu_track *t,
                                 size_t n, const char *label)
{
    flush_ok(p, 10000);
    krafka_producer_destroy(p);
    t->n = n;
    pu_assert_reports(t, true);
    struct pu_verdict v;
    pu_verify(boot(), t->topic, 1, t, true, 0, -1, NULL, 30000, &v);
    pu_assert_clean(&v, n, label);
    drop_topic(t->topic);
    pu_track_free(t);
}

/* ---- every record, every codec, every acks -------------------------- */

static const char *const codecs[] = {"none", "gzip", "snappy", "lz4",
                                     "zstd"};
static const char *const acks_values[] = {"0", "1", "all"};

/* With acks 0 nothing says when the broker has appended: wait until the
 * high watermarks add up to @n (or @timeout_ms passes). */
static int64_t wait_total(const char *topic, int32_t parts, size_t n,
                          int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms, sum = 0;
    char errstr[256];
    do {
        sum = 0;
        for (int32_t i = 0; i < parts; i++)
            sum += ku_high_watermark(boot(), topic, i, 5000, errstr,
                                     sizeof errstr);
        if (sum >= (int64_t)n)
            break;
        usleep(200 * 1000);
    } while (kc_now_ms() < until);
    return sum;
}

static void wait_leaders_serve(const char *topic, int32_t parts)
{
    char errstr[256];
    int64_t until = kc_now_ms() + 20000;
    for (int32_t i = 0; i < parts; i++)
        while (ku_high_watermark(boot(), topic, i, 5000, errstr,
                                 sizeof errstr) < 0) {
            ck_assert_msg(kc_now_ms() < until, "%s [%d]: %s", topic, (int)i,
                          errstr);
            usleep(100 * 1000);
        }
}

static void stream_checks(const struct pu_track *t, int acks_i, int codec,
                          const char *label)
{
    pu_assert_reports(t, true);
    for (size_t i = 0; acks_i == 0 && i < t->n; i++)
        ck_assert_msg(t->offset[i] == -1, "%s: seq %zu reported offset %lld",
                      label, i, (long long)t->offset[i]);
    if (acks_i == 0)
        ck_assert_msg(wait_total(t->topic, 3, t->n, 20000) == (int64_t)t->n,
                      "%s: the broker did not get every record", label);
    struct pu_verdict v;
    pu_verify(boot(), t->topic, 3, t, acks_i != 0, 0, codec, NULL, 180000,
              &v);
    pu_assert_clean(&v, t->n, label);
}

/* acks 0 and 1 turn idempotence off. Order then survives a retry only
 * with one request in flight (the documented guarantee), so acks=1 runs
 * with max.in.flight 1; acks=0 has no retries and keeps the default. */
START_TEST(every_record_is_reported_once_and_read_back_identical_in_order)
{
    int codec = _i / 3, acks_i = _i % 3;
    size_t n = pu_env_size("KP_RECORDS", 200000);
    char topic[128], label[200];
    new_topic(topic, sizeof topic, "p-stream", 3);
    snprintf(label, sizeof label, "%s acks=%s (%s)", codecs[codec],
             acks_values[acks_i], topic);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    krafka_conf_t *conf = kc_conf(boot(), "compression.type", codecs[codec],
                                  "acks", acks_values[acks_i], NULL);
    if (acks_i == 1)
        ck_assert_int_eq(krafka_conf_set(conf, "max.in.flight", "1", NULL, 0),
                         KRAFKA_ERR_NONE);
    /* acks=0 has no answer to retry on: a batch a just-elected leader
     * refuses is lost by design. Wait until every leader serves. */
    if (acks_i == 0)
        wait_leaders_serve(topic, 3);
    krafka_producer_t *p = tracked(conf, &t);
    int64_t t0 = kc_now_ms();
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, n, STALL_MS);
    flush_ok(p, 120000);
    int64_t took = kc_now_ms() - t0;
    ck_assert_int_eq(krafka_producer_outq_len(p), 0);
    krafka_producer_destroy(p);
    fprintf(stderr, "stream %s: %zu records sent and reported in %lld ms\n",
            label, n, (long long)took);
    stream_checks(&t, acks_i, codec, label);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* ---- partitioning --------------------------------------------------- */

/* Keys with Kafka's UtilsTest.testMurmur2 results (Java ints). */
static const struct {
    const char *key;
    int32_t java;
} java_murmur2[] = {
    {"21", -973932308},
    {"foobar", -790332482},
    {"a-little-bit-long-string", -985981536},
    {"a-little-bit-longer-string", -1486304829},
    {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
    {"abc", 479470107},
};

static void check_partitions_by_key(const char *topic, int32_t parts)
{
    char errstr[512];
    for (int32_t part = 0; part < parts; part++) {
        struct ku_records recs = {0};
        krafka_err_t err = ku_read_partition(boot(), topic, part, -1, 60000,
                                             &recs, errstr, sizeof errstr);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "%s", errstr);
        for (size_t i = 0; i < recs.cnt; i++) {
            const struct ku_record *k = &recs.recs[i];
            int32_t want = -1;
            ck_assert_int_ge(k->key_len, 0);
            ck_assert_int_eq(krafka_partition_for_key(
                                 "murmur2_random", k->key, (size_t)k->key_len,
                                 parts, &want),
                             KRAFKA_ERR_NONE);
            ck_assert_msg(want == part, "key %.*s read from [%d], murmur2 "
                          "says [%d]", (int)k->key_len, k->key, (int)part,
                          (int)want);
        }
        ku_records_free(&recs);
    }
}

static void check_java_keys(krafka_producer_t *p, const char *topic,
                            int32_t parts)
{
    for (size_t i = 0; i < sizeof java_murmur2 / sizeof java_murmur2[0];
         i++) {
        const char *key = java_murmur2[i].key;
        krafka_msg_t m = {.topic = topic, .partition = KRAFKA_PARTITION_ANY,
                          .key = key, .key_len = strlen(key),
                          .value = "java", .value_len = 4};
        krafka_delivery_t res;
        krafka_err_t err = krafka_producer_send_sync(p, &m, 10000, &res);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "send_sync %s: %s", key,
                      krafka_err2name(err));
        int32_t java = (int32_t)(((uint32_t)java_murmur2[i].java &
                                  0x7fffffffu) % (uint32_t)parts);
        ck_assert_msg(res.partition == java, "key %s went to [%d], the Java "
                      "client picks [%d]", key, (int)res.partition,
                      (int)java);
    }
}

START_TEST(keyed_records_land_on_the_java_murmur2_partition)
{
    const size_t n = 20000;
    const int32_t parts = 6;
    char topic[128];
    new_topic(topic, sizeof topic, "p-murmur2", parts);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    krafka_producer_t *p = tracked(kc_conf(boot(), NULL), &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, n, STALL_MS);
    flush_ok(p, 60000);
    pu_assert_reports(&t, true);
    struct pu_verdict v;
    pu_verify(boot(), topic, parts, &t, true, 0, -1, NULL, 60000, &v);
    pu_assert_clean(&v, n, topic);
    check_partitions_by_key(topic, parts);
    check_java_keys(p, topic, parts);
    krafka_producer_destroy(p);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* ---- send_sync, flush, purge ---------------------------------------- */

START_TEST(send_sync_returns_the_offset_and_gives_no_report)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-sync", 1);
    struct pu_track t;
    pu_track_init(&t, topic, 5, pu_base_ts());
    krafka_producer_t *p = tracked(kc_conf(boot(), NULL), &t);
    for (size_t seq = 0; seq < 5; seq++) {
        struct pu_rec r;
        pu_make(&r, topic, seq, t.base_ts);
        krafka_delivery_t res;
        memset(&res, 0xab, sizeof res);
        krafka_err_t err = krafka_producer_send_sync(p, &r.msg, 10000, &res);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "send_sync: %s",
                      krafka_err2name(err));
        ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
        ck_assert_int_eq(res.partition, 0);
        ck_assert_int_eq(res.offset, (int64_t)seq);
        ck_assert_int_eq(res.timestamp, r.msg.timestamp);
        ck_assert_ptr_null(res.topic);
        ck_assert_ptr_null(res.errstr);
        ck_assert_int_ge(res.latency_us, 0);
    }
    /* A sync record's accounting ends when poll passes its (silent)
     * report, which the I/O thread queues just after waking send_sync. */
    int64_t until = kc_now_ms() + 2000;
    while (krafka_producer_outq_len(p) > 0 && kc_now_ms() < until)
        krafka_producer_poll(p, 50);
    ck_assert_int_eq(krafka_producer_outq_len(p), 0);
    ck_assert_int_eq(krafka_producer_poll(p, 200), 0);
    ck_assert_int_eq(t.total, 0);
    krafka_producer_destroy(p);
    struct pu_verdict v;
    pu_verify(boot(), topic, 1, &t, true, 0, -1, NULL, 30000, &v);
    pu_assert_clean(&v, 5, "send_sync");
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

START_TEST(flush_sends_at_once_despite_linger)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-flush", 2);
    struct pu_track t;
    pu_track_init(&t, topic, 1000, pu_base_ts());
    krafka_producer_t *p =
        tracked(kc_conf(boot(), "linger.ms", "60000", NULL), &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 1000, STALL_MS);
    int64_t t0 = kc_now_ms();
    flush_ok(p, 10000);
    int64_t took = kc_now_ms() - t0;
    ck_assert_msg(took < 5000, "flush took %lld ms with linger.ms 60000",
                  (long long)took);
    ck_assert_int_eq(t.total, 1000);
    pu_assert_reports(&t, true);
    krafka_producer_destroy(p);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

START_TEST(flush_times_out_when_records_cannot_be_delivered)
{
    char topic[128];
    kc_topic_name(topic, sizeof topic, "p-absent");
    struct pu_track t;
    pu_track_init(&t, topic, 1, pu_base_ts());
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "allow.auto.create.topics", "false",
                "message.timeout.ms", "20000", "close.timeout.ms", "1000",
                NULL),
        &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 1, STALL_MS);
    int64_t t0 = kc_now_ms();
    krafka_err_t err = krafka_producer_flush(p, 500);
    int64_t took = kc_now_ms() - t0;
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_TIMED_OUT, "flush: %s",
                  krafka_err2name(err));
    ck_assert_msg(took >= 450 && took < 2000, "flush(500) took %lld ms",
                  (long long)took);
    ck_assert_int_eq(t.total, 0);
    ck_assert_int_eq(krafka_producer_purge(p, KRAFKA_PURGE_QUEUE |
                                                  KRAFKA_PURGE_INFLIGHT),
                     KRAFKA_ERR_NONE);
    poll_until(p, &t, 1, 5000);
    pu_assert_reports(&t, false);
    ck_assert_msg(t.err[0] == KRAFKA_ERR_LOCAL_PURGE_QUEUE ||
                      t.err[0] == KRAFKA_ERR_LOCAL_PURGE_INFLIGHT,
                  "purged record: %s", krafka_err2name(t.err[0]));
    krafka_producer_destroy(p);
    pu_track_free(&t);
}
END_TEST

START_TEST(purging_the_queue_reports_each_record_as_purged)
{
    char topic[128], errstr[256];
    new_topic(topic, sizeof topic, "p-purge", 1);
    struct pu_track t;
    pu_track_init(&t, topic, 100, pu_base_ts());
    krafka_producer_t *p =
        tracked(kc_conf(boot(), "linger.ms", "60000", NULL), &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 100, STALL_MS);
    ck_assert_int_eq(krafka_producer_outq_len(p), 100);
    ck_assert_int_eq(krafka_producer_purge(p, KRAFKA_PURGE_QUEUE),
                     KRAFKA_ERR_NONE);
    poll_until(p, &t, 100, 5000);
    pu_assert_reports(&t, false);
    ck_assert_int_eq(t.failed, 100);
    for (size_t i = 0; i < 100; i++)
        ck_assert_msg(t.err[i] == KRAFKA_ERR_LOCAL_PURGE_QUEUE,
                      "seq %zu: %s", i, krafka_err2name(t.err[i]));
    ck_assert_int_eq(krafka_producer_outq_len(p), 0);
    krafka_producer_destroy(p);
    ck_assert_int_eq(ku_high_watermark(boot(), topic, 0, 10000, errstr,
                                       sizeof errstr),
                     0);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* ---- refused at send ------------------------------------------------ */

START_TEST(full_queue_refuses_at_once_and_loses_nothing_else)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-qfull", 1);
    struct pu_track t;
    pu_track_init(&t, topic, 12, pu_base_ts());
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "queue.buffering.max.messages", "10", "linger.ms",
                "1000", NULL),
        &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 10, STALL_MS);
    struct pu_rec r;
    pu_make(&r, topic, 10, t.base_ts);
    int64_t t0 = kc_now_ms();
    krafka_err_t err = krafka_producer_send(p, &r.msg, pu_opaque(&t, 10));
    int64_t took = kc_now_ms() - t0;
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_QUEUE_FULL, "11th send: %s",
                  krafka_err2name(err));
    ck_assert_msg(took < 100, "send took %lld ms", (long long)took);
    flush_ok(p, 10000);
    ck_assert_int_eq(t.total, 10);
    /* room again: seq 10 goes now */
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 10, 11, STALL_MS);
    finish_one_partition(p, &t, 11, "queue full");
}
END_TEST

/* A 4 KiB bound (@bound_prop = @bound) refuses the record that would pass
 * 4 KiB, with the record bound @max_messages: at most 2^21 keeps records
 * and bytes in one atomic word, above it in two (producer.h). */
static void bytes_bound_case(const char *max_messages, const char *bound_prop,
                             const char *bound)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-qbytes", 1);
    struct pu_track t;
    pu_track_init(&t, topic, 200, pu_base_ts());
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "queue.buffering.max.messages", max_messages,
                bound_prop, bound, "linger.ms", "1000", NULL),
        &t);
    size_t n = 0;
    krafka_err_t err = KRAFKA_ERR_NONE;
    struct pu_rec r;
    for (; n < 200; n++) {
        pu_make(&r, topic, n, t.base_ts);
        if ((err = krafka_producer_send(p, &r.msg, pu_opaque(&t, n))) !=
            KRAFKA_ERR_NONE)
            break;
    }
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_QUEUE_FULL, "send %zu: %s", n,
                  krafka_err2name(err));
    /* pu_make's records are accounted 70..273 bytes: 4 KiB takes 15..58 */
    ck_assert_msg(n >= 14 && n <= 60, "%zu records took 4 KiB", n);
    ck_assert_int_eq(krafka_producer_outq_len(p), (int)n);
    flush_ok(p, 10000);
    ck_assert_int_eq(krafka_producer_outq_len(p), 0);
    ck_assert_int_eq(t.total, n);
    /* room again: the refused record goes now */
    ck_assert_int_eq(krafka_producer_send(p, &r.msg, pu_opaque(&t, n)),
                     KRAFKA_ERR_NONE);
    finish_one_partition(p, &t, n + 1, "bytes bound");
}

START_TEST(byte_bound_refuses_at_once_with_either_accounting_layout)
{
    /* one packed word, then two counters */
    bytes_bound_case("100000", "queue.buffering.max.kbytes", "4");
    bytes_bound_case("3000000", "queue.buffering.max.kbytes", "4");
}
END_TEST

/* The Java client's name for the same bound, in bytes. */
START_TEST(java_buffer_memory_bounds_the_queue_like_kbytes)
{
    bytes_bound_case("100000", "buffer.memory", "4096");
}
END_TEST

/* Serves reports on a thread of its own while the test's thread is
 * blocked in send (the queue holds records until their reports are
 * served, as in librdkafka: a blocking send needs another thread to
 * poll). */
struct poller {
    krafka_producer_t *p;
    atomic_bool stop;
};

static void *poller_main(void *arg)
{
    struct poller *pl = arg;
    while (!atomic_load(&pl->stop))
        krafka_producer_poll(pl->p, 20);
    return NULL;
}

/* Memory is short: the open batch goes without waiting for linger.ms (a
 * minute here), so room comes back in about a round trip. First a send
 * that is refused (max.block.ms 0), then one that waits for room while
 * another thread serves the reports. */
START_TEST(full_queue_sends_at_once_without_waiting_for_linger)
{
    for (int blocking = 0; blocking < 2; blocking++) {
        char topic[128];
        new_topic(topic, sizeof topic, "p-short", 1);
        struct pu_track t;
        pu_track_init(&t, topic, 11, pu_base_ts());
        krafka_producer_t *p = tracked(
            kc_conf(boot(), "queue.buffering.max.messages", "10",
                    "linger.ms", "60000", "message.timeout.ms", "120000",
                    "max.block.ms", blocking ? "20000" : "0", NULL),
            &t);
        pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 10, STALL_MS);
        struct poller pl = {.p = p};
        pthread_t th;
        if (blocking)
            ck_assert_int_eq(pthread_create(&th, NULL, poller_main, &pl), 0);
        struct pu_rec r;
        pu_make(&r, topic, 10, t.base_ts);
        int64_t t0 = kc_now_ms();
        krafka_err_t err = krafka_producer_send(p, &r.msg, pu_opaque(&t, 10));
        if (!blocking) {
            ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_QUEUE_FULL);
            poll_until(p, &t, 10, 20000);
            ck_assert_int_eq(t.total, 10);
            err = krafka_producer_send(p, &r.msg, pu_opaque(&t, 10));
        }
        int64_t took = kc_now_ms() - t0;
        if (blocking) {
            atomic_store(&pl.stop, true);
            pthread_join(th, NULL);
        }
        ck_assert_msg(err == KRAFKA_ERR_NONE, "blocking %d: %s after %lld ms",
                      blocking, krafka_err2name(err), (long long)took);
        ck_assert_msg(took < 10000, "room came after %lld ms (linger.ms 60000)",
                      (long long)took);
        finish_one_partition(p, &t, 11, "memory short");
    }
}
END_TEST

START_TEST(record_above_message_max_bytes_is_refused_at_send)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-toolarge", 1);
    struct pu_track t;
    pu_track_init(&t, topic, 3, pu_base_ts());
    krafka_producer_t *p =
        tracked(kc_conf(boot(), "message.max.bytes", "10000", NULL), &t);
    static uint8_t big[20000], fits[9000];
    memset(big, 'x', sizeof big);
    memset(fits, 'y', sizeof fits);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 1, STALL_MS);
    krafka_msg_t m = {.topic = topic, .partition = KRAFKA_PARTITION_ANY,
                      .value = big, .value_len = sizeof big};
    krafka_err_t err = krafka_producer_send(p, &m, pu_opaque(&t, 2));
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE,
                  "20000 bytes with message.max.bytes 10000: %s",
                  krafka_err2name(err));
    krafka_delivery_t res;
    m.value = fits;
    m.value_len = sizeof fits;
    err = krafka_producer_send_sync(p, &m, 10000, &res);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "9000 bytes: %s",
                  krafka_err2name(err));
    ck_assert_int_eq(res.offset, 1);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 1, 2, STALL_MS);
    flush_ok(p, 10000);
    krafka_producer_destroy(p);
    ck_assert_int_eq(t.reports[2], 0); /* the refused record */
    t.n = 2;
    pu_assert_reports(&t, true);
    ck_assert_int_eq(t.offset[0], 0);
    ck_assert_int_eq(t.offset[1], 2);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* Sends record @seq to @partition; returns its one outcome, whether send
 * refused it or a report came (within 10 s). */
static krafka_err_t one_outcome(krafka_producer_t *p, struct pu_track *t,
                                size_t seq, int32_t partition)
{
    struct pu_rec r;
    pu_make(&r, t->topic, seq, t->base_ts);
    r.msg.partition = partition;
    size_t before = t->total;
    krafka_err_t err = krafka_producer_send(p, &r.msg, pu_opaque(t, seq));
    krafka_err_t flushed = krafka_producer_flush(p, 10000);
    ck_assert_msg(flushed == KRAFKA_ERR_NONE, "flush: %s",
                  krafka_err2name(flushed));
    if (err) {
        ck_assert_msg(t->total == before, "send said %s, then %zu reports",
                      krafka_err2name(err), t->total - before);
        return err;
    }
    ck_assert_msg(t->total == before + 1 && t->reports[seq] == 1,
                  "%zu reports for one record", t->total - before);
    return t->err[seq];
}

START_TEST(partition_beyond_the_topic_count_fails_with_unknown_partition)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-nopart", 2);
    struct pu_track t;
    pu_track_init(&t, topic, 4, pu_base_ts());
    t.check_ts = false;
    krafka_producer_t *p = tracked(kc_conf(boot(), NULL), &t);
    /* cold: the producer does not know the topic yet */
    krafka_err_t err = one_outcome(p, &t, 0, 5);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION,
                  "partition 5 of 2 (cold): %s", krafka_err2name(err));
    ck_assert_int_eq(one_outcome(p, &t, 1, 1), KRAFKA_ERR_NONE);
    /* warm: the topic's metadata is known */
    err = one_outcome(p, &t, 2, 2);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION,
                  "partition 2 of 2 (warm): %s", krafka_err2name(err));
    ck_assert_int_eq(one_outcome(p, &t, 3, 0), KRAFKA_ERR_NONE);
    krafka_producer_destroy(p);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* ---- failed by report ----------------------------------------------- */

static bool is_unknown_topic_err(krafka_err_t err)
{
    return err == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
           err == KRAFKA_ERR_LOCAL_UNKNOWN_TOPIC ||
           err == KRAFKA_ERR_UNKNOWN_TOPIC_ID ||
           err == KRAFKA_ERR_LOCAL_MSG_TIMED_OUT;
}

START_TEST(absent_topic_fails_within_message_timeout_naming_the_topic)
{
    char topic[128];
    kc_topic_name(topic, sizeof topic, "p-absent");
    struct pu_track t;
    pu_track_init(&t, topic, 3, pu_base_ts());
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "allow.auto.create.topics", "false",
                "message.timeout.ms", "3000", NULL),
        &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 3, STALL_MS);
    int64_t took = poll_until(p, &t, 3, 10000);
    pu_assert_reports(&t, false);
    ck_assert_msg(took < 5000, "reports after %lld ms", (long long)took);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(is_unknown_topic_err(t.err[i]), "seq %zu: %s", i,
                      krafka_err2name(t.err[i]));
        ck_assert_int_eq(t.partition[i], -1);
    }
    ck_assert_msg(strstr(t.first_errstr, topic),
                  "the error does not name the topic: \"%s\"",
                  t.first_errstr);
    fprintf(stderr, "absent topic: %s after %lld ms: %s\n",
            krafka_err2name(t.first_err), (long long)took, t.first_errstr);
    krafka_producer_destroy(p);
    pu_track_free(&t);
}
END_TEST

START_TEST(wrong_sasl_password_fails_records_with_authentication_reports)
{
    char topic[128];
    kc_topic_name(topic, sizeof topic, "p-sasl");
    struct pu_track t;
    pu_track_init(&t, topic, 5, pu_base_ts());
    krafka_producer_t *p = tracked(
        kc_conf(kc_env("KRAFKA_TEST_SASL_BOOTSTRAP"), "security.protocol",
                "sasl_plaintext", "sasl.mechanism", "PLAIN", "sasl.username",
                kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password",
                "not-the-password", "message.timeout.ms", "60000",
                "close.timeout.ms", "1000", NULL),
        &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 5, STALL_MS);
    int64_t took = poll_until(p, &t, 5, 20000);
    pu_assert_reports(&t, false);
    for (size_t i = 0; i < 5; i++)
        ck_assert_msg(t.err[i] == KRAFKA_ERR_LOCAL_AUTHENTICATION,
                      "seq %zu: %s", i, krafka_err2name(t.err[i]));
    ck_assert_msg(took < 10000, "reports after %lld ms", (long long)took);
    ck_assert(kc_log_lacks("not-the-password"));
    fprintf(stderr, "wrong password: reported after %lld ms: %s\n",
            (long long)took, t.first_errstr);
    krafka_producer_destroy(p);
    pu_track_free(&t);
}
END_TEST

/* ---- interceptors --------------------------------------------------- */

struct ic_state {
    const struct pu_track *t;
    _Atomic size_t acks, errors, foreign, sends, bad_send_opaque;
    _Atomic uint8_t *seen; /* owned: on_ack calls per record */
};

static size_t ic_on_send(const krafka_msg_t *msg, void *send_opaque,
                         krafka_header_t *add, size_t max_add, void *opaque)
{
    static _Thread_local char buf[48];
    struct ic_state *s = opaque;
    atomic_fetch_add(&s->sends, 1);
    int64_t seq = pu_value_seq(msg->value, msg->value_len);
    /* on_send gets the opaque given to send(): the record's own tag */
    if (seq < 0 || (size_t)seq >= s->t->n ||
        send_opaque != (void *)&s->t->tags[seq])
        atomic_fetch_add(&s->bad_send_opaque, 1);
    if (max_add < 1)
        return 0;
    int n = snprintf(buf, sizeof buf, "00-%016lld-01", (long long)seq);
    add[0] = (krafka_header_t){"traceparent", buf, (size_t)n};
    return 1;
}

static void ic_on_ack(const krafka_delivery_t *dr, void *opaque)
{
    struct ic_state *s = opaque;
    char *tag = dr->opaque;
    atomic_fetch_add(&s->acks, 1);
    if (dr->err)
        atomic_fetch_add(&s->errors, 1);
    if (!tag || tag < s->t->tags || tag >= s->t->tags + s->t->n)
        atomic_fetch_add(&s->foreign, 1);
    else
        atomic_fetch_add(&s->seen[tag - s->t->tags], 1);
}

/* Every record read back carries its own headers, then traceparent. */
static size_t check_traceparent(const char *topic, int32_t parts)
{
    char errstr[512], want[48];
    size_t read = 0;
    for (int32_t part = 0; part < parts; part++) {
        struct ku_records recs = {0};
        ck_assert_msg(ku_read_partition(boot(), topic, part, -1, 30000, &recs,
                                        errstr, sizeof errstr) == 0,
                      "%s", errstr);
        for (size_t i = 0; i < recs.cnt; i++, read++) {
            const struct ku_record *k = &recs.recs[i];
            int64_t seq = pu_value_seq(k->value, (size_t)k->value_len);
            int n = snprintf(want, sizeof want, "00-%016lld-01",
                             (long long)seq);
            ck_assert_int_eq(k->header_cnt, seq % 3 + 1);
            const struct ku_header *h = &k->headers[k->header_cnt - 1];
            ck_assert(h->key_len == 11 && !memcmp(h->key, "traceparent", 11));
            ck_assert(h->value_len == n && !memcmp(h->value, want, (size_t)n));
        }
        ku_records_free(&recs);
    }
    return read;
}

START_TEST(interceptors_add_a_header_on_send_and_see_every_ack)
{
    const size_t n = 2000;
    char topic[128];
    new_topic(topic, sizeof topic, "p-ic", 2);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    struct ic_state s = {.t = &t, .seen = calloc(n, 1)};
    ck_assert_ptr_nonnull(s.seen);
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_conf_set_interceptors(conf, ic_on_send, ic_on_ack, &s);
    krafka_producer_t *p = tracked(conf, &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, n, STALL_MS);
    flush_ok(p, 30000);
    krafka_producer_destroy(p);
    pu_assert_reports(&t, true);
    ck_assert_int_eq(atomic_load(&s.sends), n);
    ck_assert_int_eq(atomic_load(&s.bad_send_opaque), 0);
    ck_assert_int_eq(atomic_load(&s.acks), n);
    ck_assert_int_eq(atomic_load(&s.errors), 0);
    ck_assert_int_eq(atomic_load(&s.foreign), 0);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(atomic_load(&s.seen[i]) == 1, "on_ack saw seq %zu %d "
                      "times", i, (int)atomic_load(&s.seen[i]));
    ck_assert_int_eq(check_traceparent(topic, 2), n);
    free((void *)s.seen);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

/* ---- topic deleted mid-stream --------------------------------------- */

struct deleter {
    const char *topic;
    atomic_bool done;
    krafka_err_t err;
    char errstr[512];
};

static void *delete_main(void *arg)
{
    struct deleter *d = arg;
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = NULL;
    krafka_topic_result_t res = {0};
    d->err = krafka_admin_new(&a, conf, d->errstr, sizeof d->errstr);
    if (!d->err)
        d->err = krafka_admin_delete_topics(a, &d->topic, 1, 30000, &res,
                                            d->errstr, sizeof d->errstr);
    if (!d->err && res.err) {
        d->err = res.err;
        snprintf(d->errstr, sizeof d->errstr, "%s", res.errstr);
    }
    krafka_admin_destroy(a);
    krafka_conf_destroy(conf);
    atomic_store(&d->done, true);
    return NULL;
}

static bool topic_gone(const char *topic)
{
    char errstr[512];
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_metadata_t *md = NULL;
    bool gone = krafka_admin_metadata(a, topic, 5000, &md, errstr,
                                      sizeof errstr) == KRAFKA_ERR_NONE &&
                md->topic_cnt == 1 &&
                md->topics[0].err == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
    krafka_conf_destroy(conf);
    return gone;
}

/* Sends @seq; a refusal at send is its outcome (kept in @refused). */
static void send_or_refuse(krafka_producer_t *p, struct pu_track *t,
                           size_t seq, krafka_err_t *refused)
{
    struct pu_rec r;
    pu_make(&r, t->topic, seq, t->base_ts);
    refused[seq] = krafka_producer_send(p, &r.msg, pu_opaque(t, seq));
    ck_assert_msg(refused[seq] != KRAFKA_ERR_LOCAL_QUEUE_FULL,
                  "queue full at seq %zu", seq);
    krafka_producer_poll(p, 0);
}

/* Sends while the topic is deleted; returns the next seq. */
static size_t send_during_delete(krafka_producer_t *p, struct pu_track *t,
                                 size_t seq, size_t cap,
                                 krafka_err_t *refused)
{
    struct deleter d = {.topic = t->topic};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, delete_main, &d), 0);
    int64_t done_at = -1;
    while (seq < cap && (done_at < 0 || kc_now_ms() - done_at < 300)) {
        for (int i = 0; i < 10 && seq < cap; i++)
            send_or_refuse(p, t, seq++, refused);
        usleep(1000);
        if (done_at < 0 && atomic_load(&d.done))
            done_at = kc_now_ms();
    }
    pthread_join(th, NULL);
    ck_assert_msg(d.err == KRAFKA_ERR_NONE, "delete: %s: %s",
                  krafka_err2name(d.err), d.errstr);
    return seq;
}

static krafka_err_t outcome(const struct pu_track *t,
                            const krafka_err_t *refused, size_t seq)
{
    if (refused[seq]) {
        ck_assert_msg(t->reports[seq] == 0, "seq %zu refused (%s) and "
                      "reported", seq, krafka_err2name(refused[seq]));
        return refused[seq];
    }
    ck_assert_msg(t->reports[seq] == 1, "seq %zu: %d reports", seq,
                  (int)t->reports[seq]);
    return t->err[seq];
}

static void deletion_checks(const struct pu_track *t,
                            const krafka_err_t *refused, size_t mid,
                            size_t end)
{
    size_t ok = 0, failed = 0;
    ck_assert_msg(t->bad_opaque == 0 && t->dups == 0, "opaque %zu dups %zu",
                  t->bad_opaque, t->dups);
    for (size_t seq = 0; seq < end; seq++) {
        krafka_err_t err = outcome(t, refused, seq);
        if (seq < 1000 || (seq < mid && !err)) {
            ck_assert_msg(!err || seq >= 1000, "seq %zu: %s", seq,
                          krafka_err2name(err));
            ok += seq >= 1000;
            continue;
        }
        ck_assert_msg(is_unknown_topic_err(err), "seq %zu (sent %s the "
                      "deletion): %s", seq, seq < mid ? "during" : "after",
                      krafka_err2name(err));
        failed++;
    }
    fprintf(stderr, "deleted topic: %zu delivered during the deletion, %zu "
            "failed; first error %s: %s\n", ok, failed,
            krafka_err2name(t->first_err), t->first_errstr);
}

START_TEST(topic_deleted_mid_stream_fails_later_records_and_reports_each)
{
    const size_t cap = 30000;
    char topic[128];
    new_topic(topic, sizeof topic, "p-deleted", 1);
    struct pu_track t;
    pu_track_init(&t, topic, cap, pu_base_ts());
    krafka_err_t *refused = calloc(cap, sizeof *refused);
    ck_assert_ptr_nonnull(refused);
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "message.timeout.ms", "5000", "close.timeout.ms",
                "1000", NULL),
        &t);
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 1000, STALL_MS);
    flush_ok(p, 30000);
    size_t mid = send_during_delete(p, &t, 1000, cap - 500, refused);
    int64_t until = kc_now_ms() + 15000;
    while (!topic_gone(topic))
        ck_assert_msg(kc_now_ms() < until, "%s still listed", topic);
    for (size_t seq = mid; seq < mid + 500; seq++)
        send_or_refuse(p, &t, seq, refused);
    int64_t t0 = kc_now_ms();
    flush_ok(p, 20000);
    int64_t took = kc_now_ms() - t0;
    krafka_producer_destroy(p);
    deletion_checks(&t, refused, mid, mid + 500);
    ck_assert_msg(took < 5000 + 5000, "last reports %lld ms after the flush",
                  (long long)took);
    free(refused);
    pu_track_free(&t);
}
END_TEST

/* ---- eight threads -------------------------------------------------- */

struct worker {
    krafka_producer_t *p;
    struct pu_track *t;
    size_t from, to, at;
    krafka_err_t err;
    atomic_bool done;
};

/* Sends [from, to); waits (without polling: the main thread polls) while
 * the queue is full. */
static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct pu_rec r;
    for (w->at = w->from; w->at < w->to; w->at++) {
        pu_make(&r, w->t->topic, w->at, w->t->base_ts);
        int64_t until = kc_now_ms() + STALL_MS;
        void *opaque = pu_opaque(w->t, w->at);
        while ((w->err = krafka_producer_send(w->p, &r.msg, opaque)) ==
                   KRAFKA_ERR_LOCAL_QUEUE_FULL &&
               kc_now_ms() < until)
            usleep(500);
        if (w->err)
            break;
    }
    atomic_store(&w->done, true);
    return NULL;
}

static void run_workers(krafka_producer_t *p, struct pu_track *t,
                        struct worker *w, int nw)
{
    pthread_t th[16];
    size_t share = t->n / (size_t)nw;
    for (int i = 0; i < nw; i++) {
        w[i] = (struct worker){.p = p, .t = t, .from = (size_t)i * share,
                               .to = (size_t)(i + 1) * share};
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker_main, &w[i]),
                         0);
    }
    for (int i = 0; i < nw; i++) {
        while (!atomic_load(&w[i].done))
            krafka_producer_poll(p, 20);
        pthread_join(th[i], NULL);
    }
    for (int i = 0; i < nw; i++)
        ck_assert_msg(w[i].err == KRAFKA_ERR_NONE, "thread %d at seq %zu: %s",
                      i, w[i].at, krafka_err2name(w[i].err));
}

START_TEST(eight_threads_producing_at_once_are_all_reported_and_read_back)
{
    enum { NW = 8 };
    size_t n = pu_env_size("KP_RECORDS", 200000) / NW * NW;
    char topic[128];
    new_topic(topic, sizeof topic, "p-threads", 4);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    krafka_producer_t *p = tracked(kc_conf(boot(), NULL), &t);
    struct worker w[NW];
    int64_t t0 = kc_now_ms();
    run_workers(p, &t, w, NW);
    flush_ok(p, 120000);
    fprintf(stderr, "%d threads: %zu records in %lld ms\n", NW, n,
            (long long)(kc_now_ms() - t0));
    krafka_producer_destroy(p);
    pu_assert_reports(&t, true);
    struct pu_verdict v;
    pu_verify(boot(), topic, 4, &t, true, n / NW, -1, NULL, 180000, &v);
    pu_assert_clean(&v, n, "8 threads");
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

#define ADD_LOOP(tc, fn, from, to)                                             \
    do {                                                                       \
        if (pu_wanted(#fn))                                                     \
            tcase_add_loop_test(tc, fn, from, to);                             \
    } while (0)

/* ---- a topic that grows -------------------------------------------- */

/* Partitions added while the producer runs are found by the periodic
 * metadata refresh: records for them are accepted, and keys spread over
 * the new count exactly as the Java client's murmur2 does. */
START_TEST(partitions_added_while_producing_are_used)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-grow", 2);
    krafka_producer_t *p = pu_producer(
        kc_conf(boot(), "topic.metadata.refresh.interval.ms", "1000",
                "partitioner", "murmur2", NULL));
    krafka_msg_t m = {.topic = topic, .partition = 3, .value = "v",
                      .value_len = 1};
    ck_assert_int_eq(krafka_producer_send_sync(p, &m, 20000, NULL),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    kc_grow_topic(boot(), topic, 4);
    int64_t t0 = kc_now_ms(), until = t0 + 20000;
    krafka_err_t err;
    while ((err = krafka_producer_send_sync(p, &m, 20000, NULL)) ==
               KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION &&
           kc_now_ms() < until)
        usleep(100 * 1000);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "partition 3: %s",
                  krafka_err2name(err));
    fprintf(stderr, "grown topic used after %lld ms\n",
            (long long)(kc_now_ms() - t0));
    int on[4] = {0};
    for (int i = 0; i < 400; i++) {
        char key[16];
        snprintf(key, sizeof key, "key-%d", i);
        krafka_msg_t km = {.topic = topic,
                           .partition = KRAFKA_PARTITION_ANY,
                           .key = key,
                           .key_len = strlen(key),
                           .value = "v",
                           .value_len = 1};
        krafka_delivery_t r;
        ck_assert_int_eq(krafka_producer_send_sync(p, &km, 20000, &r),
                         KRAFKA_ERR_NONE);
        int32_t want = -1;
        ck_assert_int_eq(krafka_partition_for_key("murmur2", key, strlen(key),
                                                  4, &want),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(r.partition, want);
        on[r.partition]++;
    }
    ck_assert(on[2] > 0 && on[3] > 0);
    krafka_producer_destroy(p);
    drop_topic(topic);
}
END_TEST

/* ---- an application partitioner ------------------------------------ */

struct upart {
    atomic_int calls;
    atomic_int keyless;
};

/* Key "...N": partition N % count; "...x": -1, "...y": out of range. */
static int32_t by_last_digit(const char *topic, const void *key,
                             size_t keylen, int32_t cnt, void *opaque)
{
    struct upart *u = opaque;
    atomic_fetch_add(&u->calls, 1);
    ck_assert_ptr_nonnull(topic);
    if (!key) {
        atomic_fetch_add(&u->keyless, 1);
        return cnt - 1;
    }
    char c = ((const char *)key)[keylen - 1];
    if (c == 'x')
        return -1;
    if (c == 'y')
        return cnt;
    return (c - '0') % cnt;
}

START_TEST(user_partitioner_callback_places_every_record)
{
    char topic[128];
    new_topic(topic, sizeof topic, "p-userpart", 3);
    krafka_conf_t *conf = kc_conf(boot(), "partitioner", "fnv1a", NULL);
    struct upart u = {0};
    krafka_conf_set_partitioner_cb(conf, by_last_digit, &u);
    krafka_producer_t *p = pu_producer(conf);
    for (int i = 0; i < 30; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i % 10);
        krafka_msg_t m = {.topic = topic,
                          .partition = KRAFKA_PARTITION_ANY,
                          .key = key,
                          .key_len = strlen(key),
                          .value = "v",
                          .value_len = 1};
        krafka_delivery_t r;
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 20000, &r),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(r.partition, (i % 10) % 3);
    }
    /* keyless records go to it too (not to the sticky partitioner) */
    for (int i = 0; i < 3; i++) {
        krafka_msg_t m = {.topic = topic,
                          .partition = KRAFKA_PARTITION_ANY,
                          .value = "v",
                          .value_len = 1};
        krafka_delivery_t r;
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 20000, &r),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(r.partition, 2);
    }
    ck_assert_int_eq(atomic_load(&u.keyless), 3);
    /* -1 and an out-of-range answer fail the record, nothing else */
    const char *bad[] = {"kx", "ky"};
    for (int i = 0; i < 2; i++) {
        krafka_msg_t m = {.topic = topic,
                          .partition = KRAFKA_PARTITION_ANY,
                          .key = bad[i],
                          .key_len = 2,
                          .value = "v",
                          .value_len = 1};
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 20000, NULL),
                         KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    }
    ck_assert_int_ge(atomic_load(&u.calls), 35);
    krafka_producer_destroy(p);
    drop_topic(topic);
}
END_TEST

/* ---- idempotence: a fenced producer epoch ---------------------------- */

/* Appends one record "intruder" to @topic [0] as producer @pid at @epoch,
 * BaseSequence 0, on a raw connection to the partition's leader; returns
 * the partition's error code. */
static int16_t intrude(const char *topic, int64_t pid, int16_t epoch)
{
    krafka_conf_t *ac = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(ac);
    krafka_conf_destroy(ac);
    krafka_metadata_t *md = NULL;
    char errstr[256], addr[300] = "";
    ck_assert_int_eq(krafka_admin_metadata(a, topic, 10000, &md, errstr,
                                           sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(md->topic_cnt, 1);
    int32_t leader = -1;
    for (int i = 0; i < md->topics[0].partition_cnt; i++)
        if (md->topics[0].partitions[i].id == 0)
            leader = md->topics[0].partitions[i].leader;
    for (int i = 0; i < md->broker_cnt; i++)
        if (md->brokers[i].id == leader)
            snprintf(addr, sizeof addr, "%s:%d", md->brokers[i].host,
                     md->brokers[i].port);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
    ck_assert_msg(addr[0], "no leader for %s [0]", topic);

    struct kr_buf batch;
    kr_buf_init(&batch, 1 << 20);
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params bp = KR_BATCH_PARAMS_INIT;
    bp.base_timestamp = kc_now_ms();
    bp.producer_id = pid;
    bp.producer_epoch = epoch;
    bp.base_sequence = 0;
    ck_assert_int_eq(kr_batch_begin(&w, &batch, &bp), KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_batch_append(&w, bp.base_timestamp, NULL, 0,
                                     "intruder", 8, NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_batch_finish(&w, 0, -1), KRAFKA_ERR_NONE);
    kr_batch_writer_free(&w);

    struct kt_conn c;
    ck_assert_int_eq(kt_connect(&c, addr), KRAFKA_ERR_NONE);
    struct kr_arena ar;
    kr_arena_init(&ar, 0);
    struct kr_PartitionProduceData pd = {
        .Index = 0, .Records = {batch.data, (int32_t)batch.len}};
    struct kr_TopicProduceData td = {.Name = kr_str_c(topic),
                                     .PartitionDataCnt = 1,
                                     .PartitionData = &pd};
    struct kr_ProduceRequest req;
    kr_produce_request_init(&req);
    req.Acks = -1;
    req.TimeoutMs = 10000;
    req.TopicDataCnt = 1;
    req.TopicData = &td;
    struct kr_ProduceResponse resp;
    ck_assert_int_eq(kt_call(&c, &kr_api_Produce, 9, &req, &resp, &ar),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.ResponsesCnt, 1);
    ck_assert_int_eq(resp.Responses[0].PartitionResponsesCnt, 1);
    int16_t ec = resp.Responses[0].PartitionResponses[0].ErrorCode;
    kr_arena_destroy(&ar);
    kt_close(&c);
    kr_buf_free(&batch);
    return ec;
}

/* Another writer takes the producer id over at a higher epoch between two
 * bursts: the broker refuses the producer's next batches
 * (INVALID_PRODUCER_EPOCH, then OUT_OF_ORDER_SEQUENCE_NUMBER behind it);
 * the producer gets a new producer id and sends them again from sequence
 * 0, with five requests in flight: nothing lost, nothing twice, order
 * kept, every record reported once. */
START_TEST(idempotent_producer_recovers_from_a_fenced_epoch_without_loss)
{
    const size_t n = 20000;
    char topic[128];
    new_topic(topic, sizeof topic, "p-fenced", 1);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    kc_log_clear();
    krafka_producer_t *p = tracked(
        kc_conf(boot(), "enable.idempotence", "true", "debug", "producer",
                "linger.ms", "2", "batch.size", "4096",
                "max.in.flight.requests.per.connection", "5", NULL),
        &t);
    pu_send_range(p, &t, 0, 0, n / 2, STALL_MS);
    flush_ok(p, 30000);
    struct kc_logline lines[4];
    ck_assert_int_ge(kc_log_find("producer id ", lines, 4), 1);
    long long pid = -1;
    int epoch = -1;
    ck_assert_int_eq(sscanf(strstr(lines[0].msg, "producer id "),
                            "producer id %lld epoch %d", &pid, &epoch),
                     2);
    ck_assert_int_eq(intrude(topic, pid, (int16_t)(epoch + 1)), 0);
    pu_send_range(p, &t, 0, n / 2, n, STALL_MS);
    flush_ok(p, 60000);
    ck_assert_msg(kc_log_find("resetting producer id", lines, 4) >= 1,
                  "the producer never saw the fenced epoch");
    pu_assert_reports(&t, true);
    krafka_producer_destroy(p);
    struct pu_verdict v;
    pu_verify(boot(), topic, 1, &t, true, 0, -1, NULL, 120000, &v);
    ck_assert_msg(v.foreign == 1, "%zu foreign records (want the intruder)",
                  v.foreign);
    ck_assert_msg(v.read == n + 1 && v.dups == 0 && v.mismatched == 0 &&
                      v.misplaced == 0 && v.disordered == 0 &&
                      v.missing == 0,
                  "read %zu of %zu: %s", v.read, n + 1, v.first);
    drop_topic(topic);
    pu_track_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("producer");
    TCase *stream = tcase_create("stream");
    tcase_set_timeout(stream, 300);
    ADD_LOOP(
        stream, every_record_is_reported_once_and_read_back_identical_in_order,
        0, 15);
    ADD(
        stream, eight_threads_producing_at_once_are_all_reported_and_read_back);
    suite_add_tcase(s, stream);
    TCase *api = tcase_create("api");
    tcase_set_timeout(api, 90);
    ADD(api, keyed_records_land_on_the_java_murmur2_partition);
    ADD(api, send_sync_returns_the_offset_and_gives_no_report);
    ADD(api, flush_sends_at_once_despite_linger);
    ADD(api, flush_times_out_when_records_cannot_be_delivered);
    ADD(api, purging_the_queue_reports_each_record_as_purged);
    ADD(api, interceptors_add_a_header_on_send_and_see_every_ack);
    ADD(api, idempotent_producer_recovers_from_a_fenced_epoch_without_loss);
    ADD(api, user_partitioner_callback_places_every_record);
    ADD(api, partitions_added_while_producing_are_used);
    suite_add_tcase(s, api);
    TCase *errs = tcase_create("errors");
    tcase_set_timeout(errs, 90);
    ADD(errs, full_queue_refuses_at_once_and_loses_nothing_else);
    ADD(errs, byte_bound_refuses_at_once_with_either_accounting_layout);
    ADD(errs, java_buffer_memory_bounds_the_queue_like_kbytes);
    ADD(errs, full_queue_sends_at_once_without_waiting_for_linger);
    ADD(errs, record_above_message_max_bytes_is_refused_at_send);
    ADD(
        errs, partition_beyond_the_topic_count_fails_with_unknown_partition);
    ADD(errs,
                   absent_topic_fails_within_message_timeout_naming_the_topic);
    ADD(
        errs, wrong_sasl_password_fails_records_with_authentication_reports);
    ADD(
        errs, topic_deleted_mid_stream_fails_later_records_and_reports_each);
    suite_add_tcase(s, errs);
    return kt_run(s);
}
