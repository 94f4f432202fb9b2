/*
 * Every API, every supported version, both directions: a sample message
 * encodes, decodes, and encodes again to the same bytes; and every truncation
 * of a valid encoding is refused with LOCAL_BAD_MSG, never a crash.
 */
#include <check.h>
#include <stdlib.h>

#include "kt_check.h"
#include "samples.h"

static void encode_sample(const struct kr_api *api, int16_t v, bool resp,
                          struct kr_buf *out, struct kr_arena *a)
{
    const struct kr_sample *s = kr_sample_find(api->key);
    ck_assert_msg(s != NULL, "no sample for %s", api->name);
    void *msg = kr_arena_alloc(a, resp ? api->resp_size : api->req_size);
    ck_assert_ptr_nonnull(msg);
    (resp ? s->resp : s->req)(v, msg, a);
    krafka_err_t err = kr_msg_write(out, api, v, resp, msg);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s v%d %s: encode: %s", api->name,
                  v, resp ? "response" : "request", krafka_err2name(err));
}

static void roundtrip_one(const struct kr_api *api, int16_t v, bool resp)
{
    struct kr_arena a;
    struct kr_buf b1, b2;
    kr_arena_init(&a, 0);
    kr_buf_init(&b1, 0);
    kr_buf_init(&b2, 0);
    encode_sample(api, v, resp, &b1, &a);

    void *dec = malloc(resp ? api->resp_size : api->req_size);
    krafka_err_t err = kr_msg_read(api, v, resp, b1.data, b1.len, &a, dec);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s v%d %s: decode: %s", api->name,
                  v, resp ? "response" : "request", krafka_err2name(err));
    err = kr_msg_write(&b2, api, v, resp, dec);
    ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    ck_assert_msg(b1.len == b2.len &&
                      (b1.len == 0 || memcmp(b1.data, b2.data, b1.len) == 0),
                  "%s v%d %s: re-encoding differs", api->name, v,
                  resp ? "response" : "request");

    /* Every strict prefix is malformed. */
    for (size_t cut = 0; cut < b1.len; cut++) {
        struct kr_arena ta;
        kr_arena_init(&ta, 0);
        uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
        memcpy(copy, b1.data, cut);
        err = kr_msg_read(api, v, resp, copy, cut, &ta, dec);
        ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_MSG,
                      "%s v%d %s cut at %zu/%zu: %s", api->name, v,
                      resp ? "response" : "request", cut, b1.len,
                      krafka_err2name(err));
        free(copy);
        kr_arena_destroy(&ta);
    }
    free(dec);
    kr_buf_free(&b1);
    kr_buf_free(&b2);
    kr_arena_destroy(&a);
}

START_TEST(every_api_version_roundtrips_and_rejects_every_truncation)
{
    const struct kr_api *api = kr_apis[_i];
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        roundtrip_one(api, v, false);
        roundtrip_one(api, v, true);
    }
}
END_TEST

START_TEST(request_frames_carry_length_header_and_body)
{
    const struct kr_api *api = kr_apis[_i];
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf body, frame;
        kr_arena_init(&a, 0);
        kr_buf_init(&body, 0);
        kr_buf_init(&frame, 0);
        encode_sample(api, v, false, &body, &a);
        const struct kr_sample *s = kr_sample_find(api->key);
        void *msg = kr_arena_alloc(&a, api->req_size);
        s->req(v, msg, &a);
        ck_assert_int_eq(kr_request_write(&frame, api, v, 0x01020304, "cli",
                                          msg),
                         KRAFKA_ERR_NONE);
        ck_assert_uint_eq(kr_load_be32(frame.data), frame.len - 4);
        ck_assert_uint_eq(kr_load_be16(frame.data + 4), (uint16_t)api->key);
        ck_assert_uint_eq(kr_load_be16(frame.data + 6), (uint16_t)v);
        ck_assert_uint_eq(kr_load_be32(frame.data + 8), 0x01020304);
        /* ClientId: int16 length, never compact */
        ck_assert_uint_eq(kr_load_be16(frame.data + 12), 3);
        ck_assert(memcmp(frame.data + 14, "cli", 3) == 0);
        size_t hdr = 4 + 2 + 2 + 4 + 2 + 3 + (kr_api_is_flexible(api, v) ? 1 : 0);
        ck_assert_uint_eq(frame.len - hdr, body.len);
        if (body.len)
            ck_assert(memcmp(frame.data + hdr, body.data, body.len) == 0);

        struct kr_RequestHeader h;
        const struct kr_api *got = NULL;
        void *req = NULL;
        ck_assert_int_eq(kr_request_read(frame.data + 4, frame.len - 4, &a, &h,
                                         &got, &req),
                         KRAFKA_ERR_NONE);
        ck_assert_ptr_eq(got, api);
        ck_assert_int_eq(h.CorrelationId, 0x01020304);
        ck_assert(kr_str_eq(h.ClientId, "cli"));
        kr_buf_free(&body);
        kr_buf_free(&frame);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(response_frames_decode_with_their_header_version)
{
    const struct kr_api *api = kr_apis[_i];
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf frame;
        kr_arena_init(&a, 0);
        kr_buf_init(&frame, 0);
        const struct kr_sample *s = kr_sample_find(api->key);
        void *msg = kr_arena_alloc(&a, api->resp_size);
        s->resp(v, msg, &a);
        ck_assert_int_eq(kr_response_write(&frame, api, v, 77, msg),
                         KRAFKA_ERR_NONE);
        /* ApiVersions keeps response header v0 even when flexible */
        bool hdr_tags = kr_api_is_flexible(api, v) &&
                        api->key != KR_API_ApiVersions;
        if (hdr_tags)
            ck_assert_uint_eq(frame.data[8], 0); /* empty tag section */
        int32_t corr = 0;
        ck_assert_int_eq(kr_response_peek_correlation(frame.data + 4,
                                                      frame.len - 4, &corr),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(corr, 77);
        void *dec = kr_arena_alloc(&a, api->resp_size);
        ck_assert_int_eq(kr_response_read(api, v, frame.data + 4,
                                          frame.len - 4, &a, dec, &corr),
                         KRAFKA_ERR_NONE);
        kr_buf_free(&frame);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(versions_outside_the_range_are_unsupported)
{
    const struct kr_api *api = kr_apis[_i];
    struct kr_buf b;
    struct kr_arena a;
    kr_buf_init(&b, 0);
    kr_arena_init(&a, 0);
    void *msg = kr_arena_alloc(&a, api->req_size);
    ck_assert_int_eq(kr_msg_write(&b, api, (int16_t)(api->max_ver + 1), false,
                                  msg),
                     KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE);
    if (api->min_ver > 0)
        ck_assert_int_eq(kr_msg_write(&b, api, (int16_t)(api->min_ver - 1),
                                      false, msg),
                         KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE);
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(api_table_is_sorted_and_complete)
{
    ck_assert_uint_eq(kr_apis_cnt, 22);
    for (size_t i = 1; i < kr_apis_cnt; i++)
        ck_assert_int_lt(kr_apis[i - 1]->key, kr_apis[i]->key);
    for (size_t i = 0; i < kr_apis_cnt; i++) {
        ck_assert_ptr_eq(kr_api_find(kr_apis[i]->key), kr_apis[i]);
        ck_assert_int_le(kr_apis[i]->min_ver, kr_apis[i]->max_ver);
    }
    ck_assert_ptr_null(kr_api_find(999));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("codec_roundtrip");
    TCase *tc = tcase_create("all_apis");
    tcase_set_timeout(tc, 120);
    int n = (int)kr_apis_cnt;
    tcase_add_loop_test(tc, every_api_version_roundtrips_and_rejects_every_truncation, 0, n);
    tcase_add_loop_test(tc, request_frames_carry_length_header_and_body, 0, n);
    tcase_add_loop_test(tc, response_frames_decode_with_their_header_version, 0, n);
    tcase_add_loop_test(tc, versions_outside_the_range_are_unsupported, 0, n);
    tcase_add_test(tc, api_table_is_sorted_and_complete);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
