/* OffsetCommit (key 8): OffsetCommitRequest.json / OffsetCommitResponse.json.
 */
#ifndef KR_PROTOCOL_API_OFFSETCOMMIT_H
#define KR_PROTOCOL_API_OFFSETCOMMIT_H

#include "protocol/api.h"

struct kr_OffsetCommitRequestPartition {
    int32_t PartitionIndex;
    int64_t CommittedOffset;
    int32_t CommittedLeaderEpoch;    /* v6+; default -1 */
    struct kr_str CommittedMetadata; /* nullable */
};

struct kr_OffsetCommitRequestTopic {
    struct kr_str Name;     /* v0-9 */
    struct kr_uuid TopicId; /* v10+ (KIP-848) */
    int32_t PartitionsCnt;
    struct kr_OffsetCommitRequestPartition *Partitions;
};

struct kr_OffsetCommitRequest {
    struct kr_str GroupId;
    int32_t GenerationIdOrMemberEpoch; /* v1+; default -1 */
    struct kr_str MemberId;            /* v1+ */
    struct kr_str GroupInstanceId;     /* v7+, nullable; default null */
    int64_t RetentionTimeMs;           /* v2-4 only; default -1 */
    int32_t TopicsCnt;
    struct kr_OffsetCommitRequestTopic *Topics;
};

struct kr_OffsetCommitResponsePartition {
    int32_t PartitionIndex;
    int16_t ErrorCode;
};

struct kr_OffsetCommitResponseTopic {
    struct kr_str Name;     /* v0-9 */
    struct kr_uuid TopicId; /* v10+ */
    int32_t PartitionsCnt;
    struct kr_OffsetCommitResponsePartition *Partitions;
};

struct kr_OffsetCommitResponse {
    int32_t ThrottleTimeMs; /* v3+ */
    int32_t TopicsCnt;
    struct kr_OffsetCommitResponseTopic *Topics;
};

extern const struct kr_api kr_api_OffsetCommit;

#endif
