/* PLACEHOLDER: OffsetCommit (key 8) - being written. */
#ifndef KR_PROTOCOL_API_OFFSETCOMMIT_H
#define KR_PROTOCOL_API_OFFSETCOMMIT_H

#include "protocol/api.h"

struct kr_OffsetCommitRequest {
    int32_t Placeholder;
};

struct kr_OffsetCommitResponse {
    int32_t Placeholder;
};

extern const struct kr_api kr_api_OffsetCommit;

#endif
