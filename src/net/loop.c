#include "net/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/time.h"

#define NO_IDX ((size_t)-1)
#define OV_IDX ((size_t)-2) /* on the overflow list */
#define MAX_EVENTS 64

int kr_loop_init(struct kr_loop *l)
{
    *l = (struct kr_loop){.epfd = -1, .evfd = -1};
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0)
        return -1;
    l->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (l->evfd < 0)
        goto fail;
    /* The eventfd is the only watch with a NULL data pointer. */
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &ev) < 0)
        goto fail;
    return 0;
fail:;
    int e = errno;
    kr_loop_destroy(l);
    errno = e;
    return -1;
}

void kr_loop_destroy(struct kr_loop *l)
{
    if (l->evfd >= 0)
        close(l->evfd);
    if (l->epfd >= 0)
        close(l->epfd);
    free(l->heap);
    *l = (struct kr_loop){.epfd = -1, .evfd = -1};
}

void kr_loop_wake(struct kr_loop *l)
{
    uint64_t one = 1;
    /* EAGAIN means the counter is already non-zero: a wakeup is pending. */
    ssize_t r = write(l->evfd, &one, sizeof one);
    (void)r;
}

int kr_watch_set(struct kr_loop *l, struct kr_watch *w, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = w};
    int op = w->events == (uint32_t)-1 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if (op == EPOLL_CTL_MOD && w->events == events)
        return 0;
    if (epoll_ctl(l->epfd, op, w->fd, &ev) < 0)
        return -1;
    w->events = events;
    return 0;
}

void kr_watch_clear(struct kr_loop *l, struct kr_watch *w)
{
    if (w->fd >= 0 && w->events != (uint32_t)-1)
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
    w->events = (uint32_t)-1;
}

/* ---- timer heap ---- */

static void heap_swap(struct kr_loop *l, size_t a, size_t b)
{
    struct kr_timer *t = l->heap[a];
    l->heap[a] = l->heap[b];
    l->heap[b] = t;
    l->heap[a]->idx = a;
    l->heap[b]->idx = b;
}

static void heap_up(struct kr_loop *l, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (l->heap[p]->due_us <= l->heap[i]->due_us)
            break;
        heap_swap(l, p, i);
        i = p;
    }
}

static void heap_down(struct kr_loop *l, size_t i)
{
    for (;;) {
        size_t m = i, a = 2 * i + 1, b = a + 1;
        if (a < l->heap_cnt && l->heap[a]->due_us < l->heap[m]->due_us)
            m = a;
        if (b < l->heap_cnt && l->heap[b]->due_us < l->heap[m]->due_us)
            m = b;
        if (m == i)
            return;
        heap_swap(l, i, m);
        i = m;
    }
}

void kr_timer_init(struct kr_timer *t,
                   void (*cb)(struct kr_loop *, struct kr_timer *), void *arg)
{
    *t = (struct kr_timer){.idx = NO_IDX, .cb = cb, .arg = arg};
}

static bool ov_unlink(struct kr_timer **at, struct kr_timer *t)
{
    while (*at && *at != t)
        at = &(*at)->ov_next;
    if (!*at)
        return false;
    *at = t->ov_next;
    t->ov_next = NULL;
    return true;
}

void kr_timer_stop(struct kr_loop *l, struct kr_timer *t)
{
    size_t i = t->idx;
    if (i == NO_IDX)
        return;
    if (i == OV_IDX) {
        if (!ov_unlink(&l->overflow, t))
            ov_unlink(&l->ov_run, t);
        t->idx = NO_IDX;
        return;
    }
    l->heap_cnt--;
    if (i != l->heap_cnt) {
        l->heap[i] = l->heap[l->heap_cnt];
        l->heap[i]->idx = i;
        heap_down(l, i);
        heap_up(l, i);
    }
    t->idx = NO_IDX;
}

static bool heap_reserve(struct kr_loop *l)
{
    if (l->heap_cnt < l->heap_cap)
        return true;
    size_t cap = l->heap_cap ? l->heap_cap * 2 : 64;
    struct kr_timer **h = realloc(l->heap, cap * sizeof *h);
    if (!h)
        return false;
    l->heap = h;
    l->heap_cap = cap;
    return true;
}

void kr_timer_at(struct kr_loop *l, struct kr_timer *t, int64_t due_us)
{
    kr_timer_stop(l, t);
    t->due_us = due_us;
    /* Out of memory for the heap: the overflow list keeps the timer. */
    if (!heap_reserve(l)) {
        t->idx = OV_IDX;
        t->ov_next = l->overflow;
        l->overflow = t;
        return;
    }
    t->idx = l->heap_cnt++;
    l->heap[t->idx] = t;
    heap_up(l, t->idx);
}

void kr_timer_after_ms(struct kr_loop *l, struct kr_timer *t, int64_t ms)
{
    kr_timer_at(l, t, kr_now_us() + ms * 1000);
}

/* ---- running ---- */

/* Overflow timers: into the heap while it can grow; those still on the
 * list and due run here. */
static int run_overflow(struct kr_loop *l, int64_t now)
{
    int n = 0;
    while (l->overflow && heap_reserve(l)) {
        struct kr_timer *t = l->overflow;
        kr_timer_stop(l, t);
        kr_timer_at(l, t, t->due_us);
    }
    /* Each listed timer once: a callback may re-arm (onto the list). */
    l->ov_run = l->overflow;
    l->overflow = NULL;
    while (l->ov_run) {
        struct kr_timer *t = l->ov_run;
        l->ov_run = t->ov_next;
        t->ov_next = NULL;
        if (t->due_us <= now) {
            t->idx = NO_IDX;
            t->cb(l, t);
            n++;
        } else {
            t->ov_next = l->overflow;
            l->overflow = t;
        }
    }
    return n;
}

static int run_timers(struct kr_loop *l)
{
    int64_t now = kr_now_us();
    int n = l->overflow ? run_overflow(l, now) : 0;
    while (l->heap_cnt > 0 && l->heap[0]->due_us <= now) {
        struct kr_timer *t = l->heap[0];
        kr_timer_stop(l, t);
        t->cb(l, t);
        n++;
    }
    return n;
}

static int wait_ms(const struct kr_loop *l, int max_wait_ms)
{
    int64_t due = l->heap_cnt ? l->heap[0]->due_us : INT64_MAX;
    for (const struct kr_timer *t = l->overflow; t; t = t->ov_next)
        if (t->due_us < due)
            due = t->due_us;
    if (due == INT64_MAX)
        return max_wait_ms;
    int64_t d = due - kr_now_us();
    /* Round up so a timer is never woken for a few microseconds early. */
    int64_t ms = d <= 0 ? 0 : (d + 999) / 1000;
    if (max_wait_ms >= 0 && ms > max_wait_ms)
        ms = max_wait_ms;
    return ms > 60000 ? 60000 : (int)ms;
}

static void drain_eventfd(struct kr_loop *l)
{
    uint64_t v;
    ssize_t r = read(l->evfd, &v, sizeof v);
    (void)r;
    if (l->on_wake)
        l->on_wake(l, l->wake_arg);
}

int kr_loop_run_once(struct kr_loop *l, int max_wait_ms)
{
    struct epoll_event evs[MAX_EVENTS];
    int n = epoll_wait(l->epfd, evs, MAX_EVENTS, wait_ms(l, max_wait_ms));
    if (n < 0 && errno != EINTR)
        return -1;
    int ran = 0;
    for (int i = 0; i < n; i++) {
        struct kr_watch *w = evs[i].data.ptr;
        if (!w)
            drain_eventfd(l);
        else
            w->cb(l, w, evs[i].events);
        ran++;
    }
    return ran + run_timers(l);
}
