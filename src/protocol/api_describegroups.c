/* PLACEHOLDER: DescribeGroups (key 15) - being written. */
#include "protocol/api_describegroups.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeGroupsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeGroupsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_DescribeGroups = {
    .key = KR_API_DescribeGroups,
    .name = "DescribeGroups",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_DescribeGroupsRequest),
    .resp_size = sizeof(struct kr_DescribeGroupsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
