/*
 * CRC-32C (see crc32c.h).
 *
 * Both implementations work on the raw CRC state (no pre/post inversion);
 * the public functions add the inversion, which makes the result the usual
 * CRC-32C and lets calls be chained.
 *
 * Hardware path: the crc32 instruction has a latency of ~3 cycles but a
 * throughput of one per cycle, so one dependent stream uses a third of the
 * unit. We run three streams over three adjacent blocks and merge them:
 * since the CRC is linear over GF(2),
 *     state(A || B, c) = zeros_|B|(state(A, c)) ^ state(B, 0)
 * where zeros_k(x) is the state after feeding k zero bytes to x. zeros_k is a
 * linear map of the 32-bit state, applied with four 256-entry tables (one
 * per state byte), built once for the two block sizes used.
 */
#include "util/crc32c.h"

#include <string.h>
#include <threads.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KR_CRC32C_X86 1
#include <nmmintrin.h>
#endif

#define CRC32C_POLY 0x82F63B78u /* Castagnoli, bit-reflected */

typedef uint32_t (*crc_update_fn)(uint32_t state, const uint8_t *p,
                                  size_t n);

/* Written once by crc_init() under call_once, read-only afterwards. */
static uint32_t sw_table[8][256]; /* [k][b]: byte b then k zero bytes */
static crc_update_fn chosen_update;
static bool hw_ok;
static once_flag init_once = ONCE_FLAG_INIT;

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint32_t sw_update(uint32_t crc, const uint8_t *p, size_t n)
{
    /* Slicing-by-8: one table lookup per input byte, no dependency chain
     * between the eight lookups of a word. */
    while (n >= 8) {
        uint32_t lo = crc ^ load_le32(p);
        uint32_t hi = load_le32(p + 4);
        crc = sw_table[7][lo & 0xff] ^ sw_table[6][(lo >> 8) & 0xff] ^
              sw_table[5][(lo >> 16) & 0xff] ^ sw_table[4][lo >> 24] ^
              sw_table[3][hi & 0xff] ^ sw_table[2][(hi >> 8) & 0xff] ^
              sw_table[1][(hi >> 16) & 0xff] ^ sw_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = sw_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

static void sw_build(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ CRC32C_POLY : c >> 1;
        sw_table[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = sw_table[0][b];
        for (int k = 1; k < 8; k++) {
            c = sw_table[0][c & 0xff] ^ (c >> 8);
            sw_table[k][b] = c;
        }
    }
}

#ifdef KR_CRC32C_X86

/* Block sizes of the three-stream loops: long for bulk data, short so that
 * a few hundred bytes still get the interleaving. */
#define HW_LONG 8192
#define HW_SHORT 256

/* t[k][b]: zeros_len applied to the state whose byte k is b. */
struct shift_table {
    uint32_t t[4][256];
};
static struct shift_table shift_long;  /* len = HW_LONG */
static struct shift_table shift_short; /* len = HW_SHORT */

static uint32_t zeros_slow(uint32_t state, size_t nbytes)
{
    while (nbytes--)
        state = sw_table[0][state & 0xff] ^ (state >> 8);
    return state;
}

static void shift_build(struct shift_table *st, size_t nbytes)
{
    uint32_t basis[32]; /* the linear map on each single-bit state */
    for (int i = 0; i < 32; i++)
        basis[i] = zeros_slow(1u << i, nbytes);
    for (int k = 0; k < 4; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t v = 0;
            for (int bit = 0; bit < 8; bit++)
                if (b >> bit & 1)
                    v ^= basis[8 * k + bit];
            st->t[k][b] = v;
        }
    }
}

static inline uint32_t shift(const struct shift_table *st, uint32_t s)
{
    return st->t[0][s & 0xff] ^ st->t[1][(s >> 8) & 0xff] ^
           st->t[2][(s >> 16) & 0xff] ^ st->t[3][s >> 24];
}

static inline uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8); /* x86 is little-endian: bytes in stream order */
    return v;
}

/* CRC state after three adjacent blocks of @len bytes (a multiple of 8). */
__attribute__((target("sse4.2"))) static inline uint64_t
hw_three_blocks(uint64_t c0, const uint8_t *p, size_t len,
                const struct shift_table *st)
{
    uint64_t c1 = 0, c2 = 0;
    const uint8_t *end = p + len;
    do {
        c0 = _mm_crc32_u64(c0, load_u64(p));
        c1 = _mm_crc32_u64(c1, load_u64(p + len));
        c2 = _mm_crc32_u64(c2, load_u64(p + 2 * len));
        p += 8;
    } while (p < end);
    c0 = shift(st, (uint32_t)c0) ^ c1;
    return shift(st, (uint32_t)c0) ^ c2;
}

__attribute__((target("sse4.2"))) static uint32_t
hw_update(uint32_t crc, const uint8_t *p, size_t n)
{
    uint64_t c = crc;
    while (n && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        n--;
    }
    while (n >= 3 * HW_LONG) {
        c = hw_three_blocks(c, p, HW_LONG, &shift_long);
        p += 3 * HW_LONG;
        n -= 3 * HW_LONG;
    }
    while (n >= 3 * HW_SHORT) {
        c = hw_three_blocks(c, p, HW_SHORT, &shift_short);
        p += 3 * HW_SHORT;
        n -= 3 * HW_SHORT;
    }
    while (n >= 8) {
        c = _mm_crc32_u64(c, load_u64(p));
        p += 8;
        n -= 8;
    }
    while (n--)
        c = _mm_crc32_u8((uint32_t)c, *p++);
    return (uint32_t)c;
}

static bool hw_detect(void)
{
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("sse4.2"))
        return false;
    shift_build(&shift_long, HW_LONG);
    shift_build(&shift_short, HW_SHORT);
    return true;
}

#else /* no hardware path on this target */

static bool hw_detect(void)
{
    return false;
}

#define hw_update sw_update

#endif

static void crc_init(void)
{
    sw_build();
    hw_ok = hw_detect();
    chosen_update = hw_ok ? hw_update : sw_update;
}

uint32_t kr_crc32c(uint32_t crc, const void *p, size_t n)
{
    call_once(&init_once, crc_init);
    return ~chosen_update(~crc, p, n);
}

uint32_t kr_crc32c_sw(uint32_t crc, const void *p, size_t n)
{
    call_once(&init_once, crc_init);
    return ~sw_update(~crc, p, n);
}

uint32_t kr_crc32c_hw(uint32_t crc, const void *p, size_t n)
{
    call_once(&init_once, crc_init);
    return ~(hw_ok ? hw_update : sw_update)(~crc, p, n);
}

bool kr_crc32c_hw_available(void)
{
    call_once(&init_once, crc_init);
    return hw_ok;
}
