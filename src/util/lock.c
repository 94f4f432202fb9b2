/* The contended half of struct kr_lock (lock.h): spin, then futex. */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/lock.h"

/* Spins before sleeping: a holder appending one record is done in well
 * under a microsecond. */
#define SPINS 100

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

void kr_lock_wait(struct kr_lock *l)
{
    for (int i = 0; i < SPINS; i++) {
        int free = 0;
        if (atomic_load_explicit(&l->v, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&l->v, &free, 1,
                                                  memory_order_acquire,
                                                  memory_order_relaxed))
            return;
        cpu_relax();
    }
    /* Mark it waited for (2); whoever unlocks wakes one sleeper, which
     * takes it as 2 again, since others may still sleep. */
    while (atomic_exchange_explicit(&l->v, 2, memory_order_acquire) != 0)
        syscall(SYS_futex, &l->v, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
}

void kr_lock_wake(struct kr_lock *l)
{
    syscall(SYS_futex, &l->v, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
