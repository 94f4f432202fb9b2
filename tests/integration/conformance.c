/* Shared helpers of the conformance suites (see conformance.h). */
#include "conformance.h"

#include "krafka/krafka.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int16_t kt_broker_ranges(struct kt_conn *c, struct kt_range *r)
{
    for (int i = 0; i < KT_MAX_KEY; i++)
        r[i] = (struct kt_range){-1, -1};
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_ApiVersionsRequest req = {
        .ClientSoftwareName = kr_str_c("libkrafka-tests"),
        .ClientSoftwareVersion = kr_str_c(KRAFKA_VERSION_STR)};
    struct kr_ApiVersionsResponse resp;
    int16_t v = kr_api_ApiVersions.max_ver;
    krafka_err_t err = kt_call(c, &kr_api_ApiVersions, v, &req, &resp, &a);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "ApiVersions v%d: %s", v,
                  krafka_err2name(err));
    ck_assert_int_eq(resp.ErrorCode, 0);
    for (int32_t i = 0; i < resp.ApiKeysCnt; i++) {
        struct kr_ApiVersion *k = &resp.ApiKeys[i];
        if (k->ApiKey >= 0 && k->ApiKey < KT_MAX_KEY)
            r[k->ApiKey] = (struct kt_range){k->MinVersion, k->MaxVersion};
    }
    kr_arena_destroy(&a);
    return v;
}

int16_t kt_common_max(const struct kt_range *r, const struct kr_api *api)
{
    struct kt_range b = r[api->key];
    if (b.max < 0)
        return -1;
    int16_t hi = api->max_ver < b.max ? api->max_ver : b.max;
    int16_t lo = api->min_ver > b.min ? api->min_ver : b.min;
    return hi >= lo ? hi : -1;
}

int16_t kt_common_min(const struct kt_range *r, const struct kr_api *api)
{
    struct kt_range b = r[api->key];
    if (b.max < 0)
        return -1;
    int16_t hi = api->max_ver < b.max ? api->max_ver : b.max;
    int16_t lo = api->min_ver > b.min ? api->min_ver : b.min;
    return hi >= lo ? lo : -1;
}

void kt_unique_name(char *out, size_t n, const char *prefix)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, n, "%s-%ld-%ld", prefix, (long)getpid(),
             (long)(ts.tv_nsec / 1000));
}

void kt_create_topic(struct kt_conn *c, const struct kt_range *r,
                     const char *name, int32_t partitions)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = kt_common_max(r, &kr_api_CreateTopics);
    ck_assert_int_ge(v, 0);
    struct kr_CreatableTopicConfig cfg = {kr_str_c("retention.ms"),
                                          kr_str_c("3600000")};
    struct kr_CreatableTopic t = {.Name = kr_str_c(name),
                                  .NumPartitions = partitions,
                                  .ReplicationFactor = 1,
                                  .ConfigsCnt = 1,
                                  .Configs = &cfg};
    struct kr_CreateTopicsRequest req = {.TopicsCnt = 1, .Topics = &t,
                                         .timeoutMs = 15000};
    struct kr_CreateTopicsResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_CreateTopics, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.TopicsCnt, 1);
    ck_assert_msg(resp.Topics[0].ErrorCode == 0, "CreateTopics %s: %s", name,
                  krafka_err2name(resp.Topics[0].ErrorCode));
    ck_assert(kr_str_eq(resp.Topics[0].Name, name));
    kr_arena_destroy(&a);
    kt_wait_leaders(c, r, name, partitions, NULL);
}

/* Metadata for one topic until every partition has a leader (bounded). */
void kt_wait_leaders(struct kt_conn *c, const struct kt_range *r,
                     const char *name, int32_t partitions,
                     struct kr_uuid *topic_id)
{
    int16_t v = kt_common_max(r, &kr_api_Metadata);
    for (int attempt = 0; attempt < 100; attempt++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_MetadataRequestTopic t = {.Name = kr_str_c(name)};
        struct kr_MetadataRequest req = {.TopicsCnt = 1, .Topics = &t,
                                         .AllowAutoTopicCreation = false};
        struct kr_MetadataResponse resp;
        ck_assert_int_eq(kt_call(c, &kr_api_Metadata, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        bool ready = resp.TopicsCnt == 1 && resp.Topics[0].ErrorCode == 0 &&
                     resp.Topics[0].PartitionsCnt == partitions;
        for (int32_t i = 0; ready && i < partitions; i++)
            ready = resp.Topics[0].Partitions[i].LeaderId >= 0;
        if (ready && topic_id)
            *topic_id = resp.Topics[0].TopicId;
        kr_arena_destroy(&a);
        if (ready)
            return;
        usleep(100 * 1000);
    }
    ck_abort_msg("topic %s has no leaders after 10 s", name);
}

void kt_delete_topic(struct kt_conn *c, const struct kt_range *r,
                     const char *name)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = kt_common_max(r, &kr_api_DeleteTopics);
    struct kr_str n = kr_str_c(name);
    struct kr_DeleteTopicState st = {.Name = n};
    struct kr_DeleteTopicsRequest req = {.TimeoutMs = 15000};
    if (v >= 6) {
        req.TopicsCnt = 1;
        req.Topics = &st;
    } else {
        req.TopicNamesCnt = 1;
        req.TopicNames = &n;
    }
    struct kr_DeleteTopicsResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_DeleteTopics, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.ResponsesCnt, 1);
    ck_assert_int_eq(resp.Responses[0].ErrorCode, 0);
    kr_arena_destroy(&a);
}

int kt_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
