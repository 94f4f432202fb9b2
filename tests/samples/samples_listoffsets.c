/* Sample ListOffsets messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_ListOffsetsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ListOffsetsRequest *m = msg;
    m->ReplicaId = -1; /* a consumer */
    m->IsolationLevel = v >= 2 ? 1 : 0; /* READ_COMMITTED */
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Name = kr_str_c("orders");
    m->Topics[1].Name = kr_str_c("payments");
    for (int i = 0; i < 2; i++) {
        struct kr_ListOffsetsTopic *t = &m->Topics[i];
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int j = 0; j < 2; j++) {
            t->Partitions[j].PartitionIndex = 10 * i + j;
            t->Partitions[j].CurrentLeaderEpoch = v >= 4 ? 7 + j : -1;
            /* latest, earliest, or a point in time */
            t->Partitions[j].Timestamp = j ? 1700000000123 : -2 + i;
        }
    }
    m->TimeoutMs = v >= 10 ? 30000 : 0;
}

void kr_sample_ListOffsetsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ListOffsetsResponse *m = msg;
    m->ThrottleTimeMs = v >= 2 ? 12 : 0;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Name = kr_str_c("orders");
    m->Topics[1].Name = kr_str_c("payments");
    for (int i = 0; i < 2; i++) {
        struct kr_ListOffsetsTopicResponse *t = &m->Topics[i];
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int j = 0; j < 2; j++) {
            struct kr_ListOffsetsPartitionResponse *p = &t->Partitions[j];
            p->PartitionIndex = 10 * i + j;
            p->ErrorCode = (int16_t)(j ? 74 : 0); /* FENCED_LEADER_EPOCH */
            p->Timestamp = 1700000000000 + j;
            p->Offset = 123456789012 + 1000 * i + j;
            p->LeaderEpoch = v >= 4 ? 7 + j : -1;
        }
    }
}
