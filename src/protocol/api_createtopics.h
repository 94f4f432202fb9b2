/* CreateTopics (key 19): CreateTopicsRequest.json /
 * CreateTopicsResponse.json. */
#ifndef KR_PROTOCOL_API_CREATETOPICS_H
#define KR_PROTOCOL_API_CREATETOPICS_H

#include "protocol/api.h"

struct kr_CreatableReplicaAssignment {
    int32_t PartitionIndex;
    int32_t BrokerIdsCnt;
    int32_t *BrokerIds;
};

struct kr_CreatableTopicConfig {
    struct kr_str Name;
    struct kr_str Value; /* nullable */
};

struct kr_CreatableTopic {
    struct kr_str Name;
    int32_t NumPartitions;     /* -1: manual assignment or broker default */
    int16_t ReplicationFactor; /* -1: manual assignment or broker default */
    int32_t AssignmentsCnt;
    struct kr_CreatableReplicaAssignment *Assignments;
    int32_t ConfigsCnt;
    struct kr_CreatableTopicConfig *Configs;
};

struct kr_CreateTopicsRequest {
    int32_t TopicsCnt;
    struct kr_CreatableTopic *Topics;
    int32_t timeoutMs;  /* the schema spells it in lower camel case */
    bool validateOnly;
};

struct kr_CreatableTopicConfigs {
    struct kr_str Name;
    struct kr_str Value; /* nullable */
    bool ReadOnly;
    int8_t ConfigSource;
    bool IsSensitive;
};

struct kr_CreatableTopicResult {
    struct kr_str Name;
    struct kr_uuid TopicId; /* v7+ */
    int16_t ErrorCode;
    struct kr_str ErrorMessage;   /* nullable */
    int16_t TopicConfigErrorCode; /* v5+, tagged (tag 0) */
    int32_t NumPartitions;        /* v5+; default -1 */
    int16_t ReplicationFactor;    /* v5+; default -1 */
    int32_t ConfigsCnt;           /* v5+, nullable (-1) */
    struct kr_CreatableTopicConfigs *Configs;
};

struct kr_CreateTopicsResponse {
    int32_t ThrottleTimeMs;
    int32_t TopicsCnt;
    struct kr_CreatableTopicResult *Topics;
};

extern const struct kr_api kr_api_CreateTopics;

#endif
