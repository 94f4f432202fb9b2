/* The client's registry, its connection metrics and the statistics
 * callback (statistics.interval.ms). */
#include "client/cmetrics.h"

#include <stdio.h>

#include "client/client.h"

krafka_err_t kr_client_metrics_init(struct kr_client *c)
{
    struct kr_client_metrics *m = &c->met;
    m->reg = kr_metrics_registry_new(c->conf->client_id);
    if (!m->reg)
        return KRAFKA_ERR_LOCAL_NOMEM;
    m->on = c->conf->enable_metrics;
    if (!m->on)
        return KRAFKA_ERR_NONE;
    krafka_metrics_t *r = m->reg;
    m->connections_created = kr_metrics_counter(
        r, "connections_created",
        "Broker connections that became ready (TCP, TLS, SASL done)", NULL,
        0);
    m->connections_closed = kr_metrics_counter(
        r, "connections_closed", "Ready broker connections that closed",
        NULL, 0);
    m->connection_errors = kr_metrics_counter(
        r, "connection_errors",
        "Broker connection failures: connect, TLS, SASL, or lost when ready",
        NULL, 0);
    m->auth_failures = kr_metrics_counter(
        r, "auth_failures", "SASL authentication failures", NULL, 0);
    m->active_connections = kr_metrics_gauge(
        r, "active_connections", "Broker connections ready now", NULL, 0);
    return KRAFKA_ERR_NONE;
}

void kr_client_metrics_destroy(struct kr_client *c)
{
    kr_metrics_registry_destroy(c->met.reg);
    c->met.reg = NULL;
}

void kr_broker_metrics_init(struct kr_client *c, struct kr_broker *b)
{
    if (!c->met.on)
        return;
    char id[16];
    if (b->id < 0)
        snprintf(id, sizeof id, "bootstrap");
    else
        snprintf(id, sizeof id, "%d", (int)b->id);
    struct kr_label l = {"broker", id};
    krafka_metrics_t *r = c->met.reg;
    struct kr_broker_metrics *m = &b->m;
    m->request_latency = kr_metrics_latency(
        r, "request_latency",
        "Request written to its response read, per broker", &l, 1);
    m->connect_latency = kr_metrics_latency(
        r, "connect_latency",
        "Connection start to ready (TCP, TLS, ApiVersions, SASL), per "
        "broker",
        &l, 1);
    m->requests_in_flight = kr_metrics_gauge(
        r, "requests_in_flight", "Requests sent and not answered yet", &l,
        1);
    m->request_bytes = kr_metrics_counter(
        r, "request_bytes", "Request bytes written to the broker", &l, 1);
    m->response_bytes = kr_metrics_counter(
        r, "response_bytes", "Response bytes read from the broker", &l, 1);
}

/* ---- statistics callback ---- */

static void stats_timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    struct kr_client *c = t->arg;
    atomic_store_explicit(&c->met.stats_due, true, memory_order_relaxed);
    kr_timer_after_ms(l, t, c->conf->statistics_interval_ms);
}

void kr_client_stats_start(struct kr_client *c)
{
    if (c->conf->statistics_interval_ms <= 0 || !c->conf->stats_cb)
        return;
    kr_timer_init(&c->met.stats_timer, stats_timer_cb, c);
    kr_timer_after_ms(&c->loop, &c->met.stats_timer,
                      c->conf->statistics_interval_ms);
}

void kr_client_stats_stop(struct kr_client *c)
{
    if (c->conf && c->conf->statistics_interval_ms > 0 && c->conf->stats_cb)
        kr_timer_stop(&c->loop, &c->met.stats_timer);
}

void kr_client_stats_serve_slow(struct kr_client *c)
{
    if (!atomic_exchange(&c->met.stats_due, false) || !c->conf->stats_cb)
        return;
    char *json = NULL;
    size_t len = 0;
    if (krafka_metrics_json(c->met.reg, &json, &len) != KRAFKA_ERR_NONE)
        return;
    c->conf->stats_cb(c->met.reg, json, len, c->conf->opaque);
    krafka_metrics_free(json);
}
