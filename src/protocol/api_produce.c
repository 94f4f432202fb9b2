/* Produce (key 0), versions 3-13 (KIP-896 baseline 3), flexible from 9. */
#include "protocol/api_produce.h"

/* Name (v0-12) or TopicId (v13+). */
static size_t topic_key_min(const struct kr_io *io)
{
    return io->v <= 12 ? kr_io_str_min(io) : 16;
}

/* ---- request ---- */

static void partition_data_io(struct kr_io *io,
                              struct kr_PartitionProduceData *p)
{
    kr_io_i32(io, &p->Index);
    kr_io_records(io, &p->Records);
    kr_io_tags(io, NULL, p);
}

static void topic_data_io(struct kr_io *io, struct kr_TopicProduceData *t)
{
    if (io->v <= 12)
        kr_io_str(io, &t->Name, false);
    else
        kr_io_uuid(io, &t->TopicId);
    size_t min = 4 + kr_io_bytes_min(io) + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, t->PartitionData, t->PartitionDataCnt,
                                false, min);
    for (int32_t i = 0; i < n; i++)
        partition_data_io(io, &t->PartitionData[i]);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ProduceRequest *m = msg;
    kr_io_str(io, &m->TransactionalId, true);
    kr_io_i16(io, &m->Acks);
    kr_io_i32(io, &m->TimeoutMs);
    size_t min = topic_key_min(io) + kr_io_array_min(io) + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, m->TopicData, m->TopicDataCnt, false, min);
    for (int32_t i = 0; i < n; i++)
        topic_data_io(io, &m->TopicData[i]);
    kr_io_tags(io, NULL, m);
}

/* ---- response ---- */

static void record_error_io(struct kr_io *io,
                            struct kr_BatchIndexAndErrorMessage *e)
{
    kr_io_i32(io, &e->BatchIndex);
    kr_io_str(io, &e->BatchIndexErrorMessage, true);
    kr_io_tags(io, NULL, e);
}

static void leader_io(struct kr_io *io,
                      struct kr_ProduceResponseLeaderIdAndEpoch *l)
{
    kr_io_i32(io, &l->LeaderId);
    kr_io_i32(io, &l->LeaderEpoch);
    kr_io_tags(io, NULL, l);
}

/* Tag 0 CurrentLeader (v10+). */
static bool partition_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_PartitionProduceResponse *p = obj;
    if (tag != 0 || io->v < 10)
        return false;
    if (!kr_io_reading(io) && p->CurrentLeader.LeaderId == -1 &&
        p->CurrentLeader.LeaderEpoch == -1)
        return false;
    leader_io(io, &p->CurrentLeader);
    return true;
}

/* RecordErrors (v8+, KIP-467). */
static void record_errors_io(struct kr_io *io,
                             struct kr_PartitionProduceResponse *p)
{
    size_t min = 4 + kr_io_str_min(io) + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, p->RecordErrors, p->RecordErrorsCnt, false,
                                min);
    for (int32_t i = 0; i < n; i++)
        record_error_io(io, &p->RecordErrors[i]);
}

static void partition_response_io(struct kr_io *io,
                                   struct kr_PartitionProduceResponse *p)
{
    bool rd = kr_io_reading(io);
    kr_io_i32(io, &p->Index);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_i64(io, &p->BaseOffset);
    kr_io_i64(io, &p->LogAppendTimeMs); /* v2+: always at v3+ */
    if (io->v >= 5)
        kr_io_i64(io, &p->LogStartOffset);
    else if (rd)
        p->LogStartOffset = -1;
    if (io->v >= 8) {
        record_errors_io(io, p);
        kr_io_str(io, &p->ErrorMessage, true);
    } else if (rd) {
        p->ErrorMessage = (struct kr_str){NULL, -1};
    }
    if (rd) /* an absent tag means the default */
        p->CurrentLeader = (struct kr_ProduceResponseLeaderIdAndEpoch){-1, -1};
    kr_io_tags(io, partition_tag_io, p);
}

static size_t partition_response_min(const struct kr_io *io)
{
    size_t min = 4 + 2 + 8 + 8 + kr_io_tags_min(io);
    if (io->v >= 5)
        min += 8;
    if (io->v >= 8)
        min += kr_io_array_min(io) + kr_io_str_min(io);
    return min;
}

static void topic_response_io(struct kr_io *io,
                              struct kr_TopicProduceResponse *t)
{
    if (io->v <= 12)
        kr_io_str(io, &t->Name, false);
    else
        kr_io_uuid(io, &t->TopicId);
    int32_t n = KR_IO_ARRAY_MIN(io, t->PartitionResponses,
                                t->PartitionResponsesCnt, false,
                                partition_response_min(io));
    for (int32_t i = 0; i < n; i++)
        partition_response_io(io, &t->PartitionResponses[i]);
    kr_io_tags(io, NULL, t);
}

/* Tag 0 NodeEndpoints (v10+). */
static bool response_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_ProduceResponse *m = obj;
    if (tag != 0 || io->v < 10)
        return false;
    return kr_node_endpoints_io(io, &m->NodeEndpointsCnt, &m->NodeEndpoints);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ProduceResponse *m = msg;
    size_t min = topic_key_min(io) + kr_io_array_min(io) + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, m->Responses, m->ResponsesCnt, false, min);
    for (int32_t i = 0; i < n; i++)
        topic_response_io(io, &m->Responses[i]);
    kr_io_i32(io, &m->ThrottleTimeMs); /* v1+: always at v3+ */
    kr_io_tags(io, response_tag_io, m);
}

const struct kr_api kr_api_Produce = {
    .key = KR_API_Produce,
    .name = "Produce",
    .min_ver = 3,
    .max_ver = 13,
    .flex_ver = 9,
    .req_size = sizeof(struct kr_ProduceRequest),
    .resp_size = sizeof(struct kr_ProduceResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
