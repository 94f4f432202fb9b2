/* FindCoordinator (key 10): FindCoordinatorRequest.json /
 * FindCoordinatorResponse.json. */
#ifndef KR_PROTOCOL_API_FINDCOORDINATOR_H
#define KR_PROTOCOL_API_FINDCOORDINATOR_H

#include "protocol/api.h"

struct kr_FindCoordinatorRequest {
    struct kr_str Key;            /* v0-3 */
    int8_t KeyType;               /* v1+: 0 group, 1 transaction, 2 share */
    int32_t CoordinatorKeysCnt;   /* v4+ (KIP-699 batching) */
    struct kr_str *CoordinatorKeys;
};

struct kr_FindCoordinatorResponseCoordinator {
    struct kr_str Key;
    int32_t NodeId;
    struct kr_str Host;
    int32_t Port;
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* nullable */
};

struct kr_FindCoordinatorResponse {
    int32_t ThrottleTimeMs;     /* v1+ */
    int16_t ErrorCode;          /* v0-3 */
    struct kr_str ErrorMessage; /* v1-3, nullable */
    int32_t NodeId;             /* v0-3 */
    struct kr_str Host;         /* v0-3 */
    int32_t Port;               /* v0-3 */
    int32_t CoordinatorsCnt;    /* v4+ (KIP-699 batching) */
    struct kr_FindCoordinatorResponseCoordinator *Coordinators;
};

extern const struct kr_api kr_api_FindCoordinator;

#endif
