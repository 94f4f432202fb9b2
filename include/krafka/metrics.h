/*
 * Metrics: the counters, gauges and latency trackers a client keeps about
 * itself, and their export as Prometheus text, as JSON, or through a
 * visitor with one callback per kind of metric (StatsD, OTLP, ...).
 *
 * Each client owns one registry (krafka_metrics_t), which
 * krafka_producer_metrics(), krafka_consumer_metrics() and
 * krafka_admin_metrics() return; docs/METRICS.md lists its metrics.
 * Metric names are
 * exported with the prefix "krafka_"; counters get the suffix "_total".
 * A latency tracker, kept in microseconds, is exported to Prometheus in
 * seconds twice: as a histogram `krafka_<name>_seconds` (`_bucket{le=..}`,
 * `_sum`, `_count`) and as a summary `krafka_<name>_summary_seconds` with
 * the quantiles 0.5, 0.9, 0.95, 0.99 and 0.999. Every metric carries the
 * label client_id, and where it helps broker, topic and partition.
 *
 * Updates never take a lock; an export reads each value atomically, but
 * not all values at one instant.
 */
#ifndef KRAFKA_METRICS_H
#define KRAFKA_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/conf.h"
#include "krafka/errors.h"
#include "krafka/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct krafka_metrics krafka_metrics_t; /* opaque: a registry */

/** Name, help text and labels of one metric series, as a visitor sees it.
 *  Everything is borrowed until the callback returns. */
typedef struct krafka_metric_desc {
    const char *name;  /* without the "krafka_" prefix and unit suffixes */
    const char *help;  /* may be "" */
    size_t label_cnt;  /* label_keys[i]=label_values[i], client_id first */
    const char *const *label_keys;
    const char *const *label_values;
} krafka_metric_desc_t;

/** A latency tracker's snapshot, in microseconds. Filled by the library;
 *  @size is the sizeof the library filled, so fields appended later can be
 *  tested for. Values are clamped to [1 us, 1 h] when recorded.
 *  Percentiles come from a log-linear histogram, within 1.6% of the true
 *  sample (nearest-rank), and inside [min_us, max_us]. */
typedef struct krafka_metrics_latency {
    size_t size;
    uint64_t count;
    uint64_t sum_us;
    uint64_t min_us; /* 0 when count is 0 */
    uint64_t max_us; /* 0 when count is 0 */
    double mean_us;  /* 0 when count is 0 */
    double p50_us, p90_us, p95_us, p99_us, p999_us;
    /** Samples per histogram bucket (not cumulative); bucket i holds the
     *  values krafka_metrics_bucket_range() gives. Borrowed. */
    size_t bucket_cnt;
    const uint64_t *buckets;
} krafka_metrics_latency_t;

/** Callbacks for krafka_metrics_visit(); any may be NULL (that kind of
 *  metric is skipped). Set @size to sizeof(krafka_metrics_visitor_t), so
 *  callbacks appended later are known to be absent in older programs
 *  (a @size that ends before @histogram is accepted: histograms are then
 *  skipped). */
typedef struct krafka_metrics_visitor {
    size_t size;
    void (*counter)(void *opaque, const krafka_metric_desc_t *m,
                    uint64_t value);
    void (*gauge)(void *opaque, const krafka_metric_desc_t *m,
                  uint64_t value);
    void (*latency)(void *opaque, const krafka_metric_desc_t *m,
                    const krafka_metrics_latency_t *l);
    /** A distribution of unitless values (batch sizes, ratios): @h holds
     *  them multiplied by @scale (its "_us" fields are not microseconds);
     *  divide by @scale for the value, e.g. a compression ratio has @scale
     *  1000. Exported to Prometheus as a summary. */
    void (*histogram)(void *opaque, const krafka_metric_desc_t *m,
                      const krafka_metrics_latency_t *h, double scale);
} krafka_metrics_visitor_t;

/** Calls @v's callback for every metric of @m, grouped by name (names in
 *  byte order), series of a name in the order they were created.
 *  No lock is held during the callbacks, which may call any krafka_metrics
 *  function. Returns KRAFKA_ERR_NONE, LOCAL_INVALID_ARG for a NULL or
 *  too-small @v, or LOCAL_NOMEM.
 *  Thread-safety: any thread, concurrently with updates and exports. */
KRAFKA_API krafka_err_t krafka_metrics_visit(const krafka_metrics_t *m,
                                             const krafka_metrics_visitor_t *v,
                                             void *opaque);

/** Renders @m in the Prometheus text exposition format (version 0.0.4).
 *  On success *@out is a NUL-terminated string the caller frees with
 *  krafka_metrics_free(), and *@len its length without the NUL (@len may
 *  be NULL). Returns KRAFKA_ERR_NONE, LOCAL_INVALID_ARG, LOCAL_NOMEM or
 *  LOCAL_LIMIT_EXCEEDED (over 64 MiB). Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_metrics_prometheus(const krafka_metrics_t *m,
                                                  char **out, size_t *len);

/** Like krafka_metrics_prometheus() for the @n registries @regs in one
 *  exposition: HELP and TYPE once per metric name. Registries should have
 *  distinct client_ids, or their series collide. Returns LOCAL_INVALID_ARG
 *  also when one name has different kinds in two registries, for @regs
 *  NULL with an @n and for @n above 4096; NULL entries are skipped.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t
krafka_metrics_prometheus_multi(const krafka_metrics_t *const *regs, size_t n,
                                char **out, size_t *len);

/** Renders @m as a JSON array with one object per series:
 *  {"name","type":"counter"|"gauge"|"latency","help","labels":{..}} plus
 *  "value" (counter, gauge) or "count","sum_us","min_us","max_us",
 *  "mean_us","p50_us","p90_us","p95_us","p99_us","p999_us" (latency).
 *  Output and errors as krafka_metrics_prometheus().
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_metrics_json(const krafka_metrics_t *m,
                                            char **out, size_t *len);

/** Frees a string from krafka_metrics_prometheus*() or _json(). NULL is a
 *  no-op. Thread-safety: any thread. */
KRAFKA_API void krafka_metrics_free(char *text);

/** Sets every counter, gauge and latency tracker of @m back to zero (empty).
 *  Updates that race with it may survive or be lost.
 *  Thread-safety: any thread. */
KRAFKA_API void krafka_metrics_reset(krafka_metrics_t *m);

/** The quantile @q (0..1) of @l by nearest rank, in microseconds; 0 when
 *  @l is empty. Thread-safety: any thread. */
KRAFKA_API double
krafka_metrics_latency_quantile(const krafka_metrics_latency_t *l, double q);

/** Sets *@lo_us and *@hi_us to the smallest and largest value bucket @i
 *  of a latency histogram holds (both 0 for an @i out of range).
 *  Thread-safety: any thread. */
KRAFKA_API void krafka_metrics_bucket_range(size_t i, uint64_t *lo_us,
                                            uint64_t *hi_us);

/** A latency's summary in a krafka_metrics_snapshot_t, microseconds (all
 *  series of the name merged, e.g. every broker's). 0 when empty. */
typedef struct krafka_metrics_lat {
    uint64_t count;
    double mean_us, p50_us, p99_us;
    uint64_t max_us;
} krafka_metrics_lat_t;

/** A client's main figures in one struct (docs/METRICS.md has each
 *  metric): every counter and gauge of that name summed over its series
 *  (brokers, partitions). Fields a client does not keep (a producer's
 *  consumer fields) are 0. Fields are only ever appended: pass
 *  sizeof(krafka_metrics_snapshot_t) as @struct_size. */
typedef struct krafka_metrics_snapshot {
    /* connections (every client) */
    uint64_t connections_created, connections_closed, connection_errors;
    uint64_t active_connections, auth_failures, requests_in_flight;
    uint64_t request_bytes, response_bytes;
    /* producer */
    uint64_t records_sent, bytes_sent, batches_sent, retries;
    uint64_t records_dropped, records_expired;
    /* producer and consumer */
    uint64_t errors, buffered_records, buffered_bytes;
    /* consumer */
    uint64_t records_received, bytes_received, fetches, polls, empty_polls;
    uint64_t commits, commit_failures, rebalances;
    uint64_t assigned_partitions, paused_partitions, lag_max;
    /* latencies */
    krafka_metrics_lat_t request_latency, connect_latency;
    krafka_metrics_lat_t send_latency, queue_time;
    krafka_metrics_lat_t poll_latency, fetch_latency, commit_latency;
    krafka_metrics_lat_t rebalance_duration;
} krafka_metrics_snapshot_t;

/** Fills the first @struct_size bytes of *@out from @m (a client's
 *  registry; gauges are brought up to date first, as for an export).
 *  Returns KRAFKA_ERR_NONE, LOCAL_INVALID_ARG (NULL, or @struct_size 0 or
 *  larger than this library's struct), or LOCAL_NOMEM.
 *  Thread-safety: any thread, concurrently with updates and exports. */
KRAFKA_API krafka_err_t
krafka_metrics_snapshot(const krafka_metrics_t *m,
                        krafka_metrics_snapshot_t *out, size_t struct_size);

/** Statistics callback: every `statistics.interval.ms` (0: never) the
 *  client renders its registry @m with krafka_metrics_json() and hands the
 *  text (@json, @json_len bytes, NUL-terminated, borrowed until the
 *  callback returns) to @cb, on the application's thread, inside
 *  krafka_producer_poll() / krafka_consumer_poll() (and _poll_batch).
 *  @opaque is krafka_conf_set_opaque()'s. A tick that finds no poll waits
 *  for the next one; ticks are not queued up. */
typedef void (*krafka_stats_cb)(const krafka_metrics_t *m, const char *json,
                                size_t json_len, void *opaque);

/** Sets the statistics callback (NULL: none).
 *  Thread-safety: one thread at a time per @conf. */
KRAFKA_API void krafka_conf_set_stats_cb(krafka_conf_t *conf,
                                         krafka_stats_cb cb);

typedef struct krafka_metrics_http krafka_metrics_http_t; /* opaque */

/** Starts a tiny HTTP endpoint on 127.0.0.1:@port (0: a free port, see
 *  krafka_metrics_http_port()) that answers GET /metrics with
 *  krafka_metrics_prometheus_multi() of the @n registries @regs, and any
 *  other request with 4xx. One thread, one connection at a time, requests
 *  up to 8 KiB, 2 s timeouts. The array is copied; the registries are
 *  borrowed and must outlive krafka_metrics_http_stop(). Returns
 *  KRAFKA_ERR_NONE and sets *@out, or LOCAL_INVALID_ARG (@out or @regs
 *  NULL, @n 0 or above 4096), LOCAL_NOMEM or
 *  LOCAL_FAIL (socket or thread) with a message in @errstr (may be NULL).
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t
krafka_metrics_http_serve(krafka_metrics_http_t **out,
                          const krafka_metrics_t *const *regs, size_t n,
                          uint16_t port, char *errstr, size_t errstr_size);

/** The port @h listens on (the one chosen when 0 was asked for).
 *  Thread-safety: any thread. */
KRAFKA_API uint16_t krafka_metrics_http_port(const krafka_metrics_http_t *h);

/** Stops the endpoint: waits for its thread, closes its socket, frees @h.
 *  NULL is a no-op. Thread-safety: any thread, once per @h. */
KRAFKA_API void krafka_metrics_http_stop(krafka_metrics_http_t *h);

#ifdef __cplusplus
}
#endif
#endif
