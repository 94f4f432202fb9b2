/*
 * Shared by the producer integration tests: deterministic records (a key,
 * a value that starts with its sequence number, headers, a timestamp), a
 * delivery report tracker that checks each record's opaque and counts its
 * reports, and a verifier that reads every partition back (consume_util)
 * and compares each record byte for byte with what was sent.
 */
#ifndef KR_TESTS_PRODUCER_UTIL_H
#define KR_TESTS_PRODUCER_UTIL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/krafka.h"

#define PU_VALUE_MAX 256

/* Record @seq of a run. Self-contained: the message points into it. */
struct pu_rec {
    char key[32];
    uint8_t value[PU_VALUE_MAX];
    char hval[32];
    krafka_header_t hdrs[2];
    krafka_msg_t msg;
};

/* Fills @r with record @seq for @topic: key "key-<seq>", value
 * "seq=<10 digits>;" and 10..199 bytes more, 0..2 headers (the second
 * with a null value), timestamp @base_ts + seq. */
void pu_make(struct pu_rec *r, const char *topic, size_t seq,
             int64_t base_ts);

/* The sequence number at the start of a value, or -1. */
int64_t pu_value_seq(const void *value, size_t len);

/* A timestamp in the recent past that brokers accept. */
int64_t pu_base_ts(void);

/* What the delivery reports of a run said, per record. dr_cb (below)
 * fills it on the polling thread; keep one thread polling. */
struct pu_track {
    const char *topic;
    size_t n;
    int64_t base_ts;
    bool check_ts;     /* compare the reported timestamp */
    char *tags;        /* owned: &tags[seq] is record seq's opaque */
    uint8_t *reports;  /* owned: reports per record */
    krafka_err_t *err; /* owned: the last reported error */
    int32_t *partition;
    int64_t *offset;
    size_t total, ok, failed, dups, bad_opaque, bad_topic, bad_ts;
    int64_t ts_seq, ts_got; /* the first report with another one */
    krafka_err_t first_err;
    char first_errstr[256];
};

void pu_track_init(struct pu_track *t, const char *topic, size_t n,
                   int64_t base_ts);
void pu_track_free(struct pu_track *t);

static inline void *pu_opaque(struct pu_track *t, size_t seq)
{
    return &t->tags[seq];
}

/* The delivery report callback; the conf opaque must be a pu_track. */
void pu_dr_cb(krafka_producer_t *p, const krafka_delivery_t *dr,
              void *opaque);

/* Asserts that every record got exactly one report, each with its own
 * opaque, the right topic, and (if @want_ok) no error. */
void pu_assert_reports(const struct pu_track *t, bool want_ok);

/* Sends records [from, to) of @t (made with pu_make) to @partition,
 * serving reports while the queue is full; fails the test if a send
 * fails otherwise or the queue stays full for @stall_ms. */
void pu_send_range(krafka_producer_t *p, struct pu_track *t, int32_t partition,
                   size_t from, size_t to, int stall_ms);

/* What reading a topic back found. */
struct pu_verdict {
    size_t read;         /* records read back */
    size_t dups;         /* a sequence number read more than once */
    size_t foreign;      /* a value with no or an out-of-range seq */
    size_t mismatched;   /* key, value, headers or timestamp differ */
    size_t misplaced;    /* partition or offset differ from the report */
    size_t disordered;   /* a seq below an earlier one of its group */
    size_t failed_read;  /* read back though reported failed */
    size_t missing;      /* reported delivered but not read back */
    size_t wrong_codec;  /* in a batch of another codec */
    char first[512];     /* the first problem, in words */
};

/*
 * Reads every partition of @topic on @bootstrap back and checks it
 * against @t: each record sent (with pu_make(.., t->base_ts)), once, byte
 * for byte, at the partition and offset reported (when @check_offsets),
 * and in order within each group of @group_size consecutive sequence
 * numbers (a sending thread's share; 0: one group). @codec >= 0: every
 * batch must use it. @ends: per partition, the end offset to read up to
 * (NULL: the high watermark). Bounded by @timeout_ms.
 */
void pu_verify(const char *bootstrap, const char *topic, int32_t parts,
               const struct pu_track *t, bool check_offsets,
               size_t group_size, int codec, const int64_t *ends,
               int timeout_ms, struct pu_verdict *v);

/* Fails the test with the verdict's first problem unless it is clean and
 * complete (every record sent read back). */
void pu_assert_clean(const struct pu_verdict *v, size_t expect,
                     const char *what);

/* A number from the environment variable @name, or @def. */
size_t pu_env_size(const char *name, size_t def);

/* A producer from @conf (the conf is destroyed); fails the test on
 * error. */
krafka_producer_t *pu_producer(krafka_conf_t *conf);

/* KP_ONLY=<part of a test name> runs only the matching tests. */
bool pu_wanted(const char *name);
#define ADD(tc, fn)                                                            \
    do {                                                                       \
        if (pu_wanted(#fn))                                                    \
            tcase_add_test(tc, fn);                                            \
    } while (0)

#endif
