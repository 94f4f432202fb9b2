/* PLACEHOLDER: JoinGroup (key 11) - being written. */
#ifndef KR_PROTOCOL_API_JOINGROUP_H
#define KR_PROTOCOL_API_JOINGROUP_H

#include "protocol/api.h"

struct kr_JoinGroupRequest {
    int32_t Placeholder;
};

struct kr_JoinGroupResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_JoinGroup;

#endif
