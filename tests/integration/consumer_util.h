/*
 * Shared by the consumer integration tests: producing a run of records
 * (producer_util's pu_make), creating consumers, and checking what was
 * consumed against the run record by record: byte for byte, in order per
 * partition, no gap, no duplicate.
 */
#ifndef KR_TESTS_CONSUMER_UTIL_H
#define KR_TESTS_CONSUMER_UTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/krafka.h"
#include "producer_util.h"

/* Produces records [from, to) of run @t (pu_make) with @codec, to
 * partition seq % @parts when @parts > 0, or to partition -@parts - 1;
 * flushes; fails the test on error. */
void cu_produce(const char *bootstrap, const char *topic, struct pu_track *t,
                const char *codec, int32_t parts, size_t from, size_t to);

/* A consumer from @conf (destroyed); fails the test on error. */
krafka_consumer_t *cu_consumer(krafka_conf_t *conf);

/* Assigns partitions 0..@parts-1 of @topic starting at @offset. */
void cu_assign_all(krafka_consumer_t *c, const char *topic, int32_t parts,
                   int64_t offset);

/* Fails the test unless @rec is record @seq of the run (key, value,
 * headers, timestamp). */
void cu_check_record(const krafka_record_t *rec, const char *topic,
                     int64_t base_ts, size_t seq);

/* What consuming a run found. */
struct cu_seen {
    size_t n;
    uint8_t *cnt;         /* owned: times each seq was seen */
    int64_t last_off[64]; /* per partition */
    int64_t last_seq[64];
    size_t records, dups, disordered, gaps;
};

void cu_seen_init(struct cu_seen *s, size_t n);
/* Checks @rec (cu_check_record) and counts it. */
void cu_seen_add(struct cu_seen *s, const krafka_record_t *rec,
                 const char *topic, int64_t base_ts);
/* Polls until @want records were seen or @timeout_ms passed; an event
 * fails the test. */
void cu_consume_n(krafka_consumer_t *c, struct cu_seen *s, size_t want,
                  const char *topic, int64_t base_ts, int timeout_ms);

#endif
