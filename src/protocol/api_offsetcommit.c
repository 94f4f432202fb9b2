/* PLACEHOLDER: OffsetCommit (key 8) - being written. */
#include "protocol/api_offsetcommit.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetCommitRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetCommitResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_OffsetCommit = {
    .key = KR_API_OffsetCommit,
    .name = "OffsetCommit",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_OffsetCommitRequest),
    .resp_size = sizeof(struct kr_OffsetCommitResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
