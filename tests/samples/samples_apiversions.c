/* PLACEHOLDER sample ApiVersions messages - being written. */
#include "samples.h"

void kr_sample_ApiVersionsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ApiVersionsRequest *)msg)->Placeholder = 1;
}

void kr_sample_ApiVersionsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ApiVersionsResponse *)msg)->Placeholder = 2;
}
