/* SaslAuthenticate (key 36): SaslAuthenticateRequest.json /
 * SaslAuthenticateResponse.json. */
#ifndef KR_PROTOCOL_API_SASLAUTHENTICATE_H
#define KR_PROTOCOL_API_SASLAUTHENTICATE_H

#include "protocol/api.h"

struct kr_SaslAuthenticateRequest {
    struct kr_bytes AuthBytes;
};

struct kr_SaslAuthenticateResponse {
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* nullable */
    struct kr_bytes AuthBytes;
    int64_t SessionLifetimeMs; /* v1+ (KIP-368) */
};

extern const struct kr_api kr_api_SaslAuthenticate;

#endif
