/* CreatePartitions (key 37): CreatePartitionsRequest.json /
 * CreatePartitionsResponse.json. */
#ifndef KR_PROTOCOL_API_CREATEPARTITIONS_H
#define KR_PROTOCOL_API_CREATEPARTITIONS_H

#include "protocol/api.h"

struct kr_CreatePartitionsAssignment {
    int32_t BrokerIdsCnt;
    int32_t *BrokerIds;
};

struct kr_CreatePartitionsTopic {
    struct kr_str Name;
    int32_t Count;          /* the new partition count */
    int32_t AssignmentsCnt; /* -1: null (the broker places them) */
    struct kr_CreatePartitionsAssignment *Assignments;
};

struct kr_CreatePartitionsRequest {
    int32_t TopicsCnt;
    struct kr_CreatePartitionsTopic *Topics;
    int32_t TimeoutMs;
    bool ValidateOnly;
};

struct kr_CreatePartitionsTopicResult {
    struct kr_str Name;
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* nullable; default null */
};

struct kr_CreatePartitionsResponse {
    int32_t ThrottleTimeMs;
    int32_t ResultsCnt;
    struct kr_CreatePartitionsTopicResult *Results;
};

extern const struct kr_api kr_api_CreatePartitions;

#endif
