/* Seeds for fuzz_record_batch and fuzz_decompress, from the writers (and
 * a MessageSet v0/v1 writer). */
#include <stdio.h>
#include <zlib.h>

#include "protocol/record_batch.h"
#include "seeds.h"

static krafka_err_t write_batch(struct kr_batch_writer *w, struct kr_buf *out,
                                int codec, bool control, int64_t ts)
{
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = ts;
    p.control = control;
    p.producer_id = control ? 7 : -1;
    p.producer_epoch = control ? 0 : -1;
    p.transactional = control;
    krafka_err_t err = kr_batch_begin(w, out, &p);
    static const struct kr_record_header hdrs[] = {
        {"trace", 5, "00-abc-def-01", 13}, {"empty", 5, NULL, 0}};
    static const uint8_t marker_key[] = {0, 0, 0, 1}; /* v0, COMMIT */
    static const uint8_t marker_val[] = {0, 0, 0, 0, 0, 5};
    if (control) {
        if (!err)
            err = kr_batch_append(w, ts, marker_key, 4, marker_val, 6, NULL,
                                  0);
        return err ? err : kr_batch_finish(w, 0, -1);
    }
    for (int i = 0; i < 3 && !err; i++) {
        char val[64];
        int vl = snprintf(val, sizeof val, "{\"n\":%d,\"msg\":\"hello\"}", i);
        err = kr_batch_append(w, ts + i, i == 1 ? NULL : "key", i == 1 ? 0 : 3,
                              val, (size_t)vl, hdrs, i == 2 ? 2 : 0);
    }
    return err ? err : kr_batch_finish(w, codec, -1);
}

/* A MessageSet v0/v1 message (test_legacy.c has the same writer). */
static void put_msg(struct kr_buf *b, int64_t offset, int magic, int attrs,
                    const void *key, size_t klen, const void *value,
                    size_t vlen)
{
    kr_buf_put_be64(b, (uint64_t)offset);
    size_t size_at = b->len;
    kr_buf_put_be32(b, 0); /* MessageSize, patched below */
    kr_buf_put_be32(b, 0); /* Crc, patched below */
    kr_buf_put_u8(b, (uint8_t)magic);
    kr_buf_put_u8(b, (uint8_t)attrs);
    if (magic == 1)
        kr_buf_put_be64(b, (uint64_t)1700000000000 + (uint64_t)offset);
    kr_buf_put_be32(b, key ? (uint32_t)klen : UINT32_MAX);
    if (key)
        kr_buf_write(b, key, klen);
    kr_buf_put_be32(b, value ? (uint32_t)vlen : UINT32_MAX);
    if (value)
        kr_buf_write(b, value, vlen);
    size_t crc_at = size_at + 4;
    kr_buf_patch_be32(b, size_at, (uint32_t)(b->len - crc_at));
    kr_buf_patch_be32(b, crc_at,
                      (uint32_t)crc32(0, b->data + crc_at + 4,
                                      (uInt)(b->len - crc_at - 4)));
}

/* Three messages at @o0.. (relative 0..2 inside a v1 wrapper). */
static void put_three(struct kr_buf *b, int magic, int64_t o0)
{
    put_msg(b, o0, magic, 0, "key", 3, "{\"n\":0}", 7);
    put_msg(b, o0 + 1, magic, 0, NULL, 0, "{\"n\":1}", 7);
    put_msg(b, o0 + 2, magic, 0, "key", 3, NULL, 0);
}

/* MessageSet v0/v1 seeds: uncompressed runs, a wrapper per codec and
 * magic, and v1 data followed by a v2 batch. */
static int legacy_seeds(const char *dir, kr_seed_write_fn write_seed,
                        struct kr_batch_writer *w)
{
    struct kr_buf out, inner, z;
    kr_buf_init(&out, 0);
    kr_buf_init(&inner, 0);
    kr_buf_init(&z, 0);
    char name[64];
    int rc = 0;
    for (int magic = 0; magic <= 1 && !rc; magic++) {
        kr_buf_reset(&out);
        put_three(&out, magic, 5);
        uint8_t mode = (uint8_t)magic;
        snprintf(name, sizeof name, "legacy-v%d-run", magic);
        rc = write_seed(dir, name, &mode, 1, out.data, out.len);
        for (int codec = 1; codec <= 3 && !rc; codec++) {
            kr_buf_reset(&out);
            kr_buf_reset(&inner);
            kr_buf_reset(&z);
            put_three(&inner, magic, magic ? 0 : 10);
            rc = kr_compress(codec, -1, inner.data, inner.len, &z);
            put_msg(&out, 12, magic, codec | (magic ? 0x08 : 0), NULL, 0,
                    z.data, z.len);
            snprintf(name, sizeof name, "legacy-v%d-%s", magic,
                     kr_codec_name(codec));
            if (!rc)
                rc = write_seed(dir, name, &mode, 1, out.data, out.len);
        }
    }
    if (!rc) {
        kr_buf_reset(&out);
        put_three(&out, 1, 0);
        size_t at = out.len;
        rc = write_batch(w, &out, KR_CODEC_NONE, false, 1700000003000);
        /* the v2 batch's BaseOffset: 3 (not under its CRC) */
        kr_buf_patch_be32(&out, at + 4, 3);
        uint8_t mode = 1;
        if (!rc)
            rc = write_seed(dir, "legacy-v1-then-v2", &mode, 1, out.data,
                            out.len);
    }
    kr_buf_free(&out);
    kr_buf_free(&inner);
    kr_buf_free(&z);
    return rc;
}

int kr_gen_extra_seeds(const char *base, kr_seed_write_fn write_seed,
                       kr_seed_mkdirs_fn mkdirs)
{
    char dir[4096], ddir[4096];
    if (mkdirs(base, "fuzz_record_batch", dir, sizeof dir) ||
        mkdirs(base, "fuzz_decompress", ddir, sizeof ddir))
        return -1;
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    for (int codec = 0; codec <= 4; codec++) {
        struct kr_buf out;
        kr_buf_init(&out, 0);
        if (write_batch(&w, &out, codec, false, 1700000000000) ||
            write_batch(&w, &out, codec, false, 1700000001000))
            return -1;
        char name[64];
        for (uint8_t mode = 0; mode < 2; mode++) {
            snprintf(name, sizeof name, "two-batches-%s-mode%d",
                     kr_codec_name(codec), mode);
            if (write_seed(dir, name, &mode, 1, out.data, out.len))
                return -1;
        }
        if (codec > 0) {
            /* the compressed records section alone, for fuzz_decompress */
            uint8_t pre = (uint8_t)(codec - 1);
            snprintf(name, sizeof name, "%s", kr_codec_name(codec));
            struct kr_buf c;
            kr_buf_init(&c, 0);
            static const char text[] = "a compressible text, a compressible "
                                       "text, a compressible text";
            if (kr_compress(codec, -1, (const uint8_t *)text, sizeof text,
                            &c) ||
                write_seed(ddir, name, &pre, 1, c.data, c.len))
                return -1;
            kr_buf_free(&c);
        }
        kr_buf_free(&out);
    }
    struct kr_buf ctl;
    kr_buf_init(&ctl, 0);
    uint8_t mode = 1;
    if (write_batch(&w, &ctl, 0, true, 1700000002000) ||
        write_seed(dir, "control-commit", &mode, 1, ctl.data, ctl.len))
        return -1;
    kr_buf_free(&ctl);
    if (legacy_seeds(dir, write_seed, &w))
        return -1;
    kr_batch_writer_free(&w);
    printf("fuzz_record_batch: 20 seeds, fuzz_decompress: 4 seeds\n");
    return 0;
}
