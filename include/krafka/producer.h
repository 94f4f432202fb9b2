/*
 * The producer: hand it records from any thread; it partitions, batches,
 * compresses, sends and confirms them, and reports each record's outcome
 * exactly once through the delivery report callback, which runs inside
 * krafka_producer_poll() on the application's thread.
 */
#ifndef KRAFKA_PRODUCER_H
#define KRAFKA_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/conf.h"
#include "krafka/errors.h"
#include "krafka/export.h"
#include "krafka/partitioner.h"
#include "krafka/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct krafka_producer krafka_producer_t; /* opaque */

/** Let the partitioner choose the partition. */
#define KRAFKA_PARTITION_ANY (-1)

/** A record header. */
typedef struct krafka_header {
    const char *key;   /* NUL-terminated, not NULL */
    const void *value; /* NULL: a null value */
    size_t value_len;
} krafka_header_t;

/** A record to send. Everything it points to is read during
 *  krafka_producer_send() only: the library copies what it keeps. */
typedef struct krafka_msg {
    const char *topic;             /* not NULL */
    int32_t partition;             /* or KRAFKA_PARTITION_ANY */
    const void *key;               /* NULL: a null key */
    size_t key_len;
    const void *value;             /* NULL: a null value (tombstone) */
    size_t value_len;
    const krafka_header_t *headers;
    size_t header_cnt;
    int64_t timestamp;             /* ms since the epoch; 0: now */
} krafka_msg_t;

/** The outcome of one record, given to the delivery report callback. All
 *  pointers are borrowed until the callback returns. */
typedef struct krafka_delivery {
    const char *topic;
    int32_t partition;   /* -1 when the record never got one */
    int64_t offset;      /* -1 unless delivered with acks 1 or all */
    int64_t timestamp;   /* CreateTime, or the broker's LogAppendTime */
    krafka_err_t err;    /* NONE when the record is in the log */
    const char *errstr;  /* "" on success */
    void *opaque;        /* the opaque given to krafka_producer_send() */
    int64_t latency_us;  /* send() to acknowledgement */
} krafka_delivery_t;

/** Delivery report callback; @conf_opaque is krafka_conf_set_opaque()'s.
 *  Runs on the thread calling krafka_producer_poll()/_flush(). */
typedef void (*krafka_dr_cb)(krafka_producer_t *p,
                             const krafka_delivery_t *dr, void *conf_opaque);

/** Sets the delivery report callback. With the property
 *  `delivery.report.only.error=true` only failed records are reported.
 *  Thread-safety: one thread at a time per @conf. */
KRAFKA_API void krafka_conf_set_dr_cb(krafka_conf_t *conf, krafka_dr_cb cb);

/** Sets an application partitioner for records sent with
 *  KRAFKA_PARTITION_ANY (see krafka_partitioner_cb in krafka/partitioner.h
 *  for its contract); it overrides the `partitioner` property, and keyless
 *  records go to it too (no sticky partitioning), as with librdkafka's
 *  partitioner_cb. @opaque is passed to every call. NULL @cb: back to the
 *  `partitioner` property.
 *  Thread-safety: one thread at a time per @conf. */
KRAFKA_API void krafka_conf_set_partitioner_cb(krafka_conf_t *conf,
                                               krafka_partitioner_cb cb,
                                               void *opaque);

/** Interceptors, for tracing: @on_send runs inside krafka_producer_send()
 *  before the record is partitioned, with the @opaque given to send (the
 *  one on_ack and the delivery report get back in dr->opaque; NULL for
 *  krafka_producer_send_sync()), and may add up to @max_add headers by
 *  filling @add (returns how many it added; their memory must stay valid
 *  until on_send returns). @on_ack runs on the I/O thread when a record's
 *  outcome is known, before its delivery report is queued; it must be
 *  quick and must not call the producer. Either may be NULL.
 *  Thread-safety: one thread at a time per @conf. */
typedef size_t (*krafka_on_send_cb)(const krafka_msg_t *msg, void *opaque,
                                    krafka_header_t *add, size_t max_add,
                                    void *ic_opaque);
typedef void (*krafka_on_ack_cb)(const krafka_delivery_t *dr,
                                 void *ic_opaque);
KRAFKA_API void krafka_conf_set_interceptors(krafka_conf_t *conf,
                                             krafka_on_send_cb on_send,
                                             krafka_on_ack_cb on_ack,
                                             void *ic_opaque);

/** Creates a producer from a copy of @conf and starts its I/O thread.
 *  Returns KRAFKA_ERR_NONE and sets *@out, or an error with a message in
 *  @errstr. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_producer_new(krafka_producer_t **out,
                                            const krafka_conf_t *conf,
                                            char *errstr,
                                            size_t errstr_size);

/** Flushes for at most the `close.timeout.ms` property, reports what is
 *  left as LOCAL_PURGE_QUEUE / LOCAL_PURGE_INFLIGHT (serving the reports
 *  on this thread), stops the I/O thread and frees @p. NULL is a no-op.
 *  Thread-safety: any one thread, once no other thread uses @p. */
KRAFKA_API void krafka_producer_destroy(krafka_producer_t *p);

/** The producer's metrics registry (never NULL for a valid @p): export it
 *  (krafka_metrics_prometheus/_json/_visit), read it with
 *  krafka_metrics_snapshot(), reset it, add it to an aggregate or serve it
 *  with krafka_metrics_http_serve(). Borrowed: valid until
 *  krafka_producer_destroy(), which must come after any HTTP endpoint serving
 *  it is stopped. Empty with `enable.metrics=false`.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_metrics_t *krafka_producer_metrics(krafka_producer_t *p);

/** Queues a record. Returns KRAFKA_ERR_NONE (its outcome will be
 *  reported once), or at once: LOCAL_QUEUE_FULL when
 *  queue.buffering.max.messages/kbytes is reached (after waiting up to
 *  `max.block.ms` if set: room comes when reports are served, so another
 *  thread must call krafka_producer_poll() meanwhile; a full queue also
 *  sends the open batches without waiting for linger.ms),
 *  LOCAL_MSG_SIZE_TOO_LARGE
 *  above message.max.bytes, LOCAL_UNKNOWN_PARTITION for a partition the
 *  topic lacks, LOCAL_INVALID_ARG (NULL @p or @msg, a NULL or empty
 *  topic, a NULL key, value or header value with a length, a NULL header
 *  key, a partition below KRAFKA_PARTITION_ANY, over 248 headers); then
 *  nothing is reported. Lengths too large for any record (up to SIZE_MAX,
 *  even when their sum wraps) are LOCAL_MSG_SIZE_TOO_LARGE.
 *  Thread-safety: any number of threads at once. */
KRAFKA_API krafka_err_t krafka_producer_send(krafka_producer_t *p,
                                             const krafka_msg_t *msg,
                                             void *opaque);

/** Sends one record and waits at most @timeout_ms for its outcome, which
 *  is returned (and copied to *@result when not NULL; its topic and errstr
 *  pointers are then NULL). The record gets no delivery report. A
 *  negative @timeout_ms waits without limit (message.timeout.ms still
 *  ends the record). Errors as krafka_producer_send().
 *  Thread-safety: any number of threads at once. */
KRAFKA_API krafka_err_t krafka_producer_send_sync(krafka_producer_t *p,
                                                  const krafka_msg_t *msg,
                                                  int timeout_ms,
                                                  krafka_delivery_t *result);

/** Serves queued delivery reports, waiting at most @timeout_ms (0: don't
 *  wait, -1: until one arrives) for the first. Returns how many were
 *  served (0 for a NULL @p). Thread-safety: any thread; reports are
 *  served in order when
 *  one thread polls. */
KRAFKA_API int krafka_producer_poll(krafka_producer_t *p, int timeout_ms);

/** Sends everything queued at once (ignoring linger.ms) and waits, serving
 *  delivery reports, until every record sent before the call has been
 *  reported or @timeout_ms passed. Returns KRAFKA_ERR_NONE or
 *  LOCAL_TIMED_OUT. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_producer_flush(krafka_producer_t *p,
                                              int timeout_ms);

/** krafka_producer_purge() flags. */
#define KRAFKA_PURGE_QUEUE 0x1    /* records not yet sent */
#define KRAFKA_PURGE_INFLIGHT 0x2 /* records sent, not yet acknowledged */

/** Fails the records selected by @flags with LOCAL_PURGE_QUEUE or
 *  LOCAL_PURGE_INFLIGHT; their reports are served by the next poll. An
 *  in-flight record may still have been written by the broker.
 *  Returns KRAFKA_ERR_NONE, or LOCAL_INVALID_ARG for a NULL @p or a flag
 *  other than these two. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_producer_purge(krafka_producer_t *p,
                                              int flags);

/** Records queued, in flight or with a report not yet served (0 for a
 *  NULL @p). Thread-safety: any thread. */
KRAFKA_API int krafka_producer_outq_len(krafka_producer_t *p);

#ifdef __cplusplus
}
#endif
#endif
