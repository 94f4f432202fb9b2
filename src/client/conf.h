/*
 * The configuration object behind krafka_conf_t: typed fields that the
 * property table (conf_props.c) parses strings into. Library code reads the
 * fields directly from the copy its handle owns.
 *
 * Thread: a handle's copy is written once in _new() and only read after.
 */
#ifndef KR_CLIENT_CONF_H
#define KR_CLIENT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/conf.h"
#include "krafka/consumer.h"
#include "krafka/metrics.h"
#include "krafka/producer.h"
#include "util/buf.h"

enum kr_security_protocol {
    KR_SEC_PLAINTEXT,
    KR_SEC_SSL,
    KR_SEC_SASL_PLAINTEXT,
    KR_SEC_SASL_SSL,
};

enum kr_sasl_mech {
    KR_SASL_PLAIN,
    KR_SASL_SCRAM_SHA_256,
    KR_SASL_SCRAM_SHA_512,
};

enum kr_compression {
    KR_COMPRESSION_NONE = 0, /* values are the RecordBatch attribute bits */
    KR_COMPRESSION_GZIP = 1,
    KR_COMPRESSION_SNAPPY = 2,
    KR_COMPRESSION_LZ4 = 3,
    KR_COMPRESSION_ZSTD = 4,
};

enum kr_addr_family { KR_AF_ANY, KR_AF_V4, KR_AF_V6 };

enum kr_offset_reset { KR_RESET_LATEST, KR_RESET_EARLIEST, KR_RESET_ERROR };

enum kr_isolation { KR_READ_UNCOMMITTED, KR_READ_COMMITTED };

/* `debug` contexts: a bit each. */
enum kr_debug {
    KR_DBG_GENERIC = 1u << 0,
    KR_DBG_BROKER = 1u << 1,
    KR_DBG_TOPIC = 1u << 2,
    KR_DBG_METADATA = 1u << 3,
    KR_DBG_PROTOCOL = 1u << 4,
    KR_DBG_SECURITY = 1u << 5,
    KR_DBG_MSG = 1u << 6,
    KR_DBG_QUEUE = 1u << 7,
    KR_DBG_PRODUCER = 1u << 8,
    KR_DBG_CONSUMER = 1u << 9,
    KR_DBG_CGRP = 1u << 10,
    KR_DBG_FETCH = 1u << 11,
    KR_DBG_ADMIN = 1u << 12,
    KR_DBG_CONF = 1u << 13,
    KR_DBG_ALL = 0xffffffffu,
};

/* String fields are owned by the conf and NULL when unset (an empty value
 * is stored as NULL). Every char * field must be in the property table:
 * krafka_conf_dup() and _destroy() copy and free the strings through it. */
struct krafka_conf {
    /* ---- global ---- */
    char *bootstrap_servers;   /* bootstrap.servers, metadata.broker.list */
    char *client_id;           /* client.id */
    int32_t message_max_bytes; /* message.max.bytes */
    int32_t receive_message_max_bytes; /* receive.message.max.bytes */
    int32_t max_in_flight;      /* max.in.flight.requests.per.connection */
    int32_t request_timeout_ms; /* request.timeout.ms */
    int32_t socket_timeout_ms;  /* socket.timeout.ms */
    int32_t socket_connection_setup_timeout_ms;
    int32_t socket_send_buffer_bytes;    /* 0: system default */
    int32_t socket_receive_buffer_bytes; /* 0: system default */
    bool socket_keepalive_enable;
    bool socket_nagle_disable;            /* TCP_NODELAY */
    int32_t reconnect_backoff_ms;         /* reconnect.backoff.ms */
    int32_t reconnect_backoff_max_ms;     /* reconnect.backoff.max.ms */
    enum kr_addr_family broker_address_family;
    int32_t metadata_max_age_ms;                 /* metadata.max.age.ms */
    int32_t topic_metadata_refresh_interval_ms;  /* periodic refresh */
    int32_t topic_metadata_refresh_fast_interval_ms; /* rate limit */
    bool allow_auto_create_topics;
    uint32_t debug;   /* debug: enum kr_debug bits */
    int32_t log_level;
    int32_t statistics_interval_ms; /* 0: no stats callback */
    bool enable_metrics;

    /* ---- security ---- */
    enum kr_security_protocol security_protocol;
    enum kr_sasl_mech sasl_mechanism; /* sasl.mechanism, sasl.mechanisms */
    char *sasl_username;
    char *sasl_password;              /* sensitive: never logged */
    char *ssl_ca_location;            /* file or directory */
    char *ssl_ca_pem;
    char *ssl_certificate_location;
    char *ssl_certificate_pem;
    char *ssl_key_location;
    char *ssl_key_pem;
    char *ssl_key_password;           /* sensitive */
    char *ssl_cipher_suites;
    bool ssl_endpoint_identification; /* ..algorithm: https (true) | none */
    bool enable_ssl_certificate_verification;

    /* ---- producer ---- */
    int32_t acks;                    /* acks, request.required.acks; -1 all */
    enum kr_compression compression; /* compression.type, compression.codec */
    int32_t compression_level;       /* -1: codec default */
    int32_t linger_ms;               /* linger.ms, queue.buffering.max.ms */
    int32_t batch_size;              /* batch.size (bytes) */
    int32_t batch_num_messages;
    int32_t queue_buffering_max_messages;
    int32_t queue_buffering_max_kbytes;
    int32_t retries;                 /* retries, message.send.max.retries */
    int32_t retry_backoff_ms;
    int32_t retry_backoff_max_ms;
    int32_t message_timeout_ms;      /* message.timeout.ms, delivery.timeout.ms */
    int partitioner;                 /* enum kr_partitioner_type */
    int32_t sticky_partitioning_linger_ms;
    bool enable_idempotence;
    bool dr_only_error;              /* delivery.report.only.error */
    int32_t max_block_ms;
    int32_t close_timeout_ms;

    /* ---- consumer ---- */
    char *group_id;
    char *group_instance_id;
    char *client_rack;
    int32_t session_timeout_ms;
    int32_t heartbeat_interval_ms;
    int32_t max_poll_interval_ms;
    int32_t default_api_timeout_ms;  /* synchronous commits */
    char *partition_assignment_strategy; /* "range,roundrobin" list */
    bool enable_auto_commit;
    int32_t auto_commit_interval_ms;
    bool enable_auto_offset_store;
    enum kr_offset_reset auto_offset_reset;
    enum kr_isolation isolation_level;
    int32_t fetch_min_bytes;
    int32_t fetch_max_bytes;
    int32_t max_partition_fetch_bytes;
    int32_t fetch_wait_max_ms;       /* fetch.wait.max.ms, fetch.max.wait.ms */
    int32_t fetch_error_backoff_ms;
    int32_t queued_min_messages;
    int32_t queued_max_messages_kbytes;
    bool check_crcs;
    bool enable_partition_eof;

    /* Which properties the application set (bit = table index), so that
     * defaults can give way where librdkafka adjusts them. */
    uint64_t user_set[2];

    /* ---- set by typed setters, not by name ---- */
    krafka_log_cb log_cb; /* NULL: stderr */
    krafka_dr_cb dr_cb;   /* NULL: no delivery reports */
    krafka_partitioner_cb partitioner_cb; /* NULL: the `partitioner` */
    void *partitioner_opaque;             /* borrowed, for it */
    krafka_stats_cb stats_cb; /* NULL: no statistics callback */
    krafka_on_send_cb on_send;
    krafka_on_ack_cb on_ack;
    void *ic_opaque;      /* borrowed, for the interceptors */
    krafka_rebalance_cb rebalance_cb;
    krafka_offset_commit_cb offset_commit_cb;
    krafka_on_consume_cb on_consume;
    void *consume_ic_opaque; /* borrowed, for on_consume */
    void *opaque;         /* borrowed */
};

/* Cross-property checks done once in a handle's _new(); the message names
 * both properties. @role is "producer", "consumer" or "admin". */
krafka_err_t kr_conf_validate(const struct krafka_conf *conf,
                              const char *role, char *errstr,
                              size_t errstr_size);

/* Writes the Markdown reference of every property (docs/CONFIGURATION.md)
 * to @out. */
void kr_conf_doc_markdown(struct kr_buf *out);

/* The property table by index, for tests and tools: the number of
 * properties, and the name and default (as a string; NULL when the
 * property has none) of property @i, or NULL for @i out of range.
 * Static strings. Thread: any. */
/* True when the application set property @name (or an alias). */
bool kr_conf_is_set(const struct krafka_conf *conf, const char *name);

/* Adjusts defaults the application did not set, as librdkafka does, on a
 * handle's own copy after kr_conf_validate(): for an idempotent producer
 * acks=all and max.in.flight.requests.per.connection at most 5. */
void kr_conf_finalize(struct krafka_conf *conf, const char *role);

size_t kr_conf_prop_cnt(void);
const char *kr_conf_prop_name(size_t i);
const char *kr_conf_prop_default(size_t i);

#endif
