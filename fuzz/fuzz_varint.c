/*
 * libFuzzer target: the varint readers. Reads varints, varlongs and
 * unsigned varints as byte 0 directs, and checks each value re-encodes to
 * something that decodes to the same value, in the canonical length.
 */
#include <stdint.h>
#include <stdlib.h>

#include "protocol/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_signed(int64_t v, bool wide)
{
    struct kr_buf b;
    kr_buf_init(&b, 64);
    kr_buf_put_varint(&b, v);
    struct kr_rd rd;
    kr_rd_init(&rd, b.data, b.len);
    int64_t back = wide ? kr_rd_varlong(&rd) : kr_rd_varint(&rd);
    if (rd.err || back != v || b.len != kr_varint_size(v) ||
        rd.pos != rd.end)
        __builtin_trap();
    kr_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct kr_rd rd;
    kr_rd_init(&rd, data + 1, size - 1);
    uint8_t mode = data[0];
    for (int i = 0; kr_rd_left(&rd) > 0 && !rd.err; i++) {
        switch ((mode >> (i % 4 * 2)) & 3) {
        case 0: {
            int32_t v = kr_rd_varint(&rd);
            if (!rd.err)
                check_signed(v, false);
            break;
        }
        case 1: {
            int64_t v = kr_rd_varlong(&rd);
            if (!rd.err)
                check_signed(v, true);
            break;
        }
        case 2: {
            uint32_t v = kr_rd_uvarint(&rd);
            if (!rd.err && kr_uvarint_size(v) > 5)
                __builtin_trap();
            break;
        }
        default:
            kr_rd_take(&rd, 1);
        }
    }
    if (rd.err && rd.err != KRAFKA_ERR_LOCAL_BAD_MSG)
        __builtin_trap();
    return 0;
}
