/* PLACEHOLDER: ApiVersions (key 18) - being written. */
#ifndef KR_PROTOCOL_API_APIVERSIONS_H
#define KR_PROTOCOL_API_APIVERSIONS_H

#include "protocol/api.h"

struct kr_ApiVersionsRequest {
    int32_t Placeholder;
};

struct kr_ApiVersionsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_ApiVersions;

#endif
