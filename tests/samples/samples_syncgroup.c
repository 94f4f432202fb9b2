/* PLACEHOLDER sample SyncGroup messages - being written. */
#include "samples.h"

void kr_sample_SyncGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SyncGroupRequest *)msg)->Placeholder = 1;
}

void kr_sample_SyncGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SyncGroupResponse *)msg)->Placeholder = 2;
}
