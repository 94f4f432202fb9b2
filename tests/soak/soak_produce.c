/* krafka-soak producers: each thread owns one idempotent producer (acks
 * all) and sends records carrying (producer id, sequence number) at a
 * steady rate, keeping every delivery report in its slots. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

#define VALUE_LEN 100

int soak_value(char *buf, size_t size, int pid, uint64_t seq)
{
    int n = snprintf(buf, size, "soak %d %" PRIu64 " ", pid, seq);
    if (n < 0 || (size_t)n >= size)
        return -1;
    for (; n < VALUE_LEN && (size_t)n + 1 < size; n++)
        buf[n] = (char)('a' + (seq + (uint64_t)n) % 26);
    buf[n] = '\0';
    return n;
}

bool soak_parse_value(const void *v, size_t len, int *pid, uint64_t *seq)
{
    char tmp[64];
    if (!v || len < 8 || memcmp(v, "soak ", 5) != 0)
        return false;
    size_t n = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end;
    long p = strtol(tmp + 5, &end, 10);
    if (*end != ' ' || p < 0 || p >= SOAK_MAX_PRODUCERS)
        return false;
    char *end2;
    unsigned long long s = strtoull(end + 1, &end2, 10);
    if (end2 == end + 1 || *end2 != ' ')
        return false;
    *pid = (int)p;
    *seq = s;
    return true;
}

static void count_err(struct soak_producer *sp, krafka_err_t err)
{
    for (int i = 0; i < SOAK_MAX_ERRS; i++) {
        if (sp->errs[i].n == 0)
            sp->errs[i].err = err;
        if (sp->errs[i].err == err) {
            sp->errs[i].n++;
            return;
        }
    }
}

/* Thread: the producer's own (poll, flush and destroy run there). */
static void on_delivery(krafka_producer_t *p, const krafka_delivery_t *dr,
                        void *conf_opaque)
{
    (void)p;
    struct soak_producer *sp = conf_opaque;
    uint64_t seq = (uint64_t)(uintptr_t)dr->opaque;
    atomic_store(&g_soak.last_ack_ms, soak_now_ms());
    if (seq >= sp->cap || sp->slots[seq].state != SLOT_SENT) {
        atomic_fetch_add(&sp->dup_reports, 1);
        soak_say("%s: unexpected report for seq %" PRIu64, sp->who.name,
                 seq);
        return;
    }
    struct soak_slot *sl = &sp->slots[seq];
    sl->partition = dr->partition;
    sl->offset = dr->offset;
    if (dr->err == KRAFKA_ERR_NONE) {
        sl->state = SLOT_ACKED;
        atomic_fetch_add(&sp->acked, 1);
        return;
    }
    sl->state = SLOT_FAILED;
    atomic_fetch_add(&sp->failed, 1);
    count_err(sp, dr->err);
    if (sp->failed < 20)
        soak_say("%s: seq %" PRIu64 " failed: %s (%s)", sp->who.name, seq,
                 krafka_err2name(dr->err), dr->errstr);
}

static bool grow_slots(struct soak_producer *sp, uint64_t need)
{
    if (need <= sp->cap)
        return true;
    uint64_t cap = sp->cap ? sp->cap * 2 : 65536;
    while (cap < need)
        cap *= 2;
    struct soak_slot *s = realloc(sp->slots, cap * sizeof *s);
    if (!s)
        return false;
    memset(s + sp->cap, 0, (cap - sp->cap) * sizeof *s);
    sp->slots = s;
    sp->cap = cap;
    return true;
}

static krafka_producer_t *make_producer(struct soak_producer *sp)
{
    const struct soak_opts *o = &g_soak.o;
    char rt[32], errstr[256];
    snprintf(rt, sizeof rt, "%d", o->request_timeout_ms);
    krafka_conf_t *conf = soak_base_conf(o);
    bool ok = conf && soak_conf_set(conf, "acks", "all") &&
              soak_conf_set(conf, "enable.idempotence", "true") &&
              soak_conf_set(conf, "request.timeout.ms", rt) &&
              soak_conf_set(conf, "message.timeout.ms", "300000") &&
              soak_conf_set(conf, "linger.ms", "5");
    krafka_producer_t *p = NULL;
    if (ok) {
        krafka_conf_set_dr_cb(conf, on_delivery);
        krafka_conf_set_opaque(conf, sp);
        if (krafka_producer_new(&p, conf, errstr, sizeof errstr))
            soak_say("%s: producer_new: %s", sp->who.name, errstr);
    }
    krafka_conf_destroy(conf);
    return p;
}

/* Sends record @seq; false when the queue is full (try again). */
static bool send_one(struct soak_producer *sp, krafka_producer_t *p,
                     uint64_t seq)
{
    char value[VALUE_LEN + 32], key[32];
    int vlen = soak_value(value, sizeof value, sp->id, seq);
    int klen = snprintf(key, sizeof key, "%d-%" PRIu64, sp->id, seq % 997);
    krafka_msg_t m = {.topic = g_soak.o.topic,
                      .partition = KRAFKA_PARTITION_ANY,
                      .key = key, .key_len = (size_t)klen,
                      .value = value, .value_len = (size_t)vlen};
    if (!grow_slots(sp, seq + 1))
        return false;
    sp->slots[seq] = (struct soak_slot){.offset = -1, .partition = -1,
                                        .state = SLOT_SENT};
    krafka_err_t err = krafka_producer_send(p, &m, (void *)(uintptr_t)seq);
    if (err == KRAFKA_ERR_NONE) {
        atomic_fetch_add(&sp->sent, 1);
        return true;
    }
    sp->slots[seq].state = SLOT_FREE;
    if (err != KRAFKA_ERR_LOCAL_QUEUE_FULL) {
        atomic_fetch_add(&sp->send_errs, 1);
        soak_say("%s: send: %s", sp->who.name, krafka_err2name(err));
    }
    return false;
}

/* Waits until every record sent has been reported (or drain_s passed),
 * then destroys the producer (which reports what is left as purged). */
static void finish(struct soak_producer *sp, krafka_producer_t *p)
{
    int64_t deadline = soak_now_ms() + (int64_t)g_soak.o.drain_s * 1000;
    while (krafka_producer_outq_len(p) > 0 && soak_now_ms() < deadline)
        krafka_producer_flush(p, 1000);
    if (krafka_producer_outq_len(p) > 0)
        soak_say("%s: %d records unreported after %d s of flushing",
                 sp->who.name, krafka_producer_outq_len(p),
                 g_soak.o.drain_s);
    krafka_producer_destroy(p);
}

void *soak_producer_main(void *arg)
{
    struct soak_producer *sp = arg;
    krafka_producer_t *p = make_producer(sp);
    if (!p) {
        atomic_store(&g_soak.stop_producing, 1);
        return NULL;
    }
    /* The rate is kept in 10 ms steps; behind schedule (a stall) the
     * producer sends what it owes as fast as the queue takes it. */
    int64_t start = soak_now_ms();
    uint64_t seq = 0;
    while (!atomic_load(&g_soak.stop_producing)) {
        int64_t now = soak_now_ms();
        uint64_t due = (uint64_t)((now - start) * g_soak.o.rate / 1000);
        if (seq >= due) {
            krafka_producer_poll(p, 10);
            continue;
        }
        if (send_one(sp, p, seq))
            seq++;
        else
            krafka_producer_poll(p, 50);
        krafka_producer_poll(p, 0);
    }
    finish(sp, p);
    return NULL;
}
