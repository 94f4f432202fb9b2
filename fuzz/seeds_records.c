/* Seeds for fuzz_record_batch and fuzz_decompress, from the writers. */
#include <stdio.h>

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
    kr_batch_writer_free(&w);
    printf("fuzz_record_batch: 11 seeds, fuzz_decompress: 4 seeds\n");
    return 0;
}
