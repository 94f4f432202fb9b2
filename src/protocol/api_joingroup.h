/* JoinGroup (key 11): JoinGroupRequest.json / JoinGroupResponse.json. */
#ifndef KR_PROTOCOL_API_JOINGROUP_H
#define KR_PROTOCOL_API_JOINGROUP_H

#include "protocol/api.h"

struct kr_JoinGroupRequestProtocol {
    struct kr_str Name;
    struct kr_bytes Metadata;
};

struct kr_JoinGroupRequest {
    struct kr_str GroupId;
    int32_t SessionTimeoutMs;
    int32_t RebalanceTimeoutMs;    /* v1+; default -1 */
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* v5+, nullable; default null */
    struct kr_str ProtocolType;
    int32_t ProtocolsCnt;
    struct kr_JoinGroupRequestProtocol *Protocols;
    struct kr_str Reason;          /* v8+, nullable; default null */
};

struct kr_JoinGroupResponseMember {
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* v5+, nullable; default null */
    struct kr_bytes Metadata;
};

struct kr_JoinGroupResponse {
    int32_t ThrottleTimeMs;     /* v2+ */
    int16_t ErrorCode;
    int32_t GenerationId;       /* default -1 */
    struct kr_str ProtocolType; /* v7+, nullable; default null (KIP-559) */
    struct kr_str ProtocolName; /* nullable in v7+ */
    struct kr_str Leader;
    bool SkipAssignment;        /* v9+ */
    struct kr_str MemberId;
    int32_t MembersCnt;
    struct kr_JoinGroupResponseMember *Members;
};

extern const struct kr_api kr_api_JoinGroup;

#endif
