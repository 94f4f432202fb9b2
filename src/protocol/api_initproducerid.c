/* InitProducerId (key 22), versions 0-6, flexible from 2. Version 6 (KIP-939,
 * two-phase commit) is still marked unstable in Kafka 4.1. */
#include "protocol/api_initproducerid.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_InitProducerIdRequest *m = msg;
    kr_io_str(io, &m->TransactionalId, true);
    kr_io_i32(io, &m->TransactionTimeoutMs);
    if (io->v >= 3) {
        kr_io_i64(io, &m->ProducerId);
        kr_io_i16(io, &m->ProducerEpoch);
    } else if (kr_io_reading(io)) {
        m->ProducerId = -1;
        m->ProducerEpoch = -1;
    }
    if (io->v >= 6) {
        kr_io_bool(io, &m->Enable2Pc);
        kr_io_bool(io, &m->KeepPreparedTxn);
    }
    kr_io_tags(io, NULL, m);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_InitProducerIdResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    kr_io_i64(io, &m->ProducerId);
    kr_io_i16(io, &m->ProducerEpoch);
    if (io->v >= 6) {
        kr_io_i64(io, &m->OngoingTxnProducerId);
        kr_io_i16(io, &m->OngoingTxnProducerEpoch);
    } else if (kr_io_reading(io)) {
        m->OngoingTxnProducerId = -1;
        m->OngoingTxnProducerEpoch = -1;
    }
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_InitProducerId = {
    .key = KR_API_InitProducerId,
    .name = "InitProducerId",
    .min_ver = 0,
    .max_ver = 6,
    .flex_ver = 2,
    .req_size = sizeof(struct kr_InitProducerIdRequest),
    .resp_size = sizeof(struct kr_InitProducerIdResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
