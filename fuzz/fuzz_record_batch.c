/*
 * libFuzzer target: RecordBatch v2 and MessageSet v0/v1 decoding,
 * decompression with every codec included, and the record and header
 * parsers.
 *
 * Byte 0 is a mode: bit 0 fixes up the CRC of every batch and every
 * outer MessageSet message before reading (structure-aware: plain mutation
 * would almost never pass the CRC, so it would never reach the record
 * parser or the decompressors; inner messages of a wrapper keep theirs,
 * which bit 1 gets past); bit 1 turns CRC checking off. The rest is a
 * Records blob as a Fetch response holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "protocol/record_batch.h"
#include "util/crc32c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Patches each entry's CRC in place: a v2 batch's (offset 17, CRC-32C of
 * Attributes..end), a MessageSet message's (offset 12, CRC-32 of
 * Magic..end). */
static void fix_crcs(uint8_t *p, size_t n)
{
    size_t off = 0;
    while (n - off > 16) {
        uint32_t blen = kr_load_be32(p + off + 8);
        size_t total = (size_t)blen + KR_BATCH_LOG_OVERHEAD;
        if (blen > INT32_MAX || total > n - off)
            return;
        uint8_t magic = p[off + 16];
        if (magic == KR_BATCH_MAGIC && total >= KR_BATCH_HEADER_LEN)
            put_be32(p + off + 17, kr_crc32c(0, p + off + 21, total - 21));
        else if (magic <= 1 && blen >= 5)
            put_be32(p + off + 12,
                     (uint32_t)crc32(0, p + off + 16, (uInt)(total - 16)));
        else
            return;
        off += total;
    }
}

static void read_records(struct kr_batch *b)
{
    struct kr_record rec;
    int64_t prev = INT64_MIN;
    int32_t cnt = 0;
    while (kr_batch_next_record(b, &rec)) {
        cnt++;
        /* offsets stay within the batch's declared span */
        if (rec.offset < b->BaseOffset ||
            rec.offset > b->BaseOffset + b->LastOffsetDelta)
            __builtin_trap();
        /* MessageSet offsets are checked increasing when read */
        if (b->Magic < KR_BATCH_MAGIC && rec.offset <= prev)
            __builtin_trap();
        prev = rec.offset;
        struct kr_header_iter it;
        struct kr_header_view h;
        int32_t n = 0;
        kr_record_headers_begin(&rec, &it);
        while (kr_record_headers_next(&it, &h))
            n++;
        if (n != rec.header_cnt)
            __builtin_trap(); /* validated headers must iterate fully */
        if (b->Magic < KR_BATCH_MAGIC && rec.header_cnt != 0)
            __builtin_trap(); /* MessageSet messages have no headers */
        if (b->is_control) {
            struct kr_control_record c;
            kr_control_record_parse(&rec, &c);
        }
    }
    /* MessageSet batches are checked whole when read: their records
     * iterate without error, all of them. */
    if (b->Magic < KR_BATCH_MAGIC && (b->err || cnt != b->RecordCount))
        __builtin_trap();
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
