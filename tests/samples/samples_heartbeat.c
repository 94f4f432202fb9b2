/* Sample Heartbeat messages. */
#include "samples.h"

void kr_sample_HeartbeatRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_HeartbeatRequest *m = msg;
    (void)a;
    m->GroupId = kr_str_c("group-1");
    m->GenerationId = 7;
    m->MemberId = kr_str_c("member-abc");
    m->GroupInstanceId = kr_str_c(v >= 3 ? "instance-1" : NULL);
}

void kr_sample_HeartbeatResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_HeartbeatResponse *m = msg;
    (void)a;
    m->ThrottleTimeMs = v >= 1 ? 250 : 0;
    m->ErrorCode = 27; /* REBALANCE_IN_PROGRESS */
}
