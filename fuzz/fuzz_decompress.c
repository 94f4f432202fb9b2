/*
 * libFuzzer target: every decompressor on its own, with a small output cap.
 * Byte 0 picks the codec (gzip, snappy raw or xerial, lz4 frame, zstd).
 * Output never exceeds the cap; corrupt input is an error, not a crash.
 */
#include <stdint.h>
#include <stdlib.h>

#include "protocol/compress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int codec = 1 + data[0] % 4;
    size_t cap = 1 << 20;
    size_t n = size - 1;
    uint8_t *in = malloc(n ? n : 1);
    memcpy(in, data + 1, n);
    struct kr_buf out;
    kr_buf_init(&out, 0);
    krafka_err_t err = kr_decompress(codec, in, n, cap, &out);
    if (out.len > cap || out.cap > cap + 4096)
        __builtin_trap(); /* the cap is the cap */
    if (err == KRAFKA_ERR_NONE) {
        /* what decompressed must compress and come back the same */
        struct kr_buf c, back;
        kr_buf_init(&c, 0);
        kr_buf_init(&back, 0);
        if (kr_compress(codec, -1, out.data, out.len, &c) != KRAFKA_ERR_NONE ||
            kr_decompress(codec, c.data, c.len, cap, &back) !=
                KRAFKA_ERR_NONE ||
            back.len != out.len ||
            (out.len && memcmp(back.data, out.data, out.len) != 0))
            __builtin_trap();
        kr_buf_free(&c);
        kr_buf_free(&back);
    }
    kr_buf_free(&out);
    free(in);
    return 0;
}
