/* PLACEHOLDER: OffsetFetch (key 9) - being written. */
#include "protocol/api_offsetfetch.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetFetchRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetFetchResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_OffsetFetch = {
    .key = KR_API_OffsetFetch,
    .name = "OffsetFetch",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_OffsetFetchRequest),
    .resp_size = sizeof(struct kr_OffsetFetchResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
