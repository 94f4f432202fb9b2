/*
 * Logging: a level filter, `debug` context bits and a callback (stderr by
 * default, never stdout). Lines are formatted into a bounded stack buffer
 * and truncated, never allocated.
 *
 * Thread: a struct kr_log is written before the handle starts its I/O
 * thread and only read after; kr_log_write() may run on any thread.
 */
#ifndef KR_UTIL_LOG_H
#define KR_UTIL_LOG_H

#include <stdint.h>

#include "krafka/conf.h"

struct kr_log {
    int level;          /* lines above this level are dropped */
    uint32_t debug;     /* enum kr_debug bits; debug lines need one set */
    krafka_log_cb cb;   /* NULL: stderr */
    void *opaque;       /* borrowed, passed to cb */
    const char *prefix; /* borrowed, e.g. the client.id; may be NULL */
};

/* Longest line; longer ones are cut. */
#define KR_LOG_LINE_MAX 512

void kr_log_write(const struct kr_log *lg, int level, const char *fac,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define kr_log(lg, lvl, fac, ...)                                              \
    do {                                                                       \
        if ((lvl) <= (lg)->level)                                              \
            kr_log_write((lg), (lvl), (fac), __VA_ARGS__);                     \
    } while (0)

/* A debug line for context bits @ctx (enum kr_debug). */
#define kr_dbg(lg, ctx, fac, ...)                                              \
    do {                                                                       \
        if (((lg)->debug & (ctx)) && (lg)->level >= KRAFKA_LOG_DEBUG)          \
            kr_log_write((lg), KRAFKA_LOG_DEBUG, (fac), __VA_ARGS__);          \
    } while (0)

#endif
