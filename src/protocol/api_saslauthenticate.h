/* PLACEHOLDER: SaslAuthenticate (key 36) - being written. */
#ifndef KR_PROTOCOL_API_SASLAUTHENTICATE_H
#define KR_PROTOCOL_API_SASLAUTHENTICATE_H

#include "protocol/api.h"

struct kr_SaslAuthenticateRequest {
    int32_t Placeholder;
};

struct kr_SaslAuthenticateResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_SaslAuthenticate;

#endif
