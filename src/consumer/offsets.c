/*
 * Offsets: commits (OffsetCommit to the group coordinator), committed
 * offsets (OffsetFetch), and ListOffsets lookups for the application
 * (offsets for times, watermarks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consumer/cgrp.h"
#include "consumer/consumer.h"
#include "protocol/api_listoffsets.h"
#include "protocol/api_offsetcommit.h"
#include "protocol/api_offsetfetch.h"
#include "util/time.h"

/* A request about a list of partitions, by topic: one topic entry per
 * element (the brokers accept repeated topic names; simple and valid). */
struct ocall {
    struct kr_call call;
    struct krafka_consumer *k;   /* borrowed */
    krafka_tp_list_t *tps;       /* owned: the request's partitions */
    bool async;
    int64_t start_us;            /* commit: when asked (commit_latency) */
    char member_id[256];
    char instance_id[256];
    struct kr_OffsetCommitRequest oc;
    struct kr_OffsetCommitRequestTopic *oc_topics;
    struct kr_OffsetCommitRequestPartition *oc_parts;
    struct kr_OffsetFetchRequest of;
    struct kr_OffsetFetchRequestGroup of_group;
    struct kr_OffsetFetchRequestTopics *of_topics;
    int32_t *of_parts;
    struct kr_ListOffsetsRequest lo;
    struct kr_ListOffsetsTopic *lo_topics;
    struct kr_ListOffsetsPartition *lo_parts;
};

static void ocall_cleanup(struct kr_call *call)
{
    struct ocall *o = (struct ocall *)call;
    krafka_tp_list_destroy(o->tps);
    free(o->oc_topics);
    free(o->oc_parts);
    free(o->of_topics);
    free(o->of_parts);
    free(o->lo_topics);
    free(o->lo_parts);
}

static krafka_tp_list_t *list_copy(const krafka_tp_list_t *src)
{
    krafka_tp_list_t *l = krafka_tp_list_new(src->cnt);
    if (!l)
        return NULL;
    for (size_t i = 0; i < src->cnt; i++) {
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, src->elems[i].topic, src->elems[i].partition);
        if (!e) {
            krafka_tp_list_destroy(l);
            return NULL;
        }
        e->offset = src->elems[i].offset;
        e->leader_epoch = src->elems[i].leader_epoch;
        e->err = KRAFKA_ERR_NONE;
        if (src->elems[i].metadata)
            e->metadata = strdup(src->elems[i].metadata);
    }
    return l;
}

static struct ocall *ocall_new(struct krafka_consumer *k,
                               const krafka_tp_list_t *tps)
{
    struct ocall *o = (struct ocall *)kr_call_new(sizeof *o);
    if (!o)
        return NULL;
    o->k = k;
    o->call.cleanup = ocall_cleanup;
    if (!(o->tps = list_copy(tps))) {
        kr_call_release(&o->call);
        kr_call_release(&o->call);
        return NULL;
    }
    return o;
}

static void ocall_drop(struct ocall *o)
{
    kr_call_release(&o->call);
    kr_call_release(&o->call);
}

static krafka_topic_partition_t *
list_find_str(krafka_tp_list_t *l, struct kr_str topic, int32_t partition)
{
    for (size_t i = 0; i < l->cnt; i++)
        if (l->elems[i].partition == partition &&
            kr_str_eq(topic, l->elems[i].topic))
            return &l->elems[i];
    return NULL;
}

/* ---- commit ---- */

static krafka_err_t commit_resp(struct kr_call *call, struct kr_client *c,
                                const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct ocall *o = (struct ocall *)call;
    const struct kr_OffsetCommitResponse *res = resp;
    krafka_err_t first = KRAFKA_ERR_NONE;
    for (int32_t i = 0; i < res->TopicsCnt; i++)
        for (int32_t j = 0; j < res->Topics[i].PartitionsCnt; j++) {
            const struct kr_OffsetCommitResponsePartition *p =
                &res->Topics[i].Partitions[j];
            krafka_topic_partition_t *e =
                list_find_str(o->tps, res->Topics[i].Name, p->PartitionIndex);
            if (e)
                e->err = (krafka_err_t)p->ErrorCode;
            if (p->ErrorCode && !first)
                first = (krafka_err_t)p->ErrorCode;
        }
    return first;
}

/* Successful commits become the partitions' committed offsets. */
static void note_committed(struct krafka_consumer *k,
                           const krafka_tp_list_t *l)
{
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < l->cnt; i++) {
        struct kr_toppar *tp = kr_cons_find_locked(k, l->elems[i].topic,
                                                   l->elems[i].partition);
        if (tp && l->elems[i].err == KRAFKA_ERR_NONE)
            tp->committed = l->elems[i].offset;
    }
    pthread_mutex_unlock(&k->lock);
}

/* A commit's outcome, for the metrics. */
static void commit_count(struct krafka_consumer *k, krafka_err_t err,
                         int64_t start_us)
{
    if (!k->m.commits || err == KRAFKA_ERR_LOCAL_DESTROY)
        return;
    kr_counter_inc(k->m.commits);
    if (err != KRAFKA_ERR_NONE)
        kr_counter_inc(k->m.commit_failures);
    kr_latency_record(k->m.commit_latency, kr_now_us() - start_us);
}

/* Async commits: the result goes to the commit callback via poll. */
static void commit_async_done(struct kr_client *c, struct kr_req *r,
                              krafka_err_t err, const char *errstr,
                              const void *resp, int16_t v)
{
    (void)errstr;
    struct ocall *o = (struct ocall *)r;
    if (err == KRAFKA_ERR_NONE)
        err = commit_resp(&o->call, c, resp, v);
    else
        for (size_t i = 0; i < o->tps->cnt; i++)
            o->tps->elems[i].err = err;
    if (err == KRAFKA_ERR_NOT_COORDINATOR ||
        err == KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE)
        kr_cgrp_coordinator_dead(o->k, o->call.req.broker_id, "commit");
    commit_count(o->k, err, o->start_us);
    note_committed(o->k, o->tps);
    if (o->k->conf->offset_commit_cb && err != KRAFKA_ERR_LOCAL_DESTROY) {
        struct kr_qitem *it = calloc(1, sizeof *it);
        if (it) {
            it->type = KR_QI_COMMIT;
            it->err = err;
            it->tps = o->tps;
            o->tps = NULL;
            kr_cons_enqueue(o->k, it);
        }
    }
    ocall_drop(o);
}

/* Builds the OffsetCommit; REBALANCE_IN_PROGRESS when a subscribed
 * consumer is not in a generation, LOCAL_NOMEM. */
static krafka_err_t commit_build(struct krafka_consumer *k, struct ocall *o)
{
    int32_t gen = -1;
    krafka_err_t err = kr_cgrp_commit_identity(
        k, &gen, o->member_id, sizeof o->member_id, o->instance_id,
        sizeof o->instance_id);
    if (err)
        return err;
    size_t n = o->tps->cnt;
    o->oc_topics = calloc(n, sizeof *o->oc_topics);
    o->oc_parts = calloc(n, sizeof *o->oc_parts);
    if (!o->oc_topics || !o->oc_parts)
        return KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0; i < n; i++) {
        krafka_topic_partition_t *e = &o->tps->elems[i];
        o->oc_parts[i] = (struct kr_OffsetCommitRequestPartition){
            .PartitionIndex = e->partition,
            .CommittedOffset = e->offset,
            .CommittedLeaderEpoch = e->leader_epoch,
            .CommittedMetadata = kr_str_c(e->metadata ? e->metadata : "")};
        o->oc_topics[i] = (struct kr_OffsetCommitRequestTopic){
            .Name = kr_str_c(e->topic), .PartitionsCnt = 1,
            .Partitions = &o->oc_parts[i]};
    }
    o->oc = (struct kr_OffsetCommitRequest){
        .GroupId = kr_str_c(k->conf->group_id),
        .GenerationIdOrMemberEpoch = gen,
        .MemberId = kr_str_c(o->member_id),
        .GroupInstanceId = o->instance_id[0] ? kr_str_c(o->instance_id)
                                             : (struct kr_str){NULL, -1},
        .RetentionTimeMs = -1,
        .TopicsCnt = (int32_t)n,
        .Topics = o->oc_topics};
    o->call.req = (struct kr_req){.api = &kr_api_OffsetCommit,
                                  .msg = &o->oc,
                                  .max_ver = 9,
                                  .broker_id = kr_cgrp_coordinator(k->cg),
                                  .fail_fast = true};
    return KRAFKA_ERR_NONE;
}

static bool coordinator_err(krafka_err_t err)
{
    return err == KRAFKA_ERR_NOT_COORDINATOR ||
           err == KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == KRAFKA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == KRAFKA_ERR_LOCAL_TRANSPORT ||
           err == KRAFKA_ERR_LOCAL_UNKNOWN_BROKER;
}

/* Waits for the coordinator until @until_us; false at the deadline. */
static bool await_coordinator(struct krafka_consumer *k, int64_t until_us)
{
    while (kr_cgrp_coordinator(k->cg) < 0) {
        if (kr_now_us() >= until_us)
            return false;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return true;
}

/* One attempt waits at most request.timeout.ms; a coordinator that does
 * not answer (or cannot be reached: the request fails fast) is looked up
 * again and the commit retried, the same offsets, until @timeout_ms. */
static krafka_err_t commit_sync(struct krafka_consumer *k,
                                const krafka_tp_list_t *offsets,
                                krafka_tp_list_t *out, int timeout_ms)
{
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    for (;;) {
        if (!await_coordinator(k, until))
            return KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE;
        struct ocall *o = ocall_new(k, offsets);
        krafka_err_t err = o ? commit_build(k, o) : KRAFKA_ERR_LOCAL_NOMEM;
        if (err) {
            if (o)
                ocall_drop(o);
            return err;
        }
        o->call.on_resp = commit_resp;
        int64_t left = (until - kr_now_us()) / 1000;
        if (left > k->conf->request_timeout_ms)
            left = k->conf->request_timeout_ms;
        char errstr[256];
        err = kr_call_run(k->c, &o->call, left > 0 ? (int)left : 1, errstr,
                          sizeof errstr);
        if (err != KRAFKA_ERR_LOCAL_TIMED_OUT) {
            note_committed(k, o->tps);
            for (size_t i = 0; out && i < out->cnt && i < o->tps->cnt; i++)
                out->elems[i].err = o->tps->elems[i].err;
        }
        int32_t node = o->call.req.broker_id;
        kr_call_release(&o->call);
        if ((!coordinator_err(err) && err != KRAFKA_ERR_LOCAL_TIMED_OUT) ||
            kr_now_us() >= until)
            return err;
        if (err != KRAFKA_ERR_COORDINATOR_LOAD_IN_PROGRESS)
            kr_cgrp_coordinator_dead(k, node, "commit");
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

krafka_err_t kr_commit(struct krafka_consumer *k,
                       const krafka_tp_list_t *offsets, bool async,
                       int timeout_ms)
{
    if (!k->cg)
        return KRAFKA_ERR_LOCAL_INVALID_CONF; /* no group.id */
    krafka_tp_list_t *own = NULL;
    if (!offsets) {
        if (!(own = kr_cons_stored_offsets(k, NULL)))
            return KRAFKA_ERR_LOCAL_NOMEM;
        offsets = own;
    }
    krafka_err_t err = KRAFKA_ERR_NONE;
    if (offsets->cnt == 0) {
        err = KRAFKA_ERR_LOCAL_NO_OFFSET;
    } else if (!async) {
        int64_t start = kr_now_us();
        err = commit_sync(k, offsets, own ? NULL : (krafka_tp_list_t *)offsets,
                          timeout_ms);
        commit_count(k, err, start);
    } else {
        struct ocall *o = ocall_new(k, offsets);
        err = o ? commit_build(k, o) : KRAFKA_ERR_LOCAL_NOMEM;
        if (err) {
            if (o)
                ocall_drop(o);
        } else {
            o->call.req.done = commit_async_done;
            o->start_us = kr_now_us();
            o->call.req.deadline_us =
                o->start_us + (int64_t)k->conf->request_timeout_ms * 1000;
            o->call.req.retry_transport = true;
            if (o->call.req.broker_id < 0)
                o->call.req.broker_id = KR_BROKER_ANY;
            kr_client_submit(k->c, &o->call.req);
        }
    }
    krafka_tp_list_destroy(own);
    return err;
}

krafka_err_t krafka_consumer_commit(krafka_consumer_t *k,
                                    const krafka_tp_list_t *offsets,
                                    bool async)
{
    if (!k || (offsets && kr_tp_list_check(offsets)))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return kr_commit(k, offsets, async, k->conf->default_api_timeout_ms);
}

krafka_err_t krafka_consumer_commit_record(krafka_consumer_t *k,
                                           const krafka_record_t *rec,
                                           bool async)
{
    if (!k || !rec || !rec->topic || rec->err)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    krafka_topic_partition_t *e =
        l ? krafka_tp_list_add(l, rec->topic, rec->partition) : NULL;
    if (!e) {
        krafka_tp_list_destroy(l);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    e->offset = rec->offset + 1;
    e->leader_epoch = rec->leader_epoch;
    krafka_err_t err = krafka_consumer_commit(k, l, async);
    krafka_tp_list_destroy(l);
    return err;
}

/* ---- committed ---- */

static krafka_err_t committed_resp(struct kr_call *call, struct kr_client *c,
                                   const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct ocall *o = (struct ocall *)call;
    const struct kr_OffsetFetchResponse *res = resp;
    if (res->GroupsCnt != 1)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    const struct kr_OffsetFetchResponseGroup *g = &res->Groups[0];
    if (g->ErrorCode)
        return (krafka_err_t)g->ErrorCode;
    for (int32_t i = 0; i < g->TopicsCnt; i++)
        for (int32_t j = 0; j < g->Topics[i].PartitionsCnt; j++) {
            const struct kr_OffsetFetchResponsePartitions *p =
                &g->Topics[i].Partitions[j];
            krafka_topic_partition_t *e =
                list_find_str(o->tps, g->Topics[i].Name, p->PartitionIndex);
            if (!e)
                continue;
            e->err = (krafka_err_t)p->ErrorCode;
            e->offset = p->CommittedOffset >= 0 ? p->CommittedOffset
                                                : KRAFKA_OFFSET_INVALID;
            e->leader_epoch = p->CommittedLeaderEpoch;
            free(e->metadata);
            e->metadata = NULL;
            if (p->Metadata.len > 0)
                e->metadata = strndup(p->Metadata.ptr, (size_t)p->Metadata.len);
        }
    return KRAFKA_ERR_NONE;
}

static void copy_back(krafka_tp_list_t *dst, const krafka_tp_list_t *src)
{
    for (size_t i = 0; i < dst->cnt && i < src->cnt; i++) {
        dst->elems[i].offset = src->elems[i].offset;
        dst->elems[i].leader_epoch = src->elems[i].leader_epoch;
        dst->elems[i].err = src->elems[i].err;
        free(dst->elems[i].metadata);
        dst->elems[i].metadata =
            src->elems[i].metadata ? strdup(src->elems[i].metadata) : NULL;
    }
}

/* One OffsetFetch to the coordinator, waiting at most request.timeout.ms
 * (and not past @until); the offsets go to @tps on success. */
static krafka_err_t committed_once(struct krafka_consumer *k,
                                   krafka_tp_list_t *tps, int32_t node,
                                   int64_t until)
{
    struct ocall *o = ocall_new(k, tps);
    size_t n = tps->cnt;
    if (!o || !(o->of_topics = calloc(n + 1, sizeof *o->of_topics)) ||
        !(o->of_parts = calloc(n + 1, sizeof *o->of_parts))) {
        if (o)
            ocall_drop(o);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        o->of_parts[i] = tps->elems[i].partition;
        o->of_topics[i] = (struct kr_OffsetFetchRequestTopics){
            .Name = kr_str_c(tps->elems[i].topic), .PartitionIndexesCnt = 1,
            .PartitionIndexes = &o->of_parts[i]};
    }
    o->of_group = (struct kr_OffsetFetchRequestGroup){
        .GroupId = kr_str_c(k->conf->group_id), .MemberId = {NULL, -1},
        .MemberEpoch = -1, .TopicsCnt = (int32_t)n, .Topics = o->of_topics};
    o->of = (struct kr_OffsetFetchRequest){
        .GroupsCnt = 1, .Groups = &o->of_group, .RequireStable = true};
    o->call.on_resp = committed_resp;
    o->call.req = (struct kr_req){.api = &kr_api_OffsetFetch, .msg = &o->of,
                                  .min_ver = 8, .max_ver = 9,
                                  .broker_id = node,
                                  .fail_fast = true};
    int64_t left = (until - kr_now_us()) / 1000;
    if (left > k->conf->request_timeout_ms)
        left = k->conf->request_timeout_ms;
    krafka_err_t err =
        kr_call_run(k->c, &o->call, left > 0 ? (int)left : 1, NULL, 0);
    if (err == KRAFKA_ERR_NONE)
        copy_back(tps, o->tps);
    kr_call_release(&o->call);
    return err;
}

krafka_err_t krafka_consumer_committed(krafka_consumer_t *k,
                                       krafka_tp_list_t *tps, int timeout_ms)
{
    if (!k || !tps || kr_tp_list_check(tps))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    if (!k->cg)
        return KRAFKA_ERR_LOCAL_INVALID_CONF;
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    for (;;) {
        if (!await_coordinator(k, until))
            return KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE;
        int32_t node = kr_cgrp_coordinator(k->cg);
        krafka_err_t err = committed_once(k, tps, node, until);
        if ((!coordinator_err(err) && err != KRAFKA_ERR_LOCAL_TIMED_OUT) ||
            kr_now_us() >= until)
            return err;
        if (err != KRAFKA_ERR_COORDINATOR_LOAD_IN_PROGRESS)
            kr_cgrp_coordinator_dead(k, node, "OffsetFetch");
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* ---- ListOffsets for the application ---- */

static krafka_err_t list_resp(struct kr_call *call, struct kr_client *c,
                              const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct ocall *o = (struct ocall *)call;
    const struct kr_ListOffsetsResponse *res = resp;
    for (int32_t i = 0; i < res->TopicsCnt; i++)
        for (int32_t j = 0; j < res->Topics[i].PartitionsCnt; j++) {
            const struct kr_ListOffsetsPartitionResponse *p =
                &res->Topics[i].Partitions[j];
            krafka_topic_partition_t *e =
                list_find_str(o->tps, res->Topics[i].Name, p->PartitionIndex);
            if (!e)
                continue;
            e->err = (krafka_err_t)p->ErrorCode;
            e->offset = p->Offset >= 0 ? p->Offset : KRAFKA_OFFSET_END;
            e->leader_epoch = p->LeaderEpoch;
        }
    return KRAFKA_ERR_NONE;
}

/* Asks @tps' leader for the offsets at the timestamps in their offset
 * fields (all must have the same leader). */
static krafka_err_t list_one_leader(struct krafka_consumer *k,
                                    krafka_tp_list_t *tps, int32_t leader,
                                    int64_t until)
{
    struct ocall *o = ocall_new(k, tps);
    size_t n = tps->cnt;
    if (!o || !(o->lo_topics = calloc(n, sizeof *o->lo_topics)) ||
        !(o->lo_parts = calloc(n, sizeof *o->lo_parts))) {
        if (o)
            ocall_drop(o);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        o->lo_parts[i] = (struct kr_ListOffsetsPartition){
            .PartitionIndex = tps->elems[i].partition,
            .CurrentLeaderEpoch = -1,
            .Timestamp = tps->elems[i].offset};
        o->lo_topics[i] = (struct kr_ListOffsetsTopic){
            .Name = kr_str_c(tps->elems[i].topic), .PartitionsCnt = 1,
            .Partitions = &o->lo_parts[i]};
    }
    o->lo = (struct kr_ListOffsetsRequest){
        .ReplicaId = -1,
        .IsolationLevel =
            k->conf->isolation_level == KR_READ_COMMITTED ? 1 : 0,
        .TopicsCnt = (int32_t)n, .Topics = o->lo_topics,
        .TimeoutMs = k->conf->request_timeout_ms};
    o->call.on_resp = list_resp;
    o->call.req = (struct kr_req){.api = &kr_api_ListOffsets, .msg = &o->lo,
                                  .broker_id = leader,
                                  .retry_transport = true};
    int left = (int)((until - kr_now_us()) / 1000);
    krafka_err_t err = kr_call_run(k->c, &o->call, left > 0 ? left : 1, NULL, 0);
    if (err == KRAFKA_ERR_NONE)
        copy_back(tps, o->tps);
    kr_call_release(&o->call);
    return err;
}

/* The leader of @topic/@partition, waiting for metadata until @until. */
static krafka_err_t await_leader(struct krafka_consumer *k, const char *topic,
                                 int32_t partition, int64_t until,
                                 int32_t *leader)
{
    kr_client_want_topic(k->c, topic);
    for (;;) {
        int32_t epoch;
        krafka_err_t err =
            kr_md_leader(k->c, topic, partition, leader, &epoch);
        if (!err || err == KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION ||
            kr_now_us() >= until)
            return err;
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

krafka_err_t krafka_consumer_offsets_for_times(krafka_consumer_t *k,
                                               krafka_tp_list_t *tps,
                                               int timeout_ms)
{
    if (!k || !tps || kr_tp_list_check(tps))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    krafka_err_t first = KRAFKA_ERR_NONE;
    /* One partition at a time: simple; callers ask for few. */
    for (size_t i = 0; i < tps->cnt; i++) {
        krafka_topic_partition_t *e = &tps->elems[i];
        int32_t leader;
        krafka_err_t err =
            await_leader(k, e->topic, e->partition, until, &leader);
        if (!err) {
            krafka_tp_list_t one = {.elems = e, .cnt = 1, .cap = 1};
            err = list_one_leader(k, &one, leader, until);
        }
        if (err) {
            e->err = err;
            if (!first)
                first = err;
        }
    }
    return first;
}

krafka_err_t krafka_consumer_query_watermark_offsets(krafka_consumer_t *k,
                                                     const char *topic,
                                                     int32_t partition,
                                                     int64_t *low,
                                                     int64_t *high,
                                                     int timeout_ms)
{
    if (!k || !topic || !low || !high)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    int32_t leader;
    krafka_err_t err = await_leader(k, topic, partition, until, &leader);
    if (err)
        return err;
    krafka_tp_list_t *l = krafka_tp_list_new(2);
    if (!l || !krafka_tp_list_add(l, topic, partition) ||
        !krafka_tp_list_add(l, topic, partition)) {
        krafka_tp_list_destroy(l);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    /* Two lookups: the earliest and the latest offset. */
    l->elems[0].offset = KRAFKA_OFFSET_BEGINNING;
    l->elems[1].offset = KRAFKA_OFFSET_END;
    krafka_tp_list_t one = {.elems = &l->elems[0], .cnt = 1, .cap = 1};
    err = list_one_leader(k, &one, leader, until);
    if (!err && !(err = l->elems[0].err)) {
        one.elems = &l->elems[1];
        err = list_one_leader(k, &one, leader, until);
        if (!err)
            err = l->elems[1].err;
    }
    if (!err) {
        *low = l->elems[0].offset;
        *high = l->elems[1].offset;
    }
    krafka_tp_list_destroy(l);
    return err;
}
