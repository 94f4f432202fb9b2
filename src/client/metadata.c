/*
 * The metadata cache: brokers, topics, partitions, leaders and leader
 * epochs, refreshed periodically (topic.metadata.refresh.interval.ms) and
 * at once, rate-limited (topic.metadata.refresh.fast.interval.ms), when a
 * connection is lost, a topic is new or a leader is missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "protocol/apis.h"
#include "util/time.h"

/* Upper bound of the growing fast-refresh backoff while leaders are
 * missing (an auto-created topic gets its leaders within seconds). */
#define FAST_BACKOFF_MAX_MS 1000

struct md_req {
    struct kr_req req;
    struct kr_MetadataRequest msg;
    struct kr_MetadataRequestTopic *topics; /* owned */
};

static void periodic_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_client *c = t->arg;
    kr_md_refresh(c, "periodic refresh");
}

/* Offers the postponed topic wants again (@err NONE), or ends them. */
static void wants_again(struct kr_client *c, krafka_err_t err)
{
    struct kr_req *r = c->md.want_retry;
    c->md.want_retry = NULL;
    while (r) {
        struct kr_req *next = r->next;
        r->next = NULL;
        r->done(c, r, err, NULL, NULL, 0);
        r = next;
    }
}

static void fast_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_client *c = t->arg;
    wants_again(c, KRAFKA_ERR_NONE);
    c->md.last_refresh_us = 0;
    kr_md_refresh(c, "scheduled refresh");
}

void kr_md_init(struct kr_client *c)
{
    struct kr_md *md = &c->md;
    pthread_mutex_init(&md->lock, NULL);
    md->controller_id = -1;
    kr_timer_init(&md->periodic, periodic_cb, c);
    kr_timer_init(&md->fast, fast_cb, c);
    md->fast_backoff_ms = c->conf->topic_metadata_refresh_fast_interval_ms;
    md->inited = true;
}

static void topic_free(struct kr_md_topic *t)
{
    free(t->name);
    free(t->partitions);
}

void kr_md_destroy(struct kr_client *c)
{
    struct kr_md *md = &c->md;
    if (!md->inited)
        return;
    kr_timer_stop(&c->loop, &md->periodic);
    kr_timer_stop(&c->loop, &md->fast);
    wants_again(c, KRAFKA_ERR_LOCAL_DESTROY);
    for (size_t i = 0; i < md->topic_cnt; i++)
        topic_free(&md->topics[i]);
    free(md->topics);
    free(md->cluster_id);
    for (size_t i = 0; i < md->wanted_cnt; i++)
        free(md->wanted[i]);
    free(md->wanted);
    pthread_mutex_destroy(&md->lock);
    md->inited = false;
}

/* ---- applying a response (io thread, md->lock held for the cache) ---- */

static struct kr_md_topic *topic_find(struct kr_md *md, const char *name,
                                      size_t len)
{
    for (size_t i = 0; i < md->topic_cnt; i++)
        if (strlen(md->topics[i].name) == len &&
            memcmp(md->topics[i].name, name, len) == 0)
            return &md->topics[i];
    return NULL;
}

static struct kr_md_topic *topic_add(struct kr_md *md, struct kr_str name)
{
    if (md->topic_cnt == md->topic_cap) {
        size_t cap = md->topic_cap ? md->topic_cap * 2 : 16;
        void *p = realloc(md->topics, cap * sizeof *md->topics);
        if (!p)
            return NULL;
        md->topics = p;
        md->topic_cap = cap;
    }
    char *n = strndup(name.ptr, (size_t)name.len);
    if (!n)
        return NULL;
    struct kr_md_topic *t = &md->topics[md->topic_cnt++];
    *t = (struct kr_md_topic){.name = n};
    return t;
}

/* The cached partition when @fresh is older (KIP-320): a broker that was
 * paused, or cut off, answers from its stale image at first, naming a
 * leader whose epoch is over. Taking it sent fetches to that ex-leader,
 * which answered OFFSET_OUT_OF_RANGE for offsets written since, and the
 * consumer reset its position (found by the soak test). A recreated topic
 * (new topic id) starts its epochs again. */
static struct kr_md_partition newest(const struct kr_md_topic *t,
                                     bool same_topic,
                                     struct kr_md_partition fresh)
{
    if (!same_topic || fresh.id >= t->partition_cnt || fresh.leader_epoch < 0)
        return fresh;
    const struct kr_md_partition *old = &t->partitions[fresh.id];
    return old->leader_epoch > fresh.leader_epoch ? *old : fresh;
}

/* Partitions indexed by id; ids outside 0..count-1 are ignored (a broker
 * never sends them, a hostile one can't make us allocate by them). */
static void topic_set(struct kr_md_topic *t,
                      const struct kr_MetadataResponseTopic *rt)
{
    int32_t n = rt->PartitionsCnt > 0 ? rt->PartitionsCnt : 0;
    struct kr_md_partition *p = n ? calloc((size_t)n, sizeof *p) : NULL;
    if (n && !p)
        return;
    bool same = memcmp(t->topic_id, rt->TopicId.b, sizeof t->topic_id) == 0;
    for (int32_t i = 0; i < n; i++)
        p[i] = (struct kr_md_partition){.id = i, .err = -1, .leader = -1,
                                        .leader_epoch = -1};
    for (int32_t i = 0; i < n; i++) {
        const struct kr_MetadataResponsePartition *rp = &rt->Partitions[i];
        if (rp->PartitionIndex < 0 || rp->PartitionIndex >= n)
            continue;
        p[rp->PartitionIndex] = newest(t, same, (struct kr_md_partition){
            .id = rp->PartitionIndex, .err = rp->ErrorCode,
            .leader = rp->LeaderId, .leader_epoch = rp->LeaderEpoch});
    }
    free(t->partitions);
    t->partitions = p;
    t->partition_cnt = n;
    t->err = rt->ErrorCode;
    memcpy(t->topic_id, rt->TopicId.b, sizeof t->topic_id);
    t->updated_us = kr_now_us();
}

static bool topic_in_response(const struct kr_MetadataResponse *res,
                              const char *name)
{
    for (int32_t i = 0; i < res->TopicsCnt; i++)
        if (kr_str_eq(res->Topics[i].Name, name))
            return true;
    return false;
}

static void drop_missing_topics(struct kr_md *md,
                                const struct kr_MetadataResponse *res)
{
    size_t w = 0;
    for (size_t i = 0; i < md->topic_cnt; i++) {
        if (topic_in_response(res, md->topics[i].name))
            md->topics[w++] = md->topics[i];
        else
            topic_free(&md->topics[i]);
    }
    md->topic_cnt = w;
}

static void apply_topics(struct kr_client *c,
                         const struct kr_MetadataResponse *res, bool all)
{
    struct kr_md *md = &c->md;
    pthread_mutex_lock(&md->lock);
    md->controller_id = res->ControllerId;
    if (res->ClusterId.len > 0) {
        free(md->cluster_id);
        md->cluster_id = strndup(res->ClusterId.ptr,
                                 (size_t)res->ClusterId.len);
    }
    for (int32_t i = 0; i < res->TopicsCnt; i++) {
        const struct kr_MetadataResponseTopic *rt = &res->Topics[i];
        if (rt->Name.len <= 0)
            continue;
        struct kr_md_topic *t =
            topic_find(md, rt->Name.ptr, (size_t)rt->Name.len);
        if (!t)
            t = topic_add(md, rt->Name);
        if (t)
            topic_set(t, rt);
    }
    if (all)
        drop_missing_topics(md, res);
    pthread_mutex_unlock(&md->lock);
}

/* False when a broker could not be added (no memory): refresh soon. */
static bool apply_brokers(struct kr_client *c,
                          const struct kr_MetadataResponse *res)
{
    bool all = true;
    char host[256];
    for (int32_t i = 0; i < res->BrokersCnt; i++) {
        const struct kr_MetadataResponseBroker *rb = &res->Brokers[i];
        if (rb->NodeId < 0 || rb->Host.len <= 0 ||
            (size_t)rb->Host.len >= sizeof host || rb->Port <= 0 ||
            rb->Port > 65535)
            continue;
        memcpy(host, rb->Host.ptr, (size_t)rb->Host.len);
        host[rb->Host.len] = '\0';
        if (!kr_client_broker(c, rb->NodeId, host, (int)rb->Port))
            all = false;
    }
    if (res->BrokersCnt <= 0)
        return all;
    /* Brokers no longer listed, and the bootstrap entries once real
     * brokers are known, are not reconnected on their own any more. */
    for (struct kr_broker *b = c->brokers; b; b = b->next) {
        bool listed = false;
        for (int32_t i = 0; i < res->BrokersCnt && !listed; i++)
            listed = res->Brokers[i].NodeId == b->id;
        b->gone = !listed;
    }
    return all;
}

/* True when a wanted topic lacks a leader somewhere: refresh soon. */
static bool leaders_missing(struct kr_client *c)
{
    struct kr_md *md = &c->md;
    bool missing = false;
    pthread_mutex_lock(&md->lock);
    for (size_t w = 0; w < md->wanted_cnt && !missing; w++) {
        struct kr_md_topic *t =
            topic_find(md, md->wanted[w], strlen(md->wanted[w]));
        if (!t || t->err != 0 || t->partition_cnt == 0) {
            missing = true;
            break;
        }
        for (int32_t i = 0; i < t->partition_cnt; i++)
            if (t->partitions[i].leader < 0)
                missing = true;
    }
    pthread_mutex_unlock(&md->lock);
    return missing;
}

static void schedule_fast(struct kr_client *c)
{
    struct kr_md *md = &c->md;
    if (kr_timer_armed(&md->fast))
        return;
    kr_timer_after_ms(&c->loop, &md->fast, md->fast_backoff_ms);
    md->fast_backoff_ms *= 2;
    if (md->fast_backoff_ms > FAST_BACKOFF_MAX_MS)
        md->fast_backoff_ms = FAST_BACKOFF_MAX_MS;
}

void kr_md_apply(struct kr_client *c, const void *resp, bool all)
{
    const struct kr_MetadataResponse *res = resp;
    bool brokers_ok = apply_brokers(c, res);
    apply_topics(c, res, all);
    c->md.updated_us = kr_now_us();
    kr_dbg(&c->log, KR_DBG_METADATA, "METADATA",
           "%d brokers, %d topics, controller %d", (int)res->BrokersCnt,
           (int)res->TopicsCnt, (int)res->ControllerId);
    int32_t every = c->conf->topic_metadata_refresh_interval_ms;
    if (every > 0 && !kr_timer_armed(&c->md.periodic))
        kr_timer_after_ms(&c->loop, &c->md.periodic, every);
    if (c->on_metadata)
        c->on_metadata(c, c->hook_arg);
    if (!brokers_ok || leaders_missing(c)) {
        schedule_fast(c);
    } else {
        c->md.fast_backoff_ms =
            c->conf->topic_metadata_refresh_fast_interval_ms;
    }
}

/* ---- refreshing (io thread) ---- */

static void refresh_done(struct kr_client *c, struct kr_req *r,
                         krafka_err_t err, const char *errstr,
                         const void *resp, int16_t v)
{
    (void)v;
    struct md_req *mr = (struct md_req *)r;
    c->md.refresh_inflight = false;
    if (err == KRAFKA_ERR_NONE) {
        kr_md_apply(c, resp, mr->msg.TopicsCnt < 0);
    } else if (err != KRAFKA_ERR_LOCAL_DESTROY) {
        kr_dbg(&c->log, KR_DBG_METADATA, "METADATA",
               "metadata refresh failed: %s", errstr);
        schedule_fast(c);
    }
    free(mr->topics);
    free(mr);
    if (c->md.refresh_again && err != KRAFKA_ERR_LOCAL_DESTROY) {
        c->md.refresh_again = false;
        kr_md_refresh(c, "refresh asked during a refresh");
    }
}

static struct md_req *refresh_build(struct kr_client *c)
{
    struct kr_md *md = &c->md;
    struct md_req *mr = calloc(1, sizeof *mr);
    if (!mr)
        return NULL;
    if (md->wanted_cnt) {
        mr->topics = calloc(md->wanted_cnt, sizeof *mr->topics);
        if (!mr->topics) {
            free(mr);
            return NULL;
        }
    }
    for (size_t i = 0; i < md->wanted_cnt; i++)
        mr->topics[i].Name = kr_str_c(md->wanted[i]);
    /* An empty list asks for brokers only (v1+; null for all topics, which
     * regex subscriptions need). */
    bool all = atomic_load(&md->want_all);
    mr->msg.TopicsCnt = all ? -1 : (int32_t)md->wanted_cnt;
    mr->msg.Topics = all ? NULL : mr->topics;
    mr->msg.AllowAutoTopicCreation = c->conf->allow_auto_create_topics;
    mr->req = (struct kr_req){
        .api = &kr_api_Metadata, .msg = &mr->msg, .min_ver = 1,
        .broker_id = KR_BROKER_ANY, .lane = KR_LANE_MAIN,
        .deadline_us = kr_now_us() +
                       (int64_t)c->conf->request_timeout_ms * 1000,
        .retry_transport = true, .done = refresh_done};
    return mr;
}

void kr_md_refresh(struct kr_client *c, const char *reason)
{
    struct kr_md *md = &c->md;
    if (atomic_load(&c->stop))
        return;
    if (md->refresh_inflight) {
        md->refresh_again = true;
        return;
    }
    int64_t now = kr_now_us();
    int64_t gap = (int64_t)c->conf->topic_metadata_refresh_fast_interval_ms *
                  1000;
    if (md->last_refresh_us && now - md->last_refresh_us < gap) {
        if (!kr_timer_armed(&md->fast))
            kr_timer_at(&c->loop, &md->fast, md->last_refresh_us + gap);
        return;
    }
    struct md_req *mr = refresh_build(c);
    if (!mr) { /* no memory: try again soon */
        schedule_fast(c);
        return;
    }
    kr_dbg(&c->log, KR_DBG_METADATA, "METADATA",
           "refreshing %zu topics: %s", md->wanted_cnt, reason);
    md->last_refresh_us = now;
    md->refresh_inflight = true;
    kr_timer_stop(&c->loop, &md->periodic);
    int32_t every = c->conf->topic_metadata_refresh_interval_ms;
    if (every > 0)
        kr_timer_after_ms(&c->loop, &md->periodic, every);
    kr_client_send(c, &mr->req);
}

bool kr_md_want(struct kr_client *c, const char *topic)
{
    struct kr_md *md = &c->md;
    for (size_t i = 0; i < md->wanted_cnt; i++)
        if (strcmp(md->wanted[i], topic) == 0)
            return true;
    char **w = realloc(md->wanted, (md->wanted_cnt + 1) * sizeof *w);
    if (!w)
        return false;
    md->wanted = w;
    if (!(w[md->wanted_cnt] = strdup(topic)))
        return false;
    md->wanted_cnt++;
    md->last_refresh_us = 0;
    kr_md_refresh(c, "new topic");
    return true;
}

void kr_md_want_later(struct kr_client *c, struct kr_req *r)
{
    r->next = c->md.want_retry;
    c->md.want_retry = r;
    schedule_fast(c);
}

/* ---- lookups (any thread) ---- */

krafka_err_t kr_md_leader(struct kr_client *c, const char *topic,
                          int32_t partition, int32_t *leader, int32_t *epoch)
{
    struct kr_md *md = &c->md;
    krafka_err_t err = KRAFKA_ERR_NONE;
    pthread_mutex_lock(&md->lock);
    struct kr_md_topic *t = topic_find(md, topic, strlen(topic));
    if (!t || t->err == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION) {
        err = KRAFKA_ERR_LOCAL_UNKNOWN_TOPIC;
    } else if (partition < 0 || partition >= t->partition_cnt) {
        err = KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    } else {
        *leader = t->partitions[partition].leader;
        *epoch = t->partitions[partition].leader_epoch;
        if (*leader < 0)
            err = KRAFKA_ERR_LEADER_NOT_AVAILABLE;
    }
    pthread_mutex_unlock(&md->lock);
    return err;
}

int32_t kr_md_partition_cnt(struct kr_client *c, const char *topic)
{
    struct kr_md *md = &c->md;
    pthread_mutex_lock(&md->lock);
    struct kr_md_topic *t = topic_find(md, topic, strlen(topic));
    int32_t n = t && t->err == 0 ? t->partition_cnt : -1;
    pthread_mutex_unlock(&md->lock);
    return n;
}

bool kr_md_topic_info(struct kr_client *c, const char *topic, uint8_t id[16],
                      int16_t *err)
{
    struct kr_md *md = &c->md;
    pthread_mutex_lock(&md->lock);
    struct kr_md_topic *t = topic_find(md, topic, strlen(topic));
    if (t) {
        memcpy(id, t->topic_id, 16);
        *err = t->err;
    }
    pthread_mutex_unlock(&md->lock);
    return t != NULL;
}
