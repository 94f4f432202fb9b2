/* PLACEHOLDER: DeleteTopics (key 20) - being written. */
#include "protocol/api_deletetopics.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_DeleteTopicsRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_DeleteTopicsResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_DeleteTopics = {
    .key = KR_API_DeleteTopics,
    .name = "DeleteTopics",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_DeleteTopicsRequest),
    .resp_size = sizeof(struct kr_DeleteTopicsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
