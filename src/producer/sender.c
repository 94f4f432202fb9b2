/*
 * The sender, on the I/O thread: closes batches whose linger.ms passed (or
 * all of them during a flush), expires what waited past message.timeout.ms,
 * drains ready batches per partition leader into one ProduceRequest per
 * broker (one batch per partition), and handles the answers: delivery
 * reports, retries with growing backoff, and idempotent sequence numbers
 * (KIP-98), which are given to a batch when it is first sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "producer/producer.h"
#include "protocol/apis.h"
#include "util/time.h"

/* Batches of one partition in flight at once: idempotence allows 5, and
 * more would not help: a broker handles a connection's requests one at a
 * time, so records are better batched while 5 are on their way. */
#define MAX_INFLIGHT_PER_PARTITION 5

struct produce_req {
    struct kr_req req;
    struct krafka_producer *p;
    struct produce_req *next, *prev;       /* in p->reqs */
    struct kr_ProduceRequest msg;
    struct kr_TopicProduceData *topics;   /* owned */
    struct kr_PartitionProduceData *parts; /* owned, one per batch */
    struct kr_pbatch **batches;            /* owned array, borrowed items */
    int32_t *tidx;                         /* owned: batch -> topics[] */
    int32_t cnt;
};

static int inflight_max(const struct krafka_producer *p)
{
    int32_t m = p->conf->max_in_flight;
    return m < MAX_INFLIGHT_PER_PARTITION ? m : MAX_INFLIGHT_PER_PARTITION;
}

struct builder {
    int32_t broker;
    struct kr_pbatch **batches; /* owned */
    int32_t cnt, cap;
    size_t bytes;               /* sum of the batches' sizes */
};

static void sender_timer_cb(struct kr_loop *l, struct kr_timer *t);
static void sender_run(struct krafka_producer *p);

void kr_sender_init(struct krafka_producer *p)
{
    kr_timer_init(&p->sender_timer, sender_timer_cb, p);
    p->producer_id = -1;
    p->producer_epoch = -1;
    atomic_store(&p->wake_at_us, INT64_MAX);
}

void kr_sender_want(struct krafka_producer *p, int64_t at_us)
{
    int_fast64_t cur = atomic_load(&p->wake_at_us);
    while (at_us < cur) {
        if (atomic_compare_exchange_weak(&p->wake_at_us, &cur, at_us)) {
            kr_loop_wake(&p->c->loop);
            return;
        }
    }
}

void kr_sender_room_short(struct krafka_producer *p)
{
    if (!atomic_load_explicit(&p->room_short, memory_order_relaxed) &&
        !atomic_exchange(&p->room_short, true))
        kr_loop_wake(&p->c->loop);
}

/* ---- idempotence: the producer id ---- */

struct pid_req {
    struct kr_req req;
    struct kr_InitProducerIdRequest msg;
    struct krafka_producer *p;
};

static void pid_done(struct kr_client *c, struct kr_req *r, krafka_err_t err,
                     const char *errstr, const void *resp, int16_t v)
{
    (void)v;
    struct pid_req *pr = (struct pid_req *)r;
    struct krafka_producer *p = pr->p;
    free(pr);
    if (err == KRAFKA_ERR_LOCAL_DESTROY)
        return;
    p->pid_inflight = false;
    const struct kr_InitProducerIdResponse *res = resp;
    if (err == KRAFKA_ERR_NONE && res->ErrorCode) {
        err = (krafka_err_t)res->ErrorCode;
        errstr = krafka_err2str(err);
    }
    if (err != KRAFKA_ERR_NONE) {
        /* Retriable ones (e.g. COORDINATOR_LOAD_IN_PROGRESS at a broker's
         * start) are routine: debug only. */
        if (krafka_err_is_retriable(err))
            kr_dbg(&c->log, KR_DBG_PRODUCER, "PID",
                   "InitProducerId failed: %s; retrying", errstr);
        else
            kr_log(&c->log, KRAFKA_LOG_WARNING, "PID",
                   "InitProducerId failed: %s", errstr);
        p->pid_retry_us = kr_now_us() +
                          (int64_t)c->conf->retry_backoff_ms * 1000;
        sender_run(p); /* arms the sender timer for the retry */
        return;
    }
    p->producer_id = res->ProducerId;
    p->producer_epoch = res->ProducerEpoch;
    kr_dbg(&c->log, KR_DBG_PRODUCER, "PID", "producer id %lld epoch %d",
           (long long)p->producer_id, p->producer_epoch);
    sender_run(p);
}

static void init_pid(struct krafka_producer *p)
{
    if (p->pid_inflight || kr_now_us() < p->pid_retry_us)
        return;
    struct pid_req *pr = calloc(1, sizeof *pr);
    if (!pr)
        return;
    pr->p = p;
    pr->msg = (struct kr_InitProducerIdRequest){
        .TransactionalId = {NULL, -1}, .TransactionTimeoutMs = 60000,
        .ProducerId = -1, .ProducerEpoch = -1};
    pr->req = (struct kr_req){
        .api = &kr_api_InitProducerId, .msg = &pr->msg,
        .broker_id = KR_BROKER_ANY, .retry_transport = true,
        .deadline_us = kr_now_us() +
                       (int64_t)p->conf->request_timeout_ms * 1000,
        .done = pid_done};
    p->pid_inflight = true;
    kr_client_send(p->c, &pr->req);
}

/* A sequence error the retries can't explain: start over with a new
 * producer id, every partition's sequence from 0 (KIP-360 bumps the epoch;
 * a new id is the same for a producer without transactions). */
static void reset_pid(struct krafka_producer *p, const char *why)
{
    if (p->producer_id < 0)
        return;
    kr_log(&p->c->log, KRAFKA_LOG_WARNING, "PID",
           "resetting producer id %lld: %s", (long long)p->producer_id, why);
    p->producer_id = -1;
    pthread_rwlock_rdlock(&p->topics_lock);
    for (size_t i = 0; i < p->topic_cnt; i++) {
        struct kr_ptopic *t = p->topics[i];
        int n = atomic_load(&t->partition_cnt);
        for (int j = 0; j < n; j++) {
            struct kr_ppart *pp = kr_ptopic_part(t, j);
            pp->next_seq = 0;
            pp->acked = false;
            kr_lock(&pp->lock);
            for (struct kr_pbatch *b = pp->ready; b; b = b->next)
                b->base_seq = -1;
            kr_unlock(&pp->lock);
        }
    }
    pthread_rwlock_unlock(&p->topics_lock);
}

/* ---- retries ---- */

/* Puts @b back into its partition's queue before every batch closed after
 * it: the queue stays in close order whatever order the answers of the
 * batches in flight come back in, and with or without sequence numbers (a
 * producer id reset clears them). */
static void requeue(struct kr_ppart *pp, struct kr_pbatch *b)
{
    kr_lock(&pp->lock);
    struct kr_pbatch **at = &pp->ready;
    while (*at && (*at)->order < b->order)
        at = &(*at)->next;
    b->next = *at;
    *at = b;
    if (!b->next)
        pp->ready_tail = b;
    kr_unlock(&pp->lock);
}

static bool refresh_worthy(krafka_err_t err)
{
    return err == KRAFKA_ERR_NOT_LEADER_OR_FOLLOWER ||
           err == KRAFKA_ERR_LEADER_NOT_AVAILABLE ||
           err == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
           err == KRAFKA_ERR_UNKNOWN_TOPIC_ID ||
           err == KRAFKA_ERR_FENCED_LEADER_EPOCH ||
           err == KRAFKA_ERR_LOCAL_TRANSPORT ||
           err == KRAFKA_ERR_LOCAL_TIMED_OUT ||
           err == KRAFKA_ERR_LOCAL_UNKNOWN_BROKER;
}

static int64_t retry_backoff_us(const struct krafka_conf *cf, int attempts)
{
    int64_t b = cf->retry_backoff_ms;
    for (int i = 1; i < attempts && b < cf->retry_backoff_max_ms; i++)
        b *= 2;
    if (b > cf->retry_backoff_max_ms)
        b = cf->retry_backoff_max_ms;
    return b * 1000;
}

static void batch_error(struct krafka_producer *p, struct kr_pbatch *b,
                        krafka_err_t err, const char *errstr)
{
    const struct krafka_conf *cf = p->conf;
    int64_t now = kr_now_us();
    if (b->purged) {
        kr_pbatch_free(b);
        return;
    }
    bool seq_err = err == KRAFKA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER ||
                   err == KRAFKA_ERR_UNKNOWN_PRODUCER_ID ||
                   err == KRAFKA_ERR_INVALID_PRODUCER_EPOCH;
    /* Local memory running out is passing too: fail the batch only at
     * its deadline, as for any retriable error. */
    /* So is a leader missing from the broker list (the metadata that
     * named it could not all be stored): the refresh brings it. */
    bool retriable = (krafka_err_is_retriable(err) || seq_err ||
                      err == KRAFKA_ERR_LOCAL_NOMEM ||
                      err == KRAFKA_ERR_LOCAL_UNKNOWN_BROKER) &&
                     err != KRAFKA_ERR_LOCAL_DESTROY;
    kr_m_inc(p->m.errors);
    if (retriable && b->attempts <= cf->retries && now < b->deadline_us) {
        if (refresh_worthy(err))
            kr_md_refresh(p->c, "produce error");
        /* A sequence error is expected behind a refused batch; for a
         * batch sent alone (a first or a resent one) it means the broker's
         * state moved on: only a new producer id gets out of it. */
        if (seq_err && (!b->part->retrying || b->attempts > 1))
            reset_pid(p, krafka_err2name(err));
        kr_dbg(&p->c->log, KR_DBG_PRODUCER, "RETRY",
               "%s [%d]: %d records (seq %d, pid %lld), attempt %d: %s",
               b->part->topic->name, (int)b->part->id, (int)b->cnt,
               (int)b->base_seq, (long long)b->pid, b->attempts, errstr);
        kr_m_inc(p->m.retries);
        b->retry_at_us = now + retry_backoff_us(cf, b->attempts);
        b->part->retrying = true;
        if (p->producer_id < 0)
            b->base_seq = -1;
        requeue(b->part, b);
        return;
    }
    if (now >= b->deadline_us && retriable)
        err = KRAFKA_ERR_LOCAL_MSG_TIMED_OUT;
    kr_dr_fail_batch(p, b, err, errstr);
}

/* ---- answers ---- */

static void batch_ok(struct krafka_producer *p, struct kr_pbatch *b,
                     const struct kr_PartitionProduceResponse *pr)
{
    if (b->purged) {
        kr_pbatch_free(b);
        return;
    }
    struct kr_ppart *pp = b->part;
    if (!p->conf->enable_idempotence || b->pid == p->producer_id)
        pp->acked = true;
    kr_m_inc(p->m.batches_sent);
    if (pp->retrying && (!pp->ready || pp->ready->attempts == 0))
        pp->retrying = false;
    kr_dr_take_batch(p, b, pr ? pr->BaseOffset : -1,
                     pr ? pr->LogAppendTimeMs : -1, KRAFKA_ERR_NONE, NULL);
    kr_pbatch_free(b);
}

static void partition_result(struct krafka_producer *p, struct kr_pbatch *b,
                             const struct kr_PartitionProduceResponse *pr)
{
    krafka_err_t err = (krafka_err_t)pr->ErrorCode;
    /* The broker already has this batch (a retry of a written one). */
    if (err == KRAFKA_ERR_NONE || err == KRAFKA_ERR_DUPLICATE_SEQUENCE_NUMBER) {
        batch_ok(p, b, err == KRAFKA_ERR_NONE ? pr : NULL);
        return;
    }
    char msg[400];
    int n = snprintf(msg, sizeof msg, "%s: %.*s", krafka_err2str(err),
                     pr->ErrorMessage.len > 0 ? (int)pr->ErrorMessage.len : 0,
                     pr->ErrorMessage.len > 0 ? pr->ErrorMessage.ptr : "");
    /* The first per-record error (RecordErrors, v8+, KIP-467). */
    if (pr->RecordErrorsCnt > 0 && n > 0 && (size_t)n < sizeof msg) {
        const struct kr_BatchIndexAndErrorMessage *re = &pr->RecordErrors[0];
        snprintf(msg + n, sizeof msg - (size_t)n, " (record %d: %.*s)",
                 (int)re->BatchIndex,
                 re->BatchIndexErrorMessage.len > 0
                     ? (int)re->BatchIndexErrorMessage.len
                     : 0,
                 re->BatchIndexErrorMessage.len > 0
                     ? re->BatchIndexErrorMessage.ptr
                     : "");
    }
    batch_error(p, b, err, msg);
}

/* The batch of @pr answering topic response @tr / partition @idx: topics
 * are named by TopicId from v13 (KIP-516), by Name before. */
static struct kr_pbatch *find_batch(struct produce_req *pr,
                                    const struct kr_TopicProduceResponse *tr,
                                    int32_t idx)
{
    for (int32_t i = 0; i < pr->cnt; i++) {
        struct kr_pbatch *b = pr->batches[i];
        if (!b || b->part->id != idx)
            continue;
        const struct kr_TopicProduceData *td = &pr->topics[pr->tidx[i]];
        bool match = pr->req.ver >= 13
                         ? memcmp(tr->TopicId.b, td->TopicId.b, 16) == 0
                         : kr_str_eq(tr->Name, b->part->topic->name);
        if (match)
            return b;
    }
    return NULL;
}

static void produce_answered(struct produce_req *pr,
                             const struct kr_ProduceResponse *res)
{
    for (int32_t t = 0; t < res->ResponsesCnt; t++) {
        const struct kr_TopicProduceResponse *tr = &res->Responses[t];
        for (int32_t i = 0; i < tr->PartitionResponsesCnt; i++) {
            const struct kr_PartitionProduceResponse *ppr =
                &tr->PartitionResponses[i];
            struct kr_pbatch *b = find_batch(pr, tr, ppr->Index);
            if (!b)
                continue;
            for (int32_t k = 0; k < pr->cnt; k++)
                if (pr->batches[k] == b)
                    pr->batches[k] = NULL;
            partition_result(pr->p, b, ppr);
        }
    }
    /* Batches the answer did not mention: resend. */
    for (int32_t k = 0; k < pr->cnt; k++)
        if (pr->batches[k])
            batch_error(pr->p, pr->batches[k], KRAFKA_ERR_LOCAL_BAD_MSG,
                        "the broker's answer did not mention the partition");
}

static void produce_req_free(struct produce_req *pr)
{
    if (pr->prev)
        pr->prev->next = pr->next;
    else if (pr->p->reqs == pr)
        pr->p->reqs = pr->next;
    if (pr->next)
        pr->next->prev = pr->prev;
    free(pr->topics);
    free(pr->parts);
    free(pr->batches);
    free(pr->tidx);
    free(pr);
}

static void produce_done(struct kr_client *c, struct kr_req *r,
                         krafka_err_t err, const char *errstr,
                         const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct produce_req *pr = (struct produce_req *)r;
    struct krafka_producer *p = pr->p;
    for (int32_t i = 0; i < pr->cnt; i++)
        pr->batches[i]->part->inflight--;
    if (err != KRAFKA_ERR_NONE) {
        for (int32_t i = 0; i < pr->cnt; i++)
            batch_error(p, pr->batches[i], err, errstr);
    } else if (!resp) { /* acks=0: done when written */
        for (int32_t i = 0; i < pr->cnt; i++)
            batch_ok(p, pr->batches[i], NULL);
    } else {
        const struct kr_ProduceResponse *res = resp;
        if (res->ThrottleTimeMs > 0)
            kr_m_rec(p->m.throttle_time, (int64_t)res->ThrottleTimeMs * 1000);
        produce_answered(pr, resp);
    }
    produce_req_free(pr);
    if (err != KRAFKA_ERR_LOCAL_DESTROY)
        sender_run(p);
}

/* ---- building requests ---- */

/* Adds @b to a request for @broker with room for it: a request carries at
 * most message.max.bytes of batches (librdkafka's meaning). */
static bool builder_add(struct builder **bs, int32_t *n, int32_t broker,
                        struct kr_pbatch *b, size_t max)
{
    struct builder *bl = NULL;
    for (int32_t i = 0; i < *n && !bl; i++)
        if ((*bs)[i].broker == broker &&
            ((*bs)[i].bytes + b->buf.len <= max || (*bs)[i].cnt == 0))
            bl = &(*bs)[i];
    if (!bl) {
        struct builder *nb = realloc(*bs, (size_t)(*n + 1) * sizeof *nb);
        if (!nb)
            return false;
        *bs = nb;
        bl = &nb[(*n)++];
        *bl = (struct builder){.broker = broker};
    }
    if (bl->cnt == bl->cap) {
        int32_t cap = bl->cap ? bl->cap * 2 : 16;
        struct kr_pbatch **a = realloc(bl->batches, (size_t)cap * sizeof *a);
        if (!a)
            return false;
        bl->batches = a;
        bl->cap = cap;
    }
    bl->batches[bl->cnt++] = b;
    bl->bytes += b->buf.len;
    return true;
}

/* Gives a batch its producer id and sequence when first sent. */
static void stamp(struct krafka_producer *p, struct kr_pbatch *b)
{
    /* Stamped already, unless the producer id changed since (reset). */
    if (!p->conf->enable_idempotence ||
        (b->base_seq >= 0 && b->pid == p->producer_id &&
         b->epoch == p->producer_epoch))
        return;
    struct kr_ppart *pp = b->part;
    b->base_seq = pp->next_seq;
    b->pid = p->producer_id;
    b->epoch = p->producer_epoch;
    pp->next_seq += b->cnt;
    kr_batch_set_producer(b->buf.data, b->buf.len, p->producer_id,
                          p->producer_epoch, b->base_seq);
}

/* Fills topics/parts of @pr from its batches (grouped by topic: batches of
 * one topic are adjacent, as the sender collects them). */
static bool fill_request(struct krafka_producer *p, struct produce_req *pr)
{
    int32_t n = pr->cnt;
    pr->topics = calloc((size_t)n, sizeof *pr->topics);
    pr->parts = calloc((size_t)n, sizeof *pr->parts);
    pr->tidx = calloc((size_t)n, sizeof *pr->tidx);
    if (!pr->topics || !pr->parts || !pr->tidx)
        return false;
    int32_t nt = -1;
    struct kr_ptopic *last = NULL;
    for (int32_t i = 0; i < n; i++) {
        struct kr_pbatch *b = pr->batches[i];
        if (b->part->topic != last) {
            last = b->part->topic;
            struct kr_TopicProduceData *td = &pr->topics[++nt];
            td->Name = kr_str_c(last->name);
            int16_t terr;
            kr_md_topic_info(p->c, last->name, td->TopicId.b, &terr);
            td->PartitionData = &pr->parts[i];
        }
        pr->topics[nt].PartitionDataCnt++;
        pr->tidx[i] = nt;
        stamp(p, b);
        pr->parts[i] = (struct kr_PartitionProduceData){
            .Index = b->part->id,
            .Records = {b->buf.data, (int32_t)b->buf.len}};
    }
    pr->msg.TopicDataCnt = nt + 1;
    pr->msg.TopicData = pr->topics;
    return true;
}

static bool ids_known(const struct produce_req *pr)
{
    for (int32_t i = 0; i < pr->msg.TopicDataCnt; i++)
        if (!kr_id_known(pr->topics[i].TopicId.b))
            return false;
    return true;
}

/* Sends @bl's batches in one request; false when there was no memory for
 * it: the batches went back to their queues (in order) for a later pass. */
static bool send_builder(struct krafka_producer *p, struct builder *bl,
                         int64_t now)
{
    const struct krafka_conf *cf = p->conf;
    struct produce_req *pr = calloc(1, sizeof *pr);
    int64_t deadline = INT64_MAX;
    if (!pr) {
        for (int32_t i = 0; i < bl->cnt; i++)
            requeue(bl->batches[i]->part, bl->batches[i]);
        return false;
    }
    pr->p = p;
    pr->batches = bl->batches;
    pr->cnt = bl->cnt;
    bl->batches = NULL;
    kr_produce_request_init(&pr->msg);
    if (!fill_request(p, pr)) {
        for (int32_t i = 0; i < pr->cnt; i++)
            requeue(pr->batches[i]->part, pr->batches[i]);
        produce_req_free(pr);
        return false;
    }
    pr->msg.Acks = (int16_t)cf->acks;
    pr->msg.TimeoutMs = cf->request_timeout_ms;
    if (p->m.request_records) {
        int64_t recs = 0;
        for (int32_t i = 0; i < pr->cnt; i++) {
            recs += pr->batches[i]->cnt;
            if (pr->batches[i]->attempts == 0)
                kr_latency_record(p->m.queue_time,
                                  now - pr->batches[i]->first_us);
        }
        kr_latency_record(p->m.request_records, recs);
    }
    /* One attempt waits at most request.timeout.ms (then it is retried,
     * as Java and librdkafka do), and never past a batch's deadline. */
    deadline = kr_now_us() + (int64_t)cf->request_timeout_ms * 1000;
    for (int32_t i = 0; i < pr->cnt; i++) {
        pr->batches[i]->attempts++;
        pr->batches[i]->part->inflight++;
        if (pr->batches[i]->deadline_us < deadline)
            deadline = pr->batches[i]->deadline_us;
    }
    /* zstd needs Produce v7 (KIP-110); TopicId-only v13 needs the id. */
    pr->req = (struct kr_req){
        .api = &kr_api_Produce, .msg = &pr->msg, .broker_id = bl->broker,
        .min_ver = cf->compression == KR_COMPRESSION_ZSTD ? 7 : 3,
        .max_ver = ids_known(pr) ? 0 : 12,
        .deadline_us = deadline,
        /* A leader that cannot be reached fails the attempt at once (and
         * the retry refreshes the metadata), rather than holding its
         * batches until the broker is back. */
        .fail_fast = true,
        .no_response = cf->acks == 0, .done = produce_done};
    pr->next = p->reqs;
    if (p->reqs)
        p->reqs->prev = pr;
    p->reqs = pr;
    kr_client_send(p->c, &pr->req);
    return true;
}

/* ---- the sender pass ---- */

struct pass {
    int64_t now;
    int64_t next;           /* when the sender must run again */
    bool flushing;
    bool room_short;        /* a send found the queue full */
    bool can_send;          /* producer id known (or not needed) */
    struct builder *bs;     /* owned */
    int32_t nb;
};

static bool may_send(const struct krafka_producer *p,
                     const struct kr_ppart *pp, const struct kr_pbatch *b,
                     int64_t now)
{
    if (now < b->retry_at_us)
        return false;
    /* A resent batch goes alone, so the broker sees sequences in order. */
    if (b->attempts > 0 && pp->inflight > 0)
        return false;
    /* So does the first batch of a partition (of a producer id): a second
     * batch landing before a refused first one (NOT_LEADER right after a
     * leader election) would be written ahead of it, and a broker takes
     * any first sequence from a producer it doesn't know. */
    if (!pp->acked && pp->inflight > 0)
        return false;
    int max = inflight_max(p);
    return pp->inflight < max;
}

/* Fails ready batches past message.timeout.ms that were never sent (a
 * sent one may be in the log: it waits for its answer or retry). */
static void expire(struct kr_ppart *pp, int64_t now,
                   struct kr_pbatch **expired)
{
    struct kr_pbatch **at = &pp->ready, *prev = NULL;
    while (*at) {
        struct kr_pbatch *b = *at;
        if (b->deadline_us <= now && b->base_seq < 0) {
            *at = b->next;
            b->next = *expired;
            *expired = b;
            continue;
        }
        prev = b;
        at = &b->next;
    }
    pp->ready_tail = prev;
}

/* Whether the open batch closes now: on a flush, at its deadline, or once
 * linger.ms passed (or memory is short: the queue is full, so waiting
 * longer gains nothing) and the partition can send it at once. A batch
 * that would only wait in the ready queue stays open and keeps filling:
 * closing it early would make one-record batches under load with
 * linger.ms=0. The sender runs again when an answer frees a slot. */
static bool close_due(const struct krafka_producer *p,
                      const struct kr_ppart *pp, const struct pass *ps,
                      int64_t linger)
{
    const struct kr_pbatch *b = pp->open;
    if (ps->flushing || ps->now >= b->deadline_us)
        return true;
    if (ps->now < b->first_us + linger && !ps->room_short)
        return false;
    int max = inflight_max(p);
    return ps->can_send && !pp->ready && pp->inflight < max;
}

/* One partition: linger, expiry, and the batch to send, if any. */
static struct kr_pbatch *part_pass(struct krafka_producer *p,
                                   struct kr_ppart *pp, struct pass *ps,
                                   struct kr_pbatch **expired)
{
    int64_t linger = (int64_t)p->conf->linger_ms * 1000;
    struct kr_pbatch *take = NULL;
    kr_lock(&pp->lock);
    if (pp->open && close_due(p, pp, ps, linger))
        kr_accum_close(p, pp);
    else if (pp->open && pp->open->first_us + linger > ps->now &&
             pp->open->first_us + linger < ps->next)
        ps->next = pp->open->first_us + linger;
    expire(pp, ps->now, expired);
    struct kr_pbatch *b = pp->ready;
    if (b && ps->can_send && may_send(p, pp, b, ps->now)) {
        pp->ready = b->next;
        if (!pp->ready)
            pp->ready_tail = NULL;
        b->next = NULL;
        take = b;
    } else if (b) {
        int64_t t = b->retry_at_us > ps->now ? b->retry_at_us : INT64_MAX;
        if (b->deadline_us < t && b->base_seq < 0)
            t = b->deadline_us;
        if (t < ps->next)
            ps->next = t;
    }
    kr_unlock(&pp->lock);
    return take;
}

static void route_batch(struct krafka_producer *p, struct pass *ps,
                        struct kr_pbatch *b, struct kr_pbatch **expired)
{
    int32_t leader = -1, epoch;
    krafka_err_t err = kr_md_leader(p->c, b->part->topic->name, b->part->id,
                                    &leader, &epoch);
    if (err != KRAFKA_ERR_NONE ||
        !builder_add(&ps->bs, &ps->nb, leader, b,
                     (size_t)p->conf->message_max_bytes)) {
        /* expire() spares a batch sent before (its retry decides), but
         * with no leader there is no retry: it times out here. */
        if (ps->now >= b->deadline_us) {
            b->next = *expired;
            *expired = b;
            return;
        }
        kr_md_refresh(p->c, "no leader for a ready batch");
        requeue(b->part, b);
        int64_t t = ps->now + (int64_t)p->conf->retry_backoff_ms * 1000;
        if (t < ps->next)
            ps->next = t;
    }
}

static void topic_pass(struct krafka_producer *p, struct kr_ptopic *t,
                       struct pass *ps, struct kr_pbatch **expired)
{
    int n = atomic_load(&t->partition_cnt);
    /* Records parked for metadata may expire, or wait for memory to be
     * placed. */
    if (n < 0 || !atomic_load(&t->direct)) {
        int64_t at = kr_producer_unpark(p, t);
        if (at < ps->next)
            ps->next = at;
        if (n < 0)
            return;
    }
    for (int i = 0; i < n; i++) {
        struct kr_pbatch *b = part_pass(p, kr_ptopic_part(t, i), ps, expired);
        if (b)
            route_batch(p, ps, b, expired);
    }
}

static void fail_expired(struct krafka_producer *p, struct kr_pbatch *b)
{
    while (b) {
        struct kr_pbatch *next = b->next;
        char msg[400];
        if (b->encode_err) { /* due at once (kr_accum_close) */
            snprintf(msg, sizeof msg, "could not encode the batch: %s",
                     krafka_err2str(b->encode_err));
            kr_dr_fail_batch(p, b, b->encode_err, msg);
            b = next;
            continue;
        }
        /* A topic deleted meanwhile is the likely reason: say so. */
        uint8_t id[16];
        int16_t terr = 0;
        const char *name = b->part->topic->name;
        bool gone = kr_md_topic_info(p->c, name, id, &terr) &&
                    terr == KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
        snprintf(msg, sizeof msg,
                 "%s%.200s%snot delivered within message.timeout.ms "
                 "(%d ms)", gone ? "topic \"" : "", gone ? name : "",
                 gone ? "\" does not exist (deleted?): " : "",
                 (int)p->conf->message_timeout_ms);
        kr_dr_fail_batch(p, b, KRAFKA_ERR_LOCAL_MSG_TIMED_OUT, msg);
        b = next;
    }
}

static void sender_pass(struct krafka_producer *p)
{
    struct pass ps = {.now = kr_now_us(), .next = INT64_MAX,
                      .flushing = atomic_load(&p->flushing) > 0,
                      .room_short = atomic_load(&p->room_short),
                      .can_send = !p->conf->enable_idempotence ||
                                  p->producer_id >= 0};
    if (!ps.can_send) {
        init_pid(p);
        /* A failed InitProducerId is retried when its backoff ends. */
        if (!p->pid_inflight && p->pid_retry_us > ps.now)
            ps.next = p->pid_retry_us;
    }
    kr_fastclock_tick(&p->clock, ps.now);
    if (ps.now - p->wall_offset_at_us > 1000000) {
        kr_producer_wall_sync(p);
        p->wall_offset_at_us = ps.now;
    }
    atomic_store(&p->wake_at_us, INT64_MAX);
    struct kr_pbatch *expired = NULL;
    pthread_rwlock_rdlock(&p->topics_lock);
    for (size_t i = 0; i < p->topic_cnt; i++)
        topic_pass(p, p->topics[i], &ps, &expired);
    pthread_rwlock_unlock(&p->topics_lock);
    fail_expired(p, expired);
    for (int32_t i = 0; i < ps.nb; i++) {
        if (!send_builder(p, &ps.bs[i], ps.now)) { /* no memory: later */
            int64_t t = ps.now + (int64_t)p->conf->retry_backoff_ms * 1000;
            if (t < ps.next)
                ps.next = t;
        }
        free(ps.bs[i].batches);
    }
    free(ps.bs);
    if (ps.next != INT64_MAX)
        kr_timer_at(&p->c->loop, &p->sender_timer, ps.next);
    else
        kr_timer_stop(&p->c->loop, &p->sender_timer);
}

/* A pass can complete requests at once (acks=0 ends when written, a
 * request to an unknown broker fails at once) and their completion runs
 * the sender again: that nested pass would send a partition's next batch
 * before the outer pass has sent the batch it already took, reordering
 * the log. So a nested call only asks the running pass to go round again.
 * Thread: io. */
static void sender_run(struct krafka_producer *p)
{
    if (p->sender_running) {
        p->sender_again = true;
        return;
    }
    p->sender_running = true;
    do {
        p->sender_again = false;
        sender_pass(p);
    } while (p->sender_again);
    p->sender_running = false;
}

static void sender_timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    sender_run(t->arg);
}

void kr_sender_wake(struct kr_client *c, void *arg)
{
    (void)c;
    sender_run(arg);
}

void kr_sender_metadata(struct kr_client *c, void *arg)
{
    (void)c;
    struct krafka_producer *p = arg;
    pthread_rwlock_rdlock(&p->topics_lock);
    for (size_t i = 0; i < p->topic_cnt; i++)
        kr_producer_unpark(p, p->topics[i]);
    pthread_rwlock_unlock(&p->topics_lock);
    sender_run(p);
}

/* ---- purge ---- */

static void purge_part(struct krafka_producer *p, struct kr_ppart *pp,
                       krafka_err_t err, const char *errstr)
{
    kr_lock(&pp->lock);
    kr_accum_close(p, pp);
    struct kr_pbatch *b = pp->ready;
    pp->ready = pp->ready_tail = NULL;
    kr_unlock(&pp->lock);
    while (b) {
        struct kr_pbatch *next = b->next;
        kr_dr_fail_batch(p, b, err, errstr);
        b = next;
    }
}

/* Reports the batches of requests in flight as purged; their answers
 * are ignored when they come. */
static void purge_inflight(struct krafka_producer *p)
{
    for (struct produce_req *pr = p->reqs; pr; pr = pr->next)
        for (int32_t i = 0; i < pr->cnt; i++) {
            struct kr_pbatch *b = pr->batches[i];
            if (!b || b->purged)
                continue;
            kr_dr_take_batch(p, b, -1, -1, KRAFKA_ERR_LOCAL_PURGE_INFLIGHT,
                             "purged while in flight");
            b->purged = true;
        }
}

void kr_sender_purge(struct krafka_producer *p, bool queued, bool inflight)
{
    if (inflight)
        purge_inflight(p);
    if (queued)
        kr_sender_fail_queued(p, KRAFKA_ERR_LOCAL_PURGE_QUEUE,
                              "purged before it was sent");
}

void kr_sender_fail_queued(struct krafka_producer *p, krafka_err_t err,
                           const char *errstr)
{
    pthread_rwlock_rdlock(&p->topics_lock);
    for (size_t i = 0; i < p->topic_cnt; i++) {
        struct kr_ptopic *t = p->topics[i];
        int n = atomic_load(&t->partition_cnt);
        for (int j = 0; j < n; j++)
            purge_part(p, kr_ptopic_part(t, j), err, errstr);
    }
    pthread_rwlock_unlock(&p->topics_lock);
}

/* The client's connections fail in a way only the configuration can fix
 * (authentication, TLS): records waiting to be sent fail with that error
 * now rather than at message.timeout.ms. */
void kr_sender_fatal(struct kr_client *c, krafka_err_t err,
                     const char *errstr, void *arg)
{
    (void)c;
    struct krafka_producer *p = arg;
    pthread_rwlock_rdlock(&p->topics_lock);
    kr_producer_fail_parked(p, err, errstr);
    pthread_rwlock_unlock(&p->topics_lock);
    kr_sender_fail_queued(p, err, errstr);
}
