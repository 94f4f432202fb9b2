/* PLACEHOLDER: Fetch (key 1) - being written. */
#include "protocol/api_fetch.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_FetchRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_FetchResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_Fetch = {
    .key = KR_API_Fetch,
    .name = "Fetch",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_FetchRequest),
    .resp_size = sizeof(struct kr_FetchResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
