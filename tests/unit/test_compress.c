/*
 * Compression codecs: round trips at several levels and sizes, capped
 * decompression (bombs for every codec, output exactly at the cap),
 * corrupt and truncated input, xerial/raw snappy known answers, and the
 * framing Kafka expects from each codec.
 */
#define ZLIB_CONST
#include <check.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "kt_check.h"
#include "protocol/compress.h"

#define MiB ((size_t)1 << 20)

static const int codecs[] = {KR_CODEC_NONE, KR_CODEC_GZIP, KR_CODEC_SNAPPY,
                             KR_CODEC_LZ4, KR_CODEC_ZSTD};
#define NCODECS ((int)(sizeof codecs / sizeof codecs[0]))

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

/* Text-like data: random words from a small vocabulary. */
static void fill_text(uint8_t *p, size_t n, uint64_t seed)
{
    static const char *words[] = {"kafka ", "record ", "batch ", "offset ",
                                  "topic ", "partition ", "leader ",
                                  "{\"id\": ", "12345, ", "\"value\": "};
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    size_t i = 0;
    while (i < n) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const char *w = words[(x >> 20) % 10];
        for (size_t k = 0; w[k] && i < n; k++)
            p[i++] = (uint8_t)w[k];
    }
}

static void roundtrip(int codec, int level, const uint8_t *in, size_t n)
{
    struct kr_buf c, d;
    kr_buf_init(&c, 0);
    kr_buf_init(&d, 0);
    krafka_err_t err = kr_compress(codec, level, in, n, &c);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s level %d n %zu: %s",
                  kr_codec_name(codec), level, n, krafka_err2name(err));
    err = kr_decompress(codec, c.data, c.len, 0, &d);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s level %d n %zu: decode %s",
                  kr_codec_name(codec), level, n, krafka_err2name(err));
    ck_assert_uint_eq(d.len, n);
    ck_assert(n == 0 || memcmp(d.data, in, n) == 0);
    kr_buf_free(&c);
    kr_buf_free(&d);
}

START_TEST(every_codec_round_trips_at_several_levels_and_sizes)
{
    static const int levels[][5] = {
        {-1, 0, 0, 0, 0},  {-1, 1, 6, 9, 0},   {-1, 0, 0, 0, 0},
        {-1, 0, 1, 9, 12}, {-1, -5, 1, 3, 10},
    };
    size_t big = 1 * MiB, mid = 100 * 1024;
    uint8_t *rnd = malloc(big), *txt = malloc(mid);
    fill_random(rnd, big, 1);
    fill_text(txt, mid, 2);
    int c = codecs[_i];
    for (int l = 0; l < 5; l++) {
        if (l > 0 && levels[_i][l] == 0 && c != KR_CODEC_LZ4)
            continue;
        int level = levels[_i][l];
        roundtrip(c, level, NULL, 0);
        roundtrip(c, level, (const uint8_t *)"x", 1);
        roundtrip(c, level, txt, mid);
        roundtrip(c, level, rnd, big);
    }
    free(rnd);
    free(txt);
}
END_TEST

START_TEST(compressible_data_gets_smaller)
{
    size_t n = 100 * 1024;
    uint8_t *txt = malloc(n);
    fill_text(txt, n, 3);
    for (int i = 1; i < NCODECS; i++) {
        struct kr_buf c;
        kr_buf_init(&c, 0);
        ck_assert_int_eq(kr_compress(codecs[i], -1, txt, n, &c), 0);
        ck_assert_msg(c.len < n / 2, "%s: %zu", kr_codec_name(codecs[i]),
                      c.len);
        kr_buf_free(&c);
    }
    free(txt);
}
END_TEST

/* ---- decompression bombs: 200 MiB of zeros, built by streaming so the
 * test itself never holds them ---- */
static void bomb_gzip(struct kr_buf *out, const uint8_t *zeros, size_t chunk,
                      int chunks)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    ck_assert_int_eq(deflateInit2(&zs, 9, Z_DEFLATED, 31, 8,
                                  Z_DEFAULT_STRATEGY),
                     Z_OK);
    uint8_t tmp[65536];
    for (int i = 0; i < chunks; i++) {
        zs.next_in = zeros;
        zs.avail_in = (uInt)chunk;
        int flush = i == chunks - 1 ? Z_FINISH : Z_NO_FLUSH;
        int zr;
        do {
            zs.next_out = tmp;
            zs.avail_out = sizeof tmp;
            zr = deflate(&zs, flush);
            kr_buf_write(out, tmp, sizeof tmp - zs.avail_out);
        } while (zs.avail_out == 0 ||
                 (flush == Z_FINISH && zr != Z_STREAM_END));
    }
    deflateEnd(&zs);
}

static void bomb_lz4(struct kr_buf *out, const uint8_t *zeros, size_t chunk,
                     int chunks)
{
    LZ4F_cctx *c;
    ck_assert(!LZ4F_isError(LZ4F_createCompressionContext(&c, LZ4F_VERSION)));
    size_t bound = LZ4F_compressBound(chunk, NULL) + LZ4F_HEADER_SIZE_MAX;
    uint8_t *tmp = malloc(bound);
    size_t r = LZ4F_compressBegin(c, tmp, bound, NULL);
    kr_buf_write(out, tmp, r);
    for (int i = 0; i < chunks; i++) {
        r = LZ4F_compressUpdate(c, tmp, bound, zeros, chunk, NULL);
        ck_assert(!LZ4F_isError(r));
        kr_buf_write(out, tmp, r);
    }
    r = LZ4F_compressEnd(c, tmp, bound, NULL);
    kr_buf_write(out, tmp, r);
    free(tmp);
    LZ4F_freeCompressionContext(c);
}

static void bomb_zstd(struct kr_buf *out, const uint8_t *zeros, size_t chunk,
                      int chunks)
{
    ZSTD_CCtx *c = ZSTD_createCCtx();
    uint8_t tmp[65536];
    for (int i = 0; i < chunks; i++) {
        ZSTD_inBuffer ib = {zeros, chunk, 0};
        ZSTD_EndDirective end = i == chunks - 1 ? ZSTD_e_end : ZSTD_e_continue;
        size_t left;
        do {
            ZSTD_outBuffer ob = {tmp, sizeof tmp, 0};
            left = ZSTD_compressStream2(c, &ob, &ib, end);
            ck_assert(!ZSTD_isError(left));
            kr_buf_write(out, tmp, ob.pos);
        } while (ib.pos < ib.size || (end == ZSTD_e_end && left != 0));
    }
    ZSTD_freeCCtx(c);
}

static void bomb_snappy_xerial(struct kr_buf *out, const uint8_t *zeros,
                               size_t total)
{
    size_t blk = 32768, clen = snappy_max_compressed_length(blk);
    char *tmp = malloc(clen);
    ck_assert_int_eq(snappy_compress((const char *)zeros, blk, tmp, &clen),
                     SNAPPY_OK);
    static const uint8_t hdr[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0,
                                    0,    0,   0,   1,   0,   0,   0,   1};
    kr_buf_write(out, hdr, sizeof hdr);
    for (size_t i = 0; i < total / blk; i++) {
        kr_buf_put_be32(out, (uint32_t)clen);
        kr_buf_write(out, tmp, clen);
    }
    free(tmp);
}

/* One raw snappy block of @total zeros: a 1-byte literal, then copies of
 * 64 bytes at offset 1 (the densest element snappy has). */
static void bomb_snappy_raw(struct kr_buf *out, size_t total)
{
    kr_buf_put_uvarint(out, total);
    kr_buf_put_u8(out, 0x00); /* literal, length 1 */
    kr_buf_put_u8(out, 0x00);
    size_t left = total - 1;
    while (left) {
        size_t len = left < 64 ? left : 64;
        uint8_t copy[3] = {(uint8_t)(((len - 1) << 2) | 2), 1, 0};
        kr_buf_write(out, copy, 3);
        left -= len;
    }
}

/* A field of /proc/self/status in KiB (VmPeak, VmSize). */
static size_t status_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t v = 0, flen = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, flen) == 0)
            v = strtoull(line + flen, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* Loop index: 0 gzip, 1 snappy xerial, 2 snappy raw, 3 lz4, 4 zstd,
 * 5 none (an input larger than the cap). */
START_TEST(a_decompression_bomb_stops_at_the_cap_for_every_codec)
{
    static const int codec_of[] = {KR_CODEC_GZIP, KR_CODEC_SNAPPY,
                                   KR_CODEC_SNAPPY, KR_CODEC_LZ4,
                                   KR_CODEC_ZSTD, KR_CODEC_NONE};
    size_t chunk = MiB, total = 200 * MiB, cap = 10 * MiB;
    uint8_t *zeros = calloc(1, chunk);
    struct kr_buf bomb, out;
    kr_buf_init(&bomb, 0);
    kr_buf_init(&out, 0);
    switch (_i) {
    case 0: bomb_gzip(&bomb, zeros, chunk, 200); break;
    case 1: bomb_snappy_xerial(&bomb, zeros, total); break;
    case 2: bomb_snappy_raw(&bomb, total); break;
    case 3: bomb_lz4(&bomb, zeros, chunk, 200); break;
    case 4: bomb_zstd(&bomb, zeros, chunk, 200); break;
    default: kr_buf_write(&bomb, zeros, chunk); cap = chunk - 1; break;
    }
    free(zeros);
    ck_assert_int_eq(bomb.err, KRAFKA_ERR_NONE);
    ck_assert(bomb.len < 12 * MiB);

    size_t size_before = status_kib("VmSize:");
    size_t peak_before = status_kib("VmPeak:");
    krafka_err_t err =
        kr_decompress(codec_of[_i], bomb.data, bomb.len, cap, &out);
    size_t peak_after = status_kib("VmPeak:");
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED, "case %d: %s", _i,
                  krafka_err2name(err));
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_le(out.cap, cap);
    /* The address space never grew by anything near 200 MiB. */
    size_t bound = size_before + 64 * 1024;
    ck_assert_msg(peak_after <= (peak_before > bound ? peak_before : bound),
                  "case %d: VmPeak %zu KiB, before %zu/%zu KiB", _i,
                  peak_after, size_before, peak_before);
    kr_buf_free(&bomb);
    kr_buf_free(&out);
}
END_TEST

START_TEST(output_exactly_at_the_cap_is_accepted_one_byte_more_is_not)
{
    int c = codecs[_i];
    static const size_t sizes[] = {1, 4096, 65536, 100000, 300000};
    uint8_t *txt = malloc(300000);
    fill_text(txt, 300000, 4);
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        struct kr_buf z, d;
        kr_buf_init(&z, 0);
        kr_buf_init(&d, 0);
        ck_assert_int_eq(kr_compress(c, -1, txt, n, &z), 0);
        ck_assert_int_eq(kr_decompress(c, z.data, z.len, n, &d), 0);
        ck_assert_uint_eq(d.len, n);
        ck_assert_uint_le(d.cap, n);
        ck_assert(memcmp(d.data, txt, n) == 0);
        kr_buf_reset(&d);
        ck_assert_int_eq(kr_decompress(c, z.data, z.len, n - 1 ? n - 1 : 0,
                                       &d),
                         n - 1 ? KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED
                               : KRAFKA_ERR_NONE);
        kr_buf_free(&z);
        kr_buf_free(&d);
    }
    free(txt);
}
END_TEST

START_TEST(decompression_appends_and_respects_the_buffer_maximum)
{
    int c = codecs[_i];
    uint8_t txt[5000];
    fill_text(txt, sizeof txt, 5);
    struct kr_buf z, d;
    kr_buf_init(&z, 0);
    kr_buf_init(&d, 0);
    ck_assert_int_eq(kr_compress(c, -1, txt, sizeof txt, &z), 0);
    kr_buf_write(&d, "prefix", 6);
    ck_assert_int_eq(kr_decompress(c, z.data, z.len, 0, &d), 0);
    ck_assert_uint_eq(d.len, 6 + sizeof txt);
    ck_assert(memcmp(d.data, "prefix", 6) == 0);
    ck_assert(memcmp(d.data + 6, txt, sizeof txt) == 0);
    kr_buf_free(&d);

    /* A buffer whose own maximum is below the output. */
    kr_buf_init(&d, 4000);
    ck_assert_int_eq(kr_decompress(c, z.data, z.len, 0, &d),
                     KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_uint_eq(d.len, 0);
    ck_assert_uint_le(d.cap, 4000);
    kr_buf_free(&d);
    kr_buf_free(&z);
}
END_TEST

START_TEST(truncated_streams_are_errors_not_crashes)
{
    int c = codecs[_i];
    if (c == KR_CODEC_NONE)
        return;
    size_t n = 100 * 1024;
    uint8_t *txt = malloc(n);
    fill_text(txt, n, 6);
    struct kr_buf z;
    kr_buf_init(&z, 0);
    ck_assert_int_eq(kr_compress(c, -1, txt, n, &z), 0);
    struct kr_codec_ctx cx;
    kr_codec_ctx_init(&cx);
    for (size_t cut = 0; cut < z.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact: ASan sees overreads */
        memcpy(copy, z.data, cut);
        struct kr_buf d;
        kr_buf_init(&d, 0);
        krafka_err_t err = kr_decompress_cx(&cx, c, copy, cut, 0, &d);
        if (err == KRAFKA_ERR_NONE) {
            /* Only xerial snappy can end early: at a block boundary. */
            ck_assert_int_eq(c, KR_CODEC_SNAPPY);
            ck_assert_uint_eq(d.len % 32768, 0);
            ck_assert_uint_lt(d.len, n);
        } else {
            ck_assert_msg(err == KRAFKA_ERR_LOCAL_COMPRESSION,
                          "%s cut %zu/%zu: %s", kr_codec_name(c), cut, z.len,
                          krafka_err2name(err));
            ck_assert_uint_eq(d.len, 0);
        }
        kr_buf_free(&d);
        free(copy);
    }
    /* The context still works after all those failures. */
    struct kr_buf d;
    kr_buf_init(&d, 0);
    ck_assert_int_eq(kr_decompress_cx(&cx, c, z.data, z.len, 0, &d), 0);
    ck_assert_uint_eq(d.len, n);
    kr_buf_free(&d);
    kr_codec_ctx_free(&cx);
    kr_buf_free(&z);
    free(txt);
}
END_TEST

START_TEST(corrupted_bytes_never_crash_and_never_pass_the_cap)
{
    int c = codecs[_i];
    size_t n = 50000;
    uint8_t *txt = malloc(n);
    fill_text(txt, n, 7);
    struct kr_buf z;
    kr_buf_init(&z, 0);
    ck_assert_int_eq(kr_compress(c, -1, txt, n, &z), 0);
    uint8_t *copy = malloc(z.len);
    uint64_t x = 88172645463325252ull;
    for (int round = 0; round < 2000; round++) {
        memcpy(copy, z.data, z.len);
        for (int k = 0; k < 1 + round % 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            copy[(x >> 8) % z.len] ^= (uint8_t)(1u << (x % 8));
        }
        struct kr_buf d;
        kr_buf_init(&d, 0);
        krafka_err_t err = kr_decompress(c, copy, z.len, 2 * n, &d);
        ck_assert(err == KRAFKA_ERR_NONE ||
                  err == KRAFKA_ERR_LOCAL_COMPRESSION ||
                  err == KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
        ck_assert_uint_le(d.len, 2 * n);
        kr_buf_free(&d);
    }
    free(copy);
    kr_buf_free(&z);
    free(txt);
}
END_TEST

/* raw snappy "abcabcabcabc": varint length 12, literal "abc" (tag
 * (3-1)<<2 = 0x08), copy with 1-byte offset: length 9, offset 3 (tag
 * ((9-4)<<2)|1 = 0x15, offset 0x03). */
static const uint8_t raw_abc[] = {0x0C, 0x08, 'a', 'b', 'c', 0x15, 0x03};

START_TEST(a_raw_snappy_block_decodes)
{
    struct kr_buf d;
    kr_buf_init(&d, 0);
    ck_assert_int_eq(
        kr_decompress(KR_CODEC_SNAPPY, raw_abc, sizeof raw_abc, 0, &d), 0);
    ck_assert_uint_eq(d.len, 12);
    ck_assert(memcmp(d.data, "abcabcabcabc", 12) == 0);
    kr_buf_free(&d);
}
END_TEST

START_TEST(a_hand_built_xerial_frame_decodes)
{
    static const uint8_t frame[] = {
        0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00, /* xerial magic */
        0x00, 0x00, 0x00, 0x01,                   /* version 1 */
        0x00, 0x00, 0x00, 0x01,                   /* compatible version 1 */
        0x00, 0x00, 0x00, 0x07,                   /* block 1: 7 bytes */
        0x05, 0x10, 'h', 'e', 'l', 'l', 'o',      /* len 5, literal(5) */
        0x00, 0x00, 0x00, 0x07,                   /* block 2: 7 bytes */
        0x0C, 0x08, 'a', 'b', 'c', 0x15, 0x03,    /* raw_abc */
    };
    struct kr_buf d;
    kr_buf_init(&d, 0);
    ck_assert_int_eq(kr_decompress(KR_CODEC_SNAPPY, frame, sizeof frame, 0, &d),
                     0);
    ck_assert_uint_eq(d.len, 17);
    ck_assert(memcmp(d.data, "helloabcabcabcabc", 17) == 0);
    /* A block length past the end is corrupt. */
    uint8_t bad[sizeof frame];
    memcpy(bad, frame, sizeof frame);
    bad[30] = 0x08;
    kr_buf_reset(&d);
    ck_assert_int_eq(kr_decompress(KR_CODEC_SNAPPY, bad, sizeof bad, 0, &d),
                     KRAFKA_ERR_LOCAL_COMPRESSION);
    kr_buf_free(&d);
}
END_TEST

START_TEST(the_snappy_writer_emits_xerial_blocks_of_32_kib)
{
    size_t n = 100 * 1024;
    uint8_t *txt = malloc(n);
    fill_text(txt, n, 8);
    struct kr_buf z;
    kr_buf_init(&z, 0);
    ck_assert_int_eq(kr_compress(KR_CODEC_SNAPPY, -1, txt, n, &z), 0);
    static const uint8_t hdr[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0,
                                    0,    0,   0,   1,   0,   0,   0,   1};
    ck_assert(z.len > 16 && memcmp(z.data, hdr, 16) == 0);
    size_t pos = 16, blocks = 0, total = 0;
    while (pos < z.len) {
        ck_assert_uint_ge(z.len - pos, 4);
        uint32_t blen = kr_load_be32(z.data + pos);
        pos += 4;
        ck_assert_uint_le(blen, z.len - pos);
        size_t ulen;
        ck_assert_int_eq(snappy_uncompressed_length((const char *)z.data + pos,
                                                    blen, &ulen),
                         SNAPPY_OK);
        ck_assert_uint_eq(ulen, blocks < 3 ? 32768 : n - 3 * 32768);
        total += ulen;
        pos += blen;
        blocks++;
    }
    ck_assert_uint_eq(blocks, 4);
    ck_assert_uint_eq(total, n);
    kr_buf_free(&z);
    free(txt);
}
END_TEST

START_TEST(a_lying_raw_snappy_length_is_rejected_before_allocating)
{
    /* Claims 50 MiB from 6 bytes. */
    struct kr_buf in, d;
    kr_buf_init(&in, 0);
    kr_buf_init(&d, 0);
    kr_buf_put_uvarint(&in, 50 * MiB);
    kr_buf_write(&in, "\x00\x00", 2);
    ck_assert_int_eq(kr_decompress(KR_CODEC_SNAPPY, in.data, in.len, 0, &d),
                     KRAFKA_ERR_LOCAL_COMPRESSION);
    ck_assert_uint_eq(d.cap, 0);
    kr_buf_free(&in);
    kr_buf_free(&d);
}
END_TEST

START_TEST(concatenated_gzip_members_and_lz4_zstd_frames_decode)
{
    static const int multi[] = {KR_CODEC_GZIP, KR_CODEC_LZ4, KR_CODEC_ZSTD};
    for (size_t i = 0; i < 3; i++) {
        struct kr_buf z, d;
        kr_buf_init(&z, 0);
        kr_buf_init(&d, 0);
        ck_assert_int_eq(
            kr_compress(multi[i], -1, (const uint8_t *)"abc", 3, &z), 0);
        ck_assert_int_eq(
            kr_compress(multi[i], -1, (const uint8_t *)"defgh", 5, &z), 0);
        ck_assert_int_eq(kr_decompress(multi[i], z.data, z.len, 0, &d), 0);
        ck_assert_uint_eq(d.len, 8);
        ck_assert(memcmp(d.data, "abcdefgh", 8) == 0);
        /* Trailing garbage after the last frame is corrupt; after the
         * last gzip member it is ignored (as Java does), unless it starts
         * like another member. */
        kr_buf_write(&z, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        kr_buf_reset(&d);
        krafka_err_t err = kr_decompress(multi[i], z.data, z.len, 0, &d);
        if (multi[i] == KR_CODEC_GZIP) {
            ck_assert_int_eq(err, KRAFKA_ERR_NONE);
            ck_assert_uint_eq(d.len, 8);
            z.data[z.len - 8] = 0x1f;
            z.data[z.len - 7] = 0x8b;
            kr_buf_reset(&d);
            err = kr_decompress(multi[i], z.data, z.len, 0, &d);
        }
        ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_COMPRESSION);
        kr_buf_free(&z);
        kr_buf_free(&d);
    }
}
END_TEST

START_TEST(empty_input_is_corrupt_for_every_real_codec)
{
    for (int i = 1; i < NCODECS; i++) {
        struct kr_buf d;
        kr_buf_init(&d, 0);
        ck_assert_int_eq(kr_decompress(codecs[i], NULL, 0, 0, &d),
                         KRAFKA_ERR_LOCAL_COMPRESSION);
        kr_buf_free(&d);
    }
}
END_TEST

START_TEST(unknown_codecs_and_bad_levels_are_refused)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    static const int bad[] = {-1, 5, 6, 7, 100};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(kr_compress(bad[i], -1, (const uint8_t *)"x", 1, &b),
                         KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION);
        ck_assert_int_eq(
            kr_decompress(bad[i], (const uint8_t *)"x", 1, 0, &b),
            KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION);
        ck_assert_str_eq(kr_codec_name(bad[i]), "unknown");
    }
    static const int bad_levels[][2] = {{KR_CODEC_GZIP, 10},
                                        {KR_CODEC_GZIP, -2},
                                        {KR_CODEC_LZ4, 13},
                                        {KR_CODEC_ZSTD, 23}};
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(kr_compress(bad_levels[i][0], bad_levels[i][1],
                                     (const uint8_t *)"x", 1, &b),
                         KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_str_eq(kr_codec_name(KR_CODEC_LZ4), "lz4");
    kr_buf_free(&b);
}
END_TEST

START_TEST(a_reused_context_compresses_many_batches)
{
    struct kr_codec_ctx cx;
    kr_codec_ctx_init(&cx);
    uint8_t txt[20000];
    for (int round = 0; round < 50; round++) {
        int c = codecs[round % NCODECS];
        size_t n = (size_t)(round * 397) % sizeof txt;
        fill_text(txt, n, (uint64_t)round);
        struct kr_buf z, d;
        kr_buf_init(&z, 0);
        kr_buf_init(&d, 0);
        ck_assert_int_eq(kr_compress_cx(&cx, c, round % 3, txt, n, &z), 0);
        ck_assert_int_eq(kr_decompress_cx(&cx, c, z.data, z.len, 0, &d), 0);
        ck_assert_uint_eq(d.len, n);
        ck_assert(n == 0 || memcmp(d.data, txt, n) == 0);
        kr_buf_free(&z);
        kr_buf_free(&d);
    }
    kr_codec_ctx_free(&cx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("compress");
    TCase *tc = tcase_create("compress");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(
        tc, every_codec_round_trips_at_several_levels_and_sizes, 0, NCODECS);
    tcase_add_test(tc, compressible_data_gets_smaller);
    tcase_add_loop_test(
        tc, a_decompression_bomb_stops_at_the_cap_for_every_codec, 0, 6);
    tcase_add_loop_test(
        tc, output_exactly_at_the_cap_is_accepted_one_byte_more_is_not, 0,
        NCODECS);
    tcase_add_loop_test(
        tc, decompression_appends_and_respects_the_buffer_maximum, 0, NCODECS);
    tcase_add_loop_test(
        tc, truncated_streams_are_errors_not_crashes, 0, NCODECS);
    tcase_add_loop_test(
        tc, corrupted_bytes_never_crash_and_never_pass_the_cap, 0, NCODECS);
    tcase_add_test(tc, a_raw_snappy_block_decodes);
    tcase_add_test(tc, a_hand_built_xerial_frame_decodes);
    tcase_add_test(tc, the_snappy_writer_emits_xerial_blocks_of_32_kib);
    tcase_add_test(tc, a_lying_raw_snappy_length_is_rejected_before_allocating);
    tcase_add_test(tc, concatenated_gzip_members_and_lz4_zstd_frames_decode);
    tcase_add_test(tc, empty_input_is_corrupt_for_every_real_codec);
    tcase_add_test(tc, unknown_codecs_and_bad_levels_are_refused);
    tcase_add_test(tc, a_reused_context_compresses_many_batches);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
