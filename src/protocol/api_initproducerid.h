/* InitProducerId (key 22): InitProducerIdRequest.json /
 * InitProducerIdResponse.json. */
#ifndef KR_PROTOCOL_API_INITPRODUCERID_H
#define KR_PROTOCOL_API_INITPRODUCERID_H

#include "protocol/api.h"

struct kr_InitProducerIdRequest {
    struct kr_str TransactionalId; /* nullable */
    int32_t TransactionTimeoutMs;
    int64_t ProducerId;    /* v3+; default -1 */
    int16_t ProducerEpoch; /* v3+; default -1 */
    bool Enable2Pc;        /* v6+ (KIP-939) */
    bool KeepPreparedTxn;  /* v6+ (KIP-939) */
};

struct kr_InitProducerIdResponse {
    int32_t ThrottleTimeMs;
    int16_t ErrorCode;
    int64_t ProducerId; /* default -1 */
    int16_t ProducerEpoch;
    int64_t OngoingTxnProducerId;    /* v6+ (KIP-939); default -1 */
    int16_t OngoingTxnProducerEpoch; /* v6+ (KIP-939); default -1 */
};

extern const struct kr_api kr_api_InitProducerId;

#endif
