/* PLACEHOLDER sample Fetch messages - being written. */
#include "samples.h"

void kr_sample_FetchRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_FetchRequest *)msg)->Placeholder = 1;
}

void kr_sample_FetchResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_FetchResponse *)msg)->Placeholder = 2;
}
