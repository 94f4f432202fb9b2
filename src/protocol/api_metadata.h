/* PLACEHOLDER: Metadata (key 3) - being written. */
#ifndef KR_PROTOCOL_API_METADATA_H
#define KR_PROTOCOL_API_METADATA_H

#include "protocol/api.h"

struct kr_MetadataRequest {
    int32_t Placeholder;
};

struct kr_MetadataResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_Metadata;

#endif
