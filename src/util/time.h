/* Monotonic clock helpers. */
#ifndef KR_UTIL_TIME_H
#define KR_UTIL_TIME_H

#include <stdint.h>
#include <time.h>

/* Microseconds on the monotonic clock. */
static inline int64_t kr_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline int64_t kr_now_ms(void)
{
    return kr_now_us() / 1000;
}

#endif
