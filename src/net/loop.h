/*
 * The I/O thread's event loop: epoll for sockets, an eventfd that other
 * threads write to wake it, and a min-heap of timers, so the thread sleeps
 * exactly until the next event or deadline (no busy polling).
 *
 * Thread: everything but kr_loop_wake() runs on the loop's thread only.
 */
#ifndef KR_NET_LOOP_H
#define KR_NET_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kr_loop;

/* A watched file descriptor; embedded in its owner (a connection). */
struct kr_watch {
    int fd;          /* -1 when not watched */
    uint32_t events; /* requested EPOLLIN|EPOLLOUT; (uint32_t)-1: none */
    void (*cb)(struct kr_loop *l, struct kr_watch *w, uint32_t events);
    void *arg;       /* borrowed: the owner */
};

/* A one-shot timer; embedded in its owner. */
struct kr_timer {
    int64_t due_us;  /* monotonic */
    size_t idx;      /* position in the heap; SIZE_MAX when not armed,
                      * SIZE_MAX - 1 on the overflow list */
    void (*cb)(struct kr_loop *l, struct kr_timer *t);
    void *arg;       /* borrowed: the owner */
    struct kr_timer *ov_next; /* on the overflow list */
};

struct kr_loop {
    int epfd;                /* owned */
    int evfd;                /* owned: eventfd for wakeups */
    struct kr_timer **heap;  /* owned array of borrowed timers */
    size_t heap_cnt, heap_cap;
    /* Timers armed while the heap could not grow (no memory): a list
     * that needs none, moved into the heap when it can grow again. */
    struct kr_timer *overflow;
    struct kr_timer *ov_run; /* overflow timers being run */
    void (*on_wake)(struct kr_loop *l, void *arg); /* eventfd fired */
    void *wake_arg;
};

/* Returns 0, or -1 with errno set. */
int kr_loop_init(struct kr_loop *l);
void kr_loop_destroy(struct kr_loop *l);

/* Any thread: makes the loop call on_wake soon. Async-signal-safe. */
void kr_loop_wake(struct kr_loop *l);

static inline void kr_watch_init(struct kr_watch *w,
                                 void (*cb)(struct kr_loop *, struct kr_watch *,
                                            uint32_t),
                                 void *arg)
{
    *w = (struct kr_watch){.fd = -1, .events = (uint32_t)-1, .cb = cb,
                           .arg = arg};
}

/* Watches w->fd for @events (EPOLLIN/EPOLLOUT); 0 or -1 with errno. A
 * watch is updated in place; @events 0 keeps the fd registered for errors
 * and hang-ups only. */
int kr_watch_set(struct kr_loop *l, struct kr_watch *w, uint32_t events);
/* Stops watching w->fd (before closing it). */
void kr_watch_clear(struct kr_loop *l, struct kr_watch *w);

void kr_timer_init(struct kr_timer *t,
                   void (*cb)(struct kr_loop *, struct kr_timer *),
                   void *arg);
/* (Re)arms @t to fire at monotonic time @due_us. */
void kr_timer_at(struct kr_loop *l, struct kr_timer *t, int64_t due_us);
void kr_timer_after_ms(struct kr_loop *l, struct kr_timer *t, int64_t ms);
void kr_timer_stop(struct kr_loop *l, struct kr_timer *t);
static inline bool kr_timer_armed(const struct kr_timer *t)
{
    return t->idx != (size_t)-1;
}

/* Waits for events at most until the next timer or @max_wait_ms (-1: no
 * limit), runs the callbacks and the due timers. Returns the number of
 * callbacks run, or -1 when epoll fails. */
int kr_loop_run_once(struct kr_loop *l, int max_wait_ms);

#endif
