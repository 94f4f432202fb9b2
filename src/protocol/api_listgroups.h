/* PLACEHOLDER: ListGroups (key 16) - being written. */
#ifndef KR_PROTOCOL_API_LISTGROUPS_H
#define KR_PROTOCOL_API_LISTGROUPS_H

#include "protocol/api.h"

struct kr_ListGroupsRequest {
    int32_t Placeholder;
};

struct kr_ListGroupsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_ListGroups;

#endif
