/* Key hashes of the partitioners. Thread: any (pure functions). */
#include "util/hash.h"

#include <limits.h>
#include <zlib.h>

#define MURMUR2_SEED 0x9747b28cu
#define MURMUR2_M 0x5bd1e995u
#define MURMUR2_R 24

#define FNV1A_OFFSET 0x811c9dc5u
#define FNV1A_PRIME 0x01000193u

/* Java's int arithmetic wraps like uint32_t, and its ">>>" is an unsigned
 * shift, so the whole function is done in uint32_t. Bytes are read one at a
 * time in little-endian order (Java's "data[i] & 0xff" ...), which also
 * makes alignment and host byte order irrelevant. */
uint32_t kr_murmur2(const void *key, size_t len)
{
    const unsigned char *d = key;
    /* Java: "int h = seed ^ length"; a Java array is never longer than
     * INT_MAX, so only the low 32 bits of len can matter. */
    uint32_t h = MURMUR2_SEED ^ (uint32_t)len;
    size_t i = 0;

    for (; len - i >= 4; i += 4) {
        uint32_t k = (uint32_t)d[i] | (uint32_t)d[i + 1] << 8 |
                     (uint32_t)d[i + 2] << 16 | (uint32_t)d[i + 3] << 24;
        k *= MURMUR2_M;
        k ^= k >> MURMUR2_R;
        k *= MURMUR2_M;
        h *= MURMUR2_M;
        h ^= k;
    }
    /* Tail: the last len % 4 bytes. Java's fall-through switch XORs the
     * present bytes in, highest first, then multiplies once. */
    size_t rest = len - i;
    if (rest > 0) {
        if (rest == 3)
            h ^= (uint32_t)d[i + 2] << 16;
        if (rest >= 2)
            h ^= (uint32_t)d[i + 1] << 8;
        h ^= (uint32_t)d[i];
        h *= MURMUR2_M;
    }
    h ^= h >> 13;
    h *= MURMUR2_M;
    h ^= h >> 15;
    return h;
}

uint32_t kr_fnv1a(const void *key, size_t len)
{
    const unsigned char *d = key;
    uint32_t h = FNV1A_OFFSET;

    for (size_t i = 0; i < len; i++) {
        h ^= d[i];
        h *= FNV1A_PRIME;
    }
    /* librdkafka: "if (h < 0) h = -h" on an int32_t; done unsigned here so
     * that INT32_MIN wraps to itself instead of being undefined. */
    if (h & 0x80000000u)
        h = 0u - h;
    return h;
}

uint32_t kr_crc32(const void *p, size_t len)
{
    const unsigned char *d = p;
    uLong crc = crc32(0L, Z_NULL, 0);

    /* zlib takes uInt lengths: feed larger inputs in chunks. zlib returns 0
     * for a Z_NULL buffer whatever the running crc, so never pass one. */
    while (len > 0) {
        uInt n = len > UINT_MAX ? UINT_MAX : (uInt)len;
        crc = crc32(crc, d, n);
        d += n;
        len -= n;
    }
    return (uint32_t)crc;
}
