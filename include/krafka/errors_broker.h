/*
 * libkrafka - Kafka broker error codes (included by krafka/errors.h).
 *
 * Every code of Apache Kafka 4.1's org.apache.kafka.common.protocol.Errors,
 * -1 through 133 with no gaps: Kafka's enum name, its protocol value, and
 * retriable = 1 exactly when Kafka's exception class for the code is a
 * RetriableException. Codes are never renumbered; new Kafka codes are
 * appended.
 */
#ifndef KRAFKA_ERRORS_BROKER_H
#define KRAFKA_ERRORS_BROKER_H

/* clang-format off */
/* One entry per line (grep-friendly), so some lines pass 80 columns.
 *      name                                   code retriable message */
#define KRAFKA_ERR_BROKER_MAP(X)                                                                                 \
    X(UNKNOWN_SERVER_ERROR,                    -1, 0, "Broker: unknown server error")                            \
    X(NONE,                                     0, 0, "Success")                                                 \
    X(OFFSET_OUT_OF_RANGE,                      1, 0, "Broker: offset out of range")                             \
    X(CORRUPT_MESSAGE,                          2, 1, "Broker: corrupt message")                                 \
    X(UNKNOWN_TOPIC_OR_PARTITION,               3, 1, "Broker: unknown topic or partition")                      \
    X(INVALID_FETCH_SIZE,                       4, 0, "Broker: invalid fetch size")                              \
    X(LEADER_NOT_AVAILABLE,                     5, 1, "Broker: leader not available")                            \
    X(NOT_LEADER_OR_FOLLOWER,                   6, 1, "Broker: not leader or follower")                          \
    X(REQUEST_TIMED_OUT,                        7, 1, "Broker: request timed out")                               \
    X(BROKER_NOT_AVAILABLE,                     8, 0, "Broker: broker not available")                            \
    X(REPLICA_NOT_AVAILABLE,                    9, 1, "Broker: replica not available")                           \
    X(MESSAGE_TOO_LARGE,                       10, 0, "Broker: message too large")                               \
    X(STALE_CONTROLLER_EPOCH,                  11, 0, "Broker: stale controller epoch")                          \
    X(OFFSET_METADATA_TOO_LARGE,               12, 0, "Broker: offset metadata too large")                       \
    X(NETWORK_EXCEPTION,                       13, 1, "Broker: network error before the response")               \
    X(COORDINATOR_LOAD_IN_PROGRESS,            14, 1, "Broker: coordinator is loading")                          \
    X(COORDINATOR_NOT_AVAILABLE,               15, 1, "Broker: coordinator not available")                       \
    X(NOT_COORDINATOR,                         16, 1, "Broker: not coordinator")                                 \
    X(INVALID_TOPIC_EXCEPTION,                 17, 0, "Broker: invalid topic")                                   \
    X(RECORD_LIST_TOO_LARGE,                   18, 0, "Broker: record batch larger than the segment size")       \
    X(NOT_ENOUGH_REPLICAS,                     19, 1, "Broker: not enough in-sync replicas")                     \
    X(NOT_ENOUGH_REPLICAS_AFTER_APPEND,        20, 1, "Broker: written to fewer in-sync replicas than required") \
    X(INVALID_REQUIRED_ACKS,                   21, 0, "Broker: invalid required acks")                           \
    X(ILLEGAL_GENERATION,                      22, 0, "Broker: illegal group generation")                        \
    X(INCONSISTENT_GROUP_PROTOCOL,             23, 0, "Broker: inconsistent group protocol")                     \
    X(INVALID_GROUP_ID,                        24, 0, "Broker: invalid group id")                                \
    X(UNKNOWN_MEMBER_ID,                       25, 0, "Broker: unknown member id")                               \
    X(INVALID_SESSION_TIMEOUT,                 26, 0, "Broker: session timeout outside the allowed range")       \
    X(REBALANCE_IN_PROGRESS,                   27, 0, "Broker: group rebalance in progress")                     \
    X(INVALID_COMMIT_OFFSET_SIZE,              28, 0, "Broker: invalid commit offset size")                      \
    X(TOPIC_AUTHORIZATION_FAILED,              29, 0, "Broker: topic authorization failed")                      \
    X(GROUP_AUTHORIZATION_FAILED,              30, 0, "Broker: group authorization failed")                      \
    X(CLUSTER_AUTHORIZATION_FAILED,            31, 0, "Broker: cluster authorization failed")                    \
    X(INVALID_TIMESTAMP,                       32, 0, "Broker: invalid timestamp")                               \
    X(UNSUPPORTED_SASL_MECHANISM,              33, 0, "Broker: unsupported SASL mechanism")                      \
    X(ILLEGAL_SASL_STATE,                      34, 0, "Broker: illegal SASL state")                              \
    X(UNSUPPORTED_VERSION,                     35, 0, "Broker: unsupported version")                             \
    X(TOPIC_ALREADY_EXISTS,                    36, 0, "Broker: topic already exists")                            \
    X(INVALID_PARTITIONS,                      37, 0, "Broker: invalid number of partitions")                    \
    X(INVALID_REPLICATION_FACTOR,              38, 0, "Broker: invalid replication factor")                      \
    X(INVALID_REPLICA_ASSIGNMENT,              39, 0, "Broker: invalid replica assignment")                      \
    X(INVALID_CONFIG,                          40, 0, "Broker: invalid configuration")                           \
    X(NOT_CONTROLLER,                          41, 1, "Broker: not controller")                                  \
    X(INVALID_REQUEST,                         42, 0, "Broker: invalid request")                                 \
    X(UNSUPPORTED_FOR_MESSAGE_FORMAT,          43, 0, "Broker: unsupported by the message format")               \
    X(POLICY_VIOLATION,                        44, 0, "Broker: policy violation")                                \
    X(OUT_OF_ORDER_SEQUENCE_NUMBER,            45, 0, "Broker: out of order sequence number")                    \
    X(DUPLICATE_SEQUENCE_NUMBER,               46, 0, "Broker: duplicate sequence number")                       \
    X(INVALID_PRODUCER_EPOCH,                  47, 0, "Broker: invalid producer epoch")                          \
    X(INVALID_TXN_STATE,                       48, 0, "Broker: invalid transaction state")                       \
    X(INVALID_PRODUCER_ID_MAPPING,             49, 0, "Broker: invalid producer id mapping")                     \
    X(INVALID_TRANSACTION_TIMEOUT,             50, 0, "Broker: invalid transaction timeout")                     \
    X(CONCURRENT_TRANSACTIONS,                 51, 1, "Broker: concurrent transactions")                         \
    X(TRANSACTION_COORDINATOR_FENCED,          52, 0, "Broker: transaction coordinator fenced")                  \
    X(TRANSACTIONAL_ID_AUTHORIZATION_FAILED,   53, 0, "Broker: transactional id authorization failed")           \
    X(SECURITY_DISABLED,                       54, 0, "Broker: security features disabled")                      \
    X(OPERATION_NOT_ATTEMPTED,                 55, 0, "Broker: operation not attempted")                         \
    X(KAFKA_STORAGE_ERROR,                     56, 1, "Broker: disk error on the broker")                        \
    X(LOG_DIR_NOT_FOUND,                       57, 0, "Broker: log directory not found")                         \
    X(SASL_AUTHENTICATION_FAILED,              58, 0, "Broker: SASL authentication failed")                      \
    X(UNKNOWN_PRODUCER_ID,                     59, 0, "Broker: unknown producer id")                             \
    X(REASSIGNMENT_IN_PROGRESS,                60, 0, "Broker: partition reassignment in progress")              \
    X(DELEGATION_TOKEN_AUTH_DISABLED,          61, 0, "Broker: delegation tokens disabled")                      \
    X(DELEGATION_TOKEN_NOT_FOUND,              62, 0, "Broker: delegation token not found")                      \
    X(DELEGATION_TOKEN_OWNER_MISMATCH,         63, 0, "Broker: delegation token owner mismatch")                 \
    X(DELEGATION_TOKEN_REQUEST_NOT_ALLOWED,    64, 0, "Broker: delegation token request not allowed")            \
    X(DELEGATION_TOKEN_AUTHORIZATION_FAILED,   65, 0, "Broker: delegation token authorization failed")           \
    X(DELEGATION_TOKEN_EXPIRED,                66, 0, "Broker: delegation token expired")                        \
    X(INVALID_PRINCIPAL_TYPE,                  67, 0, "Broker: invalid principal type")                          \
    X(NON_EMPTY_GROUP,                         68, 0, "Broker: group is not empty")                              \
    X(GROUP_ID_NOT_FOUND,                      69, 0, "Broker: group id not found")                              \
    X(FETCH_SESSION_ID_NOT_FOUND,              70, 1, "Broker: fetch session id not found")                      \
    X(INVALID_FETCH_SESSION_EPOCH,             71, 1, "Broker: invalid fetch session epoch")                     \
    X(LISTENER_NOT_FOUND,                      72, 1, "Broker: listener not found on the leader")                \
    X(TOPIC_DELETION_DISABLED,                 73, 0, "Broker: topic deletion disabled")                         \
    X(FENCED_LEADER_EPOCH,                     74, 1, "Broker: fenced leader epoch")                             \
    X(UNKNOWN_LEADER_EPOCH,                    75, 1, "Broker: unknown leader epoch")                            \
    X(UNSUPPORTED_COMPRESSION_TYPE,            76, 0, "Broker: unsupported compression type")                    \
    X(STALE_BROKER_EPOCH,                      77, 0, "Broker: stale broker epoch")                              \
    X(OFFSET_NOT_AVAILABLE,                    78, 1, "Broker: offset not available yet")                        \
    X(MEMBER_ID_REQUIRED,                      79, 0, "Broker: member id required")                              \
    X(PREFERRED_LEADER_NOT_AVAILABLE,          80, 1, "Broker: preferred leader not available")                  \
    X(GROUP_MAX_SIZE_REACHED,                  81, 0, "Broker: group max size reached")                          \
    X(FENCED_INSTANCE_ID,                      82, 0, "Broker: fenced group instance id")                        \
    X(ELIGIBLE_LEADERS_NOT_AVAILABLE,          83, 1, "Broker: eligible leaders not available")                  \
    X(ELECTION_NOT_NEEDED,                     84, 1, "Broker: leader election not needed")                      \
    X(NO_REASSIGNMENT_IN_PROGRESS,             85, 0, "Broker: no partition reassignment in progress")           \
    X(GROUP_SUBSCRIBED_TO_TOPIC,               86, 0, "Broker: group is subscribed to the topic")                \
    X(INVALID_RECORD,                          87, 0, "Broker: invalid record")                                  \
    X(UNSTABLE_OFFSET_COMMIT,                  88, 1, "Broker: unstable offsets pending")                        \
    X(THROTTLING_QUOTA_EXCEEDED,               89, 1, "Broker: throttling quota exceeded")                       \
    X(PRODUCER_FENCED,                         90, 0, "Broker: producer fenced")                                 \
    X(RESOURCE_NOT_FOUND,                      91, 0, "Broker: resource not found")                              \
    X(DUPLICATE_RESOURCE,                      92, 0, "Broker: duplicate resource")                              \
    X(UNACCEPTABLE_CREDENTIAL,                 93, 0, "Broker: unacceptable credential")                         \
    X(INCONSISTENT_VOTER_SET,                  94, 0, "Broker: inconsistent voter set")                          \
    X(INVALID_UPDATE_VERSION,                  95, 0, "Broker: invalid update version")                          \
    X(FEATURE_UPDATE_FAILED,                   96, 0, "Broker: feature update failed")                           \
    X(PRINCIPAL_DESERIALIZATION_FAILURE,       97, 0, "Broker: principal deserialization failure")               \
    X(SNAPSHOT_NOT_FOUND,                      98, 0, "Broker: snapshot not found")                              \
    X(POSITION_OUT_OF_RANGE,                   99, 0, "Broker: snapshot position out of range")                  \
    X(UNKNOWN_TOPIC_ID,                       100, 1, "Broker: unknown topic id")                                \
    X(DUPLICATE_BROKER_REGISTRATION,          101, 0, "Broker: duplicate broker registration")                   \
    X(BROKER_ID_NOT_REGISTERED,               102, 0, "Broker: broker id not registered")                        \
    X(INCONSISTENT_TOPIC_ID,                  103, 1, "Broker: inconsistent topic id")                           \
    X(INCONSISTENT_CLUSTER_ID,                104, 0, "Broker: inconsistent cluster id")                         \
    X(TRANSACTIONAL_ID_NOT_FOUND,             105, 0, "Broker: transactional id not found")                      \
    X(FETCH_SESSION_TOPIC_ID_ERROR,           106, 1, "Broker: inconsistent topic ids in fetch session")         \
    X(INELIGIBLE_REPLICA,                     107, 0, "Broker: ineligible replica in the new ISR")               \
    X(NEW_LEADER_ELECTED,                     108, 0, "Broker: new leader elected")                              \
    X(OFFSET_MOVED_TO_TIERED_STORAGE,         109, 0, "Broker: offset moved to tiered storage")                  \
    X(FENCED_MEMBER_EPOCH,                    110, 0, "Broker: fenced member epoch")                             \
    X(UNRELEASED_INSTANCE_ID,                 111, 0, "Broker: group instance id not released")                  \
    X(UNSUPPORTED_ASSIGNOR,                   112, 0, "Broker: unsupported assignor")                            \
    X(STALE_MEMBER_EPOCH,                     113, 0, "Broker: stale member epoch")                              \
    X(MISMATCHED_ENDPOINT_TYPE,               114, 0, "Broker: mismatched endpoint type")                        \
    X(UNSUPPORTED_ENDPOINT_TYPE,              115, 0, "Broker: unsupported endpoint type")                       \
    X(UNKNOWN_CONTROLLER_ID,                  116, 0, "Broker: unknown controller id")                           \
    X(UNKNOWN_SUBSCRIPTION_ID,                117, 0, "Broker: unknown telemetry subscription id")               \
    X(TELEMETRY_TOO_LARGE,                    118, 0, "Broker: telemetry payload too large")                     \
    X(INVALID_REGISTRATION,                   119, 0, "Broker: invalid broker registration")                     \
    X(TRANSACTION_ABORTABLE,                  120, 0, "Broker: transaction must be aborted")                     \
    X(INVALID_RECORD_STATE,                   121, 0, "Broker: invalid record state")                            \
    X(SHARE_SESSION_NOT_FOUND,                122, 1, "Broker: share session not found")                         \
    X(INVALID_SHARE_SESSION_EPOCH,            123, 1, "Broker: invalid share session epoch")                     \
    X(FENCED_STATE_EPOCH,                     124, 0, "Broker: fenced share state epoch")                        \
    X(INVALID_VOTER_KEY,                      125, 0, "Broker: invalid voter key")                               \
    X(DUPLICATE_VOTER,                        126, 0, "Broker: duplicate voter")                                 \
    X(VOTER_NOT_FOUND,                        127, 0, "Broker: voter not found")                                 \
    X(INVALID_REGULAR_EXPRESSION,             128, 0, "Broker: invalid regular expression")                      \
    X(REBOOTSTRAP_REQUIRED,                   129, 0, "Broker: client must rebootstrap")                         \
    X(STREAMS_INVALID_TOPOLOGY,               130, 0, "Broker: invalid streams topology")                        \
    X(STREAMS_INVALID_TOPOLOGY_EPOCH,         131, 0, "Broker: invalid streams topology epoch")                  \
    X(STREAMS_TOPOLOGY_FENCED,                132, 0, "Broker: streams topology fenced")                         \
    X(SHARE_SESSION_LIMIT_REACHED,            133, 1, "Broker: share session limit reached")
/* clang-format on */

#endif
