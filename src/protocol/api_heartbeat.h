/* Heartbeat (key 12): HeartbeatRequest.json / HeartbeatResponse.json. */
#ifndef KR_PROTOCOL_API_HEARTBEAT_H
#define KR_PROTOCOL_API_HEARTBEAT_H

#include "protocol/api.h"

struct kr_HeartbeatRequest {
    struct kr_str GroupId;
    int32_t GenerationId;
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* v3+, nullable; default null */
};

struct kr_HeartbeatResponse {
    int32_t ThrottleTimeMs; /* v1+ */
    int16_t ErrorCode;
};

extern const struct kr_api kr_api_Heartbeat;

#endif
