/*
 * Admin handle: cluster metadata, topic creation and deletion. Each call
 * blocks the calling thread for at most its timeout while the handle's I/O
 * thread talks to the brokers.
 */
#ifndef KRAFKA_ADMIN_H
#define KRAFKA_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/conf.h"
#include "krafka/errors.h"
#include "krafka/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct krafka_admin krafka_admin_t; /* opaque */

/** One broker of the cluster. */
typedef struct krafka_metadata_broker {
    int32_t id;
    const char *host;
    int port;
    const char *rack; /* NULL if none */
} krafka_metadata_broker_t;

/** One partition of a topic. */
typedef struct krafka_metadata_partition {
    int32_t id;
    krafka_err_t err;      /* per-partition error, e.g. LEADER_NOT_AVAILABLE */
    int32_t leader;        /* broker id, -1 if none */
    int32_t leader_epoch;  /* -1 if unknown */
    int replica_cnt;
    const int32_t *replicas;
    int isr_cnt;
    const int32_t *isrs;
} krafka_metadata_partition_t;

/** One topic. */
typedef struct krafka_metadata_topic {
    const char *topic;
    krafka_err_t err;     /* e.g. UNKNOWN_TOPIC_OR_PARTITION */
    bool is_internal;
    uint8_t topic_id[16]; /* all zero when the broker gives none */
    int partition_cnt;
    const krafka_metadata_partition_t *partitions;
} krafka_metadata_topic_t;

/** A snapshot of cluster metadata. Everything it points to belongs to it
 *  and is freed by krafka_metadata_destroy(). */
typedef struct krafka_metadata {
    const char *cluster_id; /* NULL if unknown */
    int32_t controller_id;  /* -1 if unknown */
    int32_t orig_broker_id; /* the broker that answered */
    int broker_cnt;
    const krafka_metadata_broker_t *brokers;
    int topic_cnt;
    const krafka_metadata_topic_t *topics;
} krafka_metadata_t;

/** A topic to create. */
typedef struct krafka_new_topic {
    const char *topic;
    int32_t num_partitions;      /* -1: the broker's default */
    int16_t replication_factor;  /* -1: the broker's default */
    const char *const *configs;  /* name, value, name, value, ... */
    size_t config_cnt;           /* number of name/value pairs */
} krafka_new_topic_t;

/** A topic to give more partitions. */
typedef struct krafka_new_partitions {
    const char *topic;
    int32_t total_count; /* the partition count wanted, above the current */
} krafka_new_partitions_t;

/** The outcome for one topic of a create or delete call. */
typedef struct krafka_topic_result {
    krafka_err_t err;   /* NONE, TOPIC_ALREADY_EXISTS, ... */
    char errstr[256];   /* the broker's message or ours; "" on success */
} krafka_topic_result_t;

/** Creates an admin handle from a copy of @conf (the caller keeps @conf)
 *  and starts its I/O thread; connections are made on first use.
 *  Returns KRAFKA_ERR_NONE and sets *@out, or an error with a message in
 *  @errstr (LOCAL_INVALID_CONF for an inconsistent configuration).
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_new(krafka_admin_t **out,
                                         const krafka_conf_t *conf,
                                         char *errstr, size_t errstr_size);

/** Stops the I/O thread, closes every connection and frees @a. Calls still
 *  running on other threads must have returned. NULL is a no-op.
 *  Thread-safety: any one thread. */
KRAFKA_API void krafka_admin_destroy(krafka_admin_t *a);

/** Fetches metadata for @topic, or for all topics when @topic is NULL,
 *  waiting at most @timeout_ms. Returns KRAFKA_ERR_NONE and sets *@out
 *  (free with krafka_metadata_destroy()), or LOCAL_TIMED_OUT, an
 *  authentication or TLS error, ... with a message in @errstr.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_metadata(krafka_admin_t *a,
                                              const char *topic,
                                              int timeout_ms,
                                              krafka_metadata_t **out,
                                              char *errstr,
                                              size_t errstr_size);

/** Frees a metadata snapshot. NULL is a no-op. Thread-safety: any thread. */
KRAFKA_API void krafka_metadata_destroy(krafka_metadata_t *md);

/** Creates @cnt topics on the controller and waits, at most @timeout_ms,
 *  for the broker's answer. Returns KRAFKA_ERR_NONE when the broker
 *  answered; then @results[i] (caller-allocated, @cnt entries) holds each
 *  topic's outcome. Otherwise a request-level error (LOCAL_TIMED_OUT, ...)
 *  with a message in @errstr. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_create_topics(
    krafka_admin_t *a, const krafka_new_topic_t *topics, size_t cnt,
    int timeout_ms, krafka_topic_result_t *results, char *errstr,
    size_t errstr_size);

/** Deletes @cnt topics, as krafka_admin_create_topics() creates them.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_delete_topics(
    krafka_admin_t *a, const char *const *topics, size_t cnt, int timeout_ms,
    krafka_topic_result_t *results, char *errstr, size_t errstr_size);

/** Raises the partition count of @cnt topics (CreatePartitions; Kafka
 *  cannot lower it), the broker placing the new partitions, and waits at
 *  most @timeout_ms for the answer; results as krafka_admin_create_topics()
 *  gives them (INVALID_PARTITIONS for a count not above the current one).
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_create_partitions(
    krafka_admin_t *a, const krafka_new_partitions_t *topics, size_t cnt,
    int timeout_ms, krafka_topic_result_t *results, char *errstr,
    size_t errstr_size);

#ifdef __cplusplus
}
#endif
#endif
