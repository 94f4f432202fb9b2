/* OffsetForLeaderEpoch (key 23): OffsetForLeaderEpochRequest.json /
 * OffsetForLeaderEpochResponse.json. Versions 0-1 were removed in Kafka 4.0
 * (KIP-896): v2 is the baseline. */
#ifndef KR_PROTOCOL_API_OFFSETFORLEADEREPOCH_H
#define KR_PROTOCOL_API_OFFSETFORLEADEREPOCH_H

#include "protocol/api.h"

struct kr_OffsetForLeaderPartition {
    int32_t Partition;
    int32_t CurrentLeaderEpoch; /* v2+; default -1 */
    int32_t LeaderEpoch;
};

struct kr_OffsetForLeaderTopic {
    struct kr_str Topic;
    int32_t PartitionsCnt;
    struct kr_OffsetForLeaderPartition *Partitions;
};

struct kr_OffsetForLeaderEpochRequest {
    int32_t ReplicaId; /* v3+; default -2 (debug consumer) */
    int32_t TopicsCnt;
    struct kr_OffsetForLeaderTopic *Topics;
};

struct kr_EpochEndOffset {
    int16_t ErrorCode;
    int32_t Partition;
    int32_t LeaderEpoch; /* v1+; default -1 */
    int64_t EndOffset;   /* default -1 */
};

struct kr_OffsetForLeaderTopicResult {
    struct kr_str Topic;
    int32_t PartitionsCnt;
    struct kr_EpochEndOffset *Partitions;
};

struct kr_OffsetForLeaderEpochResponse {
    int32_t ThrottleTimeMs; /* v2+ */
    int32_t TopicsCnt;
    struct kr_OffsetForLeaderTopicResult *Topics;
};

extern const struct kr_api kr_api_OffsetForLeaderEpoch;

#endif
