/* Sample DescribeGroups messages. Fields a version lacks hold their schema
 * default, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_DescribeGroupsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_DescribeGroupsRequest *m = msg;
    KR_SAMPLE_ARRAY(a, m->Groups, m->GroupsCnt, 2);
    m->Groups[0] = kr_str_c("group-dg-a");
    m->Groups[1] = kr_str_c("group-dg-b");
    m->IncludeAuthorizedOperations = v >= 3;
}

static void fill_member(int16_t v, struct kr_DescribedGroupMember *mb,
                        int32_t i, bool null_instance)
{
    static const uint8_t metadata[] = {0x00, 0x03, 0xAA, 0xBB};
    static const uint8_t assignment[] = {0x00, 0x03, 0xCC};
    static const char *const ids[] = {"member-dg-0", "member-dg-1"};
    mb->MemberId = kr_str_c(ids[i & 1]);
    mb->GroupInstanceId =
        kr_str_c(v >= 4 && !null_instance ? "instance-dg" : NULL);
    mb->ClientId = kr_str_c("client-dg");
    mb->ClientHost = kr_str_c("/10.0.0.7");
    mb->MemberMetadata = (struct kr_bytes){metadata, sizeof metadata};
    mb->MemberAssignment = (struct kr_bytes){assignment, sizeof assignment};
}

static void fill_group(int16_t v, struct kr_DescribedGroup *g, int32_t i,
                       struct kr_arena *a)
{
    static const char *const ids[] = {"group-dg-a", "group-dg-b"};
    g->ErrorCode = (int16_t)(i == 0 ? 15 : 30);
    /* the second group exercises the null ErrorMessage path */
    g->ErrorMessage = kr_str_c(v >= 6 && i == 0 ? "describe failed" : NULL);
    g->GroupId = kr_str_c(ids[i & 1]);
    g->GroupState = kr_str_c("Stable");
    g->ProtocolType = kr_str_c("consumer");
    g->ProtocolData = kr_str_c("range");
    KR_SAMPLE_ARRAY(a, g->Members, g->MembersCnt, 2);
    fill_member(v, &g->Members[0], 0, false);
    fill_member(v, &g->Members[1], 1, true);
    g->AuthorizedOperations = v >= 3 ? 0x0F8 : INT32_MIN;
}

void kr_sample_DescribeGroupsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_DescribeGroupsResponse *m = msg;
    m->ThrottleTimeMs = v >= 1 ? 325 : 0;
    KR_SAMPLE_ARRAY(a, m->Groups, m->GroupsCnt, 2);
    fill_group(v, &m->Groups[0], 0, a);
    fill_group(v, &m->Groups[1], 1, a);
}
