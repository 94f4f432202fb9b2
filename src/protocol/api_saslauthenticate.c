/* SaslAuthenticate (key 36), versions 0-2, flexible from 2. */
#include "protocol/api_saslauthenticate.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SaslAuthenticateRequest *m = msg;
    kr_io_bytes(io, &m->AuthBytes, false);
    kr_io_tags(io, NULL, m);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SaslAuthenticateResponse *m = msg;
    kr_io_i16(io, &m->ErrorCode);
    kr_io_str(io, &m->ErrorMessage, true);
    kr_io_bytes(io, &m->AuthBytes, false);
    if (io->v >= 1)
        kr_io_i64(io, &m->SessionLifetimeMs);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_SaslAuthenticate = {
    .key = KR_API_SaslAuthenticate,
    .name = "SaslAuthenticate",
    .min_ver = 0,
    .max_ver = 2,
    .flex_ver = 2,
    .req_size = sizeof(struct kr_SaslAuthenticateRequest),
    .resp_size = sizeof(struct kr_SaslAuthenticateResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
