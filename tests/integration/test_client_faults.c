/*
 * The client against the harness's 3-node cluster (RF 3,
 * min.insync.replicas 2) while nodes fail: a killed broker is reconnected
 * with growing backoff and its partitions' leaders move; a paused broker
 * makes requests time out after request.timeout.ms, and the client
 * recovers when it resumes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "client_util.h"
#include "conformance.h"
#include "protocol/apis.h"

struct bmd_call {
    struct kr_call call;
    struct kr_MetadataRequest msg; /* lives as long as the call */
};

/* A brokers-only Metadata request to broker @id. */
static krafka_err_t metadata_from(krafka_admin_t *a, int32_t id,
                                  int timeout_ms, char *errstr, size_t n)
{
    struct bmd_call *bc = (struct bmd_call *)kr_call_new(sizeof *bc);
    ck_assert_ptr_nonnull(bc);
    bc->call.req = (struct kr_req){.api = &kr_api_Metadata, .msg = &bc->msg,
                                   .min_ver = 1, .broker_id = id};
    krafka_err_t err =
        kr_call_run(kr_admin_client(a), &bc->call, timeout_ms, errstr, n);
    kr_call_release(&bc->call);
    return err;
}

static krafka_admin_t *cluster_admin(const char *k1, const char *v1,
                                     const char *k2, const char *v2)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_CLUSTER_BOOTSTRAP"),
                                  "debug", "broker,metadata",
                                  "reconnect.backoff.ms", "100",
                                  "reconnect.backoff.max.ms", "3000",
                                  "socket.connection.setup.timeout.ms",
                                  "5000", k1, v1, k2, v2, NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    return a;
}

static krafka_metadata_t *topic_md(krafka_admin_t *a, const char *topic)
{
    char errstr[512];
    krafka_metadata_t *md = NULL;
    krafka_err_t err =
        krafka_admin_metadata(a, topic, 10000, &md, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s", errstr);
    ck_assert_int_eq(md->topic_cnt, 1);
    return md;
}

START_TEST(cluster_metadata_lists_three_brokers_and_full_isr)
{
    krafka_admin_t *a = cluster_admin("client.id", "md", NULL, NULL);
    char topic[128];
    kc_topic_name(topic, sizeof topic, "rf3");
    kc_create_topic(a, topic, 3, 3);
    krafka_metadata_t *md = topic_md(a, topic);
    char errstr[256];
    krafka_metadata_t *all = NULL;
    ck_assert_int_eq(krafka_admin_metadata(a, NULL, 10000, &all, errstr,
                                           sizeof errstr),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(all->broker_cnt, 3);
    krafka_metadata_destroy(all);
    for (int i = 0; i < 3; i++) {
        const krafka_metadata_partition_t *p = &md->topics[0].partitions[i];
        ck_assert_int_eq(p->replica_cnt, 3);
        ck_assert_int_eq(p->isr_cnt, 3);
        ck_assert_int_ge(p->leader, 1);
    }
    krafka_metadata_destroy(md);
    for (int32_t id = 1; id <= 3; id++)
        ck_assert_int_eq(metadata_from(a, id, 10000, errstr, sizeof errstr),
                         KRAFKA_ERR_NONE);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

/* The "retrying in N ms" values logged for connections to broker @id. */
static int backoffs(int32_t id, int *out, int max)
{
    static struct kc_logline lines[512];
    char needle[32];
    snprintf(needle, sizeof needle, "/%d/main: ", (int)id);
    int n = kc_log_find(needle, lines, 512), k = 0;
    for (int i = 0; i < n && k < max; i++) {
        const char *p = strstr(lines[i].msg, "retrying in ");
        if (p && strcmp(lines[i].fac, "BACKOFF") == 0)
            out[k++] = (int)strtol(p + 12, NULL, 10);
    }
    return k;
}

static bool leaders_avoid(krafka_admin_t *a, const char *topic, int32_t id)
{
    krafka_metadata_t *md = topic_md(a, topic);
    bool ok = md->topics[0].partition_cnt == 3;
    for (int i = 0; ok && i < 3; i++) {
        const krafka_metadata_partition_t *p = &md->topics[0].partitions[i];
        ok = p->leader >= 0 && p->leader != id;
        for (int j = 0; ok && j < p->isr_cnt; j++)
            ok = p->isrs[j] != id;
    }
    krafka_metadata_destroy(md);
    return ok;
}

START_TEST(killed_broker_is_retried_with_growing_backoff_and_leaders_move)
{
    krafka_admin_t *a = cluster_admin("client.id", "kill", NULL, NULL);
    char topic[128], errstr[512], cmd[64];
    kc_topic_name(topic, sizeof topic, "kill");
    kc_create_topic(a, topic, 3, 3);
    krafka_metadata_t *md = topic_md(a, topic);
    int32_t victim = md->topics[0].partitions[0].leader;
    krafka_metadata_destroy(md);
    for (int32_t id = 1; id <= 3; id++) /* a connection to every node */
        ck_assert_int_eq(metadata_from(a, id, 10000, errstr, sizeof errstr),
                         KRAFKA_ERR_NONE);
    kc_log_clear();
    snprintf(cmd, sizeof cmd, "kill %d cluster", (int)victim);
    kc_harness(cmd);

    int b[16], n = 0;
    int64_t until = kc_now_ms() + 20000;
    while ((n = backoffs(victim, b, 16)) < 4 && kc_now_ms() < until)
        usleep(100000);
    ck_assert_msg(n >= 4, "only %d reconnect attempts logged", n);
    /* 100 ms doubling with +-20% jitter: the 4th wait is 640..960 ms. */
    ck_assert_msg(b[3] > b[0] * 3, "backoff %d -> %d did not grow", b[0],
                  b[3]);

    struct kc_logline line;
    ck_assert_msg(kc_log_find("broker connection lost", &line, 1) == 1,
                  "losing a connection did not refresh metadata");

    until = kc_now_ms() + 30000;
    while (!leaders_avoid(a, topic, victim)) {
        ck_assert_msg(kc_now_ms() < until, "leaders stayed on %d", victim);
        usleep(200000);
    }
    snprintf(cmd, sizeof cmd, "restart %d cluster", (int)victim);
    kc_harness(cmd);
    until = kc_now_ms() + 30000;
    while (metadata_from(a, victim, 3000, errstr, sizeof errstr) !=
           KRAFKA_ERR_NONE)
        ck_assert_msg(kc_now_ms() < until, "no reconnect to %d: %s",
                      (int)victim, errstr);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

START_TEST(paused_broker_times_out_after_request_timeout_then_recovers)
{
    krafka_admin_t *a = cluster_admin("request.timeout.ms", "2000", NULL,
                                      NULL);
    char errstr[512];
    const int32_t victim = 3;
    kc_metadata_ok(a, 10000); /* learn the node ids */
    ck_assert_int_eq(metadata_from(a, victim, 10000, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    kc_harness("pause 3 cluster");
    int64_t t0 = kc_now_ms();
    krafka_err_t err = metadata_from(a, victim, 10000, errstr, sizeof errstr);
    int64_t took = kc_now_ms() - t0;
    /* Other brokers keep answering meanwhile. */
    krafka_err_t other = metadata_from(a, 1, 5000, errstr, sizeof errstr);
    kc_harness("resume 3 cluster");
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_TIMED_OUT, "%s: %s",
                  krafka_err2name(err), errstr);
    ck_assert_msg(took >= 1900 && took <= 3000, "timed out after %lld ms",
                  (long long)took);
    ck_assert_int_eq(other, KRAFKA_ERR_NONE);
    int64_t until = kc_now_ms() + 30000;
    while ((err = metadata_from(a, victim, 3000, errstr, sizeof errstr)) !=
           KRAFKA_ERR_NONE)
        ck_assert_msg(kc_now_ms() < until, "no recovery: %s", errstr);
    krafka_admin_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_faults");
    TCase *tc = tcase_create("cluster");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, cluster_metadata_lists_three_brokers_and_full_isr);
    tcase_add_test(tc,
                   killed_broker_is_retried_with_growing_backoff_and_leaders_move);
    tcase_add_test(tc,
                   paused_broker_times_out_after_request_timeout_then_recovers);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
