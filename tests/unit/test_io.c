/*
 * The bounded reader and the symmetric walker: primitives, compact and
 * classic strings, bytes and arrays, varint limits, tagged fields, and the
 * caps that keep hostile input from allocating.
 */
#include <check.h>
#include <stdlib.h>

#include "kt_check.h"
#include "protocol/io.h"

static struct kr_io rd_io(const void *p, size_t n, bool flex,
                          struct kr_arena *a)
{
    struct kr_io io;
    kr_io_init_read(&io, 0, flex, p, n, a);
    return io;
}

START_TEST(integers_are_big_endian_both_ways)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    struct kr_io io;
    kr_io_init_write(&io, 0, false, &b);
    int8_t i8 = -2;
    int16_t i16 = 0x0102;
    int32_t i32 = -2;
    int64_t i64 = 0x0102030405060708;
    uint32_t u32 = 0xA1B2C3D4;
    double f = 1.5;
    bool t = true;
    kr_io_i8(&io, &i8);
    kr_io_i16(&io, &i16);
    kr_io_i32(&io, &i32);
    kr_io_i64(&io, &i64);
    kr_io_u32(&io, &u32);
    kr_io_f64(&io, &f);
    kr_io_bool(&io, &t);
    ck_assert(kr_io_ok(&io));
    static const uint8_t want[] = {
        0xFE,                                           /* int8 -2 */
        0x01, 0x02,                                     /* int16 */
        0xFF, 0xFF, 0xFF, 0xFE,                         /* int32 -2 */
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* int64 */
        0xA1, 0xB2, 0xC3, 0xD4,                         /* uint32 */
        0x3F, 0xF8, 0, 0, 0, 0, 0, 0,                   /* float64 1.5 */
        0x01,                                           /* bool */
    };
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert(memcmp(b.data, want, sizeof want) == 0);

    struct kr_io r = rd_io(want, sizeof want, false, NULL);
    int8_t r8;
    int16_t r16;
    int32_t r32;
    int64_t r64;
    uint32_t ru32;
    double rf;
    bool rt;
    kr_io_i8(&r, &r8);
    kr_io_i16(&r, &r16);
    kr_io_i32(&r, &r32);
    kr_io_i64(&r, &r64);
    kr_io_u32(&r, &ru32);
    kr_io_f64(&r, &rf);
    kr_io_bool(&r, &rt);
    ck_assert(kr_io_ok(&r));
    ck_assert_int_eq(r8, -2);
    ck_assert_int_eq(r16, 0x0102);
    ck_assert_int_eq(r32, -2);
    ck_assert(r64 == 0x0102030405060708);
    ck_assert_uint_eq(ru32, 0xA1B2C3D4);
    ck_assert(rf == 1.5);
    ck_assert(rt);
    kr_buf_free(&b);
}
END_TEST

START_TEST(reading_past_the_end_is_sticky_bad_msg)
{
    static const uint8_t in[] = {0x00, 0x01, 0x02};
    struct kr_io r = rd_io(in, sizeof in, false, NULL);
    int32_t v = 5;
    int8_t small = 0;
    kr_io_i32(&r, &v);
    ck_assert(!kr_io_ok(&r));
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* later reads do nothing, even ones that would fit */
    kr_io_i8(&r, &small);
    ck_assert_int_eq(small, 0);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
}
END_TEST

static void write_str(bool flex, const char *s, bool nullable,
                      struct kr_buf *b, krafka_err_t want)
{
    struct kr_io io;
    kr_io_init_write(&io, 0, flex, b);
    struct kr_str str = kr_str_c(s);
    kr_io_str(&io, &str, nullable);
    kr_io_ok(&io);
    ck_assert_int_eq(io.err, want);
}

START_TEST(strings_classic_and_compact_known_answers)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    write_str(false, "abc", false, &b, KRAFKA_ERR_NONE);
    write_str(false, NULL, true, &b, KRAFKA_ERR_NONE);
    write_str(true, "abc", false, &b, KRAFKA_ERR_NONE);
    write_str(true, NULL, true, &b, KRAFKA_ERR_NONE);
    write_str(true, "", false, &b, KRAFKA_ERR_NONE);
    static const uint8_t want[] = {
        0x00, 0x03, 'a', 'b', 'c', /* string "abc" */
        0xFF, 0xFF,                /* nullable string null */
        0x04, 'a', 'b', 'c',       /* compact string: len+1 */
        0x00,                      /* compact nullable string null */
        0x01,                      /* compact string "" */
    };
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert(memcmp(b.data, want, sizeof want) == 0);

    struct kr_io r = rd_io(want, 7, false, NULL);
    struct kr_str s1, s2;
    kr_io_str(&r, &s1, false);
    kr_io_str(&r, &s2, true);
    ck_assert(kr_io_ok(&r));
    ck_assert(kr_str_eq(s1, "abc"));
    ck_assert_int_eq(s2.len, -1);
    r = rd_io(want + 7, sizeof want - 7, true, NULL);
    kr_io_str(&r, &s1, false);
    kr_io_str(&r, &s2, true);
    struct kr_str s3;
    kr_io_str(&r, &s3, false);
    ck_assert(kr_io_ok(&r));
    ck_assert(kr_str_eq(s1, "abc"));
    ck_assert_int_eq(s2.len, -1);
    ck_assert(s3.len == 0);
    kr_buf_free(&b);
}
END_TEST

START_TEST(null_where_the_version_forbids_it_is_refused_both_ways)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    write_str(false, NULL, false, &b, KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_buf_free(&b);
    static const uint8_t null_classic[] = {0xFF, 0xFF};
    static const uint8_t null_compact[] = {0x00};
    struct kr_str s;
    struct kr_io r = rd_io(null_classic, 2, false, NULL);
    kr_io_str(&r, &s, false);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    r = rd_io(null_compact, 1, true, NULL);
    kr_io_str(&r, &s, false);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
}
END_TEST

START_TEST(string_lengths_negative_or_beyond_the_input_are_bad_msg)
{
    static const uint8_t neg[] = {0xFF, 0xFE, 'a'};          /* -2 */
    static const uint8_t huge[] = {0x7F, 0xFF, 'a'};         /* 32767 */
    static const uint8_t huge_compact[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    static const uint8_t bytes_neg[] = {0x80, 0, 0, 0};       /* INT32_MIN */
    struct kr_str s;
    struct kr_bytes by;
    struct kr_io r = rd_io(neg, sizeof neg, false, NULL);
    kr_io_str(&r, &s, true);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    r = rd_io(huge, sizeof huge, false, NULL);
    kr_io_str(&r, &s, true);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    r = rd_io(huge_compact, sizeof huge_compact, true, NULL);
    kr_io_str(&r, &s, true);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    r = rd_io(bytes_neg, sizeof bytes_neg, false, NULL);
    kr_io_bytes(&r, &by, true);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
}
END_TEST

START_TEST(array_count_beyond_remaining_bytes_is_bad_msg_without_allocating)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    static const uint8_t classic[] = {0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3};
    static const uint8_t compact[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2};
    int32_t *arr = (int32_t *)1;
    int32_t cnt = 9;
    struct kr_io r = rd_io(classic, sizeof classic, false, &a);
    ck_assert_int_eq(kr_io_array(&r, (void **)&arr, &cnt, 64, 1, false), 0);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_ptr_null(arr);
    r = rd_io(compact, sizeof compact, true, &a);
    ck_assert_int_eq(kr_io_array(&r, (void **)&arr, &cnt, 64, 1, false), 0);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* int32 elements: 2 elements need 8 bytes, only 3 are left */
    static const uint8_t ints[] = {0, 0, 0, 2, 0, 0, 1};
    r = rd_io(ints, sizeof ints, false, &a);
    ck_assert_int_eq(kr_io_array(&r, (void **)&arr, &cnt, 4, 4, false), 0);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_uint_eq(a.used, 0);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(arrays_past_the_arena_cap_are_limit_exceeded)
{
    struct kr_arena a;
    kr_arena_init(&a, 8192);
    uint8_t in[4 + 1000];
    memset(in, 0, sizeof in);
    in[2] = 0x03; /* count 1000 (0x3E8) */
    in[3] = 0xE8;
    void *arr;
    int32_t cnt;
    struct kr_io r = rd_io(in, sizeof in, false, &a);
    /* 1000 elements of 64 bytes each = 64000 > 8192 */
    ck_assert_int_eq(kr_io_array(&r, &arr, &cnt, 64, 1, false), 0);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(null_arrays_classic_and_compact)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    static const uint8_t classic[] = {0xFF, 0xFF, 0xFF, 0xFF};
    static const uint8_t compact[] = {0x00};
    void *arr;
    int32_t cnt = 0;
    struct kr_io r = rd_io(classic, 4, false, &a);
    kr_io_array(&r, &arr, &cnt, 8, 1, true);
    ck_assert(kr_io_ok(&r));
    ck_assert_int_eq(cnt, -1);
    r = rd_io(compact, 1, true, &a);
    kr_io_array(&r, &arr, &cnt, 8, 1, true);
    ck_assert(kr_io_ok(&r));
    ck_assert_int_eq(cnt, -1);
    r = rd_io(compact, 1, true, &a);
    kr_io_array(&r, &arr, &cnt, 8, 1, false);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_arena_destroy(&a);
}
END_TEST

struct tagged {
    int32_t a;     /* tag 0, default 0 */
    struct kr_str b; /* tag 3, default null */
    int calls;
};

static bool tagged_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct tagged *t = obj;
    t->calls++;
    switch (tag) {
    case 0:
        if (!kr_io_reading(io) && t->a == 0)
            return false;
        kr_io_i32(io, &t->a);
        return true;
    case 3:
        if (!kr_io_reading(io) && t->b.len < 0)
            return false;
        kr_io_str(io, &t->b, false);
        return true;
    default:
        return false;
    }
}

START_TEST(tagged_fields_known_decoded_unknown_skipped_defaults_omitted)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    struct kr_io io;
    kr_io_init_write(&io, 0, true, &b);
    struct tagged t = {.a = 0x01020304, .b = kr_str_c("xy")};
    kr_io_tags(&io, tagged_io, &t);
    ck_assert(kr_io_ok(&io));
    static const uint8_t want[] = {
        0x02,                         /* two tagged fields */
        0x00, 0x04, 1, 2, 3, 4,       /* tag 0, size 4, int32 */
        0x03, 0x03, 0x03, 'x', 'y',   /* tag 3, size 3, compact "xy" */
    };
    ck_assert_uint_eq(b.len, sizeof want);
    ck_assert(memcmp(b.data, want, sizeof want) == 0);

    /* defaults are not written */
    kr_buf_reset(&b);
    struct tagged d = {.a = 0, .b = {NULL, -1}};
    kr_io_init_write(&io, 0, true, &b);
    kr_io_tags(&io, tagged_io, &d);
    ck_assert_uint_eq(b.len, 1);
    ck_assert_uint_eq(b.data[0], 0);

    /* an unknown tag 9 between known ones is skipped */
    static const uint8_t in[] = {
        0x03, 0x00, 0x04, 9, 9, 9, 9, 0x09, 0x02, 0xAA, 0xBB,
        0x03, 0x02, 0x01, 0x00, /* tag 3: "" */
    };
    struct tagged r = {.b = {NULL, -1}};
    struct kr_io ri = rd_io(in, sizeof in, true, NULL);
    kr_io_tags(&ri, tagged_io, &r);
    ck_assert(kr_io_ok(&ri));
    ck_assert_int_eq(r.a, 0x09090909);
    ck_assert_int_eq(r.b.len, 0);
    ck_assert_int_eq(r.calls, 3);
    ck_assert(ri.rd.pos == ri.rd.end);
    kr_buf_free(&b);
}
END_TEST

START_TEST(tagged_field_sizes_beyond_the_input_are_bad_msg)
{
    static const uint8_t huge_size[] = {0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF,
                                        0x0F, 0x00};
    static const uint8_t huge_count[] = {0xFF, 0xFF, 0xFF, 0x7F, 0x00};
    static const uint8_t short_inner[] = {0x01, 0x00, 0x02, 0x00, 0x01};
    struct tagged t = {.b = {NULL, -1}};
    struct kr_io r = rd_io(huge_size, sizeof huge_size, true, NULL);
    kr_io_tags(&r, tagged_io, &t);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    r = rd_io(huge_count, sizeof huge_count, true, NULL);
    kr_io_tags(&r, NULL, NULL);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* tag 0 declares 2 bytes but its int32 needs 4: bounded to the tag */
    r = rd_io(short_inner, sizeof short_inner, true, NULL);
    kr_io_tags(&r, tagged_io, &t);
    ck_assert_int_eq(r.err, KRAFKA_ERR_LOCAL_BAD_MSG);
}
END_TEST

START_TEST(uvarint_is_bounded_to_five_or_ten_bytes)
{
    static const uint8_t six[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    static const uint8_t five_max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    static const uint8_t five_over[] = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    static const uint8_t eleven[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    struct kr_rd rd;
    kr_rd_init(&rd, six, sizeof six);
    kr_rd_varint(&rd);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_rd_init(&rd, five_max, sizeof five_max);
    ck_assert_uint_eq(kr_rd_uvarint(&rd), UINT32_MAX);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_NONE);
    kr_rd_init(&rd, five_over, sizeof five_over);
    kr_rd_uvarint(&rd);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_rd_init(&rd, eleven, sizeof eleven);
    kr_rd_varlong(&rd);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* the same six bytes are a valid varlong: zigzag(2^36 - 1) = -2^35 */
    kr_rd_init(&rd, six, sizeof six);
    ck_assert(kr_rd_varlong(&rd) == -((int64_t)1 << 35));
    ck_assert_int_eq(rd.err, KRAFKA_ERR_NONE);
}
END_TEST

START_TEST(zigzag_varint_known_answers)
{
    static const struct {
        int64_t v;
        uint8_t len;
        uint8_t bytes[10];
    } kat[] = {
        {0, 1, {0x00}},
        {-1, 1, {0x01}},
        {1, 1, {0x02}},
        {63, 1, {0x7E}},
        {-64, 1, {0x7F}},
        {64, 2, {0x80, 0x01}},
        {8192, 3, {0x80, 0x80, 0x01}},
        {INT32_MAX, 5, {0xFE, 0xFF, 0xFF, 0xFF, 0x0F}},
        {INT64_MAX, 10,
         {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        struct kr_buf b;
        kr_buf_init(&b, 0);
        kr_buf_put_varint(&b, kat[i].v);
        ck_assert_uint_eq(b.len, kat[i].len);
        ck_assert(memcmp(b.data, kat[i].bytes, kat[i].len) == 0);
        ck_assert_uint_eq(kr_varint_size(kat[i].v), kat[i].len);
        struct kr_rd rd;
        kr_rd_init(&rd, b.data, b.len);
        int64_t got = kat[i].len <= 5 && kat[i].v >= INT32_MIN &&
                              kat[i].v <= INT32_MAX
                          ? kr_rd_varint(&rd)
                          : kr_rd_varlong(&rd);
        ck_assert(rd.err == KRAFKA_ERR_NONE && got == kat[i].v);
        kr_buf_free(&b);
    }
}
END_TEST

START_TEST(writer_stops_at_its_maximum)
{
    struct kr_buf b;
    kr_buf_init(&b, 10);
    uint8_t x[8] = {0};
    kr_buf_write(&b, x, 8);
    ck_assert_int_eq(b.err, KRAFKA_ERR_NONE);
    kr_buf_write(&b, x, 8);
    ck_assert_int_eq(b.err, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_uint_eq(b.len, 8);
    kr_buf_put_u8(&b, 1);
    ck_assert_uint_eq(b.len, 8); /* sticky */
    kr_buf_free(&b);
}
END_TEST

START_TEST(arena_refuses_allocations_past_its_cap)
{
    struct kr_arena a;
    kr_arena_init(&a, 1 << 20);
    ck_assert_ptr_nonnull(kr_arena_alloc(&a, 1000));
    ck_assert_ptr_null(kr_arena_alloc(&a, 2 << 20));
    ck_assert_ptr_null(kr_arena_alloc(&a, SIZE_MAX));
    ck_assert_ptr_null(kr_arena_alloc(&a, SIZE_MAX - 8));
    for (int i = 0; i < 10000; i++)
        if (!kr_arena_alloc(&a, 100))
            break;
    ck_assert_uint_le(a.used, a.max);
    kr_arena_destroy(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("io");
    TCase *tc = tcase_create("io");
    tcase_add_test(tc, integers_are_big_endian_both_ways);
    tcase_add_test(tc, reading_past_the_end_is_sticky_bad_msg);
    tcase_add_test(tc, strings_classic_and_compact_known_answers);
    tcase_add_test(tc, null_where_the_version_forbids_it_is_refused_both_ways);
    tcase_add_test(tc, string_lengths_negative_or_beyond_the_input_are_bad_msg);
    tcase_add_test(tc, array_count_beyond_remaining_bytes_is_bad_msg_without_allocating);
    tcase_add_test(tc, arrays_past_the_arena_cap_are_limit_exceeded);
    tcase_add_test(tc, null_arrays_classic_and_compact);
    tcase_add_test(tc, tagged_fields_known_decoded_unknown_skipped_defaults_omitted);
    tcase_add_test(tc, tagged_field_sizes_beyond_the_input_are_bad_msg);
    tcase_add_test(tc, uvarint_is_bounded_to_five_or_ten_bytes);
    tcase_add_test(tc, zigzag_varint_known_answers);
    tcase_add_test(tc, writer_stops_at_its_maximum);
    tcase_add_test(tc, arena_refuses_allocations_past_its_cap);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
