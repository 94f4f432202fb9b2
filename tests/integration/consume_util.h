/*
 * Reading a topic-partition back for the producer tests, without the
 * consumer: Metadata finds the leader, ListOffsets its high watermark, and
 * Fetch (through kt_call) reads every record from offset 0 up to an end,
 * which the record batch reader decodes whatever the codec. Every field is
 * copied out, so the result outlives the connection.
 */
#ifndef KR_TESTS_CONSUME_UTIL_H
#define KR_TESTS_CONSUME_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"

/* A header read back. Views into the owning ku_records. */
struct ku_header {
    const uint8_t *key; /* never NULL */
    int32_t key_len;
    const uint8_t *value; /* NULL when null */
    int32_t value_len;    /* -1: null */
    size_t key_off, value_off; /* in the storage while it still grows */
};

/* A record read back. Views into the owning ku_records. */
struct ku_record {
    int64_t offset;
    int64_t timestamp;
    int codec;            /* KR_CODEC_* of the batch it came in */
    const uint8_t *key;   /* NULL when null */
    int32_t key_len;      /* -1: null */
    const uint8_t *value; /* NULL when null */
    int32_t value_len;    /* -1: null */
    int32_t header_cnt;
    const struct ku_header *headers;
    /* Where the fields are in the storage while it still grows. */
    size_t key_off, value_off, hdr_first;
};

/* The records of one partition, in offset order. Owns all its memory. */
struct ku_records {
    struct ku_record *recs; /* owned */
    size_t cnt, cap;
    int64_t end;        /* the offset reading stopped at */
    int batches;        /* record batches read */
    uint8_t *blob;      /* owned: keys, values, header keys and values */
    size_t blob_len, blob_cap;
    struct ku_header *hdrs; /* owned */
    size_t hdr_cnt, hdr_cap;
};

/* The high watermark of @topic/@partition, asked of its leader (found
 * through any broker of @bootstrap) within @timeout_ms; -1 with a message
 * in @errstr on failure. */
int64_t ku_high_watermark(const char *bootstrap, const char *topic,
                          int32_t partition, int timeout_ms, char *errstr,
                          size_t errstr_size);

/*
 * Reads every record of @topic/@partition from offset 0 up to @end
 * (exclusive; -1: the high watermark when the call starts) into *@out,
 * which the caller zeroes first and frees with ku_records_free(). A leader
 * change is followed. Control batches are skipped.
 * Returns KRAFKA_ERR_NONE; LOCAL_TIMED_OUT when @end was not reached
 * within @timeout_ms (*@out then holds what was read); a broker or local
 * error. @errstr says what happened.
 */
krafka_err_t ku_read_partition(const char *bootstrap, const char *topic,
                               int32_t partition, int64_t end, int timeout_ms,
                               struct ku_records *out, char *errstr,
                               size_t errstr_size);

void ku_records_free(struct ku_records *r);

#endif
