/*
 * libkrafka - Kafka broker error codes (included by krafka/errors.h).
 * Codes, names and retriability follow Apache Kafka's Errors table.
 */
#ifndef KRAFKA_ERRORS_BROKER_H
#define KRAFKA_ERRORS_BROKER_H

/* clang-format off */
#define KRAFKA_ERR_BROKER_MAP(X)                                              \
    X(UNKNOWN_SERVER_ERROR,             -1, 0, "Broker: unknown server error") \
    X(NONE,                              0, 0, "Success")                     \
    X(OFFSET_OUT_OF_RANGE,               1, 0, "Broker: offset out of range") \
    X(CORRUPT_MESSAGE,                   2, 1, "Broker: corrupt message")     \
    X(UNKNOWN_TOPIC_OR_PARTITION,        3, 1, "Broker: unknown topic or partition") \
    X(NOT_LEADER_OR_FOLLOWER,            6, 1, "Broker: not leader or follower") \
    X(UNSUPPORTED_VERSION,              35, 0, "Broker: unsupported version")
/* clang-format on */

#endif
