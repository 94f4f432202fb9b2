/*
 * Admin and authentication codecs: InitProducerId, SaslHandshake,
 * SaslAuthenticate, CreateTopics and DeleteTopics.
 *
 * For each API: known-answer byte vectors written by hand from the Kafka
 * 4.1.1 JSON schemas (encode gives exactly the bytes, decode gives exactly
 * the fields), defaults of the fields a version lacks, a field-by-field check
 * of the decoded sample at every supported version (so the minimum and the
 * maximum), and hostile array counts that must fail without allocating.
 */
#include "codec_check.h"
#include "kt_check.h"

/* ---- helpers ---- */

/* Decodes @p (must succeed) into a message allocated from @a. */
static void *decode_ok(const struct kr_api *api, int16_t v, bool resp,
                       const uint8_t *p, size_t n, struct kr_arena *a)
{
    void *m = kr_arena_alloc(a, resp ? api->resp_size : api->req_size);
    ck_assert_ptr_nonnull(m);
    expect_decode(api, v, resp, p, n, a, m);
    return m;
}

struct pair {
    void *orig; /* the sample as filled */
    void *dec;  /* the sample after encode + decode */
};

/* Fills the sample of @api/@v, encodes it and decodes it again. */
static struct pair sample_pair(const struct kr_api *api, int16_t v, bool resp,
                               struct kr_arena *a)
{
    const struct kr_sample *s = kr_sample_find(api->key);
    ck_assert_ptr_nonnull(s);
    struct pair p;
    p.orig = kr_arena_alloc(a, resp ? api->resp_size : api->req_size);
    (resp ? s->resp : s->req)(v, p.orig, a);
    struct kr_buf b;
    kr_buf_init(&b, 0);
    ck_assert_int_eq(kr_msg_write(&b, api, v, resp, p.orig), KRAFKA_ERR_NONE);
    /* the decoded views point into the encoding: keep it in the arena */
    uint8_t *keep = kr_arena_alloc(a, b.len);
    memcpy(keep, b.data, b.len);
    p.dec = decode_ok(api, v, resp, keep, b.len, a);
    kr_buf_free(&b);
    return p;
}

/* ==== InitProducerId ==== */

START_TEST(init_producer_id_v0_request_known_bytes)
{
    const struct kr_api *api = &kr_api_InitProducerId;
    static const uint8_t want[] = {
        0xFF, 0xFF,             /* TransactionalId: null */
        0x00, 0x00, 0xEA, 0x60, /* TransactionTimeoutMs 60000 */
    };
    struct kr_InitProducerIdRequest m = {
        .TransactionalId = kr_str_c(NULL),
        .TransactionTimeoutMs = 60000,
        .ProducerId = -1,
        .ProducerEpoch = -1,
    };
    expect_encode(api, 0, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_InitProducerIdRequest *d =
        decode_ok(api, 0, false, want, sizeof want, &a);
    ck_assert_int_eq(d->TransactionalId.len, -1);
    ck_assert_int_eq(d->TransactionTimeoutMs, 60000);
    /* absent before v3: their defaults */
    ck_assert(d->ProducerId == -1);
    ck_assert_int_eq(d->ProducerEpoch, -1);
    ck_assert(!d->Enable2Pc && !d->KeepPreparedTxn);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(init_producer_id_v6_request_known_bytes)
{
    const struct kr_api *api = &kr_api_InitProducerId;
    static const uint8_t want[] = {
        0x03, 't', 'x',                     /* TransactionalId "tx" */
        0x00, 0x00, 0xEA, 0x60,             /* TransactionTimeoutMs */
        0, 0, 0, 0, 0, 0, 0, 0x2A,          /* ProducerId 42 */
        0x00, 0x03,                         /* ProducerEpoch 3 */
        0x01,                               /* Enable2Pc true */
        0x00,                               /* KeepPreparedTxn false */
        0x00,                               /* no tagged fields */
    };
    struct kr_InitProducerIdRequest m = {
        .TransactionalId = kr_str_c("tx"),
        .TransactionTimeoutMs = 60000,
        .ProducerId = 42,
        .ProducerEpoch = 3,
        .Enable2Pc = true,
        .KeepPreparedTxn = false,
    };
    expect_encode(api, 6, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_InitProducerIdRequest *d =
        decode_ok(api, 6, false, want, sizeof want, &a);
    ck_assert(kr_str_eq(d->TransactionalId, "tx"));
    ck_assert_int_eq(d->TransactionTimeoutMs, 60000);
    ck_assert(d->ProducerId == 42);
    ck_assert_int_eq(d->ProducerEpoch, 3);
    ck_assert(d->Enable2Pc);
    ck_assert(!d->KeepPreparedTxn);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(init_producer_id_v6_response_known_bytes)
{
    const struct kr_api *api = &kr_api_InitProducerId;
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x0A,             /* ThrottleTimeMs 10 */
        0x00, 0x00,                         /* ErrorCode NONE */
        0, 0, 0, 0, 0, 0, 0x10, 0x00,       /* ProducerId 4096 */
        0x00, 0x01,                         /* ProducerEpoch 1 */
        0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF,             /* OngoingTxnProducerId -1 */
        0xFF, 0xFF,                         /* OngoingTxnProducerEpoch -1 */
        0x00,                               /* no tagged fields */
    };
    struct kr_InitProducerIdResponse m = {
        .ThrottleTimeMs = 10,
        .ProducerId = 4096,
        .ProducerEpoch = 1,
        .OngoingTxnProducerId = -1,
        .OngoingTxnProducerEpoch = -1,
    };
    expect_encode(api, 6, true, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_InitProducerIdResponse *d =
        decode_ok(api, 6, true, want, sizeof want, &a);
    ck_assert_int_eq(d->ThrottleTimeMs, 10);
    ck_assert_int_eq(d->ErrorCode, 0);
    ck_assert(d->ProducerId == 4096);
    ck_assert_int_eq(d->ProducerEpoch, 1);
    ck_assert(d->OngoingTxnProducerId == -1);
    ck_assert_int_eq(d->OngoingTxnProducerEpoch, -1);

    /* v5 stops before the KIP-939 fields: they decode as -1 */
    static const uint8_t v5[] = {
        0x00, 0x00, 0x00, 0x0A,             /* ThrottleTimeMs 10 */
        0x00, 0x00,                         /* ErrorCode NONE */
        0, 0, 0, 0, 0, 0, 0x10, 0x00,       /* ProducerId 4096 */
        0x00, 0x01,                         /* ProducerEpoch 1 */
        0x00,                               /* no tagged fields */
    };
    d = decode_ok(api, 5, true, v5, sizeof v5, &a);
    ck_assert(d->ProducerId == 4096);
    ck_assert(d->OngoingTxnProducerId == -1);
    ck_assert_int_eq(d->OngoingTxnProducerEpoch, -1);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(init_producer_id_samples_decode_field_by_field)
{
    const struct kr_api *api = &kr_api_InitProducerId;
    ck_assert_int_eq(api->min_ver, 0);
    ck_assert_int_eq(api->max_ver, 6);
    ck_assert_int_eq(api->flex_ver, 2);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct pair pq = sample_pair(api, v, false, &a);
        const struct kr_InitProducerIdRequest *q = pq.orig, *dq = pq.dec;
        ck_str(dq->TransactionalId, q->TransactionalId);
        ck_assert_int_eq(dq->TransactionTimeoutMs, q->TransactionTimeoutMs);
        ck_assert(dq->ProducerId == q->ProducerId);
        ck_assert_int_eq(dq->ProducerEpoch, q->ProducerEpoch);
        ck_assert_int_eq(dq->Enable2Pc, q->Enable2Pc);
        ck_assert_int_eq(dq->KeepPreparedTxn, q->KeepPreparedTxn);

        struct pair pr = sample_pair(api, v, true, &a);
        const struct kr_InitProducerIdResponse *r = pr.orig, *dr = pr.dec;
        ck_assert_int_eq(dr->ThrottleTimeMs, r->ThrottleTimeMs);
        ck_assert_int_eq(dr->ErrorCode, r->ErrorCode);
        ck_assert(dr->ProducerId == r->ProducerId);
        ck_assert_int_eq(dr->ProducerEpoch, r->ProducerEpoch);
        ck_assert(dr->OngoingTxnProducerId == r->OngoingTxnProducerId);
        ck_assert_int_eq(dr->OngoingTxnProducerEpoch,
                         r->OngoingTxnProducerEpoch);
        kr_arena_destroy(&a);
    }
}
END_TEST

/* ==== SaslHandshake ==== */

START_TEST(sasl_handshake_v1_request_known_bytes)
{
    const struct kr_api *api = &kr_api_SaslHandshake;
    static const uint8_t want[] = {
        0x00, 0x05, 'P', 'L', 'A', 'I', 'N', /* Mechanism "PLAIN" */
    };
    struct kr_SaslHandshakeRequest m = {.Mechanism = kr_str_c("PLAIN")};
    expect_encode(api, 1, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslHandshakeRequest *d =
        decode_ok(api, 1, false, want, sizeof want, &a);
    ck_assert(kr_str_eq(d->Mechanism, "PLAIN"));
    kr_arena_destroy(&a);
}
END_TEST

/* SaslHandshake has no flexible version: the response is classic. */
START_TEST(sasl_handshake_v1_response_known_bytes)
{
    const struct kr_api *api = &kr_api_SaslHandshake;
    static const uint8_t want[] = {
        0x00, 0x21,             /* ErrorCode 33 UNSUPPORTED_SASL_MECHANISM */
        0x00, 0x00, 0x00, 0x02, /* Mechanisms: 2 */
        0x00, 0x05, 'P', 'L', 'A', 'I', 'N',
        0x00, 0x0D, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-',
        '2', '5', '6',
    };
    struct kr_str mechs[] = {kr_str_c("PLAIN"), kr_str_c("SCRAM-SHA-256")};
    struct kr_SaslHandshakeResponse m = {
        .ErrorCode = 33, .MechanismsCnt = 2, .Mechanisms = mechs};
    expect_encode(api, 1, true, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslHandshakeResponse *d =
        decode_ok(api, 1, true, want, sizeof want, &a);
    ck_assert_int_eq(d->ErrorCode, 33);
    ck_assert_int_eq(d->MechanismsCnt, 2);
    ck_assert(kr_str_eq(d->Mechanisms[0], "PLAIN"));
    ck_assert(kr_str_eq(d->Mechanisms[1], "SCRAM-SHA-256"));
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(sasl_handshake_samples_decode_field_by_field)
{
    const struct kr_api *api = &kr_api_SaslHandshake;
    ck_assert_int_eq(api->min_ver, 0);
    ck_assert_int_eq(api->max_ver, 1);
    ck_assert_int_eq(api->flex_ver, INT16_MAX);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct pair pq = sample_pair(api, v, false, &a);
        const struct kr_SaslHandshakeRequest *q = pq.orig, *dq = pq.dec;
        ck_str(dq->Mechanism, q->Mechanism);

        struct pair pr = sample_pair(api, v, true, &a);
        const struct kr_SaslHandshakeResponse *r = pr.orig, *dr = pr.dec;
        ck_assert_int_eq(dr->ErrorCode, r->ErrorCode);
        ck_assert_int_eq(dr->MechanismsCnt, r->MechanismsCnt);
        ck_assert_int_ge(r->MechanismsCnt, 2);
        for (int32_t i = 0; i < r->MechanismsCnt; i++)
            ck_str(dr->Mechanisms[i], r->Mechanisms[i]);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(sasl_handshake_huge_mechanism_count_is_bad_msg)
{
    static const uint8_t bad[] = {
        0x00, 0x00,             /* ErrorCode */
        0x7F, 0xFF, 0xFF, 0xFF, /* Mechanisms: 2^31-1, no bytes follow */
        0x00, 0x01, 'x',
    };
    expect_bad_msg_as(&kr_api_SaslHandshake, 1, true, bad, sizeof bad, 0);
    /* a null array is not allowed either */
    static const uint8_t null_arr[] = {0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    expect_bad_msg_as(&kr_api_SaslHandshake, 1, true, null_arr, sizeof null_arr,
                      0);
}
END_TEST

/* ==== SaslAuthenticate ==== */

START_TEST(sasl_authenticate_v0_request_known_bytes)
{
    const struct kr_api *api = &kr_api_SaslAuthenticate;
    static const uint8_t token[] = "\0user\0pass";
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x0A, /* AuthBytes: 10 bytes (int32 length) */
        0x00, 'u', 's', 'e', 'r', 0x00, 'p', 'a', 's', 's',
    };
    struct kr_SaslAuthenticateRequest m = {
        .AuthBytes = {token, sizeof token - 1}};
    expect_encode(api, 0, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslAuthenticateRequest *d =
        decode_ok(api, 0, false, want, sizeof want, &a);
    ck_bytes(d->AuthBytes, m.AuthBytes);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(sasl_authenticate_v2_response_known_bytes)
{
    const struct kr_api *api = &kr_api_SaslAuthenticate;
    static const uint8_t want[] = {
        0x00, 0x00,                         /* ErrorCode NONE */
        0x00,                               /* ErrorMessage: null */
        0x03, 'o', 'k',                     /* AuthBytes "ok" (compact) */
        0, 0, 0, 0, 0, 0x36, 0xEE, 0x80,    /* SessionLifetimeMs 3600000 */
        0x00,                               /* no tagged fields */
    };
    struct kr_SaslAuthenticateResponse m = {
        .ErrorMessage = kr_str_c(NULL),
        .AuthBytes = {(const uint8_t *)"ok", 2},
        .SessionLifetimeMs = 3600000,
    };
    expect_encode(api, 2, true, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslAuthenticateResponse *d =
        decode_ok(api, 2, true, want, sizeof want, &a);
    ck_assert_int_eq(d->ErrorCode, 0);
    ck_assert_int_eq(d->ErrorMessage.len, -1);
    ck_bytes(d->AuthBytes, m.AuthBytes);
    ck_assert(d->SessionLifetimeMs == 3600000);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(sasl_authenticate_v0_response_has_no_session_lifetime)
{
    const struct kr_api *api = &kr_api_SaslAuthenticate;
    static const uint8_t want[] = {
        0x00, 0x3A,                         /* ErrorCode 58 */
        0x00, 0x03, 'b', 'a', 'd',          /* ErrorMessage "bad" */
        0x00, 0x00, 0x00, 0x00,             /* AuthBytes: empty */
    };
    struct kr_SaslAuthenticateResponse m = {
        .ErrorCode = 58,
        .ErrorMessage = kr_str_c("bad"),
        .AuthBytes = {(const uint8_t *)"", 0},
    };
    expect_encode(api, 0, true, &m, want, sizeof want);
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslAuthenticateResponse *d =
        decode_ok(api, 0, true, want, sizeof want, &a);
    ck_assert_int_eq(d->ErrorCode, 58);
    ck_assert(kr_str_eq(d->ErrorMessage, "bad"));
    ck_assert_int_eq(d->AuthBytes.len, 0);
    ck_assert(d->SessionLifetimeMs == 0);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(sasl_authenticate_samples_decode_field_by_field)
{
    const struct kr_api *api = &kr_api_SaslAuthenticate;
    ck_assert_int_eq(api->min_ver, 0);
    ck_assert_int_eq(api->max_ver, 2);
    ck_assert_int_eq(api->flex_ver, 2);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct pair pq = sample_pair(api, v, false, &a);
        const struct kr_SaslAuthenticateRequest *q = pq.orig, *dq = pq.dec;
        ck_bytes(dq->AuthBytes, q->AuthBytes);

        struct pair pr = sample_pair(api, v, true, &a);
        const struct kr_SaslAuthenticateResponse *r = pr.orig, *dr = pr.dec;
        ck_assert_int_eq(dr->ErrorCode, r->ErrorCode);
        ck_str(dr->ErrorMessage, r->ErrorMessage);
        ck_bytes(dr->AuthBytes, r->AuthBytes);
        ck_assert(dr->SessionLifetimeMs == r->SessionLifetimeMs);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(sasl_authenticate_auth_bytes_longer_than_input_is_bad_msg)
{
    static const uint8_t bad[] = {
        0x00, 0x00,             /* ErrorCode */
        0xFF, 0xFF,             /* ErrorMessage: null */
        0x7F, 0xFF, 0xFF, 0xFF, /* AuthBytes: 2^31-1 bytes announced */
        'x',
    };
    expect_bad_msg_as(&kr_api_SaslAuthenticate, 1, true, bad, sizeof bad, 0);
}
END_TEST

/* ==== CreateTopics ==== */

START_TEST(create_topics_v4_request_known_bytes)
{
    const struct kr_api *api = &kr_api_CreateTopics;
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x01,             /* Topics: 1 */
        0x00, 0x01, 't',                    /*  Name "t" */
        0xFF, 0xFF, 0xFF, 0xFF,             /*  NumPartitions -1 */
        0xFF, 0xFF,                         /*  ReplicationFactor -1 */
        0x00, 0x00, 0x00, 0x01,             /*  Assignments: 1 */
        0x00, 0x00, 0x00, 0x00,             /*   PartitionIndex 0 */
        0x00, 0x00, 0x00, 0x02,             /*   BrokerIds: 2 */
        0x00, 0x00, 0x00, 0x01,             /*    1 */
        0x00, 0x00, 0x00, 0x02,             /*    2 */
        0x00, 0x00, 0x00, 0x01,             /*  Configs: 1 */
        0x00, 0x01, 'a',                    /*   Name "a" */
        0xFF, 0xFF,                         /*   Value null */
        0x00, 0x00, 0x13, 0x88,             /* timeoutMs 5000 */
        0x00,                               /* validateOnly false */
    };
    int32_t brokers[] = {1, 2};
    struct kr_CreatableReplicaAssignment asg = {
        .PartitionIndex = 0, .BrokerIdsCnt = 2, .BrokerIds = brokers};
    struct kr_CreatableTopicConfig cfg = {.Name = kr_str_c("a"),
                                          .Value = kr_str_c(NULL)};
    struct kr_CreatableTopic topic = {
        .Name = kr_str_c("t"), .NumPartitions = -1, .ReplicationFactor = -1,
        .AssignmentsCnt = 1, .Assignments = &asg,
        .ConfigsCnt = 1, .Configs = &cfg};
    struct kr_CreateTopicsRequest m = {
        .TopicsCnt = 1, .Topics = &topic, .timeoutMs = 5000};
    expect_encode(api, 4, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_CreateTopicsRequest *d =
        decode_ok(api, 4, false, want, sizeof want, &a);
    ck_assert_int_eq(d->TopicsCnt, 1);
    struct kr_CreatableTopic *t = &d->Topics[0];
    ck_assert(kr_str_eq(t->Name, "t"));
    ck_assert_int_eq(t->NumPartitions, -1);
    ck_assert_int_eq(t->ReplicationFactor, -1);
    ck_assert_int_eq(t->AssignmentsCnt, 1);
    ck_assert_int_eq(t->Assignments[0].PartitionIndex, 0);
    ck_assert_int_eq(t->Assignments[0].BrokerIdsCnt, 2);
    ck_assert_int_eq(t->Assignments[0].BrokerIds[0], 1);
    ck_assert_int_eq(t->Assignments[0].BrokerIds[1], 2);
    ck_assert_int_eq(t->ConfigsCnt, 1);
    ck_assert(kr_str_eq(t->Configs[0].Name, "a"));
    ck_assert_int_eq(t->Configs[0].Value.len, -1);
    ck_assert_int_eq(d->timeoutMs, 5000);
    ck_assert(!d->validateOnly);
    kr_arena_destroy(&a);
}
END_TEST

static const uint8_t create_topics_v7_response[] = {
    0x00, 0x00, 0x00, 0x00,             /* ThrottleTimeMs 0 */
    0x02,                               /* Topics: 1 (compact) */
    0x02, 't',                          /*  Name "t" */
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, /*  TopicId */
    0x00, 0x00,                         /*  ErrorCode NONE */
    0x00,                               /*  ErrorMessage null */
    0x00, 0x00, 0x00, 0x03,             /*  NumPartitions 3 */
    0x00, 0x02,                         /*  ReplicationFactor 2 */
    0x02,                               /*  Configs: 1 (compact nullable) */
    0x02, 'a',                          /*   Name "a" */
    0x02, '1',                          /*   Value "1" */
    0x00,                               /*   ReadOnly false */
    0x05,                               /*   ConfigSource 5 */
    0x00,                               /*   IsSensitive false */
    0x00,                               /*   no tagged fields */
    0x01,                               /*  1 tagged field: */
    0x00, 0x02, 0x00, 0x1D,             /*   tag 0 TopicConfigErrorCode 29 */
    0x00,                               /* no tagged fields */
};

START_TEST(create_topics_v7_response_known_bytes)
{
    const struct kr_api *api = &kr_api_CreateTopics;
    struct kr_CreatableTopicConfigs cfg = {
        .Name = kr_str_c("a"), .Value = kr_str_c("1"), .ConfigSource = 5};
    struct kr_CreatableTopicResult topic = {
        .Name = kr_str_c("t"),
        .TopicId = uuid_seq(1),
        .ErrorMessage = kr_str_c(NULL),
        .TopicConfigErrorCode = 29,
        .NumPartitions = 3,
        .ReplicationFactor = 2,
        .ConfigsCnt = 1,
        .Configs = &cfg,
    };
    struct kr_CreateTopicsResponse m = {.TopicsCnt = 1, .Topics = &topic};
    expect_encode(api, 7, true, &m, create_topics_v7_response,
                  sizeof create_topics_v7_response);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_CreateTopicsResponse *d =
        decode_ok(api, 7, true, create_topics_v7_response,
                  sizeof create_topics_v7_response, &a);
    ck_assert_int_eq(d->ThrottleTimeMs, 0);
    ck_assert_int_eq(d->TopicsCnt, 1);
    struct kr_CreatableTopicResult *t = &d->Topics[0];
    ck_assert(kr_str_eq(t->Name, "t"));
    ck_uuid(t->TopicId, uuid_seq(1));
    ck_assert_int_eq(t->ErrorCode, 0);
    ck_assert_int_eq(t->ErrorMessage.len, -1);
    ck_assert_int_eq(t->TopicConfigErrorCode, 29);
    ck_assert_int_eq(t->NumPartitions, 3);
    ck_assert_int_eq(t->ReplicationFactor, 2);
    ck_assert_int_eq(t->ConfigsCnt, 1);
    ck_assert(kr_str_eq(t->Configs[0].Name, "a"));
    ck_assert(kr_str_eq(t->Configs[0].Value, "1"));
    ck_assert(!t->Configs[0].ReadOnly);
    ck_assert_int_eq(t->Configs[0].ConfigSource, 5);
    ck_assert(!t->Configs[0].IsSensitive);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(create_topics_defaults_for_absent_and_untagged_fields)
{
    const struct kr_api *api = &kr_api_CreateTopics;
    struct kr_arena a;
    kr_arena_init(&a, 0);
    /* v5, null Configs, no tag: TopicConfigErrorCode stays 0 */
    static const uint8_t v5[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x02,                   /* Topics: 1 */
        0x02, 't',              /*  Name */
        0x00, 0x24,             /*  ErrorCode 36 */
        0x02, 'x',              /*  ErrorMessage "x" */
        0xFF, 0xFF, 0xFF, 0xFF, /*  NumPartitions -1 */
        0xFF, 0xFF,             /*  ReplicationFactor -1 */
        0x00,                   /*  Configs: null */
        0x00,                   /*  no tagged fields */
        0x00,                   /* no tagged fields */
    };
    struct kr_CreateTopicsResponse *d =
        decode_ok(api, 5, true, v5, sizeof v5, &a);
    ck_assert_int_eq(d->Topics[0].ErrorCode, 36);
    ck_assert(kr_str_eq(d->Topics[0].ErrorMessage, "x"));
    ck_assert_int_eq(d->Topics[0].ConfigsCnt, -1);
    ck_assert_int_eq(d->Topics[0].TopicConfigErrorCode, 0);

    /* v4 has none of the v5 fields: NumPartitions/ReplicationFactor -1 */
    static const uint8_t v4[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x00, 0x00, 0x00, 0x01, /* Topics: 1 */
        0x00, 0x01, 't',        /*  Name */
        0x00, 0x00,             /*  ErrorCode */
        0xFF, 0xFF,             /*  ErrorMessage null */
    };
    d = decode_ok(api, 4, true, v4, sizeof v4, &a);
    ck_assert_int_eq(d->Topics[0].NumPartitions, -1);
    ck_assert_int_eq(d->Topics[0].ReplicationFactor, -1);
    ck_assert_int_eq(d->Topics[0].ConfigsCnt, 0);
    kr_arena_destroy(&a);
}
END_TEST

static void ck_create_request(const struct kr_CreateTopicsRequest *d,
                              const struct kr_CreateTopicsRequest *q)
{
    ck_assert_int_eq(d->TopicsCnt, q->TopicsCnt);
    for (int32_t i = 0; i < q->TopicsCnt; i++) {
        const struct kr_CreatableTopic *dt = &d->Topics[i], *qt = &q->Topics[i];
        ck_str(dt->Name, qt->Name);
        ck_assert_int_eq(dt->NumPartitions, qt->NumPartitions);
        ck_assert_int_eq(dt->ReplicationFactor, qt->ReplicationFactor);
        ck_assert_int_eq(dt->AssignmentsCnt, qt->AssignmentsCnt);
        for (int32_t j = 0; j < qt->AssignmentsCnt; j++) {
            const struct kr_CreatableReplicaAssignment *da =
                &dt->Assignments[j], *qa = &qt->Assignments[j];
            ck_assert_int_eq(da->PartitionIndex, qa->PartitionIndex);
            ck_assert_int_eq(da->BrokerIdsCnt, qa->BrokerIdsCnt);
            for (int32_t k = 0; k < qa->BrokerIdsCnt; k++)
                ck_assert_int_eq(da->BrokerIds[k], qa->BrokerIds[k]);
        }
        ck_assert_int_eq(dt->ConfigsCnt, qt->ConfigsCnt);
        for (int32_t j = 0; j < qt->ConfigsCnt; j++) {
            ck_str(dt->Configs[j].Name, qt->Configs[j].Name);
            ck_str(dt->Configs[j].Value, qt->Configs[j].Value);
        }
    }
    ck_assert_int_eq(d->timeoutMs, q->timeoutMs);
    ck_assert_int_eq(d->validateOnly, q->validateOnly);
}

static void ck_create_result(const struct kr_CreatableTopicResult *d,
                             const struct kr_CreatableTopicResult *r)
{
    ck_str(d->Name, r->Name);
    ck_uuid(d->TopicId, r->TopicId);
    ck_assert_int_eq(d->ErrorCode, r->ErrorCode);
    ck_str(d->ErrorMessage, r->ErrorMessage);
    ck_assert_int_eq(d->TopicConfigErrorCode, r->TopicConfigErrorCode);
    ck_assert_int_eq(d->NumPartitions, r->NumPartitions);
    ck_assert_int_eq(d->ReplicationFactor, r->ReplicationFactor);
    ck_assert_int_eq(d->ConfigsCnt, r->ConfigsCnt);
    for (int32_t j = 0; j < r->ConfigsCnt; j++) {
        const struct kr_CreatableTopicConfigs *dc = &d->Configs[j],
                                              *rc = &r->Configs[j];
        ck_str(dc->Name, rc->Name);
        ck_str(dc->Value, rc->Value);
        ck_assert_int_eq(dc->ReadOnly, rc->ReadOnly);
        ck_assert_int_eq(dc->ConfigSource, rc->ConfigSource);
        ck_assert_int_eq(dc->IsSensitive, rc->IsSensitive);
    }
}

START_TEST(create_topics_samples_decode_field_by_field)
{
    const struct kr_api *api = &kr_api_CreateTopics;
    ck_assert_int_eq(api->min_ver, 2);
    ck_assert_int_eq(api->max_ver, 7);
    ck_assert_int_eq(api->flex_ver, 5);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct pair pq = sample_pair(api, v, false, &a);
        const struct kr_CreateTopicsRequest *q = pq.orig, *dq = pq.dec;
        ck_create_request(dq, q);

        struct pair pr = sample_pair(api, v, true, &a);
        const struct kr_CreateTopicsResponse *r = pr.orig, *dr = pr.dec;
        ck_assert_int_eq(dr->ThrottleTimeMs, r->ThrottleTimeMs);
        ck_assert_int_eq(dr->TopicsCnt, r->TopicsCnt);
        for (int32_t i = 0; i < r->TopicsCnt; i++)
            ck_create_result(&dr->Topics[i], &r->Topics[i]);
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(create_topics_huge_array_counts_are_bad_msg)
{
    const struct kr_api *api = &kr_api_CreateTopics;
    static const uint8_t classic[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x7F, 0xFF, 0xFF, 0xFF, /* Topics: 2^31-1 */
        0x00, 0x01, 't',
    };
    expect_bad_msg_as(api, 4, true, classic, sizeof classic, 0);
    static const uint8_t compact[] = {
        0x00, 0x00, 0x00, 0x00,       /* ThrottleTimeMs */
        0x80, 0x80, 0x80, 0x80, 0x08, /* Topics: uvarint 2^31 = count+1 */
        0x02, 't',
    };
    expect_bad_msg_as(api, 7, true, compact, sizeof compact, 0);

    /* a nested count (Configs) past the end fails the whole message */
    uint8_t nested[sizeof create_topics_v7_response];
    memcpy(nested, create_topics_v7_response, sizeof nested);
    ck_assert_uint_eq(nested[32], 0x02); /* Configs count */
    nested[32] = 0x7F;                   /* 126 configs announced */
    expect_bad_msg_as(api, 7, true, nested, sizeof nested, SIZE_MAX);
}
END_TEST

/* ==== DeleteTopics ==== */

START_TEST(delete_topics_v1_request_known_bytes)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x02, /* TopicNames: 2 */
        0x00, 0x01, 'a',        /*  "a" */
        0x00, 0x02, 'b', 'c',   /*  "bc" */
        0x00, 0x00, 0x03, 0xE8, /* TimeoutMs 1000 */
    };
    struct kr_str names[] = {kr_str_c("a"), kr_str_c("bc")};
    struct kr_DeleteTopicsRequest m = {
        .TopicNamesCnt = 2, .TopicNames = names, .TimeoutMs = 1000};
    expect_encode(api, 1, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_DeleteTopicsRequest *d =
        decode_ok(api, 1, false, want, sizeof want, &a);
    ck_assert_int_eq(d->TopicsCnt, 0);
    ck_assert_int_eq(d->TopicNamesCnt, 2);
    ck_assert(kr_str_eq(d->TopicNames[0], "a"));
    ck_assert(kr_str_eq(d->TopicNames[1], "bc"));
    ck_assert_int_eq(d->TimeoutMs, 1000);
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(delete_topics_v6_request_known_bytes)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    static const uint8_t want[] = {
        0x03,                               /* Topics: 2 (compact) */
        0x00,                               /*  Name null */
        0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
        0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, /*  TopicId */
        0x00,                               /*  no tagged fields */
        0x02, 'a',                          /*  Name "a" */
        0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0,             /*  TopicId zero */
        0x00,                               /*  no tagged fields */
        0x00, 0x00, 0x03, 0xE8,             /* TimeoutMs 1000 */
        0x00,                               /* no tagged fields */
    };
    struct kr_DeleteTopicState topics[] = {
        {.Name = kr_str_c(NULL), .TopicId = uuid_seq(0x11)},
        {.Name = kr_str_c("a")},
    };
    struct kr_DeleteTopicsRequest m = {
        .TopicsCnt = 2, .Topics = topics, .TimeoutMs = 1000};
    expect_encode(api, 6, false, &m, want, sizeof want);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_DeleteTopicsRequest *d =
        decode_ok(api, 6, false, want, sizeof want, &a);
    ck_assert_int_eq(d->TopicNamesCnt, 0);
    ck_assert_int_eq(d->TopicsCnt, 2);
    ck_assert_int_eq(d->Topics[0].Name.len, -1);
    ck_uuid(d->Topics[0].TopicId, uuid_seq(0x11));
    ck_assert(kr_str_eq(d->Topics[1].Name, "a"));
    ck_uuid(d->Topics[1].TopicId, (struct kr_uuid){{0}});
    ck_assert_int_eq(d->TimeoutMs, 1000);
    kr_arena_destroy(&a);
}
END_TEST

static const uint8_t delete_topics_v6_response[] = {
    0x00, 0x00, 0x00, 0x05,             /* ThrottleTimeMs 5 */
    0x02,                               /* Responses: 1 (compact) */
    0x00,                               /*  Name null */
    0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, /*  TopicId */
    0x00, 0x03,                         /*  ErrorCode 3 */
    0x02, 'x',                          /*  ErrorMessage "x" */
    0x00,                               /*  no tagged fields */
    0x00,                               /* no tagged fields */
};

START_TEST(delete_topics_v6_response_known_bytes)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    struct kr_DeletableTopicResult res = {
        .Name = kr_str_c(NULL),
        .TopicId = uuid_seq(0x21),
        .ErrorCode = 3,
        .ErrorMessage = kr_str_c("x"),
    };
    struct kr_DeleteTopicsResponse m = {
        .ThrottleTimeMs = 5, .ResponsesCnt = 1, .Responses = &res};
    expect_encode(api, 6, true, &m, delete_topics_v6_response,
                  sizeof delete_topics_v6_response);

    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_DeleteTopicsResponse *d =
        decode_ok(api, 6, true, delete_topics_v6_response,
                  sizeof delete_topics_v6_response, &a);
    ck_assert_int_eq(d->ThrottleTimeMs, 5);
    ck_assert_int_eq(d->ResponsesCnt, 1);
    ck_assert_int_eq(d->Responses[0].Name.len, -1);
    ck_uuid(d->Responses[0].TopicId, uuid_seq(0x21));
    ck_assert_int_eq(d->Responses[0].ErrorCode, 3);
    ck_assert(kr_str_eq(d->Responses[0].ErrorMessage, "x"));
    kr_arena_destroy(&a);
}
END_TEST

START_TEST(delete_topics_v4_response_defaults_and_non_null_name)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    static const uint8_t v4[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x02,                   /* Responses: 1 */
        0x02, 't',              /*  Name "t" */
        0x00, 0x00,             /*  ErrorCode */
        0x00,                   /*  no tagged fields */
        0x00,                   /* no tagged fields */
    };
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_DeleteTopicsResponse *d =
        decode_ok(api, 4, true, v4, sizeof v4, &a);
    ck_assert(kr_str_eq(d->Responses[0].Name, "t"));
    ck_assert_int_eq(d->Responses[0].ErrorMessage.len, -1); /* v5+ */
    kr_arena_destroy(&a);

    /* Name only becomes nullable in v6 */
    static const uint8_t null_name[] = {
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    expect_bad_msg_as(api, 4, true, null_name, sizeof null_name, SIZE_MAX);
}
END_TEST

START_TEST(delete_topics_samples_decode_field_by_field)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    ck_assert_int_eq(api->min_ver, 1);
    ck_assert_int_eq(api->max_ver, 6);
    ck_assert_int_eq(api->flex_ver, 4);
    for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct pair pq = sample_pair(api, v, false, &a);
        const struct kr_DeleteTopicsRequest *q = pq.orig, *dq = pq.dec;
        ck_assert_int_eq(dq->TopicsCnt, q->TopicsCnt);
        for (int32_t i = 0; i < q->TopicsCnt; i++) {
            ck_str(dq->Topics[i].Name, q->Topics[i].Name);
            ck_uuid(dq->Topics[i].TopicId, q->Topics[i].TopicId);
        }
        ck_assert_int_eq(dq->TopicNamesCnt, q->TopicNamesCnt);
        for (int32_t i = 0; i < q->TopicNamesCnt; i++)
            ck_str(dq->TopicNames[i], q->TopicNames[i]);
        ck_assert_int_eq(dq->TimeoutMs, q->TimeoutMs);

        struct pair pr = sample_pair(api, v, true, &a);
        const struct kr_DeleteTopicsResponse *r = pr.orig, *dr = pr.dec;
        ck_assert_int_eq(dr->ThrottleTimeMs, r->ThrottleTimeMs);
        ck_assert_int_eq(dr->ResponsesCnt, r->ResponsesCnt);
        for (int32_t i = 0; i < r->ResponsesCnt; i++) {
            const struct kr_DeletableTopicResult *dt = &dr->Responses[i],
                                                 *rt = &r->Responses[i];
            ck_str(dt->Name, rt->Name);
            ck_uuid(dt->TopicId, rt->TopicId);
            ck_assert_int_eq(dt->ErrorCode, rt->ErrorCode);
            ck_str(dt->ErrorMessage, rt->ErrorMessage);
        }
        kr_arena_destroy(&a);
    }
}
END_TEST

START_TEST(delete_topics_huge_array_counts_are_bad_msg)
{
    const struct kr_api *api = &kr_api_DeleteTopics;
    static const uint8_t classic[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs */
        0x7F, 0xFF, 0xFF, 0xFF, /* Responses: 2^31-1 */
        0x00, 0x01, 't',
    };
    expect_bad_msg_as(api, 3, true, classic, sizeof classic, 0);
    static const uint8_t compact[] = {
        0x00, 0x00, 0x00, 0x00,       /* ThrottleTimeMs */
        0x80, 0x80, 0x80, 0x80, 0x08, /* Responses: uvarint 2^31 */
        0x00,
    };
    expect_bad_msg_as(api, 6, true, compact, sizeof compact, 0);
    /* request side too: TopicNames count with 2-byte minimum elements */
    static const uint8_t names[] = {
        0x00, 0x00, 0x00, 0x03, /* TopicNames: 3, but only 5 bytes left */
        0x00, 0x00, 0x00, 0x03, 0xE8,
    };
    expect_bad_msg_as(api, 1, false, names, sizeof names, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_admin");
    TCase *tc = tcase_create("admin");
    tcase_add_test(tc, init_producer_id_v0_request_known_bytes);
    tcase_add_test(tc, init_producer_id_v6_request_known_bytes);
    tcase_add_test(tc, init_producer_id_v6_response_known_bytes);
    tcase_add_test(tc, init_producer_id_samples_decode_field_by_field);
    tcase_add_test(tc, sasl_handshake_v1_request_known_bytes);
    tcase_add_test(tc, sasl_handshake_v1_response_known_bytes);
    tcase_add_test(tc, sasl_handshake_samples_decode_field_by_field);
    tcase_add_test(tc, sasl_handshake_huge_mechanism_count_is_bad_msg);
    tcase_add_test(tc, sasl_authenticate_v0_request_known_bytes);
    tcase_add_test(tc, sasl_authenticate_v2_response_known_bytes);
    tcase_add_test(tc, sasl_authenticate_v0_response_has_no_session_lifetime);
    tcase_add_test(tc, sasl_authenticate_samples_decode_field_by_field);
    tcase_add_test(tc,
                   sasl_authenticate_auth_bytes_longer_than_input_is_bad_msg);
    tcase_add_test(tc, create_topics_v4_request_known_bytes);
    tcase_add_test(tc, create_topics_v7_response_known_bytes);
    tcase_add_test(tc, create_topics_defaults_for_absent_and_untagged_fields);
    tcase_add_test(tc, create_topics_samples_decode_field_by_field);
    tcase_add_test(tc, create_topics_huge_array_counts_are_bad_msg);
    tcase_add_test(tc, delete_topics_v1_request_known_bytes);
    tcase_add_test(tc, delete_topics_v6_request_known_bytes);
    tcase_add_test(tc, delete_topics_v6_response_known_bytes);
    tcase_add_test(tc, delete_topics_v4_response_defaults_and_non_null_name);
    tcase_add_test(tc, delete_topics_samples_decode_field_by_field);
    tcase_add_test(tc, delete_topics_huge_array_counts_are_bad_msg);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
