/*
 * The TSC clock (util/time.h): it agrees with CLOCK_MONOTONIC before and
 * after its first fit, does not run backwards between fits, and falls
 * back to the monotonic clock when its fit is stale.
 */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "kt_check.h"
#include "util/time.h"

/* Agreement bound: far above the fit's error (under 1 us after a second,
 * ~20 us after the first millisecond), far below a scheduling hiccup
 * that could fall between the two reads of a comparison. */
#define AGREE_US 2000

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* |fast - monotonic| over @n reads, the smaller of the two orders. */
static void check_agrees(struct kr_fastclock *fc, int n)
{
    for (int i = 0; i < n; i++) {
        int64_t a = kr_now_us();
        int64_t f = kr_fastclock_now_us(fc);
        int64_t b = kr_now_us();
        ck_assert_int_ge(f, a - AGREE_US);
        ck_assert_int_le(f, b + AGREE_US);
    }
}

/* Fits the clock (1 ms of history, then a doubled one). */
static void fit(struct kr_fastclock *fc)
{
    kr_fastclock_init(fc);
    for (int i = 0; i < 3; i++) {
        sleep_ms(2 << i);
        kr_fastclock_tick(fc, kr_now_us());
    }
}

START_TEST(unfitted_reads_are_the_monotonic_clock)
{
    struct kr_fastclock fc;
    kr_fastclock_init(&fc);
    ck_assert_uint_eq(atomic_load(&fc.mult), 0);
    check_agrees(&fc, 1000);
}
END_TEST

START_TEST(fitted_reads_agree_with_the_monotonic_clock)
{
    struct kr_fastclock fc;
    fit(&fc);
    /* Where the kernel keeps time with the TSC, the fit is in use. */
    if (fc.usable)
        ck_assert_uint_ne(atomic_load(&fc.mult), 0);
    check_agrees(&fc, 100000);
    sleep_ms(50); /* extrapolated 50 ms past the fit */
    check_agrees(&fc, 1000);
}
END_TEST

START_TEST(reads_between_fits_never_go_back)
{
    struct kr_fastclock fc;
    fit(&fc);
    int64_t last = kr_fastclock_now_us(&fc);
    for (int i = 0; i < 1000000; i++) {
        int64_t t = kr_fastclock_now_us(&fc);
        ck_assert_int_ge(t, last);
        last = t;
    }
}
END_TEST

START_TEST(a_stale_fit_falls_back_to_the_monotonic_clock)
{
    struct kr_fastclock fc;
    fit(&fc);
    if (!fc.usable)
        return; /* no TSC here: every read is the monotonic clock */
    /* A fit whose base lies past the extrapolation limit, or ahead of
     * the counter (wraps to a huge distance), and a corrupt base time
     * that would be a day off: the reads must not use it. */
    uint64_t max = atomic_load(&fc.max_ticks);
    atomic_store(&fc.base_us, atomic_load(&fc.base_us) - 86400000000LL);
    atomic_store(&fc.base_tsc, atomic_load(&fc.base_tsc) - max - 1000);
    check_agrees(&fc, 1000);
    atomic_store(&fc.base_tsc, atomic_load(&fc.base_tsc) + 2 * max);
    check_agrees(&fc, 1000);
}
END_TEST

START_TEST(a_write_in_progress_is_not_read)
{
    struct kr_fastclock fc;
    fit(&fc);
    /* An odd sequence: sync is writing; readers use the monotonic
     * clock instead of a half-written line. */
    atomic_fetch_add(&fc.seq, 1);
    atomic_store(&fc.base_us, 0);
    check_agrees(&fc, 1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("fastclock");
    tcase_add_test(tc, unfitted_reads_are_the_monotonic_clock);
    tcase_add_test(tc, fitted_reads_agree_with_the_monotonic_clock);
    tcase_add_test(tc, reads_between_fits_never_go_back);
    tcase_add_test(tc, a_stale_fit_falls_back_to_the_monotonic_clock);
    tcase_add_test(tc, a_write_in_progress_is_not_read);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
