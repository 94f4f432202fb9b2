/* PLACEHOLDER: ApiVersions (key 18) - being written. */
#include "protocol/api_apiversions.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ApiVersionsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ApiVersionsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_ApiVersions = {
    .key = KR_API_ApiVersions,
    .name = "ApiVersions",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_ApiVersionsRequest),
    .resp_size = sizeof(struct kr_ApiVersionsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
