/*
 * krafka_consumer_poll(): takes chunks off the queue and parses them in
 * place (application thread). A record set is allocated per RecordBatch;
 * its records point into the kept response frame (or the batch's
 * decompressed buffer, which the set takes over), so nothing is copied.
 */
#include <stdlib.h>
#include <string.h>

#include "consumer/cgrp.h"
#include "consumer/consumer.h"
#include "util/time.h"

/* ---- read_committed: aborted transactions (KIP-98) ---- */

static bool pid_aborting(const struct kr_parse *ps, int64_t pid)
{
    for (int32_t i = 0; i < ps->abort_cnt; i++)
        if (ps->aborting[i] == pid)
            return true;
    return false;
}

/* Is the transactional batch @b aborted? Aborted transactions start at
 * their FirstOffset and end at the producer's ABORT marker. */
static bool batch_aborted(struct kr_parse *ps, const struct kr_batch *b)
{
    struct kr_qitem *ch = ps->chunk;
    while (ps->abort_next < ch->aborted_cnt &&
           ch->aborted[ps->abort_next].first_offset <= b->BaseOffset) {
        if (ps->abort_cnt < KR_MAX_ABORTING)
            ps->aborting[ps->abort_cnt++] = ch->aborted[ps->abort_next].pid;
        ps->abort_next++;
    }
    return pid_aborting(ps, b->ProducerId);
}

/* A control batch ends its producer's aborted transaction. */
static void control_batch(struct kr_parse *ps, const struct kr_batch *b)
{
    for (int32_t i = 0; i < ps->abort_cnt; i++)
        if (ps->aborting[i] == b->ProducerId) {
            ps->aborting[i] = ps->aborting[--ps->abort_cnt];
            break;
        }
}

/* ---- chunk parsing ---- */

static struct kr_recset *recset_new(struct kr_parse *ps, struct kr_batch *b);

static void advance_pos(struct kr_toppar *tp, int64_t next)
{
    if (atomic_load_explicit(&tp->app_pos, memory_order_relaxed) < next)
        atomic_store_explicit(&tp->app_pos, next, memory_order_relaxed);
}

static void end_batch(struct kr_parse *ps)
{
    kr_recset_release(ps->set);
    ps->set = NULL;
    ps->in_batch = false;
    ps->set_pending = false;
}

/* Opens the record set of the batch just read; false without memory
 * (set_pending: the batch is kept for the next try). */
static bool open_set(struct kr_parse *ps)
{
    ps->set = recset_new(ps, &ps->batch);
    ps->set_pending = !ps->set;
    if (!ps->set)
        return false;
    ps->set_used = 0;
    ps->in_batch = true;
    return true;
}

/* Drops the chunk being parsed and gives its bytes back to the fetcher. */
static void end_chunk(struct krafka_consumer *k)
{
    struct kr_parse *ps = &k->parse;
    end_batch(ps);
    struct kr_qitem *ch = ps->chunk;
    ps->chunk = NULL;
    ps->read_pending = false;
    if (!ch)
        return;
    bool wake;
    pthread_mutex_lock(&k->lock);
    k->q_bytes -= ch->blob_len;
    k->q_records -= ch->rec_cnt;
    wake = k->fetch_blocked && k->q_bytes < k->q_cap / 2;
    if (wake)
        k->fetch_blocked = false;
    pthread_mutex_unlock(&k->lock);
    if (wake && k->c) /* k->c is NULL while the consumer is destroyed */
        kr_loop_wake(&k->c->loop);
    kr_qitem_free(ch);
}

static struct kr_recset *recset_new(struct kr_parse *ps, struct kr_batch *b)
{
    int32_t cap = b->RecordCount;
    struct kr_recset *s =
        malloc(sizeof *s + (size_t)cap * sizeof(struct kr_rec));
    if (!s)
        return NULL;
    atomic_init(&s->refs, 1);
    s->cap = cap;
    s->data = NULL;
    s->frame = NULL;
    if (b->codec != KR_CODEC_NONE) {
        /* The records are in the reader's scratch buffer: take it. */
        s->data = kr_buf_steal(&ps->rd.scratch, NULL);
    } else {
        s->frame = ps->chunk->frame;
        kr_rframe_ref(s->frame);
    }
    s->tp = ps->chunk->tp;
    atomic_fetch_add(&s->tp->refs, 1);
    return s;
}

/* Starts the next batch of the chunk worth returning records from; false
 * at the end of the chunk (or on corrupt data: *err set). */
static bool next_batch(struct krafka_consumer *k, krafka_err_t *err)
{
    struct kr_parse *ps = &k->parse;
    struct kr_toppar *tp = ps->chunk->tp;
    bool committed_only = k->conf->isolation_level == KR_READ_COMMITTED;
    while (kr_batch_reader_next(&ps->rd, &ps->batch)) {
        struct kr_batch *b = &ps->batch;
        int64_t next = kr_batch_next_offset(b);
        if (b->is_control) {
            control_batch(ps, b);
            advance_pos(tp, next);
            continue;
        }
        if (next <= atomic_load_explicit(&tp->app_pos, memory_order_relaxed))
            continue;
        if (committed_only && b->is_transactional && batch_aborted(ps, b)) {
            advance_pos(tp, next);
            continue;
        }
        if (!open_set(ps)) {
            *err = KRAFKA_ERR_LOCAL_NOMEM;
            return false;
        }
        return true;
    }
    /* A batch cut at the fetch size limit is not an error. */
    if (ps->rd.err && ps->rd.err != KRAFKA_ERR_LOCAL_PARTIAL)
        *err = ps->rd.err;
    ps->read_pending = ps->rd.err == KRAFKA_ERR_LOCAL_NOMEM;
    return false;
}

static void fill_record(struct kr_rec *r, const struct kr_batch *b,
                        const struct kr_record *rec, struct kr_recset *s)
{
    r->set = s;
    r->hdrs = rec->headers;
    r->hdrs_len = rec->headers_len;
    r->owned_errstr = NULL;
    krafka_record_t *p = &r->pub;
    p->err = KRAFKA_ERR_NONE;
    p->errstr = "";
    p->topic = s->tp->topic;
    p->partition = s->tp->partition;
    p->offset = rec->offset;
    p->timestamp = rec->timestamp;
    /* MessageSet v0 (Magic 0) has no timestamps (-1). */
    p->ts_type = b->Magic == 0         ? KRAFKA_TS_NONE
                 : b->log_append_time ? KRAFKA_TS_LOG_APPEND_TIME
                                      : KRAFKA_TS_CREATE_TIME;
    p->leader_epoch = b->PartitionLeaderEpoch;
    p->key = rec->key_len < 0 ? NULL : rec->key;
    p->key_len = rec->key_len < 0 ? 0 : (size_t)rec->key_len;
    p->value = rec->value_len < 0 ? NULL : rec->value;
    p->value_len = rec->value_len < 0 ? 0 : (size_t)rec->value_len;
    p->header_cnt = rec->header_cnt > 0 ? (size_t)rec->header_cnt : 0;
}

/* The next record of the current chunk, or NULL at its end (the chunk is
 * then released; *err says if it ended on corrupt data). */
static struct kr_rec *chunk_next(struct krafka_consumer *k, krafka_err_t *err)
{
    struct kr_parse *ps = &k->parse;
    struct kr_toppar *tp = ps->chunk->tp;
    for (;;) {
        /* A seek or an unassign since the fetch: drop the rest. */
        if (atomic_load_explicit(&tp->version, memory_order_relaxed) !=
            ps->chunk->version)
            return NULL;
        if (!ps->in_batch && ps->read_pending) {
            ps->read_pending = false;
            kr_batch_reader_resume(&ps->rd);
        }
        if (!ps->in_batch && ps->set_pending && !open_set(ps)) {
            *err = KRAFKA_ERR_LOCAL_NOMEM;
            return NULL;
        }
        if (!ps->in_batch && !next_batch(k, err))
            return NULL;
        struct kr_record rec;
        if (!kr_batch_next_record(&ps->batch, &rec)) {
            if (ps->batch.err && ps->batch.err != KRAFKA_ERR_LOCAL_PARTIAL) {
                *err = ps->batch.err;
                return NULL;
            }
            advance_pos(tp, kr_batch_next_offset(&ps->batch));
            end_batch(ps);
            continue;
        }
        if (rec.offset <
                atomic_load_explicit(&tp->app_pos, memory_order_relaxed) ||
            ps->set_used >= ps->set->cap)
            continue;
        struct kr_rec *r = &ps->set->recs[ps->set_used++];
        fill_record(r, &ps->batch, &rec, ps->set);
        atomic_fetch_add_explicit(&ps->set->refs, 1, memory_order_relaxed);
        atomic_store_explicit(&tp->app_pos, rec.offset + 1,
                              memory_order_relaxed);
        atomic_store_explicit(&tp->app_epoch, ps->batch.PartitionLeaderEpoch,
                              memory_order_relaxed);
        if (k->m.records_received) { /* this thread alone writes them */
            kr_counter_add_owned(k->m.records_received, 1);
            kr_counter_add_owned(k->m.bytes_received,
                                 r->pub.key_len + r->pub.value_len);
        }
        return r;
    }
}

static void begin_chunk(struct krafka_consumer *k, struct kr_qitem *it)
{
    struct kr_parse *ps = &k->parse;
    ps->chunk = it;
    ps->in_batch = false;
    ps->abort_cnt = 0;
    ps->abort_next = 0;
    ps->rd.verify_crc = k->conf->check_crcs;
    kr_batch_reader_reset(&ps->rd, it->blob, it->blob_len);
}

/* ---- serving the queue ---- */

void kr_poll_serve(struct krafka_consumer *k, struct kr_qitem *it)
{
    if (it->type == KR_QI_REBALANCE) {
        kr_cgrp_apply_rebalance(k, it);
        kr_cgrp_rebalance_done(k, it->rb_gen);
    } else if (it->type == KR_QI_COMMIT && k->conf->offset_commit_cb) {
        k->conf->offset_commit_cb(k, it->err, it->tps, k->conf->opaque);
    }
}

/* Takes the next item off the queue, waiting at most @timeout_ms from the
 * first wait (*deadline_us: 0 until then, so a poll that finds an item
 * reads no clock). Returns NULL at the deadline. */
static struct kr_qitem *queue_pop(struct krafka_consumer *k, int timeout_ms,
                                  int64_t *deadline_us)
{
    pthread_mutex_lock(&k->lock);
    while (!k->qhead && !k->closed && timeout_ms != 0) {
        int64_t now = kr_now_us();
        if (*deadline_us == 0)
            *deadline_us = timeout_ms < 0
                               ? INT64_MAX
                               : now + (int64_t)timeout_ms * 1000;
        if (now >= *deadline_us)
            break;
        kr_cons_wait_locked(k, *deadline_us);
    }
    struct kr_qitem *it = kr_cons_pop_locked(k);
    pthread_mutex_unlock(&k->lock);
    return it;
}

/* One record or event, or NULL after @timeout_ms (see queue_pop). */
static krafka_record_t *poll_one(struct krafka_consumer *k, int timeout_ms,
                                 int64_t *deadline_us)
{
    for (;;) {
        if (k->parse.chunk) {
            krafka_err_t err = KRAFKA_ERR_NONE;
            struct kr_rec *r = chunk_next(k, &err);
            if (r)
                return &r->pub;
            struct kr_toppar *tp = k->parse.chunk->tp;
            if ((k->parse.set_pending || k->parse.read_pending) &&
                err == KRAFKA_ERR_LOCAL_NOMEM) {
                /* No memory for the batch's records: the chunk stays, the
                 * next poll tries again; this one ends with an event if
                 * there is memory for it, else with nothing. */
                struct kr_qitem *ev = kr_cons_event(
                    tp, KRAFKA_ERR_LOCAL_NOMEM, atomic_load(&tp->app_pos),
                    "%s [%d]: no memory for fetched records; retrying",
                    tp->topic, (int)tp->partition);
                if (!ev)
                    return NULL;
                krafka_record_t *rec = ev->ev;
                ev->ev = NULL;
                kr_qitem_free(ev);
                return rec;
            }
            int64_t pos = atomic_load(&tp->app_pos);
            end_chunk(k);
            if (err && k->c)
                kr_log(&k->c->log, KRAFKA_LOG_WARNING, "CORRUPT",
                       "%s [%d] at offset %lld: fetched data unusable: %s",
                       tp->topic, (int)tp->partition, (long long)pos,
                       krafka_err2str(err));
            if (err) {
                struct kr_qitem *ev = kr_cons_event(
                    tp, err, pos, "%s [%d] at offset %lld: %s", tp->topic,
                    (int)tp->partition, (long long)pos,
                    krafka_err2str(err));
                if (ev) {
                    krafka_record_t *rec = ev->ev;
                    ev->ev = NULL;
                    kr_qitem_free(ev);
                    return rec;
                }
            }
            continue;
        }
        struct kr_qitem *it = queue_pop(k, timeout_ms, deadline_us);
        if (!it)
            return NULL;
        switch (it->type) {
        case KR_QI_CHUNK:
            if (it->version == atomic_load(&it->tp->version)) {
                begin_chunk(k, it);
                continue;
            }
            /* stale: give its bytes back */
            k->parse.chunk = it;
            end_chunk(k);
            continue;
        case KR_QI_EVENT: {
            bool stale = it->tp && it->version != atomic_load(&it->tp->version);
            krafka_record_t *rec = stale ? NULL : it->ev;
            if (!stale)
                it->ev = NULL;
            kr_qitem_free(it);
            if (rec)
                return rec;
            continue;
        }
        case KR_QI_REBALANCE:
        case KR_QI_COMMIT:
            kr_poll_serve(k, it);
            break;
        }
        kr_qitem_free(it);
    }
}

/* Counts the poll for max.poll.interval.ms: the I/O thread notices the
 * count moving, so no clock is read here. Returns the poll's start time
 * when this poll is one of the 1 in 16 whose latency is recorded, else
 * 0; serves a due statistics callback. */
static int64_t polled(struct krafka_consumer *k)
{
    uint64_t n = atomic_fetch_add_explicit(&k->polls, 1,
                                           memory_order_relaxed);
    if (atomic_load_explicit(&k->poll_expired, memory_order_relaxed))
        kr_cgrp_polled(k); /* left the group for not polling: rejoin */
    kr_client_stats_serve(&k->c->met, k->c);
    if (!k->m.polls)
        return 0;
    kr_counter_add_owned(k->m.polls, 1);
    return (n & 15) == 0 ? kr_now_us() : 0;
}

/* The end of a poll that returned @n records or events. */
static void poll_end(struct krafka_consumer *k, int64_t start_us, size_t n)
{
    if (!k->m.polls)
        return;
    if (n == 0)
        kr_counter_add_owned(k->m.empty_polls, 1);
    if (start_us)
        kr_latency_record(k->m.poll_latency, kr_now_us() - start_us);
}

static void intercept(struct krafka_consumer *k, krafka_record_t *rec)
{
    if (k->conf->on_consume && rec->err == KRAFKA_ERR_NONE) {
        struct kr_rec *r = (struct kr_rec *)rec;
        (void)r;
        int64_t queued = k->parse.chunk
                             ? kr_now_us() - k->parse.chunk->fetch_us
                             : 0;
        k->conf->on_consume(rec, queued, k->conf->consume_ic_opaque);
    }
}

krafka_record_t *krafka_consumer_poll(krafka_consumer_t *k, int timeout_ms)
{
    if (!k)
        return NULL;
    int64_t start = polled(k);
    int64_t deadline = 0;
    krafka_record_t *rec = poll_one(k, timeout_ms, &deadline);
    if (rec)
        intercept(k, rec);
    poll_end(k, start, rec != NULL);
    return rec;
}

size_t krafka_consumer_poll_batch(krafka_consumer_t *k, krafka_record_t **out,
                                  size_t max, int timeout_ms)
{
    if (!k || !out || max == 0)
        return 0;
    int64_t start = polled(k);
    size_t n = 0;
    int64_t deadline = 0;
    while (n < max) {
        krafka_record_t *rec = poll_one(k, n == 0 ? timeout_ms : 0, &deadline);
        if (!rec)
            break;
        intercept(k, rec);
        out[n++] = rec;
    }
    poll_end(k, start, n);
    return n;
}

void kr_poll_destroy(struct krafka_consumer *k)
{
    end_chunk(k);
    kr_batch_reader_free(&k->parse.rd);
}
