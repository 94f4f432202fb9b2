/* krafka-soak consumers: each thread owns one member of the group. It
 * records every record it processes in the shared log, then stores its
 * offset (enable.auto.offset.store=false), so the auto commits and the
 * commits on revoke can only cover processed records; the commit callback
 * checks that they do. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

static uint64_t part_bits(const krafka_tp_list_t *parts)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < parts->cnt; i++)
        if (parts->elems[i].partition >= 0 &&
            parts->elems[i].partition < SOAK_MAX_PARTS)
            bits |= UINT64_C(1) << parts->elems[i].partition;
    return bits;
}

static void commit_sync(krafka_consumer_t *c, struct soak_member *m,
                        const char *why)
{
    krafka_err_t err = krafka_consumer_commit(c, NULL, false);
    if (err != KRAFKA_ERR_NONE && err != KRAFKA_ERR_LOCAL_NO_OFFSET)
        soak_say("%s: commit (%s): %s", m->who.name, why,
                 krafka_err2name(err));
}

/* Checks what the group has committed for @parts against what it
 * processed: the sync commits (which get no commit callback) included.
 * Locks: takes log.mu. */
static void check_committed(krafka_consumer_t *c, struct soak_member *m,
                            const krafka_tp_list_t *parts)
{
    krafka_tp_list_t *l = krafka_tp_list_new(parts->cnt);
    for (size_t i = 0; l && i < parts->cnt; i++)
        krafka_tp_list_add(l, parts->elems[i].topic,
                           parts->elems[i].partition);
    if (!l || krafka_consumer_committed(c, l, 10000) != KRAFKA_ERR_NONE) {
        krafka_tp_list_destroy(l);
        return;
    }
    struct soak_log *lg = &g_soak.log;
    pthread_mutex_lock(&lg->mu);
    for (size_t i = 0; i < l->cnt; i++) {
        const krafka_topic_partition_t *e = &l->elems[i];
        if (e->partition < 0 || e->partition >= SOAK_MAX_PARTS)
            continue;
        int64_t end = lg->parts[e->partition].processed_end;
        if (e->offset >= 0 && e->offset > end) {
            lg->commit_ahead++;
            soak_say("%s: VIOLATION group committed %d@%" PRId64
                     " ahead of processed end %" PRId64,
                     m->who.name, (int)e->partition, e->offset, end);
        }
    }
    pthread_mutex_unlock(&lg->mu);
    krafka_tp_list_destroy(l);
}

/* Thread: the member's (inside poll and close). */
static void on_rebalance(krafka_consumer_t *c, krafka_rebalance_t event,
                         const krafka_tp_list_t *parts, void *conf_opaque)
{
    struct soak_member *m = conf_opaque;
    uint64_t bits = part_bits(parts);
    switch (event) {
    case KRAFKA_REBALANCE_ASSIGNED:
        atomic_fetch_add(&g_soak.assigned_cbs, 1);
        for (size_t i = 0; i < parts->cnt; i++)
            if (parts->elems[i].partition >= 0 &&
                parts->elems[i].partition < SOAK_MAX_PARTS)
                m->last[parts->elems[i].partition] = -1;
        atomic_fetch_or(&m->owned, bits);
        break;
    case KRAFKA_REBALANCE_REVOKED:
        atomic_fetch_add(&g_soak.revoked_cbs, 1);
        commit_sync(c, m, "revoked");
        check_committed(c, m, parts);
        atomic_fetch_and(&m->owned, ~bits);
        break;
    case KRAFKA_REBALANCE_LOST:
        atomic_fetch_add(&g_soak.lost_cbs, 1);
        atomic_fetch_and(&m->owned, ~bits);
        break;
    }
    soak_say("%s: %s %#" PRIx64 " -> owns %#" PRIx64, m->who.name,
             event == KRAFKA_REBALANCE_ASSIGNED  ? "assigned"
             : event == KRAFKA_REBALANCE_REVOKED ? "revoked"
                                                 : "lost",
             bits, (uint64_t)atomic_load(&m->owned));
}

/* A committed offset must not pass what the group processed. */
static void on_commit(krafka_consumer_t *c, krafka_err_t err,
                      const krafka_tp_list_t *offsets, void *conf_opaque)
{
    (void)c;
    struct soak_member *m = conf_opaque;
    struct soak_log *lg = &g_soak.log;
    pthread_mutex_lock(&lg->mu);
    for (size_t i = 0; i < offsets->cnt; i++) {
        const krafka_topic_partition_t *e = &offsets->elems[i];
        if (err || e->err || e->partition < 0 ||
            e->partition >= SOAK_MAX_PARTS) {
            if (lg->commits_failed++ < 20)
                soak_say("%s: commit of %d@%" PRId64 " failed: %s",
                         m->who.name, (int)e->partition, e->offset,
                         krafka_err2name(err ? err : e->err));
            continue;
        }
        lg->commits_ok++;
        int64_t end = lg->parts[e->partition].processed_end;
        if (e->offset >= 0 && e->offset > end) {
            lg->commit_ahead++;
            soak_say("%s: VIOLATION committed %d@%" PRId64
                     " ahead of processed end %" PRId64,
                     m->who.name, (int)e->partition, e->offset, end);
        }
    }
    pthread_mutex_unlock(&lg->mu);
}

static bool grow_part(struct soak_part *pt, int64_t offset)
{
    if (offset < pt->cap)
        return true;
    int64_t cap = pt->cap ? pt->cap * 2 : 65536;
    while (cap <= offset)
        cap *= 2;
    struct soak_entry *at = realloc(pt->at, (size_t)cap * sizeof *at);
    if (!at)
        return false;
    memset(at + pt->cap, 0, (size_t)(cap - pt->cap) * sizeof *at);
    pt->at = at;
    pt->cap = cap;
    return true;
}

/* Records @rec as processed. Locks: takes log.mu. */
static void process(struct soak_member *m, const krafka_record_t *rec)
{
    struct soak_log *lg = &g_soak.log;
    int pid;
    uint64_t seq;
    bool ok = soak_parse_value(rec->value, rec->value_len, &pid, &seq);
    pthread_mutex_lock(&lg->mu);
    lg->consumed++;
    if (!ok || rec->partition < 0 || rec->partition >= SOAK_MAX_PARTS ||
        rec->offset < 0 || !grow_part(&lg->parts[rec->partition],
                                      rec->offset)) {
        lg->garbage++;
        pthread_mutex_unlock(&lg->mu);
        soak_say("%s: VIOLATION unreadable record at %d@%" PRId64,
                 m->who.name, (int)rec->partition, rec->offset);
        return;
    }
    struct soak_part *pt = &lg->parts[rec->partition];
    struct soak_entry *e = &pt->at[rec->offset];
    if (e->pid == 0) {
        *e = (struct soak_entry){.seq = seq, .pid = pid + 1};
    } else if (e->pid != pid + 1 || e->seq != seq) {
        lg->conflicts++;
        soak_say("%s: VIOLATION %d@%" PRId64 " read as %d/%" PRIu64
                 " and as %d/%" PRIu64, m->who.name, (int)rec->partition,
                 rec->offset, e->pid - 1, e->seq, pid, seq);
    } else {
        lg->redelivered++;
    }
    if (rec->offset + 1 > pt->processed_end)
        pt->processed_end = rec->offset + 1;
    pthread_mutex_unlock(&lg->mu);
}

static krafka_consumer_t *make_member(struct soak_member *m)
{
    const struct soak_opts *o = &g_soak.o;
    char rt[32], errstr[256];
    snprintf(rt, sizeof rt, "%d", o->request_timeout_ms);
    krafka_conf_t *conf = soak_base_conf(o);
    bool ok = conf && soak_conf_set(conf, "group.id", o->group) &&
              soak_conf_set(conf, "enable.auto.commit", "true") &&
              soak_conf_set(conf, "auto.commit.interval.ms", "1000") &&
              soak_conf_set(conf, "enable.auto.offset.store", "false") &&
              soak_conf_set(conf, "auto.offset.reset", "earliest") &&
              soak_conf_set(conf, "session.timeout.ms", "15000") &&
              soak_conf_set(conf, "heartbeat.interval.ms", "1000") &&
              soak_conf_set(conf, "request.timeout.ms", rt) &&
              (!o->assignor ||
               soak_conf_set(conf, "partition.assignment.strategy",
                             o->assignor));
    krafka_consumer_t *c = NULL;
    if (ok) {
        krafka_conf_set_rebalance_cb(conf, on_rebalance);
        krafka_conf_set_offset_commit_cb(conf, on_commit);
        krafka_conf_set_opaque(conf, m);
        if (krafka_consumer_new(&c, conf, errstr, sizeof errstr))
            soak_say("%s: consumer_new: %s", m->who.name, errstr);
    }
    krafka_conf_destroy(conf);
    if (c && krafka_consumer_subscribe(c, &o->topic, 1)) {
        soak_say("%s: subscribe failed", m->who.name);
        krafka_consumer_destroy(c);
        c = NULL;
    }
    return c;
}

static void close_member(struct soak_member *m, krafka_consumer_t *c)
{
    int64_t t = soak_now_ms();
    krafka_err_t err = krafka_consumer_close(c);
    krafka_consumer_destroy(c);
    atomic_store(&m->owned, 0);
    soak_say("%s: closed in %" PRId64 " ms (%s)", m->who.name,
             soak_now_ms() - t, krafka_err2name(err));
}

/* A member's records of a partition come in offset order between two
 * assignments: anything else is a rewind, logged (the first of a run of
 * them) and counted. */
static void note_order(struct soak_member *m, const krafka_record_t *rec)
{
    if (rec->partition < 0 || rec->partition >= SOAK_MAX_PARTS)
        return;
    int64_t *last = &m->last[rec->partition];
    if (*last >= 0 && rec->offset <= *last) {
        soak_say("%s: REWIND on %d: offset %" PRId64 " after %" PRId64,
                 m->who.name, (int)rec->partition, rec->offset, *last);
        m->rewinds++;
    } else if (*last >= 0 && rec->offset > *last + 1) {
        soak_say("%s: SKIP on %d: offset %" PRId64 " after %" PRId64,
                 m->who.name, (int)rec->partition, rec->offset, *last);
    }
    *last = rec->offset;
}

static void poll_one(struct soak_member *m, krafka_consumer_t *c)
{
    krafka_record_t *rec = krafka_consumer_poll(c, 100);
    if (!rec)
        return;
    if (rec->err) {
        atomic_fetch_add(&m->events, 1);
        soak_say("%s: event %s: %s", m->who.name, krafka_err2name(rec->err),
                 rec->errstr);
    } else {
        note_order(m, rec);
        process(m, rec);
        krafka_err_t err = krafka_consumer_store_record(c, rec);
        if (err && err != KRAFKA_ERR_LOCAL_STATE)
            soak_say("%s: store %d@%" PRId64 ": %s", m->who.name,
                     (int)rec->partition, rec->offset, krafka_err2name(err));
        atomic_fetch_add(&m->polled, 1);
        atomic_store(&g_soak.last_consume_ms, soak_now_ms());
    }
    krafka_record_destroy(rec);
}

void *soak_member_main(void *arg)
{
    struct soak_member *m = arg;
    for (int p = 0; p < SOAK_MAX_PARTS; p++)
        m->last[p] = -1;
    krafka_consumer_t *c = make_member(m);
    while (c && !atomic_load(&g_soak.stop_consuming)) {
        if (atomic_exchange(&m->restart, 0)) {
            soak_say("%s: restarting", m->who.name);
            close_member(m, c);
            atomic_fetch_add(&m->restarts, 1);
            c = make_member(m);
            continue;
        }
        if (atomic_load(&g_soak.finish_consumers)) {
            commit_sync(c, m, "final");
            break;
        }
        poll_one(m, c);
    }
    if (c)
        close_member(m, c);
    return NULL;
}

bool soak_query_offsets(const struct soak_opts *o, int64_t *hwm,
                        int64_t *committed)
{
    char errstr[256];
    krafka_consumer_t *c = NULL;
    krafka_conf_t *conf = soak_base_conf(o);
    bool ok = conf && soak_conf_set(conf, "group.id", o->group) &&
              !krafka_consumer_new(&c, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    krafka_tp_list_t *l = ok ? krafka_tp_list_new((size_t)o->partitions)
                             : NULL;
    for (int p = 0; l && p < o->partitions && ok; p++) {
        int64_t low;
        krafka_err_t err = krafka_consumer_query_watermark_offsets(
            c, o->topic, p, &low, &hwm[p], 30000);
        if (err) {
            soak_say("watermarks of %d: %s", p, krafka_err2name(err));
            ok = false;
        }
        ok = ok && krafka_tp_list_add(l, o->topic, p) != NULL;
    }
    if (ok && krafka_consumer_committed(c, l, 30000) != KRAFKA_ERR_NONE)
        ok = false;
    for (size_t i = 0; ok && i < l->cnt; i++)
        committed[l->elems[i].partition] = l->elems[i].offset;
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
    return ok;
}
