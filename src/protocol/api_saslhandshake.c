/* SaslHandshake (key 17), versions 0-1, never flexible. Version 1 only says
 * that the SASL tokens travel in SaslAuthenticate frames (KIP-152). */
#include "protocol/api_saslhandshake.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SaslHandshakeRequest *m = msg;
    kr_io_str(io, &m->Mechanism, false);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SaslHandshakeResponse *m = msg;
    kr_io_i16(io, &m->ErrorCode);
    /* []string: each element takes at least its int16 length */
    int32_t n = kr_io_array(io, (void **)&m->Mechanisms, &m->MechanismsCnt,
                            sizeof *m->Mechanisms, 2, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_str(io, &m->Mechanisms[i], false);
}

const struct kr_api kr_api_SaslHandshake = {
    .key = KR_API_SaslHandshake,
    .name = "SaslHandshake",
    .min_ver = 0,
    .max_ver = 1,
    .flex_ver = INT16_MAX,
    .req_size = sizeof(struct kr_SaslHandshakeRequest),
    .resp_size = sizeof(struct kr_SaslHandshakeResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
