/* Sample LeaveGroup messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_LeaveGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_LeaveGroupRequest *m = msg;
    m->GroupId = kr_str_c("group-1");
    if (v <= 2) {
        m->MemberId = kr_str_c("member-1-0001");
        return;
    }
    KR_SAMPLE_ARRAY(a, m->Members, m->MembersCnt, 2);
    m->Members[0].MemberId = kr_str_c("member-1-0001");
    m->Members[0].GroupInstanceId = kr_str_c("instance-1");
    m->Members[0].Reason = kr_str_c(v >= 5 ? "the consumer is closing" : NULL);
    m->Members[1].MemberId = kr_str_c("member-2-0002");
    m->Members[1].GroupInstanceId = kr_str_c(NULL);
    m->Members[1].Reason = kr_str_c(NULL);
}

void kr_sample_LeaveGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_LeaveGroupResponse *m = msg;
    m->ThrottleTimeMs = v >= 1 ? 30 : 0;
    m->ErrorCode = 25; /* UNKNOWN_MEMBER_ID */
    if (v <= 2)
        return;
    KR_SAMPLE_ARRAY(a, m->Members, m->MembersCnt, 2);
    m->Members[0].MemberId = kr_str_c("member-1-0001");
    m->Members[0].GroupInstanceId = kr_str_c("instance-1");
    m->Members[0].ErrorCode = 0;
    m->Members[1].MemberId = kr_str_c("member-2-0002");
    m->Members[1].GroupInstanceId = kr_str_c(NULL);
    m->Members[1].ErrorCode = 25; /* UNKNOWN_MEMBER_ID */
}
