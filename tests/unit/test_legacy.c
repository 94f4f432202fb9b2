/*
 * MessageSet v0/v1 (magic 0/1) read through the RecordBatch reader:
 * hand-written known-answer entries, runs of uncompressed messages,
 * compressed wrappers with every legacy codec (relative and absolute inner
 * offsets, LogAppendTime, the broken lz4 header checksum of magic 0),
 * mixed legacy and v2 data, truncation, CRCs, lying sizes and lengths,
 * nested compression and the decompression cap. Entries are built here by
 * put_msg() (CRC-32 IEEE: zlib's crc32()).
 */
#include <check.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kt_check.h"
#include "protocol/record_batch.h"

#define TS INT64_C(1700000000000)
#define LAT KR_MSG_ATTR_LOG_APPEND_TIME

/* ---- writing entries ---- */

/* Appends an entry: Offset, MessageSize, Crc, Magic, Attributes,
 * Timestamp (v1), Key, Value. @key / @value NULL: null. */
static void put_msg(struct kr_buf *b, int64_t offset, int magic, int attrs,
                    int64_t ts, const void *key, size_t klen,
                    const void *value, size_t vlen)
{
    kr_buf_put_be64(b, (uint64_t)offset);
    size_t size_at = b->len;
    kr_buf_put_be32(b, 0); /* MessageSize, patched below */
    kr_buf_put_be32(b, 0); /* Crc, patched below */
    kr_buf_put_u8(b, (uint8_t)magic);
    kr_buf_put_u8(b, (uint8_t)attrs);
    if (magic == 1)
        kr_buf_put_be64(b, (uint64_t)ts);
    kr_buf_put_be32(b, key ? (uint32_t)klen : UINT32_MAX);
    if (key)
        kr_buf_write(b, key, klen);
    kr_buf_put_be32(b, value ? (uint32_t)vlen : UINT32_MAX);
    if (value)
        kr_buf_write(b, value, vlen);
    ck_assert_int_eq(b->err, KRAFKA_ERR_NONE);
    size_t crc_at = size_at + 4;
    kr_buf_patch_be32(b, size_at, (uint32_t)(b->len - crc_at));
    kr_buf_patch_be32(b, crc_at,
                      (uint32_t)crc32(0, b->data + crc_at + 4,
                                      (uInt)(b->len - crc_at - 4)));
}

/* A message with string key and value (NULL: null). */
static void put_str(struct kr_buf *b, int64_t offset, int magic, int attrs,
                    int64_t ts, const char *key, const char *value)
{
    put_msg(b, offset, magic, attrs, ts, key, key ? strlen(key) : 0, value,
            value ? strlen(value) : 0);
}

/* Appends a wrapper of @codec (plus @attrs) whose Value is @inner
 * compressed by the library's compressor. */
static void put_wrapper(struct kr_buf *b, int64_t offset, int magic,
                        int codec, int attrs, int64_t ts,
                        const struct kr_buf *inner)
{
    struct kr_buf z;
    kr_buf_init(&z, 0);
    ck_assert_int_eq(kr_compress(codec, -1, inner->data, inner->len, &z),
                     KRAFKA_ERR_NONE);
    put_msg(b, offset, magic, codec | attrs, ts, NULL, 0, z.data, z.len);
    kr_buf_free(&z);
}

/* Three inner messages of @magic at offsets @o0, @o0 + 1, @o0 + 2. */
static void put_three(struct kr_buf *b, int magic, int64_t o0)
{
    put_str(b, o0, magic, 0, TS + 1, "k0", "v0");
    put_str(b, o0 + 1, magic, 0, TS + 2, NULL, "v1");
    put_str(b, o0 + 2, magic, 0, TS + 3, "k2", NULL);
}

/* XXH32, seed 0, fewer than 16 bytes (an LZ4 frame descriptor). */
static uint32_t xxh32_short(const uint8_t *p, size_t n)
{
    const uint32_t p1 = 2654435761u, p2 = 2246822519u, p3 = 3266489917u,
                   p4 = 668265263u, p5 = 374761393u;
    uint32_t h = p5 + (uint32_t)n;
    for (; n >= 4; p += 4, n -= 4) {
        h += ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
              (uint32_t)p[3] << 24) * p3;
        h = ((h << 17) | (h >> 15)) * p4;
    }
    for (; n; p++, n--) {
        h += *p * p5;
        h = ((h << 11) | (h >> 21)) * p1;
    }
    h ^= h >> 15;
    h *= p2;
    h ^= h >> 13;
    h *= p3;
    h ^= h >> 16;
    return h;
}

/* The LZ4 frame header length of @f (magic .. HC). */
static size_t lz4_header_len(const uint8_t *f)
{
    return 4 + 2 + (f[4] & 0x08 ? 8 : 0) + (f[4] & 0x01 ? 4 : 0) + 1;
}

/* Breaks the LZ4 frame header checksum of @z as Kafka before 0.10 did
 * (KAFKA-3160: XXH32 over the frame magic too). */
static void lz4_break_hc(struct kr_buf *z)
{
    size_t hl = lz4_header_len(z->data);
    /* The proper checksum is what lz4 wrote. */
    ck_assert_uint_eq(z->data[hl - 1],
                      (uint8_t)(xxh32_short(z->data + 4, hl - 5) >> 8));
    z->data[hl - 1] = (uint8_t)(xxh32_short(z->data, hl - 1) >> 8);
    ck_assert_uint_ne(z->data[hl - 1],
                      (uint8_t)(xxh32_short(z->data + 4, hl - 5) >> 8));
}

/* ---- reading ---- */

struct got {
    int64_t offset, timestamp;
    char key[32], value[32];
    int32_t key_len, value_len;
};

struct result {
    int nrec, nbatch;
    struct got rec[16];
    struct kr_batch batch[8]; /* copies, header fields only */
    krafka_err_t err;         /* the reader's, at the end */
    krafka_err_t rec_err;     /* the first record iteration error */
};

/* The first 31 bytes of a field, as a string. */
static void copy_field(char *dst, const uint8_t *p, int32_t len)
{
    size_t n = len > 0 ? (size_t)(len < 31 ? len : 31) : 0;
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
}

static void read_into(struct kr_batch_reader *rd, const void *p, size_t n,
                      struct result *res)
{
    memset(res, 0, sizeof *res);
    kr_batch_reader_reset(rd, p, n);
    struct kr_batch b;
    while (kr_batch_reader_next(rd, &b)) {
        if (res->nbatch < 8)
            res->batch[res->nbatch] = b;
        res->nbatch++;
        struct kr_record rec;
        int32_t cnt = 0;
        while (kr_batch_next_record(&b, &rec)) {
            cnt++;
            ck_assert_int_ge(rec.offset, b.BaseOffset);
            ck_assert_int_le(rec.offset, kr_batch_next_offset(&b) - 1);
            ck_assert_int_eq(rec.header_cnt, 0);
            if (res->nrec >= 16)
                continue;
            struct got *g = &res->rec[res->nrec++];
            g->offset = rec.offset;
            g->timestamp = rec.timestamp;
            g->key_len = rec.key_len;
            g->value_len = rec.value_len;
            copy_field(g->key, rec.key, rec.key_len);
            copy_field(g->value, rec.value, rec.value_len);
        }
        if (b.err && !res->rec_err)
            res->rec_err = b.err;
        if (!b.err)
            ck_assert_int_eq(cnt, b.RecordCount);
    }
    res->err = rd->err;
}

static void read_blob(const struct kr_buf *blob, bool verify, size_t maxdec,
                      struct result *res)
{
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    rd.verify_crc = verify;
    if (maxdec)
        rd.max_decompressed = maxdec;
    read_into(&rd, blob->data, blob->len, res);
    kr_batch_reader_free(&rd);
}

static void assert_got(const struct got *g, int64_t offset, int64_t ts,
                       const char *key, const char *value)
{
    ck_assert_int_eq(g->offset, offset);
    ck_assert_int_eq(g->timestamp, ts);
    if (key) {
        ck_assert_int_eq(g->key_len, (int32_t)strlen(key));
        ck_assert_str_eq(g->key, key);
    } else {
        ck_assert_int_eq(g->key_len, -1);
    }
    if (value) {
        ck_assert_int_eq(g->value_len, (int32_t)strlen(value));
        ck_assert_str_eq(g->value, value);
    } else {
        ck_assert_int_eq(g->value_len, -1);
    }
}

/* The three messages of put_three(), at @o0.. and with @ts(i) given by
 * @wrapper_ts (>= 0: all that) or their own (v1) or -1 (v0). */
static void assert_three(const struct result *res, int first, int64_t o0,
                         int magic, int64_t wrapper_ts)
{
    for (int i = 0; i < 3; i++) {
        int64_t ts = wrapper_ts >= 0 ? wrapper_ts
                     : magic == 1    ? TS + 1 + i
                                     : -1;
        static const char *keys[] = {"k0", NULL, "k2"};
        static const char *vals[] = {"v0", "v1", NULL};
        assert_got(&res->rec[first + i], o0 + i, ts, keys[i], vals[i]);
    }
}

/* ---- known answers ---- */

START_TEST(a_hand_written_v0_entry_decodes)
{
    static const uint8_t v0[] = {
        0, 0, 0, 0, 0, 0, 0, 42, /* Offset 42 */
        0, 0, 0, 16,             /* MessageSize */
        0xfd, 0x6e, 0xbd, 0xdb,  /* Crc */
        0,                       /* Magic 0 */
        0,                       /* Attributes */
        0xff, 0xff, 0xff, 0xff,  /* Key: null */
        0, 0, 0, 2, 'h', 'i',    /* Value "hi" */
    };
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_str(&blob, 42, 0, 0, 0, NULL, "hi");
    ck_assert_uint_eq(blob.len, sizeof v0);
    ck_assert(memcmp(blob.data, v0, sizeof v0) == 0);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 1);
    const struct kr_batch *b = &res.batch[0];
    ck_assert_int_eq(b->Magic, 0);
    ck_assert_int_eq(b->BaseOffset, 42);
    ck_assert_int_eq(b->LastOffsetDelta, 0);
    ck_assert_int_eq(b->RecordCount, 1);
    ck_assert_int_eq(b->BatchLength, 16);
    ck_assert_uint_eq(b->Crc, 0xfd6ebddb);
    ck_assert_int_eq(b->codec, KR_CODEC_NONE);
    ck_assert_int_eq(b->BaseTimestamp, -1);
    ck_assert_int_eq(b->PartitionLeaderEpoch, -1);
    ck_assert_int_eq(b->ProducerId, -1);
    ck_assert(!b->log_append_time && !b->is_control && !b->is_transactional);
    ck_assert_int_eq(kr_batch_next_offset(b), 43);
    ck_assert_int_eq(res.nrec, 1);
    assert_got(&res.rec[0], 42, -1, NULL, "hi");
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_hand_written_v1_entry_decodes)
{
    static const uint8_t v1[] = {
        0, 0, 0, 0, 0, 0, 0, 7,                     /* Offset 7 */
        0, 0, 0, 24,                                /* MessageSize */
        0x39, 0x26, 0x8c, 0x33,                     /* Crc */
        1,                                          /* Magic 1 */
        0,                                          /* Attributes */
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, /* Timestamp */
        0, 0, 0, 1, 'k',                            /* Key */
        0, 0, 0, 1, 'v',                            /* Value */
    };
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_str(&blob, 7, 1, 0, TS, "k", "v");
    ck_assert_uint_eq(blob.len, sizeof v1);
    ck_assert(memcmp(blob.data, v1, sizeof v1) == 0);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 1);
    ck_assert_int_eq(res.batch[0].Magic, 1);
    ck_assert_int_eq(res.batch[0].BaseTimestamp, TS);
    ck_assert(!res.batch[0].log_append_time);
    ck_assert_int_eq(res.nrec, 1);
    assert_got(&res.rec[0], 7, TS, "k", "v");
    kr_buf_free(&blob);
}
END_TEST

/* ---- uncompressed runs ---- */

START_TEST(consecutive_uncompressed_messages_are_one_batch)
{
    int magic = _i;
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_three(&blob, magic, 10);
    put_str(&blob, 13, magic, 0, TS, "", ""); /* empty, not null */
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 1);
    ck_assert_int_eq(res.batch[0].BaseOffset, 10);
    ck_assert_int_eq(res.batch[0].LastOffsetDelta, 3);
    ck_assert_int_eq(res.batch[0].RecordCount, 4);
    ck_assert_int_eq(res.batch[0].BatchLength, (int32_t)blob.len - 12);
    ck_assert_int_eq(kr_batch_next_offset(&res.batch[0]), 14);
    ck_assert_int_eq(res.nrec, 4);
    assert_three(&res, 0, 10, magic, -1);
    assert_got(&res.rec[3], 13, magic ? TS : -1, "", "");
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_run_ends_at_a_change_of_magic_timestamp_type_or_order)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_str(&blob, 1, 0, 0, 0, "a", "a"); /* batch 1: v0 */
    put_str(&blob, 2, 1, 0, TS, "b", "b"); /* batch 2: v1 CreateTime */
    put_str(&blob, 3, 1, 0, TS, "c", "c");
    put_str(&blob, 4, 1, LAT, TS + 9, "d", "d"); /* batch 3: LogAppend */
    put_str(&blob, 4, 1, LAT, TS + 9, "e", "e"); /* batch 4: not after 4 */
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 4);
    ck_assert_int_eq(res.batch[0].Magic, 0);
    ck_assert_int_eq(res.batch[1].RecordCount, 2);
    ck_assert(!res.batch[1].log_append_time);
    ck_assert(res.batch[2].log_append_time);
    ck_assert_int_eq(res.batch[3].BaseOffset, 4);
    ck_assert_int_eq(res.nrec, 5);
    assert_got(&res.rec[3], 4, TS + 9, "d", "d");
    kr_buf_free(&blob);
}
END_TEST

/* ---- compressed wrappers ---- */

static const int legacy_codecs[] = {KR_CODEC_GZIP, KR_CODEC_SNAPPY,
                                    KR_CODEC_LZ4};

/* _i: codec index * 2 + magic. */
START_TEST(a_wrapper_decodes_with_relative_or_absolute_inner_offsets)
{
    int codec = legacy_codecs[_i / 2], magic = _i % 2;
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    /* v1: relative inner offsets 0..2 and the wrapper at the last
     * absolute offset; v0: absolute inner offsets. */
    put_three(&inner, magic, magic ? 0 : 100);
    put_wrapper(&blob, 102, magic, codec, 0, TS + 3, &inner);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    struct result res;
    read_into(&rd, blob.data, blob.len, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 1);
    const struct kr_batch *b = &res.batch[0];
    ck_assert_int_eq(b->Magic, magic);
    ck_assert_int_eq(b->codec, codec);
    ck_assert_int_eq(b->BaseOffset, 100);
    ck_assert_int_eq(b->LastOffsetDelta, 2);
    ck_assert_int_eq(b->RecordCount, 3);
    ck_assert_int_eq(kr_batch_next_offset(b), 103);
    /* The records live in the reader's scratch, which a consumer steals
     * for compressed batches exactly as for v2. */
    ck_assert_uint_eq(rd.scratch.len, inner.len);
    ck_assert(memcmp(rd.scratch.data, inner.data, inner.len) == 0);
    ck_assert_int_eq(res.nrec, 3);
    assert_three(&res, 0, 100, magic, -1);
    kr_batch_reader_free(&rd);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(relative_offsets_with_gaps_map_below_the_wrapper_offset)
{
    /* A compacted v1 wrapper: relative offsets 0, 5, 9, wrapper at 59. */
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    put_str(&inner, 0, 1, 0, TS, "a", "a");
    put_str(&inner, 5, 1, 0, TS, "b", "b");
    put_str(&inner, 9, 1, 0, TS, "c", "c");
    put_wrapper(&blob, 59, 1, KR_CODEC_GZIP, 0, TS, &inner);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.batch[0].BaseOffset, 50);
    ck_assert_int_eq(kr_batch_next_offset(&res.batch[0]), 60);
    ck_assert_int_eq(res.rec[0].offset, 50);
    ck_assert_int_eq(res.rec[1].offset, 55);
    ck_assert_int_eq(res.rec[2].offset, 59);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(inner_messages_take_a_log_append_time_wrapper_timestamp)
{
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    put_three(&inner, 1, 0);
    put_wrapper(&blob, 2, 1, KR_CODEC_GZIP, LAT, TS + 77, &inner);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert(res.batch[0].log_append_time);
    ck_assert_int_eq(res.batch[0].MaxTimestamp, TS + 77);
    assert_three(&res, 0, 0, 1, TS + 77);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(raw_snappy_without_the_xerial_header_is_accepted)
{
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    put_three(&inner, 1, 0);
    size_t zlen = snappy_max_compressed_length(inner.len);
    char *z = malloc(zlen);
    ck_assert_int_eq(snappy_compress((const char *)inner.data, inner.len, z,
                                     &zlen),
                     SNAPPY_OK);
    put_msg(&blob, 2, 1, KR_CODEC_SNAPPY, TS, NULL, 0, z, zlen);
    free(z);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nrec, 3);
    assert_three(&res, 0, 0, 1, -1);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

/* A wrapper of @magic whose lz4 frame has the checksum Kafka < 0.10 wrote
 * (when @broken) or the proper one. */
static void put_lz4_wrapper(struct kr_buf *blob, int magic, bool broken)
{
    struct kr_buf inner, z;
    kr_buf_init(&inner, 0);
    kr_buf_init(&z, 0);
    put_three(&inner, magic, magic ? 0 : 100);
    ck_assert_int_eq(kr_compress(KR_CODEC_LZ4, -1, inner.data, inner.len, &z),
                     KRAFKA_ERR_NONE);
    if (broken)
        lz4_break_hc(&z);
    put_msg(blob, 102, magic, KR_CODEC_LZ4, TS, NULL, 0, z.data, z.len);
    kr_buf_free(&inner);
    kr_buf_free(&z);
}

START_TEST(v0_lz4_with_the_kafka_3160_header_checksum_is_accepted)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_lz4_wrapper(&blob, 0, true);
    put_lz4_wrapper(&blob, 0, false); /* a proper checksum is fine too */
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 2);
    ck_assert_int_eq(res.nrec, 6);
    assert_three(&res, 0, 100, 0, -1);
    assert_three(&res, 3, 100, 0, -1);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_broken_lz4_header_checksum_is_rejected_outside_v0)
{
    /* The plain decoder checks the header checksum (as v2 needs)... */
    struct kr_buf z, out;
    kr_buf_init(&z, 0);
    kr_buf_init(&out, 0);
    static const char text[] = "some text to compress, some text";
    ck_assert_int_eq(kr_compress(KR_CODEC_LZ4, -1, (const uint8_t *)text,
                                 sizeof text, &z),
                     KRAFKA_ERR_NONE);
    lz4_break_hc(&z);
    ck_assert_int_eq(kr_decompress(KR_CODEC_LZ4, z.data, z.len, 0, &out),
                     KRAFKA_ERR_LOCAL_COMPRESSION);
    ck_assert_int_eq(kr_decompress_legacy_cx(NULL, KR_CODEC_LZ4, 0, z.data,
                                             z.len, 0, &out),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(out.len, sizeof text);
    kr_buf_free(&z);
    kr_buf_free(&out);
    /* ... and so does a v1 wrapper (Kafka 0.10+ wrote it properly). */
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_lz4_wrapper(&blob, 1, true);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_COMPRESSION);
    ck_assert_int_eq(res.nbatch, 0);
    kr_buf_free(&blob);
}
END_TEST

/* ---- mixed data, truncation ---- */

/* v1 uncompressed 0..2, v1 gzip wrapper 3..5, v0 snappy wrapper 6..8,
 * then a v2 batch at 9 with two records. */
static void put_mixed(struct kr_buf *blob)
{
    struct kr_buf inner;
    kr_buf_init(&inner, 0);
    put_three(blob, 1, 0);
    put_three(&inner, 1, 0);
    put_wrapper(blob, 5, 1, KR_CODEC_GZIP, 0, TS, &inner);
    kr_buf_reset(&inner);
    put_three(&inner, 0, 6);
    put_wrapper(blob, 8, 0, KR_CODEC_SNAPPY, 0, 0, &inner);
    kr_buf_free(&inner);
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params bp = KR_BATCH_PARAMS_INIT;
    bp.base_timestamp = TS;
    size_t at = blob->len;
    ck_assert_int_eq(kr_batch_begin(&w, blob, &bp), KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_batch_append(&w, TS, "k9", 2, "v9", 2, NULL, 0), 0);
    ck_assert_int_eq(kr_batch_append(&w, TS, NULL, 0, "v10", 3, NULL, 0), 0);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_LZ4, -1), KRAFKA_ERR_NONE);
    kr_batch_writer_free(&w);
    /* BaseOffset 9 (CRC-32C does not cover it) */
    kr_buf_patch_be32(blob, at + 4, 9);
}

START_TEST(legacy_and_v2_batches_mix_in_one_blob)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_mixed(&blob);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nbatch, 4);
    ck_assert_int_eq(res.batch[0].Magic, 1);
    ck_assert_int_eq(res.batch[1].Magic, 1);
    ck_assert_int_eq(res.batch[2].Magic, 0);
    ck_assert_int_eq(res.batch[3].Magic, 2);
    ck_assert_int_eq(res.nrec, 11);
    assert_three(&res, 0, 0, 1, -1);
    assert_three(&res, 3, 3, 1, -1);
    assert_three(&res, 6, 6, 0, -1);
    assert_got(&res.rec[9], 9, TS, "k9", "v9");
    assert_got(&res.rec[10], 10, TS, NULL, "v10");
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(kr_batch_next_offset(&res.batch[i]),
                         i == 0 ? 3 : i == 1 ? 6 : i == 2 ? 9 : 11);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(every_truncation_of_a_mixed_blob_ends_partial_after_whole_entries)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_mixed(&blob);
    /* The outer entries' ends (12 + size each) and the records up to
     * each: three messages, two wrappers of three, a v2 batch of two. */
    static const int recs_upto[6] = {1, 2, 3, 6, 9, 11};
    size_t ends[6], pos = 0;
    for (int i = 0; i < 6; i++) {
        pos += 12 + kr_load_be32(blob.data + pos + 8);
        ends[i] = pos;
    }
    ck_assert_uint_eq(ends[5], blob.len);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    for (size_t n = 0; n <= blob.len; n++) {
        /* An exact-size copy, so ASan sees any read past the cut. */
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, blob.data, n);
        struct result res;
        read_into(&rd, cut, n, &res);
        free(cut);
        ck_assert_int_eq(res.rec_err, KRAFKA_ERR_NONE);
        int whole = 0;
        while (whole < 6 && ends[whole] <= n)
            whole++;
        if (n == 0 || (whole && n == ends[whole - 1]))
            ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
        else
            ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_PARTIAL);
        ck_assert_int_eq(res.nrec, whole ? recs_upto[whole - 1] : 0);
    }
    kr_batch_reader_free(&rd);
    kr_buf_free(&blob);
}
END_TEST

/* ---- corruption ---- */

START_TEST(a_bad_crc_is_reported_only_when_verifying)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_str(&blob, 0, 1, 0, TS, "k", "value");
    blob.data[blob.len - 1] ^= 1; /* a bit of the Value */
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_CRC);
    ck_assert_int_eq(res.nbatch, 0);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nrec, 1);
    ck_assert_str_eq(res.rec[0].value, "valud");
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_bad_crc_after_good_messages_ends_the_run_before_it)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_three(&blob, 0, 0);
    blob.data[blob.len - 1] ^= 1; /* the third message's Value */
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.nbatch, 1);
    ck_assert_int_eq(res.nrec, 2);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_CRC);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_bad_inner_crc_is_reported)
{
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    put_three(&inner, 1, 0);
    inner.data[37] ^= 1; /* "v0": Offset 12 + 14 + Key 6 + length 4 */
    ck_assert_uint_eq(inner.data[37], '0' ^ 1);
    put_wrapper(&blob, 2, 1, KR_CODEC_GZIP, 0, TS, &inner);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_CRC);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.nrec, 3);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

/* Rewrites the Crc of the single entry in @b after an edit. */
static void fix_crc(struct kr_buf *b)
{
    kr_buf_patch_be32(b, 12,
                      (uint32_t)crc32(0, b->data + 16, (uInt)(b->len - 16)));
}

START_TEST(message_sizes_that_lie_are_bad_or_partial)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    struct result res;
    /* Larger than the blob: a cut entry. */
    put_str(&blob, 0, 0, 0, 0, "k", "v");
    kr_buf_patch_be32(&blob, 8, 1000);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_PARTIAL);
    /* Negative. */
    kr_buf_patch_be32(&blob, 8, UINT32_MAX);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* Below the smallest message (with the bytes there). */
    for (uint32_t size = 5; size < 14; size++) {
        kr_buf_patch_be32(&blob, 8, size);
        read_blob(&blob, false, 0, &res);
        ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    }
    /* A v1 message below 22 bytes. */
    kr_buf_reset(&blob);
    put_str(&blob, 0, 1, 0, TS, NULL, NULL); /* exactly 22 */
    kr_buf_patch_be32(&blob, 8, 21);
    blob.len--;
    fix_crc(&blob);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* Bytes after the Value inside MessageSize. */
    kr_buf_reset(&blob);
    put_str(&blob, 0, 0, 0, 0, "k", "v");
    kr_buf_put_u8(&blob, 0);
    kr_buf_patch_be32(&blob, 8, (uint32_t)blob.len - 12);
    fix_crc(&blob);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* Shorter than its Value. */
    kr_buf_reset(&blob);
    put_str(&blob, 0, 0, 0, 0, "k", "value");
    kr_buf_patch_be32(&blob, 8, (uint32_t)blob.len - 12 - 2);
    blob.len -= 2;
    fix_crc(&blob);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(negative_and_overlong_key_or_value_lengths_are_bad)
{
    /* Key length at 18 (v0), Value length at 18 + 4 + 1 ("k"). */
    static const size_t at[] = {18, 23};
    static const uint32_t lens[] = {(uint32_t)-2, (uint32_t)INT32_MIN, 2,
                                    1000};
    for (int f = 0; f < 2; f++)
        for (int l = 0; l < 4; l++) {
            struct kr_buf blob;
            kr_buf_init(&blob, 0);
            put_str(&blob, 0, 0, 0, 0, "k", "v");
            kr_buf_patch_be32(&blob, at[f], lens[l]);
            fix_crc(&blob);
            struct result res;
            read_blob(&blob, true, 0, &res);
            ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
            kr_buf_free(&blob);
        }
}
END_TEST

START_TEST(bad_offsets_are_bad)
{
    struct kr_buf blob, inner;
    kr_buf_init(&blob, 0);
    kr_buf_init(&inner, 0);
    struct result res;
    put_str(&blob, -1, 0, 0, 0, "k", "v");
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_reset(&blob);
    put_str(&blob, INT64_MAX, 0, 0, 0, "k", "v"); /* no next offset */
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* Inner offsets not increasing. */
    kr_buf_reset(&blob);
    put_str(&inner, 1, 1, 0, TS, "a", "a");
    put_str(&inner, 1, 1, 0, TS, "b", "b");
    put_wrapper(&blob, 5, 1, KR_CODEC_GZIP, 0, TS, &inner);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* v1 relative offsets reaching below 0. */
    kr_buf_reset(&blob);
    kr_buf_reset(&inner);
    put_three(&inner, 1, 0);
    put_wrapper(&blob, 1, 1, KR_CODEC_GZIP, 0, TS, &inner);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* v0 inner offsets past the wrapper's. */
    kr_buf_reset(&blob);
    kr_buf_reset(&inner);
    put_three(&inner, 0, 10);
    put_wrapper(&blob, 11, 0, KR_CODEC_GZIP, 0, 0, &inner);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(nested_compression_is_bad)
{
    struct kr_buf inner, mid, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&mid, 0);
    kr_buf_init(&blob, 0);
    put_three(&inner, 1, 0);
    put_wrapper(&mid, 2, 1, KR_CODEC_GZIP, 0, TS, &inner);
    put_wrapper(&blob, 2, 1, KR_CODEC_GZIP, 0, TS, &mid);
    struct result res;
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_int_eq(res.nbatch, 0);
    kr_buf_free(&inner);
    kr_buf_free(&mid);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(bad_wrappers_are_rejected)
{
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    struct result res;
    /* A null Value. */
    put_str(&blob, 0, 1, KR_CODEC_GZIP, TS, NULL, NULL);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* No inner message. */
    kr_buf_reset(&blob);
    put_wrapper(&blob, 0, 1, KR_CODEC_GZIP, 0, TS, &inner);
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* Corrupt compressed data. */
    kr_buf_reset(&blob);
    put_str(&blob, 0, 1, KR_CODEC_LZ4, TS, NULL, "not lz4 at all");
    read_blob(&blob, true, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_COMPRESSION);
    /* A cut inner message. */
    kr_buf_reset(&blob);
    put_three(&inner, 1, 0);
    inner.len--;
    put_wrapper(&blob, 2, 1, KR_CODEC_GZIP, 0, TS, &inner);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* An inner RecordBatch v2 (magic 2). */
    kr_buf_reset(&blob);
    kr_buf_reset(&inner);
    put_str(&inner, 0, 1, 0, TS, "a", "a");
    inner.data[16] = 2;
    put_wrapper(&blob, 0, 1, KR_CODEC_GZIP, 0, TS, &inner);
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    /* zstd (4) and codecs 5-7 were never MessageSet codecs. */
    for (int c = KR_CODEC_ZSTD; c <= 7; c++) {
        kr_buf_reset(&blob);
        put_str(&blob, 0, 1, c, TS, NULL, "x");
        read_blob(&blob, true, 0, &res);
        ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION);
    }
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(a_decompression_bomb_past_the_cap_is_refused)
{
    struct kr_buf inner, blob;
    kr_buf_init(&inner, 0);
    kr_buf_init(&blob, 0);
    size_t big = 1 << 20;
    uint8_t *zeros = calloc(1, big);
    put_msg(&inner, 0, 1, 0, TS, NULL, 0, zeros, big);
    free(zeros);
    for (int c = 0; c < 3; c++) {
        kr_buf_reset(&blob);
        put_wrapper(&blob, 0, 1, legacy_codecs[c], 0, TS, &inner);
        ck_assert_uint_lt(blob.len, big / 8);
        struct result res;
        read_blob(&blob, true, 64 << 10, &res);
        ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
        read_blob(&blob, true, 2 << 20, &res);
        ck_assert_int_eq(res.err, KRAFKA_ERR_NONE);
        ck_assert_int_eq(res.nrec, 1);
    }
    kr_buf_free(&inner);
    kr_buf_free(&blob);
}
END_TEST

START_TEST(an_unknown_magic_is_unsupported)
{
    struct kr_buf blob;
    kr_buf_init(&blob, 0);
    put_str(&blob, 3, 0, 0, 0, "k", "v");
    put_str(&blob, 4, 0, 0, 0, "k", "v");
    blob.data[blob.len / 2 + 16] = 3; /* the second entry's Magic */
    struct result res;
    read_blob(&blob, false, 0, &res);
    ck_assert_int_eq(res.nbatch, 1);
    ck_assert_int_eq(res.err, KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE);
    kr_buf_free(&blob);
}
END_TEST

static Suite *legacy_suite(void)
{
    Suite *s = suite_create("legacy");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, a_hand_written_v0_entry_decodes);
    tcase_add_test(tc, a_hand_written_v1_entry_decodes);
    tcase_add_loop_test(tc, consecutive_uncompressed_messages_are_one_batch,
                        0, 2);
    tcase_add_test(tc, a_run_ends_at_a_change_of_magic_timestamp_type_or_order);
    tcase_add_loop_test(
        tc, a_wrapper_decodes_with_relative_or_absolute_inner_offsets, 0, 6);
    tcase_add_test(tc, relative_offsets_with_gaps_map_below_the_wrapper_offset);
    tcase_add_test(tc, inner_messages_take_a_log_append_time_wrapper_timestamp);
    tcase_add_test(tc, raw_snappy_without_the_xerial_header_is_accepted);
    tcase_add_test(tc, v0_lz4_with_the_kafka_3160_header_checksum_is_accepted);
    tcase_add_test(tc, a_broken_lz4_header_checksum_is_rejected_outside_v0);
    tcase_add_test(tc, legacy_and_v2_batches_mix_in_one_blob);
    tcase_add_test(
        tc, every_truncation_of_a_mixed_blob_ends_partial_after_whole_entries);
    tcase_add_test(tc, a_bad_crc_is_reported_only_when_verifying);
    tcase_add_test(tc, a_bad_crc_after_good_messages_ends_the_run_before_it);
    tcase_add_test(tc, a_bad_inner_crc_is_reported);
    tcase_add_test(tc, message_sizes_that_lie_are_bad_or_partial);
    tcase_add_test(tc, negative_and_overlong_key_or_value_lengths_are_bad);
    tcase_add_test(tc, bad_offsets_are_bad);
    tcase_add_test(tc, nested_compression_is_bad);
    tcase_add_test(tc, bad_wrappers_are_rejected);
    tcase_add_test(tc, a_decompression_bomb_past_the_cap_is_refused);
    tcase_add_test(tc, an_unknown_magic_is_unsupported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return kt_run(legacy_suite());
}
