/* Sample ListGroups messages. Fields a version lacks hold their schema
 * default, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_ListGroupsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ListGroupsRequest *m = msg;
    if (v >= 4) {
        KR_SAMPLE_ARRAY(a, m->StatesFilter, m->StatesFilterCnt, 2);
        m->StatesFilter[0] = kr_str_c("Stable");
        m->StatesFilter[1] = kr_str_c("Empty");
    }
    if (v >= 5) {
        KR_SAMPLE_ARRAY(a, m->TypesFilter, m->TypesFilterCnt, 2);
        m->TypesFilter[0] = kr_str_c("consumer");
        m->TypesFilter[1] = kr_str_c("classic");
    }
}

void kr_sample_ListGroupsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ListGroupsResponse *m = msg;
    m->ThrottleTimeMs = v >= 1 ? 425 : 0;
    m->ErrorCode = 15; /* COORDINATOR_NOT_AVAILABLE */
    KR_SAMPLE_ARRAY(a, m->Groups, m->GroupsCnt, 2);
    m->Groups[0].GroupId = kr_str_c("group-lg-a");
    m->Groups[0].ProtocolType = kr_str_c("consumer");
    m->Groups[0].GroupState = kr_str_c(v >= 4 ? "Stable" : "");
    m->Groups[0].GroupType = kr_str_c(v >= 5 ? "consumer" : "");
    m->Groups[1].GroupId = kr_str_c("group-lg-b");
    m->Groups[1].ProtocolType = kr_str_c("");
    m->Groups[1].GroupState = kr_str_c(v >= 4 ? "Empty" : "");
    m->Groups[1].GroupType = kr_str_c(v >= 5 ? "classic" : "");
}
