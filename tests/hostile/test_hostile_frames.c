/*
 * Hostile broker, frame and connection level: answers whose framing,
 * header or body lies, connections that stall, dribble, throttle, or
 * speak garbage TLS or a forged SCRAM signature.
 *
 * Most scenarios run twice. Against an admin client whose only broker
 * corrupts every Metadata answer: the call fails within its timeout with
 * an error code and a message naming the cause, a warning names the
 * broker, and the client closed the connection. Against a consumer of two
 * partitions whose second leader corrupts every Fetch answer: the records
 * of the good broker keep coming, and the bad connection is closed.
 * ASan (the unit suite's second pass) checks that nothing leaks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostile_client.h"
#include "kt_check.h"
#include "util/time.h"

/* Frame offsets (Length prefix included) of flexible responses pinned by
 * the server: Length 0, CorrelationId 4, header tagged fields 8, body 9.
 * Metadata v12: ThrottleTimeMs 9, Brokers count 13, [0].NodeId 14,
 * [0].Host length 18. Fetch v12: ThrottleTimeMs 9, ErrorCode 13,
 * SessionId 15, Responses count 19, [0].Topic length 20. */
#define OFF_TAGS 8
#define MD_ARRAY 13
#define MD_STRING 18
#define FETCH_ARRAY 19
#define FETCH_STRING 20

typedef void (*corrupt_fn)(struct hs *s, struct hs_req *rq,
                           struct kr_buf *frame);

struct scenario {
    corrupt_fn corrupt;   /* NULL: never answer */
    const char *why;      /* in the error message and the warning */
    krafka_err_t err;     /* the admin call's error */
    bool fetch_too;       /* also run against a consumer */
};

static void put_uvarint(uint8_t *p, size_t *n, uint32_t v)
{
    *n = 0;
    while (v >= 0x80) {
        p[(*n)++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[(*n)++] = (uint8_t)v;
}

/* Replaces the uvarint at @off by @v. */
static void set_uvarint(struct kr_buf *f, size_t off, uint32_t v)
{
    size_t old = 1;
    while (off + old <= f->len && (f->data[off + old - 1] & 0x80))
        old++;
    uint8_t b[5];
    size_t n;
    put_uvarint(b, &n, v);
    hs_splice(f, off, old, b, n);
}

static size_t array_off(const struct hs_req *rq)
{
    return rq->api->key == KR_API_Fetch ? FETCH_ARRAY : MD_ARRAY;
}

static size_t string_off(const struct hs_req *rq)
{
    return rq->api->key == KR_API_Fetch ? FETCH_STRING : MD_STRING;
}

/* ---- the corruptions ---- */

static void truncate_body(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s, (void)rq;
    f->len = 9 + (f->len - 9) / 2;
    hs_fix_length(f);
}

static void cut_frame(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s, (void)rq;
    f->len /= 2; /* the Length field still promises the whole frame */
}

static void length_2gib(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s, (void)rq;
    kr_buf_patch_be32(f, 0, 0x80000000u);
}

static void length_int32_max(struct hs *s, struct hs_req *rq,
                             struct kr_buf *f)
{
    (void)s, (void)rq;
    kr_buf_patch_be32(f, 0, 0x7fffffffu);
}

static void length_minus_one(struct hs *s, struct hs_req *rq,
                             struct kr_buf *f)
{
    (void)s, (void)rq;
    kr_buf_patch_be32(f, 0, 0xffffffffu);
}

static void unknown_corr(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s;
    kr_buf_patch_be32(f, 4, (uint32_t)rq->hdr.CorrelationId + 1000);
}

/* The answer goes out twice: the copy repeats a correlation id already
 * answered. */
static void repeated_corr(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    hs_send(s, rq, f->data, f->len);
}

/* The answer of another API (ApiVersions v3, a flexible body) under this
 * request's correlation id. */
static void other_api(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    struct kr_ApiVersion keys[] = {{KR_API_Fetch, 4, 12}};
    struct kr_ApiVersionsResponse av = {.ErrorCode = 35, .ApiKeysCnt = 1,
                                        .ApiKeys = keys,
                                        .FinalizedFeaturesEpoch = -1};
    struct kr_buf body;
    kr_buf_init(&body, 1 << 16);
    ck_assert_int_eq(kr_msg_write(&body, &kr_api_ApiVersions, 3, true, &av),
                     KRAFKA_ERR_NONE);
    f->len = 9; /* Length, CorrelationId, header tags */
    kr_buf_write(f, body.data, body.len);
    hs_fix_length(f);
    kr_buf_free(&body);
    (void)s, (void)rq;
}

static void array_count_huge(struct hs *s, struct hs_req *rq,
                             struct kr_buf *f)
{
    (void)s;
    set_uvarint(f, array_off(rq), 0x7fffffffu);
}

static void string_length_negative(struct hs *s, struct hs_req *rq,
                                   struct kr_buf *f)
{
    (void)s;
    set_uvarint(f, string_off(rq), 0); /* compact length 0: -1 */
}

static void string_length_huge(struct hs *s, struct hs_req *rq,
                               struct kr_buf *f)
{
    (void)s;
    set_uvarint(f, string_off(rq), 0x7fffffffu);
}

/* One tagged field in the response header, claiming ~2 GiB. */
static void tag_size_huge(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s, (void)rq;
    static const uint8_t tags[] = {1, 0, 0xff, 0xff, 0xff, 0xff, 0x07};
    hs_splice(f, OFF_TAGS, 1, tags, sizeof tags);
}

/* A tagged field count of ~2 G. */
static void tag_count_huge(struct hs *s, struct hs_req *rq, struct kr_buf *f)
{
    (void)s, (void)rq;
    static const uint8_t tags[] = {0xff, 0xff, 0xff, 0xff, 0x07};
    hs_splice(f, OFF_TAGS, 1, tags, sizeof tags);
}

/* ---- the scripts ---- */

static enum hs_act corrupt_answer(struct hs *s, struct hs_req *rq)
{
    const struct scenario *sc = s->arg;
    if (!sc->corrupt)
        return HS_DONE; /* never answers */
    struct kr_buf f;
    kr_buf_init(&f, 64 << 20);
    ck_assert(hs_answer_frame(s, rq, &f));
    sc->corrupt(s, rq, &f);
    hs_send(s, rq, f.data, f.len);
    kr_buf_free(&f);
    return HS_DONE;
}

/* Every Metadata answer is corrupted. */
static enum hs_act corrupt_metadata(struct hs *s, struct hs_req *rq)
{
    return rq->api->key == KR_API_Metadata ? corrupt_answer(s, rq)
                                           : HS_ANSWER;
}

/* Every Fetch answer of the second node is corrupted. */
static enum hs_act corrupt_fetch_node2(struct hs *s, struct hs_req *rq)
{
    return rq->api->key == KR_API_Fetch && rq->conn->node == 1
               ? corrupt_answer(s, rq)
               : HS_ANSWER;
}

/* ---- the checks ---- */

static struct hs srv; /* large: static, one per test process */

static void admin_fails_clearly(const struct scenario *sc)
{
    hs_start(&srv, 1, corrupt_metadata, (void *)sc);
    krafka_admin_t *a = hc_admin(&srv, NULL);
    char errstr[512], port[16];
    int64_t ms;
    krafka_err_t err = hc_metadata(a, 1000, errstr, sizeof errstr, &ms);
    /* At the deadline: TIMED_OUT, or TRANSPORT when the last bad answer
     * came in just before the timer fired. */
    bool want = sc->err == KRAFKA_ERR_NONE
                    ? err == KRAFKA_ERR_NONE
                    : err == sc->err || err == KRAFKA_ERR_LOCAL_TRANSPORT;
    ck_assert_msg(want, "%s: %s", krafka_err2name(err), errstr);
    ck_assert_int_le(ms, 1500);
    ck_assert_msg(!err || strstr(errstr, sc->why), "\"%s\" lacks \"%s\"",
                  errstr, sc->why);
    snprintf(port, sizeof port, ":%d", srv.nodes[0].port);
    ck_assert_msg(hc_log_wait(KRAFKA_LOG_WARNING, sc->why, port, 2000),
                  "no warning with \"%s\" and \"%s\":\n%s", sc->why, port,
                  hc_log_dump());
    /* The client closed the connection (it may be reconnecting). */
    ck_assert(hs_wait(&srv, &srv.eofs[0], 1, 2000));
    krafka_admin_destroy(a);
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}

static void consumer_keeps_good_broker(const struct scenario *sc)
{
    hs_start(&srv, 2, corrupt_fetch_node2, (void *)sc);
    hc_fill_log(&srv, 0, 5);
    hc_fill_log(&srv, 1, 5);
    krafka_consumer_t *c = hc_consumer(&srv, NULL);
    struct hc_seen seen = {0};
    ck_assert_msg(hc_consume(c, &seen, 0, 5, false, 5000), "%d records\n%s",
                  seen.records[0], hc_log_dump());
    ck_assert(hs_wait(&srv, &srv.eofs[1], 1, 3000));
    char port[16];
    snprintf(port, sizeof port, ":%d", srv.nodes[1].port);
    ck_assert_msg(hc_log_wait(KRAFKA_LOG_WARNING, sc->why, port, 2000),
                  "no warning with \"%s\" and \"%s\":\n%s", sc->why, port,
                  hc_log_dump());
    /* Still good: more records on the good broker are consumed. */
    hc_consume(c, &seen, 0, 5, false, 300);
    /* A repeated correlation id follows a valid answer: its records may
     * be taken before the copy closes the connection (once each). */
    if (sc->err == KRAFKA_ERR_NONE)
        ck_assert_int_le(seen.records[1], 5);
    else
        ck_assert_int_eq(seen.records[1], 0);
    ck_assert(!seen.dup_or_backwards);
    krafka_consumer_destroy(c);
    hs_stop(&srv);
    ck_assert_int_eq(srv.bad, 0);
}

static void run(const struct scenario *sc)
{
    admin_fails_clearly(sc);
    hc_logs_setup();
    if (sc->fetch_too)
        consumer_keeps_good_broker(sc);
}

#define SCENARIO(test, fn, why, err)                                         \
    START_TEST(test)                                                         \
    {                                                                        \
        static const struct scenario sc = {fn, why, err, true};              \
        run(&sc);                                                            \
    }                                                                        \
    END_TEST

SCENARIO(truncated_body_is_bad_msg_and_closes_the_connection, truncate_body,
         "malformed", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(frame_cut_short_then_silence_times_out_and_closes_the_connection,
         cut_frame, "timed out", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(length_prefix_of_2_gib_closes_the_connection_with_bad_msg,
         length_2gib, "response frame of -2147483648 bytes",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(length_prefix_of_int32_max_closes_the_connection_with_bad_msg,
         length_int32_max, "response frame of 2147483647 bytes",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(length_prefix_of_minus_one_closes_the_connection_with_bad_msg,
         length_minus_one, "response frame of -1 bytes",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(unknown_correlation_id_closes_the_connection, unknown_corr,
         "unexpected correlation id", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(repeated_correlation_id_closes_the_connection, repeated_corr,
         "unexpected correlation id", KRAFKA_ERR_NONE)
SCENARIO(response_of_another_api_is_bad_msg, other_api, "malformed",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(array_count_beyond_the_bytes_left_is_bad_msg, array_count_huge,
         "malformed", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(string_with_negative_length_is_bad_msg, string_length_negative,
         "malformed", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(string_with_huge_length_is_bad_msg, string_length_huge,
         "malformed", KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(tagged_field_with_huge_size_is_bad_msg, tag_size_huge, "malformed",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(tagged_field_count_huge_is_bad_msg, tag_count_huge, "malformed",
         KRAFKA_ERR_LOCAL_TIMED_OUT)
SCENARIO(connection_that_never_answers_times_out_and_is_closed, NULL,
         "timed out", KRAFKA_ERR_LOCAL_TIMED_OUT)

Suite *hostile_frames_suite(void);
Suite *hostile_frames_suite(void)
{
    Suite *s = suite_create("hostile_frames");
    TCase *tc = tcase_create("frames");
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, hc_logs_setup, NULL);
    tcase_add_test(tc, truncated_body_is_bad_msg_and_closes_the_connection);
    tcase_add_test(
        tc, frame_cut_short_then_silence_times_out_and_closes_the_connection);
    tcase_add_test(tc,
                   length_prefix_of_2_gib_closes_the_connection_with_bad_msg);
    tcase_add_test(
        tc, length_prefix_of_int32_max_closes_the_connection_with_bad_msg);
    tcase_add_test(
        tc, length_prefix_of_minus_one_closes_the_connection_with_bad_msg);
    tcase_add_test(tc, unknown_correlation_id_closes_the_connection);
    tcase_add_test(tc, repeated_correlation_id_closes_the_connection);
    tcase_add_test(tc, response_of_another_api_is_bad_msg);
    tcase_add_test(tc, array_count_beyond_the_bytes_left_is_bad_msg);
    tcase_add_test(tc, string_with_negative_length_is_bad_msg);
    tcase_add_test(tc, string_with_huge_length_is_bad_msg);
    tcase_add_test(tc, tagged_field_with_huge_size_is_bad_msg);
    tcase_add_test(tc, tagged_field_count_huge_is_bad_msg);
    tcase_add_test(tc, connection_that_never_answers_times_out_and_is_closed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run(hostile_frames_suite());
}
