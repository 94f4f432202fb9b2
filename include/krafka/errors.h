/*
 * libkrafka - error codes.
 *
 * One table (KRAFKA_ERR_MAP) makes the krafka_err_t enum and the tables
 * behind krafka_err2str(), krafka_err2name() and krafka_err_is_retriable().
 * Broker codes keep their Kafka protocol values and names; local codes are
 * negative, named LOCAL_*, appended and never renumbered.
 */
#ifndef KRAFKA_ERRORS_H
#define KRAFKA_ERRORS_H

#include <stdbool.h>

#include "krafka/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* clang-format off */
/*      name                          code retriable message */
#define KRAFKA_ERR_LOCAL_MAP(X)                                               \
    X(LOCAL_BAD_MSG,                  -199, 0, "Local: malformed message")    \
    X(LOCAL_TRANSPORT,                -198, 1, "Local: broker transport failure") \
    X(LOCAL_BAD_CRC,                  -197, 0, "Local: CRC mismatch")         \
    X(LOCAL_NOMEM,                    -196, 0, "Local: out of memory")        \
    X(LOCAL_INVALID_ARG,              -195, 0, "Local: invalid argument")     \
    X(LOCAL_TIMED_OUT,                -194, 1, "Local: timed out")            \
    X(LOCAL_MSG_TIMED_OUT,            -193, 0, "Local: message timed out")    \
    X(LOCAL_QUEUE_FULL,               -192, 1, "Local: queue full")           \
    X(LOCAL_MSG_SIZE_TOO_LARGE,       -191, 0, "Local: message size too large") \
    X(LOCAL_UNKNOWN_PARTITION,        -190, 0, "Local: unknown partition")    \
    X(LOCAL_UNKNOWN_TOPIC,            -189, 0, "Local: unknown topic")        \
    X(LOCAL_UNSUPPORTED_FEATURE,      -188, 0, "Local: unsupported feature or version") \
    X(LOCAL_COMPRESSION,              -187, 0, "Local: compression or decompression failed") \
    X(LOCAL_LIMIT_EXCEEDED,           -186, 0, "Local: size limit exceeded")  \
    X(LOCAL_AUTHENTICATION,           -185, 0, "Local: authentication failure") \
    X(LOCAL_SSL,                      -184, 0, "Local: TLS failure")          \
    X(LOCAL_RESOLVE,                  -183, 1, "Local: host resolution failure") \
    X(LOCAL_DESTROY,                  -182, 0, "Local: handle is being destroyed") \
    X(LOCAL_PURGE_QUEUE,              -181, 0, "Local: purged from queue")    \
    X(LOCAL_PURGE_INFLIGHT,           -180, 0, "Local: purged while in flight") \
    X(LOCAL_PARTIAL,                  -179, 0, "Local: partial data")         \
    X(LOCAL_UNKNOWN_PROPERTY,         -178, 0, "Local: unknown configuration property") \
    X(LOCAL_INVALID_CONF,             -177, 0, "Local: invalid configuration value") \
    X(LOCAL_STATE,                    -176, 0, "Local: operation not valid in this state") \
    X(LOCAL_PARTITION_EOF,            -175, 0, "Local: reached end of partition") \
    X(LOCAL_FAIL,                     -174, 0, "Local: failure")              \
    X(LOCAL_UNSUPPORTED_COMPRESSION,  -173, 0, "Local: unsupported compression codec") \
    X(LOCAL_UNKNOWN_BROKER,           -172, 0, "Local: unknown broker") \
    X(LOCAL_NOENT,                    -171, 0, "Local: no such entry")        \
    X(LOCAL_MAX_POLL_EXCEEDED,        -170, 1, "Local: max.poll.interval.ms exceeded") \
    X(LOCAL_NO_OFFSET,                -169, 0, "Local: no offset to commit")

/* Broker error codes: Kafka's org.apache.kafka.common.protocol.Errors. */
#include "krafka/errors_broker.h"
/* clang-format on */

/** The single error type of libkrafka. */
typedef enum krafka_err {
#define KRAFKA_ERR_ENUM(name, code, retriable, msg) KRAFKA_ERR_##name = code,
    KRAFKA_ERR_LOCAL_MAP(KRAFKA_ERR_ENUM)
    KRAFKA_ERR_BROKER_MAP(KRAFKA_ERR_ENUM)
#undef KRAFKA_ERR_ENUM
} krafka_err_t;

/** Human-readable message for @err (static string, never NULL).
 *  Thread-safety: any thread. */
KRAFKA_API const char *krafka_err2str(krafka_err_t err);

/** Enum name of @err without the KRAFKA_ERR_ prefix, e.g.
 *  "NOT_LEADER_OR_FOLLOWER" (static string, never NULL; "UNKNOWN_CODE" for
 *  codes outside the table). Thread-safety: any thread. */
KRAFKA_API const char *krafka_err2name(krafka_err_t err);

/** True when an operation that failed with @err may succeed if retried.
 *  Thread-safety: any thread. */
KRAFKA_API bool krafka_err_is_retriable(krafka_err_t err);

#ifdef __cplusplus
}
#endif
#endif
