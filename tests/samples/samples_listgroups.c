/* PLACEHOLDER sample ListGroups messages - being written. */
#include "samples.h"

void kr_sample_ListGroupsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ListGroupsRequest *)msg)->Placeholder = 1;
}

void kr_sample_ListGroupsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_ListGroupsResponse *)msg)->Placeholder = 2;
}
