/* PLACEHOLDER: DeleteTopics (key 20) - being written. */
#ifndef KR_PROTOCOL_API_DELETETOPICS_H
#define KR_PROTOCOL_API_DELETETOPICS_H

#include "protocol/api.h"

struct kr_DeleteTopicsRequest {
    int32_t Placeholder;
};

struct kr_DeleteTopicsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_DeleteTopics;

#endif
