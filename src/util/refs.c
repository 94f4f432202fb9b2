/* Referenced spans of a frame, and the frame as an iovec. */
#include "util/refs.h"

#include <stdlib.h>

void kr_refs_free(struct kr_refs *r)
{
    free(r->v);
    kr_refs_init(r);
}

void kr_refs_reset(struct kr_refs *r)
{
    r->cnt = 0;
    r->bytes = 0;
}

bool kr_refs_add(struct kr_refs *r, size_t at, const void *p, size_t len)
{
    if (r->cnt == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        struct kr_ref *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return false;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->cnt++] = (struct kr_ref){at, p, len};
    r->bytes += len;
    return true;
}

/* Adds the part of span [@p, @p + @n) that lies at or after frame offset
 * @off, given the span starts at frame offset *@pos (advanced past it). */
static void span(struct iovec *iov, size_t *cnt, size_t max, size_t *pos,
                 const uint8_t *p, size_t n, size_t off)
{
    size_t start = *pos;
    *pos += n;
    if (*cnt == max || n == 0 || *pos <= off)
        return;
    size_t skip = off > start ? off - start : 0;
    iov[*cnt] = (struct iovec){(void *)(uintptr_t)(p + skip), n - skip};
    (*cnt)++;
}

size_t kr_refs_iov(const uint8_t *buf, size_t len, const struct kr_refs *refs,
                   size_t off, struct iovec *iov, size_t max)
{
    size_t cnt = 0, pos = 0, at = 0;
    size_t nref = refs ? refs->cnt : 0;
    for (size_t i = 0; i < nref && cnt < max; i++) {
        const struct kr_ref *r = &refs->v[i];
        span(iov, &cnt, max, &pos, buf + at, r->at - at, off);
        span(iov, &cnt, max, &pos, r->ptr, r->len, off);
        at = r->at;
    }
    span(iov, &cnt, max, &pos, buf + at, len - at, off);
    return cnt;
}
