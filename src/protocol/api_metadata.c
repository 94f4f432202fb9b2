/* PLACEHOLDER: Metadata (key 3) - being written. */
#include "protocol/api_metadata.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_MetadataRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_MetadataResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_Metadata = {
    .key = KR_API_Metadata,
    .name = "Metadata",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_MetadataRequest),
    .resp_size = sizeof(struct kr_MetadataResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
