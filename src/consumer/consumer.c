/* The consumer handle, its partition table and queue (see consumer.h). */
#include "consumer/consumer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consumer/cgrp.h"
#include "util/time.h"

/* ---- partition table (lock held) ---- */

void kr_toppar_release(struct kr_toppar *tp)
{
    if (tp && atomic_fetch_sub_explicit(&tp->refs, 1, memory_order_acq_rel) ==
                  1) {
        free(tp->topic);
        free(tp);
    }
}

struct kr_toppar *kr_cons_find_locked(struct krafka_consumer *k,
                                      const char *topic, int32_t partition)
{
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next)
        if (tp->partition == partition && strcmp(tp->topic, topic) == 0)
            return tp;
    return NULL;
}

void kr_toppar_seek_locked(struct kr_toppar *tp, int64_t offset,
                           int32_t epoch)
{
    atomic_fetch_add(&tp->version, 1);
    memset(tp->topic_id, 0, sizeof tp->topic_id);
    tp->fetch_epoch = epoch;
    tp->eof_sent = false;
    tp->backoff_until_us = 0;
    if (offset >= 0) {
        tp->state = KR_TP_ACTIVE;
        tp->fetch_pos = offset;
        atomic_store(&tp->app_pos, offset);
    } else {
        /* BEGINNING, END, STORED, INVALID or a timestamp lookup. */
        tp->state = KR_TP_NEED_OFFSET;
        tp->fetch_pos = offset;
        tp->lookup_ts = offset;
        atomic_store(&tp->app_pos, KRAFKA_OFFSET_INVALID);
    }
}

struct kr_toppar *kr_cons_add_locked(struct krafka_consumer *k,
                                     const char *topic, int32_t partition,
                                     int64_t offset, int32_t epoch)
{
    struct kr_toppar *tp = kr_cons_find_locked(k, topic, partition);
    if (!tp) {
        tp = calloc(1, sizeof *tp);
        if (!tp || !(tp->topic = strdup(topic))) {
            free(tp);
            return NULL;
        }
        tp->partition = partition;
        atomic_init(&tp->refs, 1);
        tp->assigned = true;
        tp->hwm = tp->lso = tp->log_start = -1;
        tp->stored = tp->committed = KRAFKA_OFFSET_INVALID;
        tp->stored_epoch = -1;
        tp->lead = tp->lead_epoch = -1;
        tp->next = k->tps;
        k->tps = tp;
        kr_consumer_metrics_toppar(k, tp);
    }
    kr_toppar_seek_locked(tp, offset, epoch);
    return tp;
}

void kr_cons_remove_locked(struct krafka_consumer *k, struct kr_toppar *tp)
{
    for (struct kr_toppar **pp = &k->tps; *pp; pp = &(*pp)->next) {
        if (*pp != tp)
            continue;
        *pp = tp->next;
        tp->next = NULL;
        tp->assigned = false;
        if (tp->lag && k->c) /* 0 once not assigned */
            kr_gauge_set(tp->lag, 0);
        atomic_fetch_add(&tp->version, 1); /* queued data is dropped */
        kr_toppar_release(tp);
        return;
    }
}

/* ---- queue ---- */

void kr_qitem_free(struct kr_qitem *it)
{
    if (!it)
        return;
    kr_toppar_release(it->tp);
    kr_rframe_release(it->frame);
    free(it->aborted);
    if (it->ev)
        krafka_record_destroy(it->ev);
    krafka_tp_list_destroy(it->tps);
    free(it);
}

void kr_cons_enqueue_locked(struct krafka_consumer *k, struct kr_qitem *it)
{
    it->next = NULL;
    if (k->qtail)
        k->qtail->next = it;
    else
        k->qhead = it;
    k->qtail = it;
    if (it->type == KR_QI_CHUNK) {
        k->q_bytes += it->blob_len;
        k->q_records += it->rec_cnt;
    }
    pthread_cond_broadcast(&k->cond);
}

struct kr_qitem *kr_cons_pop_locked(struct krafka_consumer *k)
{
    struct kr_qitem *it = k->qhead;
    if (it) {
        k->qhead = it->next;
        if (!k->qhead)
            k->qtail = NULL;
        it->next = NULL;
    }
    return it;
}

void kr_cons_wait_locked(struct krafka_consumer *k, int64_t until_us)
{
    if (until_us == INT64_MAX) {
        pthread_cond_wait(&k->cond, &k->lock);
        return;
    }
    /* k->cond runs on CLOCK_MONOTONIC, the clock of kr_now_us() */
    struct timespec ts = {.tv_sec = (time_t)(until_us / 1000000),
                          .tv_nsec = (long)(until_us % 1000000) * 1000};
    pthread_cond_timedwait(&k->cond, &k->lock, &ts);
}

void kr_cons_enqueue(struct krafka_consumer *k, struct kr_qitem *it)
{
    pthread_mutex_lock(&k->lock);
    kr_cons_enqueue_locked(k, it);
    pthread_mutex_unlock(&k->lock);
}

static struct kr_rec *event_record(struct kr_toppar *tp, krafka_err_t err,
                                   int64_t offset, const char *msg)
{
    struct kr_rec *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->owned_errstr = strdup(msg);
    /* The topic name: a copy, so the event outlives the partition. */
    char *topic = tp ? strdup(tp->topic) : NULL;
    r->pub = (krafka_record_t){
        .err = err,
        .errstr = r->owned_errstr ? r->owned_errstr : krafka_err2str(err),
        .topic = topic,
        .partition = tp ? tp->partition : -1,
        .offset = offset,
        .timestamp = -1,
        .leader_epoch = -1};
    return r;
}

struct kr_qitem *kr_cons_event(struct kr_toppar *tp, krafka_err_t err,
                               int64_t offset, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct kr_qitem *it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->type = KR_QI_EVENT;
    struct kr_rec *r = event_record(tp, err, offset, msg);
    if (!r) {
        free(it);
        return NULL;
    }
    it->ev = &r->pub;
    return it;
}

/* ---- records ---- */

void kr_recset_release(struct kr_recset *s)
{
    if (s && atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) ==
                 1) {
        kr_rframe_release(s->frame);
        free(s->data);
        kr_toppar_release(s->tp);
        free(s);
    }
}

void krafka_record_destroy(krafka_record_t *rec)
{
    if (!rec)
        return;
    struct kr_rec *r = (struct kr_rec *)rec;
    if (r->set) {
        kr_recset_release(r->set);
        return;
    }
    free((char *)r->pub.topic);
    free(r->owned_errstr);
    free(r);
}

krafka_err_t krafka_record_header(const krafka_record_t *rec, size_t idx,
                                  const char **name, size_t *name_len,
                                  const void **value, size_t *value_len)
{
    if (!rec || idx >= rec->header_cnt)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    const struct kr_rec *r = (const struct kr_rec *)rec;
    struct kr_record view = {.header_cnt = (int32_t)rec->header_cnt,
                             .headers = r->hdrs,
                             .headers_len = r->hdrs_len};
    struct kr_header_iter it;
    struct kr_header_view h;
    kr_record_headers_begin(&view, &it);
    for (size_t i = 0; kr_record_headers_next(&it, &h); i++) {
        if (i != idx)
            continue;
        if (name)
            *name = (const char *)h.key;
        if (name_len)
            *name_len = (size_t)h.key_len;
        if (value)
            *value = h.value_len < 0 ? NULL : h.value;
        if (value_len)
            *value_len = h.value_len < 0 ? 0 : (size_t)h.value_len;
        return KRAFKA_ERR_NONE;
    }
    return KRAFKA_ERR_LOCAL_INVALID_ARG;
}

krafka_err_t krafka_record_header_last(const krafka_record_t *rec,
                                       const char *name, const void **value,
                                       size_t *value_len)
{
    if (!rec || !name)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t n = strlen(name);
    krafka_err_t found = KRAFKA_ERR_LOCAL_NOENT;
    for (size_t i = 0; i < rec->header_cnt; i++) {
        const char *k;
        size_t klen;
        const void *v;
        size_t vlen;
        if (krafka_record_header(rec, i, &k, &klen, &v, &vlen))
            break;
        if (klen == n && memcmp(k, name, n) == 0) {
            if (value)
                *value = v;
            if (value_len)
                *value_len = vlen;
            found = KRAFKA_ERR_NONE;
        }
    }
    return found;
}

/* ---- I/O thread hooks ---- */

static void on_wake(struct kr_client *c, void *arg)
{
    (void)c;
    kr_cgrp_wake(arg);
    kr_fetcher_run(arg);
}

static void on_metadata(struct kr_client *c, void *arg)
{
    (void)c;
    struct krafka_consumer *k = arg;
    kr_cgrp_metadata(k);
    pthread_mutex_lock(&k->lock);
    k->ids_check = true; /* a topic may have a new id */
    pthread_mutex_unlock(&k->lock);
    kr_fetcher_run(k);
}

/* ---- handle ---- */

krafka_err_t krafka_consumer_new(krafka_consumer_t **out,
                                 const krafka_conf_t *conf, char *errstr,
                                 size_t errstr_size)
{
    if (!out || !conf) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "out and conf must not be NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    struct krafka_consumer *k = calloc(1, sizeof *k);
    if (!k)
        return KRAFKA_ERR_LOCAL_NOMEM;
    krafka_err_t err =
        kr_client_create(&k->c, conf, "consumer", errstr, errstr_size);
    if (err) {
        free(k);
        return err;
    }
    k->conf = k->c->conf;
    pthread_mutex_init(&k->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&k->cond, &attr);
    pthread_condattr_destroy(&attr);
    k->q_cap = (size_t)k->conf->queued_max_messages_kbytes * 1024;
    kr_consumer_metrics_init(k);
    kr_batch_reader_init(&k->parse.rd);
    kr_fetcher_init(k);
    if (k->conf->group_id && *k->conf->group_id &&
        !(k->cg = kr_cgrp_new(k))) {
        krafka_consumer_destroy(k);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    k->c->on_wake = on_wake;
    k->c->on_metadata = on_metadata;
    k->c->hook_arg = k;
    err = kr_client_start(k->c, errstr, errstr_size);
    if (err) {
        krafka_consumer_destroy(k);
        return err;
    }
    *out = k;
    return KRAFKA_ERR_NONE;
}

krafka_err_t krafka_consumer_close(krafka_consumer_t *k)
{
    if (!k)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    bool already = k->closing;
    k->closing = true;
    pthread_mutex_unlock(&k->lock);
    if (already)
        return KRAFKA_ERR_NONE;
    krafka_err_t err = KRAFKA_ERR_NONE;
    if (k->cg)
        err = kr_cgrp_close(k, k->conf->close_timeout_ms);
    pthread_mutex_lock(&k->lock);
    k->closed = true;
    while (k->tps)
        kr_cons_remove_locked(k, k->tps);
    pthread_cond_broadcast(&k->cond);
    pthread_mutex_unlock(&k->lock);
    return err;
}

void krafka_consumer_destroy(krafka_consumer_t *k)
{
    if (!k)
        return;
    kr_consumer_metrics_detach(k);
    if (k->c && k->c->thread_started)
        krafka_consumer_close(k);
    if (k->c) {
        kr_client_stop(k->c);
        kr_timer_stop(&k->c->loop, &k->fetch_timer);
        if (k->cg)
            kr_cgrp_stop_timers(k->cg);
        /* Requests still pending complete (LOCAL_DESTROY) in here, so the
         * consumer's state must still exist. */
        kr_client_destroy(k->c);
        k->c = NULL;
    }
    kr_poll_destroy(k);
    struct kr_qitem *it;
    while ((it = k->qhead)) {
        k->qhead = it->next;
        kr_qitem_free(it);
    }
    while (k->tps)
        kr_cons_remove_locked(k, k->tps);
    kr_fetcher_destroy(k);
    if (k->cg)
        kr_cgrp_destroy(k->cg);
    pthread_mutex_destroy(&k->lock);
    pthread_cond_destroy(&k->cond);
    free(k);
}

/* ---- assignment ---- */

static krafka_err_t check_list(const krafka_tp_list_t *tps)
{
    if (tps && kr_tp_list_check(tps))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    for (size_t i = 0; tps && i < tps->cnt; i++)
        if (tps->elems[i].partition < 0)
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return KRAFKA_ERR_NONE;
}

/* Adds @tps at their offsets (INVALID/STORED: the committed one). */
static krafka_err_t add_locked(struct krafka_consumer *k,
                               const krafka_tp_list_t *tps)
{
    for (size_t i = 0; tps && i < tps->cnt; i++) {
        const krafka_topic_partition_t *e = &tps->elems[i];
        int64_t off = e->offset;
        if (off == KRAFKA_OFFSET_STORED)
            off = KRAFKA_OFFSET_INVALID;
        if (!kr_cons_add_locked(k, e->topic, e->partition, off,
                                e->leader_epoch))
            return KRAFKA_ERR_LOCAL_NOMEM;
    }
    return KRAFKA_ERR_NONE;
}

static void want_topics(struct krafka_consumer *k, const krafka_tp_list_t *tps)
{
    for (size_t i = 0; tps && i < tps->cnt; i++)
        kr_client_want_topic(k->c, tps->elems[i].topic);
}

krafka_err_t kr_cons_assign(struct krafka_consumer *k,
                            const krafka_tp_list_t *tps, int how)
{
    krafka_err_t err = check_list(tps);
    if (err)
        return err;
    pthread_mutex_lock(&k->lock);
    if (how == 0)
        while (k->tps)
            kr_cons_remove_locked(k, k->tps);
    if (how >= 0) {
        err = add_locked(k, tps);
    } else {
        for (size_t i = 0; tps && i < tps->cnt; i++) {
            struct kr_toppar *tp = kr_cons_find_locked(
                k, tps->elems[i].topic, tps->elems[i].partition);
            if (tp)
                kr_cons_remove_locked(k, tp);
        }
    }
    pthread_mutex_unlock(&k->lock);
    if (how >= 0)
        want_topics(k, tps);
    kr_loop_wake(&k->c->loop);
    return err;
}

krafka_err_t krafka_consumer_assign(krafka_consumer_t *k,
                                    const krafka_tp_list_t *tps)
{
    return k ? kr_cons_assign(k, tps, 0) : KRAFKA_ERR_LOCAL_INVALID_ARG;
}

krafka_err_t krafka_consumer_incremental_assign(krafka_consumer_t *k,
                                                const krafka_tp_list_t *tps)
{
    return k && tps ? kr_cons_assign(k, tps, 1)
                    : KRAFKA_ERR_LOCAL_INVALID_ARG;
}

krafka_err_t krafka_consumer_incremental_unassign(krafka_consumer_t *k,
                                                  const krafka_tp_list_t *tps)
{
    return k && tps ? kr_cons_assign(k, tps, -1)
                    : KRAFKA_ERR_LOCAL_INVALID_ARG;
}

/* A list of the assignment with @field of each partition. */
static krafka_err_t list_assignment(struct krafka_consumer *k,
                                    krafka_tp_list_t **out)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    if (!l)
        return KRAFKA_ERR_LOCAL_NOMEM;
    pthread_mutex_lock(&k->lock);
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, tp->topic, tp->partition);
        if (!e) {
            pthread_mutex_unlock(&k->lock);
            krafka_tp_list_destroy(l);
            return KRAFKA_ERR_LOCAL_NOMEM;
        }
        e->offset = atomic_load(&tp->app_pos);
    }
    pthread_mutex_unlock(&k->lock);
    *out = l;
    return KRAFKA_ERR_NONE;
}

krafka_err_t krafka_consumer_assignment(krafka_consumer_t *k,
                                        krafka_tp_list_t **out)
{
    if (!k || !out)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return list_assignment(k, out);
}

krafka_err_t krafka_consumer_position(krafka_consumer_t *k,
                                      krafka_tp_list_t *tps)
{
    if (!k || !tps || kr_tp_list_check(tps))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < tps->cnt; i++) {
        krafka_topic_partition_t *e = &tps->elems[i];
        struct kr_toppar *tp = kr_cons_find_locked(k, e->topic, e->partition);
        e->err = tp ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
        e->offset = tp ? atomic_load(&tp->app_pos) : KRAFKA_OFFSET_INVALID;
        e->leader_epoch = tp ? atomic_load(&tp->app_epoch) : -1;
    }
    pthread_mutex_unlock(&k->lock);
    return KRAFKA_ERR_NONE;
}

krafka_err_t krafka_consumer_lag(krafka_consumer_t *k, const char *topic,
                                 int32_t partition, int64_t *lag)
{
    if (!k || !topic || !lag)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    struct kr_toppar *tp = kr_cons_find_locked(k, topic, partition);
    krafka_err_t err = tp ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    *lag = -1;
    if (tp) {
        int64_t end = k->conf->isolation_level == KR_READ_COMMITTED
                          ? tp->lso
                          : tp->hwm;
        int64_t pos = atomic_load(&tp->app_pos);
        if (end >= 0 && pos >= 0)
            *lag = end > pos ? end - pos : 0;
    }
    pthread_mutex_unlock(&k->lock);
    return err;
}

/* ---- seek, pause ---- */

static krafka_err_t seek_to(struct krafka_consumer *k, const char *topic,
                            int32_t partition, int64_t offset)
{
    if (!k || !topic)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    struct kr_toppar *tp = kr_cons_find_locked(k, topic, partition);
    if (tp)
        kr_toppar_seek_locked(tp, offset, -1);
    pthread_mutex_unlock(&k->lock);
    if (!tp)
        return KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    kr_loop_wake(&k->c->loop);
    return KRAFKA_ERR_NONE;
}

krafka_err_t krafka_consumer_seek(krafka_consumer_t *k, const char *topic,
                                  int32_t partition, int64_t offset)
{
    if (offset < 0 && offset != KRAFKA_OFFSET_BEGINNING &&
        offset != KRAFKA_OFFSET_END)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return seek_to(k, topic, partition, offset);
}

/* A timestamp is looked up with ListOffsets: lookup_ts >= 0. */
krafka_err_t krafka_consumer_seek_timestamp(krafka_consumer_t *k,
                                            const char *topic,
                                            int32_t partition,
                                            int64_t timestamp_ms)
{
    if (timestamp_ms < 0)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    if (!k || !topic)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    struct kr_toppar *tp = kr_cons_find_locked(k, topic, partition);
    if (tp) {
        kr_toppar_seek_locked(tp, KRAFKA_OFFSET_END, -1);
        tp->lookup_ts = timestamp_ms;
    }
    pthread_mutex_unlock(&k->lock);
    if (!tp)
        return KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    kr_loop_wake(&k->c->loop);
    return KRAFKA_ERR_NONE;
}

static krafka_err_t set_paused(struct krafka_consumer *k,
                               const krafka_tp_list_t *tps, bool paused)
{
    if (!k || !tps || kr_tp_list_check(tps))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    krafka_err_t err = KRAFKA_ERR_NONE;
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < tps->cnt; i++) {
        krafka_topic_partition_t *e = &tps->elems[i];
        struct kr_toppar *tp = kr_cons_find_locked(k, e->topic, e->partition);
        e->err = tp ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
        if (!tp) {
            err = KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
            continue;
        }
        if (paused && !tp->paused && tp->state == KR_TP_ACTIVE) {
            /* Drop what was fetched ahead: fetch again from the
             * application's position on resume. */
            int64_t pos = atomic_load(&tp->app_pos);
            uint8_t id[16]; /* the same topic's offset: keep its id */
            memcpy(id, tp->topic_id, sizeof id);
            if (pos >= 0)
                kr_toppar_seek_locked(tp, pos, atomic_load(&tp->app_epoch));
            memcpy(tp->topic_id, id, sizeof id);
        }
        tp->paused = paused;
    }
    pthread_mutex_unlock(&k->lock);
    kr_loop_wake(&k->c->loop);
    return err;
}

krafka_err_t krafka_consumer_pause(krafka_consumer_t *k,
                                   const krafka_tp_list_t *tps)
{
    return set_paused(k, tps, true);
}

krafka_err_t krafka_consumer_resume(krafka_consumer_t *k,
                                    const krafka_tp_list_t *tps)
{
    return set_paused(k, tps, false);
}

/* ---- stored offsets ---- */

krafka_err_t krafka_consumer_store_offsets(krafka_consumer_t *k,
                                           const krafka_tp_list_t *offsets)
{
    if (!k || !offsets || kr_tp_list_check(offsets))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    krafka_err_t err = KRAFKA_ERR_NONE;
    pthread_mutex_lock(&k->lock);
    for (size_t i = 0; i < offsets->cnt; i++) {
        const krafka_topic_partition_t *e = &offsets->elems[i];
        struct kr_toppar *tp = kr_cons_find_locked(k, e->topic, e->partition);
        if (!tp || e->offset < 0) {
            err = KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
            continue;
        }
        tp->stored = e->offset;
        tp->stored_epoch = e->leader_epoch;
    }
    pthread_mutex_unlock(&k->lock);
    return err;
}

krafka_err_t krafka_consumer_store_record(krafka_consumer_t *k,
                                          const krafka_record_t *rec)
{
    if (!k || !rec || !rec->topic || rec->err)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    pthread_mutex_lock(&k->lock);
    struct kr_toppar *tp = kr_cons_find_locked(k, rec->topic, rec->partition);
    if (tp) {
        tp->stored = rec->offset + 1;
        tp->stored_epoch = rec->leader_epoch;
    }
    pthread_mutex_unlock(&k->lock);
    return tp ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
}

krafka_tp_list_t *kr_cons_stored_offsets(struct krafka_consumer *k,
                                         const krafka_tp_list_t *only)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    if (!l)
        return NULL;
    pthread_mutex_lock(&k->lock);
    for (struct kr_toppar *tp = k->tps; tp; tp = tp->next) {
        if (only && !krafka_tp_list_find(only, tp->topic, tp->partition))
            continue;
        int64_t off = tp->stored;
        int32_t epoch = tp->stored_epoch;
        if (k->conf->enable_auto_offset_store) {
            off = atomic_load(&tp->app_pos);
            epoch = atomic_load(&tp->app_epoch);
        }
        if (off < 0 || off == tp->committed)
            continue;
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, tp->topic, tp->partition);
        if (e) {
            e->offset = off;
            e->leader_epoch = epoch;
        }
    }
    pthread_mutex_unlock(&k->lock);
    return l;
}

/* ---- subscription (cgrp.c does the work) ---- */

/* Most topics and patterns in one subscription (include/krafka/consumer.h). */
#define KR_SUBSCRIBE_MAX 100000

krafka_err_t krafka_consumer_subscribe(krafka_consumer_t *k,
                                       const char *const *topics,
                                       size_t topic_cnt)
{
    /* The cap keeps an absurd count (SIZE_MAX) from wrapping the
     * allocation of the copy. */
    if (!k || (!topics && topic_cnt) || topic_cnt > KR_SUBSCRIBE_MAX)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    if (!k->cg)
        return KRAFKA_ERR_LOCAL_INVALID_CONF; /* no group.id */
    return kr_cgrp_subscribe(k, topics, topic_cnt);
}

krafka_err_t krafka_consumer_unsubscribe(krafka_consumer_t *k)
{
    if (!k)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return k->cg ? kr_cgrp_unsubscribe(k) : KRAFKA_ERR_NONE;
}

krafka_err_t krafka_consumer_subscription(krafka_consumer_t *k,
                                          krafka_tp_list_t **out)
{
    if (!k || !out)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    *out = k->cg ? kr_cgrp_subscription(k) : krafka_tp_list_new(0);
    return *out ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_NOMEM;
}
