/* PLACEHOLDER sample ListOffsets messages - being written. */
#include "samples.h"

void kr_sample_ListOffsetsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ListOffsetsRequest *)msg)->Placeholder = 1;
}

void kr_sample_ListOffsetsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ListOffsetsResponse *)msg)->Placeholder = 2;
}
