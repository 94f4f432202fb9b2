/* DeleteTopics (key 20): DeleteTopicsRequest.json /
 * DeleteTopicsResponse.json. */
#ifndef KR_PROTOCOL_API_DELETETOPICS_H
#define KR_PROTOCOL_API_DELETETOPICS_H

#include "protocol/api.h"

struct kr_DeleteTopicState {
    struct kr_str Name; /* nullable; default null */
    struct kr_uuid TopicId;
};

struct kr_DeleteTopicsRequest {
    int32_t TopicsCnt; /* v6+ */
    struct kr_DeleteTopicState *Topics;
    int32_t TopicNamesCnt; /* v0-5 */
    struct kr_str *TopicNames;
    int32_t TimeoutMs;
};

struct kr_DeletableTopicResult {
    struct kr_str Name;         /* nullable in v6+ */
    struct kr_uuid TopicId;     /* v6+ */
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* v5+, nullable; default null */
};

struct kr_DeleteTopicsResponse {
    int32_t ThrottleTimeMs;
    int32_t ResponsesCnt;
    struct kr_DeletableTopicResult *Responses;
};

extern const struct kr_api kr_api_DeleteTopics;

#endif
