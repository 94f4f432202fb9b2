/* PLACEHOLDER: CreateTopics (key 19) - being written. */
#include "protocol/api_createtopics.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_CreateTopicsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_CreateTopicsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_CreateTopics = {
    .key = KR_API_CreateTopics,
    .name = "CreateTopics",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_CreateTopicsRequest),
    .resp_size = sizeof(struct kr_CreateTopicsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
