/* Sample Produce messages (every field of the version set, see samples.h). */
#include "samples.h"

/* Opaque stand-ins for RecordBatches: the codec never looks inside. */
static const uint8_t batch_a[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                  0x05, 0xca, 0xfe, 0xba, 0xbe};
static const uint8_t batch_b[] = {0x01, 0x02, 0x03};

static struct kr_uuid sample_uuid(uint8_t seed)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(seed + i);
    return u;
}

static void sample_partitions(struct kr_TopicProduceData *t,
                              struct kr_arena *a, int32_t base)
{
    KR_SAMPLE_ARRAY(a, t->PartitionData, t->PartitionDataCnt, 2);
    t->PartitionData[0].Index = base;
    t->PartitionData[0].Records = (struct kr_bytes){batch_a, sizeof batch_a};
    t->PartitionData[1].Index = base + 1;
    t->PartitionData[1].Records = (struct kr_bytes){NULL, -1}; /* null */
}

void kr_sample_ProduceRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ProduceRequest *m = msg;
    m->TransactionalId = kr_str_c("txn-orders-1");
    m->Acks = -1;
    m->TimeoutMs = 30000;
    KR_SAMPLE_ARRAY(a, m->TopicData, m->TopicDataCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_TopicProduceData *t = &m->TopicData[i];
        if (v <= 12)
            t->Name = kr_str_c(i == 0 ? "orders" : "payments");
        else
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        sample_partitions(t, a, 4 * i);
    }
    m->TopicData[1].PartitionData[0].Records =
        (struct kr_bytes){batch_b, sizeof batch_b};
}

static void sample_record_errors(struct kr_PartitionProduceResponse *p,
                                 struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, p->RecordErrors, p->RecordErrorsCnt, 2);
    p->RecordErrors[0].BatchIndex = 3;
    p->RecordErrors[0].BatchIndexErrorMessage = kr_str_c("bad timestamp");
    p->RecordErrors[1].BatchIndex = 9;
    p->RecordErrors[1].BatchIndexErrorMessage = kr_str_c(NULL);
}

/* Partition @i of a topic: the first has every optional field set, the
 * second keeps the defaults of the nullable and tagged fields. */
static void sample_partition_response(int16_t v,
                                      struct kr_PartitionProduceResponse *p,
                                      int32_t i, struct kr_arena *a)
{
    p->Index = i;
    p->ErrorCode = (int16_t)(i % 2 ? 0 : 6); /* NOT_LEADER_OR_FOLLOWER */
    p->BaseOffset = 1000 + i;
    p->LogAppendTimeMs = 1700000000000 + i;
    p->LogStartOffset = v >= 5 ? 40 + i : -1;
    p->ErrorMessage = kr_str_c(NULL);
    p->CurrentLeader = (struct kr_ProduceResponseLeaderIdAndEpoch){-1, -1};
    if (v >= 8 && i % 2 == 0) {
        sample_record_errors(p, a);
        p->ErrorMessage = kr_str_c("batch dropped");
    }
    if (v >= 10 && i % 2 == 0)
        p->CurrentLeader = (struct kr_ProduceResponseLeaderIdAndEpoch){2, 17};
}

static void sample_node_endpoints(struct kr_ProduceResponse *m,
                                  struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->NodeEndpoints, m->NodeEndpointsCnt, 2);
    m->NodeEndpoints[0] = (struct kr_NodeEndpoint){
        2, kr_str_c("broker-2.example"), 9092, kr_str_c("rack-b")};
    m->NodeEndpoints[1] = (struct kr_NodeEndpoint){
        3, kr_str_c("broker-3.example"), 9093, kr_str_c(NULL)};
}

void kr_sample_ProduceResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ProduceResponse *m = msg;
    KR_SAMPLE_ARRAY(a, m->Responses, m->ResponsesCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_TopicProduceResponse *t = &m->Responses[i];
        if (v <= 12)
            t->Name = kr_str_c(i == 0 ? "orders" : "payments");
        else
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        KR_SAMPLE_ARRAY(a, t->PartitionResponses, t->PartitionResponsesCnt,
                        2);
        for (int32_t j = 0; j < 2; j++)
            sample_partition_response(v, &t->PartitionResponses[j],
                                      2 * i + j, a);
    }
    m->ThrottleTimeMs = 150;
    if (v >= 10)
        sample_node_endpoints(m, a);
}
