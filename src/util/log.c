#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *const level_names[] = {"EMERG", "ALERT", "CRIT",
                                          "ERR",   "WARN",  "NOTICE",
                                          "INFO",  "DEBUG"};

static void log_stderr(const struct kr_log *lg, int level, const char *fac,
                       const char *msg)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const char *lvl = level >= 0 && level <= 7 ? level_names[level] : "?";
    /* One fprintf per line, so lines from several threads don't mix. */
    fprintf(stderr, "%%%d|%lld.%03ld|%s|%s|%s: %s\n", level,
            (long long)ts.tv_sec, ts.tv_nsec / 1000000, lvl, fac,
            lg->prefix ? lg->prefix : "krafka", msg);
}

void kr_log_write(const struct kr_log *lg, int level, const char *fac,
                  const char *fmt, ...)
{
    char line[KR_LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (lg->cb)
        lg->cb(lg->opaque, level, fac, line);
    else
        log_stderr(lg, level, fac, line);
}
