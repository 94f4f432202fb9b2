/* PLACEHOLDER: Fetch (key 1) - being written. */
#ifndef KR_PROTOCOL_API_FETCH_H
#define KR_PROTOCOL_API_FETCH_H

#include "protocol/api.h"

struct kr_FetchRequest {
    int32_t Placeholder;
};

struct kr_FetchResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_Fetch;

#endif
