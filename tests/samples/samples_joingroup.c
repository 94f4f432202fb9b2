/* PLACEHOLDER sample JoinGroup messages - being written. */
#include "samples.h"

void kr_sample_JoinGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_JoinGroupRequest *)msg)->Placeholder = 1;
}

void kr_sample_JoinGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_JoinGroupResponse *)msg)->Placeholder = 2;
}
