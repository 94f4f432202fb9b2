/*
 * Shared assertions for the per-API codec tests (tests/unit/test_api_*.c):
 * exact encodings, successful and refused decodes, field comparisons and the
 * sample round trip. Header-only: every helper is static inline, so a test
 * file that uses only some of them compiles without unused warnings.
 */
#ifndef KR_TESTS_CODEC_CHECK_H
#define KR_TESTS_CODEC_CHECK_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/apis.h"
#include "samples.h"

/* ---- encoding ---- */

static inline void dump_hex(const char *what, const uint8_t *p, size_t n)
{
    fprintf(stderr, "%s (%zu bytes):", what, n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
    fprintf(stderr, "\n");
}

/* @b holds exactly the @len bytes of @want; on a mismatch both are dumped
 * to stderr and the first differing byte is named. */
static inline void assert_bytes(const struct kr_buf *b, const uint8_t *want,
                                size_t len, const char *what)
{
    if (b->len != len || (len && memcmp(b->data, want, len) != 0)) {
        dump_hex("got", b->data, b->len);
        dump_hex("want", want, len);
    }
    for (size_t i = 0; i < len && i < b->len; i++)
        ck_assert_msg(b->data[i] == want[i],
                      "%s: byte %zu is 0x%02x, want 0x%02x", what, i,
                      b->data[i], want[i]);
    ck_assert_msg(b->len == len, "%s: %zu bytes, want %zu", what, b->len, len);
}

/* Encodes @msg and checks that it gives exactly @want. */
static inline void expect_encode(const struct kr_api *api, int16_t v,
                                 bool resp, const void *msg,
                                 const uint8_t *want, size_t len)
{
    struct kr_buf b;
    char what[64];
    kr_buf_init(&b, 0);
    krafka_err_t err = kr_msg_write(&b, api, v, resp, msg);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s v%d: encode: %s", api->name, v,
                  krafka_err2name(err));
    snprintf(what, sizeof what, "%s v%d %s", api->name, v,
             resp ? "response" : "request");
    assert_bytes(&b, want, len, what);
    kr_buf_free(&b);
}

/* ---- decoding ---- */

/* Decodes @p into @out (api->req_size / resp_size bytes), arrays from @a;
 * the decode must succeed. */
static inline void expect_decode(const struct kr_api *api, int16_t v,
                                 bool resp, const uint8_t *p, size_t len,
                                 struct kr_arena *a, void *out)
{
    krafka_err_t err = kr_msg_read(api, v, resp, p, len, a, out);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s v%d: decode: %s", api->name, v,
                  krafka_err2name(err));
}

/* A hostile message: LOCAL_BAD_MSG, and the arena grew by at most
 * @max_used bytes (0: nothing was allocated; SIZE_MAX: no bound). */
static inline void expect_bad_msg_as(const struct kr_api *api, int16_t v,
                                     bool resp, const uint8_t *p, size_t len,
                                     size_t max_used)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    void *out = calloc(1, resp ? api->resp_size : api->req_size);
    ck_assert_ptr_nonnull(out);
    krafka_err_t err = kr_msg_read(api, v, resp, p, len, &a, out);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_MSG, "%s v%d: %s", api->name, v,
                  krafka_err2name(err));
    ck_assert_msg(a.used <= max_used, "%s v%d: arena used %zu", api->name, v,
                  a.used);
    free(out);
    kr_arena_destroy(&a);
}

/* The same for a response. */
static inline void expect_bad_msg(const struct kr_api *api, int16_t v,
                                  const uint8_t *p, size_t len,
                                  size_t max_used)
{
    expect_bad_msg_as(api, v, true, p, len, max_used);
}

/* ---- field comparisons naming the version and the field ---- */

#define EQ(want, got, field)                                                   \
    ck_assert_msg((want)->field == (got)->field, "v%d: %s: %lld != %lld", v,  \
                  #field, (long long)(want)->field, (long long)(got)->field)

static inline void eq_str(int16_t v, struct kr_str want, struct kr_str got,
                          const char *field)
{
    ck_assert_msg(want.len == got.len &&
                      (want.len <= 0 ||
                       memcmp(want.ptr, got.ptr, (size_t)want.len) == 0),
                  "v%d: %s: \"%.*s\" (%d) != \"%.*s\" (%d)", v, field,
                  want.len > 0 ? want.len : 0, want.ptr ? want.ptr : "",
                  want.len, got.len > 0 ? got.len : 0,
                  got.ptr ? got.ptr : "", got.len);
}

static inline void eq_uuid(int16_t v, const struct kr_uuid *want,
                           const struct kr_uuid *got, const char *field)
{
    ck_assert_msg(memcmp(want->b, got->b, 16) == 0, "v%d: %s differs", v,
                  field);
}

/* ---- plain field comparisons, decoded @got against expected @want ---- */

static inline void ck_str(struct kr_str got, struct kr_str want)
{
    ck_assert_int_eq(got.len, want.len);
    if (want.len > 0)
        ck_assert_mem_eq(got.ptr, want.ptr, (size_t)want.len);
}

static inline void ck_bytes(struct kr_bytes got, struct kr_bytes want)
{
    ck_assert_int_eq(got.len, want.len);
    if (want.len > 0)
        ck_assert_mem_eq(got.ptr, want.ptr, (size_t)want.len);
}

static inline void ck_uuid(struct kr_uuid got, struct kr_uuid want)
{
    ck_assert_mem_eq(got.b, want.b, 16);
}

/* The uuid @first, @first + 1, ..., @first + 15. */
static inline struct kr_uuid uuid_seq(uint8_t first)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(first + i);
    return u;
}

/* ---- the samples, encoded and decoded back ---- */

typedef void (*cmp_fn)(int16_t v, const void *want, const void *got);

/* Fills the sample of @api at @v, encodes, decodes and compares field by
 * field (samples keep absent fields at their schema defaults, which is what
 * the decoder sets). */
static inline void check_sample(const struct kr_api *api, int16_t v,
                                bool resp, cmp_fn cmp)
{
    const struct kr_sample *s = kr_sample_find(api->key);
    size_t size = resp ? api->resp_size : api->req_size;
    struct kr_arena a;
    struct kr_buf b;
    kr_arena_init(&a, 0);
    kr_buf_init(&b, 0);
    void *want = kr_arena_alloc(&a, size);
    void *got = kr_arena_alloc(&a, size);
    (resp ? s->resp : s->req)(v, want, &a);
    ck_assert_int_eq(kr_msg_write(&b, api, v, resp, want), KRAFKA_ERR_NONE);
    expect_decode(api, v, resp, b.data, b.len, &a, got);
    cmp(v, want, got);
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}

/* Min and max explicitly, and every version in between. */
static inline void check_samples(const struct kr_api *api, bool resp,
                                 cmp_fn cmp)
{
    check_sample(api, api->min_ver, resp, cmp);
    check_sample(api, api->max_ver, resp, cmp);
    for (int16_t v = api->min_ver + 1; v < api->max_ver; v++)
        check_sample(api, v, resp, cmp);
}

#endif
