/*
 * The fetcher (I/O thread): start offsets (OffsetFetch for the committed
 * offset, ListOffsets for beginning/end/timestamps) and one Fetch per
 * leader at a time on the broker's fetch lane, sized so that what is
 * queued plus what may arrive stays under queued.max.messages.kbytes.
 */
#include <stdlib.h>
#include <string.h>

#include "consumer/cgrp.h"
#include "consumer/consumer.h"
#include "protocol/api_fetch.h"
#include "protocol/api_listoffsets.h"
#include "protocol/api_offsetfetch.h"
#include "util/time.h"

/* A partition in a request: which position it was for. */
struct fentry {
    struct kr_toppar *tp; /* owned reference */
    uint32_t version;
    int64_t offset;
    int32_t leader_epoch;  /* CurrentLeaderEpoch (KIP-320) */
    uint8_t topic_id[16];
};

struct freq {
    struct kr_req req;
    struct krafka_consumer *k; /* borrowed */
    int32_t broker;
    size_t reserved;           /* bytes reserved in the queue */
    struct fentry *ents;       /* owned */
    int32_t ent_cnt;
    /* request storage */
    struct kr_FetchRequest msg;
    struct kr_FetchTopic *topics;
    struct kr_FetchPartition *parts;
    int32_t part_cnt;
    struct kr_ForgottenTopic *forgot;
    int32_t *forgot_parts;
    int32_t forgot_part_cnt;
    int32_t sent_epoch;        /* SessionEpoch sent */
    struct kr_ListOffsetsRequest lo;
    struct kr_ListOffsetsTopic *lo_topics;
    struct kr_ListOffsetsPartition *lo_parts;
    struct kr_OffsetFetchRequest of;
    struct kr_OffsetFetchRequestGroup of_group;
    struct kr_OffsetFetchRequestTopics *of_topics;
    int32_t *of_parts;
};

static void freq_free(struct freq *f)
{
    for (int32_t i = 0; i < f->ent_cnt; i++)
        kr_toppar_release(f->ents[i].tp);
    free(f->ents);
    free(f->topics);
    free(f->parts);
    free(f->forgot);
    free(f->forgot_parts);
    free(f->lo_topics);
    free(f->lo_parts);
    free(f->of_topics);
    free(f->of_parts);
    free(f);
}

static struct fentry *fentry_find(struct freq *f, struct kr_str topic,
                                  int32_t partition)
{
    for (int32_t i = 0; i < f->ent_cnt; i++)
        if (f->ents[i].tp->partition == partition &&
            kr_str_eq(topic, f->ents[i].tp->topic))
            return &f->ents[i];
    return NULL;
}

/* Is @tp's request answer still about its current position? Lock held. */
static bool entry_current(const struct fentry *e)
{
    return e->tp->assigned &&
           atomic_load(&e->tp->version) == e->version;
}

static void arm_backoff(struct krafka_consumer *k, struct kr_toppar *tp)
{
    tp->backoff_until_us =
        kr_now_us() + (int64_t)k->conf->fetch_error_backoff_ms * 1000;
    if (!kr_timer_armed(&k->fetch_timer) ||
        k->fetch_timer.due_us > tp->backoff_until_us)
        kr_timer_at(&k->c->loop, &k->fetch_timer, tp->backoff_until_us);
}

/* A request could not be built for want of memory: the fetcher runs
 * again after fetch.error.backoff.ms (nothing else may wake it). */
static void retry_soon(struct krafka_consumer *k)
{
    int64_t at = kr_now_us() + (int64_t)k->conf->fetch_error_backoff_ms * 1000;
    if (!kr_timer_armed(&k->fetch_timer) || k->fetch_timer.due_us > at)
        kr_timer_at(&k->c->loop, &k->fetch_timer, at);
}

/* Requests built under the lock are sent after it is released: a send
 * can complete at once and call back into the fetcher. */
static void defer_send(struct krafka_consumer *k, struct kr_req *r)
{
    r->next = k->outbox;
    k->outbox = r;
}

/* Refreshes metadata if a partition error asked for it. Lock not held:
 * a refresh can complete (and call the consumer back) at once. */
static void refresh_if_wanted(struct krafka_consumer *k)
{
    pthread_mutex_lock(&k->lock);
    bool want = k->want_md;
    k->want_md = false;
    pthread_mutex_unlock(&k->lock);
    if (want)
        kr_md_refresh(k->c, "partition error");
}

static bool retriable_partition_err(int16_t ec)
{
    switch (ec) {
    case KRAFKA_ERR_NOT_LEADER_OR_FOLLOWER:
    case KRAFKA_ERR_FENCED_LEADER_EPOCH:
    case KRAFKA_ERR_UNKNOWN_LEADER_EPOCH:
    case KRAFKA_ERR_LEADER_NOT_AVAILABLE:
    case KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION:
    case KRAFKA_ERR_UNKNOWN_TOPIC_ID:
    case KRAFKA_ERR_INCONSISTENT_TOPIC_ID:
    case KRAFKA_ERR_KAFKA_STORAGE_ERROR:
    case KRAFKA_ERR_NOT_ENOUGH_REPLICAS:
    case KRAFKA_ERR_REPLICA_NOT_AVAILABLE:
    case KRAFKA_ERR_OFFSET_NOT_AVAILABLE:
        return true;
    default:
        return krafka_err_is_retriable((krafka_err_t)ec);
    }
}

/* The offset auto.offset.reset moves to, or 0 for "none". */
static int64_t reset_target(struct krafka_consumer *k)
{
    switch (k->conf->auto_offset_reset) {
    case KR_RESET_EARLIEST:
        return KRAFKA_OFFSET_BEGINNING;
    case KR_RESET_LATEST:
        return KRAFKA_OFFSET_END;
    default:
        return 0;
    }
}

/* No valid position: reset per auto.offset.reset, or stop with an error
 * event. Lock held. */
static void reset_offset(struct krafka_consumer *k, struct kr_toppar *tp,
                         krafka_err_t why, int64_t at)
{
    int64_t target = reset_target(k);
    if (target) {
        kr_log(&k->c->log, KRAFKA_LOG_INFO, "RESET",
               "%s [%d]: %s at offset %lld: resetting to %s", tp->topic,
               (int)tp->partition, krafka_err2str(why), (long long)at,
               target == KRAFKA_OFFSET_BEGINNING ? "beginning" : "end");
        kr_toppar_seek_locked(tp, target, -1);
        return;
    }
    tp->state = KR_TP_STOPPED;
    struct kr_qitem *ev = kr_cons_event(
        tp, why, at,
        "%s [%d]: %s at offset %lld and auto.offset.reset is none",
        tp->topic, (int)tp->partition, krafka_err2str(why), (long long)at);
    if (ev) {
        ev->tp = tp;
        atomic_fetch_add(&tp->refs, 1);
        ev->version = atomic_load(&tp->version);
        kr_cons_enqueue_locked(k, ev);
    }
}

static void partition_error(struct krafka_consumer *k, struct kr_toppar *tp,
                            int16_t ec, int64_t at, const char *what)
{
    kr_m_inc(k->m.errors);
    if (ec == KRAFKA_ERR_OFFSET_OUT_OF_RANGE) {
        reset_offset(k, tp, KRAFKA_ERR_OFFSET_OUT_OF_RANGE, at);
        return;
    }
    arm_backoff(k, tp);
    if (retriable_partition_err(ec)) {
        kr_dbg(&k->c->log, KR_DBG_FETCH, "FETCHERR",
               "%s [%d]: %s: %s: refreshing metadata", tp->topic,
               (int)tp->partition, what, krafka_err2str((krafka_err_t)ec));
        k->want_md = true; /* asked for once the lock is released */
        return;
    }
    struct kr_qitem *ev =
        kr_cons_event(tp, (krafka_err_t)ec, at, "%s [%d]: %s: %s", tp->topic,
                      (int)tp->partition, what,
                      krafka_err2str((krafka_err_t)ec));
    if (ev) {
        ev->tp = tp;
        atomic_fetch_add(&tp->refs, 1);
        ev->version = atomic_load(&tp->version);
        kr_cons_enqueue_locked(k, ev);
    }
}

static void sess_reset(struct kr_fsess *s)
{
    for (int32_t i = 0; i < s->part_cnt; i++)
        kr_toppar_release(s->parts[i].tp);
    free(s->parts);
    s->parts = NULL;
    s->part_cnt = 0;
    s->session_id = 0;
    s->epoch = 0;
}

/* ---- Fetch responses ---- */

/* The offset after the last whole batch of @blob, or -1 when there is
 * none. A MessageSet v0/v1 entry (magic 0/1) ends at its Offset, which for
 * a compressed wrapper is its last inner message's. */
static int64_t blob_next_offset(const uint8_t *p, size_t len)
{
    int64_t next = -1;
    while (len >= KR_BATCH_LOG_OVERHEAD + 5) {
        int64_t base = (int64_t)kr_load_be64(p);
        int32_t blen = (int32_t)kr_load_be32(p + 8);
        if (blen < 0 || (size_t)blen > len - KR_BATCH_LOG_OVERHEAD)
            break;
        if (p[16] == 0 || p[16] == 1) {
            /* 14: the smallest message (Crc .. Value, v0) */
            if (blen < 14 || base < 0 || base == INT64_MAX)
                break;
            next = base + 1;
            p += KR_BATCH_LOG_OVERHEAD + (size_t)blen;
            len -= KR_BATCH_LOG_OVERHEAD + (size_t)blen;
            continue;
        }
        if (p[16] != KR_BATCH_MAGIC)
            break;
        if ((size_t)blen + KR_BATCH_LOG_OVERHEAD < KR_BATCH_HEADER_LEN)
            break;
        int32_t lod = (int32_t)kr_load_be32(p + 23);
        if (base < 0 || lod < 0 || base > INT64_MAX - 1 - lod)
            break;
        next = base + lod + 1;
        p += KR_BATCH_LOG_OVERHEAD + (size_t)blen;
        len -= KR_BATCH_LOG_OVERHEAD + (size_t)blen;
    }
    return next;
}

/* Records in the whole batches of @blob (RecordCount of v2 batches, one
 * per MessageSet v0/v1 entry): for the buffered_records metric. */
static size_t blob_records(const uint8_t *p, size_t len)
{
    size_t n = 0;
    while (len >= KR_BATCH_LOG_OVERHEAD + 5) {
        int32_t blen = (int32_t)kr_load_be32(p + 8);
        if (blen < 0 || (size_t)blen > len - KR_BATCH_LOG_OVERHEAD)
            break;
        if (p[16] == KR_BATCH_MAGIC &&
            (size_t)blen + KR_BATCH_LOG_OVERHEAD >= KR_BATCH_HEADER_LEN) {
            int32_t cnt = (int32_t)kr_load_be32(p + KR_BATCH_HEADER_LEN - 4);
            n += cnt > 0 ? (size_t)cnt : 0;
        } else {
            n++;
        }
        p += KR_BATCH_LOG_OVERHEAD + (size_t)blen;
        len -= KR_BATCH_LOG_OVERHEAD + (size_t)blen;
    }
    return n;
}

static struct kr_qitem *chunk_new(struct fentry *e, struct kr_rframe *frame,
                                  const struct kr_FetchResponsePartitionData *pd,
                                  bool count)
{
    struct kr_qitem *it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    if (pd->AbortedTransactionsCnt > 0) {
        it->aborted = calloc((size_t)pd->AbortedTransactionsCnt,
                             sizeof *it->aborted);
        if (!it->aborted) {
            free(it);
            return NULL;
        }
        for (int32_t i = 0; i < pd->AbortedTransactionsCnt; i++)
            it->aborted[i] = (struct kr_aborted){
                pd->AbortedTransactions[i].ProducerId,
                pd->AbortedTransactions[i].FirstOffset};
        it->aborted_cnt = pd->AbortedTransactionsCnt;
    }
    it->type = KR_QI_CHUNK;
    it->tp = e->tp;
    atomic_fetch_add(&e->tp->refs, 1);
    it->version = e->version;
    it->frame = frame;
    kr_rframe_ref(frame);
    it->blob = pd->Records.ptr;
    it->blob_len = (size_t)pd->Records.len;
    if (count)
        it->rec_cnt = blob_records(it->blob, it->blob_len);
    it->fetch_us = kr_now_us();
    return it;
}

/* One partition of a Fetch response. Lock held. */
static void fetch_partition(struct krafka_consumer *k, struct fentry *e,
                            struct kr_rframe *frame,
                            const struct kr_FetchResponsePartitionData *pd)
{
    struct kr_toppar *tp = e->tp;
    tp->fetching = false;
    if (!entry_current(e) || tp->state != KR_TP_ACTIVE)
        return;
    if (pd->ErrorCode) {
        partition_error(k, tp, pd->ErrorCode, e->offset, "fetch");
        return;
    }
    if (!kr_id_known(tp->topic_id)) {
        /* The id of the metadata the request was built from: newer
         * metadata may already name another. */
        memcpy(tp->topic_id, e->topic_id, sizeof tp->topic_id);
        k->ids_check = true;
    }
    tp->unknown_sent = false; /* a later deletion gives its event again */
    tp->hwm = pd->HighWatermark;
    tp->lso = pd->LastStableOffset;
    tp->log_start = pd->LogStartOffset;
    if (pd->Records.len > 0) {
        int64_t next = blob_next_offset(pd->Records.ptr,
                                        (size_t)pd->Records.len);
        if (next > tp->fetch_pos) {
            struct kr_qitem *it =
                chunk_new(e, frame, pd, k->m.buffered_records != NULL);
            if (!it) {
                arm_backoff(k, tp);
                return;
            }
            kr_cons_enqueue_locked(k, it);
            tp->fetch_pos = next;
            tp->eof_sent = false;
        } else if (next < 0) {
            /* Not one whole batch could be framed (an unknown magic, a
             * bad length): fetching it again at once would loop. The
             * parser tells the application why; retry after a backoff. */
            struct kr_qitem *it =
                chunk_new(e, frame, pd, k->m.buffered_records != NULL);
            if (it)
                kr_cons_enqueue_locked(k, it);
            arm_backoff(k, tp);
            return;
        }
    }
    int64_t end = k->conf->isolation_level == KR_READ_COMMITTED &&
                          tp->lso >= 0
                      ? tp->lso
                      : tp->hwm;
    if (k->conf->enable_partition_eof && !tp->eof_sent &&
        tp->fetch_pos >= end) {
        tp->eof_sent = true;
        struct kr_qitem *ev = kr_cons_event(
            tp, KRAFKA_ERR_LOCAL_PARTITION_EOF, tp->fetch_pos,
            "%s [%d] reached end at offset %lld", tp->topic,
            (int)tp->partition, (long long)tp->fetch_pos);
        if (ev) {
            ev->tp = tp;
            atomic_fetch_add(&tp->refs, 1);
            ev->version = e->version;
            kr_cons_enqueue_locked(k, ev);
        }
    }
}

/* The name of response topic @t: by name (v12-) or by id (v13+), among
 * the session's partitions (an incremental answer may carry any). */
static struct kr_str resp_topic(const struct freq *f,
                                const struct kr_FetchableTopicResponse *t,
                                int16_t v)
{
    if (v <= 12)
        return t->Topic;
    for (int32_t i = 0; i < f->ent_cnt; i++)
        if (memcmp(f->ents[i].topic_id, t->TopicId.b, 16) == 0)
            return kr_str_c(f->ents[i].tp->topic);
    return (struct kr_str){NULL, -1};
}

/* Moves the broker's session on after an answer, or drops it. */
static void sess_answer(struct krafka_consumer *k, const struct freq *f,
                        krafka_err_t err, const struct kr_FetchResponse *res)
{
    for (int32_t i = 0; i < k->sess_cnt; i++) {
        struct kr_fsess *s = &k->sess[i];
        if (s->broker != f->broker)
            continue;
        s->inflight = false;
        if (err) {
            if (s->session_id)
                kr_dbg(&k->c->log, KR_DBG_FETCH, "SESSION",
                       "fetch session %d with broker %d dropped: %s",
                       (int)s->session_id, (int)f->broker,
                       krafka_err2str(err));
            sess_reset(s);
        } else if (f->sent_epoch == 0) {
            s->session_id = res->SessionId;
            s->epoch = 1;
            if (s->session_id)
                kr_dbg(&k->c->log, KR_DBG_FETCH, "SESSION",
                       "fetch session %d established with broker %d "
                       "(%d partitions)",
                       (int)s->session_id, (int)f->broker,
                       (int)s->part_cnt);
        } else {
            s->epoch = s->epoch == INT32_MAX ? 1 : s->epoch + 1;
        }
    }
}

/* The answer named a topic id the request did not: the session and the
 * broker disagree (a topic created again under a new id). Fetching again
 * at once would get the same answer at once, in a loop: drop the session
 * and back off, with a metadata refresh. Lock held. */
static void stray_answer(struct krafka_consumer *k, const struct freq *f)
{
    for (int32_t i = 0; i < k->sess_cnt; i++)
        if (k->sess[i].broker == f->broker) {
            kr_dbg(&k->c->log, KR_DBG_FETCH, "SESSION",
                   "fetch session %d with broker %d answered for a topic "
                   "id it was not asked for: dropped",
                   (int)k->sess[i].session_id, (int)f->broker);
            sess_reset(&k->sess[i]);
        }
    for (int32_t i = 0; i < f->ent_cnt; i++)
        if (entry_current(&f->ents[i]))
            arm_backoff(k, f->ents[i].tp);
    k->want_md = true;
}

static void fetch_done(struct kr_client *c, struct kr_req *r,
                       krafka_err_t err, const char *errstr,
                       const void *resp, int16_t v)
{
    struct freq *f = (struct freq *)r;
    struct krafka_consumer *k = f->k;
    struct kr_rframe *frame = r->frame_kept;
    const struct kr_FetchResponse *res = resp;
    if (err == KRAFKA_ERR_NONE && k->m.fetches) {
        kr_counter_inc(k->m.fetches);
        kr_latency_record(k->m.fetch_latency, kr_now_us() - r->sent_us);
    } else if (err != KRAFKA_ERR_LOCAL_DESTROY) {
        kr_m_inc(k->m.errors);
    }
    pthread_mutex_lock(&k->lock);
    k->fetch_reserved -= f->reserved;
    if (!err && res->ErrorCode)
        err = (krafka_err_t)res->ErrorCode;
    bool stray = false;
    for (int32_t i = 0; !err && i < res->ResponsesCnt; i++) {
        const struct kr_FetchableTopicResponse *t = &res->Responses[i];
        struct kr_str name = resp_topic(f, t, v);
        stray |= name.len < 0 && t->PartitionsCnt > 0;
        for (int32_t j = 0; j < t->PartitionsCnt; j++) {
            struct fentry *e =
                fentry_find(f, name, t->Partitions[j].PartitionIndex);
            if (e)
                fetch_partition(k, e, frame, &t->Partitions[j]);
        }
    }
    for (int32_t i = 0; i < f->ent_cnt; i++) {
        struct kr_toppar *tp = f->ents[i].tp;
        if (tp->fetching) { /* not in the answer, or the request failed */
            tp->fetching = false;
            if (err && entry_current(&f->ents[i]))
                arm_backoff(k, tp);
        }
    }
    sess_answer(k, f, err, res);
    if (stray)
        stray_answer(k, f);
    pthread_mutex_unlock(&k->lock);
    if (err && err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_dbg(&c->log, KR_DBG_FETCH, "FETCHERR", "fetch from %d failed: %s",
               (int)f->broker, errstr);
    /* The leader may be gone (a transport error or a timeout): ask. */
    if (err && err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_md_refresh(c, "fetch failed");
    kr_rframe_release(frame);
    freq_free(f);
    if (err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_fetcher_run(k);
}

/* ---- building requests (lock held) ---- */

static struct kr_fsess *sess_get(struct krafka_consumer *k, int32_t broker)
{
    for (int32_t i = 0; i < k->sess_cnt; i++)
        if (k->sess[i].broker == broker)
            return &k->sess[i];
    if (k->sess_cnt == k->sess_cap) {
        int32_t cap = k->sess_cap ? k->sess_cap * 2 : 4;
        struct kr_fsess *s = realloc(k->sess, (size_t)cap * sizeof *s);
        if (!s)
            return NULL;
        k->sess = s;
        k->sess_cap = cap;
    }
    struct kr_fsess *s = &k->sess[k->sess_cnt++];
    *s = (struct kr_fsess){.broker = broker};
    return s;
}

/* Asks the client to keep @tp's topic's metadata (once: the client
 * refreshes it until every partition has a leader, and each update runs
 * the fetcher again). */
static void want_metadata(struct krafka_consumer *k, struct kr_toppar *tp)
{
    if (!tp->md_wanted) {
        tp->md_wanted = kr_client_want_topic(k->c, tp->topic) ==
                        KRAFKA_ERR_NONE;
        if (!tp->md_wanted) /* no memory: ask again on the next run */
            retry_soon(k);
    }
}

/* One error event when the metadata says @tp's topic does not exist
 * (fetching starts by itself if it is created later). */
static void missing_topic_event(struct krafka_consumer *k,
                                struct kr_toppar *tp)
{
    uint8_t id[16];
    int16_t terr = 0;
    if (tp->unknown_sent || !kr_md_topic_info(k->c, tp->topic, id, &terr) ||
        terr != KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
        return;
    tp->unknown_sent = true;
    struct kr_qitem *ev = kr_cons_event(
        tp, (krafka_err_t)terr, -1, "%s [%d]: topic does not exist (yet)",
        tp->topic, (int)tp->partition);
    if (ev) {
        ev->tp = tp;
        atomic_fetch_add(&tp->refs, 1);
        ev->version = atomic_load(&tp->version);
        kr_cons_enqueue_locked(k, ev);
    }
}

/* True (and @tp's position reset per auto.offset.reset) when the
 * metadata gives @tp's topic another id than the one its position was
 * fetched from: the topic was deleted and created again (KIP-516), and
 * an offset of the old one would skip or misplace records of the new
 * one. The Fetch answers UNKNOWN_TOPIC_ID for the old id meanwhile. */
static bool topic_replaced(struct krafka_consumer *k, struct kr_toppar *tp)
{
    uint8_t id[16];
    int16_t terr;
    if (!kr_id_known(tp->topic_id) ||
        !kr_md_topic_info(k->c, tp->topic, id, &terr) || !kr_id_known(id) ||
        memcmp(id, tp->topic_id, sizeof id) == 0)
        return false;
    kr_log(&k->c->log, KRAFKA_LOG_WARNING, "RECREATED",
           "%s [%d]: the topic was deleted and created again (new topic "
           "id): offset %lld is of the old one", tp->topic,
           (int)tp->partition, (long long)tp->fetch_pos);
    reset_offset(k, tp, KRAFKA_ERR_UNKNOWN_TOPIC_ID, tp->fetch_pos);
    return true;
}

/* Can @tp be fetched now? Its leader in *leader. */
static bool fetchable(struct krafka_consumer *k, struct kr_toppar *tp,
                      int64_t now, int32_t *leader, int32_t *epoch)
{
    if (tp->state != KR_TP_ACTIVE || tp->paused || tp->fetching ||
        tp->backoff_until_us > now)
        return false;
    krafka_err_t err = kr_md_leader(k->c, tp->topic, tp->partition, leader,
                                    epoch);
    if (err) {
        want_metadata(k, tp);
        missing_topic_event(k, tp);
        return false;
    }
    return true;
}

static bool freq_add(struct freq *f, struct kr_toppar *tp, int32_t cap)
{
    if (f->ent_cnt == cap)
        return false;
    f->ents[f->ent_cnt++] = (struct fentry){
        .tp = tp, .version = atomic_load(&tp->version),
        .offset = tp->fetch_pos, .leader_epoch = tp->lead_epoch};
    atomic_fetch_add(&tp->refs, 1);
    return true;
}

/* The session's entry for @tp, or NULL. */
static struct kr_fsess_part *sess_find(const struct kr_fsess *s,
                                       const struct kr_toppar *tp)
{
    for (int32_t i = 0; i < s->part_cnt; i++)
        if (s->parts[i].tp == tp)
            return &s->parts[i];
    return NULL;
}

/* Topic ids of the entries; false when one is unknown (then the request
 * uses names: Fetch v12 at most). */
static bool entry_ids(struct krafka_consumer *k, struct freq *f)
{
    bool ids = true;
    for (int32_t i = 0; i < f->ent_cnt; i++) {
        struct fentry *e = &f->ents[i];
        int16_t terr;
        if (!kr_md_topic_info(k->c, e->tp->topic, e->topic_id, &terr) ||
            !kr_id_known(e->topic_id))
            ids = false;
    }
    return ids;
}

/* Does the session hold one of @f's partitions under another topic id?
 * (The topic was created again.) An incremental request would go on
 * naming the old id, which the broker no longer knows. */
static bool ids_changed(const struct kr_fsess *s, const struct freq *f)
{
    for (int32_t i = 0; i < f->ent_cnt; i++) {
        const struct kr_fsess_part *sp = sess_find(s, f->ents[i].tp);
        if (sp && memcmp(sp->topic_id, f->ents[i].topic_id, 16) != 0)
            return true;
    }
    return false;
}

/* Adds partition @e to the request's topic list (entries are sorted by
 * topic, so a topic's partitions are adjacent). */
static void add_changed(struct krafka_consumer *k, struct freq *f,
                        const struct fentry *e)
{
    struct kr_FetchPartition *p = &f->parts[f->part_cnt++];
    kr_fetch_partition_init(p);
    p->Partition = e->tp->partition;
    p->FetchOffset = e->offset;
    p->PartitionMaxBytes = k->conf->max_partition_fetch_bytes;
    p->CurrentLeaderEpoch = e->leader_epoch;
    struct kr_FetchTopic *t =
        f->msg.TopicsCnt ? &f->topics[f->msg.TopicsCnt - 1] : NULL;
    if (!t || !kr_str_eq(t->Topic, e->tp->topic)) {
        t = &f->topics[f->msg.TopicsCnt++];
        t->Topic = kr_str_c(e->tp->topic);
        memcpy(t->TopicId.b, e->topic_id, 16);
        t->Partitions = p;
    }
    t->PartitionsCnt++;
}

/* Adds a partition the session drops to ForgottenTopicsData. */
static void add_forgotten(struct freq *f, const struct kr_fsess_part *sp)
{
    struct kr_ForgottenTopic *t = NULL;
    for (int32_t i = 0; i < f->msg.ForgottenTopicsDataCnt && !t; i++)
        if (kr_str_eq(f->forgot[i].Topic, sp->tp->topic))
            t = &f->forgot[i];
    if (!t) {
        t = &f->forgot[f->msg.ForgottenTopicsDataCnt++];
        t->Topic = kr_str_c(sp->tp->topic);
        memcpy(t->TopicId.b, sp->topic_id, 16);
        t->Partitions = &f->forgot_parts[f->forgot_part_cnt];
    }
    /* partitions of one topic are contiguous: the session keeps them in
     * the order of the last request, which is sorted by topic */
    f->forgot_parts[f->forgot_part_cnt++] = sp->tp->partition;
    t->PartitionsCnt++;
}

/* The FetchRequest: with a session (KIP-227) only the partitions whose
 * position changed and the ones the session drops; without one, all. The
 * session then holds the entries. */
static bool fetch_build(struct krafka_consumer *k, struct freq *f,
                        struct kr_fsess *s, int32_t max_bytes, bool *ids)
{
    size_t n = (size_t)f->ent_cnt + 1, old = (size_t)s->part_cnt + 1;
    f->topics = calloc(n, sizeof *f->topics);
    f->parts = calloc(n, sizeof *f->parts);
    f->forgot = calloc(old, sizeof *f->forgot);
    f->forgot_parts = calloc(old, sizeof *f->forgot_parts);
    struct kr_fsess_part *np = calloc(n, sizeof *np);
    if (!f->topics || !f->parts || !f->forgot || !f->forgot_parts || !np) {
        free(np);
        return false;
    }
    kr_fetch_request_init(&f->msg);
    *ids = entry_ids(k, f);
    if (s->session_id && ids_changed(s, f)) {
        kr_dbg(&k->c->log, KR_DBG_FETCH, "SESSION",
               "fetch session %d with broker %d: a topic id changed: "
               "starting a new one", (int)s->session_id, (int)f->broker);
        sess_reset(s);
    }
    bool full = s->session_id == 0;
    for (int32_t i = 0; i < f->ent_cnt; i++) {
        struct fentry *e = &f->ents[i];
        struct kr_fsess_part *sp = full ? NULL : sess_find(s, e->tp);
        if (!sp || sp->offset != e->offset)
            add_changed(k, f, e);
        np[i] = (struct kr_fsess_part){.tp = e->tp, .offset = e->offset};
        memcpy(np[i].topic_id, e->topic_id, 16);
        atomic_fetch_add(&e->tp->refs, 1);
    }
    for (int32_t i = 0; !full && i < s->part_cnt; i++)
        if (!fentry_find(f, kr_str_c(s->parts[i].tp->topic),
                         s->parts[i].tp->partition))
            add_forgotten(f, &s->parts[i]);
    int32_t id = s->session_id, epoch = full ? 0 : s->epoch;
    sess_reset(s);
    s->session_id = id;
    s->epoch = epoch;
    s->parts = np;
    s->part_cnt = f->ent_cnt;
    f->sent_epoch = epoch;
    f->msg.Topics = f->topics;
    f->msg.ForgottenTopicsData = f->forgot;
    f->msg.SessionId = id;
    f->msg.SessionEpoch = epoch;
    f->msg.MaxWaitMs = k->conf->fetch_wait_max_ms;
    f->msg.MinBytes = k->conf->fetch_min_bytes;
    f->msg.MaxBytes = max_bytes;
    f->msg.IsolationLevel =
        k->conf->isolation_level == KR_READ_COMMITTED ? 1 : 0;
    if (k->conf->client_rack)
        f->msg.RackId = kr_str_c(k->conf->client_rack);
    return true;
}

static int cmp_ent(const void *a, const void *b)
{
    const struct fentry *x = a, *y = b;
    int c = strcmp(x->tp->topic, y->tp->topic);
    return c ? c : (x->tp->partition > y->tp->partition) -
                       (x->tp->partition < y->tp->partition);
}

/* Builds and sends the Fetch for @broker of every fetchable partition it
 * leads. Lock held. */
static void fetch_send(struct krafka_consumer *k, int32_t broker, int32_t cnt,
                       int64_t now, size_t room)
{
    int32_t max_bytes = k->conf->fetch_max_bytes;
    if ((size_t)max_bytes > room)
        max_bytes = (int32_t)room;
    struct kr_fsess *s = sess_get(k, broker);
    struct freq *f = calloc(1, sizeof *f);
    if (!s || !f || !(f->ents = calloc((size_t)cnt, sizeof *f->ents))) {
        free(f);
        retry_soon(k);
        return;
    }
    f->k = k;
    f->broker = broker;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next)
        if (tp->lead == broker && freq_add(f, tp, cnt))
            tp->fetching = true;
    qsort(f->ents, (size_t)f->ent_cnt, sizeof *f->ents, cmp_ent);
    bool ids;
    if (f->ent_cnt == 0 || !fetch_build(k, f, s, max_bytes, &ids)) {
        if (f->ent_cnt > 0) /* no memory */
            retry_soon(k);
        for (int32_t i = 0; i < f->ent_cnt; i++)
            f->ents[i].tp->fetching = false;
        freq_free(f);
        return;
    }
    if (!ids && s->session_id) /* names from now on: a new session */
        sess_reset(s);
    f->reserved = (size_t)max_bytes;
    k->fetch_reserved += f->reserved;
    s->inflight = true;
    f->req = (struct kr_req){
        .api = &kr_api_Fetch,
        .msg = &f->msg,
        .min_ver = 7,
        .max_ver = ids ? 0 : 12,
        .broker_id = broker,
        .lane = KR_LANE_FETCH,
        .deadline_us = now + ((int64_t)k->conf->fetch_wait_max_ms +
                              k->conf->request_timeout_ms) * 1000,
        .keep_frame = true,
        .done = fetch_done};
    defer_send(k, &f->req);
}

static bool sess_busy(struct krafka_consumer *k, int32_t broker)
{
    for (int32_t i = 0; i < k->sess_cnt; i++)
        if (k->sess[i].broker == broker)
            return k->sess[i].inflight;
    return false;
}

/* Adds @lead to the distinct leaders of a pass (at most 64). */
static void leader_add(int32_t *leaders, int32_t *cnt, int32_t lead)
{
    for (int32_t i = 0; i < *cnt; i++)
        if (leaders[i] == lead)
            return;
    if (*cnt < 64)
        leaders[(*cnt)++] = lead;
}

/* One Fetch per leader without one in flight. Lock held. */
static void fetch_all(struct krafka_consumer *k)
{
    if (k->q_bytes + k->fetch_reserved >= k->q_cap) {
        k->fetch_blocked = true;
        return;
    }
    int64_t now = kr_now_us();
    int32_t leaders[64];
    int32_t lcnt = 0, cnt = 0;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        int32_t lead, epoch;
        cnt++;
        tp->lead = -1;
        if (!fetchable(k, tp, now, &lead, &epoch) || sess_busy(k, lead))
            continue;
        tp->lead = lead;
        tp->lead_epoch = epoch;
        leader_add(leaders, &lcnt, lead);
    }
    if (lcnt == 0)
        return;
    /* The room left is shared by the leaders, so that a fetch waiting on
     * a dead broker cannot hold all of it. A broker still answers with
     * at least one batch (KIP-74). */
    size_t share = (k->q_cap - k->q_bytes - k->fetch_reserved) /
                   (size_t)lcnt;
    /* A frame is freed only when all its partitions' records are, so
     * fetching in eighths of the cap keeps memory close to it. */
    if (share > k->q_cap / 8)
        share = k->q_cap / 8;
    if (share < 1024)
        share = 1024;
    for (int32_t i = 0; i < lcnt; i++)
        fetch_send(k, leaders[i], cnt, now, share);
    if (k->q_bytes + k->fetch_reserved >= k->q_cap)
        k->fetch_blocked = true;
}

/* ---- start offsets: ListOffsets ---- */

static void lookup_fail(struct krafka_consumer *k, struct freq *f,
                        krafka_err_t err)
{
    for (int32_t i = 0; i < f->ent_cnt; i++) {
        struct kr_toppar *tp = f->ents[i].tp;
        if (entry_current(&f->ents[i]) && tp->state == KR_TP_LOOKUP) {
            tp->state = KR_TP_NEED_OFFSET;
            if (err != KRAFKA_ERR_LOCAL_DESTROY)
                arm_backoff(k, tp);
        }
    }
}

static void list_done(struct kr_client *c, struct kr_req *r, krafka_err_t err,
                      const char *errstr, const void *resp, int16_t v)
{
    (void)v;
    struct freq *f = (struct freq *)r;
    struct krafka_consumer *k = f->k;
    const struct kr_ListOffsetsResponse *res = resp;
    pthread_mutex_lock(&k->lock);
    for (int32_t i = 0; !err && i < res->TopicsCnt; i++) {
        const struct kr_ListOffsetsTopicResponse *t = &res->Topics[i];
        for (int32_t j = 0; j < t->PartitionsCnt; j++) {
            const struct kr_ListOffsetsPartitionResponse *p =
                &t->Partitions[j];
            struct fentry *e = fentry_find(f, t->Name, p->PartitionIndex);
            if (!e || !entry_current(e) || e->tp->state != KR_TP_LOOKUP)
                continue;
            if (p->ErrorCode) {
                e->tp->state = KR_TP_NEED_OFFSET;
                partition_error(k, e->tp, p->ErrorCode, e->offset,
                                "offset lookup");
            } else if (p->Offset < 0) { /* no record at that time */
                kr_toppar_seek_locked(e->tp, KRAFKA_OFFSET_END, -1);
            } else {
                kr_toppar_seek_locked(e->tp, p->Offset, p->LeaderEpoch);
            }
        }
    }
    lookup_fail(k, f, err ? err : KRAFKA_ERR_LOCAL_FAIL);
    pthread_mutex_unlock(&k->lock);
    if (err && err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_dbg(&c->log, KR_DBG_FETCH, "OFFSET", "ListOffsets failed: %s",
               errstr);
    freq_free(f);
    if (err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_fetcher_run(k);
}

/* ListOffsets for the partitions of @broker needing a logical offset. */
static void list_send(struct krafka_consumer *k, int32_t broker, int32_t cnt)
{
    struct freq *f = calloc(1, sizeof *f);
    if (!f || !(f->ents = calloc((size_t)cnt, sizeof *f->ents)) ||
        !(f->lo_topics = calloc((size_t)cnt, sizeof *f->lo_topics)) ||
        !(f->lo_parts = calloc((size_t)cnt, sizeof *f->lo_parts))) {
        if (f)
            freq_free(f);
        retry_soon(k);
        return;
    }
    f->k = k;
    f->broker = broker;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        if (tp->lead != broker || !freq_add(f, tp, cnt))
            continue;
        tp->state = KR_TP_LOOKUP;
        int32_t i = f->ent_cnt - 1;
        /* one topic entry per partition: simple and valid */
        f->lo_parts[i] = (struct kr_ListOffsetsPartition){
            .PartitionIndex = tp->partition,
            .CurrentLeaderEpoch = tp->lead_epoch,
            .Timestamp = tp->lookup_ts};
        f->lo_topics[i] = (struct kr_ListOffsetsTopic){
            .Name = kr_str_c(tp->topic), .PartitionsCnt = 1,
            .Partitions = &f->lo_parts[i]};
    }
    if (f->ent_cnt == 0) {
        freq_free(f);
        return;
    }
    f->lo = (struct kr_ListOffsetsRequest){
        .ReplicaId = -1,
        .IsolationLevel =
            k->conf->isolation_level == KR_READ_COMMITTED ? 1 : 0,
        .TopicsCnt = f->ent_cnt,
        .Topics = f->lo_topics,
        .TimeoutMs = k->conf->request_timeout_ms};
    f->req = (struct kr_req){
        .api = &kr_api_ListOffsets,
        .msg = &f->lo,
        .broker_id = broker,
        .deadline_us =
            kr_now_us() + (int64_t)k->conf->request_timeout_ms * 1000,
        .retry_transport = true,
        .done = list_done};
    defer_send(k, &f->req);
}

/* ---- start offsets: OffsetFetch (committed) ---- */

static void committed_done(struct kr_client *c, struct kr_req *r,
                           krafka_err_t err, const char *errstr,
                           const void *resp, int16_t v)
{
    (void)v;
    struct freq *f = (struct freq *)r;
    struct krafka_consumer *k = f->k;
    const struct kr_OffsetFetchResponse *res = resp;
    const struct kr_OffsetFetchResponseGroup *g =
        !err && res->GroupsCnt == 1 ? &res->Groups[0] : NULL;
    if (!err && !g)
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    if (g && g->ErrorCode)
        err = (krafka_err_t)g->ErrorCode;
    pthread_mutex_lock(&k->lock);
    for (int32_t i = 0; !err && i < g->TopicsCnt; i++) {
        const struct kr_OffsetFetchResponseTopics *t = &g->Topics[i];
        for (int32_t j = 0; j < t->PartitionsCnt; j++) {
            const struct kr_OffsetFetchResponsePartitions *p =
                &t->Partitions[j];
            struct fentry *e = fentry_find(f, t->Name, p->PartitionIndex);
            if (!e || !entry_current(e) || e->tp->state != KR_TP_LOOKUP)
                continue;
            struct kr_toppar *tp = e->tp;
            if (p->ErrorCode) {
                tp->state = KR_TP_NEED_OFFSET;
                partition_error(k, tp, p->ErrorCode, -1, "committed offset");
            } else if (p->CommittedOffset >= 0) {
                tp->committed = p->CommittedOffset;
                kr_toppar_seek_locked(tp, p->CommittedOffset,
                                      p->CommittedLeaderEpoch);
            } else if (reset_target(k)) {
                kr_toppar_seek_locked(tp, reset_target(k), -1);
            } else {
                reset_offset(k, tp, KRAFKA_ERR_LOCAL_NO_OFFSET, -1);
            }
        }
    }
    lookup_fail(k, f, err ? err : KRAFKA_ERR_LOCAL_FAIL);
    pthread_mutex_unlock(&k->lock);
    if (err && err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_log(&c->log, KRAFKA_LOG_WARNING, "OFFSET",
               "fetching committed offsets failed: %s", errstr);
    if (err == KRAFKA_ERR_NOT_COORDINATOR ||
        err == KRAFKA_ERR_COORDINATOR_NOT_AVAILABLE ||
        err == KRAFKA_ERR_LOCAL_TRANSPORT || err == KRAFKA_ERR_LOCAL_TIMED_OUT)
        kr_cgrp_coordinator_dead(k, f->req.broker_id, "OffsetFetch");
    freq_free(f);
    if (err != KRAFKA_ERR_LOCAL_DESTROY)
        kr_fetcher_run(k);
}

static void committed_send(struct krafka_consumer *k, int32_t coord,
                           int32_t cnt)
{
    struct freq *f = calloc(1, sizeof *f);
    if (!f || !(f->ents = calloc((size_t)cnt, sizeof *f->ents)) ||
        !(f->of_topics = calloc((size_t)cnt, sizeof *f->of_topics)) ||
        !(f->of_parts = calloc((size_t)cnt, sizeof *f->of_parts))) {
        if (f)
            freq_free(f);
        retry_soon(k);
        return;
    }
    f->k = k;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        if (tp->state != KR_TP_NEED_OFFSET || tp->lookup_ts >= -2 ||
            tp->backoff_until_us > kr_now_us() || !freq_add(f, tp, cnt))
            continue;
        tp->state = KR_TP_LOOKUP;
        int32_t i = f->ent_cnt - 1;
        f->of_parts[i] = tp->partition;
        f->of_topics[i] = (struct kr_OffsetFetchRequestTopics){
            .Name = kr_str_c(tp->topic), .PartitionIndexesCnt = 1,
            .PartitionIndexes = &f->of_parts[i]};
    }
    if (f->ent_cnt == 0) {
        freq_free(f);
        return;
    }
    f->of_group = (struct kr_OffsetFetchRequestGroup){
        .GroupId = kr_str_c(k->conf->group_id),
        .MemberId = {NULL, -1},
        .MemberEpoch = -1,
        .TopicsCnt = f->ent_cnt,
        .Topics = f->of_topics};
    f->of = (struct kr_OffsetFetchRequest){
        .GroupsCnt = 1, .Groups = &f->of_group, .RequireStable = true};
    f->req = (struct kr_req){
        .api = &kr_api_OffsetFetch,
        .msg = &f->of,
        .min_ver = 8,
        .max_ver = 9,
        .broker_id = coord,
        .deadline_us =
            kr_now_us() + (int64_t)k->conf->request_timeout_ms * 1000,
        .fail_fast = true,
        .done = committed_done};
    defer_send(k, &f->req);
}

/* Resolves logical start offsets. Lock held. */
static void lookups(struct krafka_consumer *k)
{
    int32_t cnt = 0, need_committed = 0;
    int64_t now = kr_now_us();
    bool ids_check = k->ids_check;
    k->ids_check = false;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        cnt++;
        if (ids_check && tp->state == KR_TP_ACTIVE)
            topic_replaced(k, tp);
        if (tp->state != KR_TP_NEED_OFFSET || tp->backoff_until_us > now)
            continue;
        if (tp->lookup_ts < -2 && !k->conf->group_id) {
            int64_t t = reset_target(k);
            if (t)
                tp->lookup_ts = t;
            else
                reset_offset(k, tp, KRAFKA_ERR_LOCAL_NO_OFFSET, -1);
        }
        if (tp->lookup_ts < -2)
            need_committed++;
    }
    if (need_committed && k->cg) {
        int32_t coord = kr_cgrp_coordinator(k->cg);
        if (coord >= 0)
            committed_send(k, coord, cnt);
    }
    int32_t leaders[64];
    int32_t lcnt = 0;
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        int32_t lead, epoch;
        tp->lead = -1;
        if (tp->state != KR_TP_NEED_OFFSET || tp->lookup_ts < -2 ||
            tp->backoff_until_us > now)
            continue;
        if (kr_md_leader(k->c, tp->topic, tp->partition, &lead, &epoch)) {
            want_metadata(k, tp);
            missing_topic_event(k, tp);
            continue;
        }
        tp->lead = lead;
        tp->lead_epoch = epoch;
        leader_add(leaders, &lcnt, lead);
    }
    for (int32_t i = 0; i < lcnt; i++)
        list_send(k, leaders[i], cnt);
}

void kr_fetcher_run(struct krafka_consumer *k)
{
    pthread_mutex_lock(&k->lock);
    if (!k->closed) {
        lookups(k);
        fetch_all(k);
    }
    struct kr_req *out = k->outbox;
    k->outbox = NULL;
    pthread_mutex_unlock(&k->lock);
    while (out) {
        struct kr_req *r = out;
        out = r->next;
        r->next = NULL;
        kr_client_send(k->c, r);
    }
    refresh_if_wanted(k);
}

static void fetch_timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    kr_fetcher_run(t->arg);
}

void kr_fetcher_init(struct krafka_consumer *k)
{
    kr_timer_init(&k->fetch_timer, fetch_timer_cb, k);
}

void kr_fetcher_destroy(struct krafka_consumer *k)
{
    for (int32_t i = 0; i < k->sess_cnt; i++)
        sess_reset(&k->sess[i]);
    free(k->sess);
    k->sess = NULL;
    k->sess_cnt = 0;
}
