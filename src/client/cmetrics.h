/*
 * The metrics a client keeps (docs/METRICS.md): the registry each client
 * owns, the connection metrics of the shared client core, and per broker
 * the request metrics. The producer and the consumer register their own
 * (producer/pmetrics.c, consumer/cmetrics.c) in the same registry.
 *
 * With enable.metrics=false nothing is registered and every pointer is
 * NULL: the kr_m_* helpers below skip NULL, so a hot path pays one
 * predictable branch. Updates are lock-free (see metrics/metrics.h).
 */
#ifndef KR_CLIENT_CMETRICS_H
#define KR_CLIENT_CMETRICS_H

#include <stdatomic.h>
#include <stdbool.h>

#include "metrics/metrics.h"
#include "net/loop.h"

struct kr_client;
struct kr_broker;

/* Per broker, label broker="<node id>" ("bootstrap" for the bootstrap
 * addresses). Registered on the I/O thread when the broker is added. */
struct kr_broker_metrics {
    struct kr_latency *request_latency; /* written -> response read */
    struct kr_latency *connect_latency; /* connect start -> ready */
    struct kr_gauge *requests_in_flight;
    struct kr_counter *request_bytes;   /* frames written */
    struct kr_counter *response_bytes;  /* frames read */
};

/* Client-wide connection metrics. */
struct kr_client_metrics {
    krafka_metrics_t *reg;    /* owned; never NULL once created */
    bool on;                  /* enable.metrics */
    struct kr_counter *connections_created; /* became ready */
    struct kr_counter *connections_closed;  /* a ready one closed */
    struct kr_counter *connection_errors;   /* any failed or lost one */
    struct kr_counter *auth_failures;       /* SASL authentication */
    struct kr_gauge *active_connections;    /* ready now */
    /* statistics.interval.ms: the I/O thread's timer sets stats_due; the
     * next poll serves it (no clock read on the poll path). */
    struct kr_timer stats_timer;
    atomic_bool stats_due;
};

static inline void kr_m_add(struct kr_counter *c, uint64_t n)
{
    if (c)
        kr_counter_add(c, n);
}

static inline void kr_m_inc(struct kr_counter *c)
{
    if (c)
        kr_counter_inc(c);
}

static inline void kr_m_gadd(struct kr_gauge *g, uint64_t n)
{
    if (g)
        kr_gauge_add(g, n);
}

static inline void kr_m_gsub(struct kr_gauge *g, uint64_t n)
{
    if (g)
        kr_gauge_sub(g, n);
}

static inline void kr_m_gset(struct kr_gauge *g, uint64_t v)
{
    if (g)
        kr_gauge_set(g, v);
}

static inline void kr_m_rec(struct kr_latency *l, int64_t v)
{
    if (l)
        kr_latency_record(l, v);
}

/* Creates c->met.reg (labelled with client.id) and, when enable.metrics,
 * the connection metrics. Thread: any (in kr_client_create). */
krafka_err_t kr_client_metrics_init(struct kr_client *c);
/* Frees the registry (last, after every user of its metrics). */
void kr_client_metrics_destroy(struct kr_client *c);
/* Registers @b's series. Thread: io (or create). */
void kr_broker_metrics_init(struct kr_client *c, struct kr_broker *b);
/* Arms the statistics timer. Thread: io. */
void kr_client_stats_start(struct kr_client *c);
void kr_client_stats_stop(struct kr_client *c);
/* Serves a due statistics callback (JSON of the registry) on the calling
 * application thread: one relaxed load when none is due. */
void kr_client_stats_serve_slow(struct kr_client *c);
static inline void kr_client_stats_serve(struct kr_client_metrics *m,
                                         struct kr_client *c)
{
    if (atomic_load_explicit(&m->stats_due, memory_order_relaxed))
        kr_client_stats_serve_slow(c);
}

#endif
