/* PLACEHOLDER sample OffsetForLeaderEpoch messages - being written. */
#include "samples.h"

void kr_sample_OffsetForLeaderEpochRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetForLeaderEpochRequest *)msg)->Placeholder = 1;
}

void kr_sample_OffsetForLeaderEpochResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetForLeaderEpochResponse *)msg)->Placeholder = 2;
}
