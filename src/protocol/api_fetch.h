/*
 * Fetch (key 1): FetchRequest.json / FetchResponse.json, versions 4-18,
 * flexible from 12.
 *
 * Responses can carry many partitions and megabytes of records: Records is
 * a view into the response buffer (zero copy), which must outlive the
 * decoded message. RecordBatch parsing is the record_batch module's job.
 */
#ifndef KR_PROTOCOL_API_FETCH_H
#define KR_PROTOCOL_API_FETCH_H

#include "protocol/api.h"

/* ReplicaState (tagged, v15+, KIP-903): sent by followers only. */
struct kr_FetchRequestReplicaState {
    int32_t ReplicaId;    /* default -1 */
    int64_t ReplicaEpoch; /* default -1 */
};

struct kr_FetchPartition {
    int32_t Partition;
    int32_t CurrentLeaderEpoch; /* v9+ (KIP-320); default -1 */
    int64_t FetchOffset;
    int32_t LastFetchedEpoch; /* v12+; default -1 */
    int64_t LogStartOffset;   /* v5+; default -1 (followers only) */
    int32_t PartitionMaxBytes;
    /* tag 0, v17+ (KIP-853); all zero (the default) is not sent */
    struct kr_uuid ReplicaDirectoryId;
    /* tag 1, v18+ (KIP-1166); INT64_MAX (the default) is not sent */
    int64_t HighWatermark;
};

struct kr_FetchTopic {
    struct kr_str Topic;    /* v0-12 */
    struct kr_uuid TopicId; /* v13+ (KIP-516) */
    int32_t PartitionsCnt;
    struct kr_FetchPartition *Partitions;
};

/* ForgottenTopicsData element (v7+, incremental fetch sessions, KIP-227). */
struct kr_ForgottenTopic {
    struct kr_str Topic;    /* v7-12 */
    struct kr_uuid TopicId; /* v13+ */
    int32_t PartitionsCnt;
    int32_t *Partitions;
};

struct kr_FetchRequest {
    struct kr_str ClusterId; /* tag 0, v12+, nullable; default null */
    int32_t ReplicaId;       /* v0-14; default -1 (a consumer) */
    /* tag 1, v15+; {-1, -1} (the default) is not sent */
    struct kr_FetchRequestReplicaState ReplicaState;
    int32_t MaxWaitMs;
    int32_t MinBytes;
    int32_t MaxBytes;       /* v3+; default 0x7fffffff */
    int8_t IsolationLevel;  /* v4+: 0 read_uncommitted, 1 read_committed */
    int32_t SessionId;      /* v7+; default 0 */
    int32_t SessionEpoch;   /* v7+; default -1 */
    int32_t TopicsCnt;
    struct kr_FetchTopic *Topics;
    int32_t ForgottenTopicsDataCnt; /* v7+ */
    struct kr_ForgottenTopic *ForgottenTopicsData;
    struct kr_str RackId; /* v11+ (KIP-392); default "" */
};

/* Sets the schema defaults a zeroed struct lacks: ClusterId null, ReplicaId
 * and ReplicaState -1 (a consumer), MaxBytes INT32_MAX, SessionEpoch -1 (no
 * session), RackId "". Everything else is zero or empty. */
static inline void kr_fetch_request_init(struct kr_FetchRequest *m)
{
    memset(m, 0, sizeof *m);
    m->ClusterId = (struct kr_str){NULL, -1};
    m->ReplicaId = -1;
    m->ReplicaState = (struct kr_FetchRequestReplicaState){-1, -1};
    m->MaxBytes = INT32_MAX;
    m->SessionEpoch = -1;
    m->RackId = (struct kr_str){"", 0};
}

/* Sets a partition's schema defaults: epochs and LogStartOffset -1,
 * HighWatermark INT64_MAX, so that only what the caller sets is sent. */
static inline void kr_fetch_partition_init(struct kr_FetchPartition *p)
{
    memset(p, 0, sizeof *p);
    p->CurrentLeaderEpoch = -1;
    p->LastFetchedEpoch = -1;
    p->LogStartOffset = -1;
    p->HighWatermark = INT64_MAX;
}

/* DivergingEpoch (tagged, v12+, KIP-595): log truncation detection. */
struct kr_FetchResponseEpochEndOffset {
    int32_t Epoch;     /* default -1 */
    int64_t EndOffset; /* default -1 */
};

/* CurrentLeader (tagged, v12+; KIP-595, used by clients since KIP-951). */
struct kr_FetchResponseLeaderIdAndEpoch {
    int32_t LeaderId;    /* default -1 */
    int32_t LeaderEpoch; /* default -1 */
};

/* SnapshotId (tagged, v12+, KIP-630). Wire order: EndOffset, Epoch. */
struct kr_FetchResponseSnapshotId {
    int64_t EndOffset; /* default -1 */
    int32_t Epoch;     /* default -1 */
};

struct kr_FetchResponseAbortedTransaction {
    int64_t ProducerId;
    int64_t FirstOffset;
};

struct kr_FetchResponsePartitionData {
    int32_t PartitionIndex;
    int16_t ErrorCode;
    int64_t HighWatermark;
    int64_t LastStableOffset; /* v4+; default -1 */
    int64_t LogStartOffset;   /* v5+; default -1 */
    /* tags 0, 1, 2 (v12+); a struct equal to its default {-1, -1} is not
     * sent */
    struct kr_FetchResponseEpochEndOffset DivergingEpoch;
    struct kr_FetchResponseLeaderIdAndEpoch CurrentLeader;
    struct kr_FetchResponseSnapshotId SnapshotId;
    int32_t AbortedTransactionsCnt; /* v4+, nullable (-1 = null) */
    struct kr_FetchResponseAbortedTransaction *AbortedTransactions;
    int32_t PreferredReadReplica; /* v11+ (KIP-392); default -1 */
    struct kr_bytes Records; /* nullable; borrowed: a view, never copied */
};

struct kr_FetchableTopicResponse {
    struct kr_str Topic;    /* v0-12 */
    struct kr_uuid TopicId; /* v13+ (KIP-516) */
    int32_t PartitionsCnt;
    struct kr_FetchResponsePartitionData *Partitions;
};

struct kr_FetchResponse {
    int32_t ThrottleTimeMs; /* v1+ */
    int16_t ErrorCode;      /* v7+ */
    int32_t SessionId;      /* v7+; default 0 */
    int32_t ResponsesCnt;
    struct kr_FetchableTopicResponse *Responses;
    /* tag 0, v16+; an empty array (the default) is not sent */
    int32_t NodeEndpointsCnt;
    struct kr_NodeEndpoint *NodeEndpoints;
};

extern const struct kr_api kr_api_Fetch;

#endif
