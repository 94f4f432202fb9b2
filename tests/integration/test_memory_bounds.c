/*
 * Memory stays within the configured caps when the other side does not
 * keep up (single broker, suite 'integration'):
 *
 * - a producer sending as fast as it can while the broker is stopped with
 *   SIGSTOP: send() says LOCAL_QUEUE_FULL once queue.buffering.max.kbytes
 *   is used (after waiting at most max.block.ms when that is set), the
 *   process's peak RSS grows by at most that cap + 32 MiB, and once the
 *   broker is resumed every accepted record is reported once and read
 *   back from the topic;
 * - a consumer whose application does not poll for a while: what it
 *   fetches ahead stays within queued.max.messages.kbytes (+ 32 MiB of
 *   peak RSS), and every record is then consumed.
 *
 * Peak RSS is VmHWM of /proc/self/status, reset to the current RSS
 * (clear_refs 5) before each measurement. The paused broker is resumed
 * by the test, by an exit handler if the test fails, by main() after the
 * run, and by a watchdog shell if the test process is killed.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client_util.h"
#include "consumer_util.h"
#include "kt_check.h"
#include "producer_util.h"

#define PARTS 3
#define MIB (1024 * 1024)
#define SLACK_MIB 32

/* AddressSanitizer's shadow memory and quarantine inflate RSS: the
 * figures are printed but not held against the cap there. */
#ifdef __SANITIZE_ADDRESS__
#define RSS_CHECKED false
#else
#define RSS_CHECKED true
#endif

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

/* ---- peak RSS ---- */

static long status_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    fclose(f);
    ck_assert_msg(v >= 0, "no %s in /proc/self/status", field);
    return v;
}

/* Resets VmHWM to the current RSS (Linux 4.0+); returns the peak to
 * measure growth from. */
static long peak_reset_kib(void)
{
    malloc_trim(0);
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    if (fd >= 0) {
        if (write(fd, "5", 1) != 1)
            fprintf(stderr, "clear_refs: VmHWM not reset\n");
        close(fd);
    }
    return status_kib("VmHWM");
}

/* ---- the paused broker ---- */

static bool paused;

/* The harness's version of the single broker under test. */
static const char *kafka_version(void)
{
    const char *v = getenv("KRAFKA_TEST_KAFKA_VERSION");
    return v && *v ? v : "4.1.1";
}

static void resume_broker(void)
{
    if (!paused)
        return;
    paused = false;
    /* getenv: this also runs outside a test (at exit, in main) */
    const char *h = getenv("KRAFKA_TEST_HARNESS");
    char cmd[1024];
    if (!h)
        return;
    snprintf(cmd, sizeof cmd, "%s resume 1 single %s >&2", h,
             kafka_version());
    if (system(cmd) != 0)
        fprintf(stderr, "resuming the broker failed\n");
}

/* SIGSTOPs the broker; whatever happens to this process, it is resumed:
 * by the test, at exit (a failed assertion exits), or after @max_s by a
 * watchdog shell (a timed-out test is killed). */
static void pause_broker(int max_s)
{
    static bool registered;
    if (!registered) {
        atexit(resume_broker);
        registered = true;
    }
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "(sleep %d; %s resume 1 single %s) >/dev/null 2>&1 &",
             max_s, kc_env("KRAFKA_TEST_HARNESS"), kafka_version());
    ck_assert_int_eq(system(cmd), 0);
    paused = true;
    char args[64];
    snprintf(args, sizeof args, "pause 1 single %s", kafka_version());
    kc_harness(args);
}

/* ---- the producer ---- */

#define P_BUF_KIB 32768
#define P_BUF_KIB_STR "32768"
#define P_RECORDS_MAX 1000000 /* queue.buffering.max.messages */
#define P_STOPPED_MS 5000     /* sending into the stopped broker */

/* CPU time of the calling thread, in microseconds. */
static int64_t thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

START_TEST(producer_memory_stays_within_buffer_while_broker_is_stopped)
{
    const int block_ms = _i == 0 ? 0 : 200;
    char topic[128], block[16];
    snprintf(block, sizeof block, "%d", block_ms);
    kc_new_topic(boot(), topic, sizeof topic, "mb-prod", PARTS, 1);
    struct pu_track t;
    pu_track_init(&t, topic, 2 * P_RECORDS_MAX, pu_base_ts());
    /* A batch retried after its first attempt was written is answered as
     * a duplicate with LogAppendTimeMs = its MaxTimestamp (see
     * test_producer_faults.c): reported timestamps are not compared. */
    t.check_ts = false;
    krafka_conf_t *conf = kc_conf(
        boot(), "queue.buffering.max.kbytes", P_BUF_KIB_STR,
        "queue.buffering.max.messages", "1000000", "max.block.ms", block,
        "message.timeout.ms", "120000", "request.timeout.ms", "60000", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, &t);
    krafka_producer_t *p = pu_producer(conf);
    /* connections, producer id and metadata before the broker stops */
    size_t seq = 0;
    pu_send_range(p, &t, KRAFKA_PARTITION_ANY, 0, 1000, 10000);
    ck_assert_int_eq(krafka_producer_flush(p, 30000), KRAFKA_ERR_NONE);
    seq = 1000;
    long base = peak_reset_kib();
    pause_broker(120);
    size_t full = 0;
    int64_t longest_full_us = 0, full_us = 0, full_cpu_us = 0;
    int64_t t0 = kc_now_ms();
    struct pu_rec r;
    pu_make(&r, topic, seq, t.base_ts);
    while (kc_now_ms() - t0 < P_STOPPED_MS) {
        int64_t s0 = kc_now_ms() * 1000, c0 = thread_cpu_us();
        krafka_err_t err = krafka_producer_send(p, &r.msg, pu_opaque(&t, seq));
        if (err == KRAFKA_ERR_LOCAL_QUEUE_FULL) {
            int64_t took = kc_now_ms() * 1000 - s0;
            if (took > longest_full_us)
                longest_full_us = took;
            full_us += took;
            full_cpu_us += thread_cpu_us() - c0;
            full++;
            continue;
        }
        /* no ck_assert in this loop: each one is a write to check's
         * pipe, which would slow the sender down */
        if (err != KRAFKA_ERR_NONE || ++seq == t.n)
            ck_abort_msg("send: %s at seq %zu", krafka_err2name(err), seq);
        pu_make(&r, topic, seq, t.base_ts);
    }
    long peak = status_kib("VmHWM");
    int queued = krafka_producer_outq_len(p);
    size_t accepted = seq;
    long growth_mib = (peak - base) / 1024;
    fprintf(stderr,
            "producer, max.block.ms=%d, broker stopped: %zu records "
            "accepted in %d ms (%d queued), %zu QUEUE_FULL (longest %lld "
            "ms, %lld ms CPU in %lld ms); peak RSS %ld -> %ld MiB (+%ld "
            "MiB; limit %d + %d MiB)\n",
            block_ms, accepted - 1000, P_STOPPED_MS, queued, full,
            (long long)(longest_full_us / 1000),
            (long long)(full_cpu_us / 1000), (long long)(full_us / 1000),
            base / 1024, peak / 1024, growth_mib, P_BUF_KIB / 1024,
            SLACK_MIB);
    resume_broker();
    ck_assert_msg(full > 0, "the queue never filled");
    ck_assert_msg(!RSS_CHECKED || growth_mib <= P_BUF_KIB / 1024 + SLACK_MIB,
                  "peak RSS grew by %ld MiB", growth_mib);
    /* max.block.ms: waited for room, then gave up (+ scheduling slack) */
    ck_assert_msg(longest_full_us <= (int64_t)(block_ms + 250) * 1000,
                  "a full send() took %lld ms",
                  (long long)(longest_full_us / 1000));
    if (block_ms > 0) {
        ck_assert_msg(longest_full_us >= (int64_t)block_ms * 1000 - 5000,
                      "a full send() returned after %lld ms",
                      (long long)(longest_full_us / 1000));
        /* waiting for room sleeps: it does not spin */
        ck_assert_msg(full_cpu_us <= full_us / 4,
                      "full sends used %lld ms of CPU in %lld ms",
                      (long long)(full_cpu_us / 1000),
                      (long long)(full_us / 1000));
    }
    t.n = accepted;
    int64_t f0 = kc_now_ms();
    krafka_err_t err = krafka_producer_flush(p, 120000);
    fprintf(stderr, "resumed: flush %s in %lld ms; %zu ok, %zu failed\n",
            krafka_err2name(err), (long long)(kc_now_ms() - f0), t.ok,
            t.failed);
    ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    krafka_producer_destroy(p);
    pu_assert_reports(&t, true);
    struct pu_verdict v;
    pu_verify(boot(), topic, PARTS, &t, true, 0, -1, NULL, 180000, &v);
    pu_assert_clean(&v, accepted, "read back");
    kc_drop_topic(boot(), topic);
    pu_track_free(&t);
}
END_TEST

/* ---- the consumer ---- */

#define C_CAP_KIB 16384
#define C_CAP_KIB_STR "16384"
#define C_RECORDS 80000
#define C_VALUE 1000

/* @n records of C_VALUE bytes, the first 8 holding the sequence number,
 * to partition seq % PARTS, by a producer with a small buffer (its memory
 * must not count as the consumer's). */
static void produce_big(const char *topic, size_t n)
{
    krafka_conf_t *conf = kc_conf(boot(), "queue.buffering.max.kbytes",
                                  "8192", "max.block.ms", "10000", NULL);
    krafka_producer_t *p = pu_producer(conf);
    static uint8_t value[C_VALUE];
    for (size_t seq = 0; seq < n; seq++) {
        memset(value, (int)(seq & 0xff), sizeof value);
        memcpy(value, &seq, sizeof seq);
        krafka_msg_t m = {.topic = topic,
                          .partition = (int32_t)(seq % PARTS),
                          .value = value, .value_len = sizeof value};
        krafka_err_t err = krafka_producer_send(p, &m, NULL);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "send: %s",
                      krafka_err2name(err));
        if ((seq & 1023) == 0)
            krafka_producer_poll(p, 0);
    }
    ck_assert_int_eq(krafka_producer_flush(p, 60000), KRAFKA_ERR_NONE);
    krafka_producer_destroy(p);
}

START_TEST(consumer_prefetch_memory_stays_within_queued_max_kbytes_while_not_polled)
{
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "mb-cons", PARTS, 1);
    produce_big(topic, C_RECORDS);
    long base = peak_reset_kib();
    krafka_consumer_t *c = cu_consumer(kc_conf(
        boot(), "queued.max.messages.kbytes", C_CAP_KIB_STR, NULL));
    cu_assign_all(c, topic, PARTS, KRAFKA_OFFSET_BEGINNING);
    /* the application is busy: the fetcher fills the queue meanwhile */
    usleep(5000 * 1000);
    long idle_peak = status_kib("VmHWM");
    uint8_t *seen = calloc(C_RECORDS, 1);
    ck_assert_ptr_nonnull(seen);
    size_t got = 0, dups = 0;
    int64_t until = kc_now_ms() + 120000;
    while (got < C_RECORDS && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 1000);
        if (!r)
            continue;
        ck_assert_msg(r->err == KRAFKA_ERR_NONE, "%s: %s",
                      krafka_err2name(r->err), r->errstr);
        size_t seq;
        ck_assert_uint_eq(r->value_len, C_VALUE);
        memcpy(&seq, r->value, sizeof seq);
        ck_assert_uint_lt(seq, C_RECORDS);
        if (seen[seq]++)
            dups++;
        got++;
        krafka_record_destroy(r);
        /* the slow application again, half-way */
        if (got == C_RECORDS / 2)
            usleep(3000 * 1000);
    }
    long peak = status_kib("VmHWM");
    krafka_consumer_destroy(c);
    free(seen);
    long idle_mib = (idle_peak - base) / 1024, all_mib = (peak - base) / 1024;
    fprintf(stderr,
            "consumer, queued.max.messages.kbytes=%d: %zu of %d records "
            "(%d MiB) consumed, %zu dups; peak RSS %ld MiB at start, +%ld "
            "MiB after 5 s without polling, +%ld MiB over the run (limit "
            "%d + %d MiB)\n",
            C_CAP_KIB, got, C_RECORDS, C_RECORDS * C_VALUE / MIB, dups,
            base / 1024, idle_mib, all_mib, C_CAP_KIB / 1024, SLACK_MIB);
    ck_assert_uint_eq(got, C_RECORDS);
    ck_assert_uint_eq(dups, 0);
    ck_assert_msg(!RSS_CHECKED || all_mib <= C_CAP_KIB / 1024 + SLACK_MIB,
                  "peak RSS grew by %ld MiB", all_mib);
    kc_drop_topic(boot(), topic);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memory_bounds");
    TCase *tc = tcase_create("memory");
    tcase_set_timeout(tc, 300);
    if (pu_wanted("producer_memory_stays_within_buffer"))
        tcase_add_loop_test(
            tc, producer_memory_stays_within_buffer_while_broker_is_stopped,
            0, 2);
    ADD(tc,
        consumer_prefetch_memory_stays_within_queued_max_kbytes_while_not_polled);
    suite_add_tcase(s, tc);
    int rc = kt_run(s);
    /* a test that died while the broker was stopped (no-op otherwise) */
    paused = getenv("KRAFKA_TEST_HARNESS") != NULL;
    resume_broker();
    return rc;
}
