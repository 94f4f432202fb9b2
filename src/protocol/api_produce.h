/* PLACEHOLDER: Produce (key 0) - being written. */
#ifndef KR_PROTOCOL_API_PRODUCE_H
#define KR_PROTOCOL_API_PRODUCE_H

#include "protocol/api.h"

struct kr_ProduceRequest {
    int32_t Placeholder;
};

struct kr_ProduceResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_Produce;

#endif
