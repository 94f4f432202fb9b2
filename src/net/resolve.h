/*
 * Asynchronous host-name resolution for the I/O thread.
 *
 * getaddrinfo() blocks for as long as the DNS server takes (seconds per
 * lookup when it is slow), so the I/O thread never calls it: each lookup
 * runs on a detached thread of its own and the result comes back through
 * the loop's eventfd wakeup (the client's on_wake calls
 * kr_resolver_poll()).
 *
 * Why a detached thread per lookup rather than one resolver thread per
 * client: destroying a client must never wait for a getaddrinfo() that is
 * stuck, so whatever runs the lookup cannot be joined; a per-client thread
 * would need the same abandon-and-free-yourself protocol, and would also
 * serialise the lookups of different brokers behind one slow name. A
 * lookup is started once per connection attempt (rare), so thread creation
 * costs nothing that matters.
 *
 * Bounds: one lookup per struct kr_lookup (one per connection), at most
 * KR_RESOLVE_MAX_INFLIGHT running per resolver (per client); the others
 * wait in FIFO order for a slot.
 *
 * Lifetime: the job a lookup thread works on has two references, the
 * resolver's and the thread's. Cancelling (or destroying the resolver)
 * marks the job abandoned under its lock and drops the resolver's
 * reference; the thread then neither touches the loop nor delivers, and
 * whoever drops the last reference frees the job and any result.
 *
 * Thread: every function here runs on the loop's owning thread.
 */
#ifndef KR_NET_RESOLVE_H
#define KR_NET_RESOLVE_H

#include <netdb.h>
#include <stdbool.h>
#include <stddef.h>

struct kr_loop;
struct kr_resolve_job;

#define KR_RESOLVE_MAX_INFLIGHT 8 /* running lookups per resolver */

/* getaddrinfo() or a replacement with its contract (tests inject slow or
 * failing lookups); runs on a lookup thread. *res must be freeable with
 * freeaddrinfo(). */
typedef int (*kr_getaddrinfo_fn)(const char *node, const char *service,
                                 const struct addrinfo *hints,
                                 struct addrinfo **res);

struct kr_lookup;

/* Called on the loop's thread with the outcome: @rc 0 and @ai (owned by
 * the callee, freed with freeaddrinfo()), or an EAI_* code and @errstr
 * (gai_strerror(), or strerror() for EAI_SYSTEM; borrowed). */
typedef void (*kr_lookup_cb)(struct kr_lookup *lk, int rc,
                             struct addrinfo *ai, const char *errstr);

/* One lookup slot; embedded in its owner (a connection). */
struct kr_lookup {
    kr_lookup_cb cb;
    void *arg;                  /* borrowed: the owner */
    struct kr_resolve_job *job; /* owned reference while running */
    struct kr_lookup *next;     /* in the wait queue */
    bool waiting;               /* in the wait queue */
    char host[256];             /* what is (to be) resolved */
    char port[8];
    int family;                 /* AF_UNSPEC, AF_INET, AF_INET6 */
};

struct kr_resolver {
    struct kr_loop *loop;       /* borrowed: woken by lookup threads */
    kr_getaddrinfo_fn fn;       /* getaddrinfo unless a test set one */
    struct kr_lookup *running[KR_RESOLVE_MAX_INFLIGHT]; /* borrowed */
    size_t running_cnt;
    struct kr_lookup *wait_head, *wait_tail; /* borrowed */
};

static inline void kr_lookup_init(struct kr_lookup *lk, kr_lookup_cb cb,
                                  void *arg)
{
    *lk = (struct kr_lookup){.cb = cb, .arg = arg};
}

void kr_resolver_init(struct kr_resolver *r, struct kr_loop *loop);
/* Abandons every lookup (no callback runs); never waits for one. */
void kr_resolver_destroy(struct kr_resolver *r);

/* True while @lk waits for a slot or its lookup runs. */
static inline bool kr_lookup_busy(const struct kr_lookup *lk)
{
    return lk->job != NULL || lk->waiting;
}

/* Starts resolving @host:@port for @lk (which must not be busy); the
 * callback runs later from kr_resolver_poll(), never from here. Returns 0,
 * or an errno when no lookup thread could be started. */
int kr_resolver_start(struct kr_resolver *r, struct kr_lookup *lk,
                      const char *host, int port, int family);
/* Forgets @lk's lookup, if any: no callback runs for it. A running lookup
 * is abandoned and frees itself when getaddrinfo() returns. */
void kr_resolver_cancel(struct kr_resolver *r, struct kr_lookup *lk);
/* Delivers finished lookups and starts waiting ones. Called after every
 * loop wakeup. */
void kr_resolver_poll(struct kr_resolver *r);

#endif
