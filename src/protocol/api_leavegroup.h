/* LeaveGroup (key 13): LeaveGroupRequest.json / LeaveGroupResponse.json. */
#ifndef KR_PROTOCOL_API_LEAVEGROUP_H
#define KR_PROTOCOL_API_LEAVEGROUP_H

#include "protocol/api.h"

struct kr_LeaveGroupRequestMemberIdentity {
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* nullable; default null */
    struct kr_str Reason;          /* v5+, nullable; default null (KIP-800) */
};

struct kr_LeaveGroupRequest {
    struct kr_str GroupId;
    struct kr_str MemberId; /* v0-2 */
    int32_t MembersCnt;     /* v3+ (KIP-345 batching) */
    struct kr_LeaveGroupRequestMemberIdentity *Members;
};

struct kr_LeaveGroupResponseMemberResponse {
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* nullable */
    int16_t ErrorCode;
};

struct kr_LeaveGroupResponse {
    int32_t ThrottleTimeMs; /* v1+ */
    int16_t ErrorCode;
    int32_t MembersCnt;     /* v3+ */
    struct kr_LeaveGroupResponseMemberResponse *Members;
};

extern const struct kr_api kr_api_LeaveGroup;

#endif
