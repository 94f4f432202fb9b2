/* PLACEHOLDER: LeaveGroup (key 13) - being written. */
#include "protocol/api_leavegroup.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_LeaveGroupRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_LeaveGroupResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_LeaveGroup = {
    .key = KR_API_LeaveGroup,
    .name = "LeaveGroup",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_LeaveGroupRequest),
    .resp_size = sizeof(struct kr_LeaveGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
