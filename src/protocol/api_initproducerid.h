/* PLACEHOLDER: InitProducerId (key 22) - being written. */
#ifndef KR_PROTOCOL_API_INITPRODUCERID_H
#define KR_PROTOCOL_API_INITPRODUCERID_H

#include "protocol/api.h"

struct kr_InitProducerIdRequest {
    int32_t Placeholder;
};

struct kr_InitProducerIdResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_InitProducerId;

#endif
