/*
 * Capped growable byte buffer with a sticky error: the writer side of the
 * codec. Every buffer has a maximum; growing past it sets
 * KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED and later writes are ignored.
 */
#ifndef KR_UTIL_BUF_H
#define KR_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "krafka/errors.h"

struct kr_buf {
    uint8_t *data;    /* owned, malloc'd; NULL until the first write */
    size_t len;       /* bytes written */
    size_t cap;       /* bytes allocated */
    size_t max;       /* hard maximum of len */
    krafka_err_t err; /* sticky: the first failure wins */
};

/* Default maximum for a buffer whose user gives none: 1 GiB. */
#define KR_BUF_MAX_DEFAULT ((size_t)1 << 30)

void kr_buf_init(struct kr_buf *b, size_t max);
void kr_buf_free(struct kr_buf *b);
/* Drops the content and the error, keeps the memory. */
void kr_buf_reset(struct kr_buf *b);
/* Makes room for @n more bytes; false (and b->err set) when it can't. */
bool kr_buf_grow(struct kr_buf *b, size_t n);
/* Detaches the data (caller frees it) and re-initialises @b. */
uint8_t *kr_buf_steal(struct kr_buf *b, size_t *len);

static inline bool kr_buf_reserve(struct kr_buf *b, size_t n)
{
    if (b->err)
        return false;
    if (b->cap - b->len >= n)
        return true;
    return kr_buf_grow(b, n);
}

static inline void kr_buf_write(struct kr_buf *b, const void *p, size_t n)
{
    if (n == 0 || !kr_buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static inline void kr_buf_put_u8(struct kr_buf *b, uint8_t v)
{
    if (!kr_buf_reserve(b, 1))
        return;
    b->data[b->len++] = v;
}

static inline void kr_buf_put_be16(struct kr_buf *b, uint16_t v)
{
    uint8_t t[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    kr_buf_write(b, t, 2);
}

static inline void kr_buf_put_be32(struct kr_buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};
    kr_buf_write(b, t, 4);
}

static inline void kr_buf_put_be64(struct kr_buf *b, uint64_t v)
{
    kr_buf_put_be32(b, (uint32_t)(v >> 32));
    kr_buf_put_be32(b, (uint32_t)v);
}

/* Unsigned LEB128 varint, at most 5 (32-bit) or 10 (64-bit) bytes. */
static inline void kr_buf_put_uvarint(struct kr_buf *b, uint64_t v)
{
    uint8_t t[10];
    size_t n = 0;
    while (v >= 0x80) {
        t[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    t[n++] = (uint8_t)v;
    kr_buf_write(b, t, n);
}

/* Zigzag mapping of a signed value (0, -1, 1, -2 ... -> 0, 1, 2, 3 ...),
 * in unsigned arithmetic only (a right shift of a negative int64_t is
 * implementation-defined). */
static inline uint64_t kr_zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63));
}

/* Zigzag-encoded signed varint (Kafka "varint"/"varlong"). */
static inline void kr_buf_put_varint(struct kr_buf *b, int64_t v)
{
    kr_buf_put_uvarint(b, kr_zigzag64(v));
}

static inline size_t kr_uvarint_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline size_t kr_varint_size(int64_t v)
{
    return kr_uvarint_size(kr_zigzag64(v));
}

/* Patch helpers: write a big-endian value at @off (already written). */
static inline void kr_buf_patch_be32(struct kr_buf *b, size_t off, uint32_t v)
{
    if (b->err || off + 4 > b->len)
        return;
    b->data[off] = (uint8_t)(v >> 24);
    b->data[off + 1] = (uint8_t)(v >> 16);
    b->data[off + 2] = (uint8_t)(v >> 8);
    b->data[off + 3] = (uint8_t)v;
}

static inline void kr_buf_patch_be16(struct kr_buf *b, size_t off, uint16_t v)
{
    if (b->err || off + 2 > b->len)
        return;
    b->data[off] = (uint8_t)(v >> 8);
    b->data[off + 1] = (uint8_t)v;
}

/* Big-endian loads from a buffer the caller has bounds-checked. */
static inline uint16_t kr_load_be16(const uint8_t *p)
{
    return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t kr_load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline uint64_t kr_load_be64(const uint8_t *p)
{
    return (uint64_t)kr_load_be32(p) << 32 | kr_load_be32(p + 4);
}

#endif
