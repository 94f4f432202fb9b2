/* Sample SyncGroup messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

static const uint8_t assignment_a[] = {0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                                       0x00, 0x06, 'o',  'r',  'd',  'e',
                                       'r',  's',  0x00, 0x00, 0x00, 0x01,
                                       0x00, 0x00, 0x00, 0x02};
static const uint8_t assignment_b[] = {0xca, 0xfe};

void kr_sample_SyncGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_SyncGroupRequest *m = msg;
    m->GroupId = kr_str_c("group-1");
    m->GenerationId = 12;
    m->MemberId = kr_str_c("member-1-0001");
    m->GroupInstanceId = kr_str_c(v >= 3 ? "instance-1" : NULL);
    m->ProtocolType = kr_str_c(v >= 5 ? "consumer" : NULL);
    m->ProtocolName = kr_str_c(v >= 5 ? "range" : NULL);
    KR_SAMPLE_ARRAY(a, m->Assignments, m->AssignmentsCnt, 2);
    m->Assignments[0].MemberId = kr_str_c("member-1-0001");
    m->Assignments[0].Assignment =
        (struct kr_bytes){assignment_a, (int32_t)sizeof assignment_a};
    m->Assignments[1].MemberId = kr_str_c("member-2-0002");
    m->Assignments[1].Assignment =
        (struct kr_bytes){assignment_b, (int32_t)sizeof assignment_b};
}

void kr_sample_SyncGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_SyncGroupResponse *m = msg;
    (void)a;
    m->ThrottleTimeMs = v >= 1 ? 75 : 0;
    m->ErrorCode = 27; /* REBALANCE_IN_PROGRESS */
    m->ProtocolType = kr_str_c(v >= 5 ? "consumer" : NULL);
    m->ProtocolName = kr_str_c(v >= 5 ? "range" : NULL);
    m->Assignment =
        (struct kr_bytes){assignment_a, (int32_t)sizeof assignment_a};
}
