/* PLACEHOLDER sample FindCoordinator messages - being written. */
#include "samples.h"

void kr_sample_FindCoordinatorRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_FindCoordinatorRequest *)msg)->Placeholder = 1;
}

void kr_sample_FindCoordinatorResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_FindCoordinatorResponse *)msg)->Placeholder = 2;
}
