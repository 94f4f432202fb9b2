/* DescribeGroups (key 15), versions 0-6, flexible from 5. */
#include "protocol/api_describegroups.h"

/* Smallest wire size of an array element over all versions, checked against
 * the bytes left before the arena allocates (io.h). */
#define GROUP_MIN_WIRE 12 /* v5: ErrorCode, 5 compact fields, AuthOps, tags */
#define MEMBER_MIN_WIRE 7 /* v5: 6 compact fields, tags */

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeGroupsRequest *m = msg;
    /* an empty string: 2 bytes, or 1 when compact */
    int32_t n = kr_io_array(io, (void **)&m->Groups, &m->GroupsCnt,
                            sizeof *m->Groups, kr_io_str_min(io), false);
    for (int32_t i = 0; i < n; i++)
        kr_io_str(io, &m->Groups[i], false);
    if (io->v >= 3)
        kr_io_bool(io, &m->IncludeAuthorizedOperations);
    kr_io_tags(io, NULL, m);
}

static void member_io(struct kr_io *io, struct kr_DescribedGroupMember *mb)
{
    kr_io_str(io, &mb->MemberId, false);
    if (io->v >= 4)
        kr_io_str(io, &mb->GroupInstanceId, true);
    else if (kr_io_reading(io))
        mb->GroupInstanceId = (struct kr_str){NULL, -1};
    kr_io_str(io, &mb->ClientId, false);
    kr_io_str(io, &mb->ClientHost, false);
    kr_io_bytes(io, &mb->MemberMetadata, false);
    kr_io_bytes(io, &mb->MemberAssignment, false);
    kr_io_tags(io, NULL, mb);
}

static void group_io(struct kr_io *io, struct kr_DescribedGroup *g)
{
    kr_io_i16(io, &g->ErrorCode);
    if (io->v >= 6)
        kr_io_str(io, &g->ErrorMessage, true);
    else if (kr_io_reading(io))
        g->ErrorMessage = (struct kr_str){NULL, -1};
    kr_io_str(io, &g->GroupId, false);
    kr_io_str(io, &g->GroupState, false);
    kr_io_str(io, &g->ProtocolType, false);
    kr_io_str(io, &g->ProtocolData, false);
    int32_t n = kr_io_array(io, (void **)&g->Members, &g->MembersCnt,
                            sizeof *g->Members, MEMBER_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        member_io(io, &g->Members[i]);
    if (io->v >= 3)
        kr_io_i32(io, &g->AuthorizedOperations);
    else if (kr_io_reading(io))
        g->AuthorizedOperations = INT32_MIN;
    kr_io_tags(io, NULL, g);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeGroupsResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = kr_io_array(io, (void **)&m->Groups, &m->GroupsCnt,
                            sizeof *m->Groups, GROUP_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        group_io(io, &m->Groups[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_DescribeGroups = {
    .key = KR_API_DescribeGroups,
    .name = "DescribeGroups",
    .min_ver = 0,
    .max_ver = 6,
    .flex_ver = 5,
    .req_size = sizeof(struct kr_DescribeGroupsRequest),
    .resp_size = sizeof(struct kr_DescribeGroupsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
