/* PLACEHOLDER: ListOffsets (key 2) - being written. */
#include "protocol/api_listoffsets.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ListOffsetsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ListOffsetsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_ListOffsets = {
    .key = KR_API_ListOffsets,
    .name = "ListOffsets",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_ListOffsetsRequest),
    .resp_size = sizeof(struct kr_ListOffsetsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
