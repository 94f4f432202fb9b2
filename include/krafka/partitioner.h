/*
 * libkrafka - partitioners.
 *
 * The producer's "partitioner" property takes librdkafka's names, with
 * librdkafka's behaviour for keyed records:
 *
 *   random             a random partition for every record, key or not
 *   consistent         CRC32(key) % n; NULL and empty keys -> CRC32("") = 0
 *   consistent_random  CRC32(key) % n; NULL and empty keys -> sticky
 *   murmur2            Java-compatible: (murmur2(key) & 0x7fffffff) % n;
 *                      a NULL key hashes like an empty key
 *   murmur2_random     as murmur2; NULL keys -> sticky (the default, and
 *                      what the Java client does)
 *   fnv1a              abs((int32_t)FNV-1a(key)) % n (Sarama-compatible);
 *                      a NULL key hashes like an empty key
 *   fnv1a_random       as fnv1a; NULL keys -> sticky
 *
 * "Sticky" (KIP-480): records without a key stay on one randomly chosen
 * partition of their topic until a batch of that partition is closed or
 * sent, then move to another random partition. This fills batches instead
 * of spreading tiny ones over every partition.
 *
 * An application can instead supply its own partitioner callback; it is then
 * called for every record the application did not give a partition,
 * including records without a key.
 */
#ifndef KRAFKA_PARTITIONER_H
#define KRAFKA_PARTITIONER_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"
#include "krafka/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The name of the default partitioner: "murmur2_random". */
#define KRAFKA_PARTITIONER_DEFAULT "murmur2_random"

/** An application partitioner: picks the partition of a record.
 *
 *  @topic is the record's topic name, @key / @keylen its key (@key is NULL
 *  for a record without a key, and then @keylen is 0), @partition_cnt the
 *  topic's current partition count (>= 1), @opaque the pointer given along
 *  with the callback. All are borrowed until the callback returns.
 *
 *  Returns a partition in [0, partition_cnt), or -1 when it cannot pick one;
 *  -1 and any other value outside the range fail the record with
 *  KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION.
 *
 *  Thread-safety: called on the thread that produces the record, possibly on
 *  several application threads at once, so it must be thread-safe if the
 *  application produces from more than one thread. It must not block and
 *  must not call back into the producer. */
typedef int32_t (*krafka_partitioner_cb)(const char *topic, const void *key,
                                         size_t keylen, int32_t partition_cnt,
                                         void *opaque);

/** Computes the partition the named partitioner gives a key, as a producer
 *  configured with it would, for tools and for applications that want to
 *  know where a key goes.
 *
 *  @partitioner is one of the names above (not NULL). @key may be NULL only
 *  with @keylen 0 (a record without a key); it is read during the call only.
 *  @partition_cnt must be >= 1. On success *@partition is set.
 *
 *  Only deterministic choices are answered: "random" always, and the
 *  _random variants where they would pick randomly (a NULL key, and for
 *  consistent_random also an empty key), are KRAFKA_ERR_LOCAL_INVALID_ARG.
 *
 *  Returns KRAFKA_ERR_NONE; KRAFKA_ERR_LOCAL_INVALID_CONF for an unknown
 *  name; KRAFKA_ERR_LOCAL_INVALID_ARG for a NULL argument, a NULL key with a
 *  non-zero length, @keylen above INT32_MAX (a record key's limit),
 *  @partition_cnt < 1, or a random choice.
 *
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_partition_for_key(const char *partitioner,
                                                 const void *key,
                                                 size_t keylen,
                                                 int32_t partition_cnt,
                                                 int32_t *partition);

#ifdef __cplusplus
}
#endif
#endif
