/* ListOffsets (key 2): ListOffsetsRequest.json / ListOffsetsResponse.json.
 * Version 0 (MaxNumOffsets, OldStyleOffsets) was removed in Kafka 4.0
 * (KIP-896): v1 is the baseline. */
#ifndef KR_PROTOCOL_API_LISTOFFSETS_H
#define KR_PROTOCOL_API_LISTOFFSETS_H

#include "protocol/api.h"

struct kr_ListOffsetsPartition {
    int32_t PartitionIndex;
    int32_t CurrentLeaderEpoch; /* v4+; default -1 */
    int64_t Timestamp;          /* or -1 latest, -2 earliest, ... */
};

struct kr_ListOffsetsTopic {
    struct kr_str Name;
    int32_t PartitionsCnt;
    struct kr_ListOffsetsPartition *Partitions;
};

struct kr_ListOffsetsRequest {
    int32_t ReplicaId;
    int8_t IsolationLevel; /* v2+ */
    int32_t TopicsCnt;
    struct kr_ListOffsetsTopic *Topics;
    int32_t TimeoutMs; /* v10+ (KIP-1075) */
};

struct kr_ListOffsetsPartitionResponse {
    int32_t PartitionIndex;
    int16_t ErrorCode;
    int64_t Timestamp;
    int64_t Offset;
    int32_t LeaderEpoch; /* v4+; default -1 */
};

struct kr_ListOffsetsTopicResponse {
    struct kr_str Name;
    int32_t PartitionsCnt;
    struct kr_ListOffsetsPartitionResponse *Partitions;
};

struct kr_ListOffsetsResponse {
    int32_t ThrottleTimeMs; /* v2+ */
    int32_t TopicsCnt;
    struct kr_ListOffsetsTopicResponse *Topics;
};

extern const struct kr_api kr_api_ListOffsets;

#endif
