/*
 * libFuzzer target: RecordBatch v2 decoding, decompression with every codec
 * included, and the record and header parsers.
 *
 * Byte 0 is a mode: bit 0 fixes up the CRC of every batch before reading
 * (structure-aware: plain mutation would almost never pass the CRC, so it
 * would never reach the record parser or the decompressors); bit 1 turns
 * CRC checking off. The rest is a Records blob as a Fetch response holds.
 */
#include <stdint.h>
#include <stdlib.h>

#include "protocol/record_batch.h"
#include "util/crc32c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Patches each batch's CRC (offset 17, over Attributes..end) in place. */
static void fix_crcs(uint8_t *p, size_t n)
{
    size_t off = 0;
    while (n - off >= KR_BATCH_HEADER_LEN) {
        uint32_t blen = kr_load_be32(p + off + 8);
        size_t total = (size_t)blen + KR_BATCH_LOG_OVERHEAD;
        if (blen < KR_BATCH_HEADER_LEN - KR_BATCH_LOG_OVERHEAD ||
            total > n - off)
            return;
        uint32_t crc = kr_crc32c(0, p + off + 21, total - 21);
        p[off + 17] = (uint8_t)(crc >> 24);
        p[off + 18] = (uint8_t)(crc >> 16);
        p[off + 19] = (uint8_t)(crc >> 8);
        p[off + 20] = (uint8_t)crc;
        off += total;
    }
}

static void read_records(struct kr_batch *b)
{
    struct kr_record rec;
    int64_t prev = INT64_MIN;
    while (kr_batch_next_record(b, &rec)) {
        /* offsets stay within the batch's declared span */
        if (rec.offset < b->BaseOffset ||
            rec.offset > b->BaseOffset + b->LastOffsetDelta)
            __builtin_trap();
        (void)prev;
        prev = rec.offset;
        struct kr_header_iter it;
        struct kr_header_view h;
        int32_t n = 0;
        kr_record_headers_begin(&rec, &it);
        while (kr_record_headers_next(&it, &h))
            n++;
        if (n != rec.header_cnt)
            __builtin_trap(); /* validated headers must iterate fully */
        if (b->is_control) {
            struct kr_control_record c;
            kr_control_record_parse(&rec, &c);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t n = size - 1;
    uint8_t *blob = malloc(n ? n : 1); /* exact size: ASan sees overreads */
    memcpy(blob, data + 1, n);
    if (data[0] & 1)
        fix_crcs(blob, n);
    struct kr_batch_reader r;
    kr_batch_reader_init(&r);
    r.verify_crc = !(data[0] & 2);
    r.max_decompressed = 4 << 20; /* keep bombs cheap to detect */
    kr_batch_reader_reset(&r, blob, n);
    struct kr_batch b;
    while (kr_batch_reader_next(&r, &b))
        read_records(&b);
    kr_batch_reader_free(&r);
    free(blob);
    return 0;
}
