/*
 * struct kr_lock (util/lock.h): mutual exclusion under contention, with
 * holders that sleep (so waiters reach the futex path), and no lost
 * wake-ups (every thread finishes).
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "kt_check.h"
#include "util/lock.h"

#define THREADS 8
#define ROUNDS 200000

struct shared {
    struct kr_lock lock;
    long counter;   /* guarded by lock, non-atomic on purpose */
    int inside;     /* holders at once: must stay 0 or 1 */
    int max_inside;
    int sleep_every; /* 0: never sleep while holding */
};

static void *worker(void *arg)
{
    struct shared *s = arg;
    for (int i = 0; i < ROUNDS; i++) {
        kr_lock(&s->lock);
        s->inside++;
        if (s->inside > s->max_inside)
            s->max_inside = s->inside;
        s->counter++;
        if (s->sleep_every && i % s->sleep_every == 0) {
            struct timespec ts = {0, 20000}; /* 20 us while holding */
            nanosleep(&ts, NULL);
        }
        s->inside--;
        kr_unlock(&s->lock);
    }
    return NULL;
}

static void run(int sleep_every)
{
    struct shared s = {.sleep_every = sleep_every};
    kr_lock_init(&s.lock);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &s), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(s.counter, (long)THREADS * ROUNDS);
    ck_assert_int_eq(s.max_inside, 1);
    ck_assert_int_eq(atomic_load(&s.lock.v), 0);
}

START_TEST(eight_threads_never_hold_it_at_once)
{
    run(0);
}
END_TEST

START_TEST(holders_that_sleep_make_waiters_sleep_and_wake)
{
    run(2000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lock");
    TCase *tc = tcase_create("lock");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, eight_threads_never_hold_it_at_once);
    tcase_add_test(tc, holders_that_sleep_make_waiters_sleep_and_wake);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
