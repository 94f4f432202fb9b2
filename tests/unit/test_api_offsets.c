/*
 * OffsetCommit (8), OffsetFetch (9), DescribeGroups (15) and ListGroups (16):
 * known-answer byte vectors written by hand from Kafka's JSON schemas, the
 * samples decoded field by field at every supported version, and hostile
 * array counts refused before anything is allocated.
 */
#include "codec_check.h"
#include "kt_check.h"

/* At most the arena's first (small) chunk: the outer array of a nested
 * hostile count may be allocated, the huge inner one must not be. */
#define ONE_CHUNK_MAX 8192

/* ---- helpers ---- */

/* Fills the sample of @api at @v into *want, encodes it and decodes the
 * bytes into *got. Everything lives in @a and @b (the decoded strings are
 * views into @b). */
static void sample_roundtrip(const struct kr_api *api, int16_t v, bool resp,
                             struct kr_arena *a, struct kr_buf *b,
                             void **want, void **got)
{
    size_t size = resp ? api->resp_size : api->req_size;
    const struct kr_sample *s = kr_sample_find(api->key);
    *want = kr_arena_alloc(a, size);
    *got = kr_arena_alloc(a, size);
    ck_assert_ptr_nonnull(*want);
    ck_assert_ptr_nonnull(*got);
    (resp ? s->resp : s->req)(v, *want, a);
    ck_assert_int_eq(kr_msg_write(b, api, v, resp, *want), KRAFKA_ERR_NONE);
    expect_decode(api, v, resp, b->data, b->len, a, *got);
}

#define UUID_1_TO_16                                                           \
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C,    \
        0x0D, 0x0E, 0x0F, 0x10

/* ---- OffsetCommit ---- */

START_TEST(offset_commit_request_v2_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x01, 'g',                                /* GroupId */
        0x00, 0x00, 0x00, 0x05,                         /* GenerationId.. */
        0x00, 0x01, 'm',                                /* MemberId */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xEA, 0x60, /* RetentionTimeMs */
        0x00, 0x00, 0x00, 0x01,                         /* Topics: 1 */
        0x00, 0x01, 't',                                /* Name */
        0x00, 0x00, 0x00, 0x01,                         /* Partitions: 1 */
        0x00, 0x00, 0x00, 0x03,                         /* PartitionIndex */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, /* CommittedOffset */
        0xFF, 0xFF, /* CommittedMetadata: null */
    };
    struct kr_OffsetCommitRequestPartition p = {
        .PartitionIndex = 3, .CommittedOffset = 258,
        .CommittedLeaderEpoch = -1, .CommittedMetadata = {NULL, -1}};
    struct kr_OffsetCommitRequestTopic t = {
        .Name = kr_str_c("t"), .PartitionsCnt = 1, .Partitions = &p};
    struct kr_OffsetCommitRequest m = {
        .GroupId = kr_str_c("g"), .GenerationIdOrMemberEpoch = 5,
        .MemberId = kr_str_c("m"), .GroupInstanceId = {NULL, -1},
        .RetentionTimeMs = 60000, .TopicsCnt = 1, .Topics = &t};
    expect_encode(&kr_api_OffsetCommit, 2, false, &m, expected,
                  sizeof expected);

    struct kr_arena a;
    struct kr_OffsetCommitRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetCommit, 2, false, expected, sizeof expected, &a,
                  &d);
    ck_assert(kr_str_eq(d.GroupId, "g"));
    ck_assert_int_eq(d.GenerationIdOrMemberEpoch, 5);
    ck_assert(kr_str_eq(d.MemberId, "m"));
    ck_assert_int_eq(d.GroupInstanceId.len, -1); /* v7+: default null */
    ck_assert_int_eq(d.RetentionTimeMs, 60000);
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert(kr_str_eq(d.Topics[0].Name, "t"));
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 1);
    ck_assert_int_eq(d.Topics[0].Partitions[0].PartitionIndex, 3);
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedOffset, 258);
    /* v6+: default -1 */
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedLeaderEpoch, -1);
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedMetadata.len, -1);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_commit_request_v10_is_compact_and_names_topics_by_id)
{
    static const uint8_t expected[] = {
        0x02, 'g',              /* GroupId */
        0x00, 0x00, 0x00, 0x05, /* GenerationIdOrMemberEpoch */
        0x02, 'm',              /* MemberId */
        0x02, 'i',              /* GroupInstanceId */
        0x02,                   /* Topics: 1 (compact N+1) */
        UUID_1_TO_16,           /* TopicId (no Name in v10) */
        0x02,                   /* Partitions: 1 */
        0x00, 0x00, 0x00, 0x03, /* PartitionIndex */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, /* CommittedOffset */
        0x00, 0x00, 0x00, 0x07, /* CommittedLeaderEpoch */
        0x02, 'x',              /* CommittedMetadata */
        0x00,                   /* partition tags */
        0x00,                   /* topic tags */
        0x00,                   /* request tags */
    };
    struct kr_OffsetCommitRequestPartition p = {
        .PartitionIndex = 3, .CommittedOffset = 258,
        .CommittedLeaderEpoch = 7, .CommittedMetadata = kr_str_c("x")};
    struct kr_OffsetCommitRequestTopic t = {
        .TopicId = uuid_seq(1), .PartitionsCnt = 1, .Partitions = &p};
    struct kr_OffsetCommitRequest m = {
        .GroupId = kr_str_c("g"), .GenerationIdOrMemberEpoch = 5,
        .MemberId = kr_str_c("m"), .GroupInstanceId = kr_str_c("i"),
        .RetentionTimeMs = -1, .TopicsCnt = 1, .Topics = &t};
    expect_encode(&kr_api_OffsetCommit, 10, false, &m, expected,
                  sizeof expected);

    struct kr_arena a;
    struct kr_OffsetCommitRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetCommit, 10, false, expected, sizeof expected,
                  &a, &d);
    ck_assert(kr_str_eq(d.GroupInstanceId, "i"));
    ck_assert_int_eq(d.RetentionTimeMs, -1); /* v2-4 only: default -1 */
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert_int_eq(d.Topics[0].Name.len, 0); /* v0-9 only */
    ck_uuid(d.Topics[0].TopicId, uuid_seq(1));
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedLeaderEpoch, 7);
    ck_assert(kr_str_eq(d.Topics[0].Partitions[0].CommittedMetadata, "x"));
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_commit_response_v10_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x10, /* ThrottleTimeMs */
        0x02,                   /* Topics: 1 */
        UUID_1_TO_16,           /* TopicId */
        0x02,                   /* Partitions: 1 */
        0x00, 0x00, 0x00, 0x03, /* PartitionIndex */
        0x00, 0x19,             /* ErrorCode UNKNOWN_MEMBER_ID */
        0x00,                   /* partition tags */
        0x00,                   /* topic tags */
        0x00,                   /* response tags */
    };
    struct kr_OffsetCommitResponsePartition p = {3, 25};
    struct kr_OffsetCommitResponseTopic t = {
        .TopicId = uuid_seq(1), .PartitionsCnt = 1, .Partitions = &p};
    struct kr_OffsetCommitResponse m = {16, 1, &t};
    expect_encode(&kr_api_OffsetCommit, 10, true, &m, expected,
                  sizeof expected);

    struct kr_arena a;
    struct kr_OffsetCommitResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetCommit, 10, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.ThrottleTimeMs, 16);
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_uuid(d.Topics[0].TopicId, uuid_seq(1));
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 1);
    ck_assert_int_eq(d.Topics[0].Partitions[0].PartitionIndex, 3);
    ck_assert_int_eq(d.Topics[0].Partitions[0].ErrorCode, 25);
    kr_arena_destroy(&a);
}
END_TEST

static void check_oc_req_topic(const struct kr_OffsetCommitRequestTopic *g,
                               const struct kr_OffsetCommitRequestTopic *w)
{
    ck_str(g->Name, w->Name);
    ck_uuid(g->TopicId, w->TopicId);
    ck_assert_int_eq(g->PartitionsCnt, w->PartitionsCnt);
    for (int32_t i = 0; i < w->PartitionsCnt; i++) {
        const struct kr_OffsetCommitRequestPartition *gp = &g->Partitions[i];
        const struct kr_OffsetCommitRequestPartition *wp = &w->Partitions[i];
        ck_assert_int_eq(gp->PartitionIndex, wp->PartitionIndex);
        ck_assert_int_eq(gp->CommittedOffset, wp->CommittedOffset);
        ck_assert_int_eq(gp->CommittedLeaderEpoch, wp->CommittedLeaderEpoch);
        ck_str(gp->CommittedMetadata, wp->CommittedMetadata);
    }
}

static void check_oc_req(const struct kr_OffsetCommitRequest *g,
                         const struct kr_OffsetCommitRequest *w)
{
    ck_str(g->GroupId, w->GroupId);
    ck_assert_int_eq(g->GenerationIdOrMemberEpoch,
                     w->GenerationIdOrMemberEpoch);
    ck_str(g->MemberId, w->MemberId);
    ck_str(g->GroupInstanceId, w->GroupInstanceId);
    ck_assert_int_eq(g->RetentionTimeMs, w->RetentionTimeMs);
    ck_assert_int_eq(g->TopicsCnt, w->TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++)
        check_oc_req_topic(&g->Topics[i], &w->Topics[i]);
}

static void check_oc_resp(const struct kr_OffsetCommitResponse *g,
                          const struct kr_OffsetCommitResponse *w)
{
    ck_assert_int_eq(g->ThrottleTimeMs, w->ThrottleTimeMs);
    ck_assert_int_eq(g->TopicsCnt, w->TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++) {
        const struct kr_OffsetCommitResponseTopic *gt = &g->Topics[i];
        const struct kr_OffsetCommitResponseTopic *wt = &w->Topics[i];
        ck_str(gt->Name, wt->Name);
        ck_uuid(gt->TopicId, wt->TopicId);
        ck_assert_int_eq(gt->PartitionsCnt, wt->PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++) {
            ck_assert_int_eq(gt->Partitions[j].PartitionIndex,
                             wt->Partitions[j].PartitionIndex);
            ck_assert_int_eq(gt->Partitions[j].ErrorCode,
                             wt->Partitions[j].ErrorCode);
        }
    }
}

START_TEST(offset_commit_samples_decode_field_by_field_at_every_version)
{
    const struct kr_api *api = &kr_api_OffsetCommit;
    ck_assert_int_eq(api->min_ver, 2);
    ck_assert_int_eq(api->max_ver, 10);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf b1, b2;
        void *want, *got;
        kr_arena_init(&a, 0);
        kr_buf_init(&b1, 0);
        kr_buf_init(&b2, 0);
        sample_roundtrip(api, v, false, &a, &b1, &want, &got);
        check_oc_req(got, want);
        sample_roundtrip(api, v, true, &a, &b2, &want, &got);
        check_oc_resp(got, want);
        kr_buf_free(&b1);
        kr_buf_free(&b2);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(offset_commit_response_huge_counts_are_bad_msg_before_allocating)
{
    /* v2: Topics count 0x7fffffff with 4 bytes left */
    static const uint8_t top_v2[] = {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
    /* v8: ThrottleTimeMs, compact Topics count 0x7fffffff (N+1 varint) */
    static const uint8_t top_v8[] = {0, 0, 0, 0, 0x80, 0x80, 0x80,
                                     0x80, 0x08, 0, 0};
    /* v2: one topic "t" whose Partitions count is 0x7fffffff */
    static const uint8_t nested_v2[] = {0, 0, 0, 1, 0, 1, 't',
                                        0x7F, 0xFF, 0xFF, 0xFF, 0, 0};
    expect_bad_msg(&kr_api_OffsetCommit, 2, top_v2, sizeof top_v2, 0);
    expect_bad_msg(&kr_api_OffsetCommit, 8, top_v8, sizeof top_v8, 0);
    expect_bad_msg(&kr_api_OffsetCommit, 2, nested_v2, sizeof nested_v2,
                   ONE_CHUNK_MAX);
}
END_TEST

/* ---- OffsetFetch ---- */

START_TEST(offset_fetch_request_v1_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x01, 'g',        /* GroupId */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /* Name */
        0x00, 0x00, 0x00, 0x02, /* PartitionIndexes: 2 */
        0x00, 0x00, 0x00, 0x00, /* [0] */
        0x00, 0x00, 0x00, 0x02, /* [1] */
    };
    int32_t idx[] = {0, 2};
    struct kr_OffsetFetchRequestTopic t = {kr_str_c("t"), 2, idx};
    struct kr_OffsetFetchRequest m = {
        .GroupId = kr_str_c("g"), .TopicsCnt = 1, .Topics = &t};
    expect_encode(&kr_api_OffsetFetch, 1, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_OffsetFetchRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetFetch, 1, false, expected, sizeof expected, &a,
                  &d);
    ck_assert(kr_str_eq(d.GroupId, "g"));
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert(kr_str_eq(d.Topics[0].Name, "t"));
    ck_assert_int_eq(d.Topics[0].PartitionIndexesCnt, 2);
    ck_assert_int_eq(d.Topics[0].PartitionIndexes[0], 0);
    ck_assert_int_eq(d.Topics[0].PartitionIndexes[1], 2);
    ck_assert_int_eq(d.GroupsCnt, 0);
    ck_assert(!d.RequireStable);

    /* v1 cannot carry null Topics ("all topics" is v2+) */
    m.TopicsCnt = -1;
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_OffsetFetch, 1, false, &m),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_fetch_request_v9_batches_groups_with_member_and_null_topics)
{
    static const uint8_t expected[] = {
        0x03,                   /* Groups: 2 */
        0x02, 'g',              /* GroupId */
        0x02, 'm',              /* MemberId */
        0x00, 0x00, 0x00, 0x04, /* MemberEpoch */
        0x02,                   /* Topics: 1 */
        0x02, 't',              /* Name */
        0x02,                   /* PartitionIndexes: 1 */
        0x00, 0x00, 0x00, 0x01, /* [0] */
        0x00,                   /* topic tags */
        0x00,                   /* group tags */
        0x02, 'h',              /* GroupId */
        0x00,                   /* MemberId: null */
        0xFF, 0xFF, 0xFF, 0xFF, /* MemberEpoch: -1 */
        0x00,                   /* Topics: null (all topics) */
        0x00,                   /* group tags */
        0x01,                   /* RequireStable */
        0x00,                   /* request tags */
    };
    int32_t idx[] = {1};
    struct kr_OffsetFetchRequestTopics t = {
        .Name = kr_str_c("t"), .PartitionIndexesCnt = 1,
        .PartitionIndexes = idx};
    struct kr_OffsetFetchRequestGroup g[2] = {
        {kr_str_c("g"), kr_str_c("m"), 4, 1, &t},
        {kr_str_c("h"), {NULL, -1}, -1, -1, NULL},
    };
    struct kr_OffsetFetchRequest m = {
        .GroupsCnt = 2, .Groups = g, .RequireStable = true};
    expect_encode(&kr_api_OffsetFetch, 9, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_OffsetFetchRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetFetch, 9, false, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.TopicsCnt, 0); /* v0-7 only */
    ck_assert_int_eq(d.GroupsCnt, 2);
    ck_assert(kr_str_eq(d.Groups[0].GroupId, "g"));
    ck_assert(kr_str_eq(d.Groups[0].MemberId, "m"));
    ck_assert_int_eq(d.Groups[0].MemberEpoch, 4);
    ck_assert_int_eq(d.Groups[0].TopicsCnt, 1);
    ck_assert(kr_str_eq(d.Groups[0].Topics[0].Name, "t"));
    ck_assert_int_eq(d.Groups[0].Topics[0].PartitionIndexesCnt, 1);
    ck_assert_int_eq(d.Groups[0].Topics[0].PartitionIndexes[0], 1);
    ck_assert(kr_str_eq(d.Groups[1].GroupId, "h"));
    ck_assert_int_eq(d.Groups[1].MemberId.len, -1);
    ck_assert_int_eq(d.Groups[1].MemberEpoch, -1);
    ck_assert_int_eq(d.Groups[1].TopicsCnt, -1);
    ck_assert(d.RequireStable);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_fetch_response_v1_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x01,                         /* Topics: 1 */
        0x00, 0x01, 't',                                /* Name */
        0x00, 0x00, 0x00, 0x01,                         /* Partitions: 1 */
        0x00, 0x00, 0x00, 0x00,                         /* PartitionIndex */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, /* CommittedOffset */
        0x00, 0x02, 'm', 'd',                           /* Metadata */
        0x00, 0x00,                                     /* ErrorCode */
    };
    struct kr_OffsetFetchResponsePartition p = {0, 42, -1, kr_str_c("md"), 0};
    struct kr_OffsetFetchResponseTopic t = {kr_str_c("t"), 1, &p};
    struct kr_OffsetFetchResponse m = {.TopicsCnt = 1, .Topics = &t};
    expect_encode(&kr_api_OffsetFetch, 1, true, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_OffsetFetchResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetFetch, 1, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert(kr_str_eq(d.Topics[0].Name, "t"));
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 1);
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedOffset, 42);
    /* v5-7 only: default -1 */
    ck_assert_int_eq(d.Topics[0].Partitions[0].CommittedLeaderEpoch, -1);
    ck_assert(kr_str_eq(d.Topics[0].Partitions[0].Metadata, "md"));
    ck_assert_int_eq(d.ErrorCode, 0);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_fetch_response_v8_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x20,                         /* ThrottleTimeMs */
        0x02,                                           /* Groups: 1 */
        0x02, 'g',                                      /* GroupId */
        0x02,                                           /* Topics: 1 */
        0x02, 't',                                      /* Name */
        0x02,                                           /* Partitions: 1 */
        0x00, 0x00, 0x00, 0x01,                         /* PartitionIndex */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2A, /* CommittedOffset */
        0x00, 0x00, 0x00, 0x09, /* CommittedLeaderEpoch */
        0x00,                   /* Metadata: null */
        0x00, 0x58,             /* ErrorCode UNSTABLE_OFFSET_COMMIT */
        0x00,                   /* partition tags */
        0x00,                   /* topic tags */
        0x00, 0x10,             /* group ErrorCode NOT_COORDINATOR */
        0x00,                   /* group tags */
        0x00,                   /* response tags */
    };
    struct kr_OffsetFetchResponsePartitions p = {1, 42, 9, {NULL, -1}, 88};
    struct kr_OffsetFetchResponseTopics t = {
        .Name = kr_str_c("t"), .PartitionsCnt = 1, .Partitions = &p};
    struct kr_OffsetFetchResponseGroup g = {kr_str_c("g"), 1, &t, 16};
    struct kr_OffsetFetchResponse m = {
        .ThrottleTimeMs = 32, .GroupsCnt = 1, .Groups = &g};
    expect_encode(&kr_api_OffsetFetch, 8, true, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_OffsetFetchResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetFetch, 8, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.ThrottleTimeMs, 32);
    ck_assert_int_eq(d.TopicsCnt, 0);
    ck_assert_int_eq(d.GroupsCnt, 1);
    ck_assert(kr_str_eq(d.Groups[0].GroupId, "g"));
    ck_assert_int_eq(d.Groups[0].ErrorCode, 16);
    ck_assert_int_eq(d.Groups[0].TopicsCnt, 1);
    const struct kr_OffsetFetchResponseTopics *dt = &d.Groups[0].Topics[0];
    ck_assert(kr_str_eq(dt->Name, "t"));
    ck_assert_int_eq(dt->PartitionsCnt, 1);
    ck_assert_int_eq(dt->Partitions[0].PartitionIndex, 1);
    ck_assert_int_eq(dt->Partitions[0].CommittedOffset, 42);
    ck_assert_int_eq(dt->Partitions[0].CommittedLeaderEpoch, 9);
    ck_assert_int_eq(dt->Partitions[0].Metadata.len, -1);
    ck_assert_int_eq(dt->Partitions[0].ErrorCode, 88);
    kr_arena_destroy(&a);
}
END_TEST

static void check_of_indexes(int32_t gc, const int32_t *g, int32_t wc,
                             const int32_t *w)
{
    ck_assert_int_eq(gc, wc);
    for (int32_t i = 0; i < wc; i++)
        ck_assert_int_eq(g[i], w[i]);
}

static void check_of_req_group(const struct kr_OffsetFetchRequestGroup *g,
                               const struct kr_OffsetFetchRequestGroup *w)
{
    ck_str(g->GroupId, w->GroupId);
    ck_str(g->MemberId, w->MemberId);
    ck_assert_int_eq(g->MemberEpoch, w->MemberEpoch);
    ck_assert_int_eq(g->TopicsCnt, w->TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++) {
        ck_str(g->Topics[i].Name, w->Topics[i].Name);
        ck_uuid(g->Topics[i].TopicId, w->Topics[i].TopicId);
        check_of_indexes(g->Topics[i].PartitionIndexesCnt,
                         g->Topics[i].PartitionIndexes,
                         w->Topics[i].PartitionIndexesCnt,
                         w->Topics[i].PartitionIndexes);
    }
}

static void check_of_req(const struct kr_OffsetFetchRequest *g,
                         const struct kr_OffsetFetchRequest *w)
{
    ck_str(g->GroupId, w->GroupId);
    ck_assert_int_eq(g->TopicsCnt, w->TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++) {
        ck_str(g->Topics[i].Name, w->Topics[i].Name);
        check_of_indexes(g->Topics[i].PartitionIndexesCnt,
                         g->Topics[i].PartitionIndexes,
                         w->Topics[i].PartitionIndexesCnt,
                         w->Topics[i].PartitionIndexes);
    }
    ck_assert_int_eq(g->GroupsCnt, w->GroupsCnt);
    for (int32_t i = 0; i < w->GroupsCnt; i++)
        check_of_req_group(&g->Groups[i], &w->Groups[i]);
    ck_assert_int_eq(g->RequireStable, w->RequireStable);
}

static void check_of_resp_v0(const struct kr_OffsetFetchResponseTopic *g,
                             const struct kr_OffsetFetchResponseTopic *w)
{
    ck_str(g->Name, w->Name);
    ck_assert_int_eq(g->PartitionsCnt, w->PartitionsCnt);
    for (int32_t i = 0; i < w->PartitionsCnt; i++) {
        const struct kr_OffsetFetchResponsePartition *gp = &g->Partitions[i];
        const struct kr_OffsetFetchResponsePartition *wp = &w->Partitions[i];
        ck_assert_int_eq(gp->PartitionIndex, wp->PartitionIndex);
        ck_assert_int_eq(gp->CommittedOffset, wp->CommittedOffset);
        ck_assert_int_eq(gp->CommittedLeaderEpoch, wp->CommittedLeaderEpoch);
        ck_str(gp->Metadata, wp->Metadata);
        ck_assert_int_eq(gp->ErrorCode, wp->ErrorCode);
    }
}

static void check_of_resp_topics(const struct kr_OffsetFetchResponseTopics *g,
                                 const struct kr_OffsetFetchResponseTopics *w)
{
    ck_str(g->Name, w->Name);
    ck_uuid(g->TopicId, w->TopicId);
    ck_assert_int_eq(g->PartitionsCnt, w->PartitionsCnt);
    for (int32_t i = 0; i < w->PartitionsCnt; i++) {
        const struct kr_OffsetFetchResponsePartitions *gp = &g->Partitions[i];
        const struct kr_OffsetFetchResponsePartitions *wp = &w->Partitions[i];
        ck_assert_int_eq(gp->PartitionIndex, wp->PartitionIndex);
        ck_assert_int_eq(gp->CommittedOffset, wp->CommittedOffset);
        ck_assert_int_eq(gp->CommittedLeaderEpoch, wp->CommittedLeaderEpoch);
        ck_str(gp->Metadata, wp->Metadata);
        ck_assert_int_eq(gp->ErrorCode, wp->ErrorCode);
    }
}

static void check_of_resp(const struct kr_OffsetFetchResponse *g,
                          const struct kr_OffsetFetchResponse *w)
{
    ck_assert_int_eq(g->ThrottleTimeMs, w->ThrottleTimeMs);
    ck_assert_int_eq(g->TopicsCnt, w->TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++)
        check_of_resp_v0(&g->Topics[i], &w->Topics[i]);
    ck_assert_int_eq(g->ErrorCode, w->ErrorCode);
    ck_assert_int_eq(g->GroupsCnt, w->GroupsCnt);
    for (int32_t i = 0; i < w->GroupsCnt; i++) {
        ck_str(g->Groups[i].GroupId, w->Groups[i].GroupId);
        ck_assert_int_eq(g->Groups[i].TopicsCnt, w->Groups[i].TopicsCnt);
        for (int32_t j = 0; j < w->Groups[i].TopicsCnt; j++)
            check_of_resp_topics(&g->Groups[i].Topics[j],
                                 &w->Groups[i].Topics[j]);
        ck_assert_int_eq(g->Groups[i].ErrorCode, w->Groups[i].ErrorCode);
    }
}

START_TEST(offset_fetch_samples_decode_field_by_field_at_every_version)
{
    const struct kr_api *api = &kr_api_OffsetFetch;
    ck_assert_int_eq(api->min_ver, 1);
    ck_assert_int_eq(api->max_ver, 10);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf b1, b2;
        void *want, *got;
        kr_arena_init(&a, 0);
        kr_buf_init(&b1, 0);
        kr_buf_init(&b2, 0);
        sample_roundtrip(api, v, false, &a, &b1, &want, &got);
        check_of_req(got, want);
        sample_roundtrip(api, v, true, &a, &b2, &want, &got);
        check_of_resp(got, want);
        kr_buf_free(&b1);
        kr_buf_free(&b2);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(offset_fetch_request_null_topics_means_all_from_v2)
{
    /* v2: GroupId "g", Topics null (int32 -1) */
    static const uint8_t v2[] = {0x00, 0x01, 'g', 0xFF, 0xFF, 0xFF, 0xFF};
    struct kr_arena a;
    struct kr_OffsetFetchRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_OffsetFetch, 2, false, v2, sizeof v2, &a, &d);
    ck_assert_int_eq(d.TopicsCnt, -1);
    /* the same bytes at v1, where Topics is not nullable, are malformed */
    ck_assert_int_eq(kr_msg_read(&kr_api_OffsetFetch, 1, false, v2,
                                 sizeof v2, &a, &d),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(offset_fetch_response_huge_counts_are_bad_msg_before_allocating)
{
    /* v1: Topics count 0x7fffffff */
    static const uint8_t top_v1[] = {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
    /* v8: ThrottleTimeMs, compact Groups count 0x7fffffff */
    static const uint8_t top_v8[] = {0, 0, 0, 0, 0x80, 0x80, 0x80,
                                     0x80, 0x08, 0, 0};
    /* v8: one group "g" whose compact Topics count is 0x7fffffff */
    static const uint8_t nested_v8[] = {0,    0,    0,    0,    0x02, 0x02,
                                        'g',  0x80, 0x80, 0x80, 0x80, 0x08,
                                        0,    0,    0};
    /* v1: one topic "t" whose Partitions count is 0x7fffffff */
    static const uint8_t nested_v1[] = {0, 0, 0, 1, 0, 1, 't',
                                        0x7F, 0xFF, 0xFF, 0xFF, 0, 0};
    expect_bad_msg(&kr_api_OffsetFetch, 1, top_v1, sizeof top_v1, 0);
    expect_bad_msg(&kr_api_OffsetFetch, 8, top_v8, sizeof top_v8, 0);
    expect_bad_msg(&kr_api_OffsetFetch, 8, nested_v8, sizeof nested_v8,
                   ONE_CHUNK_MAX);
    expect_bad_msg(&kr_api_OffsetFetch, 1, nested_v1, sizeof nested_v1,
                   ONE_CHUNK_MAX);
}
END_TEST

/* ---- DescribeGroups ---- */

START_TEST(describe_groups_request_v0_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x02, /* Groups: 2 */
        0x00, 0x01, 'a',        /* [0] */
        0x00, 0x01, 'b',        /* [1] */
    };
    struct kr_str groups[] = {kr_str_c("a"), kr_str_c("b")};
    struct kr_DescribeGroupsRequest m = {2, groups, false};
    expect_encode(&kr_api_DescribeGroups, 0, false, &m, expected,
                  sizeof expected);

    struct kr_arena a;
    struct kr_DescribeGroupsRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_DescribeGroups, 0, false, expected, sizeof expected,
                  &a, &d);
    ck_assert_int_eq(d.GroupsCnt, 2);
    ck_assert(kr_str_eq(d.Groups[0], "a"));
    ck_assert(kr_str_eq(d.Groups[1], "b"));
    ck_assert(!d.IncludeAuthorizedOperations);
    kr_arena_destroy(&a);
}
END_TEST

static const uint8_t dg_v6_expected[] = {
    0x00, 0x00, 0x00, 0x05,                       /* ThrottleTimeMs */
    0x02,                                         /* Groups: 1 */
    0x00, 0x45,                                   /* ErrorCode 69 */
    0x02, 'e',                                    /* ErrorMessage */
    0x02, 'g',                                    /* GroupId */
    0x07, 'S', 't', 'a', 'b', 'l', 'e',           /* GroupState */
    0x09, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r', /* ProtocolType */
    0x06, 'r', 'a', 'n', 'g', 'e',                /* ProtocolData */
    0x02,                                         /* Members: 1 */
    0x02, 'm',                                    /* MemberId */
    0x00,                                         /* GroupInstanceId: null */
    0x02, 'c',                                    /* ClientId */
    0x02, 'h',                                    /* ClientHost */
    0x03, 0xAA, 0xBB,                             /* MemberMetadata */
    0x01,                                         /* MemberAssignment: empty */
    0x00,                                         /* member tags */
    0x00, 0x00, 0x00, 0xF8,                       /* AuthorizedOperations */
    0x00,                                         /* group tags */
    0x00,                                         /* response tags */
};

START_TEST(describe_groups_response_v6_matches_hand_written_bytes)
{
    static const uint8_t md[] = {0xAA, 0xBB};
    struct kr_DescribedGroupMember mb = {
        kr_str_c("m"), {NULL, -1}, kr_str_c("c"), kr_str_c("h"),
        {md, 2},       {NULL, 0}};
    struct kr_DescribedGroup g = {
        69, kr_str_c("e"), kr_str_c("g"), kr_str_c("Stable"),
        kr_str_c("consumer"), kr_str_c("range"), 1, &mb, 0xF8};
    struct kr_DescribeGroupsResponse m = {5, 1, &g};
    expect_encode(&kr_api_DescribeGroups, 6, true, &m, dg_v6_expected,
                  sizeof dg_v6_expected);

    struct kr_arena a;
    struct kr_DescribeGroupsResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_DescribeGroups, 6, true, dg_v6_expected,
                  sizeof dg_v6_expected, &a, &d);
    ck_assert_int_eq(d.ThrottleTimeMs, 5);
    ck_assert_int_eq(d.GroupsCnt, 1);
    const struct kr_DescribedGroup *dg = &d.Groups[0];
    ck_assert_int_eq(dg->ErrorCode, 69);
    ck_assert(kr_str_eq(dg->ErrorMessage, "e"));
    ck_assert(kr_str_eq(dg->GroupId, "g"));
    ck_assert(kr_str_eq(dg->GroupState, "Stable"));
    ck_assert(kr_str_eq(dg->ProtocolType, "consumer"));
    ck_assert(kr_str_eq(dg->ProtocolData, "range"));
    ck_assert_int_eq(dg->AuthorizedOperations, 0xF8);
    ck_assert_int_eq(dg->MembersCnt, 1);
    ck_assert(kr_str_eq(dg->Members[0].MemberId, "m"));
    ck_assert_int_eq(dg->Members[0].GroupInstanceId.len, -1);
    ck_assert(kr_str_eq(dg->Members[0].ClientId, "c"));
    ck_assert(kr_str_eq(dg->Members[0].ClientHost, "h"));
    ck_bytes(dg->Members[0].MemberMetadata, (struct kr_bytes){md, 2});
    ck_assert_int_eq(dg->Members[0].MemberAssignment.len, 0);
    kr_arena_destroy(&a);
}
END_TEST

static void check_dg_member(const struct kr_DescribedGroupMember *g,
                            const struct kr_DescribedGroupMember *w)
{
    ck_str(g->MemberId, w->MemberId);
    ck_str(g->GroupInstanceId, w->GroupInstanceId);
    ck_str(g->ClientId, w->ClientId);
    ck_str(g->ClientHost, w->ClientHost);
    ck_bytes(g->MemberMetadata, w->MemberMetadata);
    ck_bytes(g->MemberAssignment, w->MemberAssignment);
}

static void check_dg_resp(const struct kr_DescribeGroupsResponse *g,
                          const struct kr_DescribeGroupsResponse *w)
{
    ck_assert_int_eq(g->ThrottleTimeMs, w->ThrottleTimeMs);
    ck_assert_int_eq(g->GroupsCnt, w->GroupsCnt);
    for (int32_t i = 0; i < w->GroupsCnt; i++) {
        const struct kr_DescribedGroup *gg = &g->Groups[i];
        const struct kr_DescribedGroup *wg = &w->Groups[i];
        ck_assert_int_eq(gg->ErrorCode, wg->ErrorCode);
        ck_str(gg->ErrorMessage, wg->ErrorMessage);
        ck_str(gg->GroupId, wg->GroupId);
        ck_str(gg->GroupState, wg->GroupState);
        ck_str(gg->ProtocolType, wg->ProtocolType);
        ck_str(gg->ProtocolData, wg->ProtocolData);
        ck_assert_int_eq(gg->MembersCnt, wg->MembersCnt);
        for (int32_t j = 0; j < wg->MembersCnt; j++)
            check_dg_member(&gg->Members[j], &wg->Members[j]);
        ck_assert_int_eq(gg->AuthorizedOperations, wg->AuthorizedOperations);
    }
}

START_TEST(describe_groups_samples_decode_field_by_field_at_every_version)
{
    const struct kr_api *api = &kr_api_DescribeGroups;
    ck_assert_int_eq(api->min_ver, 0);
    ck_assert_int_eq(api->max_ver, 6);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf b1, b2;
        void *want, *got;
        kr_arena_init(&a, 0);
        kr_buf_init(&b1, 0);
        kr_buf_init(&b2, 0);
        sample_roundtrip(api, v, false, &a, &b1, &want, &got);
        const struct kr_DescribeGroupsRequest *gr = got, *wr = want;
        ck_assert_int_eq(gr->GroupsCnt, wr->GroupsCnt);
        for (int32_t i = 0; i < wr->GroupsCnt; i++)
            ck_str(gr->Groups[i], wr->Groups[i]);
        ck_assert_int_eq(gr->IncludeAuthorizedOperations,
                         wr->IncludeAuthorizedOperations);
        sample_roundtrip(api, v, true, &a, &b2, &want, &got);
        check_dg_resp(got, want);
        kr_buf_free(&b1);
        kr_buf_free(&b2);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(describe_groups_old_versions_decode_absent_fields_as_defaults)
{
    struct kr_arena a;
    struct kr_buf b;
    void *want, *got;
    kr_arena_init(&a, 0);
    kr_buf_init(&b, 0);
    sample_roundtrip(&kr_api_DescribeGroups, 0, true, &a, &b, &want, &got);
    const struct kr_DescribeGroupsResponse *d = got;
    ck_assert_int_eq(d->ThrottleTimeMs, 0);
    ck_assert_int_eq(d->Groups[0].ErrorMessage.len, -1);        /* v6+ */
    ck_assert_int_eq(d->Groups[0].AuthorizedOperations, INT32_MIN); /* v3+ */
    ck_assert_int_eq(d->Groups[0].Members[0].GroupInstanceId.len, -1); /* v4+ */
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(describe_groups_response_huge_counts_are_bad_msg_before_allocating)
{
    /* v0: Groups count 0x7fffffff */
    static const uint8_t top_v0[] = {0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
    /* v5: ThrottleTimeMs, compact Groups count 0x7fffffff */
    static const uint8_t top_v5[] = {0, 0, 0, 0, 0x80, 0x80, 0x80,
                                     0x80, 0x08, 0, 0};
    /* v0: one group (ErrorCode, 4 empty strings), Members 0x7fffffff */
    static const uint8_t nested_v0[] = {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0};
    expect_bad_msg(&kr_api_DescribeGroups, 0, top_v0, sizeof top_v0, 0);
    expect_bad_msg(&kr_api_DescribeGroups, 5, top_v5, sizeof top_v5, 0);
    expect_bad_msg(&kr_api_DescribeGroups, 0, nested_v0, sizeof nested_v0,
                   ONE_CHUNK_MAX);
}
END_TEST

/* ---- ListGroups ---- */

START_TEST(list_groups_request_v5_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x02,                                    /* StatesFilter: 1 */
        0x06, 'E', 'm', 'p', 't', 'y',           /* [0] */
        0x02,                                    /* TypesFilter: 1 */
        0x08, 'c', 'l', 'a', 's', 's', 'i', 'c', /* [0] */
        0x00,                                    /* request tags */
    };
    struct kr_str states[] = {kr_str_c("Empty")};
    struct kr_str types[] = {kr_str_c("classic")};
    struct kr_ListGroupsRequest m = {1, states, 1, types};
    expect_encode(&kr_api_ListGroups, 5, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_ListGroupsRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_ListGroups, 5, false, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.StatesFilterCnt, 1);
    ck_assert(kr_str_eq(d.StatesFilter[0], "Empty"));
    ck_assert_int_eq(d.TypesFilterCnt, 1);
    ck_assert(kr_str_eq(d.TypesFilter[0], "classic"));
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(list_groups_request_before_v4_has_no_filters)
{
    static const uint8_t v3[] = {0x00}; /* request tags only */
    struct kr_str states[] = {kr_str_c("Empty")};
    struct kr_ListGroupsRequest m = {1, states, 0, NULL};
    expect_encode(&kr_api_ListGroups, 0, false, &m, NULL, 0);
    expect_encode(&kr_api_ListGroups, 3, false, &m, v3, sizeof v3);
}
END_TEST

START_TEST(list_groups_response_v0_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x0F,             /* ErrorCode COORDINATOR_NOT_AVAILABLE */
        0x00, 0x00, 0x00, 0x01, /* Groups: 1 */
        0x00, 0x01, 'g',        /* GroupId */
        0x00, 0x08, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r', /* ProtocolType */
    };
    struct kr_ListedGroup g = {.GroupId = kr_str_c("g"),
                               .ProtocolType = kr_str_c("consumer")};
    struct kr_ListGroupsResponse m = {0, 15, 1, &g};
    expect_encode(&kr_api_ListGroups, 0, true, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_ListGroupsResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_ListGroups, 0, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.ErrorCode, 15);
    ck_assert_int_eq(d.GroupsCnt, 1);
    ck_assert(kr_str_eq(d.Groups[0].GroupId, "g"));
    ck_assert(kr_str_eq(d.Groups[0].ProtocolType, "consumer"));
    ck_assert_int_eq(d.Groups[0].GroupState.len, 0); /* v4+ */
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(list_groups_response_v5_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x07,                       /* ThrottleTimeMs */
        0x00, 0x00,                                   /* ErrorCode */
        0x02,                                         /* Groups: 1 */
        0x02, 'g',                                    /* GroupId */
        0x09, 'c', 'o', 'n', 's', 'u', 'm', 'e', 'r', /* ProtocolType */
        0x07, 'S', 't', 'a', 'b', 'l', 'e',           /* GroupState */
        0x08, 'c', 'l', 'a', 's', 's', 'i', 'c',      /* GroupType */
        0x00,                                         /* group tags */
        0x00,                                         /* response tags */
    };
    struct kr_ListedGroup g = {kr_str_c("g"), kr_str_c("consumer"),
                               kr_str_c("Stable"), kr_str_c("classic")};
    struct kr_ListGroupsResponse m = {7, 0, 1, &g};
    expect_encode(&kr_api_ListGroups, 5, true, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_ListGroupsResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_ListGroups, 5, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.ThrottleTimeMs, 7);
    ck_assert_int_eq(d.ErrorCode, 0);
    ck_assert_int_eq(d.GroupsCnt, 1);
    ck_assert(kr_str_eq(d.Groups[0].GroupId, "g"));
    ck_assert(kr_str_eq(d.Groups[0].ProtocolType, "consumer"));
    ck_assert(kr_str_eq(d.Groups[0].GroupState, "Stable"));
    ck_assert(kr_str_eq(d.Groups[0].GroupType, "classic"));
    kr_arena_destroy(&a);
}
END_TEST

static void check_lg_strs(int32_t gc, const struct kr_str *g, int32_t wc,
                          const struct kr_str *w)
{
    ck_assert_int_eq(gc, wc);
    for (int32_t i = 0; i < wc; i++)
        ck_str(g[i], w[i]);
}

START_TEST(list_groups_samples_decode_field_by_field_at_every_version)
{
    const struct kr_api *api = &kr_api_ListGroups;
    ck_assert_int_eq(api->min_ver, 0);
    ck_assert_int_eq(api->max_ver, 5);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf b1, b2;
        void *want, *got;
        kr_arena_init(&a, 0);
        kr_buf_init(&b1, 0);
        kr_buf_init(&b2, 0);
        sample_roundtrip(api, v, false, &a, &b1, &want, &got);
        const struct kr_ListGroupsRequest *gq = got, *wq = want;
        check_lg_strs(gq->StatesFilterCnt, gq->StatesFilter,
                      wq->StatesFilterCnt, wq->StatesFilter);
        check_lg_strs(gq->TypesFilterCnt, gq->TypesFilter, wq->TypesFilterCnt,
                      wq->TypesFilter);
        sample_roundtrip(api, v, true, &a, &b2, &want, &got);
        const struct kr_ListGroupsResponse *gr = got, *wr = want;
        ck_assert_int_eq(gr->ThrottleTimeMs, wr->ThrottleTimeMs);
        ck_assert_int_eq(gr->ErrorCode, wr->ErrorCode);
        ck_assert_int_eq(gr->GroupsCnt, wr->GroupsCnt);
        for (int32_t i = 0; i < wr->GroupsCnt; i++) {
            ck_str(gr->Groups[i].GroupId, wr->Groups[i].GroupId);
            ck_str(gr->Groups[i].ProtocolType, wr->Groups[i].ProtocolType);
            ck_str(gr->Groups[i].GroupState, wr->Groups[i].GroupState);
            ck_str(gr->Groups[i].GroupType, wr->Groups[i].GroupType);
        }
        kr_buf_free(&b1);
        kr_buf_free(&b2);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(list_groups_response_huge_counts_are_bad_msg_before_allocating)
{
    /* v0: ErrorCode, Groups count 0x7fffffff */
    static const uint8_t top_v0[] = {0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0};
    /* v3: ThrottleTimeMs, ErrorCode, compact Groups count 0x7fffffff */
    static const uint8_t top_v3[] = {0,    0,    0,    0,    0, 0, 0x80,
                                     0x80, 0x80, 0x80, 0x08, 0, 0};
    expect_bad_msg(&kr_api_ListGroups, 0, top_v0, sizeof top_v0, 0);
    expect_bad_msg(&kr_api_ListGroups, 3, top_v3, sizeof top_v3, 0);
}
END_TEST

START_TEST(string_array_requests_refuse_huge_counts_before_allocating)
{
    /* DescribeGroups v0 Groups and ListGroups v4 StatesFilter: counts far
     * beyond the bytes left */
    static const uint8_t dg_v0[] = {0x7F, 0xFF, 0xFF, 0xFF, 0, 1, 'a'};
    static const uint8_t lg_v4[] = {0x80, 0x80, 0x80, 0x80, 0x08, 0x02, 'a'};
    struct kr_arena a;
    struct kr_DescribeGroupsRequest dg;
    struct kr_ListGroupsRequest lg;
    kr_arena_init(&a, 0);
    ck_assert_int_eq(kr_msg_read(&kr_api_DescribeGroups, 0, false, dg_v0,
                                 sizeof dg_v0, &a, &dg),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_int_eq(kr_msg_read(&kr_api_ListGroups, 4, false, lg_v4,
                                 sizeof lg_v4, &a, &lg),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_uint_eq(a.used, 0);
    kr_arena_destroy(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_offsets");
    TCase *tc = tcase_create("offsets_and_groups");
    tcase_add_test(tc, offset_commit_request_v2_matches_hand_written_bytes);
    tcase_add_test(tc,
                   offset_commit_request_v10_is_compact_and_names_topics_by_id);
    tcase_add_test(tc, offset_commit_response_v10_matches_hand_written_bytes);
    tcase_add_test(
        tc, offset_commit_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, offset_commit_response_huge_counts_are_bad_msg_before_allocating);
    tcase_add_test(tc, offset_fetch_request_v1_matches_hand_written_bytes);
    tcase_add_test(
        tc, offset_fetch_request_v9_batches_groups_with_member_and_null_topics);
    tcase_add_test(tc, offset_fetch_response_v1_matches_hand_written_bytes);
    tcase_add_test(tc, offset_fetch_response_v8_matches_hand_written_bytes);
    tcase_add_test(
        tc, offset_fetch_samples_decode_field_by_field_at_every_version);
    tcase_add_test(tc, offset_fetch_request_null_topics_means_all_from_v2);
    tcase_add_test(
        tc, offset_fetch_response_huge_counts_are_bad_msg_before_allocating);
    tcase_add_test(tc, describe_groups_request_v0_matches_hand_written_bytes);
    tcase_add_test(tc,
                   describe_groups_response_v6_matches_hand_written_bytes);
    tcase_add_test(
        tc, describe_groups_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, describe_groups_old_versions_decode_absent_fields_as_defaults);
    tcase_add_test(
        tc,
        describe_groups_response_huge_counts_are_bad_msg_before_allocating);
    tcase_add_test(tc, list_groups_request_v5_matches_hand_written_bytes);
    tcase_add_test(tc, list_groups_request_before_v4_has_no_filters);
    tcase_add_test(tc, list_groups_response_v0_matches_hand_written_bytes);
    tcase_add_test(tc, list_groups_response_v5_matches_hand_written_bytes);
    tcase_add_test(tc,
                   list_groups_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, list_groups_response_huge_counts_are_bad_msg_before_allocating);
    tcase_add_test(tc,
                   string_array_requests_refuse_huge_counts_before_allocating);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
