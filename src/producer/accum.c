/*
 * The accumulator: each partition's open RecordBatch, filled under the
 * partition's lock by the sending threads, closed when it reaches
 * batch.size or batch.num.messages (or by the sender when linger.ms
 * passes or a flush asks), then queued for the sender.
 */
#include <stdlib.h>
#include <string.h>

#include "producer/producer.h"
#include "util/time.h"

void kr_ppart_init(struct kr_ppart *pp, struct kr_ptopic *t, int32_t id)
{
    memset(pp, 0, sizeof *pp);
    kr_lock_init(&pp->lock);
    pp->topic = t;
    pp->id = id;
    kr_batch_writer_init(&pp->w);
}

/* A batch buffer: a pooled one, or a new one sized for batch.size. */
static void buf_get(struct krafka_producer *p, struct kr_buf *b)
{
    pthread_mutex_lock(&p->pool_lock);
    bool pooled = p->pool_cnt > 0;
    if (pooled)
        *b = p->pool[--p->pool_cnt];
    pthread_mutex_unlock(&p->pool_lock);
    if (pooled) {
        kr_buf_reset(b);
        return;
    }
    /* One batch is at most message.max.bytes (the broker's limit too). */
    kr_buf_init(b, (size_t)p->conf->message_max_bytes);
    size_t want = (size_t)p->conf->batch_size + 1024;
    kr_buf_reserve(b, want < b->max ? want : b->max);
}

static void buf_put(struct krafka_producer *p, struct kr_buf *b)
{
    bool kept = false;
    if (b->cap <= 2 * ((size_t)p->conf->batch_size + 1024)) {
        pthread_mutex_lock(&p->pool_lock);
        if (p->pool_cnt < KR_BUF_POOL_MAX) {
            p->pool[p->pool_cnt++] = *b;
            kept = true;
        }
        pthread_mutex_unlock(&p->pool_lock);
    }
    if (!kept)
        kr_buf_free(b);
}

void kr_pbatch_free(struct kr_pbatch *b)
{
    if (!b)
        return;
    buf_put(b->part->topic->p, &b->buf);
    free(b->msgs);
    kr_dr_free(b->dr);
    free(b);
}

void kr_ppart_destroy(struct kr_ppart *pp)
{
    kr_pbatch_free(pp->open);
    while (pp->ready) {
        struct kr_pbatch *b = pp->ready;
        pp->ready = b->next;
        kr_pbatch_free(b);
    }
    kr_batch_writer_free(&pp->w);
}

static struct kr_pbatch *batch_open(struct krafka_producer *p,
                                    struct kr_ppart *pp, int64_t ts,
                                    int64_t now)
{
    struct kr_pbatch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->part = pp;
    if (!(b->dr = kr_dr_new())) {
        free(b);
        return NULL;
    }
    b->base_seq = -1;
    b->first_us = now;
    b->deadline_us = p->conf->message_timeout_ms
                         ? now + (int64_t)p->conf->message_timeout_ms * 1000
                         : INT64_MAX;
    buf_get(p, &b->buf);
    struct kr_batch_params bp = KR_BATCH_PARAMS_INIT;
    bp.base_timestamp = ts;
    if (kr_batch_begin(&pp->w, &b->buf, &bp) != KRAFKA_ERR_NONE) {
        kr_pbatch_free(b);
        return NULL;
    }
    return b;
}

static bool msgs_reserve(struct kr_pbatch *b)
{
    if (b->cnt < b->cap)
        return true;
    int32_t cap = b->cap ? b->cap * 2 : 64;
    struct kr_pmsg *m = realloc(b->msgs, (size_t)cap * sizeof *m);
    if (!m)
        return false;
    b->msgs = m;
    b->cap = cap;
    return true;
}

void kr_accum_close(struct krafka_producer *p, struct kr_ppart *pp)
{
    struct kr_pbatch *b = pp->open;
    if (!b)
        return;
    pp->open = NULL;
    const struct krafka_conf *cf = p->conf;
    size_t raw = kr_batch_size_estimate(&pp->w);
    /* A codec failure leaves the batch open: send it uncompressed. If that
     * fails too (no memory), the sender fails its records with the error
     * at once instead of sending a half-written batch. */
    krafka_err_t err = kr_batch_finish(&pp->w, cf->compression,
                                       cf->compression_level);
    if (err != KRAFKA_ERR_NONE &&
        kr_batch_finish(&pp->w, KR_COMPRESSION_NONE, 0) != KRAFKA_ERR_NONE) {
        b->encode_err = err;
        b->deadline_us = INT64_MIN;
    }
    b->order = pp->closed++;
    if (p->m.batch_records) {
        kr_latency_record(p->m.batch_records, b->cnt);
        kr_latency_record(p->m.batch_bytes, (int64_t)b->buf.len);
        if (cf->compression != KR_COMPRESSION_NONE && b->buf.len > 0)
            kr_latency_record(p->m.compression_ratio,
                              (int64_t)(raw * 1000 / b->buf.len));
    }
    if (pp->ready_tail)
        pp->ready_tail->next = b;
    else
        pp->ready = b;
    pp->ready_tail = b;
    /* Keyless records move on to another partition (KIP-480). */
    kr_sticky_batch_done(&pp->topic->sticky, pp->id);
}

static bool batch_full(const struct krafka_producer *p,
                       const struct kr_ppart *pp)
{
    return kr_batch_size_estimate(&pp->w) >= (size_t)p->conf->batch_size ||
           kr_batch_record_count(&pp->w) >= p->conf->batch_num_messages;
}

/* Appends to the open batch, opening one when needed. Under pp->lock. */
static krafka_err_t append_locked(struct krafka_producer *p,
                                  struct kr_ppart *pp, const struct kr_pmsg *m,
                                  const void *key, size_t key_len,
                                  const void *value, size_t value_len,
                                  const struct kr_record_header *hdrs,
                                  size_t hdr_cnt, bool *opened)
{
    int64_t now = m->enq_us;
    for (int tries = 0; tries < 2; tries++) {
        if (!pp->open) {
            pp->open = batch_open(p, pp, m->timestamp, now);
            if (!pp->open)
                return KRAFKA_ERR_LOCAL_NOMEM;
            *opened = true;
        }
        if (!msgs_reserve(pp->open))
            return KRAFKA_ERR_LOCAL_NOMEM;
        krafka_err_t err = kr_batch_append(&pp->w, m->timestamp, key,
                                           key_len, value, value_len, hdrs,
                                           hdr_cnt);
        if (err == KRAFKA_ERR_NONE) {
            pp->open->msgs[pp->open->cnt++] = *m;
            pp->open->syncs |= m->sync != NULL;
            return KRAFKA_ERR_NONE;
        }
        /* The batch has no room left: close it, retry in a new one. */
        if (err != KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED || pp->open->cnt == 0)
            return err == KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED
                       ? KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE
                       : err;
        kr_accum_close(p, pp);
    }
    return KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE;
}

krafka_err_t kr_accum_append(struct krafka_producer *p, struct kr_ppart *pp,
                             const struct kr_pmsg *m, const void *key,
                             size_t key_len, const void *value,
                             size_t value_len,
                             const struct kr_record_header *hdrs,
                             size_t hdr_cnt, bool *ready)
{
    bool opened = false;
    kr_lock(&pp->lock);
    struct kr_pbatch *before = pp->ready_tail;
    krafka_err_t err = append_locked(p, pp, m, key, key_len, value,
                                     value_len, hdrs, hdr_cnt, &opened);
    if (err == KRAFKA_ERR_NONE && batch_full(p, pp))
        kr_accum_close(p, pp);
    *ready = pp->ready_tail != before;
    int64_t linger_at = opened && pp->open
                            ? pp->open->first_us +
                                  (int64_t)p->conf->linger_ms * 1000
                            : 0;
    kr_unlock(&pp->lock);
    if (linger_at) /* memory short: no waiting for linger.ms */
        kr_sender_want(p, atomic_load_explicit(&p->room_short,
                                               memory_order_relaxed)
                              ? m->enq_us
                              : linger_at);
    return err;
}
