/*
 * The client's metadata cache (src/client/metadata.c): which leader it
 * keeps when responses disagree. A broker that was paused or cut off
 * answers from its stale image at first; KIP-320 says an older leader
 * epoch never replaces a newer one, except for a recreated topic (new
 * topic id), whose epochs start again. The soak test found the bug this
 * guards against: a consumer fetched from an ex-leader, got
 * OFFSET_OUT_OF_RANGE and reset its position.
 *
 * The client is created but never started: kr_md_apply() runs on the
 * test's thread, the only one.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "kt_check.h"
#include "protocol/api_metadata.h"

static struct kr_client *client_new(void)
{
    krafka_conf_t *conf = krafka_conf_new();
    char errstr[256];
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers",
                                     "127.0.0.1:1", errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    struct kr_client *c = NULL;
    ck_assert_msg(kr_client_create(&c, conf, "admin", errstr,
                                   sizeof errstr) == KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    return c;
}

/* Applies a response naming topic "t" (id byte @id) with one partition
 * led by @leader at @epoch. */
static void apply(struct kr_client *c, uint8_t id, int32_t leader,
                  int32_t epoch)
{
    struct kr_MetadataResponsePartition p = {
        .PartitionIndex = 0, .LeaderId = leader, .LeaderEpoch = epoch};
    struct kr_MetadataResponseTopic t = {
        .Name = {.ptr = "t", .len = 1}, .PartitionsCnt = 1,
        .Partitions = &p};
    t.TopicId.b[15] = id;
    struct kr_MetadataResponse r = {.ControllerId = -1, .TopicsCnt = 1,
                                    .Topics = &t};
    kr_md_apply(c, &r, false);
}

static void expect_leader(struct kr_client *c, int32_t leader,
                          int32_t epoch)
{
    int32_t l = -2, e = -2;
    ck_assert_int_eq(kr_md_leader(c, "t", 0, &l, &e), KRAFKA_ERR_NONE);
    ck_assert_int_eq(l, leader);
    ck_assert_int_eq(e, epoch);
}

START_TEST(older_leader_epoch_does_not_replace_a_newer_one)
{
    struct kr_client *c = client_new();
    apply(c, 1, 1, 5);
    expect_leader(c, 1, 5);
    apply(c, 1, 2, 4); /* a stale broker's view */
    expect_leader(c, 1, 5);
    apply(c, 1, 2, 5); /* same epoch: the newer answer wins */
    expect_leader(c, 2, 5);
    apply(c, 1, 3, 6);
    expect_leader(c, 3, 6);
    kr_client_destroy(c);
}
END_TEST

START_TEST(recreated_topic_takes_its_new_epochs)
{
    struct kr_client *c = client_new();
    apply(c, 1, 1, 7);
    apply(c, 2, 3, 0); /* new topic id: epochs start again */
    expect_leader(c, 3, 0);
    kr_client_destroy(c);
}
END_TEST

START_TEST(responses_without_epochs_are_taken)
{
    struct kr_client *c = client_new();
    apply(c, 1, 1, 7);
    apply(c, 1, 2, -1); /* an old Metadata version: no epoch */
    expect_leader(c, 2, -1);
    kr_client_destroy(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metadata");
    TCase *tc = tcase_create("leader_epoch");
    tcase_add_test(tc, older_leader_epoch_does_not_replace_a_newer_one);
    tcase_add_test(tc, recreated_topic_takes_its_new_epochs);
    tcase_add_test(tc, responses_without_epochs_are_taken);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
