/* RecordBatch v2 writer and reader (see record_batch.h). */
#include "protocol/record_batch.h"

#include <string.h>

#include "util/crc32c.h"

/* Field offsets from the batch start (RecordBatch v2). */
#define OFF_BATCH_LENGTH 8
#define OFF_PARTITION_LEADER_EPOCH 12
#define OFF_MAGIC 16
#define OFF_CRC 17
#define OFF_ATTRIBUTES 21
#define OFF_LAST_OFFSET_DELTA 23
#define OFF_BASE_TIMESTAMP 27
#define OFF_MAX_TIMESTAMP 35
#define OFF_PRODUCER_ID 43
#define OFF_PRODUCER_EPOCH 51
#define OFF_BASE_SEQUENCE 53
#define OFF_RECORD_COUNT 57

/* Smallest record: length, attributes, timestampDelta, offsetDelta,
 * keyLength, valueLength, header count: one byte each. */
#define RECORD_MIN_LEN 7

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

/* Writes a zigzag varint at @p (room checked by the caller). */
static inline uint8_t *put_varint(uint8_t *p, int64_t v)
{
    uint64_t u = kr_zigzag64(v);
    while (u >= 0x80) {
        *p++ = (uint8_t)(u | 0x80);
        u >>= 7;
    }
    *p++ = (uint8_t)u;
    return p;
}

static inline uint8_t *put_bytes(uint8_t *p, const void *v, int32_t len)
{
    p = put_varint(p, len);
    if (len > 0) {
        memcpy(p, v, (size_t)len);
        p += len;
    }
    return p;
}

/* The sizes of a record about to be appended. */
struct rec_layout {
    int64_t ts_delta; /* timestampDelta */
    int32_t klen;     /* keyLength, -1 null */
    int32_t vlen;     /* valueLength, -1 null */
    size_t body;      /* bytes after the length varint */
    size_t total;     /* the whole record */
};

/* A key or value argument: NULL is null and must come with length 0. */
static inline krafka_err_t field_len(const void *p, size_t len, int32_t *out)
{
    if ((!p && len) || len > INT32_MAX)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    *out = p ? (int32_t)len : -1;
    return KRAFKA_ERR_NONE;
}

static krafka_err_t headers_size(const struct kr_record_header *h,
                                 size_t cnt, size_t *size)
{
    if (cnt > INT32_MAX || (!h && cnt))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t n = kr_varint_size((int64_t)cnt);
    for (size_t i = 0; i < cnt; i++) {
        int32_t kl, vl;
        if (field_len(h[i].key, h[i].key_len, &kl) ||
            field_len(h[i].value, h[i].value_len, &vl))
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
        n += kr_varint_size(kl < 0 ? 0 : kl) + (size_t)(kl < 0 ? 0 : kl) +
             kr_varint_size(vl) + (size_t)(vl < 0 ? 0 : vl);
        if (n > INT32_MAX)
            return KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE;
    }
    *size = n;
    return KRAFKA_ERR_NONE;
}

static inline krafka_err_t
rec_layout(const struct kr_batch_writer *w, int64_t ts, const void *key,
           size_t key_len, const void *value, size_t value_len,
           const struct kr_record_header *hdrs, size_t hdr_cnt,
           struct rec_layout *l)
{
    size_t hsize = 1; /* header count 0 */
    krafka_err_t err;
    if ((err = field_len(key, key_len, &l->klen)) ||
        (err = field_len(value, value_len, &l->vlen)) ||
        (hdr_cnt && (err = headers_size(hdrs, hdr_cnt, &hsize))))
        return err;
    /* Wrapping subtraction: any two int64 timestamps have a delta. */
    l->ts_delta = (int64_t)((uint64_t)ts - (uint64_t)w->base_timestamp);
    l->body = 1 + kr_varint_size(l->ts_delta) + kr_varint_size(w->count) +
              kr_varint_size(l->klen) + (l->klen > 0 ? (size_t)l->klen : 0) +
              kr_varint_size(l->vlen) + (l->vlen > 0 ? (size_t)l->vlen : 0) +
              hsize;
    if (l->body > INT32_MAX)
        return KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE;
    l->total = kr_varint_size((int64_t)l->body) + l->body;
    return KRAFKA_ERR_NONE;
}

void kr_batch_writer_init(struct kr_batch_writer *w)
{
    memset(w, 0, sizeof *w);
    kr_buf_init(&w->scratch, 0);
    kr_codec_ctx_init(&w->codecs);
}

void kr_batch_writer_free(struct kr_batch_writer *w)
{
    kr_buf_free(&w->scratch);
    kr_codec_ctx_free(&w->codecs);
    w->open = false;
    w->out = NULL;
}

krafka_err_t kr_batch_begin(struct kr_batch_writer *w, struct kr_buf *out,
                            const struct kr_batch_params *p)
{
    if (out->err)
        return out->err;
    if (out->len > out->max || KR_BATCH_HEADER_LEN > out->max - out->len)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    w->out = out;
    w->start = out->len;
    w->base_timestamp = p->base_timestamp;
    w->max_timestamp = -1; /* NO_TIMESTAMP until a record comes */
    w->count = 0;
    int attrs = 0;
    if (p->log_append_time)
        attrs |= KR_BATCH_ATTR_LOG_APPEND_TIME;
    if (p->transactional)
        attrs |= KR_BATCH_ATTR_TRANSACTIONAL;
    if (p->control)
        attrs |= KR_BATCH_ATTR_CONTROL;
    w->attributes = (int16_t)attrs;
    kr_buf_put_be64(out, 0); /* BaseOffset: the broker assigns offsets */
    kr_buf_put_be32(out, 0); /* BatchLength: patched by finish */
    kr_buf_put_be32(out, (uint32_t)p->partition_leader_epoch);
    kr_buf_put_u8(out, KR_BATCH_MAGIC);
    kr_buf_put_be32(out, 0); /* CRC: patched by finish */
    kr_buf_put_be16(out, 0); /* Attributes: patched by finish */
    kr_buf_put_be32(out, 0); /* LastOffsetDelta: patched by finish */
    kr_buf_put_be64(out, (uint64_t)p->base_timestamp);
    kr_buf_put_be64(out, 0); /* MaxTimestamp: patched by finish */
    kr_buf_put_be64(out, (uint64_t)p->producer_id);
    kr_buf_put_be16(out, (uint16_t)p->producer_epoch);
    kr_buf_put_be32(out, (uint32_t)p->base_sequence);
    kr_buf_put_be32(out, 0); /* RecordCount: patched by finish */
    w->open = !out->err;
    return out->err;
}

size_t kr_batch_record_size(const struct kr_batch_writer *w, int64_t timestamp,
                            const void *key, size_t key_len,
                            const void *value, size_t value_len,
                            const struct kr_record_header *hdrs,
                            size_t hdr_cnt)
{
    struct rec_layout l;
    if (rec_layout(w, timestamp, key, key_len, value, value_len, hdrs,
                   hdr_cnt, &l))
        return SIZE_MAX;
    return l.total;
}

static uint8_t *put_headers(uint8_t *p, const struct kr_record_header *h,
                            size_t cnt)
{
    p = put_varint(p, (int64_t)cnt);
    for (size_t i = 0; i < cnt; i++) {
        p = put_bytes(p, h[i].key, (int32_t)h[i].key_len);
        p = put_bytes(p, h[i].value,
                      h[i].value ? (int32_t)h[i].value_len : -1);
    }
    return p;
}

krafka_err_t kr_batch_append(struct kr_batch_writer *w, int64_t timestamp,
                             const void *key, size_t key_len,
                             const void *value, size_t value_len,
                             const struct kr_record_header *hdrs,
                             size_t hdr_cnt)
{
    if (!w->open)
        return KRAFKA_ERR_LOCAL_STATE;
    if (w->count == INT32_MAX)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    struct rec_layout l;
    krafka_err_t err = rec_layout(w, timestamp, key, key_len, value,
                                  value_len, hdrs, hdr_cnt, &l);
    if (err)
        return err;
    struct kr_buf *out = w->out;
    if (out->err)
        return out->err;
    /* Checked here so that a full buffer is not a sticky error: the batch
     * stays valid and can be finished. */
    if (l.total > out->max - out->len)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (!kr_buf_reserve(out, l.total)) {
        /* Nothing was written: the batch stays valid, as for a full one
         * (the caller may finish it or append again once memory is
         * back). */
        err = out->err;
        out->err = KRAFKA_ERR_NONE;
        return err;
    }
    /* One reservation, then straight writes. */
    uint8_t *p = out->data + out->len;
    p = put_varint(p, (int64_t)l.body); /* length */
    *p++ = 0;                           /* attributes (unused) */
    p = put_varint(p, l.ts_delta);      /* timestampDelta */
    p = put_varint(p, w->count);        /* offsetDelta */
    p = put_bytes(p, key, l.klen);      /* keyLength, key */
    p = put_bytes(p, value, l.vlen);    /* valueLength, value */
    put_headers(p, hdrs, hdr_cnt);      /* header count, headers */
    out->len += l.total;
    w->count++;
    if (timestamp > w->max_timestamp)
        w->max_timestamp = timestamp;
    return KRAFKA_ERR_NONE;
}

/* Replaces the records section by its compression. */
static krafka_err_t compress_records(struct kr_batch_writer *w, int codec,
                                     int level)
{
    struct kr_buf *out = w->out;
    size_t rs = w->start + KR_BATCH_HEADER_LEN;
    kr_buf_reset(&w->scratch);
    krafka_err_t err = kr_compress_cx(&w->codecs, codec, level,
                                      out->data + rs, out->len - rs,
                                      &w->scratch);
    if (err)
        return err;
    if (w->scratch.len > out->max - rs)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    out->len = rs;
    kr_buf_write(out, w->scratch.data, w->scratch.len);
    return out->err;
}

static void patch_be64(struct kr_buf *b, size_t off, uint64_t v)
{
    kr_buf_patch_be32(b, off, (uint32_t)(v >> 32));
    kr_buf_patch_be32(b, off + 4, (uint32_t)v);
}

krafka_err_t kr_batch_finish(struct kr_batch_writer *w, int codec, int level)
{
    if (!w->open)
        return KRAFKA_ERR_LOCAL_STATE;
    struct kr_buf *out = w->out;
    krafka_err_t err = out->err ? out->err : kr_codec_check_level(codec, level);
    if (!err && codec != KR_CODEC_NONE)
        err = compress_records(w, codec, level);
    if (err)
        return err;
    size_t s = w->start, len = out->len - s;
    if (len - KR_BATCH_LOG_OVERHEAD > INT32_MAX)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    /* BatchLength: the bytes after the field */
    kr_buf_patch_be32(out, s + OFF_BATCH_LENGTH,
                      (uint32_t)(len - KR_BATCH_LOG_OVERHEAD));
    /* Attributes: flags from begin plus the codec */
    kr_buf_patch_be16(out, s + OFF_ATTRIBUTES,
                      (uint16_t)(w->attributes | codec));
    /* LastOffsetDelta: offsetDelta of the last record (-1 if none) */
    kr_buf_patch_be32(out, s + OFF_LAST_OFFSET_DELTA, (uint32_t)(w->count - 1));
    /* MaxTimestamp */
    patch_be64(out, s + OFF_MAX_TIMESTAMP, (uint64_t)w->max_timestamp);
    /* RecordCount */
    kr_buf_patch_be32(out, s + OFF_RECORD_COUNT, (uint32_t)w->count);
    /* CRC last: it covers Attributes to the end, patched fields included */
    kr_buf_patch_be32(out, s + OFF_CRC,
                      kr_crc32c(0, out->data + s + OFF_ATTRIBUTES,
                                len - OFF_ATTRIBUTES));
    w->open = false;
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_batch_set_producer(uint8_t *batch, size_t len,
                                   int64_t producer_id, int16_t epoch,
                                   int32_t base_sequence)
{
    if (len < KR_BATCH_HEADER_LEN)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    uint8_t t[14];
    for (int i = 0; i < 8; i++) /* ProducerId */
        t[i] = (uint8_t)((uint64_t)producer_id >> (56 - 8 * i));
    t[8] = (uint8_t)((uint16_t)epoch >> 8); /* ProducerEpoch */
    t[9] = (uint8_t)epoch;
    for (int i = 0; i < 4; i++) /* BaseSequence */
        t[10 + i] = (uint8_t)((uint32_t)base_sequence >> (24 - 8 * i));
    memcpy(batch + OFF_PRODUCER_ID, t, sizeof t);
    uint32_t crc = kr_crc32c(0, batch + OFF_ATTRIBUTES, len - OFF_ATTRIBUTES);
    batch[OFF_CRC] = (uint8_t)(crc >> 24);
    batch[OFF_CRC + 1] = (uint8_t)(crc >> 16);
    batch[OFF_CRC + 2] = (uint8_t)(crc >> 8);
    batch[OFF_CRC + 3] = (uint8_t)crc;
    return KRAFKA_ERR_NONE;
}

/* ------------------------------------------------------------------ */
/* Reader                                                             */
/* ------------------------------------------------------------------ */

static const uint8_t empty_blob[1];

void kr_batch_reader_init(struct kr_batch_reader *r)
{
    memset(r, 0, sizeof *r);
    r->verify_crc = true;
    r->max_decompressed = KR_DECOMPRESS_MAX_DEFAULT;
    kr_buf_init(&r->scratch, 0);
    kr_codec_ctx_init(&r->codecs);
    kr_batch_reader_reset(r, empty_blob, 0);
}

void kr_batch_reader_free(struct kr_batch_reader *r)
{
    kr_buf_free(&r->scratch);
    kr_codec_ctx_free(&r->codecs);
    kr_batch_reader_reset(r, empty_blob, 0);
}

void kr_batch_reader_reset(struct kr_batch_reader *r, const void *records,
                           size_t len)
{
    r->blob = records ? records : empty_blob;
    kr_rd_init(&r->rd, r->blob, records ? len : 0);
    r->err = KRAFKA_ERR_NONE;
}

size_t kr_batch_reader_offset(const struct kr_batch_reader *r)
{
    return (size_t)(r->rd.pos - r->blob);
}

static bool reader_stop(struct kr_batch_reader *r, krafka_err_t err)
{
    r->err = err;
    return false;
}

/* The 61 header bytes at @p (bounds checked by the caller). */
static void parse_header(const uint8_t *p, struct kr_batch *b)
{
    b->PartitionLeaderEpoch =
        (int32_t)kr_load_be32(p + OFF_PARTITION_LEADER_EPOCH);
    b->Crc = kr_load_be32(p + OFF_CRC);
    b->Attributes = (int16_t)kr_load_be16(p + OFF_ATTRIBUTES);
    b->LastOffsetDelta = (int32_t)kr_load_be32(p + OFF_LAST_OFFSET_DELTA);
    b->BaseTimestamp = (int64_t)kr_load_be64(p + OFF_BASE_TIMESTAMP);
    b->MaxTimestamp = (int64_t)kr_load_be64(p + OFF_MAX_TIMESTAMP);
    b->ProducerId = (int64_t)kr_load_be64(p + OFF_PRODUCER_ID);
    b->ProducerEpoch = (int16_t)kr_load_be16(p + OFF_PRODUCER_EPOCH);
    b->BaseSequence = (int32_t)kr_load_be32(p + OFF_BASE_SEQUENCE);
    b->RecordCount = (int32_t)kr_load_be32(p + OFF_RECORD_COUNT);
    b->codec = b->Attributes & KR_BATCH_ATTR_CODEC_MASK;
    b->log_append_time = b->Attributes & KR_BATCH_ATTR_LOG_APPEND_TIME;
    b->is_transactional = b->Attributes & KR_BATCH_ATTR_TRANSACTIONAL;
    b->is_control = b->Attributes & KR_BATCH_ATTR_CONTROL;
}

/* Frames the next entry: BaseOffset, BatchLength and Magic, which all
 * message formats share. Returns NONE or why iteration stops. */
static krafka_err_t frame_entry(struct kr_batch_reader *r, struct kr_batch *b)
{
    size_t left = kr_rd_left(&r->rd);
    const uint8_t *p = r->rd.pos;
    if (left < KR_BATCH_LOG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_PARTIAL;
    b->BaseOffset = (int64_t)kr_load_be64(p);
    b->BatchLength = (int32_t)kr_load_be32(p + OFF_BATCH_LENGTH);
    if (b->BatchLength < 0)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    /* A broker cuts the last batch of a fetch at its size limit. */
    if ((size_t)b->BatchLength > left - KR_BATCH_LOG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_PARTIAL;
    if (b->BatchLength < OFF_MAGIC + 1 - KR_BATCH_LOG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    b->Magic = (int8_t)p[OFF_MAGIC];
    if (b->Magic != KR_BATCH_MAGIC)
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE; /* MessageSet v0/v1? */
    if (b->BatchLength < KR_BATCH_HEADER_LEN - KR_BATCH_LOG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    return KRAFKA_ERR_NONE;
}

/* Checks the header fields that bound the records. */
static krafka_err_t check_header(const struct kr_batch *b)
{
    if (b->codec > KR_CODEC_ZSTD)
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION;
    /* Offsets are >= 0 and BaseOffset + LastOffsetDelta + 1 (the next
     * offset) must not overflow. */
    int32_t lod = b->LastOffsetDelta > 0 ? b->LastOffsetDelta : 0;
    if (b->RecordCount < 0 || b->BaseOffset < 0 || b->LastOffsetDelta < -1 ||
        b->BaseOffset > INT64_MAX - 1 - lod)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    return KRAFKA_ERR_NONE;
}

bool kr_batch_reader_resume(struct kr_batch_reader *r)
{
    if (r->err != KRAFKA_ERR_LOCAL_NOMEM)
        return false;
    r->err = KRAFKA_ERR_NONE;
    return true;
}

bool kr_batch_reader_next(struct kr_batch_reader *r, struct kr_batch *b)
{
    memset(b, 0, sizeof *b);
    if (r->err || kr_rd_left(&r->rd) == 0)
        return false;
    krafka_err_t err = frame_entry(r, b);
    if (err == KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE &&
        (b->Magic == 0 || b->Magic == 1)) {
        err = kr_legacy_batch_read(r, b);
        return err ? reader_stop(r, err) : true;
    }
    if (err)
        return reader_stop(r, err);
    const uint8_t *p = r->rd.pos;
    size_t len = KR_BATCH_LOG_OVERHEAD + (size_t)b->BatchLength;
    parse_header(p, b);
    /* CRC first: a corrupted field is reported as corruption. */
    if (r->verify_crc &&
        kr_crc32c(0, p + OFF_ATTRIBUTES, len - OFF_ATTRIBUTES) != b->Crc)
        return reader_stop(r, KRAFKA_ERR_LOCAL_BAD_CRC);
    if ((err = check_header(b)))
        return reader_stop(r, err);
    const uint8_t *recs = p + KR_BATCH_HEADER_LEN;
    size_t recs_len = len - KR_BATCH_HEADER_LEN;
    if (b->codec != KR_CODEC_NONE) {
        kr_buf_reset(&r->scratch);
        err = kr_decompress_cx(&r->codecs, b->codec, recs, recs_len,
                               r->max_decompressed, &r->scratch);
        if (err)
            return reader_stop(r, err);
        recs = r->scratch.len ? r->scratch.data : empty_blob;
        recs_len = r->scratch.len;
    }
    /* The count is checked against the bytes before anything trusts it. */
    if ((uint64_t)b->RecordCount * RECORD_MIN_LEN > recs_len)
        return reader_stop(r, KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_rd_init(&b->recs, recs, recs_len);
    b->records_left = b->RecordCount;
    r->rd.pos += len;
    return true;
}

/* ---- records ---- */

/* kr_rd_varint / kr_rd_varlong with the one- and two-byte cases inline:
 * most record fields are small. With fewer than 2 bytes left (or after an
 * error, when pos == end) the checked decoder takes over. */
static inline uint64_t rd_uvarint_short(struct kr_rd *rd, bool *done)
{
    const uint8_t *p = rd->pos;
    *done = rd->end - p >= 2 && (p[0] < 0x80 || p[1] < 0x80);
    if (!*done)
        return 0;
    if (p[0] < 0x80) {
        rd->pos = p + 1;
        return p[0];
    }
    rd->pos = p + 2;
    return (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
}

static inline int32_t rd_varint(struct kr_rd *rd)
{
    bool done;
    uint32_t u = (uint32_t)rd_uvarint_short(rd, &done);
    if (!done)
        return kr_rd_varint(rd);
    return (int32_t)((u >> 1) ^ (0u - (u & 1)));
}

static inline int64_t rd_varlong(struct kr_rd *rd)
{
    bool done;
    uint64_t u = rd_uvarint_short(rd, &done);
    if (!done)
        return kr_rd_varlong(rd);
    return (int64_t)((u >> 1) ^ (0 - (u & 1)));
}

/* A length-prefixed field; -1 is null (when @nullable). Returns the view
 * (NULL for null or on error; errors are left in @rd). */
static inline const uint8_t *rd_field(struct kr_rd *rd, int32_t *len,
                                      bool nullable)
{
    int32_t n = rd_varint(rd);
    *len = n;
    if (n < 0) {
        if (n != -1 || !nullable)
            kr_rd_fail(rd, KRAFKA_ERR_LOCAL_BAD_MSG);
        return NULL;
    }
    return kr_rd_take(rd, (size_t)n);
}

static bool record_fail(struct kr_batch *b)
{
    b->err = KRAFKA_ERR_LOCAL_BAD_MSG;
    b->records_left = 0;
    return false;
}

/* The fields of one record, all within its @len bytes at @rd. */
static bool parse_record(struct kr_batch *b, struct kr_rd *rd,
                         struct kr_record *rec)
{
    (void)kr_rd_u8(rd); /* attributes: unused in v2 */
    int64_t ts_delta = rd_varlong(rd);
    int32_t off_delta = rd_varint(rd);
    rec->key = rd_field(rd, &rec->key_len, true);
    rec->value = rd_field(rd, &rec->value_len, true);
    rec->header_cnt = rd_varint(rd);
    rec->headers = rd->pos;
    /* A header takes at least 2 bytes (empty key, null value). */
    if (rec->header_cnt < 0 || (size_t)rec->header_cnt > kr_rd_left(rd) / 2)
        return false;
    for (int32_t i = 0; i < rec->header_cnt; i++) {
        int32_t n;
        rd_field(rd, &n, false);
        rd_field(rd, &n, true);
    }
    rec->headers_len = (size_t)(rd->pos - rec->headers);
    if (rd->err || kr_rd_left(rd) || off_delta < 0 ||
        off_delta > b->LastOffsetDelta)
        return false;
    rec->offset = b->BaseOffset + off_delta;
    rec->timestamp = b->log_append_time
                         ? b->MaxTimestamp
                         : (int64_t)((uint64_t)b->BaseTimestamp +
                                     (uint64_t)ts_delta);
    return true;
}

bool kr_batch_next_record(struct kr_batch *b, struct kr_record *rec)
{
    if (b->err)
        return false;
    struct kr_rd *rd = &b->recs;
    if (b->records_left <= 0) {
        /* Dispatched here, once per batch on v2: a MessageSet batch has
         * records_left 0. */
        if (b->Magic < KR_BATCH_MAGIC)
            return kr_legacy_next_record(b, rec);
        if (kr_rd_left(rd))
            b->err = KRAFKA_ERR_LOCAL_BAD_MSG; /* bytes past RecordCount */
        return false;
    }
    int32_t len = rd_varint(rd);
    if (rd->err || len < RECORD_MIN_LEN - 1 || (size_t)len > kr_rd_left(rd))
        return record_fail(b);
    struct kr_rd one;
    kr_rd_init(&one, rd->pos, (size_t)len);
    rd->pos += len;
    if (!parse_record(b, &one, rec))
        return record_fail(b);
    b->records_left--;
    return true;
}

void kr_record_headers_begin(const struct kr_record *rec,
                             struct kr_header_iter *it)
{
    kr_rd_init(&it->rd, rec->headers ? rec->headers : empty_blob,
               rec->headers ? rec->headers_len : 0);
    it->left = rec->header_cnt;
}

bool kr_record_headers_next(struct kr_header_iter *it,
                            struct kr_header_view *h)
{
    if (it->left <= 0 || it->rd.err)
        return false;
    h->key = rd_field(&it->rd, &h->key_len, false);
    h->value = rd_field(&it->rd, &h->value_len, true);
    if (it->rd.err)
        return false;
    it->left--;
    return true;
}

krafka_err_t kr_control_record_parse(const struct kr_record *rec,
                                     struct kr_control_record *out)
{
    if (rec->key_len < 4)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    out->version = (int16_t)kr_load_be16(rec->key);
    out->type = (int16_t)kr_load_be16(rec->key + 2);
    /* EndTxnMarker value: version int16, CoordinatorEpoch int32 */
    out->coordinator_epoch =
        rec->value_len >= 6 ? (int32_t)kr_load_be32(rec->value + 2) : -1;
    return KRAFKA_ERR_NONE;
}
