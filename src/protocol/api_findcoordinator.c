/* PLACEHOLDER: FindCoordinator (key 10) - being written. */
#include "protocol/api_findcoordinator.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_FindCoordinatorRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_FindCoordinatorResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_FindCoordinator = {
    .key = KR_API_FindCoordinator,
    .name = "FindCoordinator",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_FindCoordinatorRequest),
    .resp_size = sizeof(struct kr_FindCoordinatorResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
