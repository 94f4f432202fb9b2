/* PLACEHOLDER: ListOffsets (key 2) - being written. */
#ifndef KR_PROTOCOL_API_LISTOFFSETS_H
#define KR_PROTOCOL_API_LISTOFFSETS_H

#include "protocol/api.h"

struct kr_ListOffsetsRequest {
    int32_t Placeholder;
};

struct kr_ListOffsetsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_ListOffsets;

#endif
