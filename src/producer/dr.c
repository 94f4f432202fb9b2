/*
 * Delivery reports: the I/O thread queues one entry per RecordBatch
 * outcome; krafka_producer_poll() serves them record by record on the
 * application's thread. send_sync() waiters are answered directly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "producer/producer.h"
#include "util/time.h"

void kr_sync_release(struct kr_sync *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s);
}

static void sync_answer(struct kr_sync *s, const krafka_delivery_t *d)
{
    pthread_mutex_lock(&s->lock);
    s->result = *d;
    s->result.topic = NULL;
    s->result.errstr = NULL;
    s->done = true;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    kr_sync_release(s);
}

static void fill_delivery(const struct kr_dr *dr, int32_t i, int64_t now,
                          krafka_delivery_t *d)
{
    const struct kr_pmsg *m = &dr->msgs[i];
    *d = (krafka_delivery_t){
        .topic = dr->topic->name,
        .partition = dr->partition,
        .offset = dr->err == KRAFKA_ERR_NONE && dr->base_offset >= 0
                      ? dr->base_offset + i
                      : -1,
        .timestamp = dr->log_append_time >= 0 ? dr->log_append_time
                                              : m->timestamp,
        .err = dr->err,
        .errstr = dr->errstr ? dr->errstr
                  : dr->err ? krafka_err2str(dr->err) : "",
        .opaque = m->opaque,
        .latency_us = (dr->ack_us ? dr->ack_us : now) - m->enq_us};
}

static void dr_free(struct kr_dr *dr)
{
    free(dr->msgs);
    free(dr->errstr);
    free(dr);
}

/* Records whose report will not be served by poll: their accounting ends
 * now. */
static void release_msgs(struct krafka_producer *p, const struct kr_dr *dr)
{
    int64_t bytes = 0;
    for (int32_t i = 0; i < dr->cnt; i++)
        bytes += dr->msgs[i].size;
    kr_producer_release(p, dr->cnt, bytes);
}

/* Record @i's send latency for an ack at @ack_us. */
static inline uint64_t dr_lat(const struct kr_pmsg *msgs, int32_t i,
                              int64_t ack_us)
{
    return kr_latency_clamp(ack_us - msgs[i].enq_us);
}

/* The outcome's metrics. A batch's records were queued in time order, so
 * their latencies (one ack time minus each queue time) do not grow along
 * the batch: each histogram bucket's run is found by binary search and
 * added at once, and the per-record work is a sum and a min/max of the
 * queue times and the bytes (records queued by racing threads may be a
 * little out of order; they can only land in a neighbouring bucket). */
static void dr_metrics(struct krafka_producer *p, const struct kr_dr *dr)
{
    struct kr_producer_metrics *m = &p->m;
    if (!m->records_sent)
        return;
    if (dr->err != KRAFKA_ERR_NONE) {
        kr_counter_add(dr->err == KRAFKA_ERR_LOCAL_MSG_TIMED_OUT
                           ? m->records_expired
                           : m->records_dropped,
                       (uint64_t)dr->cnt);
        return;
    }
    if (dr->cnt <= 0)
        return;
    const struct kr_pmsg *msgs = dr->msgs;
    uint64_t bytes = 0;
    int64_t enq_sum = 0, enq_min = INT64_MAX, enq_max = INT64_MIN;
    for (int32_t i = 0; i < dr->cnt; i++) {
        int64_t e = msgs[i].enq_us;
        bytes += msgs[i].kv_bytes;
        enq_sum += e;
        enq_min = e < enq_min ? e : enq_min;
        enq_max = e > enq_max ? e : enq_max;
    }
    struct kr_latency_acc acc;
    kr_latency_acc_init(&acc, m->send_latency);
    for (int32_t i = 0; i < dr->cnt;) {
        size_t b = kr_latency_bucket(dr_lat(msgs, i, dr->ack_us));
        /* the last record from i on still in bucket b */
        int32_t lo = i, hi = dr->cnt - 1;
        while (lo < hi) {
            int32_t mid = lo + (hi - lo + 1) / 2;
            if (kr_latency_bucket(dr_lat(msgs, mid, dr->ack_us)) == b)
                lo = mid;
            else
                hi = mid - 1;
        }
        acc.bucket = b;
        acc.run = (uint64_t)(lo - i + 1);
        kr_latency_acc_flush_run(&acc);
        i = lo + 1;
    }
    int64_t sum = (int64_t)dr->cnt * dr->ack_us - enq_sum;
    acc.sum = sum > 0 ? (uint64_t)sum : 0;
    acc.min = kr_latency_clamp(dr->ack_us - enq_max);
    acc.max = kr_latency_clamp(dr->ack_us - enq_min);
    kr_latency_acc_done(&acc);
    kr_counter_add(m->records_sent, (uint64_t)dr->cnt);
    kr_counter_add(m->bytes_sent, bytes);
}

/* On the I/O thread: interceptors and send_sync waiters (@syncs: there are
 * some); true when the application's callback still wants the reports. */
static bool dr_prepare(struct krafka_producer *p, struct kr_dr *dr,
                       bool syncs)
{
    const struct krafka_conf *cf = p->conf;
    bool want = cf->dr_cb && !(cf->dr_only_error && dr->err == 0);
    if (!cf->on_ack && !syncs)
        return want;
    int64_t now = kr_now_us();
    for (int32_t i = 0; i < dr->cnt; i++) {
        krafka_delivery_t d;
        if (!cf->on_ack && !dr->msgs[i].sync)
            continue;
        fill_delivery(dr, i, now, &d);
        if (cf->on_ack)
            cf->on_ack(&d, cf->ic_opaque);
        if (dr->msgs[i].sync) {
            sync_answer(dr->msgs[i].sync, &d);
            dr->msgs[i].sync = NULL;
            dr->msgs[i].opaque = &dr->msgs[i]; /* marks: no report */
        }
    }
    return want;
}

struct kr_dr *kr_dr_new(void)
{
    return calloc(1, sizeof(struct kr_dr));
}

void kr_dr_free(struct kr_dr *dr)
{
    if (dr)
        dr_free(dr);
}

void kr_dr_batch(struct krafka_producer *p, struct kr_dr *dr,
                 struct kr_ptopic *t,
                 int32_t partition, struct kr_pmsg *msgs, int32_t cnt,
                 bool syncs,
                 int64_t base_offset, int64_t log_append_time,
                 krafka_err_t err, const char *errstr)
{
    /* Without memory the error text is left out: the report still goes
     * (krafka_delivery_t then names the error code's own text). */
    *dr = (struct kr_dr){.topic = t, .partition = partition, .msgs = msgs,
                         .cnt = cnt, .base_offset = base_offset,
                         .log_append_time = log_append_time, .err = err,
                         .errstr = errstr && *errstr ? strdup(errstr) : NULL,
                         .ack_us = kr_now_us()};
    dr_metrics(p, dr);
    if (!dr_prepare(p, dr, syncs)) {
        release_msgs(p, dr);
        dr_free(dr);
        return;
    }
    pthread_mutex_lock(&p->dr_lock);
    if (p->dr_tail)
        p->dr_tail->next = dr;
    else
        p->dr_head = dr;
    p->dr_tail = dr;
    pthread_cond_broadcast(&p->dr_cond);
    pthread_mutex_unlock(&p->dr_lock);
}

void kr_dr_take_batch(struct krafka_producer *p, struct kr_pbatch *b,
                      int64_t base_offset, int64_t log_append_time,
                      krafka_err_t err, const char *errstr)
{
    struct kr_dr *dr = b->dr;
    b->dr = NULL;
    kr_dr_batch(p, dr, b->part->topic, b->part->id, b->msgs, b->cnt,
                b->syncs, base_offset, log_append_time, err, errstr);
    b->msgs = NULL;
    b->cnt = 0;
}

void kr_dr_fail_batch(struct krafka_producer *p, struct kr_pbatch *b,
                      krafka_err_t err, const char *errstr)
{
    kr_dr_take_batch(p, b, -1, -1, err, errstr);
    kr_pbatch_free(b);
}

static struct kr_dr *dr_pop(struct krafka_producer *p, int timeout_ms)
{
    pthread_mutex_lock(&p->dr_lock);
    if (!p->dr_head && timeout_ms != 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t until = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
                        (int64_t)timeout_ms * 1000;
        while (!p->dr_head) {
            if (timeout_ms < 0) {
                pthread_cond_wait(&p->dr_cond, &p->dr_lock);
                continue;
            }
            ts.tv_sec = (time_t)(until / 1000000);
            ts.tv_nsec = (long)(until % 1000000) * 1000;
            if (pthread_cond_timedwait(&p->dr_cond, &p->dr_lock, &ts) ==
                ETIMEDOUT)
                break;
        }
    }
    struct kr_dr *dr = p->dr_head;
    if (dr) {
        p->dr_head = dr->next;
        if (!p->dr_head)
            p->dr_tail = NULL;
    }
    pthread_mutex_unlock(&p->dr_lock);
    return dr;
}

/* Serves one report entry; returns the records reported. */
static int serve(struct krafka_producer *p, struct kr_dr *dr)
{
    const struct krafka_conf *cf = p->conf;
    int64_t now = kr_now_us(), bytes = 0;
    int n = 0;
    for (int32_t i = 0; i < dr->cnt; i++) {
        bytes += dr->msgs[i].size;
        if (dr->msgs[i].opaque == &dr->msgs[i]) /* answered by send_sync */
            continue;
        krafka_delivery_t d;
        fill_delivery(dr, i, now, &d);
        if (cf->dr_cb && !(cf->dr_only_error && d.err == 0))
            cf->dr_cb(p, &d, cf->opaque);
        n++;
    }
    kr_producer_release(p, dr->cnt, bytes);
    dr_free(dr);
    return n;
}

int kr_dr_serve(struct krafka_producer *p, int timeout_ms)
{
    int n = 0;
    struct kr_dr *dr = dr_pop(p, timeout_ms);
    while (dr) {
        n += serve(p, dr);
        dr = dr_pop(p, 0);
    }
    return n;
}
