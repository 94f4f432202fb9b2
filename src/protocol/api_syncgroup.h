/* SyncGroup (key 14): SyncGroupRequest.json / SyncGroupResponse.json. */
#ifndef KR_PROTOCOL_API_SYNCGROUP_H
#define KR_PROTOCOL_API_SYNCGROUP_H

#include "protocol/api.h"

struct kr_SyncGroupRequestAssignment {
    struct kr_str MemberId;
    struct kr_bytes Assignment;
};

struct kr_SyncGroupRequest {
    struct kr_str GroupId;
    int32_t GenerationId;
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* v3+, nullable; default null */
    struct kr_str ProtocolType;    /* v5+, nullable; default null (KIP-559) */
    struct kr_str ProtocolName;    /* v5+, nullable; default null (KIP-559) */
    int32_t AssignmentsCnt;
    struct kr_SyncGroupRequestAssignment *Assignments;
};

struct kr_SyncGroupResponse {
    int32_t ThrottleTimeMs;     /* v1+ */
    int16_t ErrorCode;
    struct kr_str ProtocolType; /* v5+, nullable; default null (KIP-559) */
    struct kr_str ProtocolName; /* v5+, nullable; default null (KIP-559) */
    struct kr_bytes Assignment;
};

extern const struct kr_api kr_api_SyncGroup;

#endif
