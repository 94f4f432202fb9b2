/*
 * Bounded wire reader and the symmetric field walker used by every message
 * codec.
 *
 * A message is described once, by a function that walks its fields in wire
 * order: `kr_io_i32(io, &m->ThrottleTimeMs)` reads the field when io is in
 * read mode and writes it in write mode. So encoder and decoder cannot drift
 * apart; the known-answer tests pin both to the spec.
 *
 * Read mode is hostile-input safe: every read is bounded by the input, array
 * counts are checked against the bytes left before the arena allocates, and
 * the first failure is sticky (later calls do nothing), so a walker reads
 * straight through and the caller checks io->err once at the end.
 * Strings and bytes decode as views into the input buffer (zero copy): the
 * input must outlive the decoded message.
 */
#ifndef KR_PROTOCOL_IO_H
#define KR_PROTOCOL_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "krafka/errors.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/refs.h"

/* A string view: len -1 means null. Not NUL-terminated. */
struct kr_str {
    const char *ptr; /* borrowed */
    int32_t len;
};

/* A bytes view: len -1 means null. */
struct kr_bytes {
    const uint8_t *ptr; /* borrowed */
    int32_t len;
};

struct kr_uuid {
    uint8_t b[16];
};

/* False for the all-zero id, which means "none" (a version without topic
 * ids, or a topic not known yet). */
static inline bool kr_id_known(const uint8_t id[16])
{
    static const uint8_t zero[16];
    return memcmp(id, zero, sizeof zero) != 0;
}

static inline struct kr_str kr_str_c(const char *s)
{
    return (struct kr_str){s, s ? (int32_t)strlen(s) : -1};
}

static inline bool kr_str_eq(struct kr_str a, const char *s)
{
    if (!s)
        return a.len < 0;
    size_t n = strlen(s);
    return a.len >= 0 && (size_t)a.len == n && memcmp(a.ptr, s, n) == 0;
}

/* A NUL-terminated copy of @s in @a; NULL for a null string or when @a is
 * out of room. */
static inline const char *kr_str_arena_dup(struct kr_arena *a, struct kr_str s)
{
    if (s.len < 0 || !s.ptr)
        return NULL;
    char *p = kr_arena_alloc(a, (size_t)s.len + 1);
    if (p) {
        memcpy(p, s.ptr, (size_t)s.len);
        p[s.len] = '\0';
    }
    return p;
}

/* ---- bounded reader (STYLE.md section 7) ---- */
struct kr_rd {
    const uint8_t *pos, *end; /* borrowed: the input buffer */
    krafka_err_t err;         /* sticky: the first failure wins */
};

static inline void kr_rd_init(struct kr_rd *rd, const void *p, size_t len)
{
    static const uint8_t empty[1];
    /* NULL + 0 is undefined in C: an empty input gets a real address */
    if (!p) {
        p = empty;
        len = 0;
    }
    rd->pos = p;
    rd->end = rd->pos + len;
    rd->err = KRAFKA_ERR_NONE;
}

static inline size_t kr_rd_left(const struct kr_rd *rd)
{
    return (size_t)(rd->end - rd->pos);
}

static inline void kr_rd_fail(struct kr_rd *rd, krafka_err_t err)
{
    if (!rd->err)
        rd->err = err;
    rd->pos = rd->end;
}

static inline bool kr_rd_need(struct kr_rd *rd, size_t n)
{
    if (rd->err)
        return false;
    if (kr_rd_left(rd) < n) {
        kr_rd_fail(rd, KRAFKA_ERR_LOCAL_BAD_MSG);
        return false;
    }
    return true;
}

static inline uint8_t kr_rd_u8(struct kr_rd *rd)
{
    if (!kr_rd_need(rd, 1))
        return 0;
    return *rd->pos++;
}

static inline uint16_t kr_rd_be16(struct kr_rd *rd)
{
    if (!kr_rd_need(rd, 2))
        return 0;
    uint16_t v = kr_load_be16(rd->pos);
    rd->pos += 2;
    return v;
}

static inline uint32_t kr_rd_be32(struct kr_rd *rd)
{
    if (!kr_rd_need(rd, 4))
        return 0;
    uint32_t v = kr_load_be32(rd->pos);
    rd->pos += 4;
    return v;
}

static inline uint64_t kr_rd_be64(struct kr_rd *rd)
{
    if (!kr_rd_need(rd, 8))
        return 0;
    uint64_t v = kr_load_be64(rd->pos);
    rd->pos += 8;
    return v;
}

/* Returns a pointer to the next @n bytes and skips them, NULL on error. */
static inline const uint8_t *kr_rd_take(struct kr_rd *rd, size_t n)
{
    if (!kr_rd_need(rd, n))
        return NULL;
    const uint8_t *p = rd->pos;
    rd->pos += n;
    return p;
}

/* Unsigned varint of at most @maxbytes (5 for 32-bit, 10 for 64-bit). */
uint64_t kr_rd_uvarint_n(struct kr_rd *rd, int maxbytes);

static inline uint32_t kr_rd_uvarint(struct kr_rd *rd)
{
    return (uint32_t)kr_rd_uvarint_n(rd, 5);
}

/* Zigzag varint (Kafka "varint", 32-bit, at most 5 bytes). */
static inline int32_t kr_rd_varint(struct kr_rd *rd)
{
    uint32_t u = (uint32_t)kr_rd_uvarint_n(rd, 5);
    return (int32_t)((u >> 1) ^ (0u - (u & 1)));
}

/* Zigzag varlong (Kafka "varlong", 64-bit, at most 10 bytes). */
static inline int64_t kr_rd_varlong(struct kr_rd *rd)
{
    uint64_t u = kr_rd_uvarint_n(rd, 10);
    return (int64_t)((u >> 1) ^ (0 - (u & 1)));
}

/* ---- the symmetric walker ---- */
enum kr_io_mode { KR_IO_READ, KR_IO_WRITE };

struct kr_io {
    enum kr_io_mode mode;
    int16_t v;              /* message version being read or written */
    bool flex;              /* flexible version: compact forms, tagged fields */
    struct kr_rd rd;        /* READ: the input (borrowed bytes) */
    struct kr_arena *arena; /* READ: where arrays are allocated (borrowed) */
    struct kr_buf *wr;      /* WRITE: the output (borrowed) */
    struct kr_refs *refs;   /* WRITE: records referenced, not copied, or
                             * NULL (borrowed; see kr_io_records) */
    krafka_err_t err;       /* sticky: the first failure wins */
};

void kr_io_init_read(struct kr_io *io, int16_t v, bool flex, const void *p,
                     size_t len, struct kr_arena *arena);
void kr_io_init_write(struct kr_io *io, int16_t v, bool flex,
                      struct kr_buf *out);

static inline bool kr_io_reading(const struct kr_io *io)
{
    return io->mode == KR_IO_READ;
}

/* Records a failure (sticky) and stops further reading. */
void kr_io_fail(struct kr_io *io, krafka_err_t err);

/* True while no error has happened (reader, writer and walker). */
bool kr_io_ok(struct kr_io *io);

void kr_io_bool(struct kr_io *io, bool *v);
void kr_io_i8(struct kr_io *io, int8_t *v);
void kr_io_i16(struct kr_io *io, int16_t *v);
void kr_io_u16(struct kr_io *io, uint16_t *v);
void kr_io_i32(struct kr_io *io, int32_t *v);
void kr_io_u32(struct kr_io *io, uint32_t *v);
void kr_io_i64(struct kr_io *io, int64_t *v);
void kr_io_f64(struct kr_io *io, double *v);
void kr_io_uuid(struct kr_io *io, struct kr_uuid *v);
/* Unsigned varint field (used for the compact forms; rare as a field). */
void kr_io_uvarint(struct kr_io *io, uint32_t *v);

/* string / nullable string; compact in flexible versions. @nullable says
 * whether null (len -1) is allowed at this version: a null where it is not
 * allowed is LOCAL_BAD_MSG when read and LOCAL_INVALID_ARG when written. */
void kr_io_str(struct kr_io *io, struct kr_str *s, bool nullable);
/* bytes / nullable bytes / records; compact in flexible versions. */
void kr_io_bytes(struct kr_io *io, struct kr_bytes *b, bool nullable);
/* A records field (nullable bytes holding record batches): kr_io_bytes,
 * except that in write mode with io->refs set, records of KR_REF_MIN bytes
 * or more are referenced there instead of copied into the output. */
void kr_io_records(struct kr_io *io, struct kr_bytes *b);

/*
 * Array header; compact in flexible versions. Read: reads the count, checks
 * count * @min_wire <= bytes left before allocating count * @esize zeroed
 * bytes from the arena into *arr, and sets *cnt (-1 for null). Write: writes
 * *cnt (and expects *arr to hold that many). Returns the number of elements
 * the caller must walk next (0 for null, empty, or after any error).
 * Use KR_IO_ARRAY for struct arrays.
 */
int32_t kr_io_array(struct kr_io *io, void **arr, int32_t *cnt, size_t esize,
                    size_t min_wire, bool nullable);

#define KR_IO_ARRAY(io, arr, cnt, nullable)                                    \
    kr_io_array((io), (void **)&(arr), &(cnt), sizeof *(arr), 1, (nullable))

/* KR_IO_ARRAY with an element's smallest wire size @min (see below). */
#define KR_IO_ARRAY_MIN(io, arr, cnt, nullable, min)                           \
    kr_io_array((io), (void **)&(arr), &(cnt), sizeof *(arr), (min),          \
                (nullable))

/*
 * Tagged fields (KIP-482), only in flexible versions (a no-op otherwise).
 * @fn handles the tags this struct knows: in read mode it is called with a
 * reader bounded to the tag's bytes and decodes it (return true), or returns
 * false for an unknown tag, which is skipped. In write mode it is called for
 * each tag 0..KR_IO_MAX_TAG and writes the field and returns true when the
 * value differs from its default, else writes nothing and returns false.
 * @fn may be NULL: no known tags.
 */
typedef bool (*kr_tag_fn)(struct kr_io *io, uint32_t tag, void *obj);
#define KR_IO_MAX_TAG 15
void kr_io_tags(struct kr_io *io, kr_tag_fn fn, void *obj);

/*
 * Smallest wire sizes at io's version, so an array count is checked against
 * the bytes a real element needs (STYLE.md section 7), not one byte each: a
 * hostile count cannot make the arena allocate much more than the input is
 * long. Compose them into an element's minimum for KR_IO_ARRAY_MIN.
 */
static inline size_t kr_io_str_min(const struct kr_io *io)
{
    return io->flex ? 1 : 2; /* compact: uvarint length; else int16 */
}

static inline size_t kr_io_bytes_min(const struct kr_io *io)
{
    return io->flex ? 1 : 4; /* bytes and records: compact, else int32 */
}

static inline size_t kr_io_array_min(const struct kr_io *io)
{
    return io->flex ? 1 : 4; /* compact: uvarint count; else int32 */
}

static inline size_t kr_io_tags_min(const struct kr_io *io)
{
    return io->flex ? 1 : 0; /* the empty tag section */
}

#endif
