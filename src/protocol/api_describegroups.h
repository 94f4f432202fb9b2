/* PLACEHOLDER: DescribeGroups (key 15) - being written. */
#ifndef KR_PROTOCOL_API_DESCRIBEGROUPS_H
#define KR_PROTOCOL_API_DESCRIBEGROUPS_H

#include "protocol/api.h"

struct kr_DescribeGroupsRequest {
    int32_t Placeholder;
};

struct kr_DescribeGroupsResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_DescribeGroups;

#endif
