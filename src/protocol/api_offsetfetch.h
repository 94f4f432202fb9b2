/* PLACEHOLDER: OffsetFetch (key 9) - being written. */
#ifndef KR_PROTOCOL_API_OFFSETFETCH_H
#define KR_PROTOCOL_API_OFFSETFETCH_H

#include "protocol/api.h"

struct kr_OffsetFetchRequest {
    int32_t Placeholder;
};

struct kr_OffsetFetchResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_OffsetFetch;

#endif
