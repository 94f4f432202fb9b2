/* PLACEHOLDER sample DeleteTopics messages - being written. */
#include "samples.h"

void kr_sample_DeleteTopicsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_DeleteTopicsRequest *)msg)->Placeholder = 1;
}

void kr_sample_DeleteTopicsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_DeleteTopicsResponse *)msg)->Placeholder = 2;
}
