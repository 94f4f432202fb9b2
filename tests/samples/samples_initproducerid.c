/* Sample InitProducerId messages. */
#include "samples.h"

void kr_sample_InitProducerIdRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_InitProducerIdRequest *m = msg;
    (void)a;
    m->TransactionalId = kr_str_c("txn-orders");
    m->TransactionTimeoutMs = 60000;
    m->ProducerId = v >= 3 ? 4242 : -1;
    m->ProducerEpoch = v >= 3 ? 3 : -1;
    m->Enable2Pc = v >= 6;
    m->KeepPreparedTxn = v >= 6;
}

void kr_sample_InitProducerIdResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_InitProducerIdResponse *m = msg;
    (void)a;
    m->ThrottleTimeMs = 125;
    m->ErrorCode = 51; /* CONCURRENT_TRANSACTIONS */
    m->ProducerId = 0x0102030405060708;
    m->ProducerEpoch = 9;
    m->OngoingTxnProducerId = v >= 6 ? 777 : -1;
    m->OngoingTxnProducerEpoch = v >= 6 ? 5 : -1;
}
