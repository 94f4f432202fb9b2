/* PLACEHOLDER: OffsetForLeaderEpoch (key 23) - being written. */
#ifndef KR_PROTOCOL_API_OFFSETFORLEADEREPOCH_H
#define KR_PROTOCOL_API_OFFSETFORLEADEREPOCH_H

#include "protocol/api.h"

struct kr_OffsetForLeaderEpochRequest {
    int32_t Placeholder;
};

struct kr_OffsetForLeaderEpochResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_OffsetForLeaderEpoch;

#endif
