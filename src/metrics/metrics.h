/*
 * Metrics core: counters, gauges and latency trackers updated with relaxed
 * atomics (no lock, no allocation), and the per-client registry that names
 * them. Metrics are created up front by registration, which returns a
 * pointer the hot path keeps; it stays valid until the registry is
 * destroyed (series are never removed before that).
 *
 * Thread: every update function is safe from any thread, lock-free.
 * Registration takes the registry lock (never held by updates).
 */
#ifndef KR_METRICS_METRICS_H
#define KR_METRICS_METRICS_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/metrics.h"
#include "util/time.h"

#define KR_CACHELINE 64

/* Most registries one export or HTTP endpoint takes (one per client): a
 * larger count is a caller's mistake, refused before it can wrap the size
 * of a copy of the array (include/krafka/metrics.h). */
#define KR_METRICS_REGS_MAX 4096

/* ---- counters ---------------------------------------------------------- */

/* A monotonic counter. */
struct kr_counter {
    _Atomic uint64_t v;
};

/* The recording functions below take NULL (metrics off, or a metric
 * whose registration found no memory) and then record nothing. */
static inline void kr_counter_add(struct kr_counter *c, uint64_t n)
{
    if (c)
        atomic_fetch_add_explicit(&c->v, n, memory_order_relaxed);
}

static inline void kr_counter_inc(struct kr_counter *c)
{
    kr_counter_add(c, 1);
}

static inline uint64_t kr_counter_get(const struct kr_counter *c)
{
    return atomic_load_explicit(&c->v, memory_order_relaxed);
}

/* A counter split into one cache line per CPU (summed when read), for the
 * counters many threads hit at once: an increment stays on its CPU's line
 * instead of moving one line between cores. See bench/bench_metrics.c. */
#define KR_STRIPES 16

struct kr_counter_cell {
    _Alignas(KR_CACHELINE) _Atomic uint64_t v;
};

struct kr_counter_striped {
    struct kr_counter_cell cell[KR_STRIPES];
};

static inline unsigned kr_stripe_slot(void)
{
    int cpu = sched_getcpu(); /* a load from rseq on glibc >= 2.35 */
    return cpu < 0 ? 0 : (unsigned)cpu % KR_STRIPES;
}

static inline void kr_counter_striped_add(struct kr_counter_striped *c,
                                          uint64_t n)
{
    atomic_fetch_add_explicit(&c->cell[kr_stripe_slot()].v, n,
                              memory_order_relaxed);
}

static inline void kr_counter_striped_inc(struct kr_counter_striped *c)
{
    kr_counter_striped_add(c, 1);
}

uint64_t kr_counter_striped_get(const struct kr_counter_striped *c);

/* ---- gauges -------------------------------------------------------------- */

/* A level that goes up and down and never below zero. */
struct kr_gauge {
    _Atomic uint64_t v;
};

static inline void kr_gauge_add(struct kr_gauge *g, uint64_t n)
{
    if (g)
        atomic_fetch_add_explicit(&g->v, n, memory_order_relaxed);
}

/* Subtracts @n, stopping at zero (a CAS loop, so a racing add is kept). */
static inline void kr_gauge_sub(struct kr_gauge *g, uint64_t n)
{
    if (!g)
        return;
    uint64_t cur = atomic_load_explicit(&g->v, memory_order_relaxed);
    uint64_t next;
    do {
        next = cur > n ? cur - n : 0;
    } while (!atomic_compare_exchange_weak_explicit(
        &g->v, &cur, next, memory_order_relaxed, memory_order_relaxed));
}

static inline void kr_gauge_set(struct kr_gauge *g, uint64_t v)
{
    if (g)
        atomic_store_explicit(&g->v, v, memory_order_relaxed);
}

static inline uint64_t kr_gauge_get(const struct kr_gauge *g)
{
    return atomic_load_explicit(&g->v, memory_order_relaxed);
}

/* ---- latency ------------------------------------------------------------ */

/* Log-linear histogram of microseconds: values below 64 have a bucket
 * each; above, every power of two [2^k, 2^(k+1)) is cut into 32 equal
 * buckets, so a bucket's midpoint is within 1/64 (1.6%) of any value in
 * it. Range [KR_LAT_MIN_US, KR_LAT_MAX_US]; values outside are clamped. */
#define KR_LAT_SUB_BITS 5
#define KR_LAT_SUB (1u << KR_LAT_SUB_BITS)
#define KR_LAT_MIN_US 1ull
#define KR_LAT_MAX_US 3600000000ull /* 1 h */

static inline size_t kr_latency_bucket(uint64_t v)
{
    if (v < 2 * KR_LAT_SUB)
        return (size_t)v;
    unsigned shift = (unsigned)(63 - __builtin_clzll(v)) - KR_LAT_SUB_BITS;
    return ((size_t)shift << KR_LAT_SUB_BITS) + (size_t)(v >> shift);
}

/* kr_latency_bucket(KR_LAT_MAX_US) + 1, checked in latency.c. */
#define KR_LAT_BUCKETS 886

struct kr_latency {
    _Atomic uint64_t sum;
    _Atomic uint64_t min; /* UINT64_MAX while empty */
    _Atomic uint64_t max;
    _Atomic uint64_t buckets[KR_LAT_BUCKETS]; /* their sum is the count */
};

/* A copy of a tracker, taken without stopping writers: each field is read
 * atomically, a record racing with the copy may be half in it. */
struct kr_latency_snapshot {
    uint64_t count, sum, min, max; /* min, max: 0 when empty */
    uint64_t buckets[KR_LAT_BUCKETS];
};

void kr_latency_init(struct kr_latency *l);
/* Empties @l; records racing with it may survive or be lost. */
void kr_latency_reset(struct kr_latency *l);
void kr_latency_snapshot(const struct kr_latency *l,
                         struct kr_latency_snapshot *s);
/* Nearest-rank quantile @q in [0, 1] of a snapshot; 0 when empty. */
double kr_latency_quantile(const struct kr_latency_snapshot *s, double q);
/* Smallest and largest value of bucket @i (i < KR_LAT_BUCKETS). */
uint64_t kr_latency_bucket_lo(size_t i);
uint64_t kr_latency_bucket_hi(size_t i);
/* Quantile over raw buckets: shared by the snapshot and the public API. */
double kr_hist_quantile(const uint64_t *buckets, size_t n, uint64_t count,
                        uint64_t min, uint64_t max, double q);

static inline uint64_t kr_latency_clamp(int64_t us)
{
    if (us < (int64_t)KR_LAT_MIN_US)
        return KR_LAT_MIN_US;
    if ((uint64_t)us > KR_LAT_MAX_US)
        return KR_LAT_MAX_US;
    return (uint64_t)us;
}

/* Records one duration: two atomic adds, and a CAS only when it is a new
 * minimum or maximum. The count is the sum of the buckets. */
static inline void kr_latency_record(struct kr_latency *l, int64_t us)
{
    if (!l)
        return;
    uint64_t v = kr_latency_clamp(us);
    atomic_fetch_add_explicit(&l->buckets[kr_latency_bucket(v)], 1,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&l->sum, v, memory_order_relaxed);
    uint64_t cur = atomic_load_explicit(&l->min, memory_order_relaxed);
    while (v < cur && !atomic_compare_exchange_weak_explicit(
                          &l->min, &cur, v, memory_order_relaxed,
                          memory_order_relaxed))
        ;
    cur = atomic_load_explicit(&l->max, memory_order_relaxed);
    while (v > cur && !atomic_compare_exchange_weak_explicit(
                          &l->max, &cur, v, memory_order_relaxed,
                          memory_order_relaxed))
        ;
}

/* Many values recorded into one tracker from one thread (a batch's
 * records): runs of values in the same bucket cost one atomic add, the
 * sum one, min and max one CAS each, at kr_latency_acc_done(). */
struct kr_latency_acc {
    struct kr_latency *lat;
    size_t bucket;     /* of the current run */
    uint64_t run;      /* values in it not yet added */
    uint64_t sum, min, max;
};

static inline void kr_latency_acc_init(struct kr_latency_acc *a,
                                       struct kr_latency *l)
{
    *a = (struct kr_latency_acc){.lat = l, .min = UINT64_MAX};
}

static inline void kr_latency_acc_flush_run(struct kr_latency_acc *a)
{
    if (a->run && a->lat)
        atomic_fetch_add_explicit(&a->lat->buckets[a->bucket], a->run,
                                  memory_order_relaxed);
    a->run = 0;
}

static inline void kr_latency_acc_add(struct kr_latency_acc *a, int64_t us)
{
    uint64_t v = kr_latency_clamp(us);
    size_t b = kr_latency_bucket(v);
    if (b != a->bucket) {
        kr_latency_acc_flush_run(a);
        a->bucket = b;
    }
    a->run++;
    a->sum += v;
    if (v < a->min)
        a->min = v;
    if (v > a->max)
        a->max = v;
}

static inline void kr_latency_acc_done(struct kr_latency_acc *a)
{
    kr_latency_acc_flush_run(a);
    if (a->min == UINT64_MAX || !a->lat)
        return; /* nothing added, or nowhere to */
    struct kr_latency *l = a->lat;
    atomic_fetch_add_explicit(&l->sum, a->sum, memory_order_relaxed);
    uint64_t cur = atomic_load_explicit(&l->min, memory_order_relaxed);
    while (a->min < cur && !atomic_compare_exchange_weak_explicit(
                               &l->min, &cur, a->min, memory_order_relaxed,
                               memory_order_relaxed))
        ;
    cur = atomic_load_explicit(&l->max, memory_order_relaxed);
    while (a->max > cur && !atomic_compare_exchange_weak_explicit(
                               &l->max, &cur, a->max, memory_order_relaxed,
                               memory_order_relaxed))
        ;
}

/* Timer: kr_latency_start(), then kr_latency_stop() records the time
 * since start and returns it (us). A timer belongs to one thread. */
struct kr_latency_timer {
    struct kr_latency *lat; /* borrowed; NULL: stop records nothing */
    int64_t start_us;
};

static inline struct kr_latency_timer kr_latency_start(struct kr_latency *l)
{
    return (struct kr_latency_timer){.lat = l, .start_us = kr_now_us()};
}

static inline int64_t kr_latency_stop(struct kr_latency_timer *t)
{
    int64_t us = kr_now_us() - t->start_us;
    if (t->lat)
        kr_latency_record(t->lat, us);
    t->lat = NULL; /* a second stop records nothing */
    return us;
}

/* Scoped timer: records when the enclosing block is left, however it is
 * left (gcc/clang cleanup attribute).
 *   { KR_LATENCY_SCOPED(t, m->commit_latency); ...; return x; } */
#define KR_LATENCY_SCOPED(var, lat)                                            \
    struct kr_latency_timer var                                                \
        __attribute__((cleanup(kr_latency_stop), unused)) =                    \
            kr_latency_start(lat)

/* ---- registry ------------------------------------------------------------ */

enum kr_metric_type {
    KR_METRIC_COUNTER,
    KR_METRIC_COUNTER_STRIPED, /* exported as a counter */
    KR_METRIC_GAUGE,
    KR_METRIC_LATENCY,
    KR_METRIC_HISTOGRAM, /* unitless values (sizes, ratios): a summary */
};

/* Labels besides client_id (which every series of a registry has). */
#define KR_METRICS_MAX_LABELS 4

struct kr_label {
    const char *key;   /* [a-zA-Z_][a-zA-Z0-9_]*, not client_id/le/quantile */
    const char *value; /* any bytes but NUL */
};

/* One series: a name with one set of label values, and its value. */
struct kr_metric {
    struct kr_metric *next; /* registration order */
    const struct kr_metric_family *family;
    size_t label_cnt; /* with client_id */
    const char *keys[KR_METRICS_MAX_LABELS + 1];   /* owned */
    const char *values[KR_METRICS_MAX_LABELS + 1]; /* owned */
    void *value; /* owned, cache-line aligned: kr_counter, ... by type */
};

/* All series of one name. */
struct kr_metric_family {
    struct kr_metric_family *next;
    enum kr_metric_type type;
    double scale; /* histogram: exported value = recorded value / scale */
    char *name; /* owned, without "krafka_" */
    char *help; /* owned */
};

/* Called before every export of the registry (see kr_metrics_set_refresh). */
typedef void (*kr_metrics_refresh_fn)(void *arg);

struct krafka_metrics {
    pthread_mutex_t lock; /* guards the lists; updates never take it */
    /* Guards the refresh hook and is held while it runs, so clearing the
     * hook waits for a running refresh. Taken before lock, never inside. */
    pthread_mutex_t refresh_lock;
    kr_metrics_refresh_fn refresh;
    void *refresh_arg;
    char *client_id;      /* owned */
    struct kr_metric_family *families; /* newest first */
    struct kr_metric *series, **series_tail;
    size_t series_cnt;
};

/* A registry whose series all carry client_id=@client_id (copied).
 * NULL when memory runs out. Thread: any. */
krafka_metrics_t *kr_metrics_registry_new(const char *client_id);
/* Frees @m and every metric in it. NULL: no-op. Thread: any, once no
 * thread updates or exports @m. */
void kr_metrics_registry_destroy(krafka_metrics_t *m);

/* Returns the series @name{client_id, @labels} of @type, creating it on
 * the first call (later calls return the same pointer; @help of the first
 * call wins). Sets *@out. Errors: LOCAL_INVALID_ARG for a bad name (see
 * registry.c), bad or too many labels, or a name already used with another
 * type; LOCAL_NOMEM. Thread: any. Locks: takes m->lock. */
krafka_err_t kr_metrics_register(krafka_metrics_t *m, enum kr_metric_type type,
                                 const char *name, const char *help,
                                 const struct kr_label *labels,
                                 size_t label_cnt, void **out);

/* Typed kr_metrics_register(): NULL on any error. */
struct kr_counter *kr_metrics_counter(krafka_metrics_t *m, const char *name,
                                      const char *help,
                                      const struct kr_label *labels,
                                      size_t label_cnt);
struct kr_counter_striped *
kr_metrics_counter_striped(krafka_metrics_t *m, const char *name,
                           const char *help, const struct kr_label *labels,
                           size_t label_cnt);
struct kr_gauge *kr_metrics_gauge(krafka_metrics_t *m, const char *name,
                                  const char *help,
                                  const struct kr_label *labels,
                                  size_t label_cnt);
struct kr_latency *kr_metrics_latency(krafka_metrics_t *m, const char *name,
                                      const char *help,
                                      const struct kr_label *labels,
                                      size_t label_cnt);
/* A histogram of unitless values (recorded with kr_latency_record, so
 * clamped to [1, 3.6e9]): record value * @scale to keep fractions (a ratio
 * recorded in thousandths has @scale 1000); exports divide by @scale. The
 * first registration's @scale wins. Exported as a Prometheus summary
 * krafka_<name> and as JSON type "histogram". */
struct kr_latency *kr_metrics_histogram(krafka_metrics_t *m, const char *name,
                                        const char *help, double scale,
                                        const struct kr_label *labels,
                                        size_t label_cnt);

/* Sets (or with @fn NULL clears) the hook every export runs first, so a
 * client can set gauges it computes from its own state (queue depths,
 * lag) only when somebody looks. Runs on the exporting thread, under
 * refresh_lock (one refresh at a time); it may register series. Clearing
 * waits for a running refresh to return. Thread: any. */
void kr_metrics_set_refresh(krafka_metrics_t *m, kr_metrics_refresh_fn fn,
                            void *arg);
/* Runs @m's refresh hook, if any. Thread: any. */
void kr_metrics_refresh(const krafka_metrics_t *m);

/* Adds @n to a counter only one thread updates at a time: a plain load
 * and store (no locked instruction), still a torn-free atomic for readers.
 * A racing reset may be undone. */
static inline void kr_counter_add_owned(struct kr_counter *c, uint64_t n)
{
    atomic_store_explicit(
        &c->v, atomic_load_explicit(&c->v, memory_order_relaxed) + n,
        memory_order_relaxed);
}

/* The series of @n registries, sorted by name (byte order), then registry,
 * then registration order: a malloc'd array the caller frees. The series
 * themselves stay valid until their registry is destroyed. NULL with
 * *cnt 0 when there are none; NULL with *err LOCAL_NOMEM on failure.
 * Thread: any. Locks: takes each registry's lock in turn. */
struct kr_metric **kr_metrics_collect(const krafka_metrics_t *const *regs,
                                      size_t n, size_t *cnt,
                                      krafka_err_t *err);

/* Fills the public view of @s; l->buckets borrows s->buckets. */
void kr_latency_to_public(const struct kr_latency_snapshot *s,
                          krafka_metrics_latency_t *l);

/* Value of a counter, striped counter or gauge series. */
uint64_t kr_metric_value(const struct kr_metric *s);

#endif
