/* OffsetFetch (key 9): OffsetFetchRequest.json / OffsetFetchResponse.json. */
#ifndef KR_PROTOCOL_API_OFFSETFETCH_H
#define KR_PROTOCOL_API_OFFSETFETCH_H

#include "protocol/api.h"

/* v0-7: one group per request. */
struct kr_OffsetFetchRequestTopic {
    struct kr_str Name;
    int32_t PartitionIndexesCnt;
    int32_t *PartitionIndexes;
};

/* v8+: a batch of groups (KIP-709). */
struct kr_OffsetFetchRequestTopics {
    struct kr_str Name;     /* v8-9 */
    struct kr_uuid TopicId; /* v10+ */
    int32_t PartitionIndexesCnt;
    int32_t *PartitionIndexes;
};

struct kr_OffsetFetchRequestGroup {
    struct kr_str GroupId;
    struct kr_str MemberId; /* v9+, nullable; default null */
    int32_t MemberEpoch;    /* v9+; default -1 */
    /* nullable: null fetches the offsets of all topics */
    int32_t TopicsCnt;
    struct kr_OffsetFetchRequestTopics *Topics;
};

struct kr_OffsetFetchRequest {
    struct kr_str GroupId; /* v0-7 */
    /* v0-7, nullable v2-7: null fetches the offsets of all topics */
    int32_t TopicsCnt;
    struct kr_OffsetFetchRequestTopic *Topics;
    int32_t GroupsCnt; /* v8+ */
    struct kr_OffsetFetchRequestGroup *Groups;
    bool RequireStable; /* v7+ */
};

/* v0-7 */
struct kr_OffsetFetchResponsePartition {
    int32_t PartitionIndex;
    int64_t CommittedOffset;
    int32_t CommittedLeaderEpoch; /* v5-7; default -1 */
    struct kr_str Metadata;       /* nullable */
    int16_t ErrorCode;
};

struct kr_OffsetFetchResponseTopic {
    struct kr_str Name;
    int32_t PartitionsCnt;
    struct kr_OffsetFetchResponsePartition *Partitions;
};

/* v8+ */
struct kr_OffsetFetchResponsePartitions {
    int32_t PartitionIndex;
    int64_t CommittedOffset;
    int32_t CommittedLeaderEpoch; /* default -1 */
    struct kr_str Metadata;       /* nullable */
    int16_t ErrorCode;
};

struct kr_OffsetFetchResponseTopics {
    struct kr_str Name;     /* v8-9 */
    struct kr_uuid TopicId; /* v10+ */
    int32_t PartitionsCnt;
    struct kr_OffsetFetchResponsePartitions *Partitions;
};

struct kr_OffsetFetchResponseGroup {
    struct kr_str GroupId;
    int32_t TopicsCnt;
    struct kr_OffsetFetchResponseTopics *Topics;
    int16_t ErrorCode;
};

struct kr_OffsetFetchResponse {
    int32_t ThrottleTimeMs; /* v3+ */
    int32_t TopicsCnt;      /* v0-7 */
    struct kr_OffsetFetchResponseTopic *Topics;
    int16_t ErrorCode; /* v2-7 */
    int32_t GroupsCnt; /* v8+ */
    struct kr_OffsetFetchResponseGroup *Groups;
};

extern const struct kr_api kr_api_OffsetFetch;

#endif
