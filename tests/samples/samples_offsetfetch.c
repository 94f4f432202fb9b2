/* Sample OffsetFetch messages. Fields a version lacks hold their schema
 * default, so a decoded sample equals the filled one field by field. */
#include "samples.h"

static struct kr_uuid sample_uuid(uint8_t base)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(base + i);
    return u;
}

static void fill_indexes(int32_t **idx, int32_t *cnt, int32_t seed,
                         struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, *idx, *cnt, 3);
    for (int32_t i = 0; i < 3; i++)
        (*idx)[i] = seed * 10 + i;
}

/* v0-7: one group. */
static void fill_req_v0(int16_t v, struct kr_OffsetFetchRequest *m,
                        struct kr_arena *a)
{
    static const char *const names[] = {"orders", "payments"};
    (void)v;
    m->GroupId = kr_str_c("group-of");
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        m->Topics[i].Name = kr_str_c(names[i]);
        fill_indexes(&m->Topics[i].PartitionIndexes,
                     &m->Topics[i].PartitionIndexesCnt, i + 1, a);
    }
}

/* v8+: a batch of groups; the second asks for all topics (null). */
static void fill_req_groups(int16_t v, struct kr_OffsetFetchRequest *m,
                            struct kr_arena *a)
{
    static const char *const names[] = {"orders", "payments"};
    KR_SAMPLE_ARRAY(a, m->Groups, m->GroupsCnt, 2);
    struct kr_OffsetFetchRequestGroup *g = &m->Groups[0];
    g->GroupId = kr_str_c("group-of-a");
    g->MemberId = kr_str_c(v >= 9 ? "member-of-a" : NULL);
    g->MemberEpoch = v >= 9 ? 12 : -1;
    KR_SAMPLE_ARRAY(a, g->Topics, g->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_OffsetFetchRequestTopics *t = &g->Topics[i];
        t->Name = kr_str_c(v <= 9 ? names[i] : "");
        if (v >= 10)
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        fill_indexes(&t->PartitionIndexes, &t->PartitionIndexesCnt, i + 1,
                     a);
    }
    g = &m->Groups[1];
    g->GroupId = kr_str_c("group-of-b");
    g->MemberId = kr_str_c(NULL);
    g->MemberEpoch = v >= 9 ? 13 : -1;
    g->TopicsCnt = -1;
}

void kr_sample_OffsetFetchRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_OffsetFetchRequest *m = msg;
    if (v <= 7)
        fill_req_v0(v, m, a);
    else
        fill_req_groups(v, m, a);
    m->RequireStable = v >= 7;
}

static void fill_resp_v0(int16_t v, struct kr_OffsetFetchResponse *m,
                         struct kr_arena *a)
{
    static const char *const names[] = {"orders", "payments"};
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_OffsetFetchResponseTopic *t = &m->Topics[i];
        t->Name = kr_str_c(names[i]);
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int32_t j = 0; j < 2; j++) {
            struct kr_OffsetFetchResponsePartition *p = &t->Partitions[j];
            p->PartitionIndex = 10 * (i + 1) + j;
            p->CommittedOffset = 5000000011LL * (i + 1) + j;
            p->CommittedLeaderEpoch = v >= 5 ? 30 + j : -1;
            p->Metadata = kr_str_c(j == 0 ? "meta-of" : NULL);
            p->ErrorCode = (int16_t)(j == 0 ? 14 : 88);
        }
    }
    m->ErrorCode = (int16_t)(v >= 2 ? 15 : 0); /* COORDINATOR_NOT_AVAILABLE */
}

static void fill_resp_topics(int16_t v, struct kr_OffsetFetchResponseGroup *g,
                             int32_t seed, struct kr_arena *a)
{
    static const char *const names[] = {"orders", "payments"};
    KR_SAMPLE_ARRAY(a, g->Topics, g->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_OffsetFetchResponseTopics *t = &g->Topics[i];
        t->Name = kr_str_c(v <= 9 ? names[i] : "");
        if (v >= 10)
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1) + seed));
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int32_t j = 0; j < 2; j++) {
            struct kr_OffsetFetchResponsePartitions *p = &t->Partitions[j];
            p->PartitionIndex = 100 * seed + 10 * i + j;
            p->CommittedOffset = 7000000019LL * seed + j;
            p->CommittedLeaderEpoch = 50 + j;
            p->Metadata = kr_str_c(j == 0 ? "meta-of" : NULL);
            p->ErrorCode = (int16_t)(j == 0 ? 14 : 88);
        }
    }
}

void kr_sample_OffsetFetchResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_OffsetFetchResponse *m = msg;
    m->ThrottleTimeMs = v >= 3 ? 225 : 0;
    if (v <= 7) {
        fill_resp_v0(v, m, a);
        return;
    }
    KR_SAMPLE_ARRAY(a, m->Groups, m->GroupsCnt, 2);
    m->Groups[0].GroupId = kr_str_c("group-of-a");
    fill_resp_topics(v, &m->Groups[0], 1, a);
    m->Groups[0].ErrorCode = 16; /* NOT_COORDINATOR */
    m->Groups[1].GroupId = kr_str_c("group-of-b");
    fill_resp_topics(v, &m->Groups[1], 2, a);
    m->Groups[1].ErrorCode = 69; /* GROUP_ID_NOT_FOUND */
}
