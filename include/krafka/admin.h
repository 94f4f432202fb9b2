/*
 * Admin handle: cluster metadata, topic creation and deletion, consumer
 * groups. Each call blocks the calling thread for at most its timeout
 * while the handle's I/O thread talks to the brokers.
 */
#ifndef KRAFKA_ADMIN_H
#define KRAFKA_ADMIN_H

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

/** The admin's metrics registry (never NULL for a valid @a): export it
 *  (krafka_metrics_prometheus/_json/_visit), read it with
 *  krafka_metrics_snapshot(), reset it, add it to an aggregate or serve it
 *  with krafka_metrics_http_serve(). Borrowed: valid until
 *  krafka_admin_destroy(), which must come after any HTTP endpoint serving
 *  it is stopped. Empty with `enable.metrics=false`.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_metrics_t *krafka_admin_metrics(krafka_admin_t *a);

/** Fetches metadata for @topic, or for all topics when @topic is NULL,
 *  waiting at most @timeout_ms (negative: no limit). Returns
 *  KRAFKA_ERR_NONE and sets *@out (free with krafka_metadata_destroy()),
 *  or LOCAL_TIMED_OUT, an authentication or TLS error, ... with a message
 *  in @errstr; LOCAL_INVALID_ARG for a NULL @a or @out.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_metadata(krafka_admin_t *a,
                                              const char *topic,
                                              int timeout_ms,
                                              krafka_metadata_t **out,
                                              char *errstr,
                                              size_t errstr_size);

/** Frees a metadata snapshot. NULL is a no-op. Thread-safety: any thread. */
KRAFKA_API void krafka_metadata_destroy(krafka_metadata_t *md);

/** Creates @cnt topics on the controller and waits, at most @timeout_ms
 *  (negative: no limit), for the broker's answer. Returns KRAFKA_ERR_NONE
 *  when the broker answered; then @results[i] (caller-allocated, @cnt
 *  entries; NULL: not wanted) holds each topic's outcome. Otherwise a
 *  request-level error (LOCAL_TIMED_OUT, ...) with a message in @errstr;
 *  LOCAL_INVALID_ARG for a NULL handle or @topics, @cnt 0 or above 10000,
 *  a NULL or empty name, @configs NULL with a @config_cnt, a @config_cnt
 *  above 1000 or a NULL config name. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_create_topics(
    krafka_admin_t *a, const krafka_new_topic_t *topics, size_t cnt,
    int timeout_ms, krafka_topic_result_t *results, char *errstr,
    size_t errstr_size);

/** Deletes @cnt topics, as krafka_admin_create_topics() creates them
 *  (LOCAL_INVALID_ARG for a NULL handle or @topics, @cnt 0 or above 10000,
 *  a NULL or empty name). Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_delete_topics(
    krafka_admin_t *a, const char *const *topics, size_t cnt, int timeout_ms,
    krafka_topic_result_t *results, char *errstr, size_t errstr_size);

/** Raises the partition count of @cnt topics (CreatePartitions; Kafka
 *  cannot lower it), the broker placing the new partitions, and waits at
 *  most @timeout_ms for the answer; results as krafka_admin_create_topics()
 *  gives them (INVALID_PARTITIONS for a count not above the current one).
 *  LOCAL_INVALID_ARG for a NULL handle or @topics, @cnt 0 or above 10000,
 *  a NULL or empty name or a @total_count below 1.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_create_partitions(
    krafka_admin_t *a, const krafka_new_partitions_t *topics, size_t cnt,
    int timeout_ms, krafka_topic_result_t *results, char *errstr,
    size_t errstr_size);

/* ---- configs ---- */

/** Where a config's value comes from (DescribeConfigs' ConfigSource). */
typedef enum krafka_config_source {
    KRAFKA_CONFIG_SOURCE_UNKNOWN = 0,
    KRAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC = 1,          /* the topic's own */
    KRAFKA_CONFIG_SOURCE_DYNAMIC_BROKER = 2,
    KRAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER = 3,
    KRAFKA_CONFIG_SOURCE_STATIC_BROKER = 4,          /* server.properties */
    KRAFKA_CONFIG_SOURCE_DEFAULT = 5,                /* Kafka's default */
    KRAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_LOGGER = 6,
    KRAFKA_CONFIG_SOURCE_CLIENT_METRICS = 7,
    KRAFKA_CONFIG_SOURCE_GROUP = 8,
} krafka_config_source_t;

/** "DYNAMIC_TOPIC_CONFIG", "DEFAULT_CONFIG", ... (Kafka's names), or
 *  "UNKNOWN". Thread-safety: any thread. */
KRAFKA_API const char *krafka_config_source_name(krafka_config_source_t s);

/** One config of a resource. */
typedef struct krafka_config_entry {
    const char *name;
    const char *value;  /* NULL when unset or sensitive */
    krafka_config_source_t source;
    bool is_default;    /* source == KRAFKA_CONFIG_SOURCE_DEFAULT */
    bool read_only;
    bool sensitive;
} krafka_config_entry_t;

/** The configs of one resource. Everything it points to belongs to it and
 *  is freed by krafka_config_entries_destroy(). */
typedef struct krafka_config_entries {
    int cnt;
    const krafka_config_entry_t *entries; /* in the broker's order */
} krafka_config_entries_t;

/** Describes every config of @topic (DescribeConfigs, sent to any broker),
 *  waiting at most @timeout_ms (negative: no limit). Returns
 *  LOCAL_INVALID_ARG for a NULL @a or @out or a NULL or empty @topic, else
 *  KRAFKA_ERR_NONE and sets *@out
 *  (free with krafka_config_entries_destroy()), or the broker's error for
 *  the topic (UNKNOWN_TOPIC_OR_PARTITION, TOPIC_AUTHORIZATION_FAILED, ...)
 *  or a request-level one (LOCAL_TIMED_OUT, ...), with a message in
 *  @errstr. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_describe_topic_configs(
    krafka_admin_t *a, const char *topic, int timeout_ms,
    krafka_config_entries_t **out, char *errstr, size_t errstr_size);

/** Frees a result of krafka_admin_describe_topic_configs(). NULL is a
 *  no-op. Thread-safety: any thread. */
KRAFKA_API void krafka_config_entries_destroy(krafka_config_entries_t *ce);


/* ---- consumer groups ---- */

/** One group, as krafka_admin_list_groups() finds it. */
typedef struct krafka_group_listing {
    const char *group_id;
    const char *protocol_type;  /* "consumer", "connect", "" */
    const char *state;          /* "Stable", "Empty", ...; "" when the
                                 * broker does not say (ListGroups < v4) */
    const char *type;           /* "classic", "consumer"; "" when the broker
                                 * does not say (ListGroups < v5) */
    int32_t coordinator_id;     /* the broker that listed it */
} krafka_group_listing_t;

/** The groups of the cluster. Everything it points to belongs to it and is
 *  freed by krafka_group_list_destroy(). */
typedef struct krafka_group_list {
    size_t group_cnt;
    const krafka_group_listing_t *groups; /* sorted by group_id */
    size_t failed_broker_cnt;  /* brokers that did not answer */
    krafka_err_t first_err;    /* the first of their errors, or NONE */
    const char *first_errstr;  /* "" when none */
} krafka_group_list_t;

/** A topic-partition assigned to a member. */
typedef struct krafka_group_tp {
    const char *topic;
    int32_t partition;
} krafka_group_tp_t;

/** One member of a group. */
typedef struct krafka_group_member {
    const char *member_id;
    const char *group_instance_id; /* NULL: a dynamic member */
    const char *client_id;
    const char *client_host;
    size_t assignment_cnt;   /* decoded for protocol type "consumer" */
    const krafka_group_tp_t *assignment;
} krafka_group_member_t;

/** A committed offset of a group, with the partition's end and the lag. */
typedef struct krafka_group_offset {
    const char *topic;
    int32_t partition;
    int64_t committed;     /* the next record the group will read */
    int32_t leader_epoch;  /* of the commit; -1: unknown */
    const char *metadata;  /* commit metadata; NULL: none */
    int64_t log_end;       /* high watermark; -1 when it could not be read */
    int64_t lag;           /* log_end - committed (>= 0); -1: unknown */
    krafka_err_t err;      /* per-partition error (OffsetFetch/ListOffsets) */
} krafka_group_offset_t;

/** One described group. */
typedef struct krafka_group_description {
    const char *group_id;
    krafka_err_t err;         /* e.g. GROUP_AUTHORIZATION_FAILED,
                               * COORDINATOR_NOT_AVAILABLE; NONE */
    const char *errstr;       /* "" when err is NONE */
    const char *state;        /* "Stable", "Empty", "Dead", ... */
    const char *protocol_type;/* "consumer", "" for an empty group */
    const char *protocol;     /* the assignor ("range", ...), or "" */
    int32_t coordinator_id;   /* -1 when not found */
    size_t member_cnt;
    const krafka_group_member_t *members;
    size_t offset_cnt;        /* committed offsets, by topic and partition */
    const krafka_group_offset_t *offsets;
} krafka_group_description_t;

/** The result of krafka_admin_describe_groups(); freed by
 *  krafka_group_descriptions_destroy(). */
typedef struct krafka_group_descriptions {
    size_t group_cnt;
    const krafka_group_description_t *groups; /* in the order asked */
} krafka_group_descriptions_t;

/** Lists the consumer groups of every broker (ListGroups to each broker of
 *  the cluster's metadata), waiting at most @timeout_ms overall (negative:
 *  60 s). LOCAL_INVALID_ARG for a NULL @a or @out. Returns
 *  KRAFKA_ERR_NONE and sets *@out (free with krafka_group_list_destroy())
 *  when at least the metadata came and every broker was asked; brokers
 *  that failed are counted in failed_broker_cnt. Otherwise
 *  LOCAL_TIMED_OUT, an authentication or TLS error, ... with a message in
 *  @errstr. Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_list_groups(krafka_admin_t *a,
                                                 int timeout_ms,
                                                 krafka_group_list_t **out,
                                                 char *errstr,
                                                 size_t errstr_size);

/** Frees a group list. NULL is a no-op. Thread-safety: any thread. */
KRAFKA_API void krafka_group_list_destroy(krafka_group_list_t *l);

/** Describes @cnt groups: for each, its coordinator (FindCoordinator),
 *  state, members and their assignments (DescribeGroups), the committed
 *  offsets (OffsetFetch) and each partition's high watermark and lag
 *  (ListOffsets to the leaders), waiting at most @timeout_ms overall
 *  (negative: 60 s).
 *  Returns KRAFKA_ERR_NONE and sets *@out (free with
 *  krafka_group_descriptions_destroy()); a group that could not be
 *  described has its own err. LOCAL_INVALID_ARG for a NULL @a, @groups or
 *  @out, @cnt 0 or above 10000, or a NULL or empty group id.
 *  Thread-safety: any thread. */
KRAFKA_API krafka_err_t krafka_admin_describe_groups(
    krafka_admin_t *a, const char *const *groups, size_t cnt, int timeout_ms,
    krafka_group_descriptions_t **out, char *errstr, size_t errstr_size);

/** Frees a describe result. NULL is a no-op. Thread-safety: any thread. */
KRAFKA_API void
krafka_group_descriptions_destroy(krafka_group_descriptions_t *d);

#ifdef __cplusplus
}
#endif
#endif
