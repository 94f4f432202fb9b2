/*
 * Bytes a writer references instead of copying: a frame is the bytes of a
 * kr_buf with, after @at bytes of it, each referenced span inserted in
 * order. A ProduceRequest references its record batches this way, and the
 * connection writes buffer and batches with one sendmsg (an iovec), so no
 * batch is copied into the frame.
 *
 * The referenced bytes are borrowed: they must stay alive and unchanged
 * until the frame is written (a request's message is borrowed until done).
 */
#ifndef KR_UTIL_REFS_H
#define KR_UTIL_REFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct kr_ref {
    size_t at;          /* inserted after this many bytes of the buffer */
    const uint8_t *ptr; /* borrowed */
    size_t len;
};

struct kr_refs {
    struct kr_ref *v;   /* owned, in order of at */
    size_t cnt, cap;
    size_t bytes;       /* sum of the lengths */
};

/* Spans shorter than this are cheaper copied than given their own iovec
 * entry. */
#define KR_REF_MIN 512

static inline void kr_refs_init(struct kr_refs *r)
{
    *r = (struct kr_refs){0};
}

void kr_refs_free(struct kr_refs *r);
/* Drops the spans, keeps the memory. */
void kr_refs_reset(struct kr_refs *r);
/* Appends a span at @at (>= the last one's); false when out of memory. */
bool kr_refs_add(struct kr_refs *r, size_t at, const void *p, size_t len);

/*
 * The frame's bytes from @off on (0 <= @off <= @len + refs->bytes) as at
 * most @max iovec entries in @iov: @buf/@len interleaved with @refs (NULL:
 * none). Returns the number of entries (0 when nothing is left); when more
 * than @max would be needed the first @max are given.
 */
size_t kr_refs_iov(const uint8_t *buf, size_t len, const struct kr_refs *refs,
                   size_t off, struct iovec *iov, size_t max);

#endif
