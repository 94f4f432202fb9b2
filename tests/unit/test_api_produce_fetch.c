/*
 * Produce (key 0) and Fetch (key 1). Known-answer byte vectors written by
 * hand from the Kafka 4.1.1 JSON schemas pin the encoder and the decoder to
 * the spec; the samples decode back field by field at every version (min and
 * max included); hostile array counts are refused before anything is
 * allocated; Records decode as views into the input (zero copy).
 */
#include "codec_check.h"
#include "kt_check.h"

/* ---- helpers ---- */

static void eq_bytes(int16_t v, struct kr_bytes want, struct kr_bytes got,
                     const char *field)
{
    ck_assert_msg(want.len == got.len &&
                      (want.len <= 0 ||
                       memcmp(want.ptr, got.ptr, (size_t)want.len) == 0),
                  "v%d: %s: %d bytes != %d bytes or content differs", v,
                  field, want.len, got.len);
}

/* ========================== Produce (key 0) ========================== */

START_TEST(produce_request_v3_matches_hand_written_bytes)
{
    static const uint8_t records[] = {0x01, 0x02, 0x03};
    static const uint8_t expected[] = {
        0xff, 0xff,             /* TransactionalId: null */
        0xff, 0xff,             /* Acks: -1 */
        0x00, 0x00, 0x03, 0xe8, /* TimeoutMs: 1000 */
        0x00, 0x00, 0x00, 0x01, /* TopicData: 1 */
        0x00, 0x01, 't',        /*   Name: "t" */
        0x00, 0x00, 0x00, 0x02, /*   PartitionData: 2 */
        0x00, 0x00, 0x00, 0x00, /*     Index: 0 */
        0x00, 0x00, 0x00, 0x03, /*     Records: 3 bytes */
        0x01, 0x02, 0x03,       /*       (opaque) */
        0x00, 0x00, 0x00, 0x01, /*     Index: 1 */
        0xff, 0xff, 0xff, 0xff, /*     Records: null */
    };
    struct kr_PartitionProduceData parts[] = {
        {0, {records, 3}},
        {1, {NULL, -1}},
    };
    struct kr_TopicProduceData topic = {.Name = kr_str_c("t"),
                                        .PartitionDataCnt = 2,
                                        .PartitionData = parts};
    struct kr_ProduceRequest m;
    kr_produce_request_init(&m);
    m.Acks = -1;
    m.TimeoutMs = 1000;
    m.TopicDataCnt = 1;
    m.TopicData = &topic;
    expect_encode(&kr_api_Produce, 3, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_ProduceRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Produce, 3, false, expected, sizeof expected, &a,
                  &d);
    ck_assert_int_eq(d.TransactionalId.len, -1);
    ck_assert_int_eq(d.Acks, -1);
    ck_assert_int_eq(d.TimeoutMs, 1000);
    ck_assert_int_eq(d.TopicDataCnt, 1);
    ck_assert(kr_str_eq(d.TopicData[0].Name, "t"));
    ck_assert_int_eq(d.TopicData[0].PartitionDataCnt, 2);
    ck_assert_int_eq(d.TopicData[0].PartitionData[0].Index, 0);
    ck_assert_int_eq(d.TopicData[0].PartitionData[0].Records.len, 3);
    ck_assert(memcmp(d.TopicData[0].PartitionData[0].Records.ptr, records,
                     3) == 0);
    ck_assert_int_eq(d.TopicData[0].PartitionData[1].Index, 1);
    ck_assert_int_eq(d.TopicData[0].PartitionData[1].Records.len, -1);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(produce_request_v13_uses_topic_ids_and_compact_forms)
{
    static const uint8_t records[] = {0xaa, 0xbb};
    static const uint8_t expected[] = {
        0x03, 't', 'x',         /* TransactionalId: "tx" (compact) */
        0x00, 0x01,             /* Acks: 1 */
        0x00, 0x00, 0x13, 0x88, /* TimeoutMs: 5000 */
        0x02,                   /* TopicData: 1 (compact) */
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, /* TopicId */
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
        0x02,                   /*   PartitionData: 1 */
        0x00, 0x00, 0x00, 0x07, /*     Index: 7 */
        0x03, 0xaa, 0xbb,       /*     Records: 2 bytes (compact) */
        0x00,                   /*     no tagged fields */
        0x00,                   /*   no tagged fields */
        0x00,                   /* no tagged fields */
    };
    struct kr_PartitionProduceData part = {7, {records, 2}};
    struct kr_TopicProduceData topic = {.TopicId = uuid_seq(0),
                                        .PartitionDataCnt = 1,
                                        .PartitionData = &part};
    struct kr_ProduceRequest m = {kr_str_c("tx"), 1, 5000, 1, &topic};
    expect_encode(&kr_api_Produce, 13, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_ProduceRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Produce, 13, false, expected, sizeof expected, &a,
                  &d);
    ck_assert(kr_str_eq(d.TransactionalId, "tx"));
    ck_assert_int_eq(d.Acks, 1);
    ck_assert_int_eq(d.TimeoutMs, 5000);
    ck_assert_int_eq(d.TopicDataCnt, 1);
    ck_assert(memcmp(d.TopicData[0].TopicId.b, topic.TopicId.b, 16) == 0);
    ck_assert_int_eq(d.TopicData[0].PartitionDataCnt, 1);
    ck_assert_int_eq(d.TopicData[0].PartitionData[0].Index, 7);
    ck_assert_int_eq(d.TopicData[0].PartitionData[0].Records.len, 2);
    ck_assert(memcmp(d.TopicData[0].PartitionData[0].Records.ptr, records,
                     2) == 0);
    kr_arena_destroy(&a);
}
END_TEST

/* ProduceResponse v10 (flexible) with both tagged fields of KIP-951. */
static const uint8_t produce_resp_v10[] = {
    0x02,      /* Responses: 1 (compact) */
    0x02, 't', /*   Name: "t" */
    0x03,      /*   PartitionResponses: 2 */
    /* partition 0 */
    0x00, 0x00, 0x00, 0x00,                         /* Index: 0 */
    0x00, 0x06,                                     /* ErrorCode: 6 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* BaseOffset: -1 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LogAppendTimeMs: -1 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LogStartOffset: -1 */
    0x01,                   /* RecordErrors: 0 */
    0x00,                   /* ErrorMessage: null */
    0x01,                   /* 1 tagged field */
    0x00, 0x09,             /*   tag 0 CurrentLeader, 9 bytes */
    0x00, 0x00, 0x00, 0x02, /*     LeaderId: 2 */
    0x00, 0x00, 0x00, 0x05, /*     LeaderEpoch: 5 */
    0x00,                   /*     no tagged fields */
    /* partition 1 */
    0x00, 0x00, 0x00, 0x01,                         /* Index: 1 */
    0x00, 0x00,                                     /* ErrorCode: 0 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, /* BaseOffset: 100 */
    0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, /* LogAppendTimeMs */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* LogStartOffset: 0 */
    0x02,                        /* RecordErrors: 1 */
    0x00, 0x00, 0x00, 0x03,      /*   BatchIndex: 3 */
    0x04, 'b', 'a', 'd',         /*   BatchIndexErrorMessage: "bad" */
    0x00,                        /*   no tagged fields */
    0x05, 'o', 'o', 'p', 's',    /* ErrorMessage: "oops" */
    0x00,                        /* no tagged fields: CurrentLeader default */
    0x00,                        /*   topic: no tagged fields */
    0x00, 0x00, 0x00, 0x14,      /* ThrottleTimeMs: 20 */
    0x01,                        /* 1 tagged field */
    0x00, 0x0d,                  /*   tag 0 NodeEndpoints, 13 bytes */
    0x02,                        /*     1 endpoint */
    0x00, 0x00, 0x00, 0x02,      /*     NodeId: 2 */
    0x02, 'h',                   /*     Host: "h" */
    0x00, 0x00, 0x23, 0x84,      /*     Port: 9092 */
    0x00,                        /*     Rack: null */
    0x00,                        /*     no tagged fields */
};

START_TEST(produce_response_v10_matches_hand_written_bytes)
{
    struct kr_BatchIndexAndErrorMessage rec_err = {3, kr_str_c("bad")};
    struct kr_PartitionProduceResponse parts[2] = {
        {.Index = 0, .ErrorCode = 6, .BaseOffset = -1, .LogAppendTimeMs = -1,
         .LogStartOffset = -1, .ErrorMessage = {NULL, -1},
         .CurrentLeader = {2, 5}},
        {.Index = 1, .BaseOffset = 100, .LogAppendTimeMs = 1700000000000,
         .RecordErrorsCnt = 1, .RecordErrors = &rec_err,
         .ErrorMessage = kr_str_c("oops"), .CurrentLeader = {-1, -1}},
    };
    struct kr_TopicProduceResponse topic = {.Name = kr_str_c("t"),
                                            .PartitionResponsesCnt = 2,
                                            .PartitionResponses = parts};
    struct kr_NodeEndpoint ep = {2, kr_str_c("h"), 9092,
                                                {NULL, -1}};
    struct kr_ProduceResponse m = {1, &topic, 20, 1, &ep};
    expect_encode(&kr_api_Produce, 10, true, &m, produce_resp_v10,
                  sizeof produce_resp_v10);

    struct kr_arena a;
    struct kr_ProduceResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Produce, 10, true, produce_resp_v10,
                  sizeof produce_resp_v10, &a, &d);
    ck_assert_int_eq(d.ResponsesCnt, 1);
    ck_assert(kr_str_eq(d.Responses[0].Name, "t"));
    ck_assert_int_eq(d.Responses[0].PartitionResponsesCnt, 2);
    const struct kr_PartitionProduceResponse *p0 =
        &d.Responses[0].PartitionResponses[0];
    const struct kr_PartitionProduceResponse *p1 =
        &d.Responses[0].PartitionResponses[1];
    ck_assert_int_eq(p0->Index, 0);
    ck_assert_int_eq(p0->ErrorCode, 6);
    ck_assert_int_eq(p0->BaseOffset, -1);
    ck_assert_int_eq(p0->LogAppendTimeMs, -1);
    ck_assert_int_eq(p0->LogStartOffset, -1);
    ck_assert_int_eq(p0->RecordErrorsCnt, 0);
    ck_assert_int_eq(p0->ErrorMessage.len, -1);
    ck_assert_int_eq(p0->CurrentLeader.LeaderId, 2);
    ck_assert_int_eq(p0->CurrentLeader.LeaderEpoch, 5);
    ck_assert_int_eq(p1->Index, 1);
    ck_assert_int_eq(p1->ErrorCode, 0);
    ck_assert_int_eq(p1->BaseOffset, 100);
    ck_assert_int_eq(p1->LogAppendTimeMs, 1700000000000);
    ck_assert_int_eq(p1->LogStartOffset, 0);
    ck_assert_int_eq(p1->RecordErrorsCnt, 1);
    ck_assert_int_eq(p1->RecordErrors[0].BatchIndex, 3);
    ck_assert(kr_str_eq(p1->RecordErrors[0].BatchIndexErrorMessage, "bad"));
    ck_assert(kr_str_eq(p1->ErrorMessage, "oops"));
    /* an absent tag decodes to the schema default */
    ck_assert_int_eq(p1->CurrentLeader.LeaderId, -1);
    ck_assert_int_eq(p1->CurrentLeader.LeaderEpoch, -1);
    ck_assert_int_eq(d.ThrottleTimeMs, 20);
    ck_assert_int_eq(d.NodeEndpointsCnt, 1);
    ck_assert_int_eq(d.NodeEndpoints[0].NodeId, 2);
    ck_assert(kr_str_eq(d.NodeEndpoints[0].Host, "h"));
    ck_assert_int_eq(d.NodeEndpoints[0].Port, 9092);
    ck_assert_int_eq(d.NodeEndpoints[0].Rack.len, -1);
    kr_arena_destroy(&a);
}
END_TEST

static void cmp_produce_request(int16_t v, const void *wp, const void *gp)
{
    const struct kr_ProduceRequest *w = wp, *g = gp;
    eq_str(v, w->TransactionalId, g->TransactionalId, "TransactionalId");
    EQ(w, g, Acks);
    EQ(w, g, TimeoutMs);
    EQ(w, g, TopicDataCnt);
    for (int32_t i = 0; i < w->TopicDataCnt; i++) {
        const struct kr_TopicProduceData *wt = &w->TopicData[i];
        const struct kr_TopicProduceData *gt = &g->TopicData[i];
        eq_str(v, wt->Name, gt->Name, "TopicData.Name");
        eq_uuid(v, &wt->TopicId, &gt->TopicId, "TopicData.TopicId");
        EQ(wt, gt, PartitionDataCnt);
        for (int32_t j = 0; j < wt->PartitionDataCnt; j++) {
            EQ(wt, gt, PartitionData[j].Index);
            eq_bytes(v, wt->PartitionData[j].Records,
                     gt->PartitionData[j].Records, "Records");
        }
    }
}

static void cmp_produce_partition(int16_t v,
                                  const struct kr_PartitionProduceResponse *w,
                                  const struct kr_PartitionProduceResponse *g)
{
    EQ(w, g, Index);
    EQ(w, g, ErrorCode);
    EQ(w, g, BaseOffset);
    EQ(w, g, LogAppendTimeMs);
    EQ(w, g, LogStartOffset);
    EQ(w, g, RecordErrorsCnt);
    for (int32_t k = 0; k < w->RecordErrorsCnt; k++) {
        EQ(w, g, RecordErrors[k].BatchIndex);
        eq_str(v, w->RecordErrors[k].BatchIndexErrorMessage,
               g->RecordErrors[k].BatchIndexErrorMessage,
               "BatchIndexErrorMessage");
    }
    eq_str(v, w->ErrorMessage, g->ErrorMessage, "ErrorMessage");
    EQ(w, g, CurrentLeader.LeaderId);
    EQ(w, g, CurrentLeader.LeaderEpoch);
}

static void cmp_produce_response(int16_t v, const void *wp, const void *gp)
{
    const struct kr_ProduceResponse *w = wp, *g = gp;
    EQ(w, g, ResponsesCnt);
    for (int32_t i = 0; i < w->ResponsesCnt; i++) {
        const struct kr_TopicProduceResponse *wt = &w->Responses[i];
        const struct kr_TopicProduceResponse *gt = &g->Responses[i];
        eq_str(v, wt->Name, gt->Name, "Responses.Name");
        eq_uuid(v, &wt->TopicId, &gt->TopicId, "Responses.TopicId");
        EQ(wt, gt, PartitionResponsesCnt);
        for (int32_t j = 0; j < wt->PartitionResponsesCnt; j++)
            cmp_produce_partition(v, &wt->PartitionResponses[j],
                                  &gt->PartitionResponses[j]);
    }
    EQ(w, g, ThrottleTimeMs);
    EQ(w, g, NodeEndpointsCnt);
    for (int32_t i = 0; i < w->NodeEndpointsCnt; i++) {
        EQ(w, g, NodeEndpoints[i].NodeId);
        eq_str(v, w->NodeEndpoints[i].Host, g->NodeEndpoints[i].Host, "Host");
        EQ(w, g, NodeEndpoints[i].Port);
        eq_str(v, w->NodeEndpoints[i].Rack, g->NodeEndpoints[i].Rack, "Rack");
    }
}

/* The frame of a request whose batches are referenced (sendmsg) is, byte
 * for byte, the frame with them copied, at every version, and it can be
 * resumed from any offset (a partial write). */
static void flatten(const struct kr_buf *b, const struct kr_refs *refs,
                    size_t off, struct kr_buf *out, size_t max_iov)
{
    struct iovec iov[8];
    size_t total = b->len + (refs ? refs->bytes : 0);
    while (off < total) {
        size_t n = kr_refs_iov(b->data, b->len, refs, off, iov, max_iov);
        ck_assert_uint_gt(n, 0);
        for (size_t i = 0; i < n; i++) {
            kr_buf_write(out, iov[i].iov_base, iov[i].iov_len);
            off += iov[i].iov_len;
        }
    }
    ck_assert_uint_eq(kr_refs_iov(b->data, b->len, refs, off, iov, 8), 0);
}

START_TEST(produce_request_with_referenced_batches_is_the_copied_frame)
{
    static uint8_t big1[KR_REF_MIN + 7], big2[3 * KR_REF_MIN];
    static const uint8_t small[] = {9, 8, 7};
    for (size_t i = 0; i < sizeof big1; i++)
        big1[i] = (uint8_t)(i * 7);
    for (size_t i = 0; i < sizeof big2; i++)
        big2[i] = (uint8_t)(i * 13 + 1);
    struct kr_PartitionProduceData p1[] = {
        {0, {big1, (int32_t)sizeof big1}}, {1, {small, 3}},
        {2, {NULL, -1}}};
    struct kr_PartitionProduceData p2[] = {{5, {big2, (int32_t)sizeof big2}}};
    struct kr_TopicProduceData topics[] = {
        {.Name = kr_str_c("a"), .PartitionData = p1, .PartitionDataCnt = 3},
        {.Name = kr_str_c("b"), .PartitionData = p2, .PartitionDataCnt = 1}};
    topics[0].TopicId.b[0] = 1;
    topics[1].TopicId.b[0] = 2;
    struct kr_ProduceRequest m;
    kr_produce_request_init(&m);
    m.TopicData = topics;
    m.TopicDataCnt = 2;
    for (int16_t v = kr_api_Produce.min_ver; v <= kr_api_Produce.max_ver;
         v++) {
        struct kr_buf want, frame;
        struct kr_refs refs;
        kr_buf_init(&want, 0);
        kr_buf_init(&frame, 0);
        kr_refs_init(&refs);
        ck_assert_int_eq(kr_request_write(&want, &kr_api_Produce, v, 7, "c",
                                          &m), KRAFKA_ERR_NONE);
        ck_assert_int_eq(kr_request_write_refs(&frame, &refs, &kr_api_Produce,
                                               v, 7, "c", &m),
                         KRAFKA_ERR_NONE);
        ck_assert_uint_eq(refs.cnt, 2); /* the small one is copied */
        ck_assert_uint_eq(frame.len + refs.bytes, want.len);
        for (size_t off = 0; off <= want.len; off++) {
            struct kr_buf got;
            kr_buf_init(&got, 0);
            flatten(&frame, &refs, off, &got, off % 2 ? 1 : 8);
            ck_assert_uint_eq(got.len, want.len - off);
            ck_assert(got.len == 0 ||
                      memcmp(got.data, want.data + off, got.len) == 0);
            kr_buf_free(&got);
        }
        kr_buf_free(&want);
        kr_buf_free(&frame);
        kr_refs_free(&refs);
    }
}
END_TEST

START_TEST(produce_request_with_referenced_batches_respects_the_maximum)
{
    static uint8_t big[4 * KR_REF_MIN];
    struct kr_PartitionProduceData part = {0, {big, (int32_t)sizeof big}};
    struct kr_TopicProduceData topic = {.Name = kr_str_c("a"),
                                        .PartitionData = &part,
                                        .PartitionDataCnt = 1};
    struct kr_ProduceRequest m;
    kr_produce_request_init(&m);
    m.TopicData = &topic;
    m.TopicDataCnt = 1;
    struct kr_buf frame;
    struct kr_refs refs;
    kr_buf_init(&frame, 2 * KR_REF_MIN); /* room for the rest, not big */
    kr_refs_init(&refs);
    ck_assert_int_eq(kr_request_write_refs(&frame, &refs, &kr_api_Produce, 9,
                                           7, "c", &m),
                     KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert_uint_eq(frame.len, 0);
    ck_assert_uint_eq(refs.cnt, 0);
    ck_assert_uint_eq(refs.bytes, 0);
    kr_buf_free(&frame);
    kr_refs_free(&refs);
}
END_TEST

START_TEST(produce_samples_decode_field_by_field_at_every_version)
{
    check_samples(&kr_api_Produce, false, cmp_produce_request);
    check_samples(&kr_api_Produce, true, cmp_produce_response);
}
END_TEST

START_TEST(produce_response_huge_array_counts_are_bad_msg_without_allocating)
{
    /* v3: Responses count 0x7fffffff with 4 bytes left */
    static const uint8_t top[] = {0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0};
    expect_bad_msg(&kr_api_Produce, 3, top, sizeof top, 0);
    /* v9 (compact): count 0xfffffffe as a 5-byte uvarint */
    static const uint8_t flex[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0};
    expect_bad_msg(&kr_api_Produce, 9, flex, sizeof flex, 0);
    /* v8: one topic, then PartitionResponses 0x7fffffff: only the topic
     * array (one arena chunk) is allocated */
    static const uint8_t nested[] = {
        0x00, 0x00, 0x00, 0x01, /* Responses: 1 */
        0x00, 0x01, 't',        /*   Name */
        0x7f, 0xff, 0xff, 0xff, /*   PartitionResponses: 0x7fffffff */
        0x00, 0x00, 0x00, 0x00, /* (4 bytes left) */
    };
    expect_bad_msg(&kr_api_Produce, 8, nested, sizeof nested, 4096 + 64);
    /* v10: a NodeEndpoints tag that claims 1000 endpoints in 2 bytes */
    static const uint8_t tagged[] = {
        0x01,                   /* Responses: 0 */
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x01, 0x00, 0x03,       /* 1 tag: tag 0, 3 bytes */
        0xe9, 0x07, 0x00,       /*   count 1000 (uvarint 1001), 1 byte */
    };
    expect_bad_msg(&kr_api_Produce, 10, tagged, sizeof tagged, 0);
}
END_TEST

/* =========================== Fetch (key 1) =========================== */

START_TEST(fetch_request_v4_matches_hand_written_bytes)
{
    static const uint8_t expected[] = {
        0xff, 0xff, 0xff, 0xff, /* ReplicaId: -1 (a consumer) */
        0x00, 0x00, 0x01, 0xf4, /* MaxWaitMs: 500 */
        0x00, 0x00, 0x00, 0x01, /* MinBytes: 1 */
        0x7f, 0xff, 0xff, 0xff, /* MaxBytes: 0x7fffffff */
        0x01,                   /* IsolationLevel: read_committed */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /*   Topic: "t" */
        0x00, 0x00, 0x00, 0x01, /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x00, /*     Partition: 0 */
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, /* FetchOffset */
        0x00, 0x10, 0x00, 0x00, /*     PartitionMaxBytes: 1 MiB */
    };
    struct kr_FetchPartition part;
    kr_fetch_partition_init(&part);
    part.FetchOffset = 42;
    part.PartitionMaxBytes = 1 << 20;
    struct kr_FetchTopic topic = {.Topic = kr_str_c("t"), .PartitionsCnt = 1,
                                  .Partitions = &part};
    struct kr_FetchRequest m;
    kr_fetch_request_init(&m);
    m.MaxWaitMs = 500;
    m.MinBytes = 1;
    m.IsolationLevel = 1;
    m.TopicsCnt = 1;
    m.Topics = &topic;
    expect_encode(&kr_api_Fetch, 4, false, &m, expected, sizeof expected);

    struct kr_arena a;
    struct kr_FetchRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Fetch, 4, false, expected, sizeof expected, &a, &d);
    ck_assert_int_eq(d.ReplicaId, -1);
    ck_assert_int_eq(d.MaxWaitMs, 500);
    ck_assert_int_eq(d.MinBytes, 1);
    ck_assert_int_eq(d.MaxBytes, INT32_MAX);
    ck_assert_int_eq(d.IsolationLevel, 1);
    /* fields v4 lacks decode to their defaults */
    ck_assert_int_eq(d.SessionId, 0);
    ck_assert_int_eq(d.SessionEpoch, -1);
    ck_assert_int_eq(d.ForgottenTopicsDataCnt, 0);
    ck_assert(kr_str_eq(d.RackId, ""));
    ck_assert_int_eq(d.ClusterId.len, -1);
    ck_assert_int_eq(d.ReplicaState.ReplicaId, -1);
    ck_assert_int_eq(d.ReplicaState.ReplicaEpoch, -1);
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert(kr_str_eq(d.Topics[0].Topic, "t"));
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 1);
    const struct kr_FetchPartition *p = &d.Topics[0].Partitions[0];
    ck_assert_int_eq(p->Partition, 0);
    ck_assert_int_eq(p->CurrentLeaderEpoch, -1);
    ck_assert_int_eq(p->FetchOffset, 42);
    ck_assert_int_eq(p->LastFetchedEpoch, -1);
    ck_assert_int_eq(p->LogStartOffset, -1);
    ck_assert_int_eq(p->PartitionMaxBytes, 1 << 20);
    ck_assert_int_eq(p->HighWatermark, INT64_MAX);
    kr_arena_destroy(&a);
}
END_TEST

static const uint8_t fetch_req_v18[] = {
    0x00, 0x00, 0x01, 0xf4, /* MaxWaitMs: 500 (no ReplicaId at v15+) */
    0x00, 0x00, 0x00, 0x01, /* MinBytes: 1 */
    0x03, 0x20, 0x00, 0x00, /* MaxBytes: 50 MiB */
    0x00,                   /* IsolationLevel: read_uncommitted */
    0x00, 0x00, 0x00, 0x07, /* SessionId: 7 */
    0x00, 0x00, 0x00, 0x02, /* SessionEpoch: 2 */
    0x02,                   /* Topics: 1 (compact) */
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, /* TopicId */
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x02,                   /*   Partitions: 1 */
    0x00, 0x00, 0x00, 0x03, /*     Partition: 3 */
    0x00, 0x00, 0x00, 0x04, /*     CurrentLeaderEpoch: 4 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x64, /* FetchOffset: 100 */
    0x00, 0x00, 0x00, 0x04, /*     LastFetchedEpoch: 4 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LogStartOffset: -1 */
    0x00, 0x10, 0x00, 0x00, /*     PartitionMaxBytes: 1 MiB */
    0x02,                   /*     2 tagged fields */
    0x00, 0x10,             /*       tag 0 ReplicaDirectoryId, 16 bytes */
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
    0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
    0x01, 0x08,             /*       tag 1 HighWatermark, 8 bytes */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, /* 99 */
    0x00,                   /*   topic: no tagged fields */
    0x02,                   /* ForgottenTopicsData: 1 */
    0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, /* TopicId */
    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
    0x03,                   /*   Partitions: 2 */
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
    0x00,                   /*   no tagged fields */
    0x03, 'r', '1',         /* RackId: "r1" */
    0x02,                   /* 2 tagged fields */
    0x00, 0x02, 0x02, 'c',  /*   tag 0 ClusterId, 2 bytes: "c" */
    0x01, 0x0d,             /*   tag 1 ReplicaState, 13 bytes */
    0x00, 0x00, 0x00, 0x01, /*     ReplicaId: 1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, /* ReplicaEpoch: 9 */
    0x00,                   /*     no tagged fields */
};

START_TEST(fetch_request_v18_matches_hand_written_bytes_with_tags)
{
    int32_t forgotten_parts[] = {1, 2};
    struct kr_ForgottenTopic forgotten = {.TopicId = uuid_seq(0x30),
                                          .PartitionsCnt = 2,
                                          .Partitions = forgotten_parts};
    struct kr_FetchPartition part;
    kr_fetch_partition_init(&part);
    part.Partition = 3;
    part.CurrentLeaderEpoch = 4;
    part.FetchOffset = 100;
    part.LastFetchedEpoch = 4;
    part.PartitionMaxBytes = 1 << 20;
    part.ReplicaDirectoryId = uuid_seq(0x20);
    part.HighWatermark = 99;
    struct kr_FetchTopic topic = {.TopicId = uuid_seq(0x10),
                                  .PartitionsCnt = 1, .Partitions = &part};
    struct kr_FetchRequest m;
    kr_fetch_request_init(&m);
    m.ClusterId = kr_str_c("c");
    m.ReplicaId = 77; /* v0-14 only: not sent at v18 */
    m.ReplicaState = (struct kr_FetchRequestReplicaState){1, 9};
    m.MaxWaitMs = 500;
    m.MinBytes = 1;
    m.MaxBytes = 50 << 20;
    m.SessionId = 7;
    m.SessionEpoch = 2;
    m.TopicsCnt = 1;
    m.Topics = &topic;
    m.ForgottenTopicsDataCnt = 1;
    m.ForgottenTopicsData = &forgotten;
    m.RackId = kr_str_c("r1");
    expect_encode(&kr_api_Fetch, 18, false, &m, fetch_req_v18,
                  sizeof fetch_req_v18);

    struct kr_arena a;
    struct kr_FetchRequest d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Fetch, 18, false, fetch_req_v18,
                  sizeof fetch_req_v18, &a, &d);
    ck_assert(kr_str_eq(d.ClusterId, "c"));
    ck_assert_int_eq(d.ReplicaId, -1);
    ck_assert_int_eq(d.ReplicaState.ReplicaId, 1);
    ck_assert_int_eq(d.ReplicaState.ReplicaEpoch, 9);
    ck_assert_int_eq(d.MaxWaitMs, 500);
    ck_assert_int_eq(d.MinBytes, 1);
    ck_assert_int_eq(d.MaxBytes, 50 << 20);
    ck_assert_int_eq(d.IsolationLevel, 0);
    ck_assert_int_eq(d.SessionId, 7);
    ck_assert_int_eq(d.SessionEpoch, 2);
    ck_assert_int_eq(d.TopicsCnt, 1);
    ck_assert(memcmp(d.Topics[0].TopicId.b, topic.TopicId.b, 16) == 0);
    ck_assert_int_eq(d.Topics[0].PartitionsCnt, 1);
    const struct kr_FetchPartition *p = &d.Topics[0].Partitions[0];
    ck_assert_int_eq(p->Partition, 3);
    ck_assert_int_eq(p->CurrentLeaderEpoch, 4);
    ck_assert_int_eq(p->FetchOffset, 100);
    ck_assert_int_eq(p->LastFetchedEpoch, 4);
    ck_assert_int_eq(p->LogStartOffset, -1);
    ck_assert_int_eq(p->PartitionMaxBytes, 1 << 20);
    ck_assert(memcmp(p->ReplicaDirectoryId.b, part.ReplicaDirectoryId.b,
                     16) == 0);
    ck_assert_int_eq(p->HighWatermark, 99);
    ck_assert_int_eq(d.ForgottenTopicsDataCnt, 1);
    ck_assert(memcmp(d.ForgottenTopicsData[0].TopicId.b, forgotten.TopicId.b,
                     16) == 0);
    ck_assert_int_eq(d.ForgottenTopicsData[0].PartitionsCnt, 2);
    ck_assert_int_eq(d.ForgottenTopicsData[0].Partitions[0], 1);
    ck_assert_int_eq(d.ForgottenTopicsData[0].Partitions[1], 2);
    ck_assert(kr_str_eq(d.RackId, "r1"));
    kr_arena_destroy(&a);
}
END_TEST

/* FetchResponse v16 (flexible): every partition tag and NodeEndpoints. */
static const uint8_t fetch_resp_v16[] = {
    0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs: 0 */
    0x00, 0x00,             /* ErrorCode: 0 */
    0x00, 0x00, 0x04, 0xd2, /* SessionId: 1234 */
    0x02,                   /* Responses: 1 (compact) */
    0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, /* TopicId */
    0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
    0x03, /*   Partitions: 2 */
    /* partition 0: records, one aborted transaction, no tags */
    0x00, 0x00, 0x00, 0x00,                         /* PartitionIndex: 0 */
    0x00, 0x00,                                     /* ErrorCode: 0 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, /* HighWatermark: 10 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, /* LastStableOffset: 8 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* LogStartOffset: 0 */
    0x02,                                           /* Aborted...: 1 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8, /*   ProducerId: 1000 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, /*   FirstOffset: 5 */
    0x00,                                           /*   no tagged fields */
    0xff, 0xff, 0xff, 0xff, /* PreferredReadReplica: -1 */
    0x05, 0xde, 0xad, 0xbe, 0xef, /* Records: 4 bytes (compact) */
    0x00,                         /* no tagged fields */
    /* partition 1: an error with every tag, null aborted and records */
    0x00, 0x00, 0x00, 0x01,                         /* PartitionIndex: 1 */
    0x00, 0x06,                                     /* ErrorCode: 6 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* HighWatermark: -1 */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LastStableOffset */
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, /* LogStartOffset */
    0x00,                   /* AbortedTransactions: null */
    0xff, 0xff, 0xff, 0xff, /* PreferredReadReplica: -1 */
    0x00,                   /* Records: null */
    0x03,                   /* 3 tagged fields */
    0x00, 0x0d,             /*   tag 0 DivergingEpoch, 13 bytes */
    0x00, 0x00, 0x00, 0x03, /*     Epoch: 3 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4d, /* EndOffset: 77 */
    0x00,                   /*     no tagged fields */
    0x01, 0x09,             /*   tag 1 CurrentLeader, 9 bytes */
    0x00, 0x00, 0x00, 0x02, /*     LeaderId: 2 */
    0x00, 0x00, 0x00, 0x04, /*     LeaderEpoch: 4 */
    0x00,                   /*     no tagged fields */
    0x02, 0x0d,             /*   tag 2 SnapshotId, 13 bytes */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x32, /* EndOffset: 50 */
    0x00, 0x00, 0x00, 0x01, /*     Epoch: 1 */
    0x00,                   /*     no tagged fields */
    0x00,                   /*   topic: no tagged fields */
    0x01,                   /* 1 tagged field */
    0x00, 0x0f,             /*   tag 0 NodeEndpoints, 15 bytes */
    0x02,                   /*     1 endpoint */
    0x00, 0x00, 0x00, 0x02, /*     NodeId: 2 */
    0x03, 'b', '2',         /*     Host: "b2" */
    0x00, 0x00, 0x23, 0x84, /*     Port: 9092 */
    0x02, 'r',              /*     Rack: "r" */
    0x00,                   /*     no tagged fields */
};

static void fetch_resp_v16_struct(struct kr_FetchResponse *m,
                                  struct kr_arena *a)
{
    static const uint8_t records[] = {0xde, 0xad, 0xbe, 0xef};
    struct kr_FetchableTopicResponse *t;
    struct kr_FetchResponsePartitionData *p;
    memset(m, 0, sizeof *m);
    m->SessionId = 1234;
    KR_SAMPLE_ARRAY(a, m->Responses, m->ResponsesCnt, 1);
    t = &m->Responses[0];
    t->TopicId = uuid_seq(0x40);
    KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
    p = &t->Partitions[0];
    *p = (struct kr_FetchResponsePartitionData){
        0, 0, 10, 8, 0, {-1, -1}, {-1, -1}, {-1, -1}, 0, NULL, -1,
        {records, 4}};
    KR_SAMPLE_ARRAY(a, p->AbortedTransactions, p->AbortedTransactionsCnt, 1);
    p->AbortedTransactions[0] =
        (struct kr_FetchResponseAbortedTransaction){1000, 5};
    t->Partitions[1] = (struct kr_FetchResponsePartitionData){
        1, 6, -1, -1, -1, {3, 77}, {2, 4}, {50, 1}, -1, NULL, -1,
        {NULL, -1}};
    KR_SAMPLE_ARRAY(a, m->NodeEndpoints, m->NodeEndpointsCnt, 1);
    m->NodeEndpoints[0] = (struct kr_NodeEndpoint){
        2, kr_str_c("b2"), 9092, kr_str_c("r")};
}

static void check_fetch_resp_v16_partitions(
    const struct kr_FetchResponsePartitionData *p0,
    const struct kr_FetchResponsePartitionData *p1)
{
    ck_assert_int_eq(p0->PartitionIndex, 0);
    ck_assert_int_eq(p0->ErrorCode, 0);
    ck_assert_int_eq(p0->HighWatermark, 10);
    ck_assert_int_eq(p0->LastStableOffset, 8);
    ck_assert_int_eq(p0->LogStartOffset, 0);
    /* absent tags decode to the schema defaults */
    ck_assert_int_eq(p0->DivergingEpoch.Epoch, -1);
    ck_assert_int_eq(p0->DivergingEpoch.EndOffset, -1);
    ck_assert_int_eq(p0->CurrentLeader.LeaderId, -1);
    ck_assert_int_eq(p0->CurrentLeader.LeaderEpoch, -1);
    ck_assert_int_eq(p0->SnapshotId.EndOffset, -1);
    ck_assert_int_eq(p0->SnapshotId.Epoch, -1);
    ck_assert_int_eq(p0->AbortedTransactionsCnt, 1);
    ck_assert_int_eq(p0->AbortedTransactions[0].ProducerId, 1000);
    ck_assert_int_eq(p0->AbortedTransactions[0].FirstOffset, 5);
    ck_assert_int_eq(p0->PreferredReadReplica, -1);
    ck_assert_int_eq(p0->Records.len, 4);
    ck_assert_uint_eq(p0->Records.ptr[0], 0xde);
    ck_assert_uint_eq(p0->Records.ptr[3], 0xef);
    ck_assert_int_eq(p1->PartitionIndex, 1);
    ck_assert_int_eq(p1->ErrorCode, 6);
    ck_assert_int_eq(p1->HighWatermark, -1);
    ck_assert_int_eq(p1->LastStableOffset, -1);
    ck_assert_int_eq(p1->LogStartOffset, -1);
    ck_assert_int_eq(p1->DivergingEpoch.Epoch, 3);
    ck_assert_int_eq(p1->DivergingEpoch.EndOffset, 77);
    ck_assert_int_eq(p1->CurrentLeader.LeaderId, 2);
    ck_assert_int_eq(p1->CurrentLeader.LeaderEpoch, 4);
    ck_assert_int_eq(p1->SnapshotId.EndOffset, 50);
    ck_assert_int_eq(p1->SnapshotId.Epoch, 1);
    ck_assert_int_eq(p1->AbortedTransactionsCnt, -1);
    ck_assert_int_eq(p1->PreferredReadReplica, -1);
    ck_assert_int_eq(p1->Records.len, -1);
}

START_TEST(fetch_response_v16_matches_hand_written_bytes)
{
    struct kr_arena a;
    struct kr_FetchResponse m, d;
    kr_arena_init(&a, 0);
    fetch_resp_v16_struct(&m, &a);
    expect_encode(&kr_api_Fetch, 16, true, &m, fetch_resp_v16,
                  sizeof fetch_resp_v16);

    expect_decode(&kr_api_Fetch, 16, true, fetch_resp_v16,
                  sizeof fetch_resp_v16, &a, &d);
    ck_assert_int_eq(d.ThrottleTimeMs, 0);
    ck_assert_int_eq(d.ErrorCode, 0);
    ck_assert_int_eq(d.SessionId, 1234);
    ck_assert_int_eq(d.ResponsesCnt, 1);
    ck_assert(memcmp(d.Responses[0].TopicId.b, m.Responses[0].TopicId.b,
                     16) == 0);
    ck_assert_int_eq(d.Responses[0].PartitionsCnt, 2);
    check_fetch_resp_v16_partitions(&d.Responses[0].Partitions[0],
                                    &d.Responses[0].Partitions[1]);
    ck_assert_int_eq(d.NodeEndpointsCnt, 1);
    ck_assert_int_eq(d.NodeEndpoints[0].NodeId, 2);
    ck_assert(kr_str_eq(d.NodeEndpoints[0].Host, "b2"));
    ck_assert_int_eq(d.NodeEndpoints[0].Port, 9092);
    ck_assert(kr_str_eq(d.NodeEndpoints[0].Rack, "r"));
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(fetch_response_records_are_views_into_the_input)
{
    struct kr_arena a;
    struct kr_FetchResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Fetch, 16, true, fetch_resp_v16,
                  sizeof fetch_resp_v16, &a, &d);
    const uint8_t *rec = d.Responses[0].Partitions[0].Records.ptr;
    /* zero copy: the view points at the bytes after the compact length */
    ck_assert(rec > fetch_resp_v16 &&
              rec + 4 <= fetch_resp_v16 + sizeof fetch_resp_v16);
    ck_assert_uint_eq(rec[-1], 0x05);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(fetch_response_unknown_partition_tags_are_skipped)
{
    static const uint8_t bytes[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x00, 0x00,             /* ErrorCode */
        0x00, 0x00, 0x00, 0x00, /* SessionId */
        0x02, 0x02, 't',        /* Responses: 1, Topic: "t" (v12) */
        0x02,                   /*   Partitions: 1 */
        0x00, 0x00, 0x00, 0x09, /*     PartitionIndex: 9 */
        0x00, 0x00,             /*     ErrorCode */
        0, 0, 0, 0, 0, 0, 0, 1, /*     HighWatermark: 1 */
        0, 0, 0, 0, 0, 0, 0, 1, /*     LastStableOffset: 1 */
        0, 0, 0, 0, 0, 0, 0, 0, /*     LogStartOffset: 0 */
        0x01,                   /*     AbortedTransactions: 0 */
        0x00, 0x00, 0x00, 0x01, /*     PreferredReadReplica: 1 */
        0x01,                   /*     Records: empty */
        0x02,                   /*     2 tagged fields */
        0x07, 0x02, 0xab, 0xcd, /*       tag 7 (unknown), 2 bytes */
        0x01, 0x09,             /*       tag 1 CurrentLeader, 9 bytes */
        0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x06, 0x00,
        0x00,                   /*   topic: no tagged fields */
        0x00,                   /* no tagged fields */
    };
    struct kr_arena a;
    struct kr_FetchResponse d;
    kr_arena_init(&a, 0);
    expect_decode(&kr_api_Fetch, 12, true, bytes, sizeof bytes, &a, &d);
    const struct kr_FetchResponsePartitionData *p =
        &d.Responses[0].Partitions[0];
    ck_assert_int_eq(p->PartitionIndex, 9);
    ck_assert_int_eq(p->PreferredReadReplica, 1);
    ck_assert_int_eq(p->Records.len, 0);
    ck_assert_int_eq(p->CurrentLeader.LeaderId, 5);
    ck_assert_int_eq(p->CurrentLeader.LeaderEpoch, 6);
    ck_assert_int_eq(p->DivergingEpoch.Epoch, -1);
    ck_assert_int_eq(p->SnapshotId.EndOffset, -1);
    kr_arena_destroy(&a);
}
END_TEST

static void cmp_fetch_partition(int16_t v, const struct kr_FetchPartition *w,
                                const struct kr_FetchPartition *g)
{
    EQ(w, g, Partition);
    EQ(w, g, CurrentLeaderEpoch);
    EQ(w, g, FetchOffset);
    EQ(w, g, LastFetchedEpoch);
    EQ(w, g, LogStartOffset);
    EQ(w, g, PartitionMaxBytes);
    eq_uuid(v, &w->ReplicaDirectoryId, &g->ReplicaDirectoryId,
            "ReplicaDirectoryId");
    EQ(w, g, HighWatermark);
}

static void cmp_fetch_request(int16_t v, const void *wp, const void *gp)
{
    const struct kr_FetchRequest *w = wp, *g = gp;
    eq_str(v, w->ClusterId, g->ClusterId, "ClusterId");
    EQ(w, g, ReplicaId);
    EQ(w, g, ReplicaState.ReplicaId);
    EQ(w, g, ReplicaState.ReplicaEpoch);
    EQ(w, g, MaxWaitMs);
    EQ(w, g, MinBytes);
    EQ(w, g, MaxBytes);
    EQ(w, g, IsolationLevel);
    EQ(w, g, SessionId);
    EQ(w, g, SessionEpoch);
    EQ(w, g, TopicsCnt);
    for (int32_t i = 0; i < w->TopicsCnt; i++) {
        eq_str(v, w->Topics[i].Topic, g->Topics[i].Topic, "Topic");
        eq_uuid(v, &w->Topics[i].TopicId, &g->Topics[i].TopicId, "TopicId");
        EQ(w, g, Topics[i].PartitionsCnt);
        for (int32_t j = 0; j < w->Topics[i].PartitionsCnt; j++)
            cmp_fetch_partition(v, &w->Topics[i].Partitions[j],
                                &g->Topics[i].Partitions[j]);
    }
    EQ(w, g, ForgottenTopicsDataCnt);
    for (int32_t i = 0; i < w->ForgottenTopicsDataCnt; i++) {
        const struct kr_ForgottenTopic *wf = &w->ForgottenTopicsData[i];
        const struct kr_ForgottenTopic *gf = &g->ForgottenTopicsData[i];
        eq_str(v, wf->Topic, gf->Topic, "ForgottenTopicsData.Topic");
        eq_uuid(v, &wf->TopicId, &gf->TopicId, "ForgottenTopicsData.TopicId");
        EQ(wf, gf, PartitionsCnt);
        for (int32_t j = 0; j < wf->PartitionsCnt; j++)
            EQ(wf, gf, Partitions[j]);
    }
    eq_str(v, w->RackId, g->RackId, "RackId");
}

static void cmp_partition_data(int16_t v,
                               const struct kr_FetchResponsePartitionData *w,
                               const struct kr_FetchResponsePartitionData *g)
{
    EQ(w, g, PartitionIndex);
    EQ(w, g, ErrorCode);
    EQ(w, g, HighWatermark);
    EQ(w, g, LastStableOffset);
    EQ(w, g, LogStartOffset);
    EQ(w, g, DivergingEpoch.Epoch);
    EQ(w, g, DivergingEpoch.EndOffset);
    EQ(w, g, CurrentLeader.LeaderId);
    EQ(w, g, CurrentLeader.LeaderEpoch);
    EQ(w, g, SnapshotId.EndOffset);
    EQ(w, g, SnapshotId.Epoch);
    EQ(w, g, AbortedTransactionsCnt);
    for (int32_t k = 0; k < w->AbortedTransactionsCnt; k++) {
        EQ(w, g, AbortedTransactions[k].ProducerId);
        EQ(w, g, AbortedTransactions[k].FirstOffset);
    }
    EQ(w, g, PreferredReadReplica);
    eq_bytes(v, w->Records, g->Records, "Records");
}

static void cmp_fetch_response(int16_t v, const void *wp, const void *gp)
{
    const struct kr_FetchResponse *w = wp, *g = gp;
    EQ(w, g, ThrottleTimeMs);
    EQ(w, g, ErrorCode);
    EQ(w, g, SessionId);
    EQ(w, g, ResponsesCnt);
    for (int32_t i = 0; i < w->ResponsesCnt; i++) {
        const struct kr_FetchableTopicResponse *wt = &w->Responses[i];
        const struct kr_FetchableTopicResponse *gt = &g->Responses[i];
        eq_str(v, wt->Topic, gt->Topic, "Responses.Topic");
        eq_uuid(v, &wt->TopicId, &gt->TopicId, "Responses.TopicId");
        EQ(wt, gt, PartitionsCnt);
        for (int32_t j = 0; j < wt->PartitionsCnt; j++)
            cmp_partition_data(v, &wt->Partitions[j], &gt->Partitions[j]);
    }
    EQ(w, g, NodeEndpointsCnt);
    for (int32_t i = 0; i < w->NodeEndpointsCnt; i++) {
        EQ(w, g, NodeEndpoints[i].NodeId);
        eq_str(v, w->NodeEndpoints[i].Host, g->NodeEndpoints[i].Host, "Host");
        EQ(w, g, NodeEndpoints[i].Port);
        eq_str(v, w->NodeEndpoints[i].Rack, g->NodeEndpoints[i].Rack, "Rack");
    }
}

START_TEST(fetch_samples_decode_field_by_field_at_every_version)
{
    check_samples(&kr_api_Fetch, false, cmp_fetch_request);
    check_samples(&kr_api_Fetch, true, cmp_fetch_response);
}
END_TEST

START_TEST(fetch_response_huge_array_counts_are_bad_msg_without_allocating)
{
    /* v4: Responses count 0x7fffffff */
    static const uint8_t top[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x7f, 0xff, 0xff, 0xff, /* Responses: 0x7fffffff */
        0x00, 0x00, 0x00, 0x00,
    };
    expect_bad_msg(&kr_api_Fetch, 4, top, sizeof top, 0);
    /* v12: 3 partitions need at least 3 * 37 bytes, 40 are left: refused
     * before the partition array is allocated */
    uint8_t nested[10 + 3 + 1 + 40] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ThrottleTimeMs, ErrorCode, Session */
        0x02, 0x02, 't',              /* Responses: 1, Topic: "t" */
        0x04,                         /*   Partitions: 3 */
    };
    expect_bad_msg(&kr_api_Fetch, 12, nested, sizeof nested, 4096 + 64);
    /* v4: one partition whose AbortedTransactions count is 0x7fffffff */
    static const uint8_t aborted[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x00, 0x00, 0x00, 0x01, /* Responses: 1 */
        0x00, 0x01, 't',        /*   Topic */
        0x00, 0x00, 0x00, 0x01, /*   Partitions: 1 */
        0, 0, 0, 0, 0, 0,       /*     PartitionIndex, ErrorCode */
        0, 0, 0, 0, 0, 0, 0, 0, /*     HighWatermark */
        0, 0, 0, 0, 0, 0, 0, 0, /*     LastStableOffset */
        0x7f, 0xff, 0xff, 0xff, /*     AbortedTransactions: 0x7fffffff */
        0xff, 0xff, 0xff, 0xff, /*     (Records: null) */
    };
    expect_bad_msg(&kr_api_Fetch, 4, aborted, sizeof aborted, 4096 + 64);
    /* v16: a NodeEndpoints tag that claims 1000 endpoints in 2 bytes */
    static const uint8_t tagged[] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ThrottleTimeMs, ErrorCode, Session */
        0x01,                         /* Responses: 0 */
        0x01, 0x00, 0x03,             /* 1 tag: tag 0, 3 bytes */
        0xe9, 0x07, 0x00,             /*   count 1000, 1 byte */
    };
    expect_bad_msg(&kr_api_Fetch, 16, tagged, sizeof tagged, 0);
}
END_TEST

START_TEST(fetch_request_defaults_send_no_tagged_fields)
{
    /* A consumer's request built with the init helpers carries no tags:
     * ClusterId null, ReplicaState, ReplicaDirectoryId and HighWatermark at
     * their defaults. */
    struct kr_FetchPartition part;
    kr_fetch_partition_init(&part);
    struct kr_FetchTopic topic = {.TopicId = uuid_seq(1),
                                  .PartitionsCnt = 1, .Partitions = &part};
    struct kr_FetchRequest m;
    kr_fetch_request_init(&m);
    m.TopicsCnt = 1;
    m.Topics = &topic;
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_Fetch, 18, false, &m),
                     KRAFKA_ERR_NONE);
    /* 4 int32 + int8 + int32 + int32 + topics(1) + uuid(16) + parts(1) +
     * partition (4+4+8+4+8+4 + tags 1) + topic tags 1 + forgotten 1 +
     * rack 1 + tags 1 */
    ck_assert_uint_eq(b.len, 3 * 4 + 1 + 4 + 4 + 1 + 16 + 1 + 33 + 1 + 1 +
                                 1 + 1);
    ck_assert_uint_eq(b.data[b.len - 1], 0x00); /* no top-level tags */
    kr_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_produce_fetch");
    TCase *tc = tcase_create("produce_fetch");
    tcase_add_test(tc, produce_request_v3_matches_hand_written_bytes);
    tcase_add_test(tc, produce_request_v13_uses_topic_ids_and_compact_forms);
    tcase_add_test(tc, produce_response_v10_matches_hand_written_bytes);
    tcase_add_test(tc, produce_samples_decode_field_by_field_at_every_version);
    tcase_add_test(tc,
                   produce_request_with_referenced_batches_is_the_copied_frame);
    tcase_add_test(
        tc, produce_request_with_referenced_batches_respects_the_maximum);
    tcase_add_test(
        tc, produce_response_huge_array_counts_are_bad_msg_without_allocating);
    tcase_add_test(tc, fetch_request_v4_matches_hand_written_bytes);
    tcase_add_test(tc, fetch_request_v18_matches_hand_written_bytes_with_tags);
    tcase_add_test(tc, fetch_response_v16_matches_hand_written_bytes);
    tcase_add_test(tc, fetch_response_records_are_views_into_the_input);
    tcase_add_test(tc, fetch_response_unknown_partition_tags_are_skipped);
    tcase_add_test(tc, fetch_samples_decode_field_by_field_at_every_version);
    tcase_add_test(
        tc, fetch_response_huge_array_counts_are_bad_msg_without_allocating);
    tcase_add_test(tc, fetch_request_defaults_send_no_tagged_fields);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
