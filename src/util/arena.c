/* Capped bump allocator. */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct kr_arena_chunk {
    struct kr_arena_chunk *next;
    size_t size; /* usable bytes after the header */
    size_t off;  /* bytes handed out */
    _Alignas(16) unsigned char mem[];
};

#define CHUNK_MIN 4096

void kr_arena_init(struct kr_arena *a, size_t max)
{
    a->head = NULL;
    a->used = 0;
    a->max = max ? max : KR_ARENA_MAX_DEFAULT;
}

void *kr_arena_alloc(struct kr_arena *a, size_t size)
{
    if (size > a->max)
        return NULL;
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    struct kr_arena_chunk *c = a->head;
    if (c && c->size - c->off >= size) {
        void *p = c->mem + c->off;
        c->off += size;
        memset(p, 0, size);
        return p;
    }
    size_t csize = size > CHUNK_MIN ? size : CHUNK_MIN;
    if (c && c->size * 2 > csize && c->size * 2 <= ((size_t)1 << 20))
        csize = c->size * 2;
    /* invariant: used <= max */
    if (csize + sizeof *c > a->max - a->used)
        return NULL;
    c = malloc(sizeof *c + csize);
    if (!c)
        return NULL;
    c->next = a->head;
    c->size = csize;
    c->off = size;
    a->head = c;
    a->used += csize + sizeof *c;
    memset(c->mem, 0, size);
    return c->mem;
}

void kr_arena_reset(struct kr_arena *a)
{
    kr_arena_destroy(a);
}

void kr_arena_destroy(struct kr_arena *a)
{
    struct kr_arena_chunk *c = a->head;
    while (c) {
        struct kr_arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used = 0;
}
