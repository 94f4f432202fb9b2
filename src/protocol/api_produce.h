/*
 * Produce (key 0): ProduceRequest.json / ProduceResponse.json, versions
 * 3-13, flexible from 9.
 *
 * Records are an opaque view (a RecordBatch the record_batch module built or
 * parses); the codec never looks inside. With Acks = 0 the broker sends no
 * response at all: that is the caller's business, the codec needs nothing.
 */
#ifndef KR_PROTOCOL_API_PRODUCE_H
#define KR_PROTOCOL_API_PRODUCE_H

#include "protocol/api.h"

struct kr_PartitionProduceData {
    int32_t Index;
    struct kr_bytes Records; /* nullable; borrowed (zero copy when read) */
};

struct kr_TopicProduceData {
    struct kr_str Name;     /* v0-12 */
    struct kr_uuid TopicId; /* v13+ (KIP-516) */
    int32_t PartitionDataCnt;
    struct kr_PartitionProduceData *PartitionData;
};

struct kr_ProduceRequest {
    struct kr_str TransactionalId; /* nullable; default null */
    int16_t Acks;                  /* 0, 1 or -1 (all ISR) */
    int32_t TimeoutMs;
    int32_t TopicDataCnt;
    struct kr_TopicProduceData *TopicData;
};

/* Sets the schema defaults a zeroed struct lacks (TransactionalId null). */
static inline void kr_produce_request_init(struct kr_ProduceRequest *m)
{
    memset(m, 0, sizeof *m);
    m->TransactionalId = (struct kr_str){NULL, -1};
}

/* RecordErrors element (v8+, KIP-467). */
struct kr_BatchIndexAndErrorMessage {
    int32_t BatchIndex;
    struct kr_str BatchIndexErrorMessage; /* nullable; default null */
};

/* CurrentLeader (tagged, v10+, KIP-951). */
struct kr_ProduceResponseLeaderIdAndEpoch {
    int32_t LeaderId;    /* default -1 */
    int32_t LeaderEpoch; /* default -1 */
};

struct kr_PartitionProduceResponse {
    int32_t Index;
    int16_t ErrorCode;
    int64_t BaseOffset;
    int64_t LogAppendTimeMs; /* v2+; default -1 */
    int64_t LogStartOffset;  /* v5+; default -1 */
    int32_t RecordErrorsCnt; /* v8+ */
    struct kr_BatchIndexAndErrorMessage *RecordErrors;
    struct kr_str ErrorMessage; /* v8+, nullable; default null */
    /* tag 0, v10+; {-1, -1} (the default) is not sent */
    struct kr_ProduceResponseLeaderIdAndEpoch CurrentLeader;
};

struct kr_TopicProduceResponse {
    struct kr_str Name;     /* v0-12 */
    struct kr_uuid TopicId; /* v13+ (KIP-516) */
    int32_t PartitionResponsesCnt;
    struct kr_PartitionProduceResponse *PartitionResponses;
};

struct kr_ProduceResponse {
    int32_t ResponsesCnt;
    struct kr_TopicProduceResponse *Responses;
    int32_t ThrottleTimeMs; /* v1+ */
    /* tag 0, v10+: leaders of the NOT_LEADER_OR_FOLLOWER partitions; an
     * empty array (the default) is not sent */
    int32_t NodeEndpointsCnt;
    struct kr_NodeEndpoint *NodeEndpoints;
};

extern const struct kr_api kr_api_Produce;

#endif
