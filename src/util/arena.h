/*
 * Bump allocator with a hard cap, for decoded responses: everything a
 * decoder allocates comes from one arena and is freed at once. Allocations
 * past the cap fail (NULL), so a hostile array count cannot exhaust memory.
 */
#ifndef KR_UTIL_ARENA_H
#define KR_UTIL_ARENA_H

#include <stddef.h>

struct kr_arena_chunk;

struct kr_arena {
    struct kr_arena_chunk *head; /* owned: list of chunks, newest first */
    size_t used;                 /* bytes handed out plus chunk overhead */
    size_t max;                  /* cap on used */
};

/* Default cap for decoding one response. */
#define KR_ARENA_MAX_DEFAULT ((size_t)64 << 20)

void kr_arena_init(struct kr_arena *a, size_t max);
/* Zeroed, 16-byte aligned memory, or NULL when the cap would be passed. */
void *kr_arena_alloc(struct kr_arena *a, size_t size);
/* Frees every allocation; the arena can be reused. */
void kr_arena_reset(struct kr_arena *a);
void kr_arena_destroy(struct kr_arena *a);

#endif
