/*
 * The producer API: topics and partitions, send (copying into the
 * accumulator), memory bounds, records parked until their topic's
 * metadata is known, poll, flush, purge, send_sync and destroy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "producer/producer.h"
#include "util/time.h"

/* Headers an on_send interceptor may add per record. */
#define MAX_IC_HEADERS 8
/* Headers of one record, the application's plus the interceptor's. */
#define MAX_HEADERS 256

void kr_producer_wall_sync(struct krafka_producer *p)
{
    struct timespec ts;
    int64_t mono = kr_now_us();
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t wall = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    atomic_store(&p->wall_offset_us, wall - mono);
}

/* ---- accounting ---- */

/* Adds @n records of @bytes (negative: takes them back); returns the
 * totals after the add. */
static int64_t q_add(struct krafka_producer *p, int64_t n, int64_t bytes,
                     int64_t *total_bytes)
{
    if (p->q_packed) {
        uint64_t d = ((uint64_t)n << KR_Q_BYTE_BITS) + (uint64_t)bytes;
        return kr_q_unpack(atomic_fetch_add(&p->q_word, d) + d, total_bytes);
    }
    *total_bytes = atomic_fetch_add(&p->q_bytes, bytes) + bytes;
    return (int64_t)(atomic_fetch_add(&p->q_word, (uint64_t)n) +
                     (uint64_t)n);
}

static krafka_err_t reserve(struct krafka_producer *p, int64_t bytes)
{
    const struct krafka_conf *cf = p->conf;
    int64_t max_bytes = (int64_t)cf->queue_buffering_max_kbytes * 1024;
    int64_t until = 0; /* set when the first wait begins */
    for (;;) {
        int64_t b;
        int64_t n = q_add(p, 1, bytes, &b);
        if (n <= cf->queue_buffering_max_messages && b <= max_bytes)
            return KRAFKA_ERR_NONE;
        q_add(p, -1, -bytes, &b);
        kr_sender_room_short(p); /* send what waits for linger.ms now */
        if (cf->max_block_ms == 0)
            return KRAFKA_ERR_LOCAL_QUEUE_FULL;
        if (!until)
            until = kr_now_us() + (int64_t)cf->max_block_ms * 1000;
        else if (kr_now_us() >= until)
            return KRAFKA_ERR_LOCAL_QUEUE_FULL;
        pthread_mutex_lock(&p->room_lock);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 10 * 1000000; /* re-check at least every 10 ms */
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&p->room_cond, &p->room_lock, &ts);
        pthread_mutex_unlock(&p->room_lock);
    }
}

void kr_producer_release(struct krafka_producer *p, int64_t n, int64_t bytes)
{
    int64_t b;
    q_add(p, -n, -bytes, &b);
    if (atomic_load_explicit(&p->room_short, memory_order_relaxed))
        atomic_store(&p->room_short, false); /* there is room again */
    if (p->conf->max_block_ms > 0) {
        pthread_mutex_lock(&p->room_lock);
        pthread_cond_broadcast(&p->room_cond);
        pthread_mutex_unlock(&p->room_lock);
    }
    if (atomic_load(&p->flushing) > 0) {
        pthread_mutex_lock(&p->dr_lock);
        pthread_cond_broadcast(&p->dr_cond);
        pthread_mutex_unlock(&p->dr_lock);
    }
}

int krafka_producer_outq_len(krafka_producer_t *p)
{
    return p ? (int)kr_producer_queued(p, NULL) : 0;
}

/* ---- topics ---- */

/* Creates the partitions once their count is known, and the new ones
 * when the topic grows (a count never shrinks: Kafka cannot). Partitions
 * up to the old count stay where they are. Thread: any. */
static void topic_set_parts(struct kr_ptopic *t, int32_t n)
{
    pthread_mutex_lock(&t->lock);
    int32_t had = atomic_load(&t->partition_cnt), have = had < 0 ? 0 : had;
    if (n > have) {
        int32_t made = have;
        for (int k = 0; k < KR_PCHUNKS && made < n; k++) {
            int32_t first = KR_PCHUNK0 * ((1 << k) - 1),
                    size = KR_PCHUNK0 << k;
            if (made >= first + size)
                continue;
            if (!t->chunks[k] &&
                !(t->chunks[k] = calloc((size_t)size, sizeof(struct kr_ppart))))
                break;
            for (; made < n && made < first + size; made++)
                kr_ppart_init(&t->chunks[k][made - first], t, made);
        }
        if (made > have) {
            atomic_store(&t->partition_cnt, made);
            if (had < 0)
                atomic_store(&t->direct, t->pending == NULL);
        }
    }
    pthread_mutex_unlock(&t->lock);
}

static struct kr_ptopic *topic_find(struct krafka_producer *p,
                                    const char *name)
{
    for (size_t i = 0; i < p->topic_cnt; i++)
        if (strcmp(p->topics[i]->name, name) == 0)
            return p->topics[i];
    return NULL;
}

static struct kr_ptopic *topic_new(struct krafka_producer *p,
                                   const char *name)
{
    struct kr_ptopic *t = calloc(1, sizeof *t);
    if (!t || !(t->name = strdup(name))) {
        free(t);
        return NULL;
    }
    t->p = p;
    atomic_init(&t->partition_cnt, -1);
    atomic_init(&t->direct, false);
    pthread_mutex_init(&t->lock, NULL);
    kr_sticky_init(&t->sticky);
    t->first_seen_us = kr_now_us();
    return t;
}

static struct kr_ptopic *topic_add(struct krafka_producer *p,
                                   const char *name)
{
    struct kr_ptopic *t = topic_find(p, name);
    if (t)
        return t;
    if (p->topic_cnt == p->topic_cap) {
        size_t cap = p->topic_cap ? p->topic_cap * 2 : 8;
        struct kr_ptopic **a = realloc(p->topics, cap * sizeof *a);
        if (!a)
            return NULL;
        p->topics = a;
        p->topic_cap = cap;
    }
    if (!(t = topic_new(p, name)))
        return NULL;
    p->topics[p->topic_cnt++] = t;
    return t;
}

static struct kr_ptopic *topic_get(struct krafka_producer *p,
                                   const char *name)
{
    /* Most producers send to one topic: no lock on that path. */
    struct kr_ptopic *t =
        atomic_load_explicit(&p->last_topic, memory_order_acquire);
    if (t && strcmp(t->name, name) == 0)
        return t;
    pthread_rwlock_rdlock(&p->topics_lock);
    t = topic_find(p, name);
    pthread_rwlock_unlock(&p->topics_lock);
    if (t) {
        atomic_store_explicit(&p->last_topic, t, memory_order_release);
        return t;
    }
    pthread_rwlock_wrlock(&p->topics_lock);
    size_t before = p->topic_cnt;
    t = topic_add(p, name);
    bool added = p->topic_cnt != before;
    pthread_rwlock_unlock(&p->topics_lock);
    if (t && added) {
        int32_t n = kr_md_partition_cnt(p->c, name);
        if (n > 0)
            topic_set_parts(t, n);
        kr_client_want_topic(p->c, name);
    }
    return t;
}

static void topic_free(struct kr_ptopic *t)
{
    int n = atomic_load(&t->partition_cnt);
    for (int i = 0; i < n; i++)
        kr_ppart_destroy(kr_ptopic_part(t, i));
    for (int k = 0; k < KR_PCHUNKS; k++)
        free(t->chunks[k]);
    pthread_mutex_destroy(&t->lock);
    free(t->name);
    free(t);
}

/* ---- records ---- */

struct rec {
    const void *key;
    size_t key_len;
    const void *value;
    size_t value_len;
    const struct kr_record_header *hdrs;
    size_t hdr_cnt;
    int32_t partition;
    struct kr_pmsg m;
};

/* Partitions and appends; the record's accounting is reserved. */
static krafka_err_t place(struct krafka_producer *p, struct kr_ptopic *t,
                          const struct rec *r)
{
    int32_t n = atomic_load(&t->partition_cnt);
    int32_t part = r->partition;
    if (part == KRAFKA_PARTITION_ANY) {
        krafka_err_t err = kr_partitioner_pick(&p->partitioner, &t->sticky,
                                               t->name, r->key, r->key_len,
                                               n, &part);
        if (err != KRAFKA_ERR_NONE)
            return err;
    } else if (part < 0 || part >= n) {
        return KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    }
    bool ready = false;
    krafka_err_t err = kr_accum_append(p, kr_ptopic_part(t, part), &r->m,
                                       r->key,
                                       r->key_len, r->value, r->value_len,
                                       r->hdrs, r->hdr_cnt, &ready);
    if (err == KRAFKA_ERR_NONE && ready)
        kr_loop_wake(&p->c->loop);
    return err;
}

static struct kr_pending *pending_copy(const struct rec *r)
{
    size_t n = sizeof(struct kr_pending) + r->key_len + r->value_len +
               r->hdr_cnt * sizeof(struct kr_record_header);
    for (size_t i = 0; i < r->hdr_cnt; i++)
        n += r->hdrs[i].key_len + r->hdrs[i].value_len;
    struct kr_pending *pd = calloc(1, n);
    struct kr_dr *dr = kr_dr_new();
    struct kr_pmsg *m = malloc(sizeof *m);
    if (!pd || !dr || !m) {
        free(pd);
        kr_dr_free(dr);
        free(m);
        return NULL;
    }
    *pd = (struct kr_pending){.partition = r->partition,
                              .dr = dr, .dr_msg = m,
                              .timestamp = r->m.timestamp,
                              .enq_us = r->m.enq_us, .opaque = r->m.opaque,
                              .sync = r->m.sync, .key_len = r->key_len,
                              .value_len = r->value_len,
                              .hdr_cnt = r->hdr_cnt, .size = r->m.size};
    uint8_t *at = pd->data;
    pd->hdrs = (struct kr_record_header *)(void *)at;
    at += r->hdr_cnt * sizeof(struct kr_record_header);
    for (size_t i = 0; i < r->hdr_cnt; i++) {
        pd->hdrs[i] = r->hdrs[i];
        pd->hdrs[i].key = memcpy(at, r->hdrs[i].key, r->hdrs[i].key_len);
        at += r->hdrs[i].key_len;
        if (r->hdrs[i].value) {
            pd->hdrs[i].value = memcpy(at, r->hdrs[i].value,
                                       r->hdrs[i].value_len);
            at += r->hdrs[i].value_len;
        }
    }
    if (r->key)
        pd->key = memcpy(at, r->key, r->key_len);
    at += r->key_len;
    if (r->value)
        pd->value = memcpy(at, r->value, r->value_len);
    return pd;
}

static void pending_free(struct kr_pending *pd)
{
    kr_dr_free(pd->dr);
    free(pd->dr_msg);
    free(pd);
}

/* Parks a record until the topic's partitions are known; false when they
 * became known meanwhile (place it instead). */
static krafka_err_t park(struct krafka_producer *p, struct kr_ptopic *t,
                         const struct rec *r, bool *parked)
{
    (void)p;
    struct kr_pending *pd = pending_copy(r);
    if (!pd)
        return KRAFKA_ERR_LOCAL_NOMEM;
    pthread_mutex_lock(&t->lock);
    *parked = !atomic_load(&t->direct);
    if (*parked) {
        if (t->pending_tail)
            t->pending_tail->next = pd;
        else
            t->pending = pd;
        t->pending_tail = pd;
    }
    pthread_mutex_unlock(&t->lock);
    if (!*parked)
        pending_free(pd);
    return KRAFKA_ERR_NONE;
}

/* Reports a parked record with @err, in the entry it reserved when it
 * was parked. */
static void fail_parked(struct krafka_producer *p, struct kr_ptopic *t,
                        struct kr_pending *pd, krafka_err_t err,
                        const char *errstr)
{
    struct kr_pmsg *m = pd->dr_msg;
    *m = (struct kr_pmsg){.opaque = pd->opaque, .timestamp = pd->timestamp,
                          .enq_us = pd->enq_us, .size = pd->size,
                          .kv_bytes = (uint32_t)(pd->key_len +
                                                 pd->value_len),
                          .sync = pd->sync};
    kr_dr_batch(p, pd->dr, t, pd->partition, m, 1, pd->sync != NULL, -1, -1,
                err, errstr);
    free(pd);
}

/* Places parked record @pd, or fails it; false when there was no memory
 * to place it and it is not past message.timeout.ms: it stays parked. */
static bool unpark_one(struct krafka_producer *p, struct kr_ptopic *t,
                       struct kr_pending *pd)
{
    struct rec r = {.key = pd->key, .key_len = pd->key_len,
                    .value = pd->value, .value_len = pd->value_len,
                    .hdrs = pd->hdrs, .hdr_cnt = pd->hdr_cnt,
                    .partition = pd->partition,
                    .m = {.opaque = pd->opaque, .timestamp = pd->timestamp,
                          .enq_us = pd->enq_us, .size = pd->size,
                          .kv_bytes = (uint32_t)(pd->key_len +
                                                 pd->value_len),
                          .sync = pd->sync}};
    krafka_err_t err = place(p, t, &r);
    if (err == KRAFKA_ERR_NONE) {
        pending_free(pd);
        return true;
    }
    int64_t tmo = (int64_t)p->conf->message_timeout_ms * 1000;
    if (err == KRAFKA_ERR_LOCAL_NOMEM &&
        (!tmo || pd->enq_us + tmo > kr_now_us()))
        return false;
    if (err == KRAFKA_ERR_LOCAL_NOMEM)
        fail_parked(p, t, pd, KRAFKA_ERR_LOCAL_MSG_TIMED_OUT,
                    "not placed within message.timeout.ms: out of memory");
    else
        fail_parked(p, t, pd, err, krafka_err2str(err));
    return true;
}

/* Puts the records from @pd on (still linked) back in front of @t's
 * parked ones, in their order. */
static void repark_front(struct kr_ptopic *t, struct kr_pending *pd)
{
    struct kr_pending *last = pd;
    while (last->next)
        last = last->next;
    pthread_mutex_lock(&t->lock);
    last->next = t->pending;
    if (!t->pending)
        t->pending_tail = last;
    t->pending = pd;
    pthread_mutex_unlock(&t->lock);
}

/* Parked records of @t past message.timeout.ms fail, naming why. */
static int64_t expire_parked(struct krafka_producer *p, struct kr_ptopic *t)
{
    int64_t now = kr_now_us(), next = INT64_MAX;
    int64_t tmo = (int64_t)p->conf->message_timeout_ms * 1000;
    uint8_t id[16];
    int16_t terr = 0;
    kr_md_topic_info(p->c, t->name, id, &terr);
    char msg[400];
    snprintf(msg, sizeof msg, "topic \"%.200s\" %s within "
             "message.timeout.ms", t->name,
             terr ? "does not exist" : "has no metadata");
    pthread_mutex_lock(&t->lock);
    struct kr_pending *expired = NULL;
    while (tmo && t->pending && t->pending->enq_us + tmo <= now) {
        struct kr_pending *pd = t->pending;
        t->pending = pd->next;
        pd->next = expired;
        expired = pd;
    }
    if (!t->pending)
        t->pending_tail = NULL;
    else if (tmo)
        next = t->pending->enq_us + tmo;
    pthread_mutex_unlock(&t->lock);
    krafka_err_t err = terr ? (krafka_err_t)terr
                            : KRAFKA_ERR_LOCAL_MSG_TIMED_OUT;
    while (expired) {
        struct kr_pending *pd = expired;
        expired = pd->next;
        fail_parked(p, t, pd, err, msg);
    }
    return next;
}

int64_t kr_producer_unpark(struct krafka_producer *p, struct kr_ptopic *t)
{
    int32_t n = kr_md_partition_cnt(p->c, t->name);
    if (atomic_load(&t->partition_cnt) < 0 && n <= 0)
        return expire_parked(p, t);
    if (n > atomic_load(&t->partition_cnt))
        topic_set_parts(t, n); /* known now, or grown */
    /* Records parked while these are placed queue behind them; send()
     * places records itself only once the queue is found empty. */
    for (;;) {
        pthread_mutex_lock(&t->lock);
        struct kr_pending *pd = t->pending;
        t->pending = t->pending_tail = NULL;
        if (!pd)
            atomic_store(&t->direct, true);
        pthread_mutex_unlock(&t->lock);
        if (!pd)
            return INT64_MAX;
        while (pd) {
            struct kr_pending *next = pd->next;
            if (!unpark_one(p, t, pd)) { /* no memory: try again soon */
                repark_front(t, pd);
                return kr_now_us() +
                       (int64_t)p->conf->retry_backoff_ms * 1000;
            }
            pd = next;
        }
    }
}

void kr_producer_purge_parked(struct krafka_producer *p)
{
    kr_producer_fail_parked(p, KRAFKA_ERR_LOCAL_PURGE_QUEUE,
                            "purged before it was sent");
}

void kr_producer_fail_parked(struct krafka_producer *p, krafka_err_t err,
                             const char *errstr)
{
    for (size_t i = 0; i < p->topic_cnt; i++) {
        struct kr_ptopic *t = p->topics[i];
        pthread_mutex_lock(&t->lock);
        struct kr_pending *pd = t->pending;
        t->pending = t->pending_tail = NULL;
        pthread_mutex_unlock(&t->lock);
        while (pd) {
            struct kr_pending *next = pd->next;
            fail_parked(p, t, pd, err, errstr);
            pd = next;
        }
    }
}

/* ---- send ---- */

static krafka_err_t check_msg(const krafka_msg_t *msg)
{
    if (!msg || !msg->topic || !msg->topic[0] ||
        (msg->key_len && !msg->key) || (msg->value_len && !msg->value) ||
        (msg->header_cnt && !msg->headers) ||
        msg->header_cnt > MAX_HEADERS - MAX_IC_HEADERS ||
        msg->partition < KRAFKA_PARTITION_ANY)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    for (size_t i = 0; i < msg->header_cnt; i++)
        if (!msg->headers[i].key ||
            (msg->headers[i].value_len && !msg->headers[i].value))
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return KRAFKA_ERR_NONE;
}

/* @a + @b, or SIZE_MAX when that overflows: lengths come from the
 * application and may be absurd (SIZE_MAX), which must read as "too
 * large", not wrap around to a small size. */
static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* The record's headers (the application's, then the interceptor's) into
 * @out; returns the count and the payload bytes in *@bytes. */
static size_t gather_headers(struct krafka_producer *p,
                             const krafka_msg_t *msg, void *opaque,
                             struct kr_record_header *out, size_t *bytes)
{
    krafka_header_t add[MAX_IC_HEADERS];
    size_t nadd = 0;
    if (p->conf->on_send)
        nadd = p->conf->on_send(msg, opaque, add, MAX_IC_HEADERS,
                                p->conf->ic_opaque);
    if (nadd > MAX_IC_HEADERS)
        nadd = MAX_IC_HEADERS;
    size_t n = 0;
    *bytes = 0;
    for (size_t i = 0; i < msg->header_cnt + nadd; i++) {
        const krafka_header_t *h =
            i < msg->header_cnt ? &msg->headers[i] : &add[i - msg->header_cnt];
        if (!h->key)
            continue;
        out[n] = (struct kr_record_header){
            .key = h->key, .key_len = strlen(h->key), .value = h->value,
            .value_len = h->value ? h->value_len : 0};
        *bytes = add_sat(*bytes, add_sat(out[n].key_len, out[n].value_len));
        n++;
    }
    return n;
}

static krafka_err_t send_rec(struct krafka_producer *p,
                             const krafka_msg_t *msg, void *opaque,
                             struct kr_sync *sync)
{
    krafka_err_t err = check_msg(msg);
    if (err != KRAFKA_ERR_NONE)
        return err;
    struct kr_record_header hdrs[MAX_HEADERS];
    size_t hbytes;
    struct rec r = {.key = msg->key, .key_len = msg->key_len,
                    .value = msg->value, .value_len = msg->value_len,
                    .hdrs = hdrs, .partition = msg->partition};
    r.hdr_cnt = gather_headers(p, msg, sync ? NULL : opaque, hdrs, &hbytes);
    /* Record overhead is at most ~ 40 bytes of varints and attributes. */
    size_t size =
        add_sat(add_sat(msg->key_len, msg->value_len), add_sat(hbytes, 40));
    /* message.max.bytes >= 1000 > KR_BATCH_HEADER_LEN: no underflow. */
    if (size > (size_t)p->conf->message_max_bytes - KR_BATCH_HEADER_LEN)
        return KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE;
    int64_t now = kr_fastclock_now_us(&p->clock); /* one read per record */
    r.m = (struct kr_pmsg){
        .opaque = opaque,
        .timestamp = msg->timestamp
                         ? msg->timestamp
                         : (now + atomic_load(&p->wall_offset_us)) / 1000,
        .enq_us = now, .size = (uint32_t)size,
        .kv_bytes = (uint32_t)(msg->key_len + msg->value_len), .sync = sync};
    struct kr_ptopic *t = topic_get(p, msg->topic);
    if (!t)
        return KRAFKA_ERR_LOCAL_NOMEM;
    if ((err = reserve(p, (int64_t)size)) != KRAFKA_ERR_NONE)
        return err;
    bool parked = false;
    if (!atomic_load(&t->direct))
        err = park(p, t, &r, &parked);
    if (err == KRAFKA_ERR_NONE && !parked)
        err = place(p, t, &r);
    if (err != KRAFKA_ERR_NONE)
        kr_producer_release(p, 1, (int64_t)size);
    return err;
}

krafka_err_t krafka_producer_send(krafka_producer_t *p,
                                  const krafka_msg_t *msg, void *opaque)
{
    if (!p)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return send_rec(p, msg, opaque, NULL);
}

static struct kr_sync *sync_new(void)
{
    struct kr_sync *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &a);
    pthread_condattr_destroy(&a);
    atomic_init(&s->refs, 2);
    return s;
}

static bool sync_wait(struct kr_sync *s, int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t until = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
                    (int64_t)timeout_ms * 1000;
    ts.tv_sec = (time_t)(until / 1000000);
    ts.tv_nsec = (long)(until % 1000000) * 1000;
    pthread_mutex_lock(&s->lock);
    while (!s->done) {
        if (timeout_ms < 0)
            pthread_cond_wait(&s->cond, &s->lock);
        else if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) ==
                 ETIMEDOUT)
            break;
    }
    bool done = s->done;
    pthread_mutex_unlock(&s->lock);
    return done;
}

krafka_err_t krafka_producer_send_sync(krafka_producer_t *p,
                                       const krafka_msg_t *msg,
                                       int timeout_ms,
                                       krafka_delivery_t *result)
{
    if (!p)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    struct kr_sync *s = sync_new();
    if (!s)
        return KRAFKA_ERR_LOCAL_NOMEM;
    krafka_err_t err = send_rec(p, msg, NULL, s);
    if (err != KRAFKA_ERR_NONE) {
        kr_sync_release(s);
        kr_sync_release(s);
        return err;
    }
    /* Don't wait for linger.ms: this caller is waiting. */
    atomic_fetch_add(&p->flushing, 1);
    kr_loop_wake(&p->c->loop);
    bool done = sync_wait(s, timeout_ms);
    atomic_fetch_sub(&p->flushing, 1);
    err = done ? s->result.err : KRAFKA_ERR_LOCAL_TIMED_OUT;
    if (result) {
        if (done)
            *result = s->result;
        else
            *result = (krafka_delivery_t){.err = err, .offset = -1,
                                          .partition = -1};
    }
    kr_sync_release(s);
    return err;
}

/* ---- poll, flush, purge ---- */

int krafka_producer_poll(krafka_producer_t *p, int timeout_ms)
{
    if (!p)
        return 0;
    kr_client_stats_serve(&p->c->met, p->c);
    int n = kr_dr_serve(p, timeout_ms);
    kr_client_stats_serve(&p->c->met, p->c);
    return n;
}

krafka_err_t krafka_producer_flush(krafka_producer_t *p, int timeout_ms)
{
    if (!p)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    int64_t until = timeout_ms < 0 ? INT64_MAX
                                   : kr_now_us() + (int64_t)timeout_ms * 1000;
    atomic_fetch_add(&p->flushing, 1);
    kr_loop_wake(&p->c->loop);
    krafka_err_t err = KRAFKA_ERR_NONE;
    while (kr_producer_queued(p, NULL) > 0) {
        int64_t left = until == INT64_MAX ? 100000 : until - kr_now_us();
        if (left <= 0) {
            err = KRAFKA_ERR_LOCAL_TIMED_OUT;
            break;
        }
        kr_dr_serve(p, (int)(left > 100000 ? 100 : (left + 999) / 1000));
    }
    atomic_fetch_sub(&p->flushing, 1);
    return err;
}

/* An operation run on the I/O thread while the caller waits. */
struct io_op {
    struct kr_req req; /* api NULL: an operation */
    struct krafka_producer *p;
    int flags;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
};

static void purge_op(struct kr_client *c, struct kr_req *r, krafka_err_t err,
                     const char *errstr, const void *resp, int16_t v)
{
    (void)c;
    (void)errstr;
    (void)resp;
    (void)v;
    struct io_op *op = (struct io_op *)r;
    if (err == KRAFKA_ERR_NONE) {
        struct krafka_producer *p = op->p;
        if (op->flags & KRAFKA_PURGE_QUEUE) {
            pthread_rwlock_rdlock(&p->topics_lock);
            kr_producer_purge_parked(p);
            pthread_rwlock_unlock(&p->topics_lock);
        }
        kr_sender_purge(p, op->flags & KRAFKA_PURGE_QUEUE,
                        op->flags & KRAFKA_PURGE_INFLIGHT);
    }
    pthread_mutex_lock(&op->lock);
    op->done = true;
    pthread_cond_signal(&op->cond);
    pthread_mutex_unlock(&op->lock);
}

krafka_err_t krafka_producer_purge(krafka_producer_t *p, int flags)
{
    if (!p || (flags & ~(KRAFKA_PURGE_QUEUE | KRAFKA_PURGE_INFLIGHT)))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    struct io_op op = {.p = p, .flags = flags};
    pthread_mutex_init(&op.lock, NULL);
    pthread_cond_init(&op.cond, NULL);
    op.req.done = purge_op;
    op.req.deadline_us = INT64_MAX;
    kr_client_submit(p->c, &op.req);
    pthread_mutex_lock(&op.lock);
    while (!op.done)
        pthread_cond_wait(&op.cond, &op.lock);
    pthread_mutex_unlock(&op.lock);
    pthread_mutex_destroy(&op.lock);
    pthread_cond_destroy(&op.cond);
    return KRAFKA_ERR_NONE;
}

/* ---- lifetime ---- */

static void producer_free(struct krafka_producer *p)
{
    for (size_t i = 0; i < p->topic_cnt; i++)
        topic_free(p->topics[i]);
    free(p->topics);
    for (int i = 0; i < p->pool_cnt; i++)
        kr_buf_free(&p->pool[i]);
    pthread_mutex_destroy(&p->pool_lock);
    pthread_rwlock_destroy(&p->topics_lock);
    pthread_mutex_destroy(&p->room_lock);
    pthread_cond_destroy(&p->room_cond);
    pthread_mutex_destroy(&p->dr_lock);
    pthread_cond_destroy(&p->dr_cond);
    free(p);
}

static void producer_locks_init(struct krafka_producer *p)
{
    pthread_rwlock_init(&p->topics_lock, NULL);
    pthread_mutex_init(&p->pool_lock, NULL);
    pthread_mutex_init(&p->room_lock, NULL);
    pthread_mutex_init(&p->dr_lock, NULL);
    /* Both are waited on with CLOCK_MONOTONIC deadlines. */
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&p->room_cond, &a);
    pthread_cond_init(&p->dr_cond, &a);
    pthread_condattr_destroy(&a);
}

krafka_err_t krafka_producer_new(krafka_producer_t **out,
                                 const krafka_conf_t *conf, char *errstr,
                                 size_t errstr_size)
{
    if (!out) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "out must not be NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    struct krafka_producer *p = calloc(1, sizeof *p);
    if (!p)
        return KRAFKA_ERR_LOCAL_NOMEM;
    producer_locks_init(p);
    krafka_err_t err =
        kr_client_create(&p->c, conf, "producer", errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE) {
        producer_free(p);
        return err;
    }
    p->conf = p->c->conf;
    p->q_packed = p->conf->queue_buffering_max_messages <= KR_Q_PACKED_MAX;
    kr_fastclock_init(&p->clock);
    kr_partitioner_init(&p->partitioner,
                        (enum kr_partitioner_type)p->conf->partitioner,
                        p->conf->partitioner_cb, p->conf->partitioner_opaque);
    kr_sender_init(p);
    kr_producer_wall_sync(p);
    kr_producer_metrics_init(p);
    p->c->on_wake = kr_sender_wake;
    p->c->on_metadata = kr_sender_metadata;
    p->c->on_fatal = kr_sender_fatal;
    p->c->hook_arg = p;
    err = kr_client_start(p->c, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE) {
        kr_client_destroy(p->c);
        producer_free(p);
        return err;
    }
    *out = p;
    return KRAFKA_ERR_NONE;
}

void krafka_producer_destroy(krafka_producer_t *p)
{
    if (!p)
        return;
    kr_producer_metrics_detach(p);
    krafka_producer_flush(p, p->conf->close_timeout_ms);
    krafka_producer_purge(p, KRAFKA_PURGE_QUEUE | KRAFKA_PURGE_INFLIGHT);
    kr_dr_serve(p, 0);
    kr_client_stop(p->c);
    kr_timer_stop(&p->c->loop, &p->sender_timer);
    /* Requests still in flight end now; their batches were purged, so no
     * report is made after this point (the conf goes with the client). */
    kr_client_destroy(p->c);
    producer_free(p);
}
