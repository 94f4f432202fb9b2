/* The consumer's metrics: registration, and the gauges computed from the
 * consumer's state when somebody exports (lag, queue, partitions). */
#include <stdio.h>

#include "consumer/consumer.h"

/* Export time: under the consumer's lock, a walk over the assignment. Lag
 * is the high watermark (as of the last fetch) minus the position poll
 * reached, or the fetch position before poll returned anything. */
static void refresh(void *arg)
{
    struct krafka_consumer *k = arg;
    struct kr_consumer_metrics *m = &k->m;
    uint64_t assigned = 0, paused = 0, lag_max = 0;
    pthread_mutex_lock(&k->lock);
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        assigned++;
        paused += tp->paused;
        int64_t pos = atomic_load_explicit(&tp->app_pos,
                                           memory_order_relaxed);
        if (pos < 0 && tp->state == KR_TP_ACTIVE)
            pos = tp->fetch_pos;
        uint64_t lag = tp->hwm >= 0 && pos >= 0 && tp->hwm > pos
                           ? (uint64_t)(tp->hwm - pos)
                           : 0;
        if (tp->lag)
            kr_gauge_set(tp->lag, lag);
        if (lag > lag_max)
            lag_max = lag;
    }
    kr_gauge_set(m->buffered_records, k->q_records);
    kr_gauge_set(m->buffered_bytes, k->q_bytes);
    pthread_mutex_unlock(&k->lock);
    kr_gauge_set(m->assigned_partitions, assigned);
    kr_gauge_set(m->paused_partitions, paused);
    kr_gauge_set(m->lag_max, lag_max);
}

void kr_consumer_metrics_init(struct krafka_consumer *k)
{
    if (!k->c->met.on)
        return;
    krafka_metrics_t *r = k->c->met.reg;
    struct kr_consumer_metrics *m = &k->m;
    m->records_received = kr_metrics_counter(
        r, "records_received", "Records poll returned", NULL, 0);
    m->bytes_received = kr_metrics_counter(
        r, "bytes_received", "Key and value bytes of the records returned",
        NULL, 0);
    m->polls = kr_metrics_counter(r, "polls",
                                  "Calls of poll and poll_batch", NULL, 0);
    m->empty_polls = kr_metrics_counter(
        r, "empty_polls", "Polls that returned nothing", NULL, 0);
    m->poll_latency = kr_metrics_latency(
        r, "poll_latency", "Time spent in poll (one call in 16 timed)",
        NULL, 0);
    m->fetches = kr_metrics_counter(r, "fetches",
                                    "Fetch responses received", NULL, 0);
    m->commits = kr_metrics_counter(r, "commits",
                                    "Offset commits completed (ok or not)",
                                    NULL, 0);
    m->commit_failures = kr_metrics_counter(
        r, "commit_failures", "Offset commits that failed", NULL, 0);
    m->errors = kr_metrics_counter(
        r, "errors",
        "Failed Fetch requests and partition errors (fetch, offsets)", NULL,
        0);
    m->rebalances = kr_metrics_counter(
        r, "rebalances", "Group rebalances completed (SyncGroup done)",
        NULL, 0);
    m->fetch_latency = kr_metrics_latency(
        r, "fetch_latency", "Fetch request written to response read", NULL,
        0);
    m->commit_latency = kr_metrics_latency(
        r, "commit_latency", "Commit call to its outcome", NULL, 0);
    m->rebalance_duration = kr_metrics_latency(
        r, "rebalance_duration", "First JoinGroup to SyncGroup done", NULL,
        0);
    m->assigned_partitions = kr_metrics_gauge(
        r, "assigned_partitions", "Partitions assigned", NULL, 0);
    m->paused_partitions = kr_metrics_gauge(
        r, "paused_partitions", "Assigned partitions paused", NULL, 0);
    m->buffered_records = kr_metrics_gauge(
        r, "buffered_records", "Fetched records queued for poll", NULL, 0);
    m->buffered_bytes = kr_metrics_gauge(
        r, "buffered_bytes", "Fetched record bytes queued for poll", NULL,
        0);
    m->lag_max = kr_metrics_gauge(
        r, "lag_max", "Largest lag of the assigned partitions", NULL, 0);
    if (m->assigned_partitions && m->paused_partitions &&
        m->buffered_records && m->buffered_bytes && m->lag_max)
        kr_metrics_set_refresh(r, refresh, k);
}

void kr_consumer_metrics_detach(struct krafka_consumer *k)
{
    if (k->c)
        kr_metrics_set_refresh(k->c->met.reg, NULL, NULL);
}

void kr_consumer_metrics_toppar(struct krafka_consumer *k,
                                struct kr_toppar *tp)
{
    if (!k->c || !k->c->met.on)
        return;
    char part[16];
    snprintf(part, sizeof part, "%d", (int)tp->partition);
    struct kr_label l[2] = {{"topic", tp->topic}, {"partition", part}};
    tp->lag = kr_metrics_gauge(
        k->c->met.reg, "lag",
        "High watermark minus the consumer's position, per partition", l,
        2);
}

krafka_metrics_t *krafka_consumer_metrics(krafka_consumer_t *k)
{
    return k && k->c ? k->c->met.reg : NULL;
}
