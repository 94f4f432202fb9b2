/* PLACEHOLDER: SyncGroup (key 14) - being written. */
#ifndef KR_PROTOCOL_API_SYNCGROUP_H
#define KR_PROTOCOL_API_SYNCGROUP_H

#include "protocol/api.h"

struct kr_SyncGroupRequest {
    int32_t Placeholder;
};

struct kr_SyncGroupResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_SyncGroup;

#endif
