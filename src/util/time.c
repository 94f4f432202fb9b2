/* The TSC clock (time.h): checks and the fit against CLOCK_MONOTONIC. */
#include <stdio.h>
#include <string.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "util/time.h"

/* Reads past ~2 s of ticks fall back (sync runs about once a second). */
#define MAX_EXTRAPOLATE_NS 2000000000.0

#if defined(__x86_64__) && defined(__linux__)
/* The kernel keeps time with the TSC, and rdtsc is allowed here. */
static bool tsc_usable(void)
{
    int tsc_mode = 0;
    if (prctl(PR_GET_TSC, &tsc_mode, 0, 0, 0) != 0 ||
        tsc_mode != PR_TSC_ENABLE)
        return false;
    FILE *f = fopen(
        "/sys/devices/system/clocksource/clocksource0/current_clocksource",
        "re");
    if (!f)
        return false;
    char cs[32] = "";
    bool ok = fgets(cs, sizeof cs, f) && strcmp(cs, "tsc\n") == 0;
    fclose(f);
    return ok;
}

/* A (tsc, ns) point, the TSC read on both sides of the clock read; false
 * when the reads were too far apart (preempted) to trust. */
static bool point(uint64_t *tsc, int64_t *ns)
{
    for (int tries = 0; tries < 4; tries++) {
        struct timespec ts;
        uint64_t a = __rdtsc();
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t b = __rdtsc();
        if (b - a < 100000) { /* ~30-50 us at any TSC rate in use */
            *tsc = a + (b - a) / 2;
            *ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
            return true;
        }
    }
    return false;
}
#endif

void kr_fastclock_init(struct kr_fastclock *fc)
{
    memset(fc, 0, sizeof *fc);
#if defined(__x86_64__) && defined(__linux__)
    fc->usable = tsc_usable() && point(&fc->first_tsc, &fc->first_ns);
    fc->next_ns = fc->first_ns + 1000000;
#endif
}

void kr_fastclock_sync(struct kr_fastclock *fc)
{
#if defined(__x86_64__) && defined(__linux__)
    uint64_t tsc;
    int64_t ns;
    if (!fc->usable || !point(&tsc, &ns))
        return;
    int64_t dns = ns - fc->first_ns;
    uint64_t dtsc = tsc - fc->first_tsc;
    if (dns < 1000000 || tsc <= fc->first_tsc)
        return; /* not yet 1 ms of history: keep the slow clock */
    /* The fit's error shrinks as its history grows: re-fit when the
     * history has doubled, then once a second. */
    fc->next_ns = ns + (dns < 1000000000 ? dns : 1000000000);
    double us_per_tick = (double)dns / 1000.0 / (double)dtsc;
    /* Below 1 MHz or above 100 GHz is no TSC: give up on it. */
    if (us_per_tick > 1.0 || us_per_tick < 1e-5) {
        fc->usable = false;
        atomic_store(&fc->mult, 0);
        return;
    }
    uint64_t mult = (uint64_t)(us_per_tick * 4294967296.0);
    uint64_t max = (uint64_t)(MAX_EXTRAPOLATE_NS / 1000.0 / us_per_tick);
    unsigned s = atomic_load_explicit(&fc->seq, memory_order_relaxed);
    atomic_store_explicit(&fc->seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&fc->base_tsc, tsc, memory_order_relaxed);
    atomic_store_explicit(&fc->base_us, ns / 1000, memory_order_relaxed);
    atomic_store_explicit(&fc->mult, mult, memory_order_relaxed);
    atomic_store_explicit(&fc->max_ticks, max, memory_order_relaxed);
    atomic_store_explicit(&fc->seq, s + 2, memory_order_release);
#else
    (void)fc;
#endif
}

void kr_fastclock_tick(struct kr_fastclock *fc, int64_t now_us)
{
    if (fc->usable && now_us * 1000 >= fc->next_ns)
        kr_fastclock_sync(fc);
}
