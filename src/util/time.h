/* Monotonic clock helpers, and a cheaper clock for once-per-record reads. */
#ifndef KR_UTIL_TIME_H
#define KR_UTIL_TIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

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

/*
 * kr_now_us() from the CPU's time-stamp counter: rdtsc took 8.6 ns a read
 * and clock_gettime(CLOCK_MONOTONIC) 19.7 ns on the 2-core EPYC VM the
 * benchmarks run on (a loop of 20 M reads, pinned). Only
 * where the kernel itself keeps time with the TSC (clocksource "tsc":
 * constant rate, synchronised across CPUs) on x86-64; elsewhere, and
 * until calibrated, every read is kr_now_us().
 *
 * The line us = base_us + (tsc - base_tsc) * mult / 2^32 is fitted
 * against CLOCK_MONOTONIC by kr_fastclock_tick(), which the owner calls
 * from one thread (1 ms after init, then at doubling intervals up to once
 * a second); a read more than ~2 s of ticks after the last fit falls back
 * to kr_now_us(). A re-fit may step the
 * clock back by the fit's error (under a microsecond once a second has
 * been measured): use it for enqueue times and latencies, not for
 * ordering.
 *
 * Thread-safety: kr_fastclock_now_us from any thread; init and sync from
 * one thread at a time (a seqlock guards the line).
 */
struct kr_fastclock {
    atomic_uint seq;                  /* odd while sync writes */
    atomic_uint_fast64_t base_tsc;
    atomic_int_fast64_t base_us;
    atomic_uint_fast64_t mult;        /* us per tick, times 2^32; 0: off */
    atomic_uint_fast64_t max_ticks;   /* beyond: fall back */
    /* sync's own state (one thread). */
    bool usable;                      /* TSC checked at init */
    uint64_t first_tsc;               /* the fit's first point */
    int64_t first_ns;
    int64_t next_ns;                  /* when tick re-fits */
};

/* Checks whether the TSC can be used and takes the first point. */
void kr_fastclock_init(struct kr_fastclock *fc);
/* Re-fits the line (the first fit needs 1 ms since init). */
void kr_fastclock_sync(struct kr_fastclock *fc);
/* Re-fits when due: after 1 ms, when the history has doubled, then each
 * second. @now_us: kr_now_us(). Call it often (each I/O pass). */
void kr_fastclock_tick(struct kr_fastclock *fc, int64_t now_us);

static inline int64_t kr_fastclock_now_us(struct kr_fastclock *fc)
{
#if defined(__x86_64__)
    unsigned s = atomic_load_explicit(&fc->seq, memory_order_acquire);
    uint64_t mult = atomic_load_explicit(&fc->mult, memory_order_relaxed);
    uint64_t t0 = atomic_load_explicit(&fc->base_tsc, memory_order_relaxed);
    int64_t us0 = atomic_load_explicit(&fc->base_us, memory_order_relaxed);
    uint64_t max = atomic_load_explicit(&fc->max_ticks, memory_order_relaxed);
    atomic_thread_fence(memory_order_acquire);
    if (mult && !(s & 1) &&
        atomic_load_explicit(&fc->seq, memory_order_relaxed) == s) {
        uint64_t d = __rdtsc() - t0; /* a TSC behind base wraps: > max */
        if (d <= max)
            return us0 + (int64_t)((d * mult) >> 32);
    }
#else
    (void)fc;
#endif
    return kr_now_us();
}

#endif
