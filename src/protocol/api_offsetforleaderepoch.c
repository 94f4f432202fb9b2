/* PLACEHOLDER: OffsetForLeaderEpoch (key 23) - being written. */
#include "protocol/api_offsetforleaderepoch.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetForLeaderEpochRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetForLeaderEpochResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_OffsetForLeaderEpoch = {
    .key = KR_API_OffsetForLeaderEpoch,
    .name = "OffsetForLeaderEpoch",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_OffsetForLeaderEpochRequest),
    .resp_size = sizeof(struct kr_OffsetForLeaderEpochResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
