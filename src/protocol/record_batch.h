/*
 * RecordBatch v2 (magic 2, KIP-98): the writer the producer encodes into and
 * the reader the consumer iterates a Fetch response's Records with.
 *
 * Wire layout (offsets from the batch start):
 *    0 BaseOffset int64        8 BatchLength int32 (bytes after this field)
 *   12 PartitionLeaderEpoch int32   16 Magic int8 (2)
 *   17 CRC uint32 (CRC-32C of bytes 21..end)
 *   21 Attributes int16: bits 0-2 compression, 3 timestamp type
 *      (1 = LogAppendTime), 4 isTransactional, 5 isControlBatch,
 *      6 hasDeleteHorizonMs
 *   23 LastOffsetDelta int32  27 BaseTimestamp int64  35 MaxTimestamp int64
 *   43 ProducerId int64  51 ProducerEpoch int16  53 BaseSequence int32
 *   57 RecordCount int32  61 Records (compressed as a whole when a codec is
 *      set)
 * Record: length varint, attributes int8, timestampDelta varlong,
 * offsetDelta varint, keyLength varint (-1 null), key, valueLength varint
 * (-1 null), value, header count varint, then per header: keyLength varint,
 * key, valueLength varint (-1 null), value.
 *
 * The reader also decodes the MessageSet v0/v1 entries (magic 0/1) that
 * topics written before Kafka 0.11 still hold (message_set.c): Offset
 * int64, MessageSize int32, then the message: Crc uint32 (CRC-32 IEEE of
 * the rest), Magic int8, Attributes int8 (bits 0-2 codec: none, gzip,
 * snappy, lz4; bit 3 LogAppendTime, v1 only), Timestamp int64 (v1 only),
 * Key bytes (int32 length, -1 null), Value bytes (int32 length, -1 null).
 * A compressed message (a wrapper) carries a compressed MessageSet in its
 * Value; its Offset is the last inner message's. Entries share the first
 * 17 bytes' layout with RecordBatch v2 (MessageSize is at BatchLength's
 * place and Magic at offset 16), so one framing reads both.
 */
#ifndef KR_PROTOCOL_RECORD_BATCH_H
#define KR_PROTOCOL_RECORD_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"
#include "protocol/compress.h"
#include "protocol/io.h"
#include "util/buf.h"

#define KR_BATCH_MAGIC 2
#define KR_BATCH_HEADER_LEN 61 /* BaseOffset .. RecordCount */
#define KR_BATCH_LOG_OVERHEAD 12 /* BaseOffset + BatchLength */

/* Attributes bits (RecordBatch v2). */
#define KR_BATCH_ATTR_CODEC_MASK 0x07
#define KR_BATCH_ATTR_LOG_APPEND_TIME 0x08
#define KR_BATCH_ATTR_TRANSACTIONAL 0x10
#define KR_BATCH_ATTR_CONTROL 0x20
#define KR_BATCH_ATTR_DELETE_HORIZON 0x40

/* MessageSet v0/v1 Attributes bits. */
#define KR_MSG_ATTR_CODEC_MASK 0x07
#define KR_MSG_ATTR_LOG_APPEND_TIME 0x08 /* v1 */

/* ------------------------------------------------------------------ */
/* Writer                                                             */
/* ------------------------------------------------------------------ */

/* A header of a record being appended. Borrowed for the call only. */
struct kr_record_header {
    const char *key;   /* borrowed; not NUL-terminated; NULL only if 0 len */
    size_t key_len;
    const void *value; /* borrowed; NULL: a null value (value_len 0) */
    size_t value_len;
};

/* What a batch is begun with. KR_BATCH_PARAMS_INIT gives a plain
 * (non-idempotent) producer's values. */
struct kr_batch_params {
    int64_t base_timestamp;         /* BaseTimestamp; records are deltas */
    int64_t producer_id;            /* ProducerId, -1: none */
    int16_t producer_epoch;         /* ProducerEpoch, -1: none */
    int32_t base_sequence;          /* BaseSequence, -1: none */
    int32_t partition_leader_epoch; /* -1 from producers */
    bool transactional;             /* Attributes bit 4 */
    bool control;                   /* Attributes bit 5 (markers, tests) */
    bool log_append_time;           /* Attributes bit 3 (broker side, tests) */
};

#define KR_BATCH_PARAMS_INIT                                                   \
    {                                                                          \
        .base_timestamp = 0, .producer_id = -1, .producer_epoch = -1,          \
        .base_sequence = -1, .partition_leader_epoch = -1                      \
    }

/*
 * Encodes one batch at a time straight into a caller-owned kr_buf: begin,
 * append records, finish. The records are written once, in place; finish
 * compresses them (through a scratch buffer the writer keeps between
 * batches) and patches the header. No allocation per record.
 * Owner: one thread at a time.
 */
struct kr_batch_writer {
    struct kr_buf *out;     /* borrowed: the buffer the batch goes into */
    size_t start;           /* offset of the batch's BaseOffset in out */
    int64_t base_timestamp; /* BaseTimestamp */
    int64_t max_timestamp;  /* MaxTimestamp so far */
    int32_t count;          /* records appended */
    int16_t attributes;     /* flag bits; the codec is added by finish */
    bool open;              /* between begin and finish */
    struct kr_buf scratch;  /* owned: compressed records, reused */
    struct kr_codec_ctx codecs; /* owned: codec contexts, reused */
};

void kr_batch_writer_init(struct kr_batch_writer *w);
void kr_batch_writer_free(struct kr_batch_writer *w);

/* Starts a batch at the end of @out (borrowed until finish): writes the
 * header with the fields finish patches set to 0 and BaseOffset 0.
 * Returns KRAFKA_ERR_NONE or @out's error. */
krafka_err_t kr_batch_begin(struct kr_batch_writer *w, struct kr_buf *out,
                            const struct kr_batch_params *p);

/* Encoded size of a record (its length varint included) if appended now. */
size_t kr_batch_record_size(const struct kr_batch_writer *w, int64_t timestamp,
                            const void *key, size_t key_len,
                            const void *value, size_t value_len,
                            const struct kr_record_header *hdrs,
                            size_t hdr_cnt);

/*
 * Appends a record. @key / @value NULL mean null (their length must then be
 * 0); everything is copied before the call returns.
 * Returns KRAFKA_ERR_NONE; LOCAL_INVALID_ARG (NULL with a length, a length
 * beyond int32); LOCAL_LIMIT_EXCEEDED when out->max has no room for the
 * record, in which case nothing was written and the batch can still be
 * finished; LOCAL_STATE outside begin..finish; LOCAL_NOMEM, also with
 * nothing written and the batch intact.
 */
krafka_err_t kr_batch_append(struct kr_batch_writer *w, int64_t timestamp,
                             const void *key, size_t key_len,
                             const void *value, size_t value_len,
                             const struct kr_record_header *hdrs,
                             size_t hdr_cnt);

/* Bytes the batch takes so far, uncompressed, header included. */
static inline size_t kr_batch_size_estimate(const struct kr_batch_writer *w)
{
    return w->open ? w->out->len - w->start : 0;
}

static inline int32_t kr_batch_record_count(const struct kr_batch_writer *w)
{
    return w->count;
}

/*
 * Compresses the records with @codec at @level (compress.h) and patches the
 * header. The batch is then out[start .. out->len).
 * Returns KRAFKA_ERR_NONE or a kr_compress error (the batch is then left
 * open and uncompressed: finish may be called again, e.g. with
 * KR_CODEC_NONE), LOCAL_STATE when no batch is open.
 */
krafka_err_t kr_batch_finish(struct kr_batch_writer *w, int codec, int level);

/* Sets ProducerId, ProducerEpoch and BaseSequence of the finished batch
 * @batch[0..len) (idempotence, KIP-98: they are known only when the batch
 * is first sent) and recomputes its CRC. LOCAL_INVALID_ARG if @len is
 * shorter than a header. */
krafka_err_t kr_batch_set_producer(uint8_t *batch, size_t len,
                                   int64_t producer_id, int16_t epoch,
                                   int32_t base_sequence);

/* ------------------------------------------------------------------ */
/* Reader                                                             */
/* ------------------------------------------------------------------ */

/*
 * Iterates the batches of a Records blob. Set verify_crc and
 * max_decompressed after init if the defaults (true, 100 MiB) don't suit.
 * Owner: one thread at a time.
 */
struct kr_batch_reader {
    const uint8_t *blob;      /* borrowed: the Records blob */
    struct kr_rd rd;          /* borrowed: the rest of the blob */
    bool verify_crc;          /* check every batch's CRC (LOCAL_BAD_CRC) */
    size_t max_decompressed;  /* cap of one batch's decompressed records */
    krafka_err_t err;         /* sticky: why iteration stopped */
    struct kr_buf scratch;    /* owned: decompressed records, reused */
    struct kr_codec_ctx codecs; /* owned: codec contexts, reused */
};

/*
 * One batch: its header and the iteration state of its records.
 *
 * MessageSet v0/v1 data comes as batches too, with Magic 0 or 1: either a
 * run of consecutive uncompressed messages (same magic and Attributes) or
 * the inner messages of one compressed wrapper (decompressed into the
 * reader's scratch, as v2 records). BaseOffset is the first message's
 * offset, LastOffsetDelta reaches the last (a wrapper's own Offset), Crc
 * and Attributes are the first message's (the wrapper's), BaseTimestamp
 * and MaxTimestamp the first message's timestamp (-1 for v0: no
 * timestamp), PartitionLeaderEpoch, ProducerId, ProducerEpoch and
 * BaseSequence -1, BatchLength the bytes the batch takes in the blob less
 * 12 (the first Offset and MessageSize), records_left 0 (see legacy_left).
 */
struct kr_batch {
    int64_t BaseOffset;
    int32_t BatchLength;
    int32_t PartitionLeaderEpoch;
    int8_t Magic;
    uint32_t Crc;
    int16_t Attributes;
    int32_t LastOffsetDelta;
    int64_t BaseTimestamp;
    int64_t MaxTimestamp;
    int64_t ProducerId;
    int16_t ProducerEpoch;
    int32_t BaseSequence;
    int32_t RecordCount;
    /* From Attributes. */
    int codec;
    bool log_append_time;
    bool is_transactional;
    bool is_control;
    /* Record iteration. */
    struct kr_rd recs;    /* borrowed: the blob or the reader's scratch */
    int32_t records_left; /* records not yet returned */
    krafka_err_t err;     /* sticky: why record iteration stopped */
    /* Record iteration of MessageSet v0/v1 batches (Magic 0/1). */
    int32_t legacy_left;       /* messages not yet returned */
    int64_t legacy_offset_adj; /* added to each message's Offset: v1
                                * inner offsets are relative */
    bool legacy_wrapper_time;  /* timestamps are MaxTimestamp: the v1
                                * wrapper's LogAppendTime */
};

/* A record: views into the batch or the reader's scratch, valid until the
 * next kr_batch_reader_next() or kr_batch_reader_free(). */
struct kr_record {
    int64_t offset;        /* BaseOffset + offsetDelta */
    int64_t timestamp;     /* CreateTime: BaseTimestamp + delta;
                            * LogAppendTime: the batch's MaxTimestamp;
                            * MessageSet: the message's (-1 for v0), or
                            * its v1 wrapper's LogAppendTime */
    const uint8_t *key;    /* borrowed */
    int32_t key_len;       /* -1: null */
    const uint8_t *value;  /* borrowed */
    int32_t value_len;     /* -1: null */
    int32_t header_cnt;
    const uint8_t *headers; /* borrowed: the encoded headers (validated) */
    size_t headers_len;
};

/* A header of a record being read (views like kr_record). */
struct kr_header_view {
    const uint8_t *key; /* borrowed; never null */
    int32_t key_len;
    const uint8_t *value; /* borrowed */
    int32_t value_len;    /* -1: null */
};

struct kr_header_iter {
    struct kr_rd rd; /* borrowed: kr_record.headers */
    int32_t left;
};

void kr_batch_reader_init(struct kr_batch_reader *r);
void kr_batch_reader_free(struct kr_batch_reader *r);

/* Starts iterating @records[0..len) (borrowed until the iteration ends);
 * keeps the settings and the scratch memory. */
void kr_batch_reader_reset(struct kr_batch_reader *r, const void *records,
                           size_t len);

/*
 * Parses the next batch into *b: header bounds-checked, CRC verified if
 * asked, records decompressed (capped) into the reader's scratch.
 * MessageSet v0/v1 entries are read as batches of Magic 0/1 (see struct
 * kr_batch), every message checked (and its CRC-32 verified if asked) here,
 * so that their records iterate without errors.
 * Returns true with *b ready for kr_batch_next_record(); false when the
 * iteration is over, with r->err saying why:
 *   KRAFKA_ERR_NONE              all batches were read;
 *   LOCAL_PARTIAL                a trailing partial batch (normal at the
 *                                end of a fetch) was left unread;
 *   LOCAL_UNSUPPORTED_FEATURE    an entry of an unknown magic (not 0-2):
 *                                b->Magic, b->BaseOffset and b->BatchLength
 *                                are set and kr_batch_reader_offset() is
 *                                its start;
 *   LOCAL_BAD_MSG, LOCAL_BAD_CRC, LOCAL_COMPRESSION,
 *   LOCAL_LIMIT_EXCEEDED, LOCAL_UNSUPPORTED_COMPRESSION, LOCAL_NOMEM.
 */
bool kr_batch_reader_next(struct kr_batch_reader *r, struct kr_batch *b);
/* After a LOCAL_NOMEM stop (no memory to decompress), the reader is still
 * before that batch: clears the error so that _next() tries it again.
 * True when it did. */
bool kr_batch_reader_resume(struct kr_batch_reader *r);

/* Bytes of the blob before the batch that kr_batch_reader_next() reads
 * next (or that stopped the iteration). */
size_t kr_batch_reader_offset(const struct kr_batch_reader *r);

/*
 * Decodes the next record of @b into *rec (views, no allocation).
 * Returns true, or false at the end of the batch or on malformed data, with
 * b->err KRAFKA_ERR_NONE (end) or LOCAL_BAD_MSG.
 */
bool kr_batch_next_record(struct kr_batch *b, struct kr_record *rec);

/* MessageSet v0/v1 (message_set.c), for the reader: the entry at r->rd
 * framed by the reader as Magic 0/1 into *b: reads it (and the run of
 * uncompressed entries after it) and advances r->rd. Returns
 * KRAFKA_ERR_NONE or why iteration stops. */
krafka_err_t kr_legacy_batch_read(struct kr_batch_reader *r,
                                  struct kr_batch *b);
/* kr_batch_next_record() of a Magic 0/1 batch. */
bool kr_legacy_next_record(struct kr_batch *b, struct kr_record *rec);

/* Offset after the batch: where the next fetch starts. */
static inline int64_t kr_batch_next_offset(const struct kr_batch *b)
{
    return b->BaseOffset + b->LastOffsetDelta + 1;
}

/* Header iteration over a record returned by kr_batch_next_record(). */
void kr_record_headers_begin(const struct kr_record *rec,
                             struct kr_header_iter *it);
bool kr_record_headers_next(struct kr_header_iter *it,
                            struct kr_header_view *h);

/* Control records (control batches, Attributes bit 5): the key is
 * version int16, type int16; a transaction marker's value is version int16,
 * CoordinatorEpoch int32. */
enum kr_control_type {
    KR_CONTROL_ABORT = 0,
    KR_CONTROL_COMMIT = 1,
};

struct kr_control_record {
    int16_t version;
    int16_t type;              /* enum kr_control_type, or another value */
    int32_t coordinator_epoch; /* -1 when the value carries none */
};

/* Decodes the key (and marker value) of a control record.
 * Returns KRAFKA_ERR_NONE or LOCAL_BAD_MSG (key shorter than 4 bytes). */
krafka_err_t kr_control_record_parse(const struct kr_record *rec,
                                     struct kr_control_record *out);

#endif
