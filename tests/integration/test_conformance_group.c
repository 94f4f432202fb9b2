/*
 * The classic consumer-group APIs against a real broker, for one member:
 * FindCoordinator, JoinGroup (with the MEMBER_ID_REQUIRED round of v4+),
 * SyncGroup, Heartbeat, OffsetCommit, OffsetFetch, DescribeGroups,
 * ListGroups and LeaveGroup, at the lowest and at the highest version both
 * sides support.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conformance.h"

static struct kt_range ranges[KT_MAX_KEY];

struct member {
    char group[96];
    char member_id[256];
    int32_t generation;
};

static int16_t pick(const struct kr_api *api, bool highest)
{
    int16_t v = highest ? kt_common_max(ranges, api)
                        : kt_common_min(ranges, api);
    ck_assert_msg(v >= 0, "%s: no common version", api->name);
    return v;
}

static void find_coordinator(struct kt_conn *c, const char *group, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_FindCoordinator, hi);
    struct kr_str key = kr_str_c(group);
    struct kr_FindCoordinatorRequest req = {.Key = key, .KeyType = 0,
                                            .CoordinatorKeysCnt = 1,
                                            .CoordinatorKeys = &key};
    struct kr_FindCoordinatorResponse resp;
    int16_t ec = 0;
    int32_t node = -1, port = 0;
    /* The first group of a fresh broker creates __consumer_offsets: the
     * retriable COORDINATOR_NOT_AVAILABLE until it is loaded (bounded). */
    for (int attempt = 0; attempt < 100; attempt++) {
        ck_assert_int_eq(kt_call(c, &kr_api_FindCoordinator, v, &req, &resp,
                                 &a),
                         KRAFKA_ERR_NONE);
        if (v >= 4) {
            ck_assert_int_eq(resp.CoordinatorsCnt, 1);
            ck_assert(kr_str_eq(resp.Coordinators[0].Key, group));
            ec = resp.Coordinators[0].ErrorCode;
            node = resp.Coordinators[0].NodeId;
            port = resp.Coordinators[0].Port;
        } else {
            ec = resp.ErrorCode;
            node = resp.NodeId;
            port = resp.Port;
        }
        if (!krafka_err_is_retriable(ec))
            break;
        usleep(200 * 1000);
    }
    ck_assert_msg(ec == 0, "FindCoordinator v%d: %s", v, krafka_err2name(ec));
    ck_assert_int_ge(node, 0);
    ck_assert_int_gt(port, 0);
    kr_arena_destroy(&a);
}

static void join(struct kt_conn *c, struct member *m, bool hi)
{
    int16_t v = pick(&kr_api_JoinGroup, hi);
    static const uint8_t meta[] = {0, 1, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 0};
    struct kr_JoinGroupRequestProtocol proto = {kr_str_c("range"),
                                                {meta, sizeof meta}};
    m->member_id[0] = 0;
    for (int round = 0; round < 2; round++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_JoinGroupRequest req = {
            .GroupId = kr_str_c(m->group), .SessionTimeoutMs = 30000,
            .RebalanceTimeoutMs = 30000, .MemberId = kr_str_c(m->member_id),
            .GroupInstanceId = {NULL, -1}, .ProtocolType = kr_str_c("consumer"),
            .ProtocolsCnt = 1, .Protocols = &proto,
            .Reason = kr_str_c("conformance test")};
        struct kr_JoinGroupResponse resp;
        ck_assert_int_eq(kt_call(c, &kr_api_JoinGroup, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_lt(resp.MemberId.len, (int)sizeof m->member_id);
        memcpy(m->member_id, resp.MemberId.ptr, (size_t)resp.MemberId.len);
        m->member_id[resp.MemberId.len] = 0;
        int16_t ec = resp.ErrorCode;
        if (round == 0 && ec == KRAFKA_ERR_MEMBER_ID_REQUIRED) {
            ck_assert_int_ge(v, 4); /* KIP-394 */
            kr_arena_destroy(&a);
            continue;
        }
        ck_assert_msg(ec == 0, "JoinGroup v%d: %s", v, krafka_err2name(ec));
        ck_assert_int_ge(resp.GenerationId, 1);
        ck_assert(kr_str_eq(resp.ProtocolName, "range"));
        ck_assert(kr_str_eq(resp.Leader, m->member_id)); /* alone: leader */
        ck_assert_int_eq(resp.MembersCnt, 1);
        ck_assert_int_eq(resp.Members[0].Metadata.len, (int32_t)sizeof meta);
        ck_assert(memcmp(resp.Members[0].Metadata.ptr, meta, sizeof meta) == 0);
        m->generation = resp.GenerationId;
        kr_arena_destroy(&a);
        return;
    }
    ck_abort_msg("JoinGroup v%d: no member id after two rounds", v);
}

static void sync_group(struct kt_conn *c, struct member *m, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_SyncGroup, hi);
    static const uint8_t assignment[] = {0, 1, 0, 0, 0, 1, 0, 1, 't',
                                         0, 0, 0, 1, 0, 0, 0, 0, 0xff,
                                         0xff, 0xff, 0xff};
    struct kr_SyncGroupRequestAssignment as = {
        kr_str_c(m->member_id), {assignment, sizeof assignment}};
    struct kr_SyncGroupRequest req = {
        .GroupId = kr_str_c(m->group), .GenerationId = m->generation,
        .MemberId = kr_str_c(m->member_id), .GroupInstanceId = {NULL, -1},
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolName = kr_str_c("range"), .AssignmentsCnt = 1,
        .Assignments = &as};
    struct kr_SyncGroupResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_SyncGroup, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_msg(resp.ErrorCode == 0, "SyncGroup v%d: %s", v,
                  krafka_err2name(resp.ErrorCode));
    ck_assert_int_eq(resp.Assignment.len, (int32_t)sizeof assignment);
    ck_assert(memcmp(resp.Assignment.ptr, assignment, sizeof assignment) == 0);
    if (v >= 5)
        ck_assert(kr_str_eq(resp.ProtocolName, "range"));
    kr_arena_destroy(&a);
}

static void heartbeat(struct kt_conn *c, struct member *m, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_Heartbeat, hi);
    struct kr_HeartbeatRequest req = {
        kr_str_c(m->group), m->generation, kr_str_c(m->member_id), {NULL, -1}};
    struct kr_HeartbeatResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_Heartbeat, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.ErrorCode, 0);
    /* a stale generation is ILLEGAL_GENERATION (22) */
    req.GenerationId = m->generation + 100;
    ck_assert_int_eq(kt_call(c, &kr_api_Heartbeat, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.ErrorCode, KRAFKA_ERR_ILLEGAL_GENERATION);
    kr_arena_destroy(&a);
}

static void commit(struct kt_conn *c, struct member *m, const char *topic,
                   int64_t offset, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_OffsetCommit, hi);
    struct kr_OffsetCommitRequestPartition p = {
        .PartitionIndex = 0, .CommittedOffset = offset,
        .CommittedLeaderEpoch = -1, .CommittedMetadata = kr_str_c("meta")};
    struct kr_OffsetCommitRequestTopic t = {.Name = kr_str_c(topic),
                                            .PartitionsCnt = 1,
                                            .Partitions = &p};
    struct kr_OffsetCommitRequest req = {
        .GroupId = kr_str_c(m->group),
        .GenerationIdOrMemberEpoch = m->generation,
        .MemberId = kr_str_c(m->member_id), .GroupInstanceId = {NULL, -1},
        .RetentionTimeMs = -1, .TopicsCnt = 1, .Topics = &t};
    struct kr_OffsetCommitResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_OffsetCommit, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.TopicsCnt, 1);
    int16_t ec = resp.Topics[0].Partitions[0].ErrorCode;
    ck_assert_msg(ec == 0, "OffsetCommit v%d: %s", v, krafka_err2name(ec));
    kr_arena_destroy(&a);
}

static int64_t fetch_committed(struct kt_conn *c, struct member *m,
                               const char *topic, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_OffsetFetch, hi);
    int32_t part = 0;
    struct kr_OffsetFetchRequestTopic t = {kr_str_c(topic), 1, &part};
    struct kr_OffsetFetchRequestTopics ts = {.Name = kr_str_c(topic),
                                             .PartitionIndexesCnt = 1,
                                             .PartitionIndexes = &part};
    struct kr_OffsetFetchRequestGroup g = {
        .GroupId = kr_str_c(m->group), .MemberId = {NULL, -1},
        .MemberEpoch = -1, .TopicsCnt = 1, .Topics = &ts};
    struct kr_OffsetFetchRequest req = {.GroupId = kr_str_c(m->group),
                                        .TopicsCnt = 1, .Topics = &t,
                                        .GroupsCnt = 1, .Groups = &g,
                                        .RequireStable = true};
    struct kr_OffsetFetchResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_OffsetFetch, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    int64_t off;
    if (v >= 8) {
        ck_assert_int_eq(resp.GroupsCnt, 1);
        ck_assert_int_eq(resp.Groups[0].ErrorCode, 0);
        struct kr_OffsetFetchResponsePartitions *p =
            &resp.Groups[0].Topics[0].Partitions[0];
        ck_assert_int_eq(p->ErrorCode, 0);
        ck_assert(kr_str_eq(p->Metadata, "meta"));
        off = p->CommittedOffset;
    } else {
        ck_assert_int_eq(resp.ErrorCode, 0);
        struct kr_OffsetFetchResponsePartition *p =
            &resp.Topics[0].Partitions[0];
        ck_assert_int_eq(p->ErrorCode, 0);
        ck_assert(kr_str_eq(p->Metadata, "meta"));
        off = p->CommittedOffset;
    }
    kr_arena_destroy(&a);
    return off;
}

static void describe_and_list(struct kt_conn *c, struct member *m, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_DescribeGroups, hi);
    struct kr_str g = kr_str_c(m->group);
    struct kr_DescribeGroupsRequest req = {.GroupsCnt = 1, .Groups = &g};
    struct kr_DescribeGroupsResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_DescribeGroups, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.GroupsCnt, 1);
    struct kr_DescribedGroup *d = &resp.Groups[0];
    ck_assert_int_eq(d->ErrorCode, 0);
    ck_assert(kr_str_eq(d->GroupState, "Stable"));
    ck_assert(kr_str_eq(d->ProtocolData, "range"));
    ck_assert_int_eq(d->MembersCnt, 1);
    ck_assert(kr_str_eq(d->Members[0].MemberId, m->member_id));
    ck_assert(kr_str_eq(d->Members[0].ClientId, "krafka-conformance"));

    v = pick(&kr_api_ListGroups, hi);
    struct kr_ListGroupsRequest lreq = {0};
    struct kr_ListGroupsResponse lresp;
    ck_assert_int_eq(kt_call(c, &kr_api_ListGroups, v, &lreq, &lresp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(lresp.ErrorCode, 0);
    bool found = false;
    for (int32_t i = 0; i < lresp.GroupsCnt; i++)
        if (kr_str_eq(lresp.Groups[i].GroupId, m->group)) {
            found = true;
            ck_assert(kr_str_eq(lresp.Groups[i].ProtocolType, "consumer"));
            if (v >= 4)
                ck_assert(kr_str_eq(lresp.Groups[i].GroupState, "Stable"));
        }
    ck_assert(found);
    kr_arena_destroy(&a);
}

static void leave(struct kt_conn *c, struct member *m, bool hi)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    int16_t v = pick(&kr_api_LeaveGroup, hi);
    struct kr_LeaveGroupRequestMemberIdentity id = {
        kr_str_c(m->member_id), {NULL, -1}, kr_str_c("test done")};
    struct kr_LeaveGroupRequest req = {.GroupId = kr_str_c(m->group),
                                       .MemberId = kr_str_c(m->member_id),
                                       .MembersCnt = 1, .Members = &id};
    struct kr_LeaveGroupResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_LeaveGroup, v, &req, &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.ErrorCode, 0);
    if (v >= 3) {
        ck_assert_int_eq(resp.MembersCnt, 1);
        ck_assert_int_eq(resp.Members[0].ErrorCode, 0);
    }
    kr_arena_destroy(&a);
}

static void group_round_trip(bool hi)
{
    struct kt_conn c;
    ck_assert_int_eq(kt_connect(&c, kt_env("KRAFKA_TEST_BOOTSTRAP")),
                     KRAFKA_ERR_NONE);
    kt_broker_ranges(&c, ranges);
    char topic[96];
    struct member m = {0};
    kt_unique_name(topic, sizeof topic, hi ? "conf-grp-hi" : "conf-grp-lo");
    kt_unique_name(m.group, sizeof m.group, hi ? "group-hi" : "group-lo");
    kt_create_topic(&c, ranges, topic, 1);
    find_coordinator(&c, m.group, hi);
    join(&c, &m, hi);
    sync_group(&c, &m, hi);
    heartbeat(&c, &m, hi);
    commit(&c, &m, topic, 12345, hi);
    ck_assert_int_eq(fetch_committed(&c, &m, topic, hi), 12345);
    describe_and_list(&c, &m, hi);
    leave(&c, &m, hi);
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}

START_TEST(group_round_trip_at_the_highest_common_versions)
{
    group_round_trip(true);
}
END_TEST

START_TEST(group_round_trip_at_the_lowest_common_versions)
{
    group_round_trip(false);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conformance_group");
    TCase *tc = tcase_create("group");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, group_round_trip_at_the_highest_common_versions);
    tcase_add_test(tc, group_round_trip_at_the_lowest_common_versions);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
