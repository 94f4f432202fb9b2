/*
 * Group coordination codecs: FindCoordinator, JoinGroup, Heartbeat,
 * LeaveGroup and SyncGroup. Known-answer byte vectors written by hand from
 * the JSON schemas pin encoder and decoder to the spec; the samples decode
 * field by field at every version; hostile array counts are refused before
 * the arena allocates.
 */
#include "codec_check.h"
#include "kt_check.h"

/* ---- helpers ---- */

static void assert_str_(struct kr_str got, struct kr_str want,
                        const char *what)
{
    ck_assert_msg(got.len == want.len, "%s: length %d, want %d", what,
                  (int)got.len, (int)want.len);
    if (want.len > 0)
        ck_assert_msg(memcmp(got.ptr, want.ptr, (size_t)want.len) == 0,
                      "%s: content differs", what);
}

static void assert_bytes_(struct kr_bytes got, struct kr_bytes want,
                          const char *what)
{
    ck_assert_msg(got.len == want.len, "%s: length %d, want %d", what,
                  (int)got.len, (int)want.len);
    if (want.len > 0)
        ck_assert_msg(memcmp(got.ptr, want.ptr, (size_t)want.len) == 0,
                      "%s: content differs", what);
}

#define ASSERT_STR(g, w, f) assert_str_((g)->f, (w)->f, #f)
#define ASSERT_BYTES(g, w, f) assert_bytes_((g)->f, (w)->f, #f)
#define ASSERT_INT(g, w, f)                                                    \
    ck_assert_msg((g)->f == (w)->f, "%s: %lld, want %lld", #f,                 \
                  (long long)(g)->f, (long long)(w)->f)

/* ---- field-by-field comparators: decoded @g against expected @w ---- */

static void cmp_HeartbeatRequest(const void *got, const void *want)
{
    const struct kr_HeartbeatRequest *g = got, *w = want;
    ASSERT_STR(g, w, GroupId);
    ASSERT_INT(g, w, GenerationId);
    ASSERT_STR(g, w, MemberId);
    ASSERT_STR(g, w, GroupInstanceId);
}

static void cmp_HeartbeatResponse(const void *got, const void *want)
{
    const struct kr_HeartbeatResponse *g = got, *w = want;
    ASSERT_INT(g, w, ThrottleTimeMs);
    ASSERT_INT(g, w, ErrorCode);
}

static void cmp_FindCoordinatorRequest(const void *got, const void *want)
{
    const struct kr_FindCoordinatorRequest *g = got, *w = want;
    ASSERT_STR(g, w, Key);
    ASSERT_INT(g, w, KeyType);
    ASSERT_INT(g, w, CoordinatorKeysCnt);
    for (int32_t i = 0; i < w->CoordinatorKeysCnt; i++)
        assert_str_(g->CoordinatorKeys[i], w->CoordinatorKeys[i],
                    "CoordinatorKeys[i]");
}

static void cmp_FindCoordinatorResponse(const void *got, const void *want)
{
    const struct kr_FindCoordinatorResponse *g = got, *w = want;
    ASSERT_INT(g, w, ThrottleTimeMs);
    ASSERT_INT(g, w, ErrorCode);
    ASSERT_STR(g, w, ErrorMessage);
    ASSERT_INT(g, w, NodeId);
    ASSERT_STR(g, w, Host);
    ASSERT_INT(g, w, Port);
    ASSERT_INT(g, w, CoordinatorsCnt);
    for (int32_t i = 0; i < w->CoordinatorsCnt; i++) {
        const struct kr_FindCoordinatorResponseCoordinator
            *gc = &g->Coordinators[i],
            *wc = &w->Coordinators[i];
        ASSERT_STR(gc, wc, Key);
        ASSERT_INT(gc, wc, NodeId);
        ASSERT_STR(gc, wc, Host);
        ASSERT_INT(gc, wc, Port);
        ASSERT_INT(gc, wc, ErrorCode);
        ASSERT_STR(gc, wc, ErrorMessage);
    }
}

static void cmp_JoinGroupRequest(const void *got, const void *want)
{
    const struct kr_JoinGroupRequest *g = got, *w = want;
    ASSERT_STR(g, w, GroupId);
    ASSERT_INT(g, w, SessionTimeoutMs);
    ASSERT_INT(g, w, RebalanceTimeoutMs);
    ASSERT_STR(g, w, MemberId);
    ASSERT_STR(g, w, GroupInstanceId);
    ASSERT_STR(g, w, ProtocolType);
    ASSERT_INT(g, w, ProtocolsCnt);
    for (int32_t i = 0; i < w->ProtocolsCnt; i++) {
        ASSERT_STR(&g->Protocols[i], &w->Protocols[i], Name);
        ASSERT_BYTES(&g->Protocols[i], &w->Protocols[i], Metadata);
    }
    ASSERT_STR(g, w, Reason);
}

static void cmp_JoinGroupResponse(const void *got, const void *want)
{
    const struct kr_JoinGroupResponse *g = got, *w = want;
    ASSERT_INT(g, w, ThrottleTimeMs);
    ASSERT_INT(g, w, ErrorCode);
    ASSERT_INT(g, w, GenerationId);
    ASSERT_STR(g, w, ProtocolType);
    ASSERT_STR(g, w, ProtocolName);
    ASSERT_STR(g, w, Leader);
    ASSERT_INT(g, w, SkipAssignment);
    ASSERT_STR(g, w, MemberId);
    ASSERT_INT(g, w, MembersCnt);
    for (int32_t i = 0; i < w->MembersCnt; i++) {
        ASSERT_STR(&g->Members[i], &w->Members[i], MemberId);
        ASSERT_STR(&g->Members[i], &w->Members[i], GroupInstanceId);
        ASSERT_BYTES(&g->Members[i], &w->Members[i], Metadata);
    }
}

static void cmp_SyncGroupRequest(const void *got, const void *want)
{
    const struct kr_SyncGroupRequest *g = got, *w = want;
    ASSERT_STR(g, w, GroupId);
    ASSERT_INT(g, w, GenerationId);
    ASSERT_STR(g, w, MemberId);
    ASSERT_STR(g, w, GroupInstanceId);
    ASSERT_STR(g, w, ProtocolType);
    ASSERT_STR(g, w, ProtocolName);
    ASSERT_INT(g, w, AssignmentsCnt);
    for (int32_t i = 0; i < w->AssignmentsCnt; i++) {
        ASSERT_STR(&g->Assignments[i], &w->Assignments[i], MemberId);
        ASSERT_BYTES(&g->Assignments[i], &w->Assignments[i], Assignment);
    }
}

static void cmp_SyncGroupResponse(const void *got, const void *want)
{
    const struct kr_SyncGroupResponse *g = got, *w = want;
    ASSERT_INT(g, w, ThrottleTimeMs);
    ASSERT_INT(g, w, ErrorCode);
    ASSERT_STR(g, w, ProtocolType);
    ASSERT_STR(g, w, ProtocolName);
    ASSERT_BYTES(g, w, Assignment);
}

static void cmp_LeaveGroupRequest(const void *got, const void *want)
{
    const struct kr_LeaveGroupRequest *g = got, *w = want;
    ASSERT_STR(g, w, GroupId);
    ASSERT_STR(g, w, MemberId);
    ASSERT_INT(g, w, MembersCnt);
    for (int32_t i = 0; i < w->MembersCnt; i++) {
        ASSERT_STR(&g->Members[i], &w->Members[i], MemberId);
        ASSERT_STR(&g->Members[i], &w->Members[i], GroupInstanceId);
        ASSERT_STR(&g->Members[i], &w->Members[i], Reason);
    }
}

static void cmp_LeaveGroupResponse(const void *got, const void *want)
{
    const struct kr_LeaveGroupResponse *g = got, *w = want;
    ASSERT_INT(g, w, ThrottleTimeMs);
    ASSERT_INT(g, w, ErrorCode);
    ASSERT_INT(g, w, MembersCnt);
    for (int32_t i = 0; i < w->MembersCnt; i++) {
        ASSERT_STR(&g->Members[i], &w->Members[i], MemberId);
        ASSERT_STR(&g->Members[i], &w->Members[i], GroupInstanceId);
        ASSERT_INT(&g->Members[i], &w->Members[i], ErrorCode);
    }
}

typedef void (*group_cmp_fn)(const void *got, const void *want);

struct group_api {
    const struct kr_api *api;
    group_cmp_fn req, resp;
};

#define GROUP_API(Name)                                                        \
    {&kr_api_##Name, cmp_##Name##Request, cmp_##Name##Response}

static const struct group_api group_apis[] = {
    GROUP_API(FindCoordinator), GROUP_API(JoinGroup), GROUP_API(Heartbeat),
    GROUP_API(LeaveGroup),      GROUP_API(SyncGroup),
};
#define GROUP_APIS_CNT ((int)(sizeof group_apis / sizeof group_apis[0]))

/* Encodes @want, checks the bytes, decodes them and compares field by
 * field. */
static void check_known_answer(const struct kr_api *api, int16_t v, bool resp,
                               group_cmp_fn cmp, const void *want,
                               const uint8_t *bytes, size_t n)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    expect_encode(api, v, resp, want, bytes, n);
    void *got = kr_arena_alloc(&a, resp ? api->resp_size : api->req_size);
    expect_decode(api, v, resp, bytes, n, &a, got);
    cmp(got, want);
    kr_arena_destroy(&a);
}

/* ---- Heartbeat (the model) ---- */

START_TEST(heartbeat_v3_request_matches_hand_written_bytes)
{
    struct kr_HeartbeatRequest m = {
        .GroupId = kr_str_c("g1"),
        .GenerationId = 7,
        .MemberId = kr_str_c("m1"),
        .GroupInstanceId = kr_str_c("i1"),
    };
    static const uint8_t want[] = {
        0x00, 0x02, 'g', '1',   /* GroupId */
        0x00, 0x00, 0x00, 0x07, /* GenerationId */
        0x00, 0x02, 'm', '1',   /* MemberId */
        0x00, 0x02, 'i', '1',   /* GroupInstanceId (v3+) */
    };
    check_known_answer(&kr_api_Heartbeat, 3, false, cmp_HeartbeatRequest, &m,
                       want, sizeof want);
}
END_TEST

START_TEST(heartbeat_v4_flexible_response_matches_hand_written_bytes)
{
    struct kr_HeartbeatResponse m = {.ThrottleTimeMs = 250, .ErrorCode = 27};
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0xfa, /* ThrottleTimeMs 250 */
        0x00, 0x1b,             /* ErrorCode 27 REBALANCE_IN_PROGRESS */
        0x00,                   /* no tagged fields */
    };
    check_known_answer(&kr_api_Heartbeat, 4, true, cmp_HeartbeatResponse, &m,
                       want, sizeof want);
}
END_TEST

/* ---- FindCoordinator ---- */

START_TEST(findcoordinator_v2_request_matches_hand_written_bytes)
{
    struct kr_FindCoordinatorRequest m = {.Key = kr_str_c("txn"),
                                          .KeyType = 1};
    static const uint8_t want[] = {
        0x00, 0x03, 't', 'x', 'n', /* Key (v0-3) */
        0x01,                      /* KeyType 1 transaction (v1+) */
    };
    check_known_answer(&kr_api_FindCoordinator, 2, false,
                       cmp_FindCoordinatorRequest, &m, want, sizeof want);
}
END_TEST

START_TEST(findcoordinator_v4_request_batches_coordinator_keys)
{
    struct kr_str keys[] = {kr_str_c("g1"), kr_str_c("g2")};
    struct kr_FindCoordinatorRequest m = {
        .KeyType = 0, .CoordinatorKeysCnt = 2, .CoordinatorKeys = keys};
    static const uint8_t want[] = {
        0x00,           /* KeyType 0 group; no Key in v4+ */
        0x03,           /* CoordinatorKeys: compact count 2 */
        0x03, 'g', '1', /* [0] compact string */
        0x03, 'g', '2', /* [1] */
        0x00,           /* no tagged fields */
    };
    check_known_answer(&kr_api_FindCoordinator, 4, false,
                       cmp_FindCoordinatorRequest, &m, want, sizeof want);
}
END_TEST

START_TEST(findcoordinator_v1_response_matches_hand_written_bytes)
{
    struct kr_FindCoordinatorResponse m = {
        .ThrottleTimeMs = 10,
        .ErrorMessage = kr_str_c(NULL),
        .NodeId = 2,
        .Host = kr_str_c("h1"),
        .Port = 9092,
    };
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x0a, /* ThrottleTimeMs 10 (v1+) */
        0x00, 0x00,             /* ErrorCode 0 */
        0xff, 0xff,             /* ErrorMessage null (v1-3) */
        0x00, 0x00, 0x00, 0x02, /* NodeId 2 */
        0x00, 0x02, 'h', '1',   /* Host */
        0x00, 0x00, 0x23, 0x84, /* Port 9092 */
    };
    check_known_answer(&kr_api_FindCoordinator, 1, true,
                       cmp_FindCoordinatorResponse, &m, want, sizeof want);
}
END_TEST

START_TEST(findcoordinator_v3_flexible_response_matches_hand_written_bytes)
{
    struct kr_FindCoordinatorResponse m = {
        .ThrottleTimeMs = 0,
        .ErrorCode = 14,
        .ErrorMessage = kr_str_c("x"),
        .NodeId = -1,
        .Host = kr_str_c(""),
        .Port = -1,
    };
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs 0 */
        0x00, 0x0e,             /* ErrorCode 14 COORDINATOR_LOAD_IN_... */
        0x02, 'x',              /* ErrorMessage: compact nullable string */
        0xff, 0xff, 0xff, 0xff, /* NodeId -1 */
        0x01,                   /* Host "": compact length 0 */
        0xff, 0xff, 0xff, 0xff, /* Port -1 */
        0x00,                   /* no tagged fields */
    };
    check_known_answer(&kr_api_FindCoordinator, 3, true,
                       cmp_FindCoordinatorResponse, &m, want, sizeof want);
}
END_TEST

START_TEST(findcoordinator_v4_response_carries_one_coordinator_per_key)
{
    struct kr_FindCoordinatorResponseCoordinator c[] = {
        {.Key = kr_str_c("g1"), .NodeId = 1, .Host = kr_str_c("h1"),
         .Port = 9092, .ErrorCode = 0, .ErrorMessage = kr_str_c(NULL)},
        {.Key = kr_str_c("g2"), .NodeId = -1, .Host = kr_str_c(""),
         .Port = -1, .ErrorCode = 15, .ErrorMessage = kr_str_c("n/a")},
    };
    struct kr_FindCoordinatorResponse m = {
        .ThrottleTimeMs = 5, .CoordinatorsCnt = 2, .Coordinators = c};
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x05, /* ThrottleTimeMs 5 */
        0x03,                   /* Coordinators: compact count 2 */
        0x03, 'g',  '1',        /* [0] Key */
        0x00, 0x00, 0x00, 0x01, /*     NodeId 1 */
        0x03, 'h',  '1',        /*     Host */
        0x00, 0x00, 0x23, 0x84, /*     Port 9092 */
        0x00, 0x00,             /*     ErrorCode 0 */
        0x00,                   /*     ErrorMessage null */
        0x00,                   /*     no tagged fields */
        0x03, 'g',  '2',        /* [1] Key */
        0xff, 0xff, 0xff, 0xff, /*     NodeId -1 */
        0x01,                   /*     Host "" */
        0xff, 0xff, 0xff, 0xff, /*     Port -1 */
        0x00, 0x0f,             /*     ErrorCode 15 COORDINATOR_NOT_AVAIL. */
        0x04, 'n',  '/',  'a',  /*     ErrorMessage */
        0x00,                   /*     no tagged fields */
        0x00,                   /* no tagged fields */
    };
    check_known_answer(&kr_api_FindCoordinator, 4, true,
                       cmp_FindCoordinatorResponse, &m, want, sizeof want);
}
END_TEST

/* ---- JoinGroup ---- */

START_TEST(joingroup_v5_request_matches_hand_written_bytes)
{
    static const uint8_t meta[] = {0x01, 0x02};
    struct kr_JoinGroupRequestProtocol p[] = {
        {.Name = kr_str_c("range"), .Metadata = {meta, 2}},
    };
    struct kr_JoinGroupRequest m = {
        .GroupId = kr_str_c("g1"),
        .SessionTimeoutMs = 45000,
        .RebalanceTimeoutMs = 300000,
        .MemberId = kr_str_c(""),
        .GroupInstanceId = kr_str_c("i1"),
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolsCnt = 1,
        .Protocols = p,
        .Reason = kr_str_c(NULL), /* default: v8+ only */
    };
    static const uint8_t want[] = {
        0x00, 0x02, 'g',  '1',            /* GroupId */
        0x00, 0x00, 0xaf, 0xc8,           /* SessionTimeoutMs 45000 */
        0x00, 0x04, 0x93, 0xe0,           /* RebalanceTimeoutMs 300000 */
        0x00, 0x00,                       /* MemberId "" */
        0x00, 0x02, 'i',  '1',            /* GroupInstanceId (v5+) */
        0x00, 0x08, 'c',  'o',  'n', 's', /* ProtocolType */
        'u',  'm',  'e',  'r',            /* */
        0x00, 0x00, 0x00, 0x01,           /* Protocols: count 1 */
        0x00, 0x05, 'r',  'a',  'n', 'g', /* [0] Name */
        'e',                              /* */
        0x00, 0x00, 0x00, 0x02, 0x01, 0x02, /* [0] Metadata bytes */
    };
    check_known_answer(&kr_api_JoinGroup, 5, false, cmp_JoinGroupRequest, &m,
                       want, sizeof want);
}
END_TEST

START_TEST(joingroup_v8_flexible_request_carries_reason)
{
    struct kr_JoinGroupRequest m = {
        .GroupId = kr_str_c("g1"),
        .SessionTimeoutMs = 10,
        .RebalanceTimeoutMs = -1,
        .MemberId = kr_str_c("m1"),
        .GroupInstanceId = kr_str_c(NULL),
        .ProtocolType = kr_str_c("c"),
        .ProtocolsCnt = 0,
        .Reason = kr_str_c("r"),
    };
    static const uint8_t want[] = {
        0x03, 'g',  '1',        /* GroupId: compact string */
        0x00, 0x00, 0x00, 0x0a, /* SessionTimeoutMs 10 */
        0xff, 0xff, 0xff, 0xff, /* RebalanceTimeoutMs -1 */
        0x03, 'm',  '1',        /* MemberId */
        0x00,                   /* GroupInstanceId null */
        0x02, 'c',              /* ProtocolType */
        0x01,                   /* Protocols: compact count 0 */
        0x02, 'r',              /* Reason (v8+, KIP-800) */
        0x00,                   /* no tagged fields */
    };
    check_known_answer(&kr_api_JoinGroup, 8, false, cmp_JoinGroupRequest, &m,
                       want, sizeof want);
}
END_TEST

START_TEST(joingroup_v9_flexible_response_matches_hand_written_bytes)
{
    static const uint8_t meta[] = {0x01, 0x02};
    struct kr_JoinGroupResponseMember mem[] = {
        {.MemberId = kr_str_c("m1"), .GroupInstanceId = kr_str_c("i1"),
         .Metadata = {meta, 2}},
        {.MemberId = kr_str_c("m2"), .GroupInstanceId = kr_str_c(NULL),
         .Metadata = {meta, 0}},
    };
    struct kr_JoinGroupResponse m = {
        .ThrottleTimeMs = 10,
        .ErrorCode = 0,
        .GenerationId = 3,
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolName = kr_str_c("range"),
        .Leader = kr_str_c("m1"),
        .SkipAssignment = true,
        .MemberId = kr_str_c("m2"),
        .MembersCnt = 2,
        .Members = mem,
    };
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x0a,           /* ThrottleTimeMs 10 */
        0x00, 0x00,                       /* ErrorCode 0 */
        0x00, 0x00, 0x00, 0x03,           /* GenerationId 3 */
        0x09, 'c',  'o',  'n',  's', 'u', /* ProtocolType (v7+) */
        'm',  'e',  'r',                  /* */
        0x06, 'r',  'a',  'n',  'g', 'e', /* ProtocolName */
        0x03, 'm',  '1',                  /* Leader */
        0x01,                             /* SkipAssignment (v9+) */
        0x03, 'm',  '2',                  /* MemberId */
        0x03,                             /* Members: compact count 2 */
        0x03, 'm',  '1',                  /* [0] MemberId */
        0x03, 'i',  '1',                  /*     GroupInstanceId */
        0x03, 0x01, 0x02,                 /*     Metadata: compact bytes */
        0x00,                             /*     no tagged fields */
        0x03, 'm',  '2',                  /* [1] MemberId */
        0x00,                             /*     GroupInstanceId null */
        0x01,                             /*     Metadata empty */
        0x00,                             /*     no tagged fields */
        0x00,                             /* no tagged fields */
    };
    check_known_answer(&kr_api_JoinGroup, 9, true, cmp_JoinGroupResponse, &m,
                       want, sizeof want);
}
END_TEST

/* ---- SyncGroup ---- */

START_TEST(syncgroup_v3_request_matches_hand_written_bytes)
{
    static const uint8_t asg[] = {0xaa, 0xbb, 0xcc};
    struct kr_SyncGroupRequestAssignment as[] = {
        {.MemberId = kr_str_c("m1"), .Assignment = {asg, 3}},
    };
    struct kr_SyncGroupRequest m = {
        .GroupId = kr_str_c("g1"),
        .GenerationId = 3,
        .MemberId = kr_str_c("m1"),
        .GroupInstanceId = kr_str_c(NULL),
        .ProtocolType = kr_str_c(NULL), /* defaults: v5+ only */
        .ProtocolName = kr_str_c(NULL),
        .AssignmentsCnt = 1,
        .Assignments = as,
    };
    static const uint8_t want[] = {
        0x00, 0x02, 'g',  '1',  /* GroupId */
        0x00, 0x00, 0x00, 0x03, /* GenerationId 3 */
        0x00, 0x02, 'm',  '1',  /* MemberId */
        0xff, 0xff,             /* GroupInstanceId null (v3+) */
        0x00, 0x00, 0x00, 0x01, /* Assignments: count 1 */
        0x00, 0x02, 'm',  '1',  /* [0] MemberId */
        0x00, 0x00, 0x00, 0x03, /* [0] Assignment bytes */
        0xaa, 0xbb, 0xcc,
    };
    check_known_answer(&kr_api_SyncGroup, 3, false, cmp_SyncGroupRequest, &m,
                       want, sizeof want);
}
END_TEST

START_TEST(syncgroup_v5_flexible_response_matches_hand_written_bytes)
{
    static const uint8_t asg[] = {0xaa, 0xbb, 0xcc};
    struct kr_SyncGroupResponse m = {
        .ThrottleTimeMs = 100,
        .ErrorCode = 0,
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolName = kr_str_c(NULL),
        .Assignment = {asg, 3},
    };
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x64,           /* ThrottleTimeMs 100 */
        0x00, 0x00,                       /* ErrorCode 0 */
        0x09, 'c',  'o',  'n',  's', 'u', /* ProtocolType (v5+) */
        'm',  'e',  'r',                  /* */
        0x00,                             /* ProtocolName null (v5+) */
        0x04, 0xaa, 0xbb, 0xcc,           /* Assignment: compact bytes */
        0x00,                             /* no tagged fields */
    };
    check_known_answer(&kr_api_SyncGroup, 5, true, cmp_SyncGroupResponse, &m,
                       want, sizeof want);
}
END_TEST

/* ---- LeaveGroup ---- */

START_TEST(leavegroup_v0_request_names_a_single_member)
{
    struct kr_LeaveGroupRequest m = {.GroupId = kr_str_c("g1"),
                                     .MemberId = kr_str_c("m1")};
    static const uint8_t want[] = {
        0x00, 0x02, 'g', '1', /* GroupId */
        0x00, 0x02, 'm', '1', /* MemberId (v0-2) */
    };
    check_known_answer(&kr_api_LeaveGroup, 0, false, cmp_LeaveGroupRequest,
                       &m, want, sizeof want);
}
END_TEST

START_TEST(leavegroup_v3_request_batches_member_identities)
{
    struct kr_LeaveGroupRequestMemberIdentity mem[] = {
        {.MemberId = kr_str_c("m1"), .GroupInstanceId = kr_str_c("i1"),
         .Reason = kr_str_c(NULL)},
        {.MemberId = kr_str_c(""), .GroupInstanceId = kr_str_c("i2"),
         .Reason = kr_str_c(NULL)},
    };
    struct kr_LeaveGroupRequest m = {
        .GroupId = kr_str_c("g1"), .MembersCnt = 2, .Members = mem};
    static const uint8_t want[] = {
        0x00, 0x02, 'g',  '1',  /* GroupId; no MemberId in v3+ */
        0x00, 0x00, 0x00, 0x02, /* Members: count 2 */
        0x00, 0x02, 'm',  '1',  /* [0] MemberId */
        0x00, 0x02, 'i',  '1',  /*     GroupInstanceId */
        0x00, 0x00,             /* [1] MemberId "" */
        0x00, 0x02, 'i',  '2',  /*     GroupInstanceId */
    };
    check_known_answer(&kr_api_LeaveGroup, 3, false, cmp_LeaveGroupRequest,
                       &m, want, sizeof want);
}
END_TEST

START_TEST(leavegroup_v5_flexible_response_matches_hand_written_bytes)
{
    struct kr_LeaveGroupResponseMemberResponse mem[] = {
        {.MemberId = kr_str_c("m1"), .GroupInstanceId = kr_str_c("i1"),
         .ErrorCode = 0},
        {.MemberId = kr_str_c(""), .GroupInstanceId = kr_str_c(NULL),
         .ErrorCode = 25},
    };
    struct kr_LeaveGroupResponse m = {
        .ThrottleTimeMs = 0, .ErrorCode = 0, .MembersCnt = 2, .Members = mem};
    static const uint8_t want[] = {
        0x00, 0x00, 0x00, 0x00, /* ThrottleTimeMs 0 */
        0x00, 0x00,             /* ErrorCode 0 */
        0x03,                   /* Members: compact count 2 */
        0x03, 'm',  '1',        /* [0] MemberId */
        0x03, 'i',  '1',        /*     GroupInstanceId */
        0x00, 0x00,             /*     ErrorCode 0 */
        0x00,                   /*     no tagged fields */
        0x01,                   /* [1] MemberId "" */
        0x00,                   /*     GroupInstanceId null */
        0x00, 0x19,             /*     ErrorCode 25 UNKNOWN_MEMBER_ID */
        0x00,                   /*     no tagged fields */
        0x00,                   /* no tagged fields */
    };
    check_known_answer(&kr_api_LeaveGroup, 5, true, cmp_LeaveGroupResponse,
                       &m, want, sizeof want);
}
END_TEST

/* ---- every version: the samples decode field by field ---- */

static void sample_decodes_field_by_field(const struct group_api *g,
                                          int16_t v, bool resp)
{
    const struct kr_api *api = g->api;
    const struct kr_sample *s = kr_sample_find(api->key);
    size_t size = resp ? api->resp_size : api->req_size;
    struct kr_arena a;
    struct kr_buf b;
    kr_arena_init(&a, 0);
    kr_buf_init(&b, 0);
    void *want = kr_arena_alloc(&a, size);
    void *got = kr_arena_alloc(&a, size);
    (resp ? s->resp : s->req)(v, want, &a);
    ck_assert_int_eq(kr_msg_write(&b, api, v, resp, want), KRAFKA_ERR_NONE);
    expect_decode(api, v, resp, b.data, b.len, &a, got);
    (resp ? g->resp : g->req)(got, want);
    kr_buf_free(&b);
    kr_arena_destroy(&a);
}

START_TEST(samples_decode_field_by_field_at_every_version)
{
    const struct group_api *g = &group_apis[_i];
    for (int16_t v = g->api->min_ver; v <= g->api->max_ver; v++) {
        sample_decodes_field_by_field(g, v, false);
        sample_decodes_field_by_field(g, v, true);
    }
}
END_TEST

START_TEST(version_ranges_follow_the_schemas_and_kip_896)
{
    ck_assert_int_eq(kr_api_FindCoordinator.min_ver, 0);
    ck_assert_int_eq(kr_api_FindCoordinator.max_ver, 6);
    ck_assert_int_eq(kr_api_FindCoordinator.flex_ver, 3);
    ck_assert_int_eq(kr_api_JoinGroup.min_ver, 2); /* KIP-896 */
    ck_assert_int_eq(kr_api_JoinGroup.max_ver, 9);
    ck_assert_int_eq(kr_api_JoinGroup.flex_ver, 6);
    ck_assert_int_eq(kr_api_Heartbeat.min_ver, 0);
    ck_assert_int_eq(kr_api_Heartbeat.max_ver, 4);
    ck_assert_int_eq(kr_api_Heartbeat.flex_ver, 4);
    ck_assert_int_eq(kr_api_LeaveGroup.min_ver, 0);
    ck_assert_int_eq(kr_api_LeaveGroup.max_ver, 5);
    ck_assert_int_eq(kr_api_LeaveGroup.flex_ver, 4);
    ck_assert_int_eq(kr_api_SyncGroup.min_ver, 0);
    ck_assert_int_eq(kr_api_SyncGroup.max_ver, 5);
    ck_assert_int_eq(kr_api_SyncGroup.flex_ver, 4);
}
END_TEST

START_TEST(fields_absent_in_old_versions_decode_to_schema_defaults)
{
    /* JoinGroupResponse v6: no ProtocolType (v7+), no SkipAssignment. */
    static const uint8_t join[] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* Throttle, ErrorCode, GenerationId */
        0x01, 0x01, 0x01, 0x01, 0x00, /* ProtocolName, Leader, MemberId,
                                         Members, tags */
    };
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_JoinGroupResponse jr;
    expect_decode(&kr_api_JoinGroup, 6, true, join, sizeof join, &a, &jr);
    ck_assert_int_eq(jr.ProtocolType.len, -1);
    ck_assert(!jr.SkipAssignment);
    ck_assert_int_eq(jr.GenerationId, 1);
    /* SyncGroupRequest v2: no GroupInstanceId, ProtocolType/Name. */
    static const uint8_t sync[] = {
        0, 0, 0, 0, 0, 1, 0, 0, /* GroupId "", GenerationId 1, MemberId "" */
        0, 0, 0, 0,             /* Assignments: count 0 */
    };
    struct kr_SyncGroupRequest sr;
    expect_decode(&kr_api_SyncGroup, 2, false, sync, sizeof sync, &a, &sr);
    ck_assert_int_eq(sr.GroupInstanceId.len, -1);
    ck_assert_int_eq(sr.ProtocolType.len, -1);
    ck_assert_int_eq(sr.ProtocolName.len, -1);
    kr_arena_destroy(&a);
}
END_TEST

/* ---- hostile input ---- */

struct hostile {
    const struct kr_api *api;
    int16_t v;
    bool resp;
    const uint8_t *p;
    size_t n;
};

/* Array counts of 0x7fffffff: classic int32, compact uvarint 0x80000000. */
#define HUGE_CLASSIC 0x7f, 0xff, 0xff, 0xff
#define HUGE_COMPACT 0x80, 0x80, 0x80, 0x80, 0x08

static const uint8_t fc_resp_v4[] = {0, 0, 0, 0, HUGE_COMPACT};
static const uint8_t fc_req_v4[] = {0x00, HUGE_COMPACT};
static const uint8_t jg_resp_v2[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* Throttle, ErrorCode, GenerationId */
    0, 0, 0, 0, 0, 0,             /* ProtocolName, Leader, MemberId "" */
    HUGE_CLASSIC,                 /* Members */
};
static const uint8_t jg_resp_v9[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* Throttle, ErrorCode, GenerationId */
    0x00, 0x00, 0x01, 0x00, 0x01, /* ProtocolType, ProtocolName null,
                                     Leader "", SkipAssignment, MemberId "" */
    HUGE_COMPACT,                 /* Members */
};
static const uint8_t jg_req_v2[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* GroupId, SessionTimeoutMs, Rebalance.. */
    0, 0, 0, 0,                   /* MemberId, ProtocolType "" */
    HUGE_CLASSIC,                 /* Protocols */
};
static const uint8_t sg_req_v4[] = {
    0x01, 0, 0, 0, 0, 0x01, 0x00, /* GroupId, GenerationId, MemberId,
                                     GroupInstanceId null */
    HUGE_COMPACT,                 /* Assignments */
};
static const uint8_t lg_resp_v3[] = {0, 0, 0, 0, 0, 0, HUGE_CLASSIC};
static const uint8_t lg_req_v5[] = {0x01, HUGE_COMPACT};
/* Count 2 needs at least 2 x 6 bytes (MemberId, GroupInstanceId,
 * ErrorCode) but only 11 follow: refused before allocating. */
static const uint8_t lg_resp_v3_short[] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

#define HOSTILE(Name, v, resp, arr) {&kr_api_##Name, v, resp, arr, sizeof arr}
static const struct hostile hostile[] = {
    HOSTILE(FindCoordinator, 4, true, fc_resp_v4),
    HOSTILE(FindCoordinator, 4, false, fc_req_v4),
    HOSTILE(JoinGroup, 2, true, jg_resp_v2),
    HOSTILE(JoinGroup, 9, true, jg_resp_v9),
    HOSTILE(JoinGroup, 2, false, jg_req_v2),
    HOSTILE(SyncGroup, 4, false, sg_req_v4),
    HOSTILE(LeaveGroup, 3, true, lg_resp_v3),
    HOSTILE(LeaveGroup, 5, false, lg_req_v5),
    HOSTILE(LeaveGroup, 3, true, lg_resp_v3_short),
};

START_TEST(array_count_beyond_remaining_bytes_is_bad_msg_without_allocating)
{
    const struct hostile *h = &hostile[_i];
    struct kr_arena a;
    kr_arena_init(&a, 0);
    void *msg = malloc(h->resp ? h->api->resp_size : h->api->req_size);
    krafka_err_t err = kr_msg_read(h->api, h->v, h->resp, h->p, h->n, &a,
                                   msg);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_BAD_MSG, "%s v%d: %s", h->api->name,
                  h->v, krafka_err2name(err));
    ck_assert_uint_eq(a.used, 0);
    free(msg);
    kr_arena_destroy(&a);
}
END_TEST

/* The minimum element sizes the decoders check counts against must not
 * refuse real messages: arrays of the smallest possible elements (empty
 * strings and bytes, nulls) decode at every version. */
static void smallest_elements_roundtrip(const struct kr_api *api, int16_t v,
                                        bool resp, void *msg)
{
    struct kr_arena a;
    struct kr_buf b1, b2;
    kr_arena_init(&a, 0);
    kr_buf_init(&b1, 0);
    kr_buf_init(&b2, 0);
    ck_assert_int_eq(kr_msg_write(&b1, api, v, resp, msg), KRAFKA_ERR_NONE);
    void *got = kr_arena_alloc(&a, resp ? api->resp_size : api->req_size);
    expect_decode(api, v, resp, b1.data, b1.len, &a, got);
    ck_assert_int_eq(kr_msg_write(&b2, api, v, resp, got), KRAFKA_ERR_NONE);
    ck_assert(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0);
    kr_buf_free(&b1);
    kr_buf_free(&b2);
    kr_arena_destroy(&a);
}

START_TEST(arrays_of_smallest_elements_still_decode_at_every_version)
{
    static const struct kr_str nul = {NULL, -1};
    struct kr_str keys[3] = {{0}};
    struct kr_FindCoordinatorResponseCoordinator fc[3] = {
        {.ErrorMessage = nul}, {.ErrorMessage = nul}, {.ErrorMessage = nul}};
    struct kr_JoinGroupRequestProtocol jp[3] = {{{0}}};
    struct kr_JoinGroupResponseMember jm[3] = {
        {.GroupInstanceId = nul}, {.GroupInstanceId = nul},
        {.GroupInstanceId = nul}};
    struct kr_SyncGroupRequestAssignment sa[3] = {{{0}}};
    struct kr_LeaveGroupRequestMemberIdentity li[3] = {
        {.GroupInstanceId = nul, .Reason = nul},
        {.GroupInstanceId = nul, .Reason = nul},
        {.GroupInstanceId = nul, .Reason = nul}};
    struct kr_LeaveGroupResponseMemberResponse lr[3] = {
        {.GroupInstanceId = nul}, {.GroupInstanceId = nul},
        {.GroupInstanceId = nul}};
    for (int16_t v = 4; v <= 6; v++) {
        struct kr_FindCoordinatorRequest q = {.CoordinatorKeysCnt = 3,
                                              .CoordinatorKeys = keys};
        struct kr_FindCoordinatorResponse r = {.CoordinatorsCnt = 3,
                                               .Coordinators = fc};
        smallest_elements_roundtrip(&kr_api_FindCoordinator, v, false, &q);
        smallest_elements_roundtrip(&kr_api_FindCoordinator, v, true, &r);
    }
    for (int16_t v = 2; v <= 9; v++) {
        struct kr_JoinGroupRequest q = {.GroupInstanceId = nul,
                                        .Reason = nul,
                                        .ProtocolsCnt = 3,
                                        .Protocols = jp};
        struct kr_JoinGroupResponse r = {.ProtocolType = nul,
                                         .MembersCnt = 3,
                                         .Members = jm};
        smallest_elements_roundtrip(&kr_api_JoinGroup, v, false, &q);
        smallest_elements_roundtrip(&kr_api_JoinGroup, v, true, &r);
    }
    for (int16_t v = 0; v <= 5; v++) {
        struct kr_SyncGroupRequest q = {
            .GroupInstanceId = nul, .ProtocolType = nul,
            .ProtocolName = nul, .AssignmentsCnt = 3, .Assignments = sa};
        smallest_elements_roundtrip(&kr_api_SyncGroup, v, false, &q);
    }
    for (int16_t v = 3; v <= 5; v++) {
        struct kr_LeaveGroupRequest q = {.MembersCnt = 3, .Members = li};
        struct kr_LeaveGroupResponse r = {.MembersCnt = 3, .Members = lr};
        smallest_elements_roundtrip(&kr_api_LeaveGroup, v, false, &q);
        smallest_elements_roundtrip(&kr_api_LeaveGroup, v, true, &r);
    }
}
END_TEST

START_TEST(null_where_the_schema_forbids_it_is_refused)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    /* JoinGroupResponse.ProtocolName is nullable only from v7. */
    struct kr_JoinGroupResponse r = {.ProtocolType = kr_str_c(NULL),
                                     .ProtocolName = kr_str_c(NULL)};
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_JoinGroup, 6, true, &r),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_buf_reset(&b);
    ck_assert_int_eq(kr_msg_write(&b, &kr_api_JoinGroup, 7, true, &r),
                     KRAFKA_ERR_NONE);
    /* ... and a null Host is never allowed in FindCoordinatorResponse. */
    static const uint8_t fc_v0[] = {0, 0, 0, 0, 0, 1, 0xff, 0xff, 0, 0, 0, 0};
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_FindCoordinatorResponse fr;
    ck_assert_int_eq(kr_msg_read(&kr_api_FindCoordinator, 0, true, fc_v0,
                                 sizeof fc_v0, &a, &fr),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    kr_arena_destroy(&a);
    kr_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_group");
    TCase *tc = tcase_create("group");
    tcase_add_test(tc, heartbeat_v3_request_matches_hand_written_bytes);
    tcase_add_test(tc,
                   heartbeat_v4_flexible_response_matches_hand_written_bytes);
    tcase_add_test(tc, findcoordinator_v2_request_matches_hand_written_bytes);
    tcase_add_test(tc, findcoordinator_v4_request_batches_coordinator_keys);
    tcase_add_test(tc, findcoordinator_v1_response_matches_hand_written_bytes);
    tcase_add_test(
        tc, findcoordinator_v3_flexible_response_matches_hand_written_bytes);
    tcase_add_test(
        tc, findcoordinator_v4_response_carries_one_coordinator_per_key);
    tcase_add_test(tc, joingroup_v5_request_matches_hand_written_bytes);
    tcase_add_test(tc, joingroup_v8_flexible_request_carries_reason);
    tcase_add_test(tc,
                   joingroup_v9_flexible_response_matches_hand_written_bytes);
    tcase_add_test(tc, syncgroup_v3_request_matches_hand_written_bytes);
    tcase_add_test(tc,
                   syncgroup_v5_flexible_response_matches_hand_written_bytes);
    tcase_add_test(tc, leavegroup_v0_request_names_a_single_member);
    tcase_add_test(tc, leavegroup_v3_request_batches_member_identities);
    tcase_add_test(tc,
                   leavegroup_v5_flexible_response_matches_hand_written_bytes);
    tcase_add_loop_test(tc, samples_decode_field_by_field_at_every_version, 0,
                        GROUP_APIS_CNT);
    tcase_add_test(tc, version_ranges_follow_the_schemas_and_kip_896);
    tcase_add_test(tc, fields_absent_in_old_versions_decode_to_schema_defaults);
    tcase_add_loop_test(
        tc, array_count_beyond_remaining_bytes_is_bad_msg_without_allocating,
        0, (int)(sizeof hostile / sizeof hostile[0]));
    tcase_add_test(tc,
                   arrays_of_smallest_elements_still_decode_at_every_version);
    tcase_add_test(tc, null_where_the_schema_forbids_it_is_refused);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
