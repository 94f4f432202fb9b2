/* PLACEHOLDER sample Produce messages - being written. */
#include "samples.h"

void kr_sample_ProduceRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ProduceRequest *)msg)->Placeholder = 1;
}

void kr_sample_ProduceResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ProduceResponse *)msg)->Placeholder = 2;
}
