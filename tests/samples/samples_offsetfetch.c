/* PLACEHOLDER sample OffsetFetch messages - being written. */
#include "samples.h"

void kr_sample_OffsetFetchRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetFetchRequest *)msg)->Placeholder = 1;
}

void kr_sample_OffsetFetchResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_OffsetFetchResponse *)msg)->Placeholder = 2;
}
