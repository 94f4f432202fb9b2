/* PLACEHOLDER: LeaveGroup (key 13) - being written. */
#ifndef KR_PROTOCOL_API_LEAVEGROUP_H
#define KR_PROTOCOL_API_LEAVEGROUP_H

#include "protocol/api.h"

struct kr_LeaveGroupRequest {
    int32_t Placeholder;
};

struct kr_LeaveGroupResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_LeaveGroup;

#endif
