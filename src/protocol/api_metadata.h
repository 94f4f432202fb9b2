/* Metadata (key 3): MetadataRequest.json / MetadataResponse.json. */
#ifndef KR_PROTOCOL_API_METADATA_H
#define KR_PROTOCOL_API_METADATA_H

#include "protocol/api.h"

struct kr_MetadataRequestTopic {
    struct kr_uuid TopicId; /* v10+ (used by brokers from v12) */
    struct kr_str Name;     /* nullable v10+ (a topic asked for by id) */
};

struct kr_MetadataRequest {
    /* nullable v1+: null asks for all topics (v0: an empty array does) */
    int32_t TopicsCnt;
    struct kr_MetadataRequestTopic *Topics;
    bool AllowAutoTopicCreation;             /* v4+; default true */
    bool IncludeClusterAuthorizedOperations; /* v8-10 only */
    bool IncludeTopicAuthorizedOperations;   /* v8+ */
};

struct kr_MetadataResponseBroker {
    int32_t NodeId;
    struct kr_str Host;
    int32_t Port;
    struct kr_str Rack; /* v1+, nullable; default null */
};

struct kr_MetadataResponsePartition {
    int16_t ErrorCode;
    int32_t PartitionIndex;
    int32_t LeaderId;
    int32_t LeaderEpoch; /* v7+; default -1 */
    int32_t ReplicaNodesCnt;
    int32_t *ReplicaNodes;
    int32_t IsrNodesCnt;
    int32_t *IsrNodes;
    int32_t OfflineReplicasCnt; /* v5+ */
    int32_t *OfflineReplicas;
};

struct kr_MetadataResponseTopic {
    int16_t ErrorCode;
    struct kr_str Name;     /* nullable v12+ (unknown topic asked by id) */
    struct kr_uuid TopicId; /* v10+ */
    bool IsInternal;        /* v1+ */
    int32_t PartitionsCnt;
    struct kr_MetadataResponsePartition *Partitions;
    int32_t TopicAuthorizedOperations; /* v8+; default INT32_MIN */
};

struct kr_MetadataResponse {
    int32_t ThrottleTimeMs; /* v3+ */
    int32_t BrokersCnt;
    struct kr_MetadataResponseBroker *Brokers;
    struct kr_str ClusterId; /* v2+, nullable; default null */
    int32_t ControllerId;    /* v1+; default -1 */
    int32_t TopicsCnt;
    struct kr_MetadataResponseTopic *Topics;
    int32_t ClusterAuthorizedOperations; /* v8-10 only; default INT32_MIN */
    int16_t ErrorCode;                   /* v13+ */
};

extern const struct kr_api kr_api_Metadata;

#endif
