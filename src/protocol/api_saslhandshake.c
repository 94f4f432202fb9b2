/* PLACEHOLDER: SaslHandshake (key 17) - being written. */
#include "protocol/api_saslhandshake.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SaslHandshakeRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SaslHandshakeResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_SaslHandshake = {
    .key = KR_API_SaslHandshake,
    .name = "SaslHandshake",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_SaslHandshakeRequest),
    .resp_size = sizeof(struct kr_SaslHandshakeResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
