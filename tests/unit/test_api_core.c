/*
 * The core cluster APIs: ApiVersions (18), Metadata (3), ListOffsets (2) and
 * OffsetForLeaderEpoch (23). Known-answer byte vectors written by hand from
 * the Kafka 4.1.1 JSON schemas pin the encoder and the decoder to the spec;
 * the samples decode back field by field at every version; hostile array
 * counts are refused before anything is allocated.
 */
#include "codec_check.h"
#include "kt_check.h"

/* ---- helpers ---- */

static void eq_ids(int16_t v, const int32_t *want, int32_t wn,
                   const int32_t *got, int32_t gn, const char *field)
{
    ck_assert_msg(wn == gn, "v%d: %s count %d != %d", v, field, wn, gn);
    for (int32_t i = 0; i < wn; i++)
        ck_assert_msg(want[i] == got[i], "v%d: %s[%d]", v, field, i);
}

/* A known answer: @msg encodes to exactly @want, and @want decodes back to
 * @msg field by field. */
static void check_kat(const struct kr_api *api, int16_t v, bool resp,
                      const void *msg, const uint8_t *want, size_t len,
                      cmp_fn cmp)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    expect_encode(api, v, resp, msg, want, len);
    void *got = kr_arena_alloc(&a, resp ? api->resp_size : api->req_size);
    expect_decode(api, v, resp, want, len, &a, got);
    cmp(v, msg, got);
    kr_arena_destroy(&a);
}

typedef void (*poison_fn)(int16_t v, void *msg);

/* Sets every field the version lacks (per the schema's "versions", typed
 * here a second time) to a non-default value and checks that the encoding
 * does not change: a field must stay off the wire outside its versions. The
 * sample check above catches the opposite mistake (a field left out). */
static void check_absent_fields(const struct kr_api *api, bool resp,
                                poison_fn poison)
{
    const struct kr_sample *s = kr_sample_find(api->key);
    size_t size = resp ? api->resp_size : api->req_size;
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        struct kr_buf b1, b2;
        kr_arena_init(&a, 0);
        kr_buf_init(&b1, 0);
        kr_buf_init(&b2, 0);
        void *msg = kr_arena_alloc(&a, size);
        (resp ? s->resp : s->req)(v, msg, &a);
        ck_assert_int_eq(kr_msg_write(&b1, api, v, resp, msg),
                         KRAFKA_ERR_NONE);
        poison(v, msg);
        ck_assert_int_eq(kr_msg_write(&b2, api, v, resp, msg),
                         KRAFKA_ERR_NONE);
        ck_assert_msg(b1.len == b2.len &&
                          (b1.len == 0 ||
                           memcmp(b1.data, b2.data, b1.len) == 0),
                      "%s v%d %s: a field outside its versions was written",
                      api->name, v, resp ? "response" : "request");
        kr_buf_free(&b1);
        kr_buf_free(&b2);
        kr_arena_destroy(&a);
    }
}

static int32_t poison_ids[] = {666, 667};

/* ======================== ApiVersions (key 18) ======================== */

static void cmp_apiversions_req(int16_t v, const void *w, const void *g)
{
    const struct kr_ApiVersionsRequest *want = w, *got = g;
    eq_str(v, want->ClientSoftwareName, got->ClientSoftwareName,
           "ClientSoftwareName");
    eq_str(v, want->ClientSoftwareVersion, got->ClientSoftwareVersion,
           "ClientSoftwareVersion");
}

static void cmp_apiversions_features(int16_t v,
                                     const struct kr_ApiVersionsResponse *want,
                                     const struct kr_ApiVersionsResponse *got)
{
    EQ(want, got, SupportedFeaturesCnt);
    for (int32_t i = 0; i < want->SupportedFeaturesCnt; i++) {
        const struct kr_SupportedFeatureKey *w = &want->SupportedFeatures[i];
        const struct kr_SupportedFeatureKey *g = &got->SupportedFeatures[i];
        eq_str(v, w->Name, g->Name, "SupportedFeatures.Name");
        EQ(w, g, MinVersion);
        EQ(w, g, MaxVersion);
    }
    EQ(want, got, FinalizedFeaturesEpoch);
    EQ(want, got, FinalizedFeaturesCnt);
    for (int32_t i = 0; i < want->FinalizedFeaturesCnt; i++) {
        const struct kr_FinalizedFeatureKey *w = &want->FinalizedFeatures[i];
        const struct kr_FinalizedFeatureKey *g = &got->FinalizedFeatures[i];
        eq_str(v, w->Name, g->Name, "FinalizedFeatures.Name");
        EQ(w, g, MaxVersionLevel);
        EQ(w, g, MinVersionLevel);
    }
    EQ(want, got, ZkMigrationReady);
}

static void cmp_apiversions_resp(int16_t v, const void *w, const void *g)
{
    const struct kr_ApiVersionsResponse *want = w, *got = g;
    EQ(want, got, ErrorCode);
    EQ(want, got, ApiKeysCnt);
    for (int32_t i = 0; i < want->ApiKeysCnt; i++) {
        EQ(want, got, ApiKeys[i].ApiKey);
        EQ(want, got, ApiKeys[i].MinVersion);
        EQ(want, got, ApiKeys[i].MaxVersion);
    }
    EQ(want, got, ThrottleTimeMs);
    cmp_apiversions_features(v, want, got);
}

START_TEST(apiversions_request_v3_matches_known_bytes)
{
    static const uint8_t expected[] = {
        0x0a, 'l', 'i', 'b', 'k', 'r', 'a', 'f', 'k', 'a', /* Name (compact) */
        0x06, '0', '.', '1', '.', '0', /* ClientSoftwareVersion (compact) */
        0x00,                          /* no tagged fields */
    };
    struct kr_ApiVersionsRequest m = {kr_str_c("libkrafka"),
                                      kr_str_c("0.1.0")};
    check_kat(&kr_api_ApiVersions, 3, false, &m, expected, sizeof expected,
              cmp_apiversions_req);

    /* v0-2 requests have no fields at all */
    expect_encode(&kr_api_ApiVersions, 2, false, &m, NULL, 0);
}
END_TEST

static const uint8_t apiversions_v3_resp[] = {
    0x00, 0x00,                   /* ErrorCode 0 */
    0x03,                         /* ApiKeys: 2 (compact N+1) */
    0x00, 0x03, 0x00, 0x00, 0x00, 0x0d, 0x00, /* Metadata 0-13, no tags */
    0x00, 0x12, 0x00, 0x00, 0x00, 0x04, 0x00, /* ApiVersions 0-4, no tags */
    0x00, 0x00, 0x00, 0x0a,       /* ThrottleTimeMs 10 */
    0x04,                         /* 4 tagged fields */
    0x00, 0x09,                   /* tag 0 SupportedFeatures, 9 bytes */
    0x02, 0x03, 'm', 'v',         /*   1 entry: Name "mv" */
    0x00, 0x01, 0x00, 0x07, 0x00, /*   MinVersion 1, MaxVersion 7, no tags */
    0x01, 0x08,                   /* tag 1 FinalizedFeaturesEpoch, 8 bytes */
    0, 0, 0, 0, 0, 0, 0, 0x05,    /*   5 */
    0x02, 0x09,                   /* tag 2 FinalizedFeatures, 9 bytes */
    0x02, 0x03, 'm', 'v',         /*   1 entry: Name "mv" */
    0x00, 0x07, 0x00, 0x01, 0x00, /*   MaxVersionLevel 7, MinVersionLevel 1 */
    0x03, 0x01, 0x01,             /* tag 3 ZkMigrationReady true */
};

START_TEST(apiversions_response_v3_with_all_tags_matches_known_bytes)
{
    struct kr_ApiVersion keys[] = {{3, 0, 13}, {18, 0, 4}};
    struct kr_SupportedFeatureKey sf = {kr_str_c("mv"), 1, 7};
    struct kr_FinalizedFeatureKey ff = {kr_str_c("mv"), 7, 1};
    struct kr_ApiVersionsResponse m = {
        .ApiKeysCnt = 2, .ApiKeys = keys, .ThrottleTimeMs = 10,
        .SupportedFeaturesCnt = 1, .SupportedFeatures = &sf,
        .FinalizedFeaturesEpoch = 5,
        .FinalizedFeaturesCnt = 1, .FinalizedFeatures = &ff,
        .ZkMigrationReady = true};
    check_kat(&kr_api_ApiVersions, 3, true, &m, apiversions_v3_resp,
              sizeof apiversions_v3_resp, cmp_apiversions_resp);
}
END_TEST

START_TEST(apiversions_absent_tags_decode_as_defaults_and_unknown_are_skipped)
{
    static const uint8_t body[] = {
        0x00, 0x00,             /* ErrorCode 0 */
        0x01,                   /* ApiKeys: empty */
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs 0 */
        0x01,                   /* 1 tagged field */
        0x07, 0x02, 0xab, 0xcd, /* tag 7 (unknown to us), 2 bytes */
    };
    struct kr_arena a;
    struct kr_ApiVersionsResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_ApiVersions, 4, true, body, sizeof body, &a, &d);
    ck_assert_int_eq(d.ApiKeysCnt, 0);
    ck_assert_int_eq(d.SupportedFeaturesCnt, 0);
    ck_assert_int_eq(d.FinalizedFeaturesEpoch, -1);
    ck_assert_int_eq(d.FinalizedFeaturesCnt, 0);
    ck_assert(!d.ZkMigrationReady);
    /* and defaults are not written back: an empty tag section */
    static const uint8_t reencoded[] = {0x00, 0x00, 0x01, 0, 0, 0, 0, 0x00};
    expect_encode(&kr_api_ApiVersions, 4, true, &d, reencoded,
                  sizeof reencoded);
    kr_arena_destroy(&a);
}
END_TEST

/* KIP-511: a broker that does not know the request's version answers with
 * a v0 body, ErrorCode 35 and its own ApiVersions range; the client decodes
 * it at v0 whatever version it asked for. */
START_TEST(unsupported_version_answer_decodes_as_v0_body)
{
    static const uint8_t body[] = {
        0x00, 0x23,             /* ErrorCode 35 UNSUPPORTED_VERSION */
        0x00, 0x00, 0x00, 0x01, /* ApiKeys: 1 (int32 count) */
        0x00, 0x12,             /* ApiKey 18 */
        0x00, 0x00,             /* MinVersion 0 */
        0x00, 0x03,             /* MaxVersion 3 */
    };
    struct kr_arena a;
    struct kr_ApiVersionsResponse d;
    kr_arena_init(&a, 0);
    ck_assert_int_eq(kr_msg_read(&kr_api_ApiVersions, 0, true, body,
                                 sizeof body, &a, &d),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(d.ErrorCode, 35);
    ck_assert_int_eq(d.ApiKeysCnt, 1);
    ck_assert_int_eq(d.ApiKeys[0].ApiKey, KR_API_ApiVersions);
    ck_assert_int_eq(d.ApiKeys[0].MinVersion, 0);
    ck_assert_int_eq(d.ApiKeys[0].MaxVersion, 3);
    ck_assert_int_eq(d.ThrottleTimeMs, 0);
    ck_assert_int_eq(d.FinalizedFeaturesEpoch, -1);
    /* read as the flexible version that was asked for, it is malformed */
    ck_assert_int_eq(kr_msg_read(&kr_api_ApiVersions, 4, true, body,
                                 sizeof body, &a, &d),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(apiversions_samples_decode_field_by_field_at_every_version)
{
    check_samples(&kr_api_ApiVersions, false, cmp_apiversions_req);
    check_samples(&kr_api_ApiVersions, true, cmp_apiversions_resp);
}
END_TEST

static void poison_apiversions_req(int16_t v, void *msg)
{
    struct kr_ApiVersionsRequest *m = msg;
    if (v < 3) {
        m->ClientSoftwareName = kr_str_c("poison");
        m->ClientSoftwareVersion = kr_str_c("poison");
    }
}

static void poison_apiversions_resp(int16_t v, void *msg)
{
    static struct kr_SupportedFeatureKey sf = {{"poison", 6}, 1, 2};
    static struct kr_FinalizedFeatureKey ff = {{"poison", 6}, 2, 1};
    struct kr_ApiVersionsResponse *m = msg;
    if (v < 1)
        m->ThrottleTimeMs = 666;
    if (v < 3) {
        m->SupportedFeaturesCnt = 1;
        m->SupportedFeatures = &sf;
        m->FinalizedFeaturesEpoch = 666;
        m->FinalizedFeaturesCnt = 1;
        m->FinalizedFeatures = &ff;
        m->ZkMigrationReady = true;
    }
}

START_TEST(apiversions_fields_stay_off_the_wire_outside_their_versions)
{
    check_absent_fields(&kr_api_ApiVersions, false, poison_apiversions_req);
    check_absent_fields(&kr_api_ApiVersions, true, poison_apiversions_resp);
}
END_TEST

START_TEST(apiversions_hostile_array_counts_are_bad_msg_without_allocating)
{
    static const uint8_t v0[] = {
        0x00, 0x00,             /* ErrorCode */
        0x7f, 0xff, 0xff, 0xff, /* ApiKeys: 2^31-1 entries */
    };
    static const uint8_t v3[] = {
        0x00, 0x00,                   /* ErrorCode */
        0x80, 0x80, 0x80, 0x80, 0x08, /* ApiKeys: uvarint 2^31 = N+1 */
    };
    static const uint8_t v3_tag[] = {
        0x00, 0x00,                   /* ErrorCode */
        0x01,                         /* ApiKeys: empty */
        0x00, 0x00, 0x00, 0x00,       /* ThrottleTimeMs */
        0x01, 0x00, 0x05,             /* 1 tag: 0 SupportedFeatures, 5 bytes */
        0x80, 0x80, 0x80, 0x80, 0x08, /*   count 2^31-1 */
    };
    /* two entries of 6 bytes cannot fit in the 11 bytes left */
    static const uint8_t v0_two[] = {
        0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* ErrorCode, ApiKeys: 2 */
        0x00, 0x03, 0x00, 0x00, 0x00, 0x0d, /* one entry */
        0x00, 0x12, 0x00, 0x00, 0x00,       /* 5 bytes of the next */
    };
    expect_bad_msg(&kr_api_ApiVersions, 0, v0, sizeof v0, 0);
    expect_bad_msg(&kr_api_ApiVersions, 0, v0_two, sizeof v0_two, 0);
    expect_bad_msg(&kr_api_ApiVersions, 3, v3, sizeof v3, 0);
    expect_bad_msg(&kr_api_ApiVersions, 3, v3_tag, sizeof v3_tag, 0);
}
END_TEST

/* ApiVersions responses keep response header v0 even at flexible versions
 * (KIP-511): no tag byte after the CorrelationId. Written without the
 * helpers above so the framing is in plain view. */
START_TEST(apiversions_v3_response_frame_has_header_v0_and_roundtrips)
{
    struct kr_arena a;
    struct kr_buf frame, body, again;
    kr_arena_init(&a, 0);
    kr_buf_init(&frame, 0);
    kr_buf_init(&body, 0);
    kr_buf_init(&again, 0);
    struct kr_ApiVersionsResponse sent, got;
    memset(&sent, 0, sizeof sent);
    kr_sample_ApiVersionsResponse(3, &sent, &a);

    ck_assert_int_eq(kr_response_write(&frame, &kr_api_ApiVersions, 3,
                                       0x0a0b0c0d, &sent),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_msg_write(&body, &kr_api_ApiVersions, 3, true, &sent),
                     KRAFKA_ERR_NONE);
    /* Length, CorrelationId, then the body at once */
    ck_assert_uint_eq(frame.len, 4 + 4 + body.len);
    ck_assert_uint_eq(kr_load_be32(frame.data), 4 + body.len);
    ck_assert_uint_eq(kr_load_be32(frame.data + 4), 0x0a0b0c0d);
    ck_assert(memcmp(frame.data + 8, body.data, body.len) == 0);

    int32_t corr = 0;
    ck_assert_int_eq(kr_response_read(&kr_api_ApiVersions, 3, frame.data + 4,
                                      frame.len - 4, &a, &got, &corr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(corr, 0x0a0b0c0d);
    ck_assert_int_eq(got.ErrorCode, sent.ErrorCode);
    ck_assert_int_eq(got.ApiKeysCnt, sent.ApiKeysCnt);
    for (int32_t i = 0; i < sent.ApiKeysCnt; i++) {
        ck_assert_int_eq(got.ApiKeys[i].ApiKey, sent.ApiKeys[i].ApiKey);
        ck_assert_int_eq(got.ApiKeys[i].MinVersion,
                         sent.ApiKeys[i].MinVersion);
        ck_assert_int_eq(got.ApiKeys[i].MaxVersion,
                         sent.ApiKeys[i].MaxVersion);
    }
    ck_assert_int_eq(got.ThrottleTimeMs, sent.ThrottleTimeMs);
    ck_assert_int_eq(got.SupportedFeaturesCnt, 2);
    ck_assert(kr_str_eq(got.SupportedFeatures[1].Name, "kraft.version"));
    ck_assert_int_eq(got.FinalizedFeaturesEpoch, sent.FinalizedFeaturesEpoch);
    ck_assert_int_eq(got.FinalizedFeaturesCnt, 2);
    ck_assert(kr_str_eq(got.FinalizedFeatures[1].Name, "group.version"));
    ck_assert(got.ZkMigrationReady);

    /* the decoded response frames to the same bytes */
    ck_assert_int_eq(kr_response_write(&again, &kr_api_ApiVersions, 3,
                                       0x0a0b0c0d, &got),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(again.len, frame.len);
    ck_assert(memcmp(again.data, frame.data, frame.len) == 0);
    kr_buf_free(&frame);
    kr_buf_free(&body);
    kr_buf_free(&again);
    kr_arena_destroy(&a);
}
END_TEST

/* ========================== Metadata (key 3) ========================== */

static void cmp_metadata_req(int16_t v, const void *w, const void *g)
{
    const struct kr_MetadataRequest *want = w, *got = g;
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++) {
        eq_uuid(v, &want->Topics[i].TopicId, &got->Topics[i].TopicId,
                "Topics.TopicId");
        eq_str(v, want->Topics[i].Name, got->Topics[i].Name, "Topics.Name");
    }
    EQ(want, got, AllowAutoTopicCreation);
    EQ(want, got, IncludeClusterAuthorizedOperations);
    EQ(want, got, IncludeTopicAuthorizedOperations);
}

static void cmp_metadata_partition(int16_t v,
                                   const struct kr_MetadataResponsePartition *w,
                                   const struct kr_MetadataResponsePartition *g)
{
    EQ(w, g, ErrorCode);
    EQ(w, g, PartitionIndex);
    EQ(w, g, LeaderId);
    EQ(w, g, LeaderEpoch);
    eq_ids(v, w->ReplicaNodes, w->ReplicaNodesCnt, g->ReplicaNodes,
           g->ReplicaNodesCnt, "ReplicaNodes");
    eq_ids(v, w->IsrNodes, w->IsrNodesCnt, g->IsrNodes, g->IsrNodesCnt,
           "IsrNodes");
    eq_ids(v, w->OfflineReplicas, w->OfflineReplicasCnt, g->OfflineReplicas,
           g->OfflineReplicasCnt, "OfflineReplicas");
}

static void cmp_metadata_topic(int16_t v,
                               const struct kr_MetadataResponseTopic *w,
                               const struct kr_MetadataResponseTopic *g)
{
    EQ(w, g, ErrorCode);
    eq_str(v, w->Name, g->Name, "Topics.Name");
    eq_uuid(v, &w->TopicId, &g->TopicId, "Topics.TopicId");
    EQ(w, g, IsInternal);
    EQ(w, g, PartitionsCnt);
    for (int32_t i = 0; i < w->PartitionsCnt; i++)
        cmp_metadata_partition(v, &w->Partitions[i], &g->Partitions[i]);
    EQ(w, g, TopicAuthorizedOperations);
}

static void cmp_metadata_resp(int16_t v, const void *w, const void *g)
{
    const struct kr_MetadataResponse *want = w, *got = g;
    EQ(want, got, ThrottleTimeMs);
    EQ(want, got, BrokersCnt);
    for (int32_t i = 0; i < want->BrokersCnt; i++) {
        const struct kr_MetadataResponseBroker *wb = &want->Brokers[i];
        const struct kr_MetadataResponseBroker *gb = &got->Brokers[i];
        EQ(wb, gb, NodeId);
        eq_str(v, wb->Host, gb->Host, "Brokers.Host");
        EQ(wb, gb, Port);
        eq_str(v, wb->Rack, gb->Rack, "Brokers.Rack");
    }
    eq_str(v, want->ClusterId, got->ClusterId, "ClusterId");
    EQ(want, got, ControllerId);
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++)
        cmp_metadata_topic(v, &want->Topics[i], &got->Topics[i]);
    EQ(want, got, ClusterAuthorizedOperations);
    EQ(want, got, ErrorCode);
}

static const struct kr_uuid uuid_1_to_16 = {
    {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};

START_TEST(metadata_request_v1_null_topics_asks_for_all_topics)
{
    static const uint8_t expected[] = {
        0xff, 0xff, 0xff, 0xff, /* Topics: null (all topics) */
    };
    struct kr_MetadataRequest m = {.TopicsCnt = -1};
    expect_encode(&kr_api_Metadata, 1, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_MetadataRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Metadata, 1, false, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.TopicsCnt, -1);
    ck_assert(d.AllowAutoTopicCreation); /* default true before v4 */
    /* v0 has no null array: an empty one means all topics there */
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Metadata, 0, false, &m),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_msg_read(&kr_api_Metadata, 0, false, expected,
                                 sizeof expected, &a, &d),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(metadata_request_v8_matches_known_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /*   Name "t" */
        0x01,                   /* AllowAutoTopicCreation true */
        0x01,                   /* IncludeClusterAuthorizedOperations true */
        0x00,                   /* IncludeTopicAuthorizedOperations false */
    };
    struct kr_MetadataRequestTopic t = {.Name = kr_str_c("t")};
    struct kr_MetadataRequest m = {1, &t, true, true, false};
    check_kat(&kr_api_Metadata, 8, false, &m, expected, sizeof expected,
              cmp_metadata_req);
}
END_TEST

START_TEST(metadata_request_v12_topic_by_id_matches_known_bytes)
{
    static const uint8_t expected[] = {
        0x02,                   /* Topics: 1 (compact N+1) */
        1, 2, 3, 4, 5, 6, 7, 8, /*   TopicId */
        9, 10, 11, 12, 13, 14, 15, 16,
        0x00,                   /*   Name: null (compact 0) */
        0x00,                   /*   no tags */
        0x00,                   /* AllowAutoTopicCreation false */
        0x01,                   /* IncludeTopicAuthorizedOperations true */
        0x00,                   /* no tags */
    };
    struct kr_MetadataRequestTopic t = {uuid_1_to_16, {NULL, -1}};
    struct kr_MetadataRequest m = {1, &t, false, false, true};
    check_kat(&kr_api_Metadata, 12, false, &m, expected, sizeof expected,
              cmp_metadata_req);
}
END_TEST

static const uint8_t metadata_v13_resp[] = {
    0x00, 0x00, 0x00, 0x05,   /* ThrottleTimeMs 5 */
    0x02,                     /* Brokers: 1 (compact N+1) */
    0x00, 0x00, 0x00, 0x01,   /*   NodeId 1 */
    0x03, 'h', '1',           /*   Host "h1" */
    0x00, 0x00, 0x23, 0x84,   /*   Port 9092 */
    0x00,                     /*   Rack: null */
    0x00,                     /*   no tags */
    0x02, 'c',                /* ClusterId "c" */
    0x00, 0x00, 0x00, 0x01,   /* ControllerId 1 */
    0x02,                     /* Topics: 1 */
    0x00, 0x00,               /*   ErrorCode 0 */
    0x02, 't',                /*   Name "t" */
    1, 2, 3, 4, 5, 6, 7, 8,   /*   TopicId */
    9, 10, 11, 12, 13, 14, 15, 16,
    0x01,                     /*   IsInternal true */
    0x02,                     /*   Partitions: 1 */
    0x00, 0x00,               /*     ErrorCode 0 */
    0x00, 0x00, 0x00, 0x00,   /*     PartitionIndex 0 */
    0x00, 0x00, 0x00, 0x01,   /*     LeaderId 1 */
    0x00, 0x00, 0x00, 0x03,   /*     LeaderEpoch 3 */
    0x02, 0x00, 0x00, 0x00, 0x01, /*     ReplicaNodes [1] */
    0x02, 0x00, 0x00, 0x00, 0x01, /*     IsrNodes [1] */
    0x01,                     /*     OfflineReplicas [] */
    0x00,                     /*     no tags */
    0x00, 0x00, 0x05, 0xf8,   /*   TopicAuthorizedOperations 0x5f8 */
    0x00,                     /*   no tags */
    0x00, 0x1f,               /* ErrorCode 31 (v13+) */
    0x00,                     /* no tags */
};

START_TEST(metadata_response_v13_matches_known_bytes)
{
    struct kr_MetadataResponseBroker br = {1, kr_str_c("h1"), 9092,
                                           {NULL, -1}};
    int32_t one = 1;
    struct kr_MetadataResponsePartition p = {
        .LeaderId = 1, .LeaderEpoch = 3, .ReplicaNodesCnt = 1,
        .ReplicaNodes = &one, .IsrNodesCnt = 1, .IsrNodes = &one};
    struct kr_MetadataResponseTopic t = {
        .Name = kr_str_c("t"), .TopicId = uuid_1_to_16, .IsInternal = true,
        .PartitionsCnt = 1, .Partitions = &p,
        .TopicAuthorizedOperations = 0x5f8};
    struct kr_MetadataResponse m = {
        .ThrottleTimeMs = 5, .BrokersCnt = 1, .Brokers = &br,
        .ClusterId = kr_str_c("c"), .ControllerId = 1, .TopicsCnt = 1,
        .Topics = &t, .ClusterAuthorizedOperations = INT32_MIN,
        .ErrorCode = 31};
    check_kat(&kr_api_Metadata, 13, true, &m, metadata_v13_resp,
              sizeof metadata_v13_resp, cmp_metadata_resp);
}
END_TEST

START_TEST(metadata_response_v0_decodes_absent_fields_as_defaults)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x01, /* Brokers: 1 */
        0x00, 0x00, 0x00, 0x02, /*   NodeId 2 */
        0x00, 0x02, 'h', '2',   /*   Host "h2" */
        0x00, 0x00, 0x23, 0x85, /*   Port 9093 */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x03,             /*   ErrorCode 3 UNKNOWN_TOPIC_OR_PARTITION */
        0x00, 0x01, 'x',        /*   Name "x" */
        0x00, 0x00, 0x00, 0x00, /*   Partitions: 0 */
    };
    struct kr_MetadataResponseBroker br = {2, kr_str_c("h2"), 9093,
                                           {NULL, -1}};
    struct kr_MetadataResponseTopic t = {.ErrorCode = 3,
                                         .Name = kr_str_c("x")};
    struct kr_MetadataResponse m = {.BrokersCnt = 1, .Brokers = &br,
                                    .TopicsCnt = 1, .Topics = &t};
    expect_encode(&kr_api_Metadata, 0, true, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_MetadataResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Metadata, 0, true, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.Brokers[0].NodeId, 2);
    ck_assert(kr_str_eq(d.Brokers[0].Host, "h2"));
    ck_assert_int_eq(d.Brokers[0].Port, 9093);
    ck_assert_int_eq(d.Brokers[0].Rack.len, -1);     /* default null */
    ck_assert_int_eq(d.ClusterId.len, -1);           /* default null */
    ck_assert_int_eq(d.ControllerId, -1);            /* default -1 */
    ck_assert_int_eq(d.Topics[0].ErrorCode, 3);
    ck_assert(kr_str_eq(d.Topics[0].Name, "x"));
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 0);
    ck_assert_int_eq(d.Topics[0].TopicAuthorizedOperations, INT32_MIN);
    ck_assert_int_eq(d.ClusterAuthorizedOperations, INT32_MIN);
    kr_arena_destroy(&a);
}
END_TEST

/* Topic names may be null only from v10 (request) and v12 (response on):
 * earlier, a null is refused both ways. */
START_TEST(metadata_null_topic_names_are_refused_before_their_versions)
{
    struct kr_MetadataRequestTopic rt = {uuid_1_to_16, {NULL, -1}};
    struct kr_MetadataRequest req = {1, &rt, true, false, false};
    struct kr_MetadataResponseTopic t = {.Name = {NULL, -1},
                                         .TopicId = uuid_1_to_16};
    struct kr_MetadataResponse resp = {.TopicsCnt = 1, .Topics = &t};
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Metadata, 9, false, &req),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Metadata, 11, true, &resp),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_buf_reset(&b);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Metadata, 12, true, &resp),
                     KRAFKA_ERR_NONE);
    kr_buf_free(&b);

    static const uint8_t v11[] = {
        0, 0, 0, 0,             /* ThrottleTimeMs */
        0x01,                   /* Brokers: empty */
        0x00,                   /* ClusterId: null */
        0xff, 0xff, 0xff, 0xff, /* ControllerId -1 */
        0x02,                   /* Topics: 1 */
        0x00, 0x00,             /*   ErrorCode */
        0x00,                   /*   Name: null, not allowed before v12 */
        1, 2, 3, 4, 5, 6, 7, 8, /*   TopicId */
        9, 10, 11, 12, 13, 14, 15, 16,
        0x00,                   /*   IsInternal */
        0x01,                   /*   Partitions: empty */
        0x00, 0x00, 0x00, 0x00, /*   TopicAuthorizedOperations */
        0x00,                   /*   no tags */
        0x00,                   /* no tags */
    };
    struct kr_arena a;
    struct kr_MetadataResponse d;
    kr_arena_init(&a, 0);
    ck_assert_int_eq(kr_msg_read(&kr_api_Metadata, 11, true, v11, sizeof v11,
                                 &a, &d),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    ck_assert_int_eq(kr_msg_read(&kr_api_Metadata, 12, true, v11, sizeof v11,
                                 &a, &d),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(d.Topics[0].Name.len, -1);
    kr_arena_destroy(&a);
}
END_TEST

/* The cluster-level authorized operations exist in v8-10 only (KIP-700
 * moved them to DescribeCluster): one bool in the request, one int32 in the
 * response, present at v10 and gone at v11. */
START_TEST(metadata_cluster_authorized_operations_are_in_v8_to_v10_only)
{
    struct kr_MetadataRequest req = {.AllowAutoTopicCreation = true,
                                     .IncludeClusterAuthorizedOperations =
                                         true};
    struct kr_MetadataResponse resp = {.ControllerId = -1,
                                       .ClusterAuthorizedOperations = 0x77};
    static const uint8_t req_v10[] = {0x01, 0x01, 0x01, 0x00, 0x00};
    static const uint8_t req_v11[] = {0x01, 0x01, 0x00, 0x00};
    expect_encode(&kr_api_Metadata, 10, false, &req, req_v10, sizeof req_v10);
    expect_encode(&kr_api_Metadata, 11, false, &req, req_v11, sizeof req_v11);
    static const uint8_t resp_v10[] = {
        0, 0, 0, 0,             /* ThrottleTimeMs */
        0x01,                   /* Brokers: empty */
        0x02, 'x',              /* ClusterId "x" */
        0xff, 0xff, 0xff, 0xff, /* ControllerId -1 */
        0x01,                   /* Topics: empty */
        0x00, 0x00, 0x00, 0x77, /* ClusterAuthorizedOperations */
        0x00,                   /* no tags */
    };
    resp.ClusterId = kr_str_c("x");
    expect_encode(&kr_api_Metadata, 10, true, &resp, resp_v10,
                  sizeof resp_v10);
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Metadata, 11, true, &resp),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(b.len, sizeof resp_v10 - 4);
    kr_buf_free(&b);
}
END_TEST

START_TEST(metadata_samples_decode_field_by_field_at_every_version)
{
    check_samples(&kr_api_Metadata, false, cmp_metadata_req);
    check_samples(&kr_api_Metadata, true, cmp_metadata_resp);
}
END_TEST

static void poison_metadata_req(int16_t v, void *msg)
{
    struct kr_MetadataRequest *m = msg;
    for (int32_t i = 0; v < 10 && i < m->TopicsCnt; i++)
        m->Topics[i].TopicId.b[5] = 0x66;
    if (v < 4)
        m->AllowAutoTopicCreation = false;
    if (v < 8 || v > 10)
        m->IncludeClusterAuthorizedOperations = true;
    if (v < 8)
        m->IncludeTopicAuthorizedOperations = true;
}

static void poison_metadata_partition(int16_t v,
                                      struct kr_MetadataResponsePartition *p)
{
    if (v < 7)
        p->LeaderEpoch = 666;
    if (v < 5) {
        p->OfflineReplicasCnt = 2;
        p->OfflineReplicas = poison_ids;
    }
}

static void poison_metadata_resp(int16_t v, void *msg)
{
    struct kr_MetadataResponse *m = msg;
    if (v < 3)
        m->ThrottleTimeMs = 666;
    for (int32_t i = 0; v < 1 && i < m->BrokersCnt; i++)
        m->Brokers[i].Rack = kr_str_c("poison");
    if (v < 2)
        m->ClusterId = kr_str_c("poison");
    if (v < 1)
        m->ControllerId = 666;
    for (int32_t i = 0; i < m->TopicsCnt; i++) {
        struct kr_MetadataResponseTopic *t = &m->Topics[i];
        if (v < 10)
            t->TopicId.b[5] = 0x66;
        if (v < 1)
            t->IsInternal = true;
        for (int32_t j = 0; j < t->PartitionsCnt; j++)
            poison_metadata_partition(v, &t->Partitions[j]);
        if (v < 8)
            t->TopicAuthorizedOperations = 666;
    }
    if (v < 8 || v > 10)
        m->ClusterAuthorizedOperations = 666;
    if (v < 13)
        m->ErrorCode = 666;
}

START_TEST(metadata_fields_stay_off_the_wire_outside_their_versions)
{
    check_absent_fields(&kr_api_Metadata, false, poison_metadata_req);
    check_absent_fields(&kr_api_Metadata, true, poison_metadata_resp);
}
END_TEST

START_TEST(metadata_hostile_array_counts_are_bad_msg_without_allocating)
{
    static const uint8_t v0_brokers[] = {0x7f, 0xff, 0xff, 0xff};
    static const uint8_t v9_replicas[] = {
        0, 0, 0, 0,                   /* ThrottleTimeMs */
        0x01,                         /* Brokers: empty */
        0x00,                         /* ClusterId: null */
        0, 0, 0, 1,                   /* ControllerId */
        0x02,                         /* Topics: 1 */
        0x00, 0x00, 0x02, 't', 0x00,  /*   ErrorCode, Name, IsInternal */
        0x02,                         /*   Partitions: 1 */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /*     ErrorCode .. LeaderId */
        0, 0, 0, 0,                   /*     LeaderEpoch */
        0x80, 0x80, 0x80, 0x80, 0x08, /*     ReplicaNodes: 2^31-1 */
    };
    /* an int32 array of 2^30 entries in 4 bytes left */
    static const uint8_t v9_isr[] = {
        0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 1, 0x02, 0x00, 0x00, 0x02, 't',
        0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0x01,                         /*     ReplicaNodes: empty */
        0x81, 0x80, 0x80, 0x80, 0x04, /*     IsrNodes: 2^30 */
        0, 0, 0, 0,
    };
    expect_bad_msg(&kr_api_Metadata, 0, v0_brokers, sizeof v0_brokers, 0);
    /* only the one-element Topics and Partitions arrays: one arena chunk */
    expect_bad_msg(&kr_api_Metadata, 9, v9_replicas, sizeof v9_replicas,
                   8192);
    expect_bad_msg(&kr_api_Metadata, 9, v9_isr, sizeof v9_isr, 8192);
}
END_TEST

/* ========================= ListOffsets (key 2) ========================= */

static void cmp_listoffsets_req(int16_t v, const void *w, const void *g)
{
    const struct kr_ListOffsetsRequest *want = w, *got = g;
    EQ(want, got, ReplicaId);
    EQ(want, got, IsolationLevel);
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++) {
        const struct kr_ListOffsetsTopic *wt = &want->Topics[i];
        const struct kr_ListOffsetsTopic *gt = &got->Topics[i];
        eq_str(v, wt->Name, gt->Name, "Topics.Name");
        EQ(wt, gt, PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++) {
            EQ(wt, gt, Partitions[j].PartitionIndex);
            EQ(wt, gt, Partitions[j].CurrentLeaderEpoch);
            EQ(wt, gt, Partitions[j].Timestamp);
        }
    }
    EQ(want, got, TimeoutMs);
}

static void cmp_listoffsets_resp(int16_t v, const void *w, const void *g)
{
    const struct kr_ListOffsetsResponse *want = w, *got = g;
    EQ(want, got, ThrottleTimeMs);
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++) {
        const struct kr_ListOffsetsTopicResponse *wt = &want->Topics[i];
        const struct kr_ListOffsetsTopicResponse *gt = &got->Topics[i];
        eq_str(v, wt->Name, gt->Name, "Topics.Name");
        EQ(wt, gt, PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++) {
            EQ(wt, gt, Partitions[j].PartitionIndex);
            EQ(wt, gt, Partitions[j].ErrorCode);
            EQ(wt, gt, Partitions[j].Timestamp);
            EQ(wt, gt, Partitions[j].Offset);
            EQ(wt, gt, Partitions[j].LeaderEpoch);
        }
    }
}

START_TEST(listoffsets_request_v1_and_v10_match_known_bytes)
{
    static const uint8_t v1[] = {
        0xff, 0xff, 0xff, 0xff, /* ReplicaId -1 (consumer) */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /*   Name "t" */
        0x00, 0x00, 0x00, 0x01, /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x02, /*     PartitionIndex 2 */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* Timestamp -1 */
    };
    static const uint8_t v10[] = {
        0xff, 0xff, 0xff, 0xff, /* ReplicaId -1 */
        0x01,                   /* IsolationLevel 1 (READ_COMMITTED) */
        0x02,                   /* Topics: 1 (compact N+1) */
        0x02, 't',              /*   Name "t" */
        0x02,                   /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x02, /*     PartitionIndex 2 */
        0x00, 0x00, 0x00, 0x05, /*     CurrentLeaderEpoch 5 */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, /* Timestamp -2 */
        0x00,                   /*     no tags */
        0x00,                   /*   no tags */
        0x00, 0x00, 0x75, 0x30, /* TimeoutMs 30000 */
        0x00,                   /* no tags */
    };
    struct kr_ListOffsetsPartition p = {2, -1, -1};
    struct kr_ListOffsetsTopic t = {kr_str_c("t"), 1, &p};
    struct kr_ListOffsetsRequest m = {-1, 0, 1, &t, 0};
    check_kat(&kr_api_ListOffsets, 1, false, &m, v1, sizeof v1,
              cmp_listoffsets_req);
    p = (struct kr_ListOffsetsPartition){2, 5, -2};
    m.IsolationLevel = 1;
    m.TimeoutMs = 30000;
    check_kat(&kr_api_ListOffsets, 10, false, &m, v10, sizeof v10,
              cmp_listoffsets_req);
}
END_TEST

START_TEST(listoffsets_response_v6_matches_known_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x07, /* ThrottleTimeMs 7 */
        0x02,                   /* Topics: 1 (compact N+1) */
        0x02, 't',              /*   Name "t" */
        0x02,                   /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x02, /*     PartitionIndex 2 */
        0x00, 0x00,             /*     ErrorCode 0 */
        0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, /* Timestamp 1.7e12 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, /* Offset 42 */
        0x00, 0x00, 0x00, 0x05, /*     LeaderEpoch 5 */
        0x00,                   /*     no tags */
        0x00,                   /*   no tags */
        0x00,                   /* no tags */
    };
    struct kr_ListOffsetsPartitionResponse p = {2, 0, 1700000000000, 42, 5};
    struct kr_ListOffsetsTopicResponse t = {kr_str_c("t"), 1, &p};
    struct kr_ListOffsetsResponse m = {7, 1, &t};
    check_kat(&kr_api_ListOffsets, 6, true, &m, expected, sizeof expected,
              cmp_listoffsets_resp);
}
END_TEST

START_TEST(listoffsets_samples_decode_field_by_field_at_every_version)
{
    check_samples(&kr_api_ListOffsets, false, cmp_listoffsets_req);
    check_samples(&kr_api_ListOffsets, true, cmp_listoffsets_resp);
}
END_TEST

static void poison_listoffsets_req(int16_t v, void *msg)
{
    struct kr_ListOffsetsRequest *m = msg;
    if (v < 2)
        m->IsolationLevel = 66;
    for (int32_t i = 0; v < 4 && i < m->TopicsCnt; i++)
        for (int32_t j = 0; j < m->Topics[i].PartitionsCnt; j++)
            m->Topics[i].Partitions[j].CurrentLeaderEpoch = 666;
    if (v < 10)
        m->TimeoutMs = 666;
}

static void poison_listoffsets_resp(int16_t v, void *msg)
{
    struct kr_ListOffsetsResponse *m = msg;
    if (v < 2)
        m->ThrottleTimeMs = 666;
    for (int32_t i = 0; v < 4 && i < m->TopicsCnt; i++)
        for (int32_t j = 0; j < m->Topics[i].PartitionsCnt; j++)
            m->Topics[i].Partitions[j].LeaderEpoch = 666;
}

START_TEST(listoffsets_fields_stay_off_the_wire_outside_their_versions)
{
    check_absent_fields(&kr_api_ListOffsets, false, poison_listoffsets_req);
    check_absent_fields(&kr_api_ListOffsets, true, poison_listoffsets_resp);
}
END_TEST

START_TEST(listoffsets_hostile_array_counts_are_bad_msg_without_allocating)
{
    static const uint8_t v1_topics[] = {0x7f, 0xff, 0xff, 0xff};
    static const uint8_t v6_partitions[] = {
        0, 0, 0, 0,                   /* ThrottleTimeMs */
        0x02,                         /* Topics: 1 */
        0x02, 't',                    /*   Name */
        0x80, 0x80, 0x80, 0x80, 0x08, /*   Partitions: 2^31-1 */
        0x00, 0x00,
    };
    /* 2 partitions of at least 22 bytes each do not fit in 30 bytes */
    static const uint8_t v2_two_partitions[] = {
        0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    expect_bad_msg(&kr_api_ListOffsets, 1, v1_topics, sizeof v1_topics, 0);
    expect_bad_msg(&kr_api_ListOffsets, 6, v6_partitions,
                   sizeof v6_partitions, 8192);
    expect_bad_msg(&kr_api_ListOffsets, 2, v2_two_partitions,
                   sizeof v2_two_partitions, 8192);
}
END_TEST

/* ===================== OffsetForLeaderEpoch (key 23) ===================== */

static void cmp_offsetforleaderepoch_req(int16_t v, const void *w,
                                         const void *g)
{
    const struct kr_OffsetForLeaderEpochRequest *want = w, *got = g;
    EQ(want, got, ReplicaId);
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++) {
        const struct kr_OffsetForLeaderTopic *wt = &want->Topics[i];
        const struct kr_OffsetForLeaderTopic *gt = &got->Topics[i];
        eq_str(v, wt->Topic, gt->Topic, "Topics.Topic");
        EQ(wt, gt, PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++) {
            EQ(wt, gt, Partitions[j].Partition);
            EQ(wt, gt, Partitions[j].CurrentLeaderEpoch);
            EQ(wt, gt, Partitions[j].LeaderEpoch);
        }
    }
}

static void cmp_offsetforleaderepoch_resp(int16_t v, const void *w,
                                          const void *g)
{
    const struct kr_OffsetForLeaderEpochResponse *want = w, *got = g;
    EQ(want, got, ThrottleTimeMs);
    EQ(want, got, TopicsCnt);
    for (int32_t i = 0; i < want->TopicsCnt; i++) {
        const struct kr_OffsetForLeaderTopicResult *wt = &want->Topics[i];
        const struct kr_OffsetForLeaderTopicResult *gt = &got->Topics[i];
        eq_str(v, wt->Topic, gt->Topic, "Topics.Topic");
        EQ(wt, gt, PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++) {
            EQ(wt, gt, Partitions[j].ErrorCode);
            EQ(wt, gt, Partitions[j].Partition);
            EQ(wt, gt, Partitions[j].LeaderEpoch);
            EQ(wt, gt, Partitions[j].EndOffset);
        }
    }
}

START_TEST(offsetforleaderepoch_request_v2_and_v3_match_known_bytes)
{
    static const uint8_t v3[] = {
        0xff, 0xff, 0xff, 0xff, /* ReplicaId -1 (consumer; v3+) */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /*   Topic "t" */
        0x00, 0x00, 0x00, 0x01, /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x03, /*     Partition 3 */
        0x00, 0x00, 0x00, 0x09, /*     CurrentLeaderEpoch 9 */
        0x00, 0x00, 0x00, 0x08, /*     LeaderEpoch 8 */
    };
    const uint8_t *v2 = v3 + 4; /* the same without ReplicaId */
    struct kr_OffsetForLeaderPartition p = {3, 9, 8};
    struct kr_OffsetForLeaderTopic t = {kr_str_c("t"), 1, &p};
    struct kr_OffsetForLeaderEpochRequest m = {-1, 1, &t};
    check_kat(&kr_api_OffsetForLeaderEpoch, 3, false, &m, v3, sizeof v3,
              cmp_offsetforleaderepoch_req);
    /* v2 has no ReplicaId: it decodes as the default -2 (debug consumer) */
    m.ReplicaId = -2;
    check_kat(&kr_api_OffsetForLeaderEpoch, 2, false, &m, v2, sizeof v3 - 4,
              cmp_offsetforleaderepoch_req);
}
END_TEST

START_TEST(offsetforleaderepoch_response_v4_matches_known_bytes)
{
    static const uint8_t expected[] = {
        0x00, 0x00, 0x00, 0x07, /* ThrottleTimeMs 7 */
        0x02,                   /* Topics: 1 (compact N+1) */
        0x02, 't',              /*   Topic "t" */
        0x02,                   /*   Partitions: 1 */
        0x00, 0x4b,             /*     ErrorCode 75 UNKNOWN_LEADER_EPOCH */
        0x00, 0x00, 0x00, 0x03, /*     Partition 3 */
        0x00, 0x00, 0x00, 0x08, /*     LeaderEpoch 8 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, /* EndOffset 100 */
        0x00,                   /*     no tags */
        0x00,                   /*   no tags */
        0x00,                   /* no tags */
    };
    struct kr_EpochEndOffset p = {75, 3, 8, 100};
    struct kr_OffsetForLeaderTopicResult t = {kr_str_c("t"), 1, &p};
    struct kr_OffsetForLeaderEpochResponse m = {7, 1, &t};
    check_kat(&kr_api_OffsetForLeaderEpoch, 4, true, &m, expected,
              sizeof expected, cmp_offsetforleaderepoch_resp);
}
END_TEST

START_TEST(offsetforleaderepoch_samples_decode_field_by_field_every_version)
{
    check_samples(&kr_api_OffsetForLeaderEpoch, false,
                  cmp_offsetforleaderepoch_req);
    check_samples(&kr_api_OffsetForLeaderEpoch, true,
                  cmp_offsetforleaderepoch_resp);
}
END_TEST

/* Every response field exists in v2-4: only the request has one. */
static void poison_offsetforleaderepoch_req(int16_t v, void *msg)
{
    struct kr_OffsetForLeaderEpochRequest *m = msg;
    if (v < 3)
        m->ReplicaId = 666;
}

START_TEST(offsetforleaderepoch_fields_stay_off_the_wire_outside_versions)
{
    check_absent_fields(&kr_api_OffsetForLeaderEpoch, false,
                        poison_offsetforleaderepoch_req);
}
END_TEST

START_TEST(offsetforleaderepoch_hostile_array_counts_are_bad_msg)
{
    static const uint8_t v2_topics[] = {
        0, 0, 0, 0,             /* ThrottleTimeMs */
        0x7f, 0xff, 0xff, 0xff, /* Topics: 2^31-1 */
    };
    static const uint8_t v4_partitions[] = {
        0, 0, 0, 0,                   /* ThrottleTimeMs */
        0x02,                         /* Topics: 1 */
        0x02, 't',                    /*   Topic */
        0x80, 0x80, 0x80, 0x80, 0x08, /*   Partitions: 2^31-1 */
        0x00, 0x00,
    };
    expect_bad_msg(&kr_api_OffsetForLeaderEpoch, 2, v2_topics,
                   sizeof v2_topics, 0);
    expect_bad_msg(&kr_api_OffsetForLeaderEpoch, 4, v4_partitions,
                   sizeof v4_partitions, 8192);
}
END_TEST

/* ============================ the descriptors ============================ */

START_TEST(descriptors_carry_the_negotiable_version_ranges)
{
    ck_assert_int_eq(kr_api_ApiVersions.min_ver, 0);
    ck_assert_int_eq(kr_api_ApiVersions.max_ver, 4);
    ck_assert_int_eq(kr_api_ApiVersions.flex_ver, 3);
    ck_assert_int_eq(kr_api_Metadata.min_ver, 0);
    ck_assert_int_eq(kr_api_Metadata.max_ver, 13);
    ck_assert_int_eq(kr_api_Metadata.flex_ver, 9);
    ck_assert_int_eq(kr_api_ListOffsets.min_ver, 1); /* KIP-896 */
    ck_assert_int_eq(kr_api_ListOffsets.max_ver, 10);
    ck_assert_int_eq(kr_api_ListOffsets.flex_ver, 6);
    ck_assert_int_eq(kr_api_OffsetForLeaderEpoch.min_ver, 2); /* KIP-896 */
    ck_assert_int_eq(kr_api_OffsetForLeaderEpoch.max_ver, 4);
    ck_assert_int_eq(kr_api_OffsetForLeaderEpoch.flex_ver, 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, apiversions_request_v3_matches_known_bytes);
    tcase_add_test(tc,
                   apiversions_response_v3_with_all_tags_matches_known_bytes);
    tcase_add_test(
        tc, apiversions_absent_tags_decode_as_defaults_and_unknown_are_skipped);
    tcase_add_test(tc, unsupported_version_answer_decodes_as_v0_body);
    tcase_add_test(tc,
                   apiversions_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, apiversions_fields_stay_off_the_wire_outside_their_versions);
    tcase_add_test(
        tc, apiversions_hostile_array_counts_are_bad_msg_without_allocating);
    tcase_add_test(tc,
                   apiversions_v3_response_frame_has_header_v0_and_roundtrips);
    tcase_add_test(tc, metadata_request_v1_null_topics_asks_for_all_topics);
    tcase_add_test(tc, metadata_request_v8_matches_known_bytes);
    tcase_add_test(tc, metadata_request_v12_topic_by_id_matches_known_bytes);
    tcase_add_test(tc, metadata_response_v13_matches_known_bytes);
    tcase_add_test(tc, metadata_response_v0_decodes_absent_fields_as_defaults);
    tcase_add_test(tc,
                   metadata_null_topic_names_are_refused_before_their_versions);
    tcase_add_test(
        tc, metadata_cluster_authorized_operations_are_in_v8_to_v10_only);
    tcase_add_test(tc,
                   metadata_samples_decode_field_by_field_at_every_version);
    tcase_add_test(tc,
                   metadata_fields_stay_off_the_wire_outside_their_versions);
    tcase_add_test(
        tc, metadata_hostile_array_counts_are_bad_msg_without_allocating);
    tcase_add_test(tc, listoffsets_request_v1_and_v10_match_known_bytes);
    tcase_add_test(tc, listoffsets_response_v6_matches_known_bytes);
    tcase_add_test(tc,
                   listoffsets_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, listoffsets_fields_stay_off_the_wire_outside_their_versions);
    tcase_add_test(
        tc, listoffsets_hostile_array_counts_are_bad_msg_without_allocating);
    tcase_add_test(tc,
                   offsetforleaderepoch_request_v2_and_v3_match_known_bytes);
    tcase_add_test(tc, offsetforleaderepoch_response_v4_matches_known_bytes);
    tcase_add_test(
        tc,
        offsetforleaderepoch_samples_decode_field_by_field_every_version);
    tcase_add_test(
        tc, offsetforleaderepoch_fields_stay_off_the_wire_outside_versions);
    tcase_add_test(tc, offsetforleaderepoch_hostile_array_counts_are_bad_msg);
    tcase_add_test(tc, descriptors_carry_the_negotiable_version_ranges);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
