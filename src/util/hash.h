/*
 * Key hashes of the partitioners, bit-compatible with the clients that
 * defined them:
 *   kr_murmur2  Kafka Java client's Utils.murmur2 (DefaultPartitioner)
 *   kr_fnv1a    librdkafka's fnv1a (Sarama's NewHashPartitioner)
 *   kr_crc32    zlib's crc32 (IEEE 802.3), librdkafka's "consistent"
 *
 * All are pure functions: any thread. A NULL @key is allowed only with
 * @len 0 and hashes like an empty key.
 */
#ifndef KR_UTIL_HASH_H
#define KR_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* MurmurHash2 with seed 0x9747b28c as Java's Utils.murmur2 computes it: the
 * returned value carries the bits of the Java int (e.g. "21" -> -973932308
 * as int32_t). Java's partition is (h & 0x7fffffff) % partition_cnt. */
uint32_t kr_murmur2(const void *key, size_t len);

/* 32-bit FNV-1a (offset basis 0x811c9dc5, prime 0x01000193), then, like
 * librdkafka and Sarama, the absolute value of the hash taken as an int32.
 * INT32_MIN has no positive counterpart and stays 0x80000000 (two's
 * complement negation, as librdkafka and Go compute it). */
uint32_t kr_fnv1a(const void *key, size_t len);

/* zlib's crc32() of the bytes (CRC-32/IEEE, "" -> 0). */
uint32_t kr_crc32(const void *p, size_t len);

#endif
