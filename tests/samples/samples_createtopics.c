/* PLACEHOLDER sample CreateTopics messages - being written. */
#include "samples.h"

void kr_sample_CreateTopicsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_CreateTopicsRequest *)msg)->Placeholder = 1;
}

void kr_sample_CreateTopicsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_CreateTopicsResponse *)msg)->Placeholder = 2;
}
