/* PLACEHOLDER sample OffsetCommit messages - being written. */
#include "samples.h"

void kr_sample_OffsetCommitRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetCommitRequest *)msg)->Placeholder = 1;
}

void kr_sample_OffsetCommitResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetCommitResponse *)msg)->Placeholder = 2;
}
