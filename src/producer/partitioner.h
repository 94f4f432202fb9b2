/*
 * Partitioners: pick the partition of a record that the application did not
 * give one (see include/krafka/partitioner.h for the names and what each
 * does with keys).
 *
 * Thread contract (no locks anywhere):
 * - struct kr_partitioner is written once by kr_partitioner_init() before
 *   the producer is shared; afterwards kr_partitioner_pick() may run on any
 *   number of threads at once. Its only mutable state is the PRNG counter,
 *   an atomic advanced with a relaxed fetch-add (splitmix64), so concurrent
 *   picks never share a random number and never lock.
 * - struct kr_sticky is the KIP-480 sticky partition of ONE topic; it lives
 *   with the producer's topic entry, which owns it. It is a single atomic:
 *   kr_partitioner_pick() and kr_sticky_batch_done() may race on it from any
 *   threads (application threads picking, the accumulator or I/O thread
 *   closing batches) without a lock. Threads racing to choose a new sticky
 *   partition agree on one through compare-and-swap.
 */
#ifndef KR_PRODUCER_PARTITIONER_H
#define KR_PRODUCER_PARTITIONER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"
#include "krafka/partitioner.h"

/* The built-in partitioners (librdkafka's "partitioner" values) and USER for
 * an application callback. */
enum kr_partitioner_type {
    KR_PARTITIONER_RANDOM,
    KR_PARTITIONER_CONSISTENT,
    KR_PARTITIONER_CONSISTENT_RANDOM,
    KR_PARTITIONER_MURMUR2,
    KR_PARTITIONER_MURMUR2_RANDOM,
    KR_PARTITIONER_FNV1A,
    KR_PARTITIONER_FNV1A_RANDOM,
    KR_PARTITIONER_USER,
};

/* The "partitioner" property's values (librdkafka's names), for the
 * parser here and the property table (X(name, type)). */
#define KR_PARTITIONER_NAMES(X)                                                \
    X("random", KR_PARTITIONER_RANDOM)                                         \
    X("consistent", KR_PARTITIONER_CONSISTENT)                                 \
    X("consistent_random", KR_PARTITIONER_CONSISTENT_RANDOM)                   \
    X("murmur2", KR_PARTITIONER_MURMUR2)                                       \
    X("murmur2_random", KR_PARTITIONER_MURMUR2_RANDOM)                         \
    X("fnv1a", KR_PARTITIONER_FNV1A)                                           \
    X("fnv1a_random", KR_PARTITIONER_FNV1A_RANDOM)

#define KR_PARTITIONER_TYPE_DEFAULT KR_PARTITIONER_MURMUR2_RANDOM

struct kr_partitioner {
    enum kr_partitioner_type type;
    krafka_partitioner_cb cb; /* USER only */
    void *opaque;             /* borrowed: the application's, passed to cb */
    _Atomic uint64_t rng;     /* splitmix64 counter, seeded per instance */
};

/* Sticky partition of one topic. partition >= 0: the current sticky
 * partition; KR_STICKY_NONE: none chosen yet; <= -2: none, and the last one
 * was (-2 - partition), which the next choice avoids when it can. */
struct kr_sticky {
    _Atomic int32_t partition;
};

#define KR_STICKY_NONE (-1)

/* Parses a "partitioner" property value (librdkafka's names; "user" is not
 * a name). Returns KRAFKA_ERR_NONE and sets *out, or
 * KRAFKA_ERR_LOCAL_INVALID_CONF for NULL or an unknown name. Thread: any. */
krafka_err_t kr_partitioner_parse(const char *name,
                                  enum kr_partitioner_type *out);

/* The property value of @type ("user" for KR_PARTITIONER_USER), static.
 * Thread: any. */
const char *kr_partitioner_name(enum kr_partitioner_type type);

/* Initialises @p (caller-owned memory) as @type, or as a USER partitioner
 * calling @cb with @opaque when @cb is not NULL (a callback overrides the
 * name, as in librdkafka). Seeds the PRNG from getrandom(), falling back to
 * clocks, pid and the address of @p. Nothing to destroy.
 * Thread: before @p is shared. */
void kr_partitioner_init(struct kr_partitioner *p,
                         enum kr_partitioner_type type,
                         krafka_partitioner_cb cb, void *opaque);

/* Reseeds the PRNG, for reproducible tests. Thread: before @p is shared. */
void kr_partitioner_seed(struct kr_partitioner *p, uint64_t seed);

/* A uniform random partition in [0, partition_cnt) (partition_cnt >= 1).
 * Thread: any; lock-free. */
int32_t kr_partitioner_random(struct kr_partitioner *p, int32_t partition_cnt);

/* Picks the partition of a record of @topic with key @key/@keylen (@key
 * NULL = the record has no key; then @keylen must be 0) among
 * @partition_cnt partitions, and sets *out.
 * @sticky is the topic's sticky state; NULL means "no sticky state": where
 * a sticky choice would be made a random partition is drawn per record.
 * @topic is passed to a USER callback only (may be NULL otherwise).
 * Returns KRAFKA_ERR_NONE; KRAFKA_ERR_LOCAL_INVALID_ARG for partition_cnt
 * < 1 or a NULL key with keylen > 0; KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION when
 * a USER callback returns -1 or a value outside [0, partition_cnt).
 * Thread: any; lock-free; the USER callback runs on the calling thread. */
krafka_err_t kr_partitioner_pick(struct kr_partitioner *p,
                                 struct kr_sticky *sticky, const char *topic,
                                 const void *key, size_t keylen,
                                 int32_t partition_cnt, int32_t *out);

/* Computes what a @type partitioner deterministically gives @key (same
 * argument rules as kr_partitioner_pick). Returns KRAFKA_ERR_NONE and sets
 * *out, or KRAFKA_ERR_LOCAL_INVALID_ARG for bad arguments, for USER and
 * whenever @type would choose randomly or stickily for this key.
 * Thread: any. */
krafka_err_t kr_partitioner_hash_pick(enum kr_partitioner_type type,
                                      const void *key, size_t keylen,
                                      int32_t partition_cnt, int32_t *out);

/* Sticky state with no partition chosen yet. Thread: before shared. */
void kr_sticky_init(struct kr_sticky *s);

/* Tells the sticky state that a batch of @partition was closed (full) or
 * sent: if @partition is the current sticky partition, the next keyless
 * record moves to another random partition (a different one when there is
 * more than one). A stale call for a partition that is no longer sticky is
 * ignored, so each switch happens once however many batches complete.
 * Thread: any; lock-free. */
void kr_sticky_batch_done(struct kr_sticky *s, int32_t partition);

/* The current sticky partition, or -1 when none is chosen (monitoring and
 * tests). Thread: any. */
int32_t kr_sticky_current(const struct kr_sticky *s);

#endif
