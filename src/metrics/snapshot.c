/* krafka_metrics_snapshot(): a client's main figures as one struct, read
 * from its registry by metric name (series of one name summed/merged). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

#define SNAP_U64(n) {#n, offsetof(krafka_metrics_snapshot_t, n), false}
#define SNAP_LAT(n) {#n, offsetof(krafka_metrics_snapshot_t, n), true}

static const struct {
    const char *name; /* the registry's name of the metric */
    size_t off;
    bool lat;
} fields[] = {
    SNAP_U64(connections_created), SNAP_U64(connections_closed),
    SNAP_U64(connection_errors),   SNAP_U64(active_connections),
    SNAP_U64(auth_failures),       SNAP_U64(requests_in_flight),
    SNAP_U64(request_bytes),       SNAP_U64(response_bytes),
    SNAP_U64(records_sent),        SNAP_U64(bytes_sent),
    SNAP_U64(batches_sent),        SNAP_U64(retries),
    SNAP_U64(records_dropped),     SNAP_U64(records_expired),
    SNAP_U64(errors),              SNAP_U64(buffered_records),
    SNAP_U64(buffered_bytes),      SNAP_U64(records_received),
    SNAP_U64(bytes_received),      SNAP_U64(fetches),
    SNAP_U64(polls),               SNAP_U64(empty_polls),
    SNAP_U64(commits),             SNAP_U64(commit_failures),
    SNAP_U64(rebalances),          SNAP_U64(assigned_partitions),
    SNAP_U64(paused_partitions),   SNAP_U64(lag_max),
    SNAP_LAT(request_latency),     SNAP_LAT(connect_latency),
    SNAP_LAT(send_latency),        SNAP_LAT(queue_time),
    SNAP_LAT(poll_latency),        SNAP_LAT(fetch_latency),
    SNAP_LAT(commit_latency),      SNAP_LAT(rebalance_duration),
};
#define FIELD_CNT (sizeof fields / sizeof *fields)

/* Adds the tracker of @s to @acc (buckets, count, sum, min, max). */
static void merge(struct kr_latency_snapshot *acc,
                  struct kr_latency_snapshot *tmp, const struct kr_metric *s)
{
    kr_latency_snapshot(s->value, tmp);
    if (!tmp->count)
        return;
    for (size_t i = 0; i < KR_LAT_BUCKETS; i++)
        acc->buckets[i] += tmp->buckets[i];
    if (!acc->count || tmp->min < acc->min)
        acc->min = tmp->min;
    if (tmp->max > acc->max)
        acc->max = tmp->max;
    acc->count += tmp->count;
    acc->sum += tmp->sum;
}

static void lat_fill(krafka_metrics_lat_t *out,
                     const struct kr_latency_snapshot *s)
{
    *out = (krafka_metrics_lat_t){
        .count = s->count,
        .mean_us = s->count ? (double)s->sum / (double)s->count : 0,
        .p50_us = kr_latency_quantile(s, 0.5),
        .p99_us = kr_latency_quantile(s, 0.99),
        .max_us = s->max};
}

krafka_err_t krafka_metrics_snapshot(const krafka_metrics_t *m,
                                     krafka_metrics_snapshot_t *out,
                                     size_t struct_size)
{
    if (!m || !out || struct_size == 0 || struct_size > sizeof *out)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t cnt;
    krafka_err_t err;
    struct kr_metric **all = kr_metrics_collect(&m, 1, &cnt, &err);
    struct kr_latency_snapshot *acc = malloc(2 * sizeof *acc);
    if (err || !acc) {
        free(all);
        free(acc);
        return err ? err : KRAFKA_ERR_LOCAL_NOMEM;
    }
    krafka_metrics_snapshot_t snap;
    memset(&snap, 0, sizeof snap);
    /* all[] is sorted by name: one run per name. */
    for (size_t i = 0, j; i < cnt; i = j) {
        const struct kr_metric_family *f = all[i]->family;
        for (j = i + 1; j < cnt && all[j]->family == f; j++)
            ;
        size_t k = 0;
        while (k < FIELD_CNT && strcmp(fields[k].name, f->name) != 0)
            k++;
        if (k == FIELD_CNT)
            continue;
        char *at = (char *)&snap + fields[k].off;
        if (fields[k].lat && f->type == KR_METRIC_LATENCY) {
            memset(acc, 0, sizeof *acc);
            for (size_t x = i; x < j; x++)
                merge(acc, acc + 1, all[x]);
            lat_fill((krafka_metrics_lat_t *)(void *)at, acc);
        } else if (!fields[k].lat && f->type != KR_METRIC_LATENCY &&
                   f->type != KR_METRIC_HISTOGRAM) {
            uint64_t sum = 0;
            for (size_t x = i; x < j; x++)
                sum += kr_metric_value(all[x]);
            memcpy(at, &sum, sizeof sum);
        }
    }
    free(acc);
    free(all);
    memcpy(out, &snap, struct_size);
    return KRAFKA_ERR_NONE;
}
