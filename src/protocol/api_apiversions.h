/* ApiVersions (key 18): ApiVersionsRequest.json / ApiVersionsResponse.json.
 *
 * The response header is always v0, even at flexible versions (KIP-511);
 * api.c handles that. A broker that does not know the request version
 * answers with a v0 body and ErrorCode 35 (UNSUPPORTED_VERSION) whose ApiKeys
 * holds its own ApiVersions range: the client decodes it at v0. */
#ifndef KR_PROTOCOL_API_APIVERSIONS_H
#define KR_PROTOCOL_API_APIVERSIONS_H

#include "protocol/api.h"

struct kr_ApiVersionsRequest {
    struct kr_str ClientSoftwareName;    /* v3+ */
    struct kr_str ClientSoftwareVersion; /* v3+ */
};

struct kr_ApiVersion {
    int16_t ApiKey;
    int16_t MinVersion;
    int16_t MaxVersion;
};

/* SupportedFeatures element (v3+, tagged). */
struct kr_SupportedFeatureKey {
    struct kr_str Name;
    int16_t MinVersion;
    int16_t MaxVersion;
};

/* FinalizedFeatures element (v3+, tagged). */
struct kr_FinalizedFeatureKey {
    struct kr_str Name;
    int16_t MaxVersionLevel;
    int16_t MinVersionLevel;
};

struct kr_ApiVersionsResponse {
    int16_t ErrorCode;
    int32_t ApiKeysCnt;
    struct kr_ApiVersion *ApiKeys;
    int32_t ThrottleTimeMs; /* v1+ */
    /* tag 0, v3+; default empty */
    int32_t SupportedFeaturesCnt;
    struct kr_SupportedFeatureKey *SupportedFeatures;
    int64_t FinalizedFeaturesEpoch; /* tag 1, v3+; default -1 */
    /* tag 2, v3+; default empty */
    int32_t FinalizedFeaturesCnt;
    struct kr_FinalizedFeatureKey *FinalizedFeatures;
    bool ZkMigrationReady; /* tag 3, v3+; default false */
};

extern const struct kr_api kr_api_ApiVersions;

#endif
