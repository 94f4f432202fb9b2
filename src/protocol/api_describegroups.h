/* DescribeGroups (key 15): DescribeGroupsRequest.json /
 * DescribeGroupsResponse.json. */
#ifndef KR_PROTOCOL_API_DESCRIBEGROUPS_H
#define KR_PROTOCOL_API_DESCRIBEGROUPS_H

#include "protocol/api.h"

struct kr_DescribeGroupsRequest {
    int32_t GroupsCnt;
    struct kr_str *Groups;
    bool IncludeAuthorizedOperations; /* v3+ */
};

struct kr_DescribedGroupMember {
    struct kr_str MemberId;
    struct kr_str GroupInstanceId; /* v4+, nullable; default null */
    struct kr_str ClientId;
    struct kr_str ClientHost;
    struct kr_bytes MemberMetadata;
    struct kr_bytes MemberAssignment;
};

struct kr_DescribedGroup {
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* v6+, nullable; default null */
    struct kr_str GroupId;
    struct kr_str GroupState;
    struct kr_str ProtocolType;
    struct kr_str ProtocolData;
    int32_t MembersCnt;
    struct kr_DescribedGroupMember *Members;
    int32_t AuthorizedOperations; /* v3+; default INT32_MIN */
};

struct kr_DescribeGroupsResponse {
    int32_t ThrottleTimeMs; /* v1+ */
    int32_t GroupsCnt;
    struct kr_DescribedGroup *Groups;
};

extern const struct kr_api kr_api_DescribeGroups;

#endif
