/* PLACEHOLDER: JoinGroup (key 11) - being written. */
#include "protocol/api_joingroup.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_JoinGroupRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_JoinGroupResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_JoinGroup = {
    .key = KR_API_JoinGroup,
    .name = "JoinGroup",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_JoinGroupRequest),
    .resp_size = sizeof(struct kr_JoinGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
