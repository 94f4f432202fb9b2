/* PLACEHOLDER: SyncGroup (key 14) - being written. */
#include "protocol/api_syncgroup.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SyncGroupRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SyncGroupResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_SyncGroup = {
    .key = KR_API_SyncGroup,
    .name = "SyncGroup",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_SyncGroupRequest),
    .resp_size = sizeof(struct kr_SyncGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
