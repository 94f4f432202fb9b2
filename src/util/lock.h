/*
 * A small mutex for the producer's per-record path: the uncontended lock
 * and unlock are one atomic instruction each, inline (pthread_mutex_lock
 * and _unlock are calls through the PLT with type checks around the same
 * instructions). Contended, it spins briefly, then sleeps on a futex.
 * Not recursive, no owner checks, no condition variables.
 *
 * Thread-safety: any thread; unlock by the thread that locked.
 */
#ifndef KR_UTIL_LOCK_H
#define KR_UTIL_LOCK_H

#include <stdatomic.h>

struct kr_lock {
    atomic_int v; /* 0 free, 1 held, 2 held and maybe waited for */
};

void kr_lock_wait(struct kr_lock *l);
void kr_lock_wake(struct kr_lock *l);

static inline void kr_lock_init(struct kr_lock *l)
{
    atomic_init(&l->v, 0);
}

static inline void kr_lock(struct kr_lock *l)
{
    int free = 0;
    if (!atomic_compare_exchange_strong_explicit(
            &l->v, &free, 1, memory_order_acquire, memory_order_relaxed))
        kr_lock_wait(l);
}

static inline void kr_unlock(struct kr_lock *l)
{
    if (atomic_exchange_explicit(&l->v, 0, memory_order_release) == 2)
        kr_lock_wake(l);
}

#endif
