#include "net/resolve.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/loop.h"

/* The state one lookup thread shares with the resolver. */
struct kr_resolve_job {
    pthread_mutex_t lock;
    int refs;                /* guarded by lock: resolver + thread */
    bool abandoned;          /* guarded by lock: nobody wants the result */
    atomic_bool done;        /* rc, sys_errno and ai are set */
    struct kr_loop *loop;    /* borrowed; used under lock, if !abandoned */
    kr_getaddrinfo_fn fn;
    struct addrinfo hints;
    char host[256];
    char port[8];
    int rc;                  /* getaddrinfo()'s */
    int sys_errno;           /* errno, for EAI_SYSTEM */
    struct addrinfo *ai;     /* owned until delivered */
};

static void job_free(struct kr_resolve_job *job)
{
    if (job->ai)
        freeaddrinfo(job->ai);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

/* Drops one reference; the last frees the job. Returns with the lock not
 * held. */
static void job_release(struct kr_resolve_job *job, bool abandon)
{
    pthread_mutex_lock(&job->lock);
    if (abandon)
        job->abandoned = true;
    bool last = --job->refs == 0;
    pthread_mutex_unlock(&job->lock);
    if (last)
        job_free(job);
}

static void *lookup_main(void *arg)
{
    struct kr_resolve_job *job = arg;
    struct addrinfo *ai = NULL;
    int rc = job->fn(job->host, job->port, &job->hints, &ai);
    int e = errno;
    pthread_mutex_lock(&job->lock);
    job->rc = rc;
    job->sys_errno = e;
    job->ai = rc == 0 ? ai : NULL;
    atomic_store_explicit(&job->done, true, memory_order_release);
    /* Under the lock: an owner that abandons the job takes the lock
     * first, so the loop (and its eventfd) is never used after that. */
    if (!job->abandoned)
        kr_loop_wake(job->loop);
    bool last = --job->refs == 0;
    pthread_mutex_unlock(&job->lock);
    if (last)
        job_free(job);
    return NULL;
}

/* Starts the thread of @lk's lookup; 0 or an errno. */
static int spawn(struct kr_resolver *r, struct kr_lookup *lk)
{
    struct kr_resolve_job *job = calloc(1, sizeof *job);
    if (!job)
        return ENOMEM;
    pthread_mutex_init(&job->lock, NULL);
    job->refs = 2;
    atomic_init(&job->done, false);
    job->loop = r->loop;
    job->fn = r->fn;
    job->hints = (struct addrinfo){.ai_socktype = SOCK_STREAM,
                                   .ai_family = lk->family};
    memcpy(job->host, lk->host, sizeof job->host);
    memcpy(job->port, lk->port, sizeof job->port);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* The application's signal handlers never run on a lookup thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t th;
    int rc = pthread_create(&th, &attr, lookup_main, job);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        job_free(job);
        return rc;
    }
    lk->job = job;
    r->running[r->running_cnt++] = lk;
    return 0;
}

void kr_resolver_init(struct kr_resolver *r, struct kr_loop *loop)
{
    *r = (struct kr_resolver){.loop = loop, .fn = getaddrinfo};
}

int kr_resolver_start(struct kr_resolver *r, struct kr_lookup *lk,
                      const char *host, int port, int family)
{
    snprintf(lk->host, sizeof lk->host, "%s", host);
    snprintf(lk->port, sizeof lk->port, "%d", port);
    lk->family = family;
    if (r->running_cnt < KR_RESOLVE_MAX_INFLIGHT)
        return spawn(r, lk);
    lk->next = NULL;
    lk->waiting = true;
    if (r->wait_tail)
        r->wait_tail->next = lk;
    else
        r->wait_head = lk;
    r->wait_tail = lk;
    return 0;
}

static void unlink_waiting(struct kr_resolver *r, struct kr_lookup *lk)
{
    struct kr_lookup *prev = NULL;
    for (struct kr_lookup *it = r->wait_head; it; prev = it, it = it->next) {
        if (it != lk)
            continue;
        if (prev)
            prev->next = lk->next;
        else
            r->wait_head = lk->next;
        if (r->wait_tail == lk)
            r->wait_tail = prev;
        break;
    }
    lk->next = NULL;
    lk->waiting = false;
}

static void unlink_running(struct kr_resolver *r, struct kr_lookup *lk)
{
    for (size_t i = 0; i < r->running_cnt; i++)
        if (r->running[i] == lk) {
            r->running[i] = r->running[--r->running_cnt];
            break;
        }
}

void kr_resolver_cancel(struct kr_resolver *r, struct kr_lookup *lk)
{
    if (lk->waiting)
        unlink_waiting(r, lk);
    if (lk->job) {
        unlink_running(r, lk);
        job_release(lk->job, true);
        lk->job = NULL;
    }
}

/* Starts waiting lookups while slots are free; a lookup whose thread
 * cannot start fails (its callback runs). Returns false when a callback
 * ran (the caller rescans). */
static bool start_waiting(struct kr_resolver *r)
{
    while (r->wait_head && r->running_cnt < KR_RESOLVE_MAX_INFLIGHT) {
        struct kr_lookup *lk = r->wait_head;
        unlink_waiting(r, lk);
        int e = spawn(r, lk);
        if (e != 0) {
            char msg[128];
            snprintf(msg, sizeof msg, "cannot start a lookup thread: %s",
                     strerror(e));
            lk->cb(lk, EAI_SYSTEM, NULL, msg);
            return false;
        }
    }
    return true;
}

/* The first running lookup that finished, unlinked; NULL when none. */
static struct kr_lookup *take_done(struct kr_resolver *r)
{
    for (size_t i = 0; i < r->running_cnt; i++) {
        struct kr_lookup *lk = r->running[i];
        if (atomic_load_explicit(&lk->job->done, memory_order_acquire)) {
            r->running[i] = r->running[--r->running_cnt];
            return lk;
        }
    }
    return NULL;
}

static void deliver(struct kr_lookup *lk)
{
    struct kr_resolve_job *job = lk->job;
    lk->job = NULL;
    int rc = job->rc;
    struct addrinfo *ai = job->ai;
    job->ai = NULL;
    char msg[160];
    if (rc == EAI_SYSTEM)
        snprintf(msg, sizeof msg, "%s", strerror(job->sys_errno));
    else if (rc != 0)
        snprintf(msg, sizeof msg, "%s", gai_strerror(rc));
    else
        msg[0] = '\0';
    job_release(job, false);
    lk->cb(lk, rc, ai, msg);
}

void kr_resolver_poll(struct kr_resolver *r)
{
    /* Callbacks may start or cancel lookups: each step rescans. The
     * number of steps is bounded by the lookups that finished, plus the
     * waiting ones that failed to start. */
    for (;;) {
        if (!start_waiting(r))
            continue;
        struct kr_lookup *lk = take_done(r);
        if (!lk)
            return;
        deliver(lk);
    }
}

void kr_resolver_destroy(struct kr_resolver *r)
{
    while (r->wait_head)
        unlink_waiting(r, r->wait_head);
    while (r->running_cnt > 0)
        kr_resolver_cancel(r, r->running[r->running_cnt - 1]);
}
