/* PLACEHOLDER sample InitProducerId messages - being written. */
#include "samples.h"

void kr_sample_InitProducerIdRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_InitProducerIdRequest *)msg)->Placeholder = 1;
}

void kr_sample_InitProducerIdResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_InitProducerIdResponse *)msg)->Placeholder = 2;
}
