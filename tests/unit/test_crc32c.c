/*
 * CRC-32C: known answers for both implementations, hardware == software on
 * random buffers of many lengths and alignments, incremental == one-shot.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "kt_check.h"
#include "util/crc32c.h"

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

/* The implementations under test; hw only when the CPU has it. */
static size_t impls(crc_fn fns[3])
{
    size_t n = 0;
    fns[n++] = kr_crc32c;
    fns[n++] = kr_crc32c_sw;
    if (kr_crc32c_hw_available())
        fns[n++] = kr_crc32c_hw;
    return n;
}

/* Deterministic filler (xorshift64), so failures reproduce. */
static void fill_random(uint8_t *p, size_t n, uint64_t seed)
{
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (uint8_t)(x >> 32);
    }
}

START_TEST(known_answers_match_for_every_implementation)
{
    crc_fn fns[3];
    size_t n = impls(fns);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(fns[i](0, "123456789", 9), 0xE3069283u);
        ck_assert_uint_eq(fns[i](0, "Some String", 11), 608512271u);
        ck_assert_uint_eq(fns[i](0, "", 0), 0);
        ck_assert_uint_eq(fns[i](0, NULL, 0), 0);
        /* 32 zero bytes and 32 0xFF bytes (RFC 3720, B.4). */
        uint8_t z[32] = {0}, f[32];
        memset(f, 0xff, sizeof f);
        ck_assert_uint_eq(fns[i](0, z, sizeof z), 0x8A9136AAu);
        ck_assert_uint_eq(fns[i](0, f, sizeof f), 0x62A8AB43u);
    }
}
END_TEST

START_TEST(hardware_equals_software_on_random_lengths_and_alignments)
{
    if (!kr_crc32c_hw_available())
        return;
    enum { MAXLEN = 3 * 8192 * 2 + 3 * 256 + 64 };
    uint8_t *buf = malloc(MAXLEN + 16);
    ck_assert_ptr_nonnull(buf);
    fill_random(buf, MAXLEN + 16, 1);
    /* Every length up to 1 KiB at every alignment, then lengths around the
     * block sizes of the three-stream loops. */
    for (size_t len = 0; len <= 1024; len++)
        for (size_t off = 0; off < 8; off++)
            ck_assert_uint_eq(kr_crc32c_hw(0, buf + off, len),
                              kr_crc32c_sw(0, buf + off, len));
    static const size_t edges[] = {767,   768,   769,   3 * 8192 - 1,
                                   24576, 24577, 49151, 49152,
                                   49153, MAXLEN};
    for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++)
        for (size_t off = 0; off < 16; off++) {
            size_t len = edges[e];
            ck_assert_uint_eq(kr_crc32c_hw(7, buf + off, len),
                              kr_crc32c_sw(7, buf + off, len));
        }
    free(buf);
}
END_TEST

START_TEST(incremental_equals_one_shot)
{
    enum { LEN = 70000 };
    uint8_t *buf = malloc(LEN);
    ck_assert_ptr_nonnull(buf);
    fill_random(buf, LEN, 2);
    crc_fn fns[3];
    size_t n = impls(fns);
    for (size_t i = 0; i < n; i++) {
        uint32_t whole = fns[i](0, buf, LEN);
        static const size_t cuts[] = {0, 1, 7, 8, 100, 769, 24577, 69999};
        for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
            uint32_t a = fns[i](0, buf, cuts[c]);
            ck_assert_uint_eq(fns[i](a, buf + cuts[c], LEN - cuts[c]), whole);
        }
        /* Byte by byte. */
        uint32_t c = 0;
        for (size_t k = 0; k < 5000; k++)
            c = fns[i](c, buf + k, 1);
        ck_assert_uint_eq(c, fns[i](0, buf, 5000));
    }
    free(buf);
}
END_TEST

START_TEST(a_flipped_bit_changes_the_crc)
{
    uint8_t buf[300];
    fill_random(buf, sizeof buf, 3);
    uint32_t ref = kr_crc32c(0, buf, sizeof buf);
    for (size_t bit = 0; bit < sizeof buf * 8; bit += 13) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        ck_assert_uint_ne(kr_crc32c(0, buf, sizeof buf), ref);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crc32c");
    TCase *tc = tcase_create("crc32c");
    tcase_add_test(tc, known_answers_match_for_every_implementation);
    tcase_add_test(
        tc, hardware_equals_software_on_random_lengths_and_alignments);
    tcase_add_test(tc, incremental_equals_one_shot);
    tcase_add_test(tc, a_flipped_bit_changes_the_crc);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
