/* DescribeConfigs (key 32): DescribeConfigsRequest.json /
 * DescribeConfigsResponse.json. */
#ifndef KR_PROTOCOL_API_DESCRIBECONFIGS_H
#define KR_PROTOCOL_API_DESCRIBECONFIGS_H

#include "protocol/api.h"

/* ResourceType values (the admin client's ConfigResource.Type). */
enum {
    KR_RESOURCE_TOPIC = 2,
    KR_RESOURCE_BROKER = 4,
    KR_RESOURCE_BROKER_LOGGER = 8,
};

struct kr_DescribeConfigsResource {
    int8_t ResourceType;
    struct kr_str ResourceName;
    int32_t ConfigurationKeysCnt; /* -1: null (every key) */
    struct kr_str *ConfigurationKeys;
};

struct kr_DescribeConfigsRequest {
    int32_t ResourcesCnt;
    struct kr_DescribeConfigsResource *Resources;
    bool IncludeSynonyms;      /* v1+ */
    bool IncludeDocumentation; /* v3+ */
};

struct kr_DescribeConfigsSynonym {
    struct kr_str Name;
    struct kr_str Value; /* nullable */
    int8_t Source;
};

struct kr_DescribeConfigsResourceResult {
    struct kr_str Name;
    struct kr_str Value; /* nullable */
    bool ReadOnly;
    int8_t ConfigSource; /* v1+ (every supported version) */
    bool IsSensitive;
    int32_t SynonymsCnt; /* v1+ */
    struct kr_DescribeConfigsSynonym *Synonyms;
    int8_t ConfigType;          /* v3+; default 0 */
    struct kr_str Documentation; /* v3+, nullable; default null */
};

struct kr_DescribeConfigsResult {
    int16_t ErrorCode;
    struct kr_str ErrorMessage; /* nullable */
    int8_t ResourceType;
    struct kr_str ResourceName;
    int32_t ConfigsCnt;
    struct kr_DescribeConfigsResourceResult *Configs;
};

struct kr_DescribeConfigsResponse {
    int32_t ThrottleTimeMs;
    int32_t ResultsCnt;
    struct kr_DescribeConfigsResult *Results;
};

extern const struct kr_api kr_api_DescribeConfigs;

#endif
