/* SaslHandshake (key 17): SaslHandshakeRequest.json /
 * SaslHandshakeResponse.json. */
#ifndef KR_PROTOCOL_API_SASLHANDSHAKE_H
#define KR_PROTOCOL_API_SASLHANDSHAKE_H

#include "protocol/api.h"

struct kr_SaslHandshakeRequest {
    struct kr_str Mechanism;
};

struct kr_SaslHandshakeResponse {
    int16_t ErrorCode;
    int32_t MechanismsCnt;
    struct kr_str *Mechanisms;
};

extern const struct kr_api kr_api_SaslHandshake;

#endif
