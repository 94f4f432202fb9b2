/*
 * Consumer groups through the admin handle: ListGroups to every broker,
 * and per group FindCoordinator, DescribeGroups, OffsetFetch and
 * ListOffsets (for the lag), each a blocking call with one overall
 * deadline.
 *
 * Every call copies what it keeps from a response into its own arena on
 * the I/O thread (the decoded response dies with the callback, and a
 * caller that timed out must not be written to). When the call succeeded
 * the caller takes the arena over into the result, so nothing is copied
 * twice; the result frees every arena it took.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "consumer/assignor.h"
#include "krafka/admin.h"
#include "protocol/apis.h"
#include "util/arena.h"
#include "util/time.h"

/* ---- arenas a result owns ---- */

struct arenas {
    struct kr_arena *v; /* owned */
    size_t cnt, cap;
};

static bool arenas_take(struct arenas *as, struct kr_arena *a)
{
    if (as->cnt == as->cap) {
        size_t cap = as->cap ? as->cap * 2 : 8;
        struct kr_arena *v = realloc(as->v, cap * sizeof *v);
        if (!v)
            return false;
        as->v = v;
        as->cap = cap;
    }
    as->v[as->cnt++] = *a;
    kr_arena_init(a, KR_ARENA_MAX_DEFAULT);
    return true;
}

static void arenas_free(struct arenas *as)
{
    for (size_t i = 0; i < as->cnt; i++)
        kr_arena_destroy(&as->v[i]);
    free(as->v);
}

/* Like kr_str_arena_dup(), "" for null. */
static const char *astr0(struct kr_arena *a, struct kr_str s)
{
    const char *p = kr_str_arena_dup(a, s);
    return p ? p : (s.len < 0 || !s.ptr ? "" : NULL);
}

static const char *acstr(struct kr_arena *a, const char *s)
{
    return s ? kr_str_arena_dup(a, kr_str_c(s)) : NULL;
}

static void set_err(char *errstr, size_t n, const char *fmt, const char *a,
                    const char *b)
{
    if (errstr && n)
        snprintf(errstr, n, fmt, a, b);
}

/* Milliseconds left until @until (monotonic us), at least 1. */
static int left_ms(int64_t until)
{
    int64_t ms = (until - kr_now_us()) / 1000;
    return ms < 1 ? 1 : ms > 0x7fffffff ? 0x7fffffff : (int)ms;
}

static bool expired(int64_t until)
{
    return kr_now_us() >= until;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- one call ---- */

struct gcall {
    struct kr_call call;
    struct kr_arena mem; /* request copies and what the response left */
    union {
        struct kr_ListGroupsRequest lg;
        struct kr_FindCoordinatorRequest fc;
        struct kr_DescribeGroupsRequest dg;
        struct kr_OffsetFetchRequest of;
        struct kr_ListOffsetsRequest lo;
    } m;
    struct kr_str key;            /* FindCoordinator, DescribeGroups */
    struct kr_OffsetFetchRequestGroup of_group;
    void *out;                    /* parsed, in mem */
    size_t out_cnt;
    int32_t node;                 /* FindCoordinator's answer */
    krafka_err_t out_err;         /* a group-level error of the answer */
    char out_errstr[256];
};

static void gcall_cleanup(struct kr_call *call)
{
    struct gcall *g = (struct gcall *)call;
    kr_arena_destroy(&g->mem);
}

static struct gcall *gcall_new(const struct kr_api *api, int32_t broker,
                               krafka_err_t (*on_resp)(struct kr_call *,
                                                       struct kr_client *,
                                                       const void *, int16_t))
{
    struct gcall *g = (struct gcall *)kr_call_new(sizeof *g);
    if (!g)
        return NULL;
    kr_arena_init(&g->mem, KR_ARENA_MAX_DEFAULT);
    g->call.cleanup = gcall_cleanup;
    g->call.on_resp = on_resp;
    g->call.req = (struct kr_req){.api = api, .broker_id = broker,
                                  .retry_transport = true};
    g->node = -1;
    return g;
}

/* Frees a call that was never submitted (both references). */
static void gcall_abort(struct gcall *g)
{
    kr_call_release(&g->call);
    kr_call_release(&g->call);
}

static krafka_err_t gcall_run(krafka_admin_t *a, struct gcall *g,
                              int64_t until, char *errstr, size_t n)
{
    return kr_call_run(kr_admin_client(a), &g->call, left_ms(until), errstr,
                       n);
}

/* ---- ListGroups ---- */

static krafka_err_t lg_resp(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct gcall *g = (struct gcall *)call;
    const struct kr_ListGroupsResponse *res = resp;
    if (res->ErrorCode)
        return (krafka_err_t)res->ErrorCode;
    size_t n = res->GroupsCnt > 0 ? (size_t)res->GroupsCnt : 0;
    krafka_group_listing_t *l =
        n ? kr_arena_alloc(&g->mem, n * sizeof *l) : NULL;
    if (n && !l)
        return KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct kr_ListedGroup *lg = &res->Groups[i];
        l[i] = (krafka_group_listing_t){
            .group_id = astr0(&g->mem, lg->GroupId),
            .protocol_type = astr0(&g->mem, lg->ProtocolType),
            .state = astr0(&g->mem, lg->GroupState),
            .type = astr0(&g->mem, lg->GroupType),
            .coordinator_id = call->req.broker_id};
        if (!l[i].group_id || !l[i].protocol_type || !l[i].state ||
            !l[i].type)
            return KRAFKA_ERR_LOCAL_NOMEM;
    }
    g->out = l;
    g->out_cnt = n;
    return KRAFKA_ERR_NONE;
}

struct group_list_impl {
    krafka_group_list_t pub; /* first: what the user holds */
    struct arenas arenas;
    krafka_group_listing_t *all; /* owned */
    char first_errstr[560];
};

void krafka_group_list_destroy(krafka_group_list_t *l)
{
    if (!l)
        return;
    struct group_list_impl *gl = (struct group_list_impl *)l;
    arenas_free(&gl->arenas);
    free(gl->all);
    free(gl);
}

static int listing_cmp(const void *x, const void *y)
{
    const krafka_group_listing_t *a = x, *b = y;
    return strcmp(a->group_id, b->group_id);
}

krafka_err_t krafka_admin_list_groups(krafka_admin_t *a, int timeout_ms,
                                      krafka_group_list_t **out, char *errstr,
                                      size_t errstr_size)
{
    if (!a || !out) {
        set_err(errstr, errstr_size, "%s%s", "admin and out must not be ",
                "NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    int64_t until = kr_now_us() + (int64_t)(timeout_ms < 0 ? 60000
                                                            : timeout_ms) *
                                      1000;
    krafka_metadata_t *md = NULL;
    krafka_err_t err = krafka_admin_metadata(a, NULL, left_ms(until), &md,
                                             errstr, errstr_size);
    if (err)
        return err;
    struct group_list_impl *gl = calloc(1, sizeof *gl);
    if (!gl) {
        krafka_metadata_destroy(md);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    gl->pub.first_errstr = gl->first_errstr;
    size_t total = 0, cap = 0;
    for (int i = 0; i < md->broker_cnt && !err; i++) {
        struct gcall *g = gcall_new(&kr_api_ListGroups, md->brokers[i].id,
                                    lg_resp);
        if (!g) {
            err = KRAFKA_ERR_LOCAL_NOMEM;
            break;
        }
        g->call.req.msg = &g->m.lg;
        char es[512] = "";
        krafka_err_t e = gcall_run(a, g, until, es, sizeof es);
        if (e == KRAFKA_ERR_NONE) {
            if (total + g->out_cnt > cap) {
                size_t ncap = (total + g->out_cnt) * 2 + 8;
                krafka_group_listing_t *v =
                    realloc(gl->all, ncap * sizeof *v);
                if (!v) {
                    err = KRAFKA_ERR_LOCAL_NOMEM;
                } else {
                    gl->all = v;
                    cap = ncap;
                }
            }
            if (!err && g->out_cnt)
                memcpy(gl->all + total, g->out,
                       g->out_cnt * sizeof *gl->all);
            if (!err && !arenas_take(&gl->arenas, &g->mem))
                err = KRAFKA_ERR_LOCAL_NOMEM;
            if (!err)
                total += g->out_cnt;
        } else {
            if (!gl->pub.failed_broker_cnt++) {
                gl->pub.first_err = e;
                snprintf(gl->first_errstr, sizeof gl->first_errstr,
                         "broker %d: %s", (int)md->brokers[i].id,
                         es[0] ? es : krafka_err2str(e));
            }
        }
        kr_call_release(&g->call);
    }
    krafka_metadata_destroy(md);
    if (err) {
        krafka_group_list_destroy(&gl->pub);
        return err;
    }
    if (total)
        qsort(gl->all, total, sizeof *gl->all, listing_cmp);
    gl->pub.groups = gl->all;
    gl->pub.group_cnt = total;
    *out = &gl->pub;
    return KRAFKA_ERR_NONE;
}

/* ---- FindCoordinator ---- */

static krafka_err_t fc_resp(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v)
{
    struct gcall *g = (struct gcall *)call;
    const struct kr_FindCoordinatorResponse *res = resp;
    int32_t node;
    struct kr_str host;
    int32_t port;
    int16_t code;
    struct kr_str msg = {NULL, -1};
    if (v >= 4) {
        if (res->CoordinatorsCnt != 1)
            return KRAFKA_ERR_LOCAL_BAD_MSG;
        const struct kr_FindCoordinatorResponseCoordinator *co =
            &res->Coordinators[0];
        node = co->NodeId;
        host = co->Host;
        port = co->Port;
        code = co->ErrorCode;
        msg = co->ErrorMessage;
    } else {
        node = res->NodeId;
        host = res->Host;
        port = res->Port;
        code = res->ErrorCode;
        msg = res->ErrorMessage;
    }
    if (code) {
        g->out_err = (krafka_err_t)code;
        if (msg.len > 0)
            snprintf(g->out_errstr, sizeof g->out_errstr, "%.*s",
                     (int)msg.len, msg.ptr);
        return KRAFKA_ERR_NONE;
    }
    if (node < 0 || host.len <= 0 || host.len > 255 || port <= 0 ||
        port > 65535)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    char h[256];
    memcpy(h, host.ptr, (size_t)host.len);
    h[host.len] = '\0';
    kr_client_broker(c, node, h, port);
    g->node = node;
    return KRAFKA_ERR_NONE;
}

static bool retriable_group_err(krafka_err_t e)
{
    return e == KRAFKA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           e == KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE ||
           e == KRAFKA_ERR_NOT_COORDINATOR;
}

/* The coordinator of @group: NONE and *@node, or an error with errstr. */
static krafka_err_t find_coordinator(krafka_admin_t *a, const char *group,
                                     int64_t until, int32_t *node,
                                     char *errstr, size_t n)
{
    for (;;) {
        struct gcall *g =
            gcall_new(&kr_api_FindCoordinator, KR_BROKER_ANY, fc_resp);
        if (!g)
            return KRAFKA_ERR_LOCAL_NOMEM;
        g->key = kr_str_c(acstr(&g->mem, group));
        if (!g->key.ptr) {
            gcall_abort(g);
            return KRAFKA_ERR_LOCAL_NOMEM;
        }
        g->m.fc = (struct kr_FindCoordinatorRequest){
            .Key = g->key, .KeyType = 0, .CoordinatorKeysCnt = 1,
            .CoordinatorKeys = &g->key};
        g->call.req.msg = &g->m.fc;
        krafka_err_t err = gcall_run(a, g, until, errstr, n);
        if (err == KRAFKA_ERR_NONE) {
            err = g->out_err;
            *node = g->node;
            if (err && errstr && n)
                snprintf(errstr, n, "FindCoordinator: %s%s%s",
                         krafka_err2str(err), g->out_errstr[0] ? ": " : "",
                         g->out_errstr);
        }
        kr_call_release(&g->call);
        if (!retriable_group_err(err) || expired(until))
            return err;
        sleep_ms(100);
    }
}

/* ---- DescribeGroups ---- */

static bool copy_assignment(struct kr_arena *m, krafka_group_member_t *mb,
                            const struct kr_bytes *blob)
{
    if (!blob->ptr || blob->len <= 0)
        return true;
    struct kr_cp_assignment as;
    char es[128];
    if (kr_cp_assignment_read(&as, blob->ptr, (size_t)blob->len, es,
                              sizeof es) != KRAFKA_ERR_NONE)
        return true; /* not a consumer assignment: none shown */
    size_t n = 0;
    for (int32_t t = 0; t < as.topic_cnt; t++)
        n += as.topics[t].partition_cnt > 0
                 ? (size_t)as.topics[t].partition_cnt
                 : 0;
    krafka_group_tp_t *tp = n ? kr_arena_alloc(m, n * sizeof *tp) : NULL;
    bool ok = !n || tp;
    size_t k = 0;
    for (int32_t t = 0; ok && t < as.topic_cnt; t++) {
        const char *name = acstr(m, as.topics[t].topic);
        ok = name != NULL;
        for (int32_t p = 0; ok && p < as.topics[t].partition_cnt; p++)
            tp[k++] = (krafka_group_tp_t){
                .topic = name, .partition = as.topics[t].partitions[p]};
    }
    kr_cp_assignment_free(&as);
    mb->assignment = tp;
    mb->assignment_cnt = ok ? k : 0;
    return ok;
}

static krafka_err_t dg_resp(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct gcall *g = (struct gcall *)call;
    const struct kr_DescribeGroupsResponse *res = resp;
    if (res->GroupsCnt != 1)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    const struct kr_DescribedGroup *dg = &res->Groups[0];
    krafka_group_description_t *d = kr_arena_alloc(&g->mem, sizeof *d);
    if (!d)
        return KRAFKA_ERR_LOCAL_NOMEM;
    g->out = d;
    if (dg->ErrorCode) {
        g->out_err = (krafka_err_t)dg->ErrorCode;
        if (dg->ErrorMessage.len > 0)
            snprintf(g->out_errstr, sizeof g->out_errstr, "%.*s",
                     (int)dg->ErrorMessage.len, dg->ErrorMessage.ptr);
        return KRAFKA_ERR_NONE;
    }
    d->state = astr0(&g->mem, dg->GroupState);
    d->protocol_type = astr0(&g->mem, dg->ProtocolType);
    d->protocol = astr0(&g->mem, dg->ProtocolData);
    if (!d->state || !d->protocol_type || !d->protocol)
        return KRAFKA_ERR_LOCAL_NOMEM;
    bool consumer = kr_str_eq(dg->ProtocolType, "consumer");
    size_t n = dg->MembersCnt > 0 ? (size_t)dg->MembersCnt : 0;
    krafka_group_member_t *m =
        n ? kr_arena_alloc(&g->mem, n * sizeof *m) : NULL;
    if (n && !m)
        return KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct kr_DescribedGroupMember *dm = &dg->Members[i];
        m[i].member_id = astr0(&g->mem, dm->MemberId);
        m[i].group_instance_id = kr_str_arena_dup(&g->mem, dm->GroupInstanceId);
        m[i].client_id = astr0(&g->mem, dm->ClientId);
        m[i].client_host = astr0(&g->mem, dm->ClientHost);
        if (!m[i].member_id || !m[i].client_id || !m[i].client_host)
            return KRAFKA_ERR_LOCAL_NOMEM;
        if (consumer && !copy_assignment(&g->mem, &m[i],
                                         &dm->MemberAssignment))
            return KRAFKA_ERR_LOCAL_NOMEM;
    }
    d->members = m;
    d->member_cnt = n;
    return KRAFKA_ERR_NONE;
}

/* ---- OffsetFetch (all topics of the group) ---- */

static krafka_err_t of_resp(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct gcall *g = (struct gcall *)call;
    const struct kr_OffsetFetchResponse *res = resp;
    if (res->GroupsCnt != 1)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    const struct kr_OffsetFetchResponseGroup *gr = &res->Groups[0];
    if (gr->ErrorCode) {
        g->out_err = (krafka_err_t)gr->ErrorCode;
        return KRAFKA_ERR_NONE;
    }
    size_t n = 0;
    for (int32_t i = 0; i < gr->TopicsCnt; i++)
        n += gr->Topics[i].PartitionsCnt > 0
                 ? (size_t)gr->Topics[i].PartitionsCnt
                 : 0;
    krafka_group_offset_t *o =
        n ? kr_arena_alloc(&g->mem, n * sizeof *o) : NULL;
    if (n && !o)
        return KRAFKA_ERR_LOCAL_NOMEM;
    size_t k = 0;
    for (int32_t i = 0; i < gr->TopicsCnt; i++) {
        const char *topic = astr0(&g->mem, gr->Topics[i].Name);
        if (!topic)
            return KRAFKA_ERR_LOCAL_NOMEM;
        for (int32_t j = 0; j < gr->Topics[i].PartitionsCnt; j++) {
            const struct kr_OffsetFetchResponsePartitions *p =
                &gr->Topics[i].Partitions[j];
            o[k++] = (krafka_group_offset_t){
                .topic = topic,
                .partition = p->PartitionIndex,
                .committed = p->CommittedOffset,
                .leader_epoch = p->CommittedLeaderEpoch,
                .metadata = p->Metadata.len > 0
                                ? kr_str_arena_dup(&g->mem, p->Metadata)
                                : NULL,
                .log_end = -1,
                .lag = -1,
                .err = (krafka_err_t)p->ErrorCode};
        }
    }
    g->out = o;
    g->out_cnt = k;
    return KRAFKA_ERR_NONE;
}

/* ---- ListOffsets (latest) to one leader ---- */

struct lo_answer {
    const char *topic;
    int32_t partition;
    int64_t offset;
    krafka_err_t err;
};

static krafka_err_t lo_resp(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct gcall *g = (struct gcall *)call;
    const struct kr_ListOffsetsResponse *res = resp;
    size_t n = 0;
    for (int32_t i = 0; i < res->TopicsCnt; i++)
        n += res->Topics[i].PartitionsCnt > 0
                 ? (size_t)res->Topics[i].PartitionsCnt
                 : 0;
    struct lo_answer *ans =
        n ? kr_arena_alloc(&g->mem, n * sizeof *ans) : NULL;
    if (n && !ans)
        return KRAFKA_ERR_LOCAL_NOMEM;
    size_t k = 0;
    for (int32_t i = 0; i < res->TopicsCnt; i++) {
        const char *topic = astr0(&g->mem, res->Topics[i].Name);
        if (!topic)
            return KRAFKA_ERR_LOCAL_NOMEM;
        for (int32_t j = 0; j < res->Topics[i].PartitionsCnt; j++) {
            const struct kr_ListOffsetsPartitionResponse *p =
                &res->Topics[i].Partitions[j];
            ans[k++] = (struct lo_answer){.topic = topic,
                                          .partition = p->PartitionIndex,
                                          .offset = p->Offset,
                                          .err = (krafka_err_t)p->ErrorCode};
        }
    }
    g->out = ans;
    g->out_cnt = k;
    return KRAFKA_ERR_NONE;
}

static int32_t leader_of(const krafka_metadata_t *md, const char *topic,
                         int32_t partition)
{
    for (int i = 0; i < md->topic_cnt; i++) {
        const krafka_metadata_topic_t *t = &md->topics[i];
        if (!t->topic || strcmp(t->topic, topic))
            continue;
        for (int j = 0; j < t->partition_cnt; j++)
            if (t->partitions[j].id == partition)
                return t->partitions[j].leader;
    }
    return -1;
}

/* Fills log_end and lag of @offs[0..cnt) from their leaders. Errors stay
 * per partition. */
static void fill_lag(krafka_admin_t *a, krafka_group_offset_t *offs,
                     size_t cnt, int64_t until)
{
    if (!cnt)
        return;
    krafka_metadata_t *md = NULL;
    char es[512];
    krafka_err_t err = krafka_admin_metadata(a, NULL, left_ms(until), &md,
                                             es, sizeof es);
    int32_t *leaders = calloc(cnt, sizeof *leaders);
    bool *done = calloc(cnt, sizeof *done);
    if (err || !leaders || !done) {
        for (size_t i = 0; i < cnt; i++)
            if (!offs[i].err)
                offs[i].err = err ? err : KRAFKA_ERR_LOCAL_NOMEM;
        krafka_metadata_destroy(md);
        free(leaders);
        free(done);
        return;
    }
    for (size_t i = 0; i < cnt; i++)
        leaders[i] = leader_of(md, offs[i].topic, offs[i].partition);
    krafka_metadata_destroy(md);
    for (size_t i = 0; i < cnt; i++) {
        if (done[i])
            continue;
        if (leaders[i] < 0) {
            done[i] = true;
            if (!offs[i].err)
                offs[i].err = KRAFKA_ERR_LEADER_NOT_AVAILABLE;
            continue;
        }
        /* One request for every partition this leader has. */
        int32_t leader = leaders[i];
        size_t n = 0;
        for (size_t j = i; j < cnt; j++)
            n += !done[j] && leaders[j] == leader;
        struct gcall *g = gcall_new(&kr_api_ListOffsets, leader, lo_resp);
        struct kr_ListOffsetsTopic *lt =
            g ? kr_arena_alloc(&g->mem, n * sizeof *lt) : NULL;
        struct kr_ListOffsetsPartition *lp =
            g ? kr_arena_alloc(&g->mem, n * sizeof *lp) : NULL;
        size_t k = 0;
        for (size_t j = i; lt && lp && j < cnt; j++) {
            if (done[j] || leaders[j] != leader)
                continue;
            lp[k] = (struct kr_ListOffsetsPartition){
                .PartitionIndex = offs[j].partition,
                .CurrentLeaderEpoch = -1,
                .Timestamp = -1};
            lt[k] = (struct kr_ListOffsetsTopic){
                .Name = kr_str_c(acstr(&g->mem, offs[j].topic)),
                .PartitionsCnt = 1,
                .Partitions = &lp[k]};
            k++;
        }
        krafka_err_t e = KRAFKA_ERR_LOCAL_NOMEM;
        if (g && lt && lp) {
            g->m.lo = (struct kr_ListOffsetsRequest){
                .ReplicaId = -1, .IsolationLevel = 0,
                .TopicsCnt = (int32_t)n, .Topics = lt,
                .TimeoutMs = left_ms(until)};
            g->call.req.msg = &g->m.lo;
            e = gcall_run(a, g, until, NULL, 0);
        } else if (g) {
            gcall_abort(g);
            g = NULL;
        }
        const struct lo_answer *ans = e == KRAFKA_ERR_NONE ? g->out : NULL;
        for (size_t j = i; j < cnt; j++) {
            if (done[j] || leaders[j] != leader)
                continue;
            done[j] = true;
            krafka_err_t pe = e ? e : KRAFKA_ERR_LOCAL_BAD_MSG;
            for (size_t x = 0; ans && x < g->out_cnt; x++)
                if (ans[x].partition == offs[j].partition &&
                    !strcmp(ans[x].topic, offs[j].topic)) {
                    pe = ans[x].err;
                    if (!pe)
                        offs[j].log_end = ans[x].offset;
                }
            if (pe && !offs[j].err)
                offs[j].err = pe;
            if (offs[j].log_end >= 0 && offs[j].committed >= 0) {
                int64_t lag = offs[j].log_end - offs[j].committed;
                offs[j].lag = lag < 0 ? 0 : lag;
            }
        }
        if (g)
            kr_call_release(&g->call);
    }
    free(leaders);
    free(done);
}

/* ---- describe ---- */

struct group_desc_impl {
    krafka_group_descriptions_t pub; /* first */
    struct arenas arenas;
    struct kr_arena strs;            /* errstr and group id copies */
    krafka_group_description_t *groups; /* owned */
};

void krafka_group_descriptions_destroy(krafka_group_descriptions_t *d)
{
    if (!d)
        return;
    struct group_desc_impl *gd = (struct group_desc_impl *)d;
    arenas_free(&gd->arenas);
    kr_arena_destroy(&gd->strs);
    free(gd->groups);
    free(gd);
}

static void desc_fail(struct group_desc_impl *gd,
                      krafka_group_description_t *d, krafka_err_t err,
                      const char *what, const char *es)
{
    char buf[768];
    snprintf(buf, sizeof buf, "%s: %s", what,
             es && es[0] ? es : krafka_err2str(err));
    d->err = err;
    d->errstr = acstr(&gd->strs, buf);
    if (!d->errstr)
        d->errstr = "";
}

static int offset_cmp(const void *x, const void *y)
{
    const krafka_group_offset_t *a = x, *b = y;
    int c = strcmp(a->topic, b->topic);
    return c ? c : (a->partition > b->partition) - (a->partition < b->partition);
}

/* Describes one group into @d; a failure is d->err, the return value is
 * only for LOCAL_NOMEM. */
static krafka_err_t describe_one(krafka_admin_t *a,
                                 struct group_desc_impl *gd,
                                 krafka_group_description_t *d,
                                 int64_t until)
{
    char es[512] = "";
    int32_t node = -1;
    krafka_err_t err = find_coordinator(a, d->group_id, until, &node, es,
                                        sizeof es);
    if (err) {
        desc_fail(gd, d, err, "FindCoordinator", es);
        return KRAFKA_ERR_NONE;
    }
    d->coordinator_id = node;
    /* DescribeGroups, retried while the coordinator loads or moves. */
    for (;;) {
        struct gcall *g = gcall_new(&kr_api_DescribeGroups, node, dg_resp);
        if (!g)
            return KRAFKA_ERR_LOCAL_NOMEM;
        g->key = kr_str_c(acstr(&g->mem, d->group_id));
        if (!g->key.ptr) {
            gcall_abort(g);
            return KRAFKA_ERR_LOCAL_NOMEM;
        }
        g->m.dg = (struct kr_DescribeGroupsRequest){.GroupsCnt = 1,
                                                     .Groups = &g->key};
        g->call.req.msg = &g->m.dg;
        es[0] = '\0';
        err = gcall_run(a, g, until, es, sizeof es);
        if (!err && g->out_err) {
            err = g->out_err;
            snprintf(es, sizeof es, "%s", g->out_errstr);
        }
        if (!err) {
            const krafka_group_description_t *r = g->out;
            d->state = r->state;
            d->protocol_type = r->protocol_type;
            d->protocol = r->protocol;
            d->members = r->members;
            d->member_cnt = r->member_cnt;
            if (!arenas_take(&gd->arenas, &g->mem)) {
                kr_call_release(&g->call);
                return KRAFKA_ERR_LOCAL_NOMEM;
            }
        }
        kr_call_release(&g->call);
        if (!err)
            break;
        if (!retriable_group_err(err) || expired(until)) {
            desc_fail(gd, d, err, "DescribeGroups", es);
            return KRAFKA_ERR_NONE;
        }
        sleep_ms(100);
    }
    /* The committed offsets of every topic. */
    struct gcall *g = gcall_new(&kr_api_OffsetFetch, node, of_resp);
    if (!g)
        return KRAFKA_ERR_LOCAL_NOMEM;
    g->of_group = (struct kr_OffsetFetchRequestGroup){
        .GroupId = kr_str_c(acstr(&g->mem, d->group_id)),
        .MemberId = {NULL, -1}, .MemberEpoch = -1, .TopicsCnt = -1};
    g->m.of = (struct kr_OffsetFetchRequest){
        .GroupId = g->of_group.GroupId, .TopicsCnt = -1, .GroupsCnt = 1,
        .Groups = &g->of_group, .RequireStable = false};
    g->call.req.msg = &g->m.of;
    g->call.req.min_ver = 8; /* one group per request, v8+ layout */
    g->call.req.max_ver = 9; /* v10 names topics by id */
    if (!g->of_group.GroupId.ptr) {
        gcall_abort(g);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    es[0] = '\0';
    err = gcall_run(a, g, until, es, sizeof es);
    if (!err && g->out_err)
        err = g->out_err;
    if (!err) {
        d->offsets = g->out;
        d->offset_cnt = g->out_cnt;
        if (!arenas_take(&gd->arenas, &g->mem)) {
            kr_call_release(&g->call);
            return KRAFKA_ERR_LOCAL_NOMEM;
        }
    }
    kr_call_release(&g->call);
    if (err) {
        desc_fail(gd, d, err, "OffsetFetch", es);
        return KRAFKA_ERR_NONE;
    }
    krafka_group_offset_t *offs = (krafka_group_offset_t *)d->offsets;
    if (d->offset_cnt)
        qsort(offs, d->offset_cnt, sizeof *offs, offset_cmp);
    fill_lag(a, offs, d->offset_cnt, until);
    return KRAFKA_ERR_NONE;
}

krafka_err_t krafka_admin_describe_groups(krafka_admin_t *a,
                                          const char *const *groups,
                                          size_t cnt, int timeout_ms,
                                          krafka_group_descriptions_t **out,
                                          char *errstr, size_t errstr_size)
{
    if (out)
        *out = NULL;
    if (!a || !out || !groups || cnt == 0 || cnt > 10000) {
        set_err(errstr, errstr_size, "%s%s", "1..10000 groups and an out ",
                "pointer are required");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    for (size_t i = 0; i < cnt; i++)
        if (!groups[i] || !groups[i][0]) {
            set_err(errstr, errstr_size, "%s%s", "a group id is empty", "");
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
        }
    int64_t until = kr_now_us() + (int64_t)(timeout_ms < 0 ? 60000
                                                            : timeout_ms) *
                                      1000;
    struct group_desc_impl *gd = calloc(1, sizeof *gd);
    if (!gd)
        return KRAFKA_ERR_LOCAL_NOMEM;
    kr_arena_init(&gd->strs, KR_ARENA_MAX_DEFAULT);
    gd->groups = calloc(cnt, sizeof *gd->groups);
    krafka_err_t err = gd->groups ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0; i < cnt && !err; i++) {
        krafka_group_description_t *d = &gd->groups[i];
        *d = (krafka_group_description_t){
            .group_id = acstr(&gd->strs, groups[i]), .errstr = "",
            .state = "", .protocol_type = "", .protocol = "",
            .coordinator_id = -1};
        if (!d->group_id)
            err = KRAFKA_ERR_LOCAL_NOMEM;
        else
            err = describe_one(a, gd, d, until);
    }
    if (err) {
        krafka_group_descriptions_destroy(&gd->pub);
        return err;
    }
    gd->pub.groups = gd->groups;
    gd->pub.group_cnt = cnt;
    *out = &gd->pub;
    return KRAFKA_ERR_NONE;
}
