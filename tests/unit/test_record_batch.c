/*
 * RecordBatch v2: writer -> reader round trips for every codec, a
 * hand-written known-answer batch, CRC and truncation handling, lying
 * counts and lengths, control batches, LogAppendTime, concatenated and
 * unknown-magic entries, the writer's limits, and the zigzag varint known
 * answers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_check.h"
#include "protocol/record_batch.h"
#include "util/crc32c.h"

static const int codecs[] = {KR_CODEC_NONE, KR_CODEC_GZIP, KR_CODEC_SNAPPY,
                             KR_CODEC_LZ4, KR_CODEC_ZSTD};
#define NCODECS ((int)(sizeof codecs / sizeof codecs[0]))

#define BASE_TS INT64_C(1700000000000)

/* ---- a varied set of records and their expected decoding ---- */
struct exp_rec {
    int64_t ts;
    char key[32];
    int32_t klen; /* -1 null */
    uint8_t value[400];
    int32_t vlen; /* -1 null */
    size_t hcnt;
    struct kr_record_header hdrs[3];
    char hkey[3][16];
    char hval[3][16];
};

static struct exp_rec *make_records(size_t n)
{
    struct exp_rec *r = calloc(n, sizeof *r);
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; i < n; i++) {
        struct exp_rec *e = &r[i];
        /* Deltas below and above the base, some multi-byte. */
        e->ts = BASE_TS + (int64_t)(i % 17) * 1000 - 5000;
        if (i == 3)
            e->ts = BASE_TS + (INT64_C(1) << 40);
        if (i % 5 == 0)
            e->klen = -1;
        else if (i % 7 == 0)
            e->klen = 0;
        else
            e->klen = snprintf(e->key, sizeof e->key, "key-%zu", i);
        if (i % 11 == 0)
            e->vlen = -1;
        else if (i % 13 == 0)
            e->vlen = 0;
        else
            e->vlen = (int32_t)((i * 37) % 300 + 1);
        for (int32_t k = 0; k < e->vlen; k++)
            e->value[k] = (uint8_t)("record batch "[(i + (size_t)k) % 13]);
        e->hcnt = i % 4;
        for (size_t h = 0; h < e->hcnt; h++) {
            int kl = snprintf(e->hkey[h], 16, "h%zu", h);
            e->hdrs[h].key = e->hkey[h];
            e->hdrs[h].key_len = (size_t)kl;
            if ((i + h) % 3 == 0)
                continue; /* null header value */
            int vl = snprintf(e->hval[h], 16, "v%zu-%zu", i, h);
            e->hdrs[h].value = e->hval[h];
            e->hdrs[h].value_len = (size_t)vl;
        }
    }
    return r;
}

static void append_all(struct kr_batch_writer *w, const struct exp_rec *r,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct exp_rec *e = &r[i];
        krafka_err_t err = kr_batch_append(
            w, e->ts, e->klen < 0 ? NULL : e->key,
            e->klen < 0 ? 0 : (size_t)e->klen, e->vlen < 0 ? NULL : e->value,
            e->vlen < 0 ? 0 : (size_t)e->vlen, e->hdrs, e->hcnt);
        ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    }
}

/* Writes one batch of @r into @out; returns its start offset. */
static size_t write_batch(struct kr_buf *out, const struct exp_rec *r,
                          size_t n, int codec, int level,
                          const struct kr_batch_params *p)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    size_t start = out->len;
    struct kr_batch_params def = KR_BATCH_PARAMS_INIT;
    def.base_timestamp = BASE_TS;
    ck_assert_int_eq(kr_batch_begin(&w, out, p ? p : &def), 0);
    append_all(&w, r, n);
    ck_assert_int_eq(kr_batch_finish(&w, codec, level), 0);
    kr_batch_writer_free(&w);
    return start;
}

static void check_record(const struct kr_record *rec, const struct exp_rec *e,
                         int64_t offset)
{
    ck_assert_int_eq(rec->offset, offset);
    ck_assert_int_eq(rec->timestamp, e->ts);
    ck_assert_int_eq(rec->key_len, e->klen);
    if (e->klen > 0)
        ck_assert(memcmp(rec->key, e->key, (size_t)e->klen) == 0);
    ck_assert(e->klen >= 0 || rec->key == NULL);
    ck_assert_int_eq(rec->value_len, e->vlen);
    if (e->vlen > 0)
        ck_assert(memcmp(rec->value, e->value, (size_t)e->vlen) == 0);
    ck_assert(e->vlen >= 0 || rec->value == NULL);
    ck_assert_int_eq(rec->header_cnt, (int32_t)e->hcnt);
    struct kr_header_iter it;
    struct kr_header_view h;
    kr_record_headers_begin(rec, &it);
    size_t k = 0;
    while (kr_record_headers_next(&it, &h)) {
        const struct kr_record_header *x = &e->hdrs[k++];
        ck_assert_int_eq(h.key_len, (int32_t)x->key_len);
        ck_assert(memcmp(h.key, x->key, x->key_len) == 0);
        if (!x->value) {
            ck_assert_int_eq(h.value_len, -1);
        } else {
            ck_assert_int_eq(h.value_len, (int32_t)x->value_len);
            ck_assert(memcmp(h.value, x->value, x->value_len) == 0);
        }
    }
    ck_assert_uint_eq(k, e->hcnt);
}

/* Reads every record of the next batch and compares with @r. */
static void read_batch(struct kr_batch_reader *rd, const struct exp_rec *r,
                       size_t n, int64_t base_offset, int codec)
{
    struct kr_batch b;
    ck_assert_msg(kr_batch_reader_next(rd, &b), "%s",
                  krafka_err2name(rd->err));
    ck_assert_int_eq(b.Magic, 2);
    ck_assert_int_eq(b.codec, codec);
    ck_assert_int_eq(b.RecordCount, (int32_t)n);
    ck_assert_int_eq(b.BaseOffset, base_offset);
    struct kr_record rec;
    size_t i = 0;
    while (kr_batch_next_record(&b, &rec)) {
        ck_assert_uint_lt(i, n);
        check_record(&rec, &r[i], base_offset + (int64_t)i);
        i++;
    }
    ck_assert_int_eq(b.err, KRAFKA_ERR_NONE);
    ck_assert_uint_eq(i, n);
}

/* Recomputes the CRC of a batch the test modified, as a broker would. */
static void fix_crc(uint8_t *batch, size_t len)
{
    uint32_t c = kr_crc32c(0, batch + 21, len - 21);
    batch[17] = (uint8_t)(c >> 24);
    batch[18] = (uint8_t)(c >> 16);
    batch[19] = (uint8_t)(c >> 8);
    batch[20] = (uint8_t)c;
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
    store_be32(p, (uint32_t)(v >> 32));
    store_be32(p + 4, (uint32_t)v);
}

/* Reads the whole blob: returns the number of batches and every record
 * decoded; *err is the reader's or the first batch's error. */
static int read_all(const uint8_t *p, size_t n, bool verify_crc,
                    krafka_err_t *err)
{
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    rd.verify_crc = verify_crc;
    kr_batch_reader_reset(&rd, p, n);
    struct kr_batch b;
    struct kr_record rec;
    int batches = 0;
    *err = KRAFKA_ERR_NONE;
    while (kr_batch_reader_next(&rd, &b)) {
        batches++;
        while (kr_batch_next_record(&b, &rec)) {
            /* Touch everything so ASan sees any out-of-bounds view. */
            volatile uint8_t sink = 0;
            for (int32_t k = 0; k < rec.key_len; k++)
                sink ^= rec.key[k];
            for (int32_t k = 0; k < rec.value_len; k++)
                sink ^= rec.value[k];
            for (size_t k = 0; k < rec.headers_len; k++)
                sink ^= rec.headers[k];
            (void)sink;
        }
        if (b.err && !*err)
            *err = b.err;
    }
    if (!*err)
        *err = rd.err;
    kr_batch_reader_free(&rd);
    return batches;
}

/* ---- round trips ---- */

START_TEST(every_codec_round_trips_keys_values_headers_and_timestamps)
{
    size_t n = 300;
    struct exp_rec *r = make_records(n);
    static const int levels[] = {-1, 1, 6};
    for (size_t l = 0; l < 3; l++) {
        int level = codecs[_i] == KR_CODEC_SNAPPY ? -1 : levels[l];
        struct kr_buf out;
        kr_buf_init(&out, 0);
        write_batch(&out, r, n, codecs[_i], level, NULL);
        struct kr_batch_reader rd;
        kr_batch_reader_init(&rd);
        kr_batch_reader_reset(&rd, out.data, out.len);
        read_batch(&rd, r, n, 0, codecs[_i]);
        struct kr_batch b;
        ck_assert(!kr_batch_reader_next(&rd, &b));
        ck_assert_int_eq(rd.err, KRAFKA_ERR_NONE);
        ck_assert_uint_eq(kr_batch_reader_offset(&rd), out.len);
        kr_batch_reader_free(&rd);
        kr_buf_free(&out);
    }
    free(r);
}
END_TEST

START_TEST(header_fields_are_written_as_given_and_patched_by_finish)
{
    size_t n = 20;
    struct exp_rec *r = make_records(n);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = BASE_TS;
    p.producer_id = 123456789012;
    p.producer_epoch = 7;
    p.base_sequence = 42;
    p.partition_leader_epoch = 3;
    p.transactional = true;
    int codec = codecs[_i];
    struct kr_buf out;
    kr_buf_init(&out, 0);
    kr_buf_write(&out, "pre", 3); /* the batch need not start at 0 */
    size_t start = write_batch(&out, r, n, codec, -1, &p);
    ck_assert_uint_eq(start, 3);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data + 3, out.len - 3);
    struct kr_batch b;
    ck_assert(kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(b.BaseOffset, 0);
    ck_assert_int_eq(b.BatchLength, (int32_t)(out.len - 3 - 12));
    ck_assert_int_eq(b.PartitionLeaderEpoch, 3);
    ck_assert_int_eq(b.Magic, 2);
    ck_assert_int_eq(b.Attributes, codec | 0x10);
    ck_assert_int_eq(b.LastOffsetDelta, (int32_t)n - 1);
    ck_assert_int_eq(b.BaseTimestamp, BASE_TS);
    int64_t max = INT64_MIN;
    for (size_t i = 0; i < n; i++)
        max = r[i].ts > max ? r[i].ts : max;
    ck_assert_int_eq(b.MaxTimestamp, max);
    ck_assert_int_eq(b.ProducerId, 123456789012);
    ck_assert_int_eq(b.ProducerEpoch, 7);
    ck_assert_int_eq(b.BaseSequence, 42);
    ck_assert_int_eq(b.RecordCount, (int32_t)n);
    ck_assert(b.is_transactional);
    ck_assert(!b.is_control);
    ck_assert(!b.log_append_time);
    ck_assert_int_eq(kr_batch_next_offset(&b), (int64_t)n);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

START_TEST(an_empty_batch_has_last_offset_delta_minus_one)
{
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, NULL, 0, KR_CODEC_NONE, -1, NULL);
    ck_assert_uint_eq(out.len, 61);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    struct kr_batch b;
    struct kr_record rec;
    ck_assert(kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(b.RecordCount, 0);
    ck_assert_int_eq(b.LastOffsetDelta, -1);
    ck_assert_int_eq(b.MaxTimestamp, -1);
    ck_assert(!kr_batch_next_record(&b, &rec));
    ck_assert_int_eq(b.err, KRAFKA_ERR_NONE);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
}
END_TEST

/* One record, uncompressed: key "k", value "hello", one header h=v,
 * BaseTimestamp 1700000000000, timestamp +5, no producer id. Every byte is
 * written out from the spec; the CRC was computed with an independent
 * bitwise CRC-32C (Python) over bytes 21..77. */
static const uint8_t known_batch[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* BaseOffset 0 */
    0x00, 0x00, 0x00, 0x42,                         /* BatchLength 66 */
    0xFF, 0xFF, 0xFF, 0xFF,                   /* PartitionLeaderEpoch -1 */
    0x02,                                     /* Magic 2 */
    0xC7, 0x82, 0x70, 0xAF,                   /* CRC-32C */
    0x00, 0x00,                               /* Attributes: none, create */
    0x00, 0x00, 0x00, 0x00,                   /* LastOffsetDelta 0 */
    0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, /* BaseTimestamp */
    0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x05, /* MaxTimestamp +5 */
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, /* ProducerId -1 */
    0xFF, 0xFF,                               /* ProducerEpoch -1 */
    0xFF, 0xFF, 0xFF, 0xFF,                   /* BaseSequence -1 */
    0x00, 0x00, 0x00, 0x01,                   /* RecordCount 1 */
    0x20,                                     /* length 16 (zigzag) */
    0x00,                                     /* attributes */
    0x0A,                                     /* timestampDelta 5 */
    0x00,                                     /* offsetDelta 0 */
    0x02, 'k',                                /* keyLength 1, key */
    0x0A, 'h', 'e', 'l', 'l', 'o',            /* valueLength 5, value */
    0x02,                                     /* 1 header */
    0x02, 'h',                                /* header key */
    0x02, 'v',                                /* header value */
};

START_TEST(a_hand_built_single_record_batch_matches_the_writer_and_decodes)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = BASE_TS;
    struct kr_record_header h = {"h", 1, "v", 1};
    ck_assert_int_eq(kr_batch_begin(&w, &out, &p), 0);
    ck_assert_uint_eq(kr_batch_record_size(&w, BASE_TS + 5, "k", 1, "hello", 5,
                                           &h, 1),
                      17);
    ck_assert_int_eq(
        kr_batch_append(&w, BASE_TS + 5, "k", 1, "hello", 5, &h, 1), 0);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1), 0);
    ck_assert_uint_eq(out.len, sizeof known_batch);
    for (size_t i = 0; i < sizeof known_batch; i++)
        ck_assert_msg(out.data[i] == known_batch[i],
                      "byte %zu: %02x, want %02x", i, out.data[i],
                      known_batch[i]);

    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, known_batch, sizeof known_batch);
    struct kr_batch b;
    struct kr_record rec;
    ck_assert(kr_batch_reader_next(&rd, &b));
    ck_assert(kr_batch_next_record(&b, &rec));
    ck_assert_int_eq(rec.offset, 0);
    ck_assert_int_eq(rec.timestamp, BASE_TS + 5);
    ck_assert_int_eq(rec.key_len, 1);
    ck_assert_int_eq(rec.key[0], 'k');
    ck_assert_int_eq(rec.value_len, 5);
    ck_assert(memcmp(rec.value, "hello", 5) == 0);
    struct kr_header_iter it;
    struct kr_header_view hv;
    kr_record_headers_begin(&rec, &it);
    ck_assert(kr_record_headers_next(&it, &hv));
    ck_assert(hv.key_len == 1 && hv.key[0] == 'h');
    ck_assert(hv.value_len == 1 && hv.value[0] == 'v');
    ck_assert(!kr_record_headers_next(&it, &hv));
    ck_assert(!kr_batch_next_record(&b, &rec));
    ck_assert_int_eq(b.err, 0);
    ck_assert(!kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(rd.err, 0);
    kr_batch_reader_free(&rd);
    kr_batch_writer_free(&w);
    kr_buf_free(&out);
}
END_TEST

START_TEST(large_and_negative_timestamp_deltas_round_trip)
{
    static const int64_t ts[] = {BASE_TS,        0,           -1,
                                 INT64_MAX,      INT64_MIN,   BASE_TS - 1,
                                 BASE_TS + 1000, INT32_MAX,   -BASE_TS};
    size_t n = sizeof ts / sizeof ts[0];
    struct exp_rec *r = make_records(n);
    for (size_t i = 0; i < n; i++)
        r[i].ts = ts[i];
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, KR_CODEC_NONE, -1, NULL);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    read_batch(&rd, r, n, 0, KR_CODEC_NONE);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

/* ---- integrity ---- */

START_TEST(a_corrupted_byte_after_the_magic_is_bad_crc)
{
    size_t n = 10;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, codecs[_i], -1, NULL);
    for (size_t i = 17; i < out.len; i++) {
        out.data[i] ^= 0x01;
        krafka_err_t err;
        ck_assert_int_eq(read_all(out.data, out.len, true, &err), 0);
        ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_CRC, "byte %zu: %s", i,
                      krafka_err2name(err));
        out.data[i] ^= 0x01;
    }
    krafka_err_t err;
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 1);
    ck_assert_int_eq(err, 0);
    kr_buf_free(&out);
    free(r);
}
END_TEST

START_TEST(crc_checking_can_be_turned_off)
{
    struct kr_buf out;
    kr_buf_init(&out, 0);
    kr_buf_write(&out, known_batch, sizeof known_batch);
    out.data[out.len - 1] = 'w'; /* header value "v" -> "w" */
    krafka_err_t err;
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 0);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_BAD_CRC);
    ck_assert_int_eq(read_all(out.data, out.len, false, &err), 1);
    ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    kr_buf_free(&out);
}
END_TEST

/* Two batches back to back, cut at every offset: a cut inside a batch is
 * LOCAL_PARTIAL after the complete batches before it. */
START_TEST(a_truncated_blob_is_partial_at_every_offset)
{
    size_t n = 12;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, codecs[_i], -1, NULL);
    size_t len1 = out.len;
    write_batch(&out, r, n, KR_CODEC_NONE, -1, NULL);
    for (size_t cut = 0; cut <= out.len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact: ASan sees overreads */
        memcpy(copy, out.data, cut);
        krafka_err_t err;
        int batches = read_all(copy, cut, true, &err);
        bool boundary = cut == 0 || cut == len1 || cut == out.len;
        ck_assert_int_eq(batches, cut < len1 ? 0 : cut < out.len ? 1 : 2);
        ck_assert_msg(err == (boundary ? KRAFKA_ERR_NONE
                                       : KRAFKA_ERR_LOCAL_PARTIAL),
                      "cut %zu: %s", cut, krafka_err2name(err));
        free(copy);
    }
    kr_buf_free(&out);
    free(r);
}
END_TEST

/* A batch whose BatchLength and CRC agree with a cut-short records
 * section: the records themselves are short, never read past. */
START_TEST(records_cut_short_inside_a_consistent_batch_are_bad_msg)
{
    size_t n = 12;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, codecs[_i], -1, NULL);
    for (size_t cut = 61; cut < out.len; cut++) {
        uint8_t *copy = malloc(cut);
        memcpy(copy, out.data, cut);
        store_be32(copy + 8, (uint32_t)(cut - 12)); /* BatchLength */
        fix_crc(copy, cut);
        krafka_err_t err;
        read_all(copy, cut, true, &err);
        ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_MSG ||
                          (codecs[_i] != KR_CODEC_NONE &&
                           err == KRAFKA_ERR_LOCAL_COMPRESSION),
                      "cut %zu: %s", cut, krafka_err2name(err));
        free(copy);
    }
    kr_buf_free(&out);
    free(r);
}
END_TEST

START_TEST(a_lying_record_count_is_bad_msg)
{
    size_t n = 12;
    struct exp_rec *r = make_records(n);
    static const int32_t lies[] = {13, 11, 0, -1, INT32_MAX, 1000};
    for (size_t l = 0; l < sizeof lies / sizeof lies[0]; l++) {
        struct kr_buf out;
        kr_buf_init(&out, 0);
        write_batch(&out, r, n, codecs[_i], -1, NULL);
        store_be32(out.data + 57, (uint32_t)lies[l]); /* RecordCount */
        fix_crc(out.data, out.len);
        krafka_err_t err;
        read_all(out.data, out.len, true, &err);
        ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_MSG, "count %d: %s",
                      lies[l], krafka_err2name(err));
        kr_buf_free(&out);
    }
    free(r);
}
END_TEST

START_TEST(an_offset_delta_beyond_last_offset_delta_is_bad_msg)
{
    size_t n = 12;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, KR_CODEC_NONE, -1, NULL);
    store_be32(out.data + 23, 10); /* LastOffsetDelta 10, last record 11 */
    fix_crc(out.data, out.len);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    struct kr_batch b;
    struct kr_record rec;
    ck_assert(kr_batch_reader_next(&rd, &b));
    int good = 0;
    while (kr_batch_next_record(&b, &rec))
        good++;
    ck_assert_int_eq(good, 11);
    ck_assert_int_eq(b.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

/* Wraps a hand-written records section into a valid batch header. */
static void wrap_records(struct kr_buf *out, const uint8_t *recs, size_t len,
                         int32_t count)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    kr_buf_reset(out);
    ck_assert_int_eq(kr_batch_begin(&w, out, &p), 0);
    kr_buf_write(out, recs, len);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1), 0);
    store_be32(out->data + 57, (uint32_t)count);     /* RecordCount */
    store_be32(out->data + 23, (uint32_t)count - 1); /* LastOffsetDelta */
    fix_crc(out->data, out->len);
    kr_batch_writer_free(&w);
}

START_TEST(malformed_records_are_bad_msg)
{
    static const struct {
        const char *what;
        uint8_t bytes[16];
        size_t len;
    } cases[] = {
        /* length, attr, tsDelta, offDelta, klen, [key], vlen, [v], hcnt */
        {"good", {0x10, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0}, 9},
        {"length past the end", {0x12, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0}, 9},
        {"length short of the fields",
         {0x0E, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0}, 9},
        {"bytes left inside the length",
         {0x12, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0, 0}, 10},
        {"key length -2", {0x10, 0, 0, 0, 0x03, 'k', 0x02, 'v', 0}, 9},
        {"key past the record", {0x10, 0, 0, 0, 0x08, 'k', 0x02, 'v', 0}, 9},
        {"negative length", {0x01, 0, 0, 0, 0x01, 0x01, 0}, 7},
        {"header count beyond bytes",
         {0x10, 0, 0, 0, 0x01, 0x01, 0x0A, 0x00, 0x01}, 9},
        {"negative header count", {0x0C, 0, 0, 0, 0x01, 0x01, 0x01}, 7},
        {"null header key", {0x10, 0, 0, 0, 0x01, 0x01, 0x02, 0x01, 0x01}, 9},
        {"negative offset delta", {0x0C, 0, 0, 0x01, 0x01, 0x01, 0x00}, 7},
        {"six-byte offsetDelta varint",
         {0x16, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x01, 0},
         12},
        {"varint past the end",
         {0x10, 0, 0, 0, 0x02, 'k', 0x02, 'v', 0x80}, 9},
    };
    struct kr_buf out;
    kr_buf_init(&out, 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wrap_records(&out, cases[i].bytes, cases[i].len, 1);
        krafka_err_t err;
        ck_assert_int_eq(read_all(out.data, out.len, true, &err), 1);
        ck_assert_msg(err == (i == 0 ? KRAFKA_ERR_NONE
                                     : KRAFKA_ERR_LOCAL_BAD_MSG),
                      "%s: %s", cases[i].what, krafka_err2name(err));
    }
    kr_buf_free(&out);
}
END_TEST

START_TEST(bad_header_fields_stop_the_iteration)
{
    struct kr_buf out;
    kr_buf_init(&out, 0);
    static const struct {
        size_t off;
        uint8_t v;
        krafka_err_t want;
    } cases[] = {
        {22, 0x05, KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION}, /* codec 5 */
        {22, 0x07, KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION}, /* codec 7 */
        {0, 0x80, KRAFKA_ERR_LOCAL_BAD_MSG},   /* negative BaseOffset */
        {8, 0x80, KRAFKA_ERR_LOCAL_BAD_MSG},   /* negative BatchLength */
        {23, 0xF0, KRAFKA_ERR_LOCAL_BAD_MSG},  /* LastOffsetDelta < -1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kr_buf_reset(&out);
        kr_buf_write(&out, known_batch, sizeof known_batch);
        out.data[cases[i].off] = cases[i].v;
        fix_crc(out.data, out.len);
        krafka_err_t err;
        ck_assert_int_eq(read_all(out.data, out.len, true, &err), 0);
        ck_assert_msg(err == cases[i].want, "case %zu: %s", i,
                      krafka_err2name(err));
    }
    /* BatchLength too small for a v2 header. */
    kr_buf_reset(&out);
    kr_buf_write(&out, known_batch, sizeof known_batch);
    store_be32(out.data + 8, 48);
    krafka_err_t err;
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 0);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_free(&out);
}
END_TEST

/* Looped over the compressed codecs only: "none" is not decompressed. */
START_TEST(a_decompressed_size_beyond_the_cap_is_limit_exceeded)
{
    int codec = codecs[_i];
    size_t n = 300;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, codec, -1, NULL);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    rd.max_decompressed = 1000;
    kr_batch_reader_reset(&rd, out.data, out.len);
    struct kr_batch b;
    ck_assert(!kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_uint_le(rd.scratch.cap, 1000);
    /* The same reader with a big enough cap reads it. */
    rd.max_decompressed = 1 << 20;
    kr_batch_reader_reset(&rd, out.data, out.len);
    read_batch(&rd, r, n, 0, codec);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

/* ---- batch kinds ---- */

static void write_marker(struct kr_buf *out, int16_t type, int32_t epoch)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = BASE_TS;
    p.producer_id = 77;
    p.producer_epoch = 1;
    p.transactional = true;
    p.control = true;
    uint8_t key[4] = {0, 0, 0, (uint8_t)type}; /* version 0, type */
    uint8_t val[6] = {0, 0};                   /* version 0, epoch */
    store_be32(val + 2, (uint32_t)epoch);
    ck_assert_int_eq(kr_batch_begin(&w, out, &p), 0);
    ck_assert_int_eq(kr_batch_append(&w, BASE_TS, key, 4, val, 6, NULL, 0), 0);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1), 0);
    kr_batch_writer_free(&w);
}

START_TEST(control_batches_expose_commit_and_abort_markers)
{
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_marker(&out, KR_CONTROL_COMMIT, 5);
    write_marker(&out, KR_CONTROL_ABORT, 6);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    static const int16_t want_type[] = {KR_CONTROL_COMMIT, KR_CONTROL_ABORT};
    for (int i = 0; i < 2; i++) {
        struct kr_batch b;
        struct kr_record rec;
        struct kr_control_record c;
        ck_assert(kr_batch_reader_next(&rd, &b));
        ck_assert(b.is_control);
        ck_assert(b.is_transactional);
        ck_assert_int_eq(b.Attributes, 0x30);
        ck_assert_int_eq(b.ProducerId, 77);
        ck_assert(kr_batch_next_record(&b, &rec));
        ck_assert_int_eq(kr_control_record_parse(&rec, &c), 0);
        ck_assert_int_eq(c.version, 0);
        ck_assert_int_eq(c.type, want_type[i]);
        ck_assert_int_eq(c.coordinator_epoch, 5 + i);
        ck_assert(!kr_batch_next_record(&b, &rec));
    }
    kr_batch_reader_free(&rd);

    /* A control key shorter than 4 bytes is malformed. */
    struct kr_record rec = {.key = (const uint8_t *)"\0\0\0", .key_len = 3};
    struct kr_control_record c;
    ck_assert_int_eq(kr_control_record_parse(&rec, &c),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    rec.key_len = -1;
    ck_assert_int_eq(kr_control_record_parse(&rec, &c),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_free(&out);
}
END_TEST

START_TEST(log_append_time_batches_report_max_timestamp_for_every_record)
{
    size_t n = 30;
    struct exp_rec *r = make_records(n);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = BASE_TS;
    p.log_append_time = true;
    struct kr_buf out;
    kr_buf_init(&out, 0);
    write_batch(&out, r, n, codecs[_i], -1, &p);
    /* The broker stamps MaxTimestamp with its append time. */
    int64_t append_time = BASE_TS + 99999;
    store_be64(out.data + 35, (uint64_t)append_time);
    fix_crc(out.data, out.len);
    for (size_t i = 0; i < n; i++)
        r[i].ts = append_time;
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    read_batch(&rd, r, n, 0, codecs[_i]);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

START_TEST(concatenated_batches_iterate_in_order)
{
    size_t n = 40;
    struct exp_rec *r = make_records(n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    size_t starts[NCODECS];
    for (int i = 0; i < NCODECS; i++) {
        starts[i] = write_batch(&out, r, n, codecs[i], -1, NULL);
        /* BaseOffset is outside the CRC: the broker sets it. */
        store_be64(out.data + starts[i], (uint64_t)(1000 + i * (int)n));
    }
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    for (int i = 0; i < NCODECS; i++) {
        ck_assert_uint_eq(kr_batch_reader_offset(&rd), starts[i]);
        read_batch(&rd, r, n, 1000 + i * (int)n, codecs[i]);
    }
    struct kr_batch b;
    ck_assert(!kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(rd.err, KRAFKA_ERR_NONE);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
    free(r);
}
END_TEST

START_TEST(an_entry_of_an_unknown_magic_is_reported_with_its_magic)
{
    struct kr_buf out;
    kr_buf_init(&out, 0);
    kr_buf_write(&out, known_batch, sizeof known_batch);
    /* A MessageSet v1 entry's layout with Magic 3, which no Kafka
     * has (MessageSet v0/v1 entries are read: test_legacy.c). */
    static const uint8_t v1[] = {
        0, 0, 0, 0, 0, 0, 0, 9,    /* Offset 9 */
        0, 0, 0, 23,               /* MessageSize */
        0x12, 0x34, 0x56, 0x78,    /* Crc (not checked) */
        3,                         /* Magic 3 */
        0,                         /* Attributes */
        0, 0, 0, 0, 0, 0, 0, 0,    /* Timestamp */
        0xFF, 0xFF, 0xFF, 0xFF,    /* Key: null */
        0, 0, 0, 1, 'x',           /* Value */
    };
    kr_buf_write(&out, v1, sizeof v1);
    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, out.data, out.len);
    struct kr_batch b;
    ck_assert(kr_batch_reader_next(&rd, &b));
    ck_assert(!kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE);
    ck_assert_int_eq(b.Magic, 3);
    ck_assert_int_eq(b.BaseOffset, 9);
    ck_assert_int_eq(b.BatchLength, 23);
    ck_assert_uint_eq(kr_batch_reader_offset(&rd), sizeof known_batch);
    /* Sticky. */
    ck_assert(!kr_batch_reader_next(&rd, &b));
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE);
    kr_batch_reader_free(&rd);
    kr_buf_free(&out);
}
END_TEST

/* ---- writer contract ---- */

START_TEST(the_writer_refuses_bad_arguments_and_calls_out_of_order)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", 1, NULL, 0),
                     KRAFKA_ERR_LOCAL_STATE);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1),
                     KRAFKA_ERR_LOCAL_STATE);
    ck_assert_int_eq(kr_batch_begin(&w, &out, &p), 0);
    ck_assert_int_eq(kr_batch_append(&w, 0, NULL, 1, "v", 1, NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, NULL, 3, NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", (size_t)INT32_MAX + 1,
                                     NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    struct kr_record_header bad = {NULL, 2, "v", 1};
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", 1, &bad, 1),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", 1, NULL, 2),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_uint_eq(kr_batch_size_estimate(&w), 61);
    ck_assert_int_eq(kr_batch_finish(&w, 9, -1),
                     KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_GZIP, 42),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    /* Still open after a failed finish. */
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", 1, NULL, 0), 0);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1), 0);
    ck_assert_int_eq(kr_batch_append(&w, 0, "k", 1, "v", 1, NULL, 0),
                     KRAFKA_ERR_LOCAL_STATE);
    krafka_err_t err;
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 1);
    ck_assert_int_eq(err, 0);
    kr_batch_writer_free(&w);
    kr_buf_free(&out);
}
END_TEST

START_TEST(a_full_buffer_refuses_the_record_and_keeps_the_batch)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_buf out;
    kr_buf_init(&out, 200);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    ck_assert_int_eq(kr_batch_begin(&w, &out, &p), 0);
    uint8_t v[50] = {0};
    int ok = 0;
    krafka_err_t err;
    while ((err = kr_batch_append(&w, 0, "k", 1, v, sizeof v, NULL, 0)) == 0)
        ok++;
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_int_eq(ok, 2);
    ck_assert_int_eq(out.err, KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1), 0);
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 1);
    ck_assert_int_eq(err, 0);
    /* No room for even a header. */
    struct kr_buf tiny;
    kr_buf_init(&tiny, 60);
    ck_assert_int_eq(kr_batch_begin(&w, &tiny, &p),
                     KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_int_eq(tiny.err, KRAFKA_ERR_NONE);
    kr_buf_free(&tiny);
    kr_batch_writer_free(&w);
    kr_buf_free(&out);
}
END_TEST

START_TEST(record_size_predicts_exactly_what_append_writes)
{
    size_t n = 200;
    struct exp_rec *r = make_records(n);
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = BASE_TS;
    ck_assert_int_eq(kr_batch_begin(&w, &out, &p), 0);
    for (size_t i = 0; i < n; i++) {
        const struct exp_rec *e = &r[i];
        const void *k = e->klen < 0 ? NULL : e->key;
        const void *v = e->vlen < 0 ? NULL : e->value;
        size_t kl = e->klen < 0 ? 0 : (size_t)e->klen;
        size_t vl = e->vlen < 0 ? 0 : (size_t)e->vlen;
        size_t want = kr_batch_record_size(&w, e->ts, k, kl, v, vl, e->hdrs,
                                           e->hcnt);
        size_t before = kr_batch_size_estimate(&w);
        ck_assert_int_eq(
            kr_batch_append(&w, e->ts, k, kl, v, vl, e->hdrs, e->hcnt), 0);
        ck_assert_uint_eq(kr_batch_size_estimate(&w) - before, want);
    }
    ck_assert_int_eq(kr_batch_record_count(&w), (int32_t)n);
    ck_assert_uint_eq(kr_batch_record_size(&w, 0, NULL, 5, NULL, 0, NULL, 0),
                      SIZE_MAX);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_LZ4, -1), 0);
    /* The writer (and its scratch) is reused for a second batch. */
    ck_assert_int_eq(kr_batch_begin(&w, &out, &p), 0);
    append_all(&w, r, n);
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_ZSTD, -1), 0);
    krafka_err_t err;
    ck_assert_int_eq(read_all(out.data, out.len, true, &err), 2);
    ck_assert_int_eq(err, 0);
    kr_batch_writer_free(&w);
    kr_buf_free(&out);
    free(r);
}
END_TEST

/* ---- zigzag varints (the record fields' encoding) ---- */

START_TEST(zigzag_varints_match_the_known_answers)
{
    static const struct {
        int64_t v;
        uint8_t bytes[10];
        size_t len;
        bool is_long; /* only representable as a varlong */
    } kat[] = {
        {0, {0x00}, 1, false},
        {-1, {0x01}, 1, false},
        {1, {0x02}, 1, false},
        {63, {0x7E}, 1, false},
        {-64, {0x7F}, 1, false},
        {64, {0x80, 0x01}, 2, false},
        {8192, {0x80, 0x80, 0x01}, 3, false},
        {INT32_MAX, {0xFE, 0xFF, 0xFF, 0xFF, 0x0F}, 5, false},
        {INT32_MIN, {0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 5, false},
        {INT64_MAX,
         {0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},
         10,
         true},
        {INT64_MIN,
         {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},
         10,
         true},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        struct kr_buf b;
        kr_buf_init(&b, 0);
        kr_buf_put_varint(&b, kat[i].v);
        ck_assert_uint_eq(b.len, kat[i].len);
        ck_assert(memcmp(b.data, kat[i].bytes, kat[i].len) == 0);
        ck_assert_uint_eq(kr_varint_size(kat[i].v), kat[i].len);
        struct kr_rd rd;
        kr_rd_init(&rd, kat[i].bytes, kat[i].len);
        ck_assert_int_eq(kr_rd_varlong(&rd), kat[i].v);
        ck_assert_int_eq(rd.err, 0);
        ck_assert_uint_eq(kr_rd_left(&rd), 0);
        if (!kat[i].is_long) {
            kr_rd_init(&rd, kat[i].bytes, kat[i].len);
            ck_assert_int_eq(kr_rd_varint(&rd), kat[i].v);
            ck_assert_int_eq(rd.err, 0);
        }
        kr_buf_free(&b);
    }
}
END_TEST

START_TEST(overlong_varints_are_rejected)
{
    static const uint8_t six[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    struct kr_rd rd;
    kr_rd_init(&rd, six, sizeof six);
    (void)kr_rd_varint(&rd);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_BAD_MSG);
    static const uint8_t eleven[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    kr_rd_init(&rd, eleven, sizeof eleven);
    (void)kr_rd_varlong(&rd);
    ck_assert_int_eq(rd.err, KRAFKA_ERR_LOCAL_BAD_MSG);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record_batch");
    TCase *tc = tcase_create("record_batch");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(
        tc, every_codec_round_trips_keys_values_headers_and_timestamps, 0,
        NCODECS);
    tcase_add_loop_test(
        tc, header_fields_are_written_as_given_and_patched_by_finish, 0,
        NCODECS);
    tcase_add_test(tc, an_empty_batch_has_last_offset_delta_minus_one);
    tcase_add_test(
        tc, a_hand_built_single_record_batch_matches_the_writer_and_decodes);
    tcase_add_test(tc, large_and_negative_timestamp_deltas_round_trip);
    tcase_add_loop_test(
        tc, a_corrupted_byte_after_the_magic_is_bad_crc, 0, NCODECS);
    tcase_add_test(tc, crc_checking_can_be_turned_off);
    tcase_add_loop_test(
        tc, a_truncated_blob_is_partial_at_every_offset, 0, NCODECS);
    tcase_add_loop_test(
        tc, records_cut_short_inside_a_consistent_batch_are_bad_msg, 0,
        NCODECS);
    tcase_add_loop_test(tc, a_lying_record_count_is_bad_msg, 0, NCODECS);
    tcase_add_test(tc, an_offset_delta_beyond_last_offset_delta_is_bad_msg);
    tcase_add_test(tc, malformed_records_are_bad_msg);
    tcase_add_test(tc, bad_header_fields_stop_the_iteration);
    tcase_add_loop_test(
        tc, a_decompressed_size_beyond_the_cap_is_limit_exceeded, 1, NCODECS);
    tcase_add_test(tc, control_batches_expose_commit_and_abort_markers);
    tcase_add_loop_test(
        tc, log_append_time_batches_report_max_timestamp_for_every_record, 0,
        NCODECS);
    tcase_add_test(tc, concatenated_batches_iterate_in_order);
    tcase_add_test(tc, an_entry_of_an_unknown_magic_is_reported_with_its_magic);
    tcase_add_test(tc, the_writer_refuses_bad_arguments_and_calls_out_of_order);
    tcase_add_test(tc, a_full_buffer_refuses_the_record_and_keeps_the_batch);
    tcase_add_test(tc, record_size_predicts_exactly_what_append_writes);
    tcase_add_test(tc, zigzag_varints_match_the_known_answers);
    tcase_add_test(tc, overlong_varints_are_rejected);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
