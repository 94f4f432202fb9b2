/* PLACEHOLDER: FindCoordinator (key 10) - being written. */
#ifndef KR_PROTOCOL_API_FINDCOORDINATOR_H
#define KR_PROTOCOL_API_FINDCOORDINATOR_H

#include "protocol/api.h"

struct kr_FindCoordinatorRequest {
    int32_t Placeholder;
};

struct kr_FindCoordinatorResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_FindCoordinator;

#endif
