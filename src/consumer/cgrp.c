/*
 * The consumer group, classic protocol (see cgrp.h).
 *
 *   IDLE --subscribe--> JOIN (JoinGroup; the leader assigns) --> SYNC
 *   (SyncGroup) --> STABLE (Heartbeat every heartbeat.interval.ms)
 *   STABLE --rebalance needed--> [eager: REVOKE everything first] --> JOIN
 *
 * Rebalance events go to the application's poll thread; the state machine
 * waits (WAIT_APP) until poll has served them. Cooperative-sticky
 * (KIP-429): the assignment is incremental; partitions that move are
 * revoked, then the member rejoins so they can be given away.
 */
#include "consumer/cgrp.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consumer/assignor.h"
#include "protocol/api_findcoordinator.h"
#include "protocol/api_heartbeat.h"
#include "protocol/api_joingroup.h"
#include "protocol/api_leavegroup.h"
#include "protocol/api_syncgroup.h"
#include "util/time.h"

enum cg_state {
    CG_IDLE,     /* no subscription (or left) */
    CG_JOIN,     /* JoinGroup to send or in flight */
    CG_SYNC,     /* SyncGroup in flight */
    CG_STABLE,   /* member of a generation */
    CG_CLOSED,   /* left for good */
};

#define MAX_ASSIGNORS 4

struct kr_cgrp {
    struct krafka_consumer *k;       /* borrowed: the owner */
    _Atomic int32_t coord;           /* coordinator node id; -1 unknown */
    /* Guarded by k->lock. */
    char **topics;                   /* owned: the subscription */
    size_t topic_cnt;
    regex_t *res;                    /* owned: compiled '^' patterns */
    size_t re_cnt;
    bool sub_changed;                /* rejoin with the new subscription */
    char member_id[256];
    char instance_id[256];
    int32_t generation;
    bool stable;                     /* commits may use the identity */
    uint32_t rb_seq;                 /* rebalance events posted */
    uint32_t rb_done;                /* ...and served by poll */
    int64_t rb_start_us;             /* first JoinGroup of a rebalance */
    bool closing;                    /* close asked */
    bool closed;                     /* close done */
    bool poll_expired;               /* left: max.poll.interval.ms */
    int64_t last_poll_us;
    uint64_t sub_hash;               /* of the regex-matched topics */
    uint64_t polls_seen;             /* k->polls at the last check */
    /* I/O thread: the leader's view of the topics it assigned, to rejoin
     * when a partition count changes. */
    char **lead_topics;              /* owned */
    int32_t *lead_cnts;              /* owned */
    int32_t lead_n;
    /* I/O thread only. */
    enum cg_state state;
    bool finding;                    /* FindCoordinator in flight */
    bool inflight;                   /* Join/Sync/Leave in flight */
    bool hb_inflight;
    bool rejoin;                     /* rejoin when the app is done */
    bool leave_pending;              /* send LeaveGroup next */
    const char *leave_reason;        /* static string */
    bool closing_io;                 /* copies of the locked fields */
    size_t topic_cnt_io, re_cnt_io;
    int64_t hb_ok_us;                /* last heartbeat answered */
    bool hb_quiet;                   /* no answer for session.timeout.ms:
                                      * the coordinator was looked up */
    const struct kr_assignor *assignors[MAX_ASSIGNORS];
    int assignor_cnt;
    const struct kr_assignor *proto; /* the generation's */
    struct kr_cp_topic *owned;       /* owned: the current assignment */
    int32_t owned_cnt;
    struct kr_timer timer;           /* retries, heartbeats */
    struct kr_timer hb_timer;
    struct kr_timer commit_timer;    /* enable.auto.commit */
};

static void cg_run(struct kr_cgrp *g);

/* ---- owned assignment helpers ---- */

static void topics_free(struct kr_cp_topic *t, int32_t n)
{
    for (int32_t i = 0; i < n; i++) {
        free(t[i].topic);
        free(t[i].partitions);
    }
    free(t);
}

static bool tp_in(const struct kr_cp_topic *t, int32_t n, const char *topic,
                  int32_t p)
{
    for (int32_t i = 0; i < n; i++) {
        if (strcmp(t[i].topic, topic) != 0)
            continue;
        for (int32_t j = 0; j < t[i].partition_cnt; j++)
            if (t[i].partitions[j] == p)
                return true;
    }
    return false;
}

/* The partitions of @a not in @b, as a list (NULL on no memory). */
static krafka_tp_list_t *tp_minus(const struct kr_cp_topic *a, int32_t an,
                                  const struct kr_cp_topic *b, int32_t bn)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    for (int32_t i = 0; l && i < an; i++)
        for (int32_t j = 0; j < a[i].partition_cnt; j++)
            if (!tp_in(b, bn, a[i].topic, a[i].partitions[j]) &&
                !krafka_tp_list_add(l, a[i].topic, a[i].partitions[j])) {
                krafka_tp_list_destroy(l);
                return NULL;
            }
    return l;
}

/* Removes the partitions of @l from g->owned. */
static void owned_remove(struct kr_cgrp *g, const krafka_tp_list_t *l)
{
    for (int32_t i = 0; i < g->owned_cnt; i++) {
        struct kr_cp_topic *t = &g->owned[i];
        int32_t w = 0;
        for (int32_t j = 0; j < t->partition_cnt; j++)
            if (!krafka_tp_list_find(l, t->topic, t->partitions[j]))
                t->partitions[w++] = t->partitions[j];
        t->partition_cnt = w;
    }
}

static int32_t owned_total(const struct kr_cgrp *g)
{
    int32_t n = 0;
    for (int32_t i = 0; i < g->owned_cnt; i++)
        n += g->owned[i].partition_cnt;
    return n;
}

/* ---- rebalance events ---- */

/* Posts a rebalance event for poll. Thread: io. */
static void post_rebalance(struct kr_cgrp *g, krafka_rebalance_t ev,
                           krafka_tp_list_t *tps)
{
    struct krafka_consumer *k = g->k;
    struct kr_qitem *it = calloc(1, sizeof *it);
    if (!it) {
        krafka_tp_list_destroy(tps);
        return;
    }
    it->type = KR_QI_REBALANCE;
    it->rb_event = ev;
    it->tps = tps;
    pthread_mutex_lock(&k->lock);
    /* Lost partitions belong to another member already: what is queued
     * or in flight for them is dropped and fetching stops now, not when
     * the application gets to the event. */
    for (size_t i = 0; ev == KRAFKA_REBALANCE_LOST && tps && i < tps->cnt;
         i++) {
        struct kr_toppar *tp = kr_cons_find_locked(k, tps->elems[i].topic,
                                                   tps->elems[i].partition);
        if (tp) {
            atomic_fetch_add(&tp->version, 1);
            tp->state = KR_TP_STOPPED;
        }
    }
    it->rb_gen = ++g->rb_seq;
    /* poll may free the item as soon as the lock is released */
    size_t cnt = tps ? tps->cnt : 0;
    kr_cons_enqueue_locked(k, it);
    pthread_mutex_unlock(&k->lock);
    kr_dbg(&k->c->log, KR_DBG_CGRP, "REBALANCE", "%s %zu partition(s)",
           ev == KRAFKA_REBALANCE_ASSIGNED  ? "assign"
           : ev == KRAFKA_REBALANCE_REVOKED ? "revoke"
                                            : "lose",
           cnt);
}

static bool app_busy(struct kr_cgrp *g)
{
    pthread_mutex_lock(&g->k->lock);
    bool busy = g->rb_done != g->rb_seq;
    pthread_mutex_unlock(&g->k->lock);
    return busy;
}

static krafka_tp_list_t *owned_list(struct kr_cgrp *g)
{
    return tp_minus(g->owned, g->owned_cnt, NULL, 0);
}

/* Gives up the whole assignment (eager rebalance, close): REVOKED, or
 * LOST when the generation is gone. */
static void revoke_all(struct kr_cgrp *g, krafka_rebalance_t ev)
{
    if (owned_total(g) > 0)
        post_rebalance(g, ev, owned_list(g));
    topics_free(g->owned, g->owned_cnt);
    g->owned = NULL;
    g->owned_cnt = 0;
}

void kr_cgrp_apply_rebalance(struct krafka_consumer *k, struct kr_qitem *it)
{
    krafka_rebalance_cb cb = k->conf->rebalance_cb;
    if (it->rb_event == KRAFKA_REBALANCE_ASSIGNED) {
        kr_cons_assign(k, it->tps, 1);
        if (cb)
            cb(k, it->rb_event, it->tps, k->conf->opaque);
        return;
    }
    if (cb)
        cb(k, it->rb_event, it->tps, k->conf->opaque);
    if (it->rb_event == KRAFKA_REBALANCE_REVOKED &&
        k->conf->enable_auto_commit) {
        krafka_tp_list_t *l = kr_cons_stored_offsets(k, it->tps);
        if (l && l->cnt > 0)
            kr_commit(k, l, false, k->conf->request_timeout_ms);
        krafka_tp_list_destroy(l);
    }
    kr_cons_assign(k, it->tps, -1);
}

void kr_cgrp_rebalance_done(struct krafka_consumer *k, uint32_t rb_gen)
{
    pthread_mutex_lock(&k->lock);
    if ((int32_t)(rb_gen - k->cg->rb_done) > 0)
        k->cg->rb_done = rb_gen;
    pthread_cond_broadcast(&k->cond);
    pthread_mutex_unlock(&k->lock);
    kr_loop_wake(&k->c->loop);
}

/* ---- coordinator ---- */

int32_t kr_cgrp_coordinator(struct kr_cgrp *g)
{
    return g ? atomic_load(&g->coord) : -1;
}

static void retry_in(struct kr_cgrp *g, int ms)
{
    int64_t due = kr_now_us() + (int64_t)ms * 1000;
    if (!kr_timer_armed(&g->timer) || g->timer.due_us > due)
        kr_timer_at(&g->k->c->loop, &g->timer, due);
}

struct cg_req {
    struct kr_req req;
    struct kr_cgrp *g;
    union {
        struct kr_FindCoordinatorRequest fc;
        struct kr_JoinGroupRequest jg;
        struct kr_SyncGroupRequest sg;
        struct kr_HeartbeatRequest hb;
        struct kr_LeaveGroupRequest lg;
    } m;
    struct kr_str key;
    struct kr_JoinGroupRequestProtocol protos[MAX_ASSIGNORS];
    struct kr_buf meta[MAX_ASSIGNORS];
    struct kr_SyncGroupRequestAssignment *assigns;
    struct kr_buf *abufs;
    int32_t assign_cnt;
    struct kr_LeaveGroupRequestMemberIdentity leaver;
    char member_id[256];
};

static void cg_req_free(struct cg_req *r)
{
    for (int i = 0; i < MAX_ASSIGNORS; i++)
        kr_buf_free(&r->meta[i]);
    for (int32_t i = 0; i < r->assign_cnt; i++)
        kr_buf_free(&r->abufs[i]);
    free(r->abufs);
    free(r->assigns);
    free(r);
}

static struct cg_req *cg_req_new(struct kr_cgrp *g, const struct kr_api *api,
                                 kr_req_done_fn done)
{
    struct cg_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->g = g;
    for (int i = 0; i < MAX_ASSIGNORS; i++)
        kr_buf_init(&r->meta[i], (size_t)1 << 24);
    r->req = (struct kr_req){
        .api = api,
        .msg = &r->m,
        .broker_id = atomic_load(&g->coord),
        .deadline_us = kr_now_us() +
                       (int64_t)g->k->conf->request_timeout_ms * 1000,
        .fail_fast = true,
        .done = done};
    return r;
}

void kr_cgrp_coordinator_dead(struct krafka_consumer *k, int32_t node,
                              const char *why)
{
    struct kr_cgrp *g = k->cg;
    if (!g)
        return;
    int32_t old = node;
    if (node < 0)
        old = atomic_exchange(&g->coord, -1);
    else if (!atomic_compare_exchange_strong(&g->coord, &old, -1))
        return;
    if (old >= 0)
        kr_log(&k->c->log, KRAFKA_LOG_INFO, "COORD",
               "group %s: coordinator %d lost (%s): looking it up again",
               k->conf->group_id, (int)old, why);
    kr_loop_wake(&k->c->loop);
}

static bool coord_err(krafka_err_t err)
{
    return err == KRAFKA_ERR_NOT_COORDINATOR ||
           err == KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == KRAFKA_ERR_LOCAL_TRANSPORT ||
           err == KRAFKA_ERR_LOCAL_TIMED_OUT;
}

static void find_done(struct kr_client *c, struct kr_req *rq,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v)
{
    struct cg_req *r = (struct cg_req *)rq;
    struct kr_cgrp *g = r->g;
    const struct kr_FindCoordinatorResponse *res = resp;
    g->finding = false;
    int32_t node = -1;
    const char *host = NULL;
    int hlen = 0, port = 0;
    if (!err && v >= 4 && res->CoordinatorsCnt == 1) {
        const struct kr_FindCoordinatorResponseCoordinator *co =
            &res->Coordinators[0];
        err = (krafka_err_t)co->ErrorCode;
        node = co->NodeId;
        host = co->Host.ptr;
        hlen = co->Host.len;
        port = co->Port;
    } else if (!err && v < 4) {
        err = (krafka_err_t)res->ErrorCode;
        node = res->NodeId;
        host = res->Host.ptr;
        hlen = res->Host.len;
        port = res->Port;
    } else if (!err) {
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    }
    if (!err && (node < 0 || hlen <= 0 || hlen > 255))
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    if (err) {
        if (err != KRAFKA_ERR_LOCAL_DESTROY) {
            kr_dbg(&c->log, KR_DBG_CGRP, "COORD",
                   "FindCoordinator failed: %s", errstr ? errstr : "");
            retry_in(g, 500);
        }
        cg_req_free(r);
        return;
    }
    char h[256];
    memcpy(h, host, (size_t)hlen);
    h[hlen] = '\0';
    kr_client_broker(c, node, h, port);
    atomic_store(&g->coord, node);
    kr_dbg(&c->log, KR_DBG_CGRP, "COORD", "group %s: coordinator %d (%s:%d)",
           g->k->conf->group_id, (int)node, h, port);
    cg_req_free(r);
    kr_fetcher_run(g->k); /* committed offsets may be waiting */
    cg_run(g);
}

static void find_coordinator(struct kr_cgrp *g)
{
    struct cg_req *r = cg_req_new(g, &kr_api_FindCoordinator, find_done);
    if (!r)
        return;
    g->finding = true;
    r->key = kr_str_c(g->k->conf->group_id);
    r->m.fc = (struct kr_FindCoordinatorRequest){
        .Key = r->key, .KeyType = 0, .CoordinatorKeysCnt = 1,
        .CoordinatorKeys = &r->key};
    r->req.broker_id = KR_BROKER_ANY;
    r->req.retry_transport = true;
    kr_client_send(g->k->c, &r->req);
}

/* ---- join ---- */

static void reset_member(struct kr_cgrp *g, bool lose)
{
    pthread_mutex_lock(&g->k->lock);
    g->generation = -1;
    g->stable = false;
    if (lose)
        g->member_id[0] = '\0';
    pthread_mutex_unlock(&g->k->lock);
}

static void join_done(struct kr_client *c, struct kr_req *rq,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v);

/* Topics of the subscription matched against @topic. Lock held. */
static bool subscribed_locked(const struct kr_cgrp *g, const char *topic)
{
    for (size_t i = 0; i < g->topic_cnt; i++)
        if (g->topics[i][0] != '^' && strcmp(g->topics[i], topic) == 0)
            return true;
    for (size_t i = 0; i < g->re_cnt; i++)
        if (regexec(&g->res[i], topic, 0, NULL, 0) == 0)
            return true;
    return false;
}

/* The concrete topics subscribed to: names, and regex matches among the
 * metadata's topics. Lock held. */
static char **sub_topics_locked(struct kr_cgrp *g, int32_t *cnt)
{
    struct kr_md *md = &g->k->c->md;
    size_t cap = g->topic_cnt + 1;
    pthread_mutex_lock(&md->lock);
    cap += md->topic_cnt;
    char **out = calloc(cap, sizeof *out);
    int32_t n = 0;
    for (size_t i = 0; out && i < g->topic_cnt; i++)
        if (g->topics[i][0] != '^')
            out[n++] = g->topics[i];
    for (size_t i = 0; out && g->re_cnt && i < md->topic_cnt; i++) {
        const char *t = md->topics[i].name;
        bool dup = false;
        for (int32_t j = 0; j < n && !dup; j++)
            dup = strcmp(out[j], t) == 0;
        if (!dup && subscribed_locked(g, t) && strncmp(t, "__", 2) != 0)
            out[n++] = md->topics[i].name;
    }
    pthread_mutex_unlock(&md->lock);
    *cnt = n;
    return out;
}

static uint64_t names_hash(char **t, int32_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (int32_t i = 0; t && i < n; i++)
        for (const char *p = t[i]; *p; p++)
            h = (h ^ (uint8_t)*p) * 1099511628211ull + (uint64_t)i;
    return h;
}

static void lead_forget(struct kr_cgrp *g)
{
    for (int32_t i = 0; i < g->lead_n; i++)
        free(g->lead_topics[i]);
    free(g->lead_topics);
    free(g->lead_cnts);
    g->lead_topics = NULL;
    g->lead_cnts = NULL;
    g->lead_n = 0;
}

/* The leader keeps the partition counts it assigned with. */
static void lead_remember(struct kr_cgrp *g, const struct kr_assign_topic *t,
                          int32_t n)
{
    lead_forget(g);
    g->lead_topics = calloc((size_t)n + 1, sizeof *g->lead_topics);
    g->lead_cnts = calloc((size_t)n + 1, sizeof *g->lead_cnts);
    if (!g->lead_topics || !g->lead_cnts) {
        lead_forget(g);
        return;
    }
    for (int32_t i = 0; i < n; i++)
        if ((g->lead_topics[g->lead_n] = strdup(t[i].topic)))
            g->lead_cnts[g->lead_n++] = t[i].partition_cnt;
}

static bool join_build(struct kr_cgrp *g, struct cg_req *r)
{
    struct krafka_consumer *k = g->k;
    int32_t tcnt = 0;
    pthread_mutex_lock(&k->lock);
    char **topics = sub_topics_locked(g, &tcnt);
    snprintf(r->member_id, sizeof r->member_id, "%s", g->member_id);
    g->sub_changed = false;
    g->sub_hash = names_hash(topics, tcnt);
    pthread_mutex_unlock(&k->lock);
    if (!topics)
        return false;
    for (int i = 0; i < g->assignor_cnt; i++) {
        const struct kr_assignor *a = g->assignors[i];
        struct kr_buf ud;
        kr_buf_init(&ud, (size_t)1 << 24);
        bool coop = a->cooperative;
        if (a->user_data)
            a->user_data(&ud, g->owned, g->owned_cnt, g->generation);
        struct kr_cp_subscription s = {
            .topics = topics, .topic_cnt = tcnt,
            .user_data = a->user_data ? ud.data : NULL,
            .user_data_len = a->user_data ? (int32_t)ud.len : -1,
            .owned = coop ? g->owned : NULL,
            .owned_cnt = coop ? g->owned_cnt : 0,
            .generation_id = coop ? g->generation : -1,
            .rack_id = k->conf->client_rack};
        bool ok = kr_cp_subscription_write(&r->meta[i], &s, 3);
        kr_buf_free(&ud);
        if (!ok) {
            free(topics);
            return false;
        }
        r->protos[i] = (struct kr_JoinGroupRequestProtocol){
            .Name = kr_str_c(a->name),
            .Metadata = {r->meta[i].data, (int32_t)r->meta[i].len}};
    }
    /* the subscription names are borrowed from g->topics / the md cache
     * only while encoding: copy them into the metadata above (done) */
    free(topics);
    r->m.jg = (struct kr_JoinGroupRequest){
        .GroupId = kr_str_c(k->conf->group_id),
        .SessionTimeoutMs = k->conf->session_timeout_ms,
        .RebalanceTimeoutMs = k->conf->max_poll_interval_ms,
        .MemberId = kr_str_c(r->member_id),
        .GroupInstanceId = g->instance_id[0] ? kr_str_c(g->instance_id)
                                             : (struct kr_str){NULL, -1},
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolsCnt = g->assignor_cnt,
        .Protocols = r->protos,
        .Reason = {NULL, -1}};
    return true;
}

static void send_join(struct kr_cgrp *g)
{
    struct cg_req *r = cg_req_new(g, &kr_api_JoinGroup, join_done);
    if (!r)
        return;
    if (!join_build(g, r)) {
        cg_req_free(r);
        retry_in(g, 500);
        return;
    }
    /* The coordinator holds a JoinGroup up to the rebalance timeout. */
    int64_t now = kr_now_us();
    if (!g->rb_start_us)
        g->rb_start_us = now;
    r->req.deadline_us = now +
                         ((int64_t)g->k->conf->max_poll_interval_ms +
                          g->k->conf->request_timeout_ms) * 1000;
    g->inflight = true;
    g->state = CG_JOIN;
    kr_dbg(&g->k->c->log, KR_DBG_CGRP, "JOIN", "group %s: joining as '%s'",
           g->k->conf->group_id, r->member_id);
    kr_client_send(g->k->c, &r->req);
}

static void sync_done(struct kr_client *c, struct kr_req *rq,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v);

/* The leader's job: decode every member's subscription and assign. */
static bool leader_assign(struct kr_cgrp *g, struct cg_req *r,
                          const struct kr_JoinGroupResponse *res)
{
    int32_t n = res->MembersCnt;
    struct kr_cp_subscription *subs = calloc((size_t)n + 1, sizeof *subs);
    struct kr_assign_member *mem = calloc((size_t)n + 1, sizeof *mem);
    char **ids = calloc((size_t)n + 1, sizeof *ids);
    char **iids = calloc((size_t)n + 1, sizeof *iids);
    struct kr_assign_topic *topics = NULL;
    int32_t tcnt = 0, tcap = 0;
    bool ok = subs && mem && ids && iids;
    char errstr[256];
    for (int32_t i = 0; ok && i < n; i++) {
        const struct kr_JoinGroupResponseMember *m = &res->Members[i];
        ids[i] = strndup(m->MemberId.ptr ? m->MemberId.ptr : "",
                         m->MemberId.len > 0 ? (size_t)m->MemberId.len : 0);
        if (m->GroupInstanceId.len >= 0)
            iids[i] = strndup(m->GroupInstanceId.ptr,
                              (size_t)m->GroupInstanceId.len);
        if (kr_cp_subscription_read(&subs[i], m->Metadata.ptr,
                                    m->Metadata.len > 0
                                        ? (size_t)m->Metadata.len
                                        : 0,
                                    errstr, sizeof errstr))
            kr_log(&g->k->c->log, KRAFKA_LOG_WARNING, "ASSIGN",
                   "member %s sent a bad subscription: %s", ids[i], errstr);
        mem[i] = (struct kr_assign_member){ids[i], iids[i], &subs[i]};
        for (int32_t j = 0; j < subs[i].topic_cnt; j++) {
            bool dup = false;
            for (int32_t x = 0; x < tcnt && !dup; x++)
                dup = strcmp(topics[x].topic, subs[i].topics[j]) == 0;
            if (dup)
                continue;
            if (tcnt == tcap) {
                tcap = tcap ? tcap * 2 : 16;
                void *p = realloc(topics, (size_t)tcap * sizeof *topics);
                if (!p) {
                    ok = false;
                    break;
                }
                topics = p;
            }
            const char *t = subs[i].topics[j];
            kr_client_want_topic(g->k->c, t);
            topics[tcnt++] = (struct kr_assign_topic){
                t, kr_md_partition_cnt(g->k->c, t)};
        }
    }
    struct kr_assign_output out = {0};
    struct kr_assign_input in = {mem, n, topics, tcnt, res->GenerationId};
    if (ok)
        lead_remember(g, topics, tcnt);
    if (ok && g->proto->assign(&in, &out, errstr, sizeof errstr)) {
        kr_log(&g->k->c->log, KRAFKA_LOG_ERR, "ASSIGN",
               "assignor %s failed: %s", g->proto->name, errstr);
        ok = false;
    }
    if (ok) {
        r->assigns = calloc((size_t)n + 1, sizeof *r->assigns);
        r->abufs = calloc((size_t)n + 1, sizeof *r->abufs);
        ok = r->assigns && r->abufs;
        for (int32_t i = 0; ok && i < n; i++) {
            kr_buf_init(&r->abufs[i], (size_t)1 << 26);
            r->assign_cnt = i + 1;
            ok = kr_cp_assignment_write(&r->abufs[i], &out.assignments[i], 3);
            r->assigns[i] = (struct kr_SyncGroupRequestAssignment){
                .MemberId = kr_str_c(NULL),
                .Assignment = {r->abufs[i].data, (int32_t)r->abufs[i].len}};
            /* the member id must outlive the request: keep it in abufs'
             * owner; res->Members[i].MemberId points into the response,
             * which is gone after join_done, so copy into the buffer */
        }
        for (int32_t i = 0; ok && i < n; i++) {
            size_t off = r->abufs[i].len;
            kr_buf_write(&r->abufs[i], ids[i], strlen(ids[i]));
            r->assigns[i].Assignment.ptr = r->abufs[i].data;
            r->assigns[i].MemberId =
                (struct kr_str){(const char *)r->abufs[i].data + off,
                                (int32_t)strlen(ids[i])};
        }
    }
    kr_assign_output_free(&out);
    for (int32_t i = 0; i < n; i++) {
        if (subs)
            kr_cp_subscription_free(&subs[i]);
        if (ids)
            free(ids[i]);
        if (iids)
            free(iids[i]);
    }
    free(subs);
    free(mem);
    free(ids);
    free(iids);
    free(topics);
    return ok;
}

static const struct kr_assignor *find_proto(struct kr_cgrp *g,
                                            struct kr_str name)
{
    for (int i = 0; i < g->assignor_cnt; i++)
        if (kr_str_eq(name, g->assignors[i]->name))
            return g->assignors[i];
    return NULL;
}

static void join_error(struct kr_cgrp *g, int32_t node, krafka_err_t err,
                       const char *errstr, const char *what)
{
    struct krafka_consumer *k = g->k;
    kr_log(&k->c->log, KRAFKA_LOG_INFO, "JOIN", "group %s: %s failed: %s",
           k->conf->group_id, what, errstr ? errstr : krafka_err2str(err));
    g->state = CG_JOIN;
    if (coord_err(err)) {
        kr_cgrp_coordinator_dead(k, node, what);
        retry_in(g, 100);
    } else if (err == KRAFKA_ERR_UNKNOWN_MEMBER_ID ||
               err == KRAFKA_ERR_ILLEGAL_GENERATION) {
        reset_member(g, err == KRAFKA_ERR_UNKNOWN_MEMBER_ID);
        revoke_all(g, KRAFKA_REBALANCE_LOST);
        retry_in(g, 0);
    } else if (err == KRAFKA_ERR_REBALANCE_IN_PROGRESS) {
        retry_in(g, 0);
    } else if (err == KRAFKA_ERR_FENCED_INSTANCE_ID ||
               err == KRAFKA_ERR_GROUP_AUTHORIZATION_FAILED ||
               err == KRAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL ||
               err == KRAFKA_ERR_INVALID_SESSION_TIMEOUT ||
               err == KRAFKA_ERR_GROUP_MAX_SIZE_REACHED) {
        struct kr_qitem *ev = kr_cons_event(
            NULL, err, -1, "group %s: %s failed: %s", k->conf->group_id,
            what, krafka_err2str(err));
        if (ev)
            kr_cons_enqueue(k, ev);
        retry_in(g, k->conf->session_timeout_ms);
    } else {
        retry_in(g, 1000);
    }
}

static void join_done(struct kr_client *c, struct kr_req *rq,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v)
{
    (void)c;
    (void)v;
    struct cg_req *r = (struct cg_req *)rq;
    struct kr_cgrp *g = r->g;
    struct krafka_consumer *k = g->k;
    const struct kr_JoinGroupResponse *res = resp;
    g->inflight = false;
    if (!err)
        err = (krafka_err_t)res->ErrorCode;
    if (err == KRAFKA_ERR_LOCAL_DESTROY) {
        cg_req_free(r);
        return;
    }
    if (err == KRAFKA_ERR_MEMBER_ID_REQUIRED) {
        pthread_mutex_lock(&k->lock);
        snprintf(g->member_id, sizeof g->member_id, "%.*s",
                 res->MemberId.len > 0 ? (int)res->MemberId.len : 0,
                 res->MemberId.ptr ? res->MemberId.ptr : "");
        pthread_mutex_unlock(&k->lock);
        cg_req_free(r);
        send_join(g);
        return;
    }
    const struct kr_assignor *proto =
        err ? NULL : find_proto(g, res->ProtocolName);
    if (!err && !proto)
        err = KRAFKA_ERR_INCONSISTENT_GROUP_PROTOCOL;
    if (err || g->closing_io) {
        if (!err)
            err = KRAFKA_ERR_LOCAL_DESTROY;
        int32_t node = r->req.broker_id;
        cg_req_free(r);
        if (err != KRAFKA_ERR_LOCAL_DESTROY)
            join_error(g, node, err, errstr, "JoinGroup");
        else
            cg_run(g);
        return;
    }
    pthread_mutex_lock(&k->lock);
    g->generation = res->GenerationId;
    snprintf(g->member_id, sizeof g->member_id, "%.*s",
             res->MemberId.len > 0 ? (int)res->MemberId.len : 0,
             res->MemberId.ptr ? res->MemberId.ptr : "");
    pthread_mutex_unlock(&k->lock);
    g->proto = proto;
    bool leader = kr_str_eq(res->Leader, g->member_id) &&
                  !res->SkipAssignment;
    kr_dbg(&c->log, KR_DBG_CGRP, "JOIN",
           "group %s: generation %d, member %s, protocol %s%s",
           k->conf->group_id, (int)res->GenerationId, g->member_id,
           proto->name, leader ? ", leader" : "");
    struct cg_req *s = cg_req_new(g, &kr_api_SyncGroup, sync_done);
    if (!leader)
        lead_forget(g);
    if (!s || (leader && !leader_assign(g, s, res))) {
        if (s)
            cg_req_free(s);
        cg_req_free(r);
        join_error(g, -1, KRAFKA_ERR_LOCAL_NOMEM, NULL, "assignment");
        return;
    }
    cg_req_free(r);
    snprintf(s->member_id, sizeof s->member_id, "%s", g->member_id);
    s->m.sg = (struct kr_SyncGroupRequest){
        .GroupId = kr_str_c(k->conf->group_id),
        .GenerationId = g->generation,
        .MemberId = kr_str_c(s->member_id),
        .GroupInstanceId = g->instance_id[0] ? kr_str_c(g->instance_id)
                                             : (struct kr_str){NULL, -1},
        .ProtocolType = kr_str_c("consumer"),
        .ProtocolName = kr_str_c(proto->name),
        .AssignmentsCnt = s->assign_cnt,
        .Assignments = s->assigns};
    s->req.deadline_us = kr_now_us() +
                         ((int64_t)k->conf->max_poll_interval_ms +
                          k->conf->request_timeout_ms) * 1000;
    g->inflight = true;
    g->state = CG_SYNC;
    kr_client_send(c, &s->req);
}

/* ---- sync ---- */

static void sync_assignment(struct kr_cgrp *g, const struct kr_cp_assignment *a)
{
    struct krafka_consumer *k = g->k;
    if (g->proto->cooperative) {
        krafka_tp_list_t *revoked =
            tp_minus(g->owned, g->owned_cnt, a->topics, a->topic_cnt);
        krafka_tp_list_t *added =
            tp_minus(a->topics, a->topic_cnt, g->owned, g->owned_cnt);
        if (revoked && revoked->cnt > 0) {
            owned_remove(g, revoked);
            post_rebalance(g, KRAFKA_REBALANCE_REVOKED, revoked);
            g->rejoin = true; /* so the revoked ones can move */
        } else {
            krafka_tp_list_destroy(revoked);
        }
        if (added)
            post_rebalance(g, KRAFKA_REBALANCE_ASSIGNED, added);
    } else {
        krafka_tp_list_t *added = tp_minus(a->topics, a->topic_cnt, NULL, 0);
        if (added)
            post_rebalance(g, KRAFKA_REBALANCE_ASSIGNED, added);
    }
    /* g->owned becomes the new assignment */
    topics_free(g->owned, g->owned_cnt);
    g->owned = calloc((size_t)a->topic_cnt + 1, sizeof *g->owned);
    g->owned_cnt = 0;
    for (int32_t i = 0; g->owned && i < a->topic_cnt; i++) {
        struct kr_cp_topic *t = &g->owned[g->owned_cnt];
        t->topic = strdup(a->topics[i].topic);
        t->partitions =
            calloc((size_t)a->topics[i].partition_cnt + 1, sizeof(int32_t));
        if (!t->topic || !t->partitions) {
            free(t->topic);
            free(t->partitions);
            continue;
        }
        memcpy(t->partitions, a->topics[i].partitions,
               (size_t)a->topics[i].partition_cnt * sizeof(int32_t));
        t->partition_cnt = a->topics[i].partition_cnt;
        g->owned_cnt++;
    }
    (void)k;
}

static void hb_schedule(struct kr_cgrp *g)
{
    kr_timer_after_ms(&g->k->c->loop, &g->hb_timer,
                      g->k->conf->heartbeat_interval_ms);
}

static void sync_done(struct kr_client *c, struct kr_req *rq,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v)
{
    (void)v;
    struct cg_req *r = (struct cg_req *)rq;
    struct kr_cgrp *g = r->g;
    struct krafka_consumer *k = g->k;
    const struct kr_SyncGroupResponse *res = resp;
    g->inflight = false;
    if (!err)
        err = (krafka_err_t)res->ErrorCode;
    if (err == KRAFKA_ERR_LOCAL_DESTROY) {
        cg_req_free(r);
        return;
    }
    struct kr_cp_assignment a = {0};
    char why[256] = "";
    if (!err && kr_cp_assignment_read(&a, res->Assignment.ptr,
                                      res->Assignment.len > 0
                                          ? (size_t)res->Assignment.len
                                          : 0,
                                      why, sizeof why)) {
        kr_log(&c->log, KRAFKA_LOG_ERR, "SYNC", "bad assignment: %s", why);
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    }
    int32_t node = r->req.broker_id;
    cg_req_free(r);
    if (err) {
        join_error(g, node, err, errstr, "SyncGroup");
        return;
    }
    sync_assignment(g, &a);
    kr_cp_assignment_free(&a);
    pthread_mutex_lock(&k->lock);
    g->stable = true;
    pthread_mutex_unlock(&k->lock);
    g->state = CG_STABLE;
    g->hb_ok_us = kr_now_us();
    g->hb_quiet = false;
    kr_m_inc(k->m.rebalances);
    if (g->rb_start_us)
        kr_m_rec(k->m.rebalance_duration, g->hb_ok_us - g->rb_start_us);
    g->rb_start_us = 0;
    kr_log(&c->log, KRAFKA_LOG_INFO, "SYNC",
           "group %s: generation %d: %d partition(s) assigned (%s)",
           k->conf->group_id, (int)g->generation, (int)owned_total(g),
           g->proto->name);
    hb_schedule(g);
    cg_run(g);
}

/* ---- heartbeat ---- */

static void hb_done(struct kr_client *c, struct kr_req *rq, krafka_err_t err,
                    const char *errstr, const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct cg_req *r = (struct cg_req *)rq;
    struct kr_cgrp *g = r->g;
    const struct kr_HeartbeatResponse *res = resp;
    g->hb_inflight = false;
    if (!err)
        err = (krafka_err_t)res->ErrorCode;
    int32_t node = r->req.broker_id;
    cg_req_free(r);
    if (err == KRAFKA_ERR_LOCAL_DESTROY)
        return;
    if (!err) {
        g->hb_ok_us = kr_now_us();
        g->hb_quiet = false;
    } else if (g->state == CG_STABLE) {
        kr_dbg(&g->k->c->log, KR_DBG_CGRP, "HEARTBEAT",
               "group %s: heartbeat: %s", g->k->conf->group_id,
               errstr ? errstr : krafka_err2str(err));
        if (err == KRAFKA_ERR_REBALANCE_IN_PROGRESS) {
            g->rejoin = true;
        } else if (err == KRAFKA_ERR_UNKNOWN_MEMBER_ID ||
                   err == KRAFKA_ERR_ILLEGAL_GENERATION ||
                   err == KRAFKA_ERR_FENCED_INSTANCE_ID) {
            reset_member(g, err != KRAFKA_ERR_ILLEGAL_GENERATION);
            revoke_all(g, KRAFKA_REBALANCE_LOST);
            g->state = CG_JOIN;
        } else if (coord_err(err)) {
            kr_cgrp_coordinator_dead(g->k, node, "heartbeat");
        }
    }
    cg_run(g);
}

static void send_heartbeat(struct kr_cgrp *g)
{
    struct cg_req *r = cg_req_new(g, &kr_api_Heartbeat, hb_done);
    if (!r)
        return;
    pthread_mutex_lock(&g->k->lock);
    snprintf(r->member_id, sizeof r->member_id, "%s", g->member_id);
    int32_t gen = g->generation;
    pthread_mutex_unlock(&g->k->lock);
    r->m.hb = (struct kr_HeartbeatRequest){
        .GroupId = kr_str_c(g->k->conf->group_id),
        .GenerationId = gen,
        .MemberId = kr_str_c(r->member_id),
        .GroupInstanceId = g->instance_id[0] ? kr_str_c(g->instance_id)
                                             : (struct kr_str){NULL, -1}};
    g->hb_inflight = true;
    kr_client_send(g->k->c, &r->req);
}

/* ---- leave ---- */

static void leave_done(struct kr_client *c, struct kr_req *rq,
                       krafka_err_t err, const char *errstr, const void *resp,
                       int16_t v)
{
    (void)c;
    (void)resp;
    (void)v;
    struct cg_req *r = (struct cg_req *)rq;
    struct kr_cgrp *g = r->g;
    if (err && err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_dbg(&g->k->c->log, KR_DBG_CGRP, "LEAVE", "LeaveGroup: %s", errstr);
    g->inflight = false;
    cg_req_free(r);
    if (err != KRAFKA_ERR_LOCAL_DESTROY)
        cg_run(g);
}

static void send_leave(struct kr_cgrp *g, const char *reason)
{
    struct cg_req *r = cg_req_new(g, &kr_api_LeaveGroup, leave_done);
    if (!r)
        return;
    pthread_mutex_lock(&g->k->lock);
    snprintf(r->member_id, sizeof r->member_id, "%s", g->member_id);
    pthread_mutex_unlock(&g->k->lock);
    r->leaver = (struct kr_LeaveGroupRequestMemberIdentity){
        .MemberId = kr_str_c(r->member_id),
        .GroupInstanceId = {NULL, -1},
        .Reason = kr_str_c(reason)};
    r->m.lg = (struct kr_LeaveGroupRequest){
        .GroupId = kr_str_c(g->k->conf->group_id),
        .MemberId = kr_str_c(r->member_id),
        .MembersCnt = 1,
        .Members = &r->leaver};
    g->inflight = true;
    kr_client_send(g->k->c, &r->req);
    reset_member(g, true);
}

/* ---- the state machine (I/O thread) ---- */

static bool want_member(struct kr_cgrp *g, bool *changed, bool *expired)
{
    pthread_mutex_lock(&g->k->lock);
    bool want = g->topic_cnt > 0 && !g->closing && !g->poll_expired;
    *changed = g->sub_changed;
    *expired = g->poll_expired;
    pthread_mutex_unlock(&g->k->lock);
    return want;
}

/* Leaves the generation: REVOKED (LOST when @expired: the member leaves
 * without waiting for the application, so commits would fail), then
 * LeaveGroup unless static. */
static void leave_generation(struct kr_cgrp *g, const char *reason,
                             bool expired)
{
    if (g->state == CG_STABLE || g->state == CG_SYNC || g->owned_cnt) {
        revoke_all(g, expired ? KRAFKA_REBALANCE_LOST
                              : KRAFKA_REBALANCE_REVOKED);
        if (!g->instance_id[0] && g->member_id[0])
            g->leave_pending = true;
        g->leave_reason = reason;
    }
    g->state = CG_IDLE;
}

static void cg_run(struct kr_cgrp *g)
{
    struct krafka_consumer *k = g->k;
    if (g->state == CG_CLOSED)
        return;
    bool changed, expired;
    bool want = want_member(g, &changed, &expired);
    if (!want && g->state == CG_IDLE && !g->leave_pending &&
        !g->inflight && !app_busy(g)) {
        pthread_mutex_lock(&k->lock);
        if (g->closing && !g->closed) {
            g->closed = true;
            g->state = CG_CLOSED;
            pthread_cond_broadcast(&k->cond);
        }
        pthread_mutex_unlock(&k->lock);
        if (g->state == CG_CLOSED)
            return;
    }
    if (atomic_load(&g->coord) < 0) {
        if (!g->finding)
            find_coordinator(g);
        return;
    }
    if (g->inflight)
        return; /* a response comes back to us */
    /* A member past max.poll.interval.ms leaves now: the application,
     * which is not polling, cannot hold the group up. Otherwise the
     * REVOKED callback (and its commit) comes first. */
    if (g->leave_pending && (expired || !app_busy(g))) {
        g->leave_pending = false;
        send_leave(g, g->leave_reason);
        return;
    }
    if (app_busy(g))
        return; /* the application comes back to us */
    if (!want) {
        if (g->state != CG_IDLE)
            leave_generation(g,
                             expired ? "max.poll.interval.ms exceeded"
                                     : "unsubscribed or closing",
                             expired);
        if (g->leave_pending || app_busy(g)) {
            cg_run(g);
            return;
        }
        pthread_mutex_lock(&k->lock);
        if (g->closing && !g->closed) {
            g->closed = true;
            g->state = CG_CLOSED;
            pthread_cond_broadcast(&k->cond);
        }
        pthread_mutex_unlock(&k->lock);
        return;
    }
    if (g->state == CG_STABLE && !changed && !g->rejoin) {
        /* No heartbeat answered for session.timeout.ms: the coordinator
         * is looked up again, keeping the partitions (as Java does: a new
         * coordinator restarts every member's session when it loads the
         * group, so a failover costs no rebalance). A broker that says
         * the member is gone loses them (hb_done); so does silence for
         * twice the session timeout. */
        int64_t quiet = kr_now_us() - g->hb_ok_us,
                st = (int64_t)k->conf->session_timeout_ms * 1000;
        if (quiet > st && !g->hb_quiet) {
            g->hb_quiet = true;
            kr_cgrp_coordinator_dead(k, -1, "no heartbeat answered within "
                                        "session.timeout.ms");
            cg_run(g);
            return;
        }
        if (quiet > 2 * st) {
            kr_log(&k->c->log, KRAFKA_LOG_WARNING, "HEARTBEAT",
                   "group %s: no heartbeat answered within twice "
                   "session.timeout.ms: partitions lost",
                   k->conf->group_id);
            reset_member(g, false);
            revoke_all(g, KRAFKA_REBALANCE_LOST);
            g->state = CG_JOIN;
            return;
        }
        if (!g->hb_inflight && !kr_timer_armed(&g->hb_timer))
            hb_schedule(g);
        return;
    }
    /* (Re)join. Eager protocols give everything back first. */
    if (g->state == CG_STABLE && (!g->proto || !g->proto->cooperative) &&
        owned_total(g) > 0) {
        revoke_all(g, KRAFKA_REBALANCE_REVOKED);
        return; /* back here when the application has served it */
    }
    g->rejoin = false;
    send_join(g);
}

static void timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    cg_run(t->arg);
}

static void hb_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_cgrp *g = t->arg;
    struct krafka_consumer *k = g->k;
    int64_t now = kr_now_us();
    uint64_t polls = atomic_load(&k->polls);
    pthread_mutex_lock(&k->lock);
    if (polls != g->polls_seen) {
        g->polls_seen = polls;
        g->last_poll_us = now;
    }
    bool expired = g->topic_cnt > 0 && !g->poll_expired &&
                   now - g->last_poll_us >
                       (int64_t)k->conf->max_poll_interval_ms * 1000;
    if (expired) {
        g->poll_expired = true;
        atomic_store(&k->poll_expired, true);
    }
    pthread_mutex_unlock(&k->lock);
    if (expired) {
        kr_log(&k->c->log, KRAFKA_LOG_WARNING, "MAXPOLL",
               "group %s: the application did not poll within "
               "max.poll.interval.ms (%d ms): leaving the group",
               k->conf->group_id, (int)k->conf->max_poll_interval_ms);
        struct kr_qitem *ev = kr_cons_event(
            NULL, KRAFKA_ERR_LOCAL_MAX_POLL_EXCEEDED, -1,
            "group %s: max.poll.interval.ms exceeded: left the group; "
            "polling again rejoins",
            k->conf->group_id);
        if (ev)
            kr_cons_enqueue(k, ev);
    }
    if (g->state == CG_STABLE && !g->hb_inflight && !expired &&
        atomic_load(&g->coord) >= 0)
        send_heartbeat(g);
    if (g->state == CG_STABLE)
        hb_schedule(g);
    cg_run(g);
}

static void auto_commit_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_cgrp *g = t->arg;
    struct krafka_consumer *k = g->k;
    if (atomic_load(&g->coord) >= 0 && !g->closing_io &&
        (g->state == CG_STABLE || g->topic_cnt_io == 0)) {
        krafka_tp_list_t *l2 = kr_cons_stored_offsets(k, NULL);
        if (l2 && l2->cnt > 0)
            kr_commit(k, l2, true, 0);
        krafka_tp_list_destroy(l2);
    }
    kr_timer_after_ms(&k->c->loop, &g->commit_timer,
                      k->conf->auto_commit_interval_ms);
}

void kr_cgrp_metadata(struct krafka_consumer *k)
{
    struct kr_cgrp *g = k->cg;
    if (!g || g->state != CG_STABLE)
        return;
    /* The leader rejoins when a topic it assigned has more (or fewer)
     * partitions now, so the new ones get an owner. */
    for (int32_t i = 0; i < g->lead_n && !g->rejoin; i++) {
        int32_t cnt = kr_md_partition_cnt(k->c, g->lead_topics[i]);
        if (cnt > 0 && cnt != g->lead_cnts[i]) {
            kr_log(&k->c->log, KRAFKA_LOG_INFO, "REBALANCE",
                   "group %s: %s has %d partitions now (%d assigned): "
                   "rebalancing",
                   k->conf->group_id, g->lead_topics[i], (int)cnt,
                   (int)g->lead_cnts[i]);
            g->rejoin = true;
        }
    }
    if (g->re_cnt_io) {
        /* A regex subscription: rejoin when the set of matching topics
         * changed. */
        pthread_mutex_lock(&k->lock);
        int32_t n = 0;
        char **t = sub_topics_locked(g, &n);
        uint64_t h = names_hash(t, n);
        free(t);
        if (t && h != g->sub_hash)
            g->sub_changed = true;
        pthread_mutex_unlock(&k->lock);
    }
    cg_run(g);
}

/* Runs on the I/O thread after every wakeup. */
void kr_cgrp_wake(struct krafka_consumer *k)
{
    struct kr_cgrp *g = k->cg;
    if (!g)
        return;
    pthread_mutex_lock(&k->lock);
    g->closing_io = g->closing;
    g->topic_cnt_io = g->topic_cnt;
    g->re_cnt_io = g->re_cnt;
    pthread_mutex_unlock(&k->lock);
    if (k->conf->enable_auto_commit && !kr_timer_armed(&g->commit_timer))
        kr_timer_after_ms(&k->c->loop, &g->commit_timer,
                          k->conf->auto_commit_interval_ms);
    cg_run(g);
}

/* ---- application side ---- */

struct kr_cgrp *kr_cgrp_new(struct krafka_consumer *k)
{
    struct kr_cgrp *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->k = k;
    atomic_init(&g->coord, -1);
    g->generation = -1;
    g->state = CG_IDLE;
    if (k->conf->group_instance_id)
        snprintf(g->instance_id, sizeof g->instance_id, "%s",
                 k->conf->group_instance_id);
    const char *list = k->conf->partition_assignment_strategy
                           ? k->conf->partition_assignment_strategy
                           : "range,roundrobin";
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *s = strtok_r(buf, ", ", &save);
         s && g->assignor_cnt < MAX_ASSIGNORS; s = strtok_r(NULL, ", ", &save)) {
        const struct kr_assignor *a = kr_assignor_find(s);
        if (a)
            g->assignors[g->assignor_cnt++] = a;
    }
    if (g->assignor_cnt == 0)
        g->assignors[g->assignor_cnt++] = kr_assignor_find("range");
    kr_timer_init(&g->timer, timer_cb, g);
    kr_timer_init(&g->hb_timer, hb_cb, g);
    kr_timer_init(&g->commit_timer, auto_commit_cb, g);
    g->last_poll_us = kr_now_us();
    return g;
}

static void sub_free_locked(struct kr_cgrp *g)
{
    for (size_t i = 0; i < g->topic_cnt; i++)
        free(g->topics[i]);
    free(g->topics);
    for (size_t i = 0; i < g->re_cnt; i++)
        regfree(&g->res[i]);
    free(g->res);
    g->topics = NULL;
    g->res = NULL;
    g->topic_cnt = g->re_cnt = 0;
}

void kr_cgrp_stop_timers(struct kr_cgrp *g)
{
    struct kr_loop *l = &g->k->c->loop;
    kr_timer_stop(l, &g->timer);
    kr_timer_stop(l, &g->hb_timer);
    kr_timer_stop(l, &g->commit_timer);
}

void kr_cgrp_destroy(struct kr_cgrp *g)
{
    if (!g)
        return;
    lead_forget(g);
    sub_free_locked(g);
    topics_free(g->owned, g->owned_cnt);
    free(g);
}

krafka_err_t kr_cgrp_subscribe(struct krafka_consumer *k,
                               const char *const *topics, size_t cnt)
{
    struct kr_cgrp *g = k->cg;
    char **t = calloc(cnt + 1, sizeof *t);
    regex_t *res = calloc(cnt + 1, sizeof *res);
    size_t re_cnt = 0;
    krafka_err_t err = t && res ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0; !err && i < cnt; i++) {
        if (!topics[i] || !*topics[i])
            err = KRAFKA_ERR_LOCAL_INVALID_ARG;
        else if (!(t[i] = strdup(topics[i])))
            err = KRAFKA_ERR_LOCAL_NOMEM;
        else if (topics[i][0] == '^' &&
                 regcomp(&res[re_cnt], topics[i], REG_EXTENDED | REG_NOSUB))
            err = KRAFKA_ERR_LOCAL_INVALID_ARG;
        else if (topics[i][0] == '^')
            re_cnt++;
    }
    if (err) {
        for (size_t i = 0; t && i < cnt; i++)
            free(t[i]);
        for (size_t i = 0; i < re_cnt; i++)
            regfree(&res[i]);
        free(t);
        free(res);
        return err;
    }
    pthread_mutex_lock(&k->lock);
    sub_free_locked(g);
    g->topics = t;
    g->topic_cnt = cnt;
    g->res = res;
    g->re_cnt = re_cnt;
    g->sub_changed = true;
    g->poll_expired = false;
    atomic_store(&k->poll_expired, false);
    g->last_poll_us = kr_now_us();
    pthread_mutex_unlock(&k->lock);
    for (size_t i = 0; i < cnt; i++)
        if (topics[i][0] != '^')
            kr_client_want_topic(k->c, topics[i]);
    if (re_cnt)
        kr_client_want_all_topics(k->c);
    kr_loop_wake(&k->c->loop);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_cgrp_unsubscribe(struct krafka_consumer *k)
{
    pthread_mutex_lock(&k->lock);
    sub_free_locked(k->cg);
    k->cg->sub_changed = true;
    pthread_mutex_unlock(&k->lock);
    kr_loop_wake(&k->c->loop);
    return KRAFKA_ERR_NONE;
}

krafka_tp_list_t *kr_cgrp_subscription(struct krafka_consumer *k)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; l && i < k->cg->topic_cnt; i++)
        krafka_tp_list_add(l, k->cg->topics[i], -1);
    pthread_mutex_unlock(&k->lock);
    return l;
}

bool kr_cgrp_subscribed(struct krafka_consumer *k)
{
    if (!k->cg)
        return false;
    pthread_mutex_lock(&k->lock);
    bool s = k->cg->topic_cnt > 0;
    pthread_mutex_unlock(&k->lock);
    return s;
}

void kr_cgrp_polled(struct krafka_consumer *k)
{
    struct kr_cgrp *g = k->cg;
    if (!g)
        return;
    pthread_mutex_lock(&k->lock);
    g->last_poll_us = kr_now_us();
    bool rejoin = g->poll_expired;
    g->poll_expired = false;
    atomic_store(&k->poll_expired, false);
    if (rejoin)
        g->sub_changed = true;
    pthread_mutex_unlock(&k->lock);
    if (rejoin)
        kr_loop_wake(&k->c->loop);
}

krafka_err_t kr_cgrp_commit_identity(struct krafka_consumer *k,
                                     int32_t *gen, char *member_id,
                                     size_t member_id_size, char *instance_id,
                                     size_t instance_id_size)
{
    struct kr_cgrp *g = k->cg;
    *gen = -1;
    member_id[0] = instance_id[0] = '\0';
    if (!g)
        return KRAFKA_ERR_NONE;
    krafka_err_t err = KRAFKA_ERR_NONE;
    pthread_mutex_lock(&k->lock);
    if (g->topic_cnt > 0 && g->generation < 0) {
        err = KRAFKA_ERR_REBALANCE_IN_PROGRESS;
    } else if (g->topic_cnt > 0) {
        *gen = g->generation;
        snprintf(member_id, member_id_size, "%s", g->member_id);
        snprintf(instance_id, instance_id_size, "%s", g->instance_id);
    }
    pthread_mutex_unlock(&k->lock);
    return err;
}

/* Serves rebalance and commit events on the closing thread until the
 * group is closed or @until_us. Records still queued are dropped. */
static bool close_serve(struct krafka_consumer *k, int64_t until_us)
{
    pthread_mutex_lock(&k->lock);
    while (!k->cg->closed) {
        struct kr_qitem *it = kr_cons_pop_locked(k);
        if (it) {
            if (it->type == KR_QI_CHUNK) {
                k->q_bytes -= it->blob_len;
                k->q_records -= it->rec_cnt;
            }
            pthread_mutex_unlock(&k->lock);
            kr_poll_serve(k, it);
            kr_qitem_free(it);
            pthread_mutex_lock(&k->lock);
            continue;
        }
        int64_t now = kr_now_us();
        if (now >= until_us)
            break;
        /* at least every 100 ms: the I/O thread may not signal */
        kr_cons_wait_locked(k, until_us - now < 100000 ? until_us
                                                       : now + 100000);
    }
    bool closed = k->cg->closed;
    pthread_mutex_unlock(&k->lock);
    return closed;
}

krafka_err_t kr_cgrp_close(struct krafka_consumer *k, int timeout_ms)
{
    struct kr_cgrp *g = k->cg;
    krafka_err_t err = KRAFKA_ERR_NONE;
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    bool subscribed = kr_cgrp_subscribed(k);
    if (!subscribed && k->conf->enable_auto_commit) {
        /* manual assignment: commit what was consumed */
        krafka_tp_list_t *l = kr_cons_stored_offsets(k, NULL);
        if (l && l->cnt > 0)
            err = kr_commit(k, l, false, timeout_ms);
        krafka_tp_list_destroy(l);
    }
    pthread_mutex_lock(&k->lock);
    g->closing = true;
    pthread_mutex_unlock(&k->lock);
    kr_loop_wake(&k->c->loop);
    if (!close_serve(k, until))
        kr_log(&k->c->log, KRAFKA_LOG_WARNING, "CLOSE",
               "group %s: leaving did not finish within close.timeout.ms",
               k->conf->group_id);
    return err;
}
