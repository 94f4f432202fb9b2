/* Sample OffsetCommit messages. Fields a version lacks hold their schema
 * default, so a decoded sample equals the filled one field by field. */
#include "samples.h"

static struct kr_uuid sample_uuid(uint8_t base)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(base + i);
    return u;
}

static void fill_req_topic(int16_t v, struct kr_OffsetCommitRequestTopic *t,
                           const char *name, int32_t seed, struct kr_arena *a)
{
    t->Name = kr_str_c(v <= 9 ? name : "");
    if (v >= 10)
        t->TopicId = sample_uuid((uint8_t)(0x10 * seed));
    KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_OffsetCommitRequestPartition *p = &t->Partitions[i];
        p->PartitionIndex = seed * 10 + i;
        p->CommittedOffset = 1000000007LL * seed + i;
        p->CommittedLeaderEpoch = v >= 6 ? 40 + seed + i : -1;
        /* the second partition exercises the null metadata path */
        p->CommittedMetadata = kr_str_c(i == 0 ? "meta-data" : NULL);
    }
}

void kr_sample_OffsetCommitRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_OffsetCommitRequest *m = msg;
    m->GroupId = kr_str_c("group-oc");
    m->GenerationIdOrMemberEpoch = 17;
    m->MemberId = kr_str_c("member-oc-1");
    m->GroupInstanceId = kr_str_c(v >= 7 ? "instance-oc" : NULL);
    m->RetentionTimeMs = v <= 4 ? 86400000 : -1;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    fill_req_topic(v, &m->Topics[0], "orders", 1, a);
    fill_req_topic(v, &m->Topics[1], "payments", 2, a);
}

void kr_sample_OffsetCommitResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_OffsetCommitResponse *m = msg;
    static const char *const names[] = {"orders", "payments"};
    m->ThrottleTimeMs = v >= 3 ? 125 : 0;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_OffsetCommitResponseTopic *t = &m->Topics[i];
        t->Name = kr_str_c(v <= 9 ? names[i] : "");
        if (v >= 10)
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        t->Partitions[0].PartitionIndex = 10 * (i + 1);
        t->Partitions[0].ErrorCode = 22; /* ILLEGAL_GENERATION */
        t->Partitions[1].PartitionIndex = 10 * (i + 1) + 1;
        t->Partitions[1].ErrorCode = 25; /* UNKNOWN_MEMBER_ID */
    }
}
