/*
 * The admin handle against a single Apache Kafka broker over PLAINTEXT:
 * metadata, topic creation and deletion, errors the broker reports, and a
 * bootstrap address nobody listens on.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include "client/client.h"
#include "client_util.h"
#include "conformance.h"
#include "protocol/apis.h"

START_TEST(metadata_lists_the_broker_controller_and_cluster_id)
{
    const char *boot = kc_env("KRAFKA_TEST_BOOTSTRAP");
    krafka_conf_t *conf = kc_conf(boot, NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char errstr[512];
    krafka_metadata_t *md = NULL;
    ck_assert_int_eq(krafka_admin_metadata(a, NULL, 10000, &md, errstr,
                                           sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(md->broker_cnt, 1);
    ck_assert_str_eq(md->brokers[0].host, "127.0.0.1");
    char expect[64];
    snprintf(expect, sizeof expect, "127.0.0.1:%d", md->brokers[0].port);
    ck_assert_str_eq(expect, boot);
    ck_assert_int_ge(md->controller_id, 0);
    ck_assert_ptr_nonnull(md->cluster_id);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(create_topic_with_configs_then_delete_it)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128], errstr[512];
    kc_topic_name(topic, sizeof topic, "adm");
    const char *cfg[] = {"retention.ms", "600000", "cleanup.policy",
                         "delete"};
    krafka_new_topic_t t = {.topic = topic, .num_partitions = 3,
                            .replication_factor = 1, .configs = cfg,
                            .config_cnt = 2};
    krafka_topic_result_t res;
    ck_assert_int_eq(krafka_admin_create_topics(a, &t, 1, 20000, &res,
                                                errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_msg(res.err == KRAFKA_ERR_NONE, "%s", res.errstr);

    /* A second create is refused per topic, not per request. */
    ck_assert_int_eq(krafka_admin_create_topics(a, &t, 1, 20000, &res,
                                                errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.err, KRAFKA_ERR_TOPIC_ALREADY_EXISTS);
    ck_assert(strlen(res.errstr) > 0);

    krafka_metadata_t *md = NULL;
    int64_t until = kc_now_ms() + 20000;
    for (;;) {
        ck_assert_int_eq(krafka_admin_metadata(a, topic, 5000, &md, errstr,
                                               sizeof errstr),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(md->topic_cnt, 1);
        if (md->topics[0].err == 0 && md->topics[0].partition_cnt == 3 &&
            md->topics[0].partitions[2].leader >= 0)
            break;
        krafka_metadata_destroy(md);
        ck_assert(kc_now_ms() < until);
        usleep(100000);
    }
    ck_assert_str_eq(md->topics[0].topic, topic);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(md->topics[0].partitions[i].replica_cnt, 1);
        ck_assert_int_eq(md->topics[0].partitions[i].isr_cnt, 1);
        ck_assert_int_ge(md->topics[0].partitions[i].leader_epoch, 0);
    }
    krafka_metadata_destroy(md);

    /* DescribeConfigs: the topic's own configs, Kafka's defaults marked. */
    krafka_config_entries_t *ce = NULL;
    ck_assert_msg(krafka_admin_describe_topic_configs(
                      a, topic, 10000, &ce, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    int seen = 0, defaults = 0;
    for (int i = 0; i < ce->cnt; i++) {
        const krafka_config_entry_t *e = &ce->entries[i];
        ck_assert_ptr_nonnull(e->name);
        ck_assert(e->is_default == (e->source == KRAFKA_CONFIG_SOURCE_DEFAULT));
        defaults += e->is_default;
        if (!strcmp(e->name, "retention.ms") ||
            !strcmp(e->name, "cleanup.policy")) {
            seen++;
            ck_assert_int_eq(e->source, KRAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC);
            ck_assert_str_eq(krafka_config_source_name(e->source),
                             "DYNAMIC_TOPIC_CONFIG");
            ck_assert(!e->is_default && !e->sensitive);
            ck_assert_str_eq(e->value, e->name[0] == 'r' ? "600000"
                                                         : "delete");
        }
    }
    ck_assert_int_eq(seen, 2);
    ck_assert_int_gt(defaults, 0); /* e.g. segment.bytes */
    krafka_config_entries_destroy(ce);

    const char *names[] = {topic};
    ck_assert_int_eq(krafka_admin_delete_topics(a, names, 1, 20000, &res,
                                                errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_msg(res.err == KRAFKA_ERR_NONE, "%s", res.errstr);
    ck_assert_int_eq(krafka_admin_delete_topics(a, names, 1, 20000, &res,
                                                errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.err, KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(create_topic_with_zero_partitions_reports_invalid_partitions)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128], errstr[512];
    kc_topic_name(topic, sizeof topic, "bad");
    krafka_new_topic_t t = {.topic = topic, .num_partitions = 0,
                            .replication_factor = 1};
    krafka_topic_result_t res;
    ck_assert_int_eq(krafka_admin_create_topics(a, &t, 1, 20000, &res,
                                                errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(res.err, KRAFKA_ERR_INVALID_PARTITIONS);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(metadata_of_unknown_topic_says_unknown_topic_or_partition)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128], errstr[512];
    kc_topic_name(topic, sizeof topic, "nosuch");
    krafka_metadata_t *md = NULL;
    ck_assert_int_eq(krafka_admin_metadata(a, topic, 10000, &md, errstr,
                                           sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(md->topic_cnt, 1);
    ck_assert_int_eq(md->topics[0].err, KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(configs_of_unknown_topic_say_unknown_topic_or_partition)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128], errstr[512] = "";
    kc_topic_name(topic, sizeof topic, "nosuchcfg");
    krafka_config_entries_t *ce = (krafka_config_entries_t *)&ce;
    ck_assert_int_eq(krafka_admin_describe_topic_configs(
                         a, topic, 10000, &ce, errstr, sizeof errstr),
                     KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    ck_assert_ptr_null(ce);
    ck_assert(strlen(errstr) > 0);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(unreachable_bootstrap_times_out_naming_the_connect_error)
{
    /* Port 1 on loopback: nothing listens, connect is refused. */
    krafka_conf_t *conf = kc_conf("127.0.0.1:1", "reconnect.backoff.ms", "50",
                                  NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char errstr[512];
    krafka_metadata_t *md = NULL;
    int64_t t0 = kc_now_ms();
    krafka_err_t err =
        krafka_admin_metadata(a, NULL, 1500, &md, errstr, sizeof errstr);
    int64_t took = kc_now_ms() - t0;
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_ptr_null(md);
    ck_assert_msg(strstr(errstr, "Connection refused"), "%s", errstr);
    ck_assert_int_ge(took, 1300);
    ck_assert_int_le(took, 1600); /* never longer than the timeout */
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(client_cache_learns_leaders_of_a_new_topic)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128];
    kc_topic_name(topic, sizeof topic, "cache");
    kc_create_topic(a, topic, 2, 1);
    struct kr_client *c = kr_admin_client(a);
    ck_assert_int_eq(kr_md_partition_cnt(c, topic), 2);
    int32_t leader = -1, epoch = -1;
    ck_assert_int_eq(kr_md_leader(c, topic, 1, &leader, &epoch),
                     KRAFKA_ERR_NONE);
    ck_assert_int_ge(leader, 0);
    ck_assert_int_eq(kr_md_leader(c, topic, 2, &leader, &epoch),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(invalid_bootstrap_servers_is_a_configuration_error)
{
    krafka_conf_t *conf = kc_conf("127.0.0.1", NULL);
    krafka_admin_t *a = NULL;
    char errstr[256];
    ck_assert_int_eq(krafka_admin_new(&a, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_null(a);
    ck_assert_msg(strstr(errstr, "bootstrap.servers"), "%s", errstr);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(auto_created_topic_is_refreshed_until_it_has_leaders)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"),
                                  "allow.auto.create.topics", "true", NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    kc_metadata_ok(a, 10000);
    char topic[128];
    kc_topic_name(topic, sizeof topic, "auto");
    struct kr_client *c = kr_admin_client(a);
    ck_assert_int_eq(kr_client_want_topic(c, topic), KRAFKA_ERR_NONE);
    int32_t leader = -1, epoch = -1;
    int64_t until = kc_now_ms() + 15000;
    while (kr_md_leader(c, topic, 0, &leader, &epoch) != KRAFKA_ERR_NONE) {
        ck_assert_msg(kc_now_ms() < until, "no leader for %s", topic);
        usleep(50000);
    }
    ck_assert_int_ge(leader, 0);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

struct fetch_call {
    struct kr_call call;
    struct kr_FetchRequest msg;
    struct kr_FetchTopic topic;
    struct kr_FetchPartition part;
};

/* The error of the one partition fetched, or the top-level one. */
static krafka_err_t fetch_on_resp(struct kr_call *call, struct kr_client *c,
                                  const void *resp, int16_t v)
{
    (void)call;
    (void)c;
    (void)v;
    const struct kr_FetchResponse *r = resp;
    if (r->ErrorCode)
        return (krafka_err_t)r->ErrorCode;
    if (r->ResponsesCnt != 1 || r->Responses[0].PartitionsCnt != 1)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    return (krafka_err_t)r->Responses[0].Partitions[0].ErrorCode;
}

struct fetch_job {
    krafka_admin_t *a;
    struct fetch_call *fc;
    krafka_err_t err;
    int64_t took_ms;
};

static void *fetch_thread(void *arg)
{
    struct fetch_job *j = arg;
    char errstr[256];
    int64_t t0 = kc_now_ms();
    j->err = kr_call_run(kr_admin_client(j->a), &j->fc->call, 10000, errstr,
                         sizeof errstr);
    j->took_ms = kc_now_ms() - t0;
    kr_call_release(&j->fc->call);
    return NULL;
}

static struct fetch_call *fetch_new(const krafka_metadata_t *md,
                                    int32_t leader, int32_t wait_ms)
{
    struct fetch_call *fc = (struct fetch_call *)kr_call_new(sizeof *fc);
    ck_assert_ptr_nonnull(fc);
    kr_fetch_request_init(&fc->msg);
    kr_fetch_partition_init(&fc->part);
    fc->msg.MaxWaitMs = wait_ms;
    fc->msg.MinBytes = 1;
    fc->part.PartitionMaxBytes = 1 << 20;
    fc->topic = (struct kr_FetchTopic){.PartitionsCnt = 1,
                                       .Partitions = &fc->part};
    memcpy(fc->topic.TopicId.b, md->topics[0].topic_id, 16);
    fc->topic.Topic = kr_str_c(md->topics[0].topic);
    fc->msg.TopicsCnt = 1;
    fc->msg.Topics = &fc->topic;
    fc->call.on_resp = fetch_on_resp;
    fc->call.req = (struct kr_req){.api = &kr_api_Fetch, .msg = &fc->msg,
                                   .broker_id = leader,
                                   .lane = KR_LANE_FETCH};
    return fc;
}

struct bmd_call {
    struct kr_call call;
    struct kr_MetadataRequest msg;
};

START_TEST(fetch_long_poll_does_not_delay_requests_to_the_same_broker)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char topic[128], errstr[256];
    kc_topic_name(topic, sizeof topic, "lane");
    kc_create_topic(a, topic, 1, 1);
    krafka_metadata_t *md = NULL;
    ck_assert_int_eq(krafka_admin_metadata(a, topic, 5000, &md, errstr,
                                           sizeof errstr),
                     KRAFKA_ERR_NONE);
    int32_t leader = md->topics[0].partitions[0].leader;

    /* Right after creation the leader may still answer with a partition
     * error; wait until a zero-wait Fetch succeeds. */
    int64_t until = kc_now_ms() + 15000;
    for (;;) {
        struct fetch_job warm = {.a = a, .fc = fetch_new(md, leader, 0)};
        fetch_thread(&warm);
        if (warm.err == KRAFKA_ERR_NONE)
            break;
        ck_assert_msg(kc_now_ms() < until, "fetch: %s",
                      krafka_err2name(warm.err));
        usleep(100000);
    }
    /* A Fetch of an empty partition waits MaxWaitMs on the fetch lane. */
    struct fetch_call *fc = fetch_new(md, leader, 3000);
    struct fetch_job job = {.a = a, .fc = fc};
    pthread_t th;
    pthread_create(&th, NULL, fetch_thread, &job);
    usleep(500000);

    struct bmd_call *bc = (struct bmd_call *)kr_call_new(sizeof *bc);
    bc->call.req = (struct kr_req){.api = &kr_api_Metadata, .msg = &bc->msg,
                                   .min_ver = 1, .broker_id = leader};
    int64_t t0 = kc_now_ms();
    ck_assert_int_eq(kr_call_run(kr_admin_client(a), &bc->call, 5000, errstr,
                                 sizeof errstr),
                     KRAFKA_ERR_NONE);
    int64_t md_ms = kc_now_ms() - t0;
    kr_call_release(&bc->call);
    pthread_join(th, NULL);
    krafka_metadata_destroy(md);
    ck_assert_msg(job.err == KRAFKA_ERR_NONE, "fetch: %s",
                  krafka_err2name(job.err));
    ck_assert_msg(job.took_ms >= 2500, "fetch took %lld ms",
                  (long long)job.took_ms);
    ck_assert_msg(md_ms < 1000, "metadata waited %lld ms behind the fetch",
                  (long long)md_ms);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

/* krafka_admin_list_groups / _describe_groups: a group with offsets
 * committed by a consumer without joining (manual assignment) is listed,
 * described as Empty with its committed offsets, high watermarks and lag;
 * an unknown group is Dead (3.x) or GROUP_ID_NOT_FOUND (4.x); bad
 * arguments are rejected. */
START_TEST(groups_are_listed_and_described_with_offsets_and_lag)
{
    const char *boot = kc_env("KRAFKA_TEST_BOOTSTRAP");
    char topic[128], group[160];
    kc_new_topic(boot, topic, sizeof topic, "adm_groups", 2, 1);
    snprintf(group, sizeof group, "%s_g", topic);
    krafka_conf_t *conf = kc_conf(boot, "group.id", group, NULL);
    char errstr[512];
    krafka_producer_t *p;
    ck_assert_int_eq(krafka_producer_new(&p, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    for (int i = 0; i < 5; i++) {
        krafka_msg_t m = {.topic = topic, .partition = 0, .value = "v",
                          .value_len = 1};
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 10000, NULL),
                         KRAFKA_ERR_NONE);
    }
    krafka_producer_destroy(p);
    krafka_consumer_t *k;
    ck_assert_int_eq(krafka_consumer_new(&k, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_tp_list_t *l = krafka_tp_list_new(2);
    krafka_tp_list_add(l, topic, 0)->offset = 3;
    krafka_tp_list_add(l, topic, 1)->offset = 0;
    ck_assert_int_eq(krafka_consumer_assign(k, l), KRAFKA_ERR_NONE);
    krafka_err_t cerr;
    int64_t until = kc_now_ms() + 30000; /* the coordinator may still load */
    while ((cerr = krafka_consumer_commit(k, l, false)) != KRAFKA_ERR_NONE &&
           krafka_err_is_retriable(cerr) && kc_now_ms() < until)
        usleep(200 * 1000);
    ck_assert_int_eq(cerr, KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(k);

    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    krafka_group_list_t *gl = NULL;
    ck_assert_int_eq(krafka_admin_list_groups(a, 10000, &gl, errstr,
                                              sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(gl->failed_broker_cnt, 0);
    bool found = false;
    for (size_t i = 0; i < gl->group_cnt; i++) {
        if (i)
            ck_assert_int_le(strcmp(gl->groups[i - 1].group_id,
                                    gl->groups[i].group_id), 0);
        if (!strcmp(gl->groups[i].group_id, group)) {
            found = true;
            ck_assert_int_ge(gl->groups[i].coordinator_id, 0);
        }
    }
    ck_assert(found);
    krafka_group_list_destroy(gl);

    char unknown[200];
    snprintf(unknown, sizeof unknown, "%s_none", group);
    const char *names[] = {group, unknown};
    krafka_group_descriptions_t *ds = NULL;
    ck_assert_int_eq(krafka_admin_describe_groups(a, names, 2, 10000, &ds,
                                                  errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(ds->group_cnt, 2);
    const krafka_group_description_t *d = &ds->groups[0];
    ck_assert_int_eq(d->err, KRAFKA_ERR_NONE);
    ck_assert_str_eq(d->group_id, group);
    ck_assert_str_eq(d->state, "Empty");
    ck_assert_uint_eq(d->member_cnt, 0);
    ck_assert_int_ge(d->coordinator_id, 0);
    ck_assert_uint_eq(d->offset_cnt, 2);
    ck_assert_str_eq(d->offsets[0].topic, topic);
    ck_assert_int_eq(d->offsets[0].partition, 0);
    ck_assert_int_eq(d->offsets[0].committed, 3);
    ck_assert_int_eq(d->offsets[0].log_end, 5);
    ck_assert_int_eq(d->offsets[0].lag, 2);
    ck_assert_int_eq(d->offsets[1].partition, 1);
    ck_assert_int_eq(d->offsets[1].committed, 0);
    ck_assert_int_eq(d->offsets[1].log_end, 0);
    ck_assert_int_eq(d->offsets[1].lag, 0);
    ck_assert_int_eq(d->offsets[1].err, KRAFKA_ERR_NONE);
    /* An unknown group: Kafka 3.x describes it as Dead, 4.x answers
     * GROUP_ID_NOT_FOUND (DescribeGroups v6, KIP-1043). */
    d = &ds->groups[1];
    ck_assert_msg((d->err == KRAFKA_ERR_NONE && !strcmp(d->state, "Dead")) ||
                      d->err == KRAFKA_ERR_GROUP_ID_NOT_FOUND,
                  "unknown group: %s, state %s", krafka_err2name(d->err),
                  d->state);
    ck_assert_uint_eq(d->offset_cnt, 0);
    krafka_group_descriptions_destroy(ds);

    ds = (krafka_group_descriptions_t *)1;
    ck_assert_int_eq(krafka_admin_describe_groups(a, names, 0, 1000, &ds,
                                                  errstr, sizeof errstr),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_ptr_null(ds);
    const char *empty[] = {""};
    ck_assert_int_eq(krafka_admin_describe_groups(a, empty, 1, 1000, &ds,
                                                  errstr, sizeof errstr),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    krafka_admin_destroy(a);
    kc_drop_topic(boot, topic);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_metadata");
    TCase *tc = tcase_create("admin");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, metadata_lists_the_broker_controller_and_cluster_id);
    tcase_add_test(tc, create_topic_with_configs_then_delete_it);
    tcase_add_test(tc,
                   create_topic_with_zero_partitions_reports_invalid_partitions);
    tcase_add_test(tc, metadata_of_unknown_topic_says_unknown_topic_or_partition);
    tcase_add_test(tc, configs_of_unknown_topic_say_unknown_topic_or_partition);
    tcase_add_test(tc, unreachable_bootstrap_times_out_naming_the_connect_error);
    tcase_add_test(tc, client_cache_learns_leaders_of_a_new_topic);
    tcase_add_test(tc, invalid_bootstrap_servers_is_a_configuration_error);
    tcase_add_test(tc, auto_created_topic_is_refreshed_until_it_has_leaders);
    tcase_add_test(tc,
                   fetch_long_poll_does_not_delay_requests_to_the_same_broker);
    tcase_add_test(tc, groups_are_listed_and_described_with_offsets_and_lag);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
