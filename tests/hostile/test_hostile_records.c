/*
 * Hostile broker, data and session level: record batches that lie (CRC,
 * magic, record count, overlapping offsets), compressed records that are
 * corrupt or expand past the decompression cap (every codec), a producer
 * whose broker turns hostile after acknowledging, huge throttle times,
 * answers sent byte by byte, TLS handshake garbage and a forged SCRAM
 * server signature.
 *
 * Batch scenarios use two brokers: partition 0's leader serves valid
 * records, partition 1's leader the hostile batch. The consumer must
 * report an event with the right error code for partition 1 and keep
 * delivering partition 0.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_client.h"
#include "kt_check.h"
#include "protocol/record_batch.h"
#include "util/time.h"

static struct hs srv; /* large: static, one per test process */

/* ---- record batches ---- */

/* Serves @blob as partition 1's records (partition 0: 5 valid records)
 * to a consumer with @props; returns what it saw once partition 0 gave 5
 * records and (if @want_event) an event came. */
static void batch_scenario(const struct kr_buf *blob,
                           const char *const *props, bool want_event,
                           struct hc_seen *seen)
{
    hs_start(&srv, 2, NULL, NULL);
    hc_fill_log(&srv, 0, 5);
    srv.fetch_records[1] = blob->data;
    srv.fetch_records_len[1] = blob->len;
    krafka_consumer_t *c = hc_consumer(&srv, props);
    memset(seen, 0, sizeof *seen);
    ck_assert_msg(hc_consume(c, seen, 0, 5, want_event, 5000),
                  "p0 %d records, %d events, %d fetches of p1\n%s",
                  seen->records[0], seen->events,
                  hs_get(&srv, &srv.reqs[1][KR_API_Fetch]), hc_log_dump());
    /* A little longer: nothing more may come of partition 1. */
    hc_consume(c, seen, 0, 6, false, 300);
    krafka_consumer_destroy(c);
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
    ck_assert(!seen->dup_or_backwards);
    ck_assert_int_eq(seen->records[0], 5);
}

/* The one event is @err on partition 1, and a warning said so. */
static void assert_event(const struct hc_seen *seen, krafka_err_t err)
{
    ck_assert_msg(hc_log_find(KRAFKA_LOG_WARNING, HS_TOPIC " [1]",
                              krafka_err2str(err), NULL, 0),
                  "%s", hc_log_dump());
    ck_assert_int_eq(seen->events, 1);
    ck_assert_msg(seen->event_err[0] == err, "%s: %s",
                  krafka_err2name(seen->event_err[0]), seen->event_str[0]);
    ck_assert_int_eq(seen->event_part[0], 1);
    ck_assert_msg(strstr(seen->event_str[0], HS_TOPIC), "%s",
                  seen->event_str[0]);
}

START_TEST(batch_with_bad_crc_is_reported_as_bad_crc)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 1 << 20);
    hc_batch(&blob, 0, 5);
    blob.data[blob.len - 2] ^= 0x01; /* a value byte: the CRC no longer fits */
    static const char *props[] = {"check.crcs", "true", NULL};
    struct hc_seen seen;
    batch_scenario(&blob, props, true, &seen);
    assert_event(&seen, KRAFKA_ERR_LOCAL_BAD_CRC);
    ck_assert_int_eq(seen.records[1], 0);
    kr_buf_free(&blob);
}
END_TEST

/* No whole batch can be framed: the consumer cannot skip it, so it
 * reports it at every fetch.error.backoff.ms, and does not fetch it again
 * in a tight loop. */
START_TEST(batch_with_unknown_magic_is_reported_without_refetching_in_a_loop)
{
    struct kr_buf recs, blob;
    kr_buf_init(&recs, 1 << 20);
    kr_buf_init(&blob, 1 << 20);
    hc_records(&recs, 0, 5);
    hc_batch_raw(&blob, 0, 7, 0, 4, 5, recs.data, recs.len);
    struct hc_seen seen;
    batch_scenario(&blob, (const char *const[]){"fetch.error.backoff.ms",
                                               "200", NULL},
                   true, &seen);
    ck_assert_int_ge(seen.events, 1);
    for (int i = 0; i < seen.events && i < 8; i++) {
        ck_assert_msg(seen.event_err[i] ==
                          KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE,
                      "%s: %s", krafka_err2name(seen.event_err[i]),
                      seen.event_str[i]);
        ck_assert_int_eq(seen.event_part[i], 1);
    }
    ck_assert_int_eq(seen.records[1], 0);
    /* About one fetch per backoff, not thousands. */
    ck_assert_int_le(srv.reqs[1][KR_API_Fetch], 30);
    kr_buf_free(&recs);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(record_count_above_the_records_is_bad_msg)
{
    struct kr_buf recs, blob;
    kr_buf_init(&recs, 1 << 20);
    kr_buf_init(&blob, 1 << 20);
    hc_records(&recs, 0, 5);
    hc_batch_raw(&blob, 0, KR_BATCH_MAGIC, 0, 4, 1000000, recs.data,
                 recs.len);
    struct hc_seen seen;
    batch_scenario(&blob, NULL, true, &seen);
    assert_event(&seen, KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_int_eq(seen.records[1], 0);
    kr_buf_free(&recs);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(record_count_below_the_records_is_bad_msg_after_those_counted)
{
    struct kr_buf recs, blob;
    kr_buf_init(&recs, 1 << 20);
    kr_buf_init(&blob, 1 << 20);
    hc_records(&recs, 0, 5);
    hc_batch_raw(&blob, 0, KR_BATCH_MAGIC, 0, 4, 3, recs.data, recs.len);
    struct hc_seen seen;
    batch_scenario(&blob, NULL, true, &seen);
    assert_event(&seen, KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_int_le(seen.records[1], 3);
    kr_buf_free(&recs);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(overlapping_batches_deliver_each_offset_once_in_order)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 1 << 20);
    hc_batch(&blob, 0, 5); /* 0..4 */
    hc_batch(&blob, 2, 5); /* 2..6 */
    hc_batch(&blob, 1, 2); /* 1..2: entirely behind */
    struct hc_seen seen;
    hs_start(&srv, 2, NULL, NULL);
    hc_fill_log(&srv, 0, 5);
    srv.fetch_records[1] = blob.data;
    srv.fetch_records_len[1] = blob.len;
    krafka_consumer_t *c = hc_consumer(&srv, NULL);
    memset(&seen, 0, sizeof seen);
    ck_assert_msg(hc_consume(c, &seen, 1, 7, false, 5000), "%d\n%s",
                  seen.records[1], hc_log_dump());
    hc_consume(c, &seen, 1, 8, false, 300);
    krafka_consumer_destroy(c);
    hs_stop(&srv);
    ck_assert_int_eq(seen.records[1], 7);
    ck_assert_int_eq(seen.last_off[1], 6);
    ck_assert(!seen.dup_or_backwards);
    ck_assert_int_eq(seen.events, 0);
    kr_buf_free(&blob);
}
END_TEST

/* ---- compression ---- */

static const int codecs[] = {KR_CODEC_GZIP, KR_CODEC_SNAPPY, KR_CODEC_LZ4,
                             KR_CODEC_ZSTD};

START_TEST(corrupt_compressed_records_are_reported_for_every_codec)
{
    int codec = codecs[_i];
    struct kr_buf recs, z, blob;
    kr_buf_init(&recs, 1 << 20);
    kr_buf_init(&z, 1 << 20);
    kr_buf_init(&blob, 1 << 20);
    hc_records(&recs, 0, 50);
    ck_assert_int_eq(kr_compress(codec, -1, recs.data, recs.len, &z),
                     KRAFKA_ERR_NONE);
    /* Garbage past the codec's header, and the end cut off. */
    size_t mid = z.len / 2;
    memset(z.data + mid, 0xa5, z.len - mid > 8 ? 8 : z.len - mid);
    z.len -= z.len / 4;
    hc_batch_raw(&blob, 0, KR_BATCH_MAGIC, (int16_t)codec, 49, 50, z.data,
                 z.len);
    struct hc_seen seen;
    batch_scenario(&blob, NULL, true, &seen);
    ck_assert_int_eq(seen.events, 1);
    ck_assert_msg(seen.event_err[0] == KRAFKA_ERR_LOCAL_COMPRESSION ||
                      seen.event_err[0] == KRAFKA_ERR_LOCAL_BAD_MSG,
                  "%s: %s: %s", kr_codec_name(codec),
                  krafka_err2name(seen.event_err[0]), seen.event_str[0]);
    ck_assert_int_eq(seen.event_part[0], 1);
    ck_assert(hc_log_find(KRAFKA_LOG_WARNING, HS_TOPIC " [1]", "unusable",
                          NULL, 0));
    kr_buf_free(&recs);
    kr_buf_free(&z);
    kr_buf_free(&blob);
}
END_TEST

/* Compressed data that expands to @mib MiB of zeros: one compressed MiB
 * repeated (every codec decodes concatenated frames / members / xerial
 * chunks). */
static void zip_bomb(int codec, int mib, struct kr_buf *out)
{
    uint8_t *zeros = calloc(1, 1 << 20);
    ck_assert_ptr_nonnull(zeros);
    struct kr_buf one;
    kr_buf_init(&one, 1 << 21);
    ck_assert_int_eq(kr_compress(codec, -1, zeros, 1 << 20, &one),
                     KRAFKA_ERR_NONE);
    free(zeros);
    size_t skip = codec == KR_CODEC_SNAPPY ? 16 : 0; /* xerial header */
    kr_buf_write(out, one.data, skip);
    for (int i = 0; i < mib; i++)
        kr_buf_write(out, one.data + skip, one.len - skip);
    ck_assert_int_eq(out->err, KRAFKA_ERR_NONE);
    kr_buf_free(&one);
}

START_TEST(zip_bomb_stops_at_the_decompression_cap_for_every_codec)
{
    int codec = codecs[_i];
    /* 1 GiB of zeros (snappy compresses only ~20:1: 200 MiB); the cap is
     * 100 MiB per batch. */
    int mib = codec == KR_CODEC_SNAPPY ? 200 : 1024;
    struct kr_buf z, blob;
    kr_buf_init(&z, 64 << 20);
    kr_buf_init(&blob, 64 << 20);
    zip_bomb(codec, mib, &z);
    hc_batch_raw(&blob, 0, KR_BATCH_MAGIC, (int16_t)codec, 0, 1, z.data,
                 z.len);
    kr_buf_free(&z);
    static const char *props[] = {"receive.message.max.bytes", "100000000",
                                  NULL};
    struct hc_seen seen;
    batch_scenario(&blob, props, true, &seen);
    assert_event(&seen, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    /* Nothing like the whole expansion was ever held: an uncapped 1 GiB
     * would not fit (the cap, ASan's quarantine and the server's copy
     * do). */
    long rss = hc_peak_rss_mib();
    ck_assert_msg(rss < 600, "peak RSS %ld MiB", rss);
    kr_buf_free(&blob);
}
END_TEST

/* ---- producer ---- */

struct dr_log {
    int reports[16]; /* per record index */
    krafka_err_t err[16];
    int64_t offset[16];
};

static void dr_cb(krafka_producer_t *p, const krafka_delivery_t *dr,
                  void *opaque)
{
    (void)p, (void)opaque;
    struct dr_log *l = srv.arg;
    int i = (int)(intptr_t)dr->opaque;
    l->reports[i]++;
    l->err[i] = dr->err;
    l->offset[i] = dr->offset;
}

static atomic_bool turned_hostile;

/* Produce answers are good until turned_hostile, then cut in half. */
static enum hs_act hostile_after_acks(struct hs *s, struct hs_req *rq)
{
    if (rq->api->key != KR_API_Produce || !atomic_load(&turned_hostile))
        return HS_ANSWER;
    struct kr_buf f;
    kr_buf_init(&f, 1 << 20);
    hs_answer_frame(s, rq, &f);
    f.len = 9 + (f.len - 9) / 2;
    hs_fix_length(&f);
    hs_send(s, rq, f.data, f.len);
    kr_buf_free(&f);
    return HS_DONE;
}

static void send_values(krafka_producer_t *p, int from, int to)
{
    for (int i = from; i < to; i++) {
        char v[16];
        int n = snprintf(v, sizeof v, "v%d", i);
        krafka_msg_t m = {.topic = HS_TOPIC, .partition = 0, .value = v,
                          .value_len = (size_t)n};
        ck_assert_int_eq(krafka_producer_send(p, &m, (void *)(intptr_t)i),
                         KRAFKA_ERR_NONE);
    }
}

START_TEST(records_reported_delivered_stay_delivered_when_the_broker_turns)
{
    static struct dr_log drs;
    memset(&drs, 0, sizeof drs);
    atomic_store(&turned_hostile, false);
    hs_start(&srv, 1, hostile_after_acks, &drs);
    krafka_conf_t *conf = hc_conf(&srv, 0, (const char *const[]){
        "linger.ms", "0", "message.timeout.ms", "2000", NULL});
    krafka_conf_set_dr_cb(conf, dr_cb);
    krafka_producer_t *p = NULL;
    char errstr[512];
    ck_assert_int_eq(krafka_producer_new(&p, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    send_values(p, 0, 3);
    ck_assert_int_eq(krafka_producer_flush(p, 5000), KRAFKA_ERR_NONE);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(drs.reports[i], 1);
        ck_assert_int_eq(drs.err[i], KRAFKA_ERR_NONE);
        ck_assert_int_eq(drs.offset[i], i);
    }
    atomic_store(&turned_hostile, true);
    send_values(p, 3, 6);
    int64_t t0 = kr_now_us();
    ck_assert_int_eq(krafka_producer_flush(p, 5000), KRAFKA_ERR_NONE);
    ck_assert_int_le((kr_now_us() - t0) / 1000, 3000);
    for (int i = 3; i < 6; i++) {
        ck_assert_int_eq(drs.reports[i], 1);
        ck_assert_msg(drs.err[i] != KRAFKA_ERR_NONE, "record %d", i);
    }
    krafka_producer_destroy(p);
    /* The first three were reported once, as delivered, and only then. */
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(drs.reports[i], 1);
        ck_assert_int_eq(drs.err[i], KRAFKA_ERR_NONE);
    }
    ck_assert_msg(hc_log_find(KRAFKA_LOG_WARNING, "malformed Produce", NULL,
                              NULL, 0),
                  "%s", hc_log_dump());
    ck_assert_int_ge(hs_get(&srv, &srv.eofs[0]), 1);
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}
END_TEST

/* ---- slow, throttling ---- */

/* Admin metadata, a produced record per partition and both consumed, each
 * within its timeout. */
static void round_trip_within_timeouts(void)
{
    krafka_admin_t *a = hc_admin(&srv, NULL);
    char errstr[512];
    int64_t ms;
    ck_assert_msg(hc_metadata(a, 3000, errstr, sizeof errstr, &ms) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_admin_destroy(a);
    krafka_producer_t *p = hc_producer(&srv, NULL);
    for (int part = 0; part < 2; part++) {
        krafka_msg_t m = {.topic = HS_TOPIC, .partition = part,
                          .value = "v0", .value_len = 2};
        krafka_delivery_t res;
        int64_t t0 = kr_now_us();
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 5000, &res),
                         KRAFKA_ERR_NONE);
        ck_assert_int_le((kr_now_us() - t0) / 1000, 5000);
    }
    krafka_producer_destroy(p);
    krafka_consumer_t *c = hc_consumer(&srv, NULL);
    struct hc_seen seen = {0};
    ck_assert(hc_consume(c, &seen, 0, 1, false, 5000));
    ck_assert(hc_consume(c, &seen, 1, 1, false, 5000));
    ck_assert_int_eq(seen.events, 0);
    krafka_consumer_destroy(c);
}

START_TEST(throttle_time_of_24_days_does_not_block_past_timeouts)
{
    hs_start(&srv, 2, NULL, NULL);
    srv.throttle_ms = INT32_MAX;
    round_trip_within_timeouts();
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}
END_TEST

START_TEST(answers_sent_byte_by_byte_still_work)
{
    hs_start(&srv, 2, NULL, NULL);
    srv.byte_delay_us = 100;
    round_trip_within_timeouts();
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}
END_TEST

/* ---- security ---- */

START_TEST(tls_handshake_garbage_fails_with_ssl_error_and_closes)
{
    static const char garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\n"
                                  "\x16\x03\x03\xff\xff garbage";
    hs_start(&srv, 1, NULL, NULL);
    srv.on_raw = garbage;
    srv.on_raw_len = sizeof garbage - 1;
    krafka_admin_t *a = hc_admin(&srv, (const char *const[]){
        "security.protocol", "ssl", NULL});
    char errstr[512];
    int64_t ms;
    krafka_err_t err = hc_metadata(a, 3000, errstr, sizeof errstr, &ms);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_SSL, "%s: %s",
                  krafka_err2name(err), errstr);
    ck_assert_int_le(ms, 1500);
    ck_assert_msg(strstr(errstr, "TLS handshake"), "%s", errstr);
    ck_assert(hc_log_find(KRAFKA_LOG_ERR, "TLS handshake", NULL, NULL, 0));
    ck_assert(hs_wait(&srv, &srv.eofs[0], 1, 2000));
    krafka_admin_destroy(a);
    hs_stop(&srv);
}
END_TEST

START_TEST(scram_server_final_with_a_wrong_signature_is_refused)
{
    hs_start(&srv, 1, NULL, NULL);
    srv.sasl_scram = true;
    krafka_admin_t *a = hc_admin(&srv, (const char *const[]){
        "security.protocol", "sasl_plaintext", "sasl.mechanism",
        "SCRAM-SHA-256", "sasl.username", "alice", "sasl.password",
        "hunter2-secret", NULL});
    char errstr[512];
    int64_t ms;
    krafka_err_t err = hc_metadata(a, 3000, errstr, sizeof errstr, &ms);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_AUTHENTICATION, "%s: %s",
                  krafka_err2name(err), errstr);
    ck_assert_int_le(ms, 1500);
    ck_assert_msg(strstr(errstr, "signature"), "%s", errstr);
    ck_assert(hc_log_find(KRAFKA_LOG_ERR, "signature", NULL, NULL, 0));
    ck_assert(!hc_log_find(KRAFKA_LOG_DEBUG, "hunter2", NULL, NULL, 0));
    ck_assert(!strstr(errstr, "hunter2"));
    ck_assert_int_ge(hs_get(&srv, &srv.reqs[0][KR_API_SaslAuthenticate]), 2);
    ck_assert(hs_wait(&srv, &srv.eofs[0], 1, 2000));
    krafka_admin_destroy(a);
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}
END_TEST

Suite *hostile_records_suite(void);
Suite *hostile_records_suite(void)
{
    Suite *s = suite_create("hostile_records");
    TCase *tc = tcase_create("records");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, hc_logs_setup, NULL);
    tcase_add_test(tc, batch_with_bad_crc_is_reported_as_bad_crc);
    tcase_add_test(
        tc, batch_with_unknown_magic_is_reported_without_refetching_in_a_loop);
    tcase_add_test(tc, record_count_above_the_records_is_bad_msg);
    tcase_add_test(
        tc, record_count_below_the_records_is_bad_msg_after_those_counted);
    tcase_add_test(tc, overlapping_batches_deliver_each_offset_once_in_order);
    tcase_add_loop_test(tc,
                        corrupt_compressed_records_are_reported_for_every_codec,
                        0, 4);
    tcase_add_loop_test(tc,
                        zip_bomb_stops_at_the_decompression_cap_for_every_codec,
                        0, 4);
    tcase_add_test(
        tc, records_reported_delivered_stay_delivered_when_the_broker_turns);
    tcase_add_test(tc, throttle_time_of_24_days_does_not_block_past_timeouts);
    tcase_add_test(tc, answers_sent_byte_by_byte_still_work);
    tcase_add_test(tc, tls_handshake_garbage_fails_with_ssl_error_and_closes);
    tcase_add_test(tc, scram_server_final_with_a_wrong_signature_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run(hostile_records_suite());
}
