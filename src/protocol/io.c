/* Bounded reader and symmetric field walker (see io.h). */
#include "protocol/io.h"

uint64_t kr_rd_uvarint_n(struct kr_rd *rd, int maxbytes)
{
    uint64_t v = 0;
    for (int i = 0; i < maxbytes; i++) {
        if (!kr_rd_need(rd, 1))
            return 0;
        uint8_t b = *rd->pos++;
        /* The last allowed byte may only carry the bits that are left:
         * 4 for a 32-bit varint (5 bytes), 1 for a 64-bit one (10 bytes). */
        if (i == maxbytes - 1 && (b >> (maxbytes == 5 ? 4 : 1)) != 0) {
            kr_rd_fail(rd, KRAFKA_ERR_LOCAL_BAD_MSG);
            return 0;
        }
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            return v;
    }
    kr_rd_fail(rd, KRAFKA_ERR_LOCAL_BAD_MSG);
    return 0;
}

void kr_io_init_read(struct kr_io *io, int16_t v, bool flex, const void *p,
                     size_t len, struct kr_arena *arena)
{
    *io = (struct kr_io){.mode = KR_IO_READ, .v = v, .flex = flex,
                         .arena = arena};
    kr_rd_init(&io->rd, p, len);
}

void kr_io_init_write(struct kr_io *io, int16_t v, bool flex,
                      struct kr_buf *out)
{
    *io = (struct kr_io){.mode = KR_IO_WRITE, .v = v, .flex = flex,
                         .wr = out};
}

void kr_io_fail(struct kr_io *io, krafka_err_t err)
{
    if (!io->err)
        io->err = err;
    if (io->mode == KR_IO_READ)
        kr_rd_fail(&io->rd, err);
}

bool kr_io_ok(struct kr_io *io)
{
    if (!io->err) {
        if (io->mode == KR_IO_READ)
            io->err = io->rd.err;
        else if (io->wr->err)
            io->err = io->wr->err;
    }
    return !io->err;
}

void kr_io_bool(struct kr_io *io, bool *v)
{
    if (kr_io_reading(io))
        *v = kr_rd_u8(&io->rd) != 0;
    else
        kr_buf_put_u8(io->wr, *v ? 1 : 0);
}

void kr_io_i8(struct kr_io *io, int8_t *v)
{
    if (kr_io_reading(io))
        *v = (int8_t)kr_rd_u8(&io->rd);
    else
        kr_buf_put_u8(io->wr, (uint8_t)*v);
}

void kr_io_i16(struct kr_io *io, int16_t *v)
{
    if (kr_io_reading(io))
        *v = (int16_t)kr_rd_be16(&io->rd);
    else
        kr_buf_put_be16(io->wr, (uint16_t)*v);
}

void kr_io_u16(struct kr_io *io, uint16_t *v)
{
    if (kr_io_reading(io))
        *v = kr_rd_be16(&io->rd);
    else
        kr_buf_put_be16(io->wr, *v);
}

void kr_io_i32(struct kr_io *io, int32_t *v)
{
    if (kr_io_reading(io))
        *v = (int32_t)kr_rd_be32(&io->rd);
    else
        kr_buf_put_be32(io->wr, (uint32_t)*v);
}

void kr_io_u32(struct kr_io *io, uint32_t *v)
{
    if (kr_io_reading(io))
        *v = kr_rd_be32(&io->rd);
    else
        kr_buf_put_be32(io->wr, *v);
}

void kr_io_i64(struct kr_io *io, int64_t *v)
{
    if (kr_io_reading(io))
        *v = (int64_t)kr_rd_be64(&io->rd);
    else
        kr_buf_put_be64(io->wr, (uint64_t)*v);
}

void kr_io_f64(struct kr_io *io, double *v)
{
    uint64_t u;
    if (kr_io_reading(io)) {
        u = kr_rd_be64(&io->rd);
        memcpy(v, &u, sizeof u);
    } else {
        memcpy(&u, v, sizeof u);
        kr_buf_put_be64(io->wr, u);
    }
}

void kr_io_uuid(struct kr_io *io, struct kr_uuid *v)
{
    if (kr_io_reading(io)) {
        const uint8_t *p = kr_rd_take(&io->rd, 16);
        if (p)
            memcpy(v->b, p, 16);
    } else {
        kr_buf_write(io->wr, v->b, 16);
    }
}

void kr_io_uvarint(struct kr_io *io, uint32_t *v)
{
    if (kr_io_reading(io))
        *v = kr_rd_uvarint(&io->rd);
    else
        kr_buf_put_uvarint(io->wr, *v);
}

/* Reads a length: int16/int32 in classic versions, uvarint N+1 in flexible
 * ones. Returns -1 for null, -2 on error. */
static int64_t read_len(struct kr_io *io, bool wide)
{
    int64_t n;
    if (io->flex)
        n = (int64_t)kr_rd_uvarint(&io->rd) - 1;
    else if (wide)
        n = (int32_t)kr_rd_be32(&io->rd);
    else
        n = (int16_t)kr_rd_be16(&io->rd);
    if (io->rd.err)
        return -2;
    if (n < -1) {
        kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
        return -2;
    }
    return n;
}

static void write_len(struct kr_io *io, int64_t n, bool wide)
{
    if (io->flex)
        kr_buf_put_uvarint(io->wr, (uint64_t)(n + 1));
    else if (wide)
        kr_buf_put_be32(io->wr, (uint32_t)(int32_t)n);
    else
        kr_buf_put_be16(io->wr, (uint16_t)(int16_t)n);
}

/* Shared by strings and bytes: a length-prefixed view. */
static void io_view(struct kr_io *io, const uint8_t **ptr, int32_t *len,
                    bool nullable, bool wide)
{
    if (kr_io_reading(io)) {
        int64_t n = read_len(io, wide);
        *ptr = NULL;
        *len = -1;
        if (n == -2)
            return;
        if (n == -1) {
            if (!nullable)
                kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
            return;
        }
        if (n > INT32_MAX || !kr_rd_need(&io->rd, (size_t)n))
            return (void)kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
        *ptr = kr_rd_take(&io->rd, (size_t)n);
        *len = (int32_t)n;
        return;
    }
    if (*len < 0) {
        if (!nullable)
            return (void)kr_io_fail(io, KRAFKA_ERR_LOCAL_INVALID_ARG);
        write_len(io, -1, wide);
        return;
    }
    if (!wide && !io->flex && *len > INT16_MAX)
        return (void)kr_io_fail(io, KRAFKA_ERR_LOCAL_INVALID_ARG);
    write_len(io, *len, wide);
    kr_buf_write(io->wr, *ptr, (size_t)*len);
}

void kr_io_str(struct kr_io *io, struct kr_str *s, bool nullable)
{
    const uint8_t *p = (const uint8_t *)s->ptr;
    io_view(io, &p, &s->len, nullable, false);
    s->ptr = (const char *)p;
}

void kr_io_bytes(struct kr_io *io, struct kr_bytes *b, bool nullable)
{
    io_view(io, &b->ptr, &b->len, nullable, true);
}

void kr_io_records(struct kr_io *io, struct kr_bytes *b)
{
    if (kr_io_reading(io) || !io->refs || b->len < KR_REF_MIN) {
        kr_io_bytes(io, b, true);
        return;
    }
    write_len(io, b->len, true);
    if (io->wr->err)
        return;
    if (!kr_refs_add(io->refs, io->wr->len, b->ptr, (size_t)b->len))
        kr_io_fail(io, KRAFKA_ERR_LOCAL_NOMEM);
}

int32_t kr_io_array(struct kr_io *io, void **arr, int32_t *cnt, size_t esize,
                    size_t min_wire, bool nullable)
{
    if (!kr_io_reading(io)) {
        if (*cnt < 0 && !nullable) {
            kr_io_fail(io, KRAFKA_ERR_LOCAL_INVALID_ARG);
            return 0;
        }
        write_len(io, *cnt < 0 ? -1 : *cnt, true);
        return kr_io_ok(io) && *cnt > 0 ? *cnt : 0;
    }
    *arr = NULL;
    *cnt = 0;
    int64_t n = read_len(io, true);
    if (n == -2)
        return 0;
    if (n == -1) {
        if (!nullable)
            kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
        else
            *cnt = -1;
        return 0;
    }
    /* The count must fit in the bytes left before anything is allocated. */
    if (n > INT32_MAX || (uint64_t)n * min_wire > kr_rd_left(&io->rd)) {
        kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
        return 0;
    }
    if (n == 0)
        return 0;
    void *p = io->arena ? kr_arena_alloc(io->arena, (size_t)n * esize) : NULL;
    if (!p) {
        kr_io_fail(io, KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
        return 0;
    }
    *arr = p;
    *cnt = (int32_t)n;
    return *cnt;
}

static void read_tags(struct kr_io *io, kr_tag_fn fn, void *obj)
{
    uint32_t n = kr_rd_uvarint(&io->rd);
    /* each tagged field takes at least two bytes: tag and size */
    if ((uint64_t)n * 2 > kr_rd_left(&io->rd))
        return (void)kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
    for (uint32_t i = 0; i < n && kr_io_ok(io); i++) {
        uint32_t tag = kr_rd_uvarint(&io->rd);
        uint32_t size = kr_rd_uvarint(&io->rd);
        const uint8_t *p = kr_rd_take(&io->rd, size);
        if (!p)
            return (void)kr_io_fail(io, KRAFKA_ERR_LOCAL_BAD_MSG);
        if (!fn)
            continue;
        struct kr_io sub = *io;
        kr_rd_init(&sub.rd, p, size);
        if (fn(&sub, tag, obj) && !kr_io_ok(&sub))
            kr_io_fail(io, sub.err);
    }
}

struct tag_span {
    uint32_t tag;
    size_t off, len; /* the field's bytes in the scratch buffer */
};

static void write_tags(struct kr_io *io, kr_tag_fn fn, void *obj)
{
    struct tag_span seen[KR_IO_MAX_TAG + 1];
    uint32_t n = 0;
    struct kr_buf scratch;
    struct kr_io sub;
    kr_buf_init(&scratch, io->wr->max);
    kr_io_init_write(&sub, io->v, io->flex, &scratch);
    for (uint32_t tag = 0; fn && tag <= KR_IO_MAX_TAG; tag++) {
        size_t before = scratch.len;
        if (fn(&sub, tag, obj))
            seen[n++] = (struct tag_span){tag, before, scratch.len - before};
    }
    if (!kr_io_ok(&sub))
        kr_io_fail(io, sub.err);
    kr_buf_put_uvarint(io->wr, n);
    for (uint32_t i = 0; i < n && !scratch.err; i++) {
        kr_buf_put_uvarint(io->wr, seen[i].tag);
        kr_buf_put_uvarint(io->wr, seen[i].len);
        kr_buf_write(io->wr, scratch.data + seen[i].off, seen[i].len);
    }
    kr_buf_free(&scratch);
}

void kr_io_tags(struct kr_io *io, kr_tag_fn fn, void *obj)
{
    if (!io->flex || !kr_io_ok(io))
        return;
    if (kr_io_reading(io))
        read_tags(io, fn, obj);
    else
        write_tags(io, fn, obj);
}
