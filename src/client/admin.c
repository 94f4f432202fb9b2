/*
 * The admin handle: metadata, CreateTopics, DeleteTopics and
 * CreatePartitions as blocking
 * calls with a timeout, on top of the shared client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "krafka/admin.h"
#include "protocol/apis.h"
#include "util/arena.h"

struct krafka_admin {
    struct kr_client *c; /* owned */
};

static void set_errstr(char *errstr, size_t n, const char *msg)
{
    if (errstr && n)
        snprintf(errstr, n, "%s", msg);
}

krafka_err_t krafka_admin_new(krafka_admin_t **out, const krafka_conf_t *conf,
                              char *errstr, size_t errstr_size)
{
    if (!out) {
        set_errstr(errstr, errstr_size, "out must not be NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    krafka_admin_t *a = calloc(1, sizeof *a);
    if (!a)
        return KRAFKA_ERR_LOCAL_NOMEM;
    krafka_err_t err = kr_client_new(&a->c, conf, "admin", errstr,
                                     errstr_size);
    if (err != KRAFKA_ERR_NONE) {
        free(a);
        return err;
    }
    *out = a;
    return KRAFKA_ERR_NONE;
}

struct kr_client *kr_admin_client(krafka_admin_t *a)
{
    return a->c;
}

krafka_metrics_t *krafka_admin_metrics(krafka_admin_t *a)
{
    return a ? a->c->met.reg : NULL;
}

void krafka_admin_destroy(krafka_admin_t *a)
{
    if (!a)
        return;
    kr_client_destroy(a->c);
    free(a);
}

/* ---- metadata ---- */

/* A snapshot and everything it points to, in one arena. */
struct md_snapshot {
    krafka_metadata_t md; /* first: what the user holds */
    struct kr_arena arena;
};

struct md_call {
    struct kr_call call;
    struct kr_MetadataRequest msg;
    struct kr_MetadataRequestTopic topic;
    char *topic_name;             /* owned */
    struct md_snapshot *result;   /* owned until taken */
};

static const int32_t *arena_ids(struct kr_arena *a, const int32_t *ids,
                                int32_t cnt)
{
    if (cnt <= 0)
        return NULL;
    int32_t *p = kr_arena_alloc(a, (size_t)cnt * sizeof *p);
    if (p)
        memcpy(p, ids, (size_t)cnt * sizeof *p);
    return p;
}

static bool copy_partitions(struct kr_arena *a, krafka_metadata_topic_t *t,
                            const struct kr_MetadataResponseTopic *rt)
{
    int32_t n = rt->PartitionsCnt > 0 ? rt->PartitionsCnt : 0;
    krafka_metadata_partition_t *p =
        n ? kr_arena_alloc(a, (size_t)n * sizeof *p) : NULL;
    if (n && !p)
        return false;
    for (int32_t i = 0; i < n; i++) {
        const struct kr_MetadataResponsePartition *rp = &rt->Partitions[i];
        p[i] = (krafka_metadata_partition_t){
            .id = rp->PartitionIndex,
            .err = (krafka_err_t)rp->ErrorCode,
            .leader = rp->LeaderId,
            .leader_epoch = rp->LeaderEpoch,
            .replica_cnt = rp->ReplicaNodesCnt > 0 ? rp->ReplicaNodesCnt : 0,
            .replicas = arena_ids(a, rp->ReplicaNodes, rp->ReplicaNodesCnt),
            .isr_cnt = rp->IsrNodesCnt > 0 ? rp->IsrNodesCnt : 0,
            .isrs = arena_ids(a, rp->IsrNodes, rp->IsrNodesCnt)};
    }
    t->partitions = p;
    t->partition_cnt = n;
    return true;
}

static bool copy_topics(struct kr_arena *a, krafka_metadata_t *md,
                        const struct kr_MetadataResponse *res)
{
    int32_t n = res->TopicsCnt > 0 ? res->TopicsCnt : 0;
    krafka_metadata_topic_t *t =
        n ? kr_arena_alloc(a, (size_t)n * sizeof *t) : NULL;
    if (n && !t)
        return false;
    for (int32_t i = 0; i < n; i++) {
        const struct kr_MetadataResponseTopic *rt = &res->Topics[i];
        t[i].topic = kr_str_arena_dup(a, rt->Name);
        t[i].err = (krafka_err_t)rt->ErrorCode;
        t[i].is_internal = rt->IsInternal;
        memcpy(t[i].topic_id, rt->TopicId.b, sizeof t[i].topic_id);
        if (!copy_partitions(a, &t[i], rt))
            return false;
    }
    md->topics = t;
    md->topic_cnt = n;
    return true;
}

static bool copy_brokers(struct kr_arena *a, krafka_metadata_t *md,
                         const struct kr_MetadataResponse *res)
{
    int32_t n = res->BrokersCnt > 0 ? res->BrokersCnt : 0;
    krafka_metadata_broker_t *b =
        n ? kr_arena_alloc(a, (size_t)n * sizeof *b) : NULL;
    if (n && !b)
        return false;
    for (int32_t i = 0; i < n; i++) {
        const struct kr_MetadataResponseBroker *rb = &res->Brokers[i];
        b[i] = (krafka_metadata_broker_t){.id = rb->NodeId,
                                          .host = kr_str_arena_dup(a, rb->Host),
                                          .port = rb->Port,
                                          .rack = kr_str_arena_dup(a, rb->Rack)};
    }
    md->brokers = b;
    md->broker_cnt = n;
    return true;
}

/* The node id of the broker that answered: a bootstrap address is matched
 * by host and port to the brokers of the answer; -1 when unknown. */
static int32_t answering_broker(struct kr_client *c, int32_t id,
                                const struct kr_MetadataResponse *res)
{
    if (id >= 0)
        return id;
    struct kr_broker *b = id < -1 ? kr_client_broker_find(c, id) : NULL;
    for (int32_t i = 0; b && b->host && i < res->BrokersCnt; i++)
        if (res->Brokers[i].Port == b->port &&
            kr_str_eq(res->Brokers[i].Host, b->host))
            return res->Brokers[i].NodeId;
    return -1;
}

static krafka_err_t md_on_resp(struct kr_call *call, struct kr_client *c,
                               const void *resp, int16_t v)
{
    (void)v;
    struct md_call *mc = (struct md_call *)call;
    const struct kr_MetadataResponse *res = resp;
    if (res->ErrorCode != 0) {
        snprintf(call->errstr, sizeof call->errstr, "Metadata: %s",
                 krafka_err2str((krafka_err_t)res->ErrorCode));
        return (krafka_err_t)res->ErrorCode;
    }
    kr_md_apply(c, res, mc->topic_name == NULL);
    struct md_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return KRAFKA_ERR_LOCAL_NOMEM;
    kr_arena_init(&s->arena, KR_ARENA_MAX_DEFAULT);
    s->md.cluster_id = kr_str_arena_dup(&s->arena, res->ClusterId);
    s->md.controller_id = res->ControllerId;
    s->md.orig_broker_id = answering_broker(c, call->req.answered ? call->req.answered_by : -1, res);
    if (!copy_brokers(&s->arena, &s->md, res) ||
        !copy_topics(&s->arena, &s->md, res)) {
        kr_arena_destroy(&s->arena);
        free(s);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    mc->result = s;
    return KRAFKA_ERR_NONE;
}

void krafka_metadata_destroy(krafka_metadata_t *md)
{
    if (!md)
        return;
    struct md_snapshot *s = (struct md_snapshot *)md;
    kr_arena_destroy(&s->arena);
    free(s);
}

static void md_cleanup(struct kr_call *call)
{
    struct md_call *mc = (struct md_call *)call;
    krafka_metadata_destroy(mc->result ? &mc->result->md : NULL);
    free(mc->topic_name);
}

krafka_err_t krafka_admin_metadata(krafka_admin_t *a, const char *topic,
                                   int timeout_ms, krafka_metadata_t **out,
                                   char *errstr, size_t errstr_size)
{
    if (!a || !out) {
        set_errstr(errstr, errstr_size, "admin and out must not be NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    struct md_call *mc = (struct md_call *)kr_call_new(sizeof *mc);
    if (!mc || (topic && !(mc->topic_name = strdup(topic)))) {
        free(mc);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    mc->call.on_resp = md_on_resp;
    mc->call.cleanup = md_cleanup;
    mc->topic.Name = kr_str_c(mc->topic_name);
    /* A null topic array asks for all topics (v1+). */
    mc->msg.TopicsCnt = topic ? 1 : -1;
    mc->msg.Topics = topic ? &mc->topic : NULL;
    mc->msg.AllowAutoTopicCreation = a->c->conf->allow_auto_create_topics;
    mc->call.req = (struct kr_req){.api = &kr_api_Metadata, .msg = &mc->msg,
                                   .min_ver = 1, .broker_id = KR_BROKER_ANY,
                                   .retry_transport = true};
    krafka_err_t err =
        kr_call_run(a->c, &mc->call, timeout_ms, errstr, errstr_size);
    if (err == KRAFKA_ERR_NONE) {
        *out = &mc->result->md;
        mc->result = NULL;
    }
    kr_call_release(&mc->call);
    return err;
}

/* ---- create and delete topics ---- */

struct topics_call {
    struct kr_call call;
    union {
        struct kr_CreateTopicsRequest create;
        struct kr_DeleteTopicsRequest del;
        struct kr_CreatePartitionsRequest parts;
    } msg;
    void *items;                    /* owned: request array */
    void *configs;                  /* owned: config array */
    size_t cnt;
    const char **names;             /* owned, strings in strs */
    struct kr_arena strs;           /* copies of the caller's strings: the
                                     * I/O thread may use them after a
                                     * caller timed out and returned */
    krafka_topic_result_t *results; /* owned copy, handed back */
};

static void result_set(krafka_topic_result_t *r, int16_t code,
                       struct kr_str msg)
{
    r->err = (krafka_err_t)code;
    if (msg.len > 0)
        snprintf(r->errstr, sizeof r->errstr, "%.*s", (int)msg.len, msg.ptr);
    else if (code != 0)
        snprintf(r->errstr, sizeof r->errstr, "%s",
                 krafka_err2str((krafka_err_t)code));
    else
        r->errstr[0] = '\0';
}

/* The result for @name, or NULL when the broker answers for a topic we
 * did not ask about. */
static krafka_topic_result_t *result_for(struct topics_call *tc,
                                         struct kr_str name)
{
    for (size_t i = 0; i < tc->cnt; i++)
        if (kr_str_eq(name, tc->names[i]))
            return &tc->results[i];
    return NULL;
}

static krafka_err_t create_on_resp(struct kr_call *call, struct kr_client *c,
                                   const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct topics_call *tc = (struct topics_call *)call;
    const struct kr_CreateTopicsResponse *res = resp;
    for (int32_t i = 0; i < res->TopicsCnt; i++) {
        krafka_topic_result_t *r = result_for(tc, res->Topics[i].Name);
        if (r)
            result_set(r, res->Topics[i].ErrorCode,
                       res->Topics[i].ErrorMessage);
    }
    return KRAFKA_ERR_NONE;
}

static krafka_err_t delete_on_resp(struct kr_call *call, struct kr_client *c,
                                   const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct topics_call *tc = (struct topics_call *)call;
    const struct kr_DeleteTopicsResponse *res = resp;
    for (int32_t i = 0; i < res->ResponsesCnt; i++) {
        krafka_topic_result_t *r = result_for(tc, res->Responses[i].Name);
        if (r)
            result_set(r, res->Responses[i].ErrorCode,
                       res->Responses[i].ErrorMessage);
    }
    return KRAFKA_ERR_NONE;
}

static krafka_err_t parts_on_resp(struct kr_call *call, struct kr_client *c,
                                  const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct topics_call *tc = (struct topics_call *)call;
    const struct kr_CreatePartitionsResponse *res = resp;
    for (int32_t i = 0; i < res->ResultsCnt; i++) {
        krafka_topic_result_t *r = result_for(tc, res->Results[i].Name);
        if (r)
            result_set(r, res->Results[i].ErrorCode,
                       res->Results[i].ErrorMessage);
    }
    return KRAFKA_ERR_NONE;
}

static void topics_cleanup(struct kr_call *call)
{
    struct topics_call *tc = (struct topics_call *)call;
    free(tc->items);
    free(tc->configs);
    free(tc->results);
    free(tc->names);
    kr_arena_destroy(&tc->strs);
}

static const char *dup_str(struct topics_call *tc, const char *s)
{
    return s ? kr_str_arena_dup(&tc->strs, kr_str_c(s)) : NULL;
}

/* Frees a call that was never submitted (both references). */
static void topics_call_abort(struct topics_call *tc)
{
    kr_call_release(&tc->call);
    kr_call_release(&tc->call);
}

/* A call for @cnt topics; every result starts as "no answer". */
static struct topics_call *topics_call_new(size_t cnt)
{
    struct topics_call *tc =
        (struct topics_call *)kr_call_new(sizeof *tc);
    if (!tc)
        return NULL;
    tc->cnt = cnt;
    kr_arena_init(&tc->strs, KR_ARENA_MAX_DEFAULT);
    tc->call.cleanup = topics_cleanup;
    tc->results = calloc(cnt, sizeof *tc->results);
    tc->names = calloc(cnt, sizeof *tc->names);
    if (!tc->results || !tc->names) {
        topics_call_abort(tc);
        return NULL;
    }
    for (size_t i = 0; i < cnt; i++) {
        tc->results[i].err = KRAFKA_ERR_LOCAL_BAD_MSG;
        snprintf(tc->results[i].errstr, sizeof tc->results[i].errstr,
                 "the broker's answer did not mention this topic");
    }
    return tc;
}

static krafka_err_t topics_run(krafka_admin_t *a, struct topics_call *tc,
                               int timeout_ms, krafka_topic_result_t *results,
                               char *errstr, size_t errstr_size)
{
    tc->call.req.broker_id = KR_BROKER_ANY;
    krafka_err_t err =
        kr_call_run(a->c, &tc->call, timeout_ms, errstr, errstr_size);
    if (err == KRAFKA_ERR_NONE && results)
        memcpy(results, tc->results, tc->cnt * sizeof *results);
    /* Without a caller-side reference the I/O thread frees it. */
    kr_call_release(&tc->call);
    return err;
}

static krafka_err_t fill_create(struct topics_call *tc,
                                const krafka_new_topic_t *topics,
                                size_t cnt)
{
    size_t ncfg = 0;
    for (size_t i = 0; i < cnt; i++)
        ncfg += topics[i].config_cnt;
    struct kr_CreatableTopic *ct = calloc(cnt, sizeof *ct);
    /* at least one entry: cfg + k is then always a valid pointer */
    struct kr_CreatableTopicConfig *cfg =
        calloc(ncfg ? ncfg : 1, sizeof *cfg);
    tc->items = ct;
    tc->configs = cfg;
    if (!ct || !cfg)
        return KRAFKA_ERR_LOCAL_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++) {
        const krafka_new_topic_t *t = &topics[i];
        tc->names[i] = dup_str(tc, t->topic);
        if (!tc->names[i])
            return KRAFKA_ERR_LOCAL_NOMEM;
        ct[i] = (struct kr_CreatableTopic){
            .Name = kr_str_c(tc->names[i]),
            .NumPartitions = t->num_partitions,
            .ReplicationFactor = t->replication_factor,
            .ConfigsCnt = (int32_t)t->config_cnt, .Configs = cfg + k};
        for (size_t j = 0; j < t->config_cnt; j++, k++)
            cfg[k] = (struct kr_CreatableTopicConfig){
                .Name = kr_str_c(dup_str(tc, t->configs[2 * j])),
                .Value = kr_str_c(dup_str(tc, t->configs[2 * j + 1]))};
    }
    return KRAFKA_ERR_NONE;
}

/* Most configs given to one new topic (include/krafka/admin.h). */
#define MAX_TOPIC_CONFIGS 1000

/* Checks the arguments of a create call; the message names the topic. */
static bool topics_valid(const krafka_admin_t *a,
                         const krafka_new_topic_t *topics, size_t cnt,
                         char *errstr, size_t errstr_size)
{
    char msg[128] = "";
    if (!a || !topics || cnt == 0 || cnt > 10000)
        snprintf(msg, sizeof msg, "1..10000 topics are required");
    for (size_t i = 0; !msg[0] && i < cnt; i++) {
        const krafka_new_topic_t *t = &topics[i];
        /* A config count over the cap is a caller's mistake that must not
         * be walked; bad partition counts are the broker's to refuse, per
         * topic (INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR). */
        bool ok = t->topic && t->topic[0] &&
                  (!t->config_cnt || t->configs) &&
                  t->config_cnt <= MAX_TOPIC_CONFIGS;
        for (size_t j = 0; ok && j < t->config_cnt; j++)
            ok = t->configs[2 * j] != NULL;
        if (!ok)
            snprintf(msg, sizeof msg,
                     "topic %zu: a name is required, and at most %d "
                     "configs with a name for each",
                     i, MAX_TOPIC_CONFIGS);
    }
    set_errstr(errstr, errstr_size, msg);
    return !msg[0];
}

krafka_err_t krafka_admin_create_topics(krafka_admin_t *a,
                                        const krafka_new_topic_t *topics,
                                        size_t cnt, int timeout_ms,
                                        krafka_topic_result_t *results,
                                        char *errstr, size_t errstr_size)
{
    if (!topics_valid(a, topics, cnt, errstr, errstr_size))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    struct topics_call *tc = topics_call_new(cnt);
    if (!tc)
        return KRAFKA_ERR_LOCAL_NOMEM;
    if (fill_create(tc, topics, cnt) != KRAFKA_ERR_NONE) {
        topics_call_abort(tc);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    tc->msg.create = (struct kr_CreateTopicsRequest){
        .TopicsCnt = (int32_t)cnt, .Topics = tc->items,
        .timeoutMs = timeout_ms < 0 ? 60000 : timeout_ms};
    tc->call.on_resp = create_on_resp;
    tc->call.req.api = &kr_api_CreateTopics;
    tc->call.req.msg = &tc->msg.create;
    return topics_run(a, tc, timeout_ms, results, errstr, errstr_size);
}

krafka_err_t krafka_admin_delete_topics(krafka_admin_t *a,
                                        const char *const *topics, size_t cnt,
                                        int timeout_ms,
                                        krafka_topic_result_t *results,
                                        char *errstr, size_t errstr_size)
{
    if (!a || !topics || cnt == 0 || cnt > 10000) {
        set_errstr(errstr, errstr_size, "1..10000 topics are required");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    for (size_t i = 0; i < cnt; i++)
        if (!topics[i] || !topics[i][0]) {
            set_errstr(errstr, errstr_size, "a topic name is empty");
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
        }
    struct topics_call *tc = topics_call_new(cnt);
    if (!tc)
        return KRAFKA_ERR_LOCAL_NOMEM;
    struct kr_DeleteTopicState *st = calloc(cnt, sizeof *st);
    struct kr_str *names = calloc(cnt, sizeof *names);
    tc->items = st;
    tc->configs = names;
    if (!st || !names) {
        topics_call_abort(tc);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    for (size_t i = 0; i < cnt; i++) {
        tc->names[i] = dup_str(tc, topics[i]);
        st[i].Name = names[i] = kr_str_c(tc->names[i]);
    }
    /* v6+ names topics in Topics, older versions in TopicNames. */
    tc->msg.del = (struct kr_DeleteTopicsRequest){
        .TopicsCnt = (int32_t)cnt, .Topics = st,
        .TopicNamesCnt = (int32_t)cnt, .TopicNames = names,
        .TimeoutMs = timeout_ms < 0 ? 60000 : timeout_ms};
    tc->call.on_resp = delete_on_resp;
    tc->call.req.api = &kr_api_DeleteTopics;
    tc->call.req.msg = &tc->msg.del;
    return topics_run(a, tc, timeout_ms, results, errstr, errstr_size);
}

krafka_err_t krafka_admin_create_partitions(
    krafka_admin_t *a, const krafka_new_partitions_t *topics, size_t cnt,
    int timeout_ms, krafka_topic_result_t *results, char *errstr,
    size_t errstr_size)
{
    if (!a || !topics || cnt == 0 || cnt > 10000) {
        set_errstr(errstr, errstr_size, "1..10000 topics are required");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    for (size_t i = 0; i < cnt; i++)
        if (!topics[i].topic || !topics[i].topic[0] ||
            topics[i].total_count < 1) {
            set_errstr(errstr, errstr_size,
                       "each topic needs a name and a count of at least 1");
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
        }
    struct topics_call *tc = topics_call_new(cnt);
    if (!tc)
        return KRAFKA_ERR_LOCAL_NOMEM;
    struct kr_CreatePartitionsTopic *t = calloc(cnt, sizeof *t);
    tc->items = t;
    if (!t) {
        topics_call_abort(tc);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    for (size_t i = 0; i < cnt; i++) {
        tc->names[i] = dup_str(tc, topics[i].topic);
        if (!tc->names[i]) {
            topics_call_abort(tc);
            return KRAFKA_ERR_LOCAL_NOMEM;
        }
        t[i] = (struct kr_CreatePartitionsTopic){
            .Name = kr_str_c(tc->names[i]),
            .Count = topics[i].total_count,
            .AssignmentsCnt = -1};
    }
    tc->msg.parts = (struct kr_CreatePartitionsRequest){
        .TopicsCnt = (int32_t)cnt, .Topics = t,
        .TimeoutMs = timeout_ms < 0 ? 60000 : timeout_ms};
    tc->call.on_resp = parts_on_resp;
    tc->call.req.api = &kr_api_CreatePartitions;
    tc->call.req.msg = &tc->msg.parts;
    return topics_run(a, tc, timeout_ms, results, errstr, errstr_size);
}
