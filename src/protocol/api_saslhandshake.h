/* PLACEHOLDER: SaslHandshake (key 17) - being written. */
#ifndef KR_PROTOCOL_API_SASLHANDSHAKE_H
#define KR_PROTOCOL_API_SASLHANDSHAKE_H

#include "protocol/api.h"

struct kr_SaslHandshakeRequest {
    int32_t Placeholder;
};

struct kr_SaslHandshakeResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_SaslHandshake;

#endif
