/* Sample CreatePartitions messages. */
#include "samples.h"

void kr_sample_CreatePartitionsRequest(int16_t v, void *msg,
                                       struct kr_arena *a)
{
    (void)v;
    struct kr_CreatePartitionsRequest *m = msg;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Name = kr_str_c("orders");
    m->Topics[0].Count = 12;
    m->Topics[0].AssignmentsCnt = -1; /* the broker places them */
    m->Topics[1].Name = kr_str_c("payments");
    m->Topics[1].Count = 4;
    KR_SAMPLE_ARRAY(a, m->Topics[1].Assignments, m->Topics[1].AssignmentsCnt,
                    2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_CreatePartitionsAssignment *as =
            &m->Topics[1].Assignments[i];
        KR_SAMPLE_ARRAY(a, as->BrokerIds, as->BrokerIdsCnt, 2);
        as->BrokerIds[0] = 1 + i;
        as->BrokerIds[1] = 3;
    }
    m->TimeoutMs = 30000;
    m->ValidateOnly = true;
}

void kr_sample_CreatePartitionsResponse(int16_t v, void *msg,
                                        struct kr_arena *a)
{
    (void)v;
    struct kr_CreatePartitionsResponse *m = msg;
    m->ThrottleTimeMs = 7;
    KR_SAMPLE_ARRAY(a, m->Results, m->ResultsCnt, 2);
    m->Results[0].Name = kr_str_c("orders");
    m->Results[0].ErrorMessage = kr_str_c(NULL);
    m->Results[1].Name = kr_str_c("payments");
    m->Results[1].ErrorCode = 37; /* INVALID_PARTITIONS */
    m->Results[1].ErrorMessage =
        kr_str_c("Topic currently has 4 partitions, which is higher than "
                 "the requested 3.");
}
