/*
 * MessageSet v0/v1 (magic 0/1, before KIP-98) read as kr_batch batches
 * (see record_batch.h). Kafka keeps such data on disk after upgrades and
 * returns it to fetches as stored.
 *
 * Entry: Offset int64, MessageSize int32, then the message: Crc uint32
 * (CRC-32 IEEE of Magic..end), Magic int8, Attributes int8, Timestamp int64
 * (v1), Key (int32 length, -1 null), Value (int32 length, -1 null).
 *
 * A batch is either a run of uncompressed entries or one compressed
 * wrapper, whose Value decompresses to an inner MessageSet of uncompressed
 * messages. Inner offsets are absolute in v0; in v1 they are relative and
 * the wrapper's Offset is the absolute offset of the last inner message:
 * absolute = wrapper Offset - last inner Offset + inner Offset. Every
 * message is checked (and its CRC verified if asked) when the batch is
 * read, so its records then iterate without errors.
 */
#include <string.h>
#include <zlib.h>

#include "protocol/record_batch.h"

#define MSG_OVERHEAD 12       /* Offset, MessageSize */
#define MSG_MIN_V0 14         /* Crc, Magic, Attributes, Key, Value */
#define MSG_MIN_V1 22         /* ... and Timestamp */
#define OFF_MAGIC 16          /* from the entry start, as RecordBatch v2 */
#define RUN_MAX 4096          /* uncompressed messages per batch */

static const uint8_t empty_set[1];

/* One message: views into its buffer. */
struct lmsg {
    int64_t offset;         /* Offset */
    int8_t magic;           /* Magic */
    int8_t attributes;      /* Attributes */
    int64_t timestamp;      /* Timestamp; -1 for v0 */
    const uint8_t *key;     /* NULL: null */
    int32_t key_len;        /* -1: null */
    const uint8_t *value;   /* NULL: null */
    int32_t value_len;      /* -1: null */
};

/* Key or Value: int32 length, -1 null. */
static const uint8_t *rd_bytes(struct kr_rd *rd, int32_t *len)
{
    int32_t n = (int32_t)kr_rd_be32(rd);
    *len = n;
    if (n < 0) {
        if (n != -1)
            kr_rd_fail(rd, KRAFKA_ERR_LOCAL_BAD_MSG);
        return NULL;
    }
    return kr_rd_take(rd, (size_t)n);
}

/*
 * Reads the entry at @rd into *m and moves @rd past it. The CRC is checked
 * before the fields are trusted (when @verify_crc).
 * Returns KRAFKA_ERR_NONE; LOCAL_PARTIAL when the entry goes past @rd's
 * end; LOCAL_UNSUPPORTED_FEATURE when its magic is not 0 or 1 (*m's magic
 * set); LOCAL_BAD_CRC; LOCAL_BAD_MSG (@rd is then left where it was).
 */
static krafka_err_t entry_read(struct kr_rd *rd, struct lmsg *m,
                               bool verify_crc)
{
    size_t left = kr_rd_left(rd);
    const uint8_t *p = rd->pos;
    if (left < MSG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_PARTIAL;
    int32_t size = (int32_t)kr_load_be32(p + 8); /* MessageSize */
    if (size < 0)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    if ((size_t)size > left - MSG_OVERHEAD)
        return KRAFKA_ERR_LOCAL_PARTIAL;
    if (size < MSG_MIN_V0)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    m->magic = (int8_t)p[OFF_MAGIC];
    if (m->magic != 0 && m->magic != 1)
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    if (m->magic == 1 && size < MSG_MIN_V1)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    const uint8_t *msg = p + MSG_OVERHEAD;
    /* Crc: CRC-32 (IEEE, zlib's) of Magic..end; size fits a uInt. */
    if (verify_crc &&
        crc32(0, msg + 4, (uInt)(size - 4)) != kr_load_be32(msg))
        return KRAFKA_ERR_LOCAL_BAD_CRC;
    struct kr_rd one;
    kr_rd_init(&one, msg + 5, (size_t)size - 5);
    m->offset = (int64_t)kr_load_be64(p);
    m->attributes = (int8_t)kr_rd_u8(&one);
    m->timestamp = m->magic == 1 ? (int64_t)kr_rd_be64(&one) : -1;
    m->key = rd_bytes(&one, &m->key_len);
    m->value = rd_bytes(&one, &m->value_len);
    /* The fields fill MessageSize exactly. */
    if (one.err || kr_rd_left(&one))
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    rd->pos = msg + size;
    return KRAFKA_ERR_NONE;
}

static inline int codec_of(const struct lmsg *m)
{
    return m->attributes & KR_MSG_ATTR_CODEC_MASK;
}

/* Attributes that must be equal across a run: the codec (none) and, in
 * v1, the timestamp type (the batch's log_append_time). */
static inline int run_attrs(const struct lmsg *m)
{
    int mask = KR_MSG_ATTR_CODEC_MASK;
    if (m->magic == 1)
        mask |= KR_MSG_ATTR_LOG_APPEND_TIME;
    return m->attributes & mask;
}

/* An outer Offset: >= 0, and the next offset (Offset + 1) must exist. */
static inline bool offset_ok(int64_t offset)
{
    return offset >= 0 && offset < INT64_MAX;
}

/* Extends the batch of uncompressed message @first (read from @start up
 * to rd->pos) with the whole, valid, uncompressed entries after it of the
 * same magic and timestamp type and with increasing offsets. An entry that
 * does not qualify ends the run without error: the next batch starts with
 * it (and reports it if it is bad). */
static void run_read(const struct kr_batch_reader *r, struct kr_rd *rd,
                     const uint8_t *start, const struct lmsg *first,
                     struct kr_batch *b)
{
    int64_t last = first->offset;
    int32_t n = 1;
    while (n < RUN_MAX && kr_rd_left(rd)) {
        struct kr_rd next = *rd;
        struct lmsg m;
        if (entry_read(&next, &m, r->verify_crc) ||
            m.magic != first->magic || run_attrs(&m) != run_attrs(first) ||
            !offset_ok(m.offset) || m.offset <= last ||
            m.offset - first->offset > INT32_MAX)
            break;
        last = m.offset;
        n++;
        *rd = next;
    }
    b->BaseOffset = first->offset;
    b->LastOffsetDelta = (int32_t)(last - first->offset);
    b->RecordCount = n;
    kr_rd_init(&b->recs, start, (size_t)(rd->pos - start));
}

/* Checks the inner MessageSet at @rd (a decompressed wrapper Value):
 * whole uncompressed messages of magic 0/1 with increasing offsets >= 0,
 * at least one. Sets *n, *first and *last (their Offsets). */
static krafka_err_t inner_check(const struct kr_batch_reader *r,
                                struct kr_rd rd, int32_t *n, int64_t *first,
                                int64_t *last)
{
    *n = 0;
    while (kr_rd_left(&rd)) {
        struct lmsg m;
        krafka_err_t err = entry_read(&rd, &m, r->verify_crc);
        if (err)
            return err == KRAFKA_ERR_LOCAL_BAD_CRC ? err
                                                   : KRAFKA_ERR_LOCAL_BAD_MSG;
        /* A compressed inner message (nested compression) is invalid. */
        if (codec_of(&m) != KR_CODEC_NONE || m.offset < 0 ||
            (*n && m.offset <= *last) || *n == INT32_MAX)
            return KRAFKA_ERR_LOCAL_BAD_MSG;
        if (!*n)
            *first = m.offset;
        *last = m.offset;
        (*n)++;
    }
    return *n ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_BAD_MSG;
}

/* Decompresses the wrapper @w into the reader's scratch (capped) and sets
 * up *b to iterate its inner messages. */
static krafka_err_t wrapper_read(struct kr_batch_reader *r,
                                 const struct lmsg *w, struct kr_batch *b)
{
    if (!w->value)
        return KRAFKA_ERR_LOCAL_BAD_MSG; /* a wrapper has a Value */
    kr_buf_reset(&r->scratch);
    krafka_err_t err = kr_decompress_legacy_cx(
        &r->codecs, codec_of(w), w->magic, w->value, (size_t)w->value_len,
        r->max_decompressed, &r->scratch);
    if (err)
        return err;
    struct kr_rd rd;
    kr_rd_init(&rd, r->scratch.len ? r->scratch.data : empty_set,
               r->scratch.len);
    int32_t n;
    int64_t first, last;
    if ((err = inner_check(r, rd, &n, &first, &last)))
        return err;
    /* Both >= 0 and first <= last: no overflow below. */
    int64_t base;
    if (w->magic == 1) {
        base = w->offset - (last - first);
        b->legacy_offset_adj = w->offset - last;
    } else {
        base = first;
        if (last > w->offset)
            return KRAFKA_ERR_LOCAL_BAD_MSG;
    }
    if (base < 0 || w->offset - base > INT32_MAX)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    b->BaseOffset = base;
    b->LastOffsetDelta = (int32_t)(w->offset - base);
    b->RecordCount = n;
    b->legacy_wrapper_time = b->log_append_time;
    b->recs = rd;
    return KRAFKA_ERR_NONE;
}

/* The header fields of a batch that starts with message @m. */
static void batch_init(struct kr_batch *b, const struct lmsg *m)
{
    b->PartitionLeaderEpoch = -1;
    b->Magic = m->magic;
    b->Attributes = (uint8_t)m->attributes;
    b->BaseTimestamp = m->timestamp;
    b->MaxTimestamp = m->timestamp;
    b->ProducerId = -1;
    b->ProducerEpoch = -1;
    b->BaseSequence = -1;
    b->codec = codec_of(m);
    b->log_append_time =
        m->magic == 1 && (m->attributes & KR_MSG_ATTR_LOG_APPEND_TIME);
}

krafka_err_t kr_legacy_batch_read(struct kr_batch_reader *r,
                                  struct kr_batch *b)
{
    struct kr_rd rd = r->rd;
    const uint8_t *start = rd.pos;
    struct lmsg m;
    krafka_err_t err = entry_read(&rd, &m, r->verify_crc);
    if (err)
        return err;
    if (!offset_ok(m.offset))
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    b->Crc = kr_load_be32(start + MSG_OVERHEAD);
    batch_init(b, &m);
    if (b->codec > KR_CODEC_LZ4)
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION;
    if (b->codec == KR_CODEC_NONE)
        run_read(r, &rd, start, &m, b);
    else if ((err = wrapper_read(r, &m, b)))
        return err;
    b->BatchLength = (int32_t)(rd.pos - start - MSG_OVERHEAD);
    b->legacy_left = b->RecordCount;
    r->rd.pos = rd.pos;
    return KRAFKA_ERR_NONE;
}

bool kr_legacy_next_record(struct kr_batch *b, struct kr_record *rec)
{
    if (b->err || b->legacy_left <= 0)
        return false;
    struct lmsg m;
    /* Checked when the batch was read: an error here is a bug. */
    if (entry_read(&b->recs, &m, false)) {
        b->err = KRAFKA_ERR_LOCAL_BAD_MSG;
        b->legacy_left = 0;
        return false;
    }
    rec->offset = m.offset + b->legacy_offset_adj;
    rec->timestamp = b->legacy_wrapper_time ? b->MaxTimestamp : m.timestamp;
    rec->key = m.key;
    rec->key_len = m.key_len;
    rec->value = m.value;
    rec->value_len = m.value_len;
    rec->header_cnt = 0;
    rec->headers = NULL;
    rec->headers_len = 0;
    b->legacy_left--;
    return true;
}
