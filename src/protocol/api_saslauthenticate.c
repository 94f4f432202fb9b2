/* PLACEHOLDER: SaslAuthenticate (key 36) - being written. */
#include "protocol/api_saslauthenticate.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SaslAuthenticateRequest *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SaslAuthenticateResponse *m = msg;
    kr_io_i32(io, &m->Placeholder);
}

const struct kr_api kr_api_SaslAuthenticate = {
    .key = KR_API_SaslAuthenticate,
    .name = "SaslAuthenticate",
    .min_ver = 0,
    .max_ver = 0,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_SaslAuthenticateRequest),
    .resp_size = sizeof(struct kr_SaslAuthenticateResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
