/* PLACEHOLDER sample LeaveGroup messages - being written. */
#include "samples.h"

void kr_sample_LeaveGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_LeaveGroupRequest *)msg)->Placeholder = 1;
}

void kr_sample_LeaveGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_LeaveGroupResponse *)msg)->Placeholder = 2;
}
