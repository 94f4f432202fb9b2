/* PLACEHOLDER: CreateTopics (key 19) - being written. */
#ifndef KR_PROTOCOL_API_CREATETOPICS_H
#define KR_PROTOCOL_API_CREATETOPICS_H

#include "protocol/api.h"

struct kr_CreateTopicsRequest {
    int32_t Placeholder;
};

struct kr_CreateTopicsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_CreateTopics;

#endif
