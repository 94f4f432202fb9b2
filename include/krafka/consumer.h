/*
 * The consumer: fetches records from the partitions it is given (manual
 * assignment) or that its consumer group hands it (subscription), keeps
 * positions and commits offsets.
 *
 * Threads: one I/O thread per consumer fetches ahead into one bounded
 * queue (`queued.max.messages.kbytes`) and runs the group protocol
 * (heartbeats do not depend on how often the application polls). Records,
 * events and rebalance callbacks reach the application through
 * krafka_consumer_poll(). Unless a function says otherwise it may be
 * called from any thread; poll is meant for one thread at a time.
 */
#ifndef KRAFKA_CONSUMER_H
#define KRAFKA_CONSUMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/conf.h"
#include "krafka/errors.h"
#include "krafka/export.h"
#include "krafka/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct krafka_consumer krafka_consumer_t; /* opaque */

/** Logical offsets (the same values as librdkafka's). */
#define KRAFKA_OFFSET_BEGINNING (-2) /* the log start */
#define KRAFKA_OFFSET_END (-1)       /* the high watermark */
#define KRAFKA_OFFSET_STORED (-1000) /* the committed offset */
#define KRAFKA_OFFSET_INVALID (-1001) /* none / unknown */

/** A topic-partition with an offset, for assignments, commits, positions
 * and lookups. */
typedef struct krafka_topic_partition {
    char *topic;          /* owned by the list */
    int32_t partition;
    int64_t offset;       /* or a logical offset; a timestamp (ms) for
                           * krafka_consumer_offsets_for_times() */
    int32_t leader_epoch; /* -1: unknown */
    char *metadata;       /* commit metadata; owned by the list; NULL */
    krafka_err_t err;     /* per-partition result */
} krafka_topic_partition_t;

/** A list of topic-partitions. Read elems[0..cnt) directly; change it only
 * through the functions below. Not thread-safe: one thread at a time. */
typedef struct krafka_tp_list {
    krafka_topic_partition_t *elems; /* owned */
    size_t cnt;
    size_t cap;
} krafka_tp_list_t;

/** A new empty list (NULL on allocation failure). */
KRAFKA_API krafka_tp_list_t *krafka_tp_list_new(size_t size_hint);
KRAFKA_API void krafka_tp_list_destroy(krafka_tp_list_t *l); /* NULL ok */
/** Appends @topic (copied) / @partition with offset KRAFKA_OFFSET_INVALID
 * and leader epoch -1; returns the element (valid until the list changes)
 * or NULL on allocation failure. */
KRAFKA_API krafka_topic_partition_t *
krafka_tp_list_add(krafka_tp_list_t *l, const char *topic, int32_t partition);
/** The element for @topic/@partition, or NULL. */
KRAFKA_API krafka_topic_partition_t *
krafka_tp_list_find(const krafka_tp_list_t *l, const char *topic,
                    int32_t partition);

/** How a record's timestamp was set. */
typedef enum krafka_ts_type {
    KRAFKA_TS_NONE = 0,
    KRAFKA_TS_CREATE_TIME = 1,     /* by the producer */
    KRAFKA_TS_LOG_APPEND_TIME = 2, /* by the broker */
} krafka_ts_type_t;

/** A consumed record, or an event when @err is not NONE (then @topic and
 * @partition say where, if anywhere, and @errstr says what; e.g.
 * LOCAL_PARTITION_EOF with `enable.partition.eof`, OFFSET_OUT_OF_RANGE
 * with `auto.offset.reset=error`, TOPIC_AUTHORIZATION_FAILED).
 *
 * Key, value and headers point into the fetched data (no copy), which
 * stays allocated until krafka_record_destroy(); the fields are read-only.
 * Records may outlive their consumer's poll but not the consumer. */
typedef struct krafka_record {
    krafka_err_t err;
    const char *errstr;          /* "" for a record */
    const char *topic;           /* NULL for an event without one */
    int32_t partition;           /* -1 for an event without one */
    int64_t offset;
    int64_t timestamp;           /* ms since the epoch, -1: none */
    krafka_ts_type_t ts_type;
    int32_t leader_epoch;        /* of the batch; -1: unknown */
    const void *key;             /* NULL: a null key */
    size_t key_len;
    const void *value;           /* NULL: a null value */
    size_t value_len;
    size_t header_cnt;
} krafka_record_t;

/** Header @idx (0..header_cnt-1) of @rec: its name (not NUL-terminated)
 * and value (NULL: null). NONE, or LOCAL_INVALID_ARG out of range.
 * Thread: any (the record is read-only). */
KRAFKA_API krafka_err_t krafka_record_header(const krafka_record_t *rec,
                                             size_t idx, const char **name,
                                             size_t *name_len,
                                             const void **value,
                                             size_t *value_len);
/** The last header named @name (NUL-terminated): NONE, or LOCAL_NOENT
 * when there is none. */
KRAFKA_API krafka_err_t krafka_record_header_last(const krafka_record_t *rec,
                                                  const char *name,
                                                  const void **value,
                                                  size_t *value_len);
/** Releases a record or event from poll (NULL: no-op). Thread: any. */
KRAFKA_API void krafka_record_destroy(krafka_record_t *rec);

/** Rebalance events, for the rebalance callback. */
typedef enum krafka_rebalance {
    KRAFKA_REBALANCE_ASSIGNED = 1, /* these partitions are now yours */
    KRAFKA_REBALANCE_REVOKED = 2,  /* give these back: commit now */
    KRAFKA_REBALANCE_LOST = 3,     /* these were taken (session lost):
                                    * committing them fails */
} krafka_rebalance_t;

/** Rebalance callback, run inside krafka_consumer_poll() (and _close()).
 * The consumer applies the change itself: on ASSIGNED the partitions are
 * already assigned (committed offsets are fetched after the callback
 * unless it seeks), on REVOKED and LOST they are removed after it
 * returns. With the eager protocols (range, roundrobin) REVOKED lists the
 * whole assignment; with cooperative-sticky, only what moves. The
 * callback may call any consumer function but close and destroy.
 * @conf_opaque is krafka_conf_set_opaque()'s. */
typedef void (*krafka_rebalance_cb)(krafka_consumer_t *c,
                                    krafka_rebalance_t event,
                                    const krafka_tp_list_t *partitions,
                                    void *conf_opaque);
KRAFKA_API void krafka_conf_set_rebalance_cb(krafka_conf_t *conf,
                                             krafka_rebalance_cb cb);

/** Commit result callback, for asynchronous commits (including auto
 * commits), run inside krafka_consumer_poll(): @err is the overall
 * result, @offsets the committed offsets with their own err. */
typedef void (*krafka_offset_commit_cb)(krafka_consumer_t *c,
                                        krafka_err_t err,
                                        const krafka_tp_list_t *offsets,
                                        void *conf_opaque);
KRAFKA_API void krafka_conf_set_offset_commit_cb(krafka_conf_t *conf,
                                                 krafka_offset_commit_cb cb);

/** Interceptor, for tracing: runs in krafka_consumer_poll() for every
 * record before the application gets it, with the time the record waited
 * in the consumer's queue. */
typedef void (*krafka_on_consume_cb)(const krafka_record_t *rec,
                                     int64_t queued_us, void *ic_opaque);
KRAFKA_API void krafka_conf_set_consume_interceptor(krafka_conf_t *conf,
                                                    krafka_on_consume_cb cb,
                                                    void *ic_opaque);

/** Creates a consumer from a copy of @conf and starts its I/O thread.
 * `group.id` is needed for subscribe and commits, not for assign. */
KRAFKA_API krafka_err_t krafka_consumer_new(krafka_consumer_t **out,
                                            const krafka_conf_t *conf,
                                            char *errstr,
                                            size_t errstr_size);
/** Leaves the group cleanly: revokes the assignment (rebalance callback),
 * commits the stored offsets when `enable.auto.commit` is set and sends
 * LeaveGroup (not for a static member), within `close.timeout.ms`.
 * Returns the commit's outcome. Idempotent. */
KRAFKA_API krafka_err_t krafka_consumer_close(krafka_consumer_t *c);
/** Closes if needed and frees everything (NULL: no-op). Records still held
 * by the application must be destroyed first. */
KRAFKA_API void krafka_consumer_destroy(krafka_consumer_t *c);

/** The consumer's metrics registry (never NULL for a valid @c): export it
 *  (krafka_metrics_prometheus/_json/_visit), read it with
 *  krafka_metrics_snapshot(), reset it, add it to an aggregate or serve it
 *  with krafka_metrics_http_serve(). Borrowed: valid until
 *  krafka_consumer_destroy(), which must come after any HTTP endpoint serving
 *  it is stopped. Empty with `enable.metrics=false`.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_metrics_t *krafka_consumer_metrics(krafka_consumer_t *c);

/** Joins the group (`group.id`) for these topics, replacing the previous
 * subscription; a name starting with '^' is a regular expression (POSIX
 * extended), matched against all topics and re-evaluated on every
 * metadata refresh. LOCAL_INVALID_ARG for a NULL handle, @topics NULL with
 * a @topic_cnt, a NULL or empty name, a bad pattern or over 100000
 * names; LOCAL_INVALID_CONF without `group.id`. */
KRAFKA_API krafka_err_t krafka_consumer_subscribe(krafka_consumer_t *c,
                                                  const char *const *topics,
                                                  size_t topic_cnt);
KRAFKA_API krafka_err_t krafka_consumer_unsubscribe(krafka_consumer_t *c);
/** The current subscription: one element per topic or pattern,
 * partition -1. The caller destroys *out. */
KRAFKA_API krafka_err_t krafka_consumer_subscription(krafka_consumer_t *c,
                                                     krafka_tp_list_t **out);

/** Manual assignment: replaces the whole assignment (NULL or empty:
 * none). Each element's offset says where to start: an offset, a logical
 * offset, or KRAFKA_OFFSET_INVALID/STORED for the committed offset (then
 * `auto.offset.reset`). */
KRAFKA_API krafka_err_t krafka_consumer_assign(krafka_consumer_t *c,
                                               const krafka_tp_list_t *tps);
/** Adds @tps to / removes them from the assignment. */
KRAFKA_API krafka_err_t
krafka_consumer_incremental_assign(krafka_consumer_t *c,
                                   const krafka_tp_list_t *tps);
KRAFKA_API krafka_err_t
krafka_consumer_incremental_unassign(krafka_consumer_t *c,
                                     const krafka_tp_list_t *tps);
/** The current assignment. The caller destroys *out. */
KRAFKA_API krafka_err_t krafka_consumer_assignment(krafka_consumer_t *c,
                                                   krafka_tp_list_t **out);

/** The next record or event, waiting at most @timeout_ms (-1: forever);
 * NULL when none came. Serves rebalance and commit callbacks. */
KRAFKA_API krafka_record_t *krafka_consumer_poll(krafka_consumer_t *c,
                                                 int timeout_ms);
/** Up to @max records or events into @out, waiting at most @timeout_ms for
 * the first; returns how many. */
KRAFKA_API size_t krafka_consumer_poll_batch(krafka_consumer_t *c,
                                             krafka_record_t **out,
                                             size_t max, int timeout_ms);

/** Commits @offsets (NULL: the stored offsets of the assignment; see
 * `enable.auto.offset.store`). @async: return at once, the result goes to
 * the commit callback; else wait, retrying while the coordinator moves,
 * at most `default.api.timeout.ms`, and return it. Offsets are the next
 * record to read. A subscribed consumer that is not in a generation (its
 * partitions were lost, or it is joining) gets REBALANCE_IN_PROGRESS at
 * once, for sync and async commits, without a request: poll to rejoin,
 * then commit what the new assignment gives (Java's CommitFailedException).
 * LOCAL_NO_OFFSET: nothing to commit. */
KRAFKA_API krafka_err_t krafka_consumer_commit(krafka_consumer_t *c,
                                               const krafka_tp_list_t *offsets,
                                               bool async);
/** Commits the offset after @rec. */
KRAFKA_API krafka_err_t krafka_consumer_commit_record(krafka_consumer_t *c,
                                                      const krafka_record_t *rec,
                                                      bool async);
/** Fills each element's offset (and leader epoch, metadata) with the
 * group's committed offset (KRAFKA_OFFSET_INVALID: none). */
KRAFKA_API krafka_err_t krafka_consumer_committed(krafka_consumer_t *c,
                                                  krafka_tp_list_t *tps,
                                                  int timeout_ms);
/** Fills each element's offset with the position: the offset of the next
 * record poll will return (KRAFKA_OFFSET_INVALID: not known yet). */
KRAFKA_API krafka_err_t krafka_consumer_position(krafka_consumer_t *c,
                                                 krafka_tp_list_t *tps);
/** Stores the offsets to commit next (the offset after the last processed
 * record), for `enable.auto.offset.store=false`. */
KRAFKA_API krafka_err_t krafka_consumer_store_offsets(krafka_consumer_t *c,
                                                      const krafka_tp_list_t *offsets);
KRAFKA_API krafka_err_t krafka_consumer_store_record(krafka_consumer_t *c,
                                                     const krafka_record_t *rec);

/** Moves an assigned partition's position: @offset, or
 * KRAFKA_OFFSET_BEGINNING / KRAFKA_OFFSET_END. Records fetched from the
 * old position are dropped. */
KRAFKA_API krafka_err_t krafka_consumer_seek(krafka_consumer_t *c,
                                             const char *topic,
                                             int32_t partition,
                                             int64_t offset);
/** Moves to the first record with a timestamp >= @timestamp_ms (the end
 * when there is none), looked up with ListOffsets. */
KRAFKA_API krafka_err_t krafka_consumer_seek_timestamp(krafka_consumer_t *c,
                                                       const char *topic,
                                                       int32_t partition,
                                                       int64_t timestamp_ms);
/** Stops / restarts fetching these assigned partitions; the position is
 * kept. */
KRAFKA_API krafka_err_t krafka_consumer_pause(krafka_consumer_t *c,
                                              const krafka_tp_list_t *tps);
KRAFKA_API krafka_err_t krafka_consumer_resume(krafka_consumer_t *c,
                                               const krafka_tp_list_t *tps);

/** For each element, replaces offset (a timestamp in ms) with the first
 * offset whose timestamp is >= it (KRAFKA_OFFSET_END when none), asking
 * the leaders; per-element errors in err. */
KRAFKA_API krafka_err_t krafka_consumer_offsets_for_times(krafka_consumer_t *c,
                                                          krafka_tp_list_t *tps,
                                                          int timeout_ms);
/** The log start and high watermark of a partition, asked of its leader. */
KRAFKA_API krafka_err_t
krafka_consumer_query_watermark_offsets(krafka_consumer_t *c,
                                        const char *topic, int32_t partition,
                                        int64_t *low, int64_t *high,
                                        int timeout_ms);
/** Lag of an assigned partition: the last fetch's high watermark (or
 * last stable offset with read_committed) minus the position; -1 when
 * not known yet. */
KRAFKA_API krafka_err_t krafka_consumer_lag(krafka_consumer_t *c,
                                            const char *topic,
                                            int32_t partition, int64_t *lag);

#ifdef __cplusplus
}
#endif
#endif
