/* PLACEHOLDER: InitProducerId (key 22) - being written. */
#include "protocol/api_initproducerid.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_InitProducerIdRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_InitProducerIdResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_InitProducerId = {
    .key = KR_API_InitProducerId,
    .name = "InitProducerId",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_InitProducerIdRequest),
    .resp_size = sizeof(struct kr_InitProducerIdResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
