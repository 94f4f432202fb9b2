/* PLACEHOLDER: Produce (key 0) - being written. */
#include "protocol/api_produce.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ProduceRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ProduceResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_Produce = {
    .key = KR_API_Produce,
    .name = "Produce",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_ProduceRequest),
    .resp_size = sizeof(struct kr_ProduceResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
