/* ListGroups (key 16): ListGroupsRequest.json / ListGroupsResponse.json. */
#ifndef KR_PROTOCOL_API_LISTGROUPS_H
#define KR_PROTOCOL_API_LISTGROUPS_H

#include "protocol/api.h"

struct kr_ListGroupsRequest {
    int32_t StatesFilterCnt; /* v4+ (KIP-518); empty: all states */
    struct kr_str *StatesFilter;
    int32_t TypesFilterCnt; /* v5+ (KIP-848); empty: all types */
    struct kr_str *TypesFilter;
};

struct kr_ListedGroup {
    struct kr_str GroupId;
    struct kr_str ProtocolType;
    struct kr_str GroupState; /* v4+ */
    struct kr_str GroupType;  /* v5+ */
};

struct kr_ListGroupsResponse {
    int32_t ThrottleTimeMs; /* v1+ */
    int16_t ErrorCode;
    int32_t GroupsCnt;
    struct kr_ListedGroup *Groups;
};

extern const struct kr_api kr_api_ListGroups;

#endif
