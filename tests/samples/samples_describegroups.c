/* PLACEHOLDER sample DescribeGroups messages - being written. */
#include "samples.h"

void kr_sample_DescribeGroupsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_DescribeGroupsRequest *)msg)->Placeholder = 1;
}

void kr_sample_DescribeGroupsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_DescribeGroupsResponse *)msg)->Placeholder = 2;
}
