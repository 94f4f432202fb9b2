/* PLACEHOLDER: ListGroups (key 16) - being written. */
#include "protocol/api_listgroups.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ListGroupsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ListGroupsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_ListGroups = {
    .key = KR_API_ListGroups,
    .name = "ListGroups",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_ListGroupsRequest),
    .resp_size = sizeof(struct kr_ListGroupsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
