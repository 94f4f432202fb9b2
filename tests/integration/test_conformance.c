/*
 * The codec against a real Apache Kafka broker, over a plain blocking
 * socket: every API libkrafka speaks, at every version both sides support
 * where a round trip is cheap, and at the lowest and highest common version
 * for the consumer-group flow. Needs KRAFKA_TEST_BOOTSTRAP (and
 * KRAFKA_TEST_SASL_BOOTSTRAP etc.), written by tests/kafka/harness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conformance.h"

static struct kt_range ranges[KT_MAX_KEY];

static void connect_plain(struct kt_conn *c)
{
    ck_assert_int_eq(kt_connect(c, kt_env("KRAFKA_TEST_BOOTSTRAP")),
                     KRAFKA_ERR_NONE);
    kt_broker_ranges(c, ranges);
}

START_TEST(apiversions_every_codec_version_is_answered)
{
    struct kt_conn c;
    connect_plain(&c);
    for (int16_t v = 0; v <= kr_api_ApiVersions.max_ver; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_ApiVersionsRequest req = {
            .ClientSoftwareName = kr_str_c("libkrafka-tests"),
            .ClientSoftwareVersion = kr_str_c("0.1.0")};
        struct kr_ApiVersionsResponse resp;
        ck_assert_int_eq(kt_call(&c, &kr_api_ApiVersions, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(resp.ErrorCode, 0);
        ck_assert_int_gt(resp.ApiKeysCnt, 20);
        if (v >= 3)
            ck_assert_int_ge(resp.FinalizedFeaturesEpoch, 0);
        kr_arena_destroy(&a);
    }
    kt_close(&c);
}
END_TEST

START_TEST(apiversions_unknown_version_gets_error_35_with_a_v0_body)
{
    struct kt_conn c;
    connect_plain(&c);
    struct kr_buf f;
    kr_buf_init(&f, 0);
    struct kr_ApiVersionsRequest req = {.ClientSoftwareName = kr_str_c("x"),
                                        .ClientSoftwareVersion = kr_str_c("1")};
    ck_assert_int_eq(kr_request_write(&f, &kr_api_ApiVersions, 4, 42, "t",
                                      &req),
                     KRAFKA_ERR_NONE);
    kr_buf_patch_be16(&f, 6, 99); /* RequestApiVersion: one nobody has */
    ck_assert_int_eq(kt_roundtrip_raw(&c, f.data, f.len), KRAFKA_ERR_NONE);
    /* the answer is a v0 body behind response header v0 */
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_ApiVersionsResponse resp;
    int32_t corr;
    ck_assert_int_eq(kr_response_read(&kr_api_ApiVersions, 0, c.rx.data,
                                      c.rx.len, &a, &resp, &corr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(corr, 42);
    ck_assert_int_eq(resp.ErrorCode, KRAFKA_ERR_UNSUPPORTED_VERSION);
    bool has_self = false;
    for (int32_t i = 0; i < resp.ApiKeysCnt; i++)
        if (resp.ApiKeys[i].ApiKey == KR_API_ApiVersions)
            has_self = resp.ApiKeys[i].MaxVersion >= 3;
    ck_assert(has_self);
    kr_arena_destroy(&a);
    kr_buf_free(&f);
    kt_close(&c);
}
END_TEST

START_TEST(codec_version_ranges_intersect_the_brokers_for_every_api)
{
    struct kt_conn c;
    connect_plain(&c);
    const char *ver = getenv("KRAFKA_TEST_KAFKA_VERSION");
    fprintf(stderr, "broker %s: API ranges (broker | libkrafka | common max)\n",
            ver ? ver : "?");
    for (size_t i = 0; i < kr_apis_cnt; i++) {
        const struct kr_api *api = kr_apis[i];
        struct kt_range b = ranges[api->key];
        int16_t hi = kt_common_max(ranges, api);
        fprintf(stderr, "  %-22s %2d..%-2d | %2d..%-2d | %d\n", api->name,
                b.min, b.max, api->min_ver, api->max_ver, hi);
        ck_assert_msg(hi >= 0, "%s: broker %d..%d, codec %d..%d", api->name,
                      b.min, b.max, api->min_ver, api->max_ver);
    }
    kt_close(&c);
}
END_TEST

static void check_metadata(int16_t v, const struct kr_MetadataResponse *m,
                           const char *topic, int32_t partitions)
{
    const char *bs = kt_env("KRAFKA_TEST_BOOTSTRAP");
    long port = strtol(strrchr(bs, ':') + 1, NULL, 10);
    bool found_broker = false;
    for (int32_t i = 0; i < m->BrokersCnt; i++)
        if (m->Brokers[i].Port == port &&
            kr_str_eq(m->Brokers[i].Host, "127.0.0.1"))
            found_broker = true;
    ck_assert_msg(found_broker, "v%d: bootstrap broker not listed", v);
    if (v >= 1)
        ck_assert_int_ge(m->ControllerId, 0);
    if (v >= 2)
        ck_assert_int_gt(m->ClusterId.len, 0);
    ck_assert_int_eq(m->TopicsCnt, 1);
    const struct kr_MetadataResponseTopic *t = &m->Topics[0];
    ck_assert_int_eq(t->ErrorCode, 0);
    ck_assert(kr_str_eq(t->Name, topic));
    ck_assert_int_eq(t->PartitionsCnt, partitions);
    static const struct kr_uuid zero;
    if (v >= 10)
        ck_assert(memcmp(&t->TopicId, &zero, sizeof zero) != 0);
    for (int32_t p = 0; p < partitions; p++) {
        ck_assert_int_ge(t->Partitions[p].LeaderId, 0);
        ck_assert_int_eq(t->Partitions[p].ReplicaNodesCnt, 1);
        ck_assert_int_eq(t->Partitions[p].IsrNodesCnt, 1);
        if (v >= 7)
            ck_assert_int_ge(t->Partitions[p].LeaderEpoch, 0);
    }
}

START_TEST(metadata_every_common_version_describes_a_new_topic)
{
    struct kt_conn c;
    connect_plain(&c);
    char topic[96];
    kt_unique_name(topic, sizeof topic, "conf-metadata");
    kt_create_topic(&c, ranges, topic, 3);
    int16_t lo = kt_common_min(ranges, &kr_api_Metadata);
    int16_t hi = kt_common_max(ranges, &kr_api_Metadata);
    for (int16_t v = lo; v <= hi; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_MetadataRequestTopic t = {.Name = kr_str_c(topic)};
        struct kr_MetadataRequest req = {.TopicsCnt = 1, .Topics = &t};
        struct kr_MetadataResponse resp;
        ck_assert_int_eq(kt_call(&c, &kr_api_Metadata, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        check_metadata(v, &resp, topic, 3);
        /* and all topics: empty array in v0, null from v1 */
        struct kr_MetadataRequest all = {.TopicsCnt = v >= 1 ? -1 : 0};
        ck_assert_int_eq(kt_call(&c, &kr_api_Metadata, v, &all, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_ge(resp.TopicsCnt, 1);
        kr_arena_destroy(&a);
    }
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}
END_TEST

START_TEST(create_topics_and_delete_topics_at_every_common_version)
{
    struct kt_conn c;
    connect_plain(&c);
    int16_t lo = kt_common_min(ranges, &kr_api_CreateTopics);
    int16_t hi = kt_common_max(ranges, &kr_api_CreateTopics);
    int16_t dlo = kt_common_min(ranges, &kr_api_DeleteTopics);
    int16_t dhi = kt_common_max(ranges, &kr_api_DeleteTopics);
    for (int16_t v = lo; v <= hi; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        char topic[96];
        kt_unique_name(topic, sizeof topic, "conf-create");
        struct kr_CreatableTopic t = {.Name = kr_str_c(topic),
                                      .NumPartitions = 2,
                                      .ReplicationFactor = 1};
        struct kr_CreateTopicsRequest req = {.TopicsCnt = 1, .Topics = &t,
                                             .timeoutMs = 15000};
        struct kr_CreateTopicsResponse resp;
        ck_assert_int_eq(kt_call(&c, &kr_api_CreateTopics, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(resp.Topics[0].ErrorCode, 0);
        if (v >= 5) {
            ck_assert_int_eq(resp.Topics[0].NumPartitions, 2);
            ck_assert_int_eq(resp.Topics[0].ReplicationFactor, 1);
            ck_assert_int_gt(resp.Topics[0].ConfigsCnt, 0);
        }
        /* creating it again is TOPIC_ALREADY_EXISTS (36) */
        ck_assert_int_eq(kt_call(&c, &kr_api_CreateTopics, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(resp.Topics[0].ErrorCode,
                         KRAFKA_ERR_TOPIC_ALREADY_EXISTS);
        kt_wait_leaders(&c, ranges, topic, 2, NULL);
        /* delete with each DeleteTopics version in turn */
        int16_t dv = (int16_t)(dlo + (v - lo) % (dhi - dlo + 1));
        struct kr_str n = kr_str_c(topic);
        struct kr_DeleteTopicState st = {.Name = n};
        struct kr_DeleteTopicsRequest dreq = {.TimeoutMs = 15000};
        if (dv >= 6) {
            dreq.TopicsCnt = 1;
            dreq.Topics = &st;
        } else {
            dreq.TopicNamesCnt = 1;
            dreq.TopicNames = &n;
        }
        struct kr_DeleteTopicsResponse dresp;
        ck_assert_int_eq(kt_call(&c, &kr_api_DeleteTopics, dv, &dreq, &dresp,
                                 &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(dresp.ResponsesCnt, 1);
        ck_assert_int_eq(dresp.Responses[0].ErrorCode, 0);
        kr_arena_destroy(&a);
    }
    kt_close(&c);
}
END_TEST

START_TEST(list_offsets_and_offset_for_leader_epoch_on_an_empty_topic)
{
    struct kt_conn c;
    connect_plain(&c);
    char topic[96];
    kt_unique_name(topic, sizeof topic, "conf-offsets");
    kt_create_topic(&c, ranges, topic, 1);
    int16_t lo = kt_common_min(ranges, &kr_api_ListOffsets);
    int16_t hi = kt_common_max(ranges, &kr_api_ListOffsets);
    for (int16_t v = lo; v <= hi; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_ListOffsetsPartition p[1] = {
            {.PartitionIndex = 0, .CurrentLeaderEpoch = -1, .Timestamp = -1}};
        struct kr_ListOffsetsTopic t = {kr_str_c(topic), 1, p};
        struct kr_ListOffsetsRequest req = {.ReplicaId = -1, .TopicsCnt = 1,
                                            .Topics = &t, .TimeoutMs = 5000};
        struct kr_ListOffsetsResponse resp;
        /* a partition that has just got its leader may still answer the
         * retriable NOT_LEADER_OR_FOLLOWER for a moment (bounded) */
        for (int attempt = 0; attempt < 50; attempt++) {
            ck_assert_int_eq(kt_call(&c, &kr_api_ListOffsets, v, &req, &resp,
                                     &a),
                             KRAFKA_ERR_NONE);
            ck_assert_int_eq(resp.TopicsCnt, 1);
            if (!krafka_err_is_retriable(resp.Topics[0].Partitions[0].ErrorCode))
                break;
            usleep(100 * 1000);
        }
        ck_assert_int_eq(resp.Topics[0].Partitions[0].ErrorCode, 0);
        ck_assert_int_eq(resp.Topics[0].Partitions[0].Offset, 0);
        kr_arena_destroy(&a);
    }
    lo = kt_common_min(ranges, &kr_api_OffsetForLeaderEpoch);
    hi = kt_common_max(ranges, &kr_api_OffsetForLeaderEpoch);
    for (int16_t v = lo; v <= hi; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_OffsetForLeaderPartition p = {
            .Partition = 0, .CurrentLeaderEpoch = -1, .LeaderEpoch = 0};
        struct kr_OffsetForLeaderTopic t = {kr_str_c(topic), 1, &p};
        struct kr_OffsetForLeaderEpochRequest req = {
            .ReplicaId = -1, .TopicsCnt = 1, .Topics = &t};
        struct kr_OffsetForLeaderEpochResponse resp;
        ck_assert_int_eq(kt_call(&c, &kr_api_OffsetForLeaderEpoch, v, &req,
                                 &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(resp.TopicsCnt, 1);
        ck_assert_int_eq(resp.Topics[0].Partitions[0].ErrorCode, 0);
        ck_assert_int_eq(resp.Topics[0].Partitions[0].EndOffset, 0);
        kr_arena_destroy(&a);
    }
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}
END_TEST

START_TEST(init_producer_id_every_common_version_gives_an_idempotent_id)
{
    struct kt_conn c;
    connect_plain(&c);
    int16_t lo = kt_common_min(ranges, &kr_api_InitProducerId);
    int16_t hi = kt_common_max(ranges, &kr_api_InitProducerId);
    int64_t prev = -1;
    for (int16_t v = lo; v <= hi; v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_InitProducerIdRequest req = {
            .TransactionalId = {NULL, -1}, .TransactionTimeoutMs = 60000,
            .ProducerId = -1, .ProducerEpoch = -1};
        struct kr_InitProducerIdResponse resp;
        /* A fresh broker loads its transaction state topic first: the
         * retriable COORDINATOR_LOAD_IN_PROGRESS / NOT_AVAILABLE (bounded). */
        for (int attempt = 0; attempt < 100; attempt++) {
            ck_assert_int_eq(kt_call(&c, &kr_api_InitProducerId, v, &req,
                                     &resp, &a),
                             KRAFKA_ERR_NONE);
            if (!krafka_err_is_retriable(resp.ErrorCode))
                break;
            usleep(200 * 1000);
        }
        ck_assert_msg(resp.ErrorCode == 0, "InitProducerId v%d: %s", v,
                      krafka_err2name(resp.ErrorCode));
        ck_assert_int_ge(resp.ProducerId, 0);
        ck_assert_int_ne(resp.ProducerId, prev);
        ck_assert_int_ge(resp.ProducerEpoch, 0);
        prev = resp.ProducerId;
        kr_arena_destroy(&a);
    }
    kt_close(&c);
}
END_TEST

/* SaslHandshake + SaslAuthenticate(PLAIN) on the SASL_PLAINTEXT listener. */
static int16_t sasl_plain(struct kt_conn *c, int16_t hv, int16_t av,
                          const char *password)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_SaslHandshakeRequest hreq = {kr_str_c("PLAIN")};
    struct kr_SaslHandshakeResponse hresp;
    ck_assert_int_eq(kt_call(c, &kr_api_SaslHandshake, hv, &hreq, &hresp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(hresp.ErrorCode, 0);
    bool scram = false;
    for (int32_t i = 0; i < hresp.MechanismsCnt; i++)
        scram |= kr_str_eq(hresp.Mechanisms[i], "SCRAM-SHA-512");
    ck_assert(scram);
    const char *user = kt_env("KRAFKA_TEST_SASL_USER");
    uint8_t msg[256];
    size_t ul = strlen(user), pl = strlen(password);
    ck_assert_uint_lt(ul + pl + 2, sizeof msg);
    /* PLAIN (RFC 4616): authzid NUL authcid NUL passwd */
    msg[0] = 0;
    memcpy(msg + 1, user, ul);
    msg[1 + ul] = 0;
    memcpy(msg + 2 + ul, password, pl);
    struct kr_SaslAuthenticateRequest areq = {{msg, (int32_t)(ul + pl + 2)}};
    struct kr_SaslAuthenticateResponse aresp;
    ck_assert_int_eq(kt_call(c, &kr_api_SaslAuthenticate, av, &areq, &aresp,
                             &a),
                     KRAFKA_ERR_NONE);
    int16_t ec = aresp.ErrorCode;
    if (ec)
        ck_assert_int_gt(aresp.ErrorMessage.len, 0);
    kr_arena_destroy(&a);
    return ec;
}

START_TEST(sasl_plain_authenticates_at_every_common_version)
{
    struct kt_conn probe;
    connect_plain(&probe);
    kt_close(&probe);
    int16_t hi = kt_common_max(ranges, &kr_api_SaslAuthenticate);
    int16_t lo = kt_common_min(ranges, &kr_api_SaslAuthenticate);
    const char *pw = kt_env("KRAFKA_TEST_SASL_PASSWORD");
    for (int16_t v = lo; v <= hi; v++) {
        struct kt_conn c;
        ck_assert_int_eq(kt_connect(&c, kt_env("KRAFKA_TEST_SASL_BOOTSTRAP")),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(sasl_plain(&c, 1, v, pw), 0);
        /* authenticated: an ordinary request now works */
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_MetadataRequest req = {.TopicsCnt = -1};
        struct kr_MetadataResponse resp;
        ck_assert_int_eq(kt_call(&c, &kr_api_Metadata, 12, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_ge(resp.BrokersCnt, 1);
        kr_arena_destroy(&a);
        kt_close(&c);
    }
}
END_TEST

START_TEST(sasl_plain_wrong_password_is_sasl_authentication_failed)
{
    struct kt_conn c;
    ck_assert_int_eq(kt_connect(&c, kt_env("KRAFKA_TEST_SASL_BOOTSTRAP")),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(sasl_plain(&c, 1, 2, "not-the-password"),
                     KRAFKA_ERR_SASL_AUTHENTICATION_FAILED);
    kt_close(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conformance");
    TCase *tc = tcase_create("broker");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, apiversions_every_codec_version_is_answered);
    tcase_add_test(tc, apiversions_unknown_version_gets_error_35_with_a_v0_body);
    tcase_add_test(tc, codec_version_ranges_intersect_the_brokers_for_every_api);
    tcase_add_test(tc, metadata_every_common_version_describes_a_new_topic);
    tcase_add_test(tc, create_topics_and_delete_topics_at_every_common_version);
    tcase_add_test(tc, list_offsets_and_offset_for_leader_epoch_on_an_empty_topic);
    tcase_add_test(tc, init_producer_id_every_common_version_gives_an_idempotent_id);
    tcase_add_test(tc, sasl_plain_authenticates_at_every_common_version);
    tcase_add_test(tc, sasl_plain_wrong_password_is_sasl_authentication_failed);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
