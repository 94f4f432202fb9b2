/* Sample OffsetForLeaderEpoch messages. Fields a version lacks keep their
 * schema defaults, so a decoded sample equals the filled one field by
 * field. */
#include "samples.h"

void kr_sample_OffsetForLeaderEpochRequest(int16_t v, void *msg,
                                           struct kr_arena *a)
{
    struct kr_OffsetForLeaderEpochRequest *m = msg;
    m->ReplicaId = v >= 3 ? -1 : -2; /* a consumer; v2 default -2 */
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Topic = kr_str_c("orders");
    m->Topics[1].Topic = kr_str_c("payments");
    for (int i = 0; i < 2; i++) {
        struct kr_OffsetForLeaderTopic *t = &m->Topics[i];
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int j = 0; j < 2; j++) {
            t->Partitions[j].Partition = 10 * i + j;
            t->Partitions[j].CurrentLeaderEpoch = 20 + j;
            t->Partitions[j].LeaderEpoch = 15 + j;
        }
    }
}

void kr_sample_OffsetForLeaderEpochResponse(int16_t v, void *msg,
                                            struct kr_arena *a)
{
    struct kr_OffsetForLeaderEpochResponse *m = msg;
    (void)v;
    m->ThrottleTimeMs = 44;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Topic = kr_str_c("orders");
    m->Topics[1].Topic = kr_str_c("payments");
    for (int i = 0; i < 2; i++) {
        struct kr_OffsetForLeaderTopicResult *t = &m->Topics[i];
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int j = 0; j < 2; j++) {
            struct kr_EpochEndOffset *p = &t->Partitions[j];
            p->ErrorCode = (int16_t)(j ? 75 : 0); /* UNKNOWN_LEADER_EPOCH */
            p->Partition = 10 * i + j;
            p->LeaderEpoch = 15 + j;
            p->EndOffset = 98765432100 + 1000 * i + j;
        }
    }
}
