/* PLACEHOLDER sample Metadata messages - being written. */
#include "samples.h"

void kr_sample_MetadataRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_MetadataRequest *)msg)->Placeholder = 1;
}

void kr_sample_MetadataResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_MetadataResponse *)msg)->Placeholder = 2;
}
