/*
 * The consumer on the harness's 3-node cluster (RF 3): the leader of a
 * partition is killed with SIGKILL in the middle of consumption, or paused
 * with SIGSTOP for longer than request.timeout.ms; consumption resumes on
 * the new leader from the same position, with no record skipped or
 * repeated (each value carries its sequence number, each partition's
 * offsets must be consecutive).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_util.h"
#include "consumer_util.h"
#include "kt_check.h"
#include "producer_util.h"

#define PARTS 3

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_CLUSTER_BOOTSTRAP");
}

static int32_t leader_of(const char *topic, int32_t part)
{
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    char errstr[512];
    krafka_metadata_t *md = NULL;
    krafka_err_t err =
        krafka_admin_metadata(a, topic, 10000, &md, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "metadata: %s", errstr);
    int32_t leader = md->topics[0].partitions[part].leader;
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
    return leader;
}

static void harness(const char *cmd, int32_t node)
{
    char line[1024];
    snprintf(line, sizeof line, "%s %s %d cluster >&2",
             kc_env("KRAFKA_TEST_HARNESS"), cmd, (int)node);
    ck_assert_msg(system(line) == 0, "%s failed", line);
}

/* Consumes the run slowly (so the fault lands in the middle), setting
 * @fault off on partition 0's leader after a third and @heal 8 s later
 * (past request.timeout.ms). */
static void consume_through(const char *topic, struct pu_track *t,
                            const char *fault, const char *heal)
{
    krafka_consumer_t *c = cu_consumer(
        kc_conf(boot(), "fetch.max.bytes", "65536",
                "max.partition.fetch.bytes", "16384", "request.timeout.ms",
                "5000", "queued.max.messages.kbytes", "64", NULL));
    cu_assign_all(c, topic, PARTS, KRAFKA_OFFSET_BEGINNING);
    struct cu_seen s;
    cu_seen_init(&s, t->n);
    int32_t victim = -1;
    bool faulted = false, healed = false;
    int64_t fault_at = 0, until = kc_now_ms() + 180000;
    int64_t resumed_after = -1;
    size_t p0_after = 0;
    while (s.records < t->n && kc_now_ms() < until) {
        if (heal && faulted && !healed && kc_now_ms() - fault_at > 8000) {
            harness(heal, victim); /* past request.timeout.ms */
            healed = true;
        }
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (!r)
            continue;
        ck_assert_msg(r->err == KRAFKA_ERR_NONE, "event: %s", r->errstr);
        cu_seen_add(&s, r, topic, t->base_ts);
        /* more than the 64 KiB queue can have held before the fault */
        if (faulted && r->partition == 0 && ++p0_after == 1000)
            resumed_after = kc_now_ms() - fault_at;
        krafka_record_destroy(r);
        if (s.records % 200 == 0)
            usleep(10 * 1000);
        if (!faulted && s.records >= t->n / 3) {
            victim = leader_of(topic, 0);
            harness(fault, victim);
            faulted = true;
            fault_at = kc_now_ms();
        }
    }
    fprintf(stderr, "%s of node %d: %zu records read, partition 0 "
            "resumed %lld ms after the fault\n", fault, (int)victim, s.records,
            (long long)resumed_after);
    if (heal && !healed)
        harness(heal, victim);
    ck_assert_uint_eq(s.records, t->n);
    ck_assert_msg(resumed_after >= 0, "partition 0 had nothing left to read "
                  "after the fault: it did not test a thing");
    ck_assert_uint_eq(s.dups, 0);
    ck_assert_uint_eq(s.disordered, 0);
    ck_assert_uint_eq(s.gaps, 0);
    krafka_consumer_destroy(c);
    free(s.cnt);
}

static void run(const char *prefix, const char *fault, const char *heal)
{
    const size_t n = 60000;
    char topic[128];
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    kc_topic_name(topic, sizeof topic, prefix);
    kc_create_topic(a, topic, PARTS, 3);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    cu_produce(boot(), topic, &t, "lz4", PARTS, 0, n);
    pu_assert_reports(&t, true);
    consume_through(topic, &t, fault, heal);
    kc_heal_cluster();
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
    pu_track_free(&t);
}

START_TEST(consumption_resumes_on_the_new_leader_after_a_kill_skipping_nothing)
{
    run("cf-kill", "kill", "restart");
}
END_TEST

START_TEST(consumption_resumes_after_the_leader_is_paused_past_the_timeout)
{
    run("cf-pause", "pause", "resume");
}
END_TEST

/* The coordinator the consumer's log (debug=cgrp) named last, or -1. */
static int32_t logged_coordinator(void)
{
    struct kc_logline lines[64];
    int n = kc_log_find(": coordinator ", lines, 64);
    if (n <= 0)
        return -1;
    const char *p = strstr(lines[n - 1].msg, ": coordinator ");
    return (int32_t)strtol(p + strlen(": coordinator "), NULL, 10);
}

START_TEST(group_consumption_and_commits_survive_a_killed_coordinator)
{
    const size_t n = 30000;
    char topic[128], group[128];
    krafka_conf_t *aconf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(aconf);
    krafka_conf_destroy(aconf);
    kc_topic_name(topic, sizeof topic, "cf-coord");
    kc_topic_name(group, sizeof group, "g-coord");
    kc_create_topic(a, topic, PARTS, 3);
    struct pu_track t;
    pu_track_init(&t, topic, n, pu_base_ts());
    cu_produce(boot(), topic, &t, "lz4", PARTS, 0, n);
    kc_log_clear();
    krafka_consumer_t *c = cu_consumer(kc_conf(
        boot(), "group.id", group, "debug", "cgrp", "auto.offset.reset",
        "earliest", "auto.commit.interval.ms", "500",
        "queued.max.messages.kbytes", "64", "session.timeout.ms", "10000",
        "request.timeout.ms", "5000", NULL));
    const char *topics[] = {topic};
    ck_assert_int_eq(krafka_consumer_subscribe(c, topics, 1),
                     KRAFKA_ERR_NONE);
    struct cu_seen s;
    cu_seen_init(&s, n);
    int32_t victim = -1;
    int64_t until = kc_now_ms() + 180000;
    while (s.records < n && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (!r)
            continue;
        if (r->err == KRAFKA_ERR_NONE) {
            int64_t seq = pu_value_seq(r->value, r->value_len);
            ck_assert(seq >= 0 && (size_t)seq < n);
            if (s.cnt[seq]++)
                s.dups++;
            s.records++;
        }
        krafka_record_destroy(r);
        if (s.records % 200 == 0)
            usleep(10 * 1000);
        if (victim < 0 && s.records >= n / 3) {
            victim = logged_coordinator();
            ck_assert_msg(victim > 0, "no coordinator in the log");
            harness("kill", victim);
        }
    }
    /* at least once: the records after the last commit may come twice */
    ck_assert_uint_eq(s.records - s.dups, n);
    /* Commit everything. A member that lost its generation is refused at
     * once (REBALANCE_IN_PROGRESS, no request) and polls to rejoin; the
     * records it gets again are counted as duplicates. */
    krafka_tp_list_t *l = krafka_tp_list_new(PARTS);
    for (int32_t i = 0; i < PARTS; i++)
        krafka_tp_list_add(l, topic, i);
    int64_t sum = -1, t0 = kc_now_ms();
    int refused = 0;
    until = kc_now_ms() + 90000;
    while (sum != (int64_t)n && kc_now_ms() < until) {
        krafka_err_t cerr = krafka_consumer_commit(c, NULL, false);
        ck_assert_msg(cerr == KRAFKA_ERR_NONE ||
                          cerr == KRAFKA_ERR_LOCAL_NO_OFFSET ||
                          cerr == KRAFKA_ERR_REBALANCE_IN_PROGRESS,
                      "commit: %s", krafka_err2name(cerr));
        refused += cerr == KRAFKA_ERR_REBALANCE_IN_PROGRESS;
        if (cerr != KRAFKA_ERR_REBALANCE_IN_PROGRESS &&
            krafka_consumer_committed(c, l, 20000) == KRAFKA_ERR_NONE) {
            sum = 0;
            for (int32_t i = 0; i < PARTS; i++)
                sum += l->elems[i].offset > 0 ? l->elems[i].offset : 0;
            if (sum == (int64_t)n)
                break;
        }
        for (int64_t end = kc_now_ms() + 500; kc_now_ms() < end;) {
            krafka_record_t *r = krafka_consumer_poll(c, 100);
            if (r && r->err == KRAFKA_ERR_NONE) {
                s.dups++;
                s.records++;
            }
            krafka_record_destroy(r);
        }
    }
    int32_t now_coord = logged_coordinator();
    fprintf(stderr, "coordinator %d killed, now %d; %zu records, %zu "
            "again; everything committed %lld ms after the last record, "
            "%d commit(s) refused for a lost generation\n",
            (int)victim, (int)now_coord, s.records, s.dups,
            (long long)(kc_now_ms() - t0), refused);
    ck_assert_int_ne(now_coord, victim);
    ck_assert_int_eq(sum, (int64_t)n); /* everything committed */
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
    harness("restart", victim);
    free(s.cnt);
    pu_track_free(&t);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consumer_faults");
    TCase *tc = tcase_create("faults");
    tcase_set_timeout(tc, 400);
    tcase_add_unchecked_fixture(tc, NULL, kc_heal_cluster);
    ADD(tc, consumption_resumes_on_the_new_leader_after_a_kill_skipping_nothing);
    ADD(tc, consumption_resumes_after_the_leader_is_paused_past_the_timeout);
    ADD(tc, group_consumption_and_commits_survive_a_killed_coordinator);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
