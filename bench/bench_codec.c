/*
 * Codec benchmark: RecordBatch v2 encode and decode with every compression
 * codec, CRC-32C (hardware and software) and memcpy for comparison.
 *
 *   taskset -c 1 build/bench/bench_codec [--no-keys] [seconds-per-row [filter]]
 *
 * filter: run only the rows whose label (e.g. "encode-lz4-100-16384",
 * "crc32c_hw", "memcpy") contains it.
 *
 * Records have 10-byte keys (--no-keys: null keys, as krafka-perf sends
 * without -k) and 100-byte or 1 KiB text-like values (about 3x
 * compressible). Encode: records appended into batches of 16 KiB or
 * 1 MiB (batch.size-like; the batch is finished when the next record might
 * not fit), then finished with the codec. Decode: a blob of such batches
 * iterated with CRC checks on, every key and value touched. GB/s counts
 * key + value bytes (10^9 bytes per second); for CRC and memcpy, buffer
 * bytes. One table line and one JSON line per row.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "protocol/compress.h"
#include "protocol/record_batch.h"
#include "util/crc32c.h"
#include "valuegen.h"

#define KEY_LEN 10
/* Distinct values: 2 MiB of them, more than a 1 MiB batch holds (so no
 * value repeats inside a batch) yet mostly cache-resident, as values an
 * application just produced would be. */
#define POOL_BYTES ((size_t)2 << 20)
#define POOL 32768 /* keys; >= POOL_BYTES / smallest value */

static double row_seconds = 0.5;
static size_t key_len = KEY_LEN; /* 0: null keys (--no-keys) */
static const char *row_filter = "";
static volatile uint32_t bench_sink; /* keeps results alive */

static bool selected(const char *bench, const char *codec, size_t vsize,
                     size_t batch)
{
    char label[96];
    if (codec)
        snprintf(label, sizeof label, "%s-%s-%zu-%zu", bench, codec, vsize,
                 batch);
    else
        snprintf(label, sizeof label, "%s", bench);
    return strstr(label, row_filter) != NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The shared benchmark values (valuegen.h), POOL_BYTES of them. */
static uint8_t *make_values(size_t vsize)
{
    size_t total = POOL_BYTES / vsize * vsize;
    uint8_t *v = malloc(total);
    if (!v)
        exit(1);
    vg_fill(v, total);
    return v;
}

static void make_keys(char keys[POOL][KEY_LEN + 1])
{
    for (unsigned i = 0; i < POOL; i++)
        snprintf(keys[i], KEY_LEN + 1, "key-%06u", i);
}

struct result {
    double records, bytes, out_bytes, secs;
};

static void print_row(const char *bench, const char *codec, size_t vsize,
                      size_t batch, const struct result *r)
{
    double rps = r->records / r->secs, gbps = r->bytes / r->secs / 1e9;
    double ratio = r->out_bytes > 0 ? r->bytes / r->out_bytes : 0;
    printf("%-9s %-7s %6zu %8zu %14.0f %8.3f %7.2f\n", bench, codec, vsize,
           batch, rps, gbps, ratio);
    printf("{\"bench\":\"%s\",\"codec\":\"%s\",\"value_size\":%zu,"
           "\"batch_size\":%zu,\"key_size\":%zu,\"records_per_s\":%.0f,"
           "\"gb_per_s\":%.4f,\"ratio\":%.3f}\n",
           bench, codec, vsize, batch, key_len, rps, gbps, ratio);
}

/* Fills one batch into @out; returns the number of records. */
static size_t fill_batch(struct kr_batch_writer *w, struct kr_buf *out,
                         const uint8_t *values, size_t vsize,
                         char keys[POOL][KEY_LEN + 1], size_t batch,
                         size_t *next, int codec)
{
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = 1700000000000;
    size_t worst = vsize + key_len + 24; /* record upper bound */
    size_t n = 0;
    if (kr_batch_begin(w, out, &p))
        exit(1);
    while (kr_batch_size_estimate(w) + worst <= batch) {
        size_t i = (*next)++ % (POOL_BYTES / vsize);
        if (kr_batch_append(w, p.base_timestamp + (int64_t)(n & 1023),
                            key_len ? keys[i] : NULL, key_len,
                            values + i * vsize, vsize,
                            NULL, 0))
            exit(1);
        n++;
    }
    if (kr_batch_finish(w, codec, -1))
        exit(1);
    return n;
}

static void bench_encode(int codec, size_t vsize, size_t batch,
                         const uint8_t *values, char keys[POOL][KEY_LEN + 1])
{
    if (!selected("encode", kr_codec_name(codec), vsize, batch))
        return;
    struct kr_batch_writer w;
    struct kr_buf out;
    kr_batch_writer_init(&w);
    kr_buf_init(&out, 0);
    struct result r = {0};
    size_t next = 0;
    double t0 = now(), t;
    do {
        kr_buf_reset(&out);
        size_t n = fill_batch(&w, &out, values, vsize, keys, batch, &next,
                              codec);
        r.records += (double)n;
        r.bytes += (double)(n * (key_len + vsize));
        r.out_bytes += (double)out.len;
        t = now();
    } while (t - t0 < row_seconds);
    r.secs = t - t0;
    print_row("encode", kr_codec_name(codec), vsize, batch, &r);
    kr_buf_free(&out);
    kr_batch_writer_free(&w);
}

/* Iterates every record of @blob, touching keys and values. */
static size_t decode_blob(struct kr_batch_reader *rd, const struct kr_buf *blob,
                          uint64_t *sum)
{
    struct kr_batch b;
    struct kr_record rec;
    size_t n = 0;
    kr_batch_reader_reset(rd, blob->data, blob->len);
    while (kr_batch_reader_next(rd, &b)) {
        while (kr_batch_next_record(&b, &rec)) {
            *sum += (uint64_t)rec.key[0] + rec.value[0] +
                    rec.value[rec.value_len - 1] + (uint64_t)rec.offset;
            n++;
        }
        if (b.err)
            exit(2);
    }
    if (rd->err)
        exit(2);
    return n;
}

static void bench_decode(int codec, size_t vsize, size_t batch,
                         const uint8_t *values, char keys[POOL][KEY_LEN + 1])
{
    if (!selected("decode", kr_codec_name(codec), vsize, batch))
        return;
    /* A blob of about 32 MiB of records (at least 8 batches). */
    struct kr_batch_writer w;
    struct kr_buf blob;
    kr_batch_writer_init(&w);
    kr_buf_init(&blob, 0);
    size_t next = 0, per_blob = 0, target = (size_t)32 << 20;
    for (int i = 0; i < 8 || per_blob * (key_len + vsize) < target; i++)
        per_blob += fill_batch(&w, &blob, values, vsize, keys, batch, &next,
                               codec);
    kr_batch_writer_free(&w);

    struct kr_batch_reader rd;
    kr_batch_reader_init(&rd);
    struct result r = {0};
    uint64_t sum = 0;
    double t0 = now(), t;
    do {
        r.records += (double)decode_blob(&rd, &blob, &sum);
        r.out_bytes += (double)blob.len;
        t = now();
    } while (t - t0 < row_seconds);
    r.secs = t - t0;
    r.bytes = r.records * (double)(key_len + vsize);
    if (sum == 42)
        puts(""); /* keeps the touches */
    print_row("decode", kr_codec_name(codec), vsize, batch, &r);
    kr_batch_reader_free(&rd);
    kr_buf_free(&blob);
}

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

static void bench_buffer(const char *name, crc_fn fn, const uint8_t *src,
                         uint8_t *dst, size_t len)
{
    if (!selected(name, NULL, 0, 0))
        return;
    struct result r = {0};
    double t0 = now(), t;
    do {
        for (int i = 0; i < 16; i++) {
            if (fn) {
                bench_sink ^= fn(0, src, len);
            } else {
                memcpy(dst, src, len);
                bench_sink ^= dst[i];
            }
            r.bytes += (double)len;
        }
        t = now();
    } while (t - t0 < row_seconds);
    r.secs = t - t0;
    print_row(name, "-", 0, len, &r);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--no-keys") == 0) {
        key_len = 0;
        argv++;
        argc--;
    }
    if (argc > 1) {
        char *end;
        row_seconds = strtod(argv[1], &end);
        if (*end || row_seconds <= 0) {
            fprintf(stderr,
                    "usage: %s [--no-keys] [seconds-per-row [filter]]\n",
                    argv[0]);
            return 2;
        }
    }
    if (argc > 2)
        row_filter = argv[2];
    static char keys[POOL][KEY_LEN + 1];
    make_keys(keys);
    static const int codecs[] = {KR_CODEC_NONE, KR_CODEC_LZ4, KR_CODEC_ZSTD,
                                 KR_CODEC_GZIP, KR_CODEC_SNAPPY};
    static const size_t vsizes[] = {100, 1024};
    static const size_t batches[] = {16 << 10, 1 << 20};
    printf("%-9s %-7s %6s %8s %14s %8s %7s\n", "bench", "codec", "value",
           "batch", "records/s", "GB/s", "ratio");
    for (size_t v = 0; v < 2; v++) {
        uint8_t *values = make_values(vsizes[v]);
        for (size_t c = 0; c < 5; c++)
            for (size_t b = 0; b < 2; b++) {
                bench_encode(codecs[c], vsizes[v], batches[b], values, keys);
                bench_decode(codecs[c], vsizes[v], batches[b], values, keys);
            }
        free(values);
    }
    size_t len = (size_t)1 << 20;
    uint8_t *src = malloc(len), *dst = malloc(len);
    if (!src || !dst)
        return 1;
    uint64_t x = 7;
    for (size_t i = 0; i < len; i++)
        src[i] = (uint8_t)vg_xorshift(&x);
    memset(dst, 0, len);
    if (kr_crc32c_hw_available())
        bench_buffer("crc32c_hw", kr_crc32c_hw, src, dst, len);
    bench_buffer("crc32c_sw", kr_crc32c_sw, src, dst, len);
    bench_buffer("memcpy", NULL, src, dst, len);
    free(src);
    free(dst);
    return 0;
}
