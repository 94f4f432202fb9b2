/* Records, report tracking and read-back checks (see producer_util.h). */
#include "producer_util.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_util.h"
#include "consume_util.h"

#define PU_PREFIX_LEN 15 /* "seq=" + 10 digits + ";" */

void pu_make(struct pu_rec *r, const char *topic, size_t seq, int64_t base_ts)
{
    static const char alpha[] = "abcdefghijklmnop";
    int kl = snprintf(r->key, sizeof r->key, "key-%zu", seq);
    snprintf((char *)r->value, PU_VALUE_MAX, "seq=%010zu;", seq);
    size_t extra = 10 + (seq * 7919) % 190;
    uint64_t x = seq * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < extra; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        r->value[PU_PREFIX_LEN + i] = (uint8_t)alpha[x & 15];
    }
    int hl = snprintf(r->hval, sizeof r->hval, "%zu", seq);
    r->hdrs[0] = (krafka_header_t){"seq", r->hval, (size_t)hl};
    r->hdrs[1] = (krafka_header_t){"null-h", NULL, 0};
    r->msg = (krafka_msg_t){.topic = topic,
                            .partition = KRAFKA_PARTITION_ANY,
                            .key = r->key,
                            .key_len = (size_t)kl,
                            .value = r->value,
                            .value_len = PU_PREFIX_LEN + extra,
                            .headers = r->hdrs,
                            .header_cnt = seq % 3,
                            .timestamp = base_ts + (int64_t)seq};
}

int64_t pu_value_seq(const void *value, size_t len)
{
    const char *v = value;
    if (!v || len < PU_PREFIX_LEN || memcmp(v, "seq=", 4) != 0 ||
        v[PU_PREFIX_LEN - 1] != ';')
        return -1;
    int64_t seq = 0;
    for (int i = 4; i < PU_PREFIX_LEN - 1; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        seq = seq * 10 + (v[i] - '0');
    }
    return seq;
}

int64_t pu_base_ts(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - 600000;
}

void pu_track_init(struct pu_track *t, const char *topic, size_t n,
                   int64_t base_ts)
{
    memset(t, 0, sizeof *t);
    t->topic = topic;
    t->n = n;
    t->base_ts = base_ts;
    t->check_ts = true;
    t->tags = calloc(n ? n : 1, 1);
    t->reports = calloc(n ? n : 1, 1);
    t->err = calloc(n ? n : 1, sizeof *t->err);
    t->partition = calloc(n ? n : 1, sizeof *t->partition);
    t->offset = calloc(n ? n : 1, sizeof *t->offset);
    ck_assert(t->tags && t->reports && t->err && t->partition && t->offset);
}

void pu_track_free(struct pu_track *t)
{
    free(t->tags);
    free(t->reports);
    free(t->err);
    free(t->partition);
    free(t->offset);
    memset(t, 0, sizeof *t);
}

static void track_outcome(struct pu_track *t, size_t seq,
                          const krafka_delivery_t *dr)
{
    t->err[seq] = dr->err;
    t->partition[seq] = dr->partition;
    t->offset[seq] = dr->offset;
    if (dr->err) {
        if (!t->failed++) {
            t->first_err = dr->err;
            snprintf(t->first_errstr, sizeof t->first_errstr, "%s",
                     dr->errstr ? dr->errstr : "(null errstr)");
        }
        return;
    }
    t->ok++;
    if (t->check_ts && dr->timestamp != t->base_ts + (int64_t)seq &&
        !t->bad_ts++) {
        t->ts_seq = (int64_t)seq;
        t->ts_got = dr->timestamp;
    }
}

void pu_dr_cb(krafka_producer_t *p, const krafka_delivery_t *dr, void *opaque)
{
    struct pu_track *t = opaque;
    (void)p;
    t->total++;
    char *tag = dr->opaque;
    if (!tag || tag < t->tags || tag >= t->tags + t->n) {
        t->bad_opaque++;
        return;
    }
    size_t seq = (size_t)(tag - t->tags);
    if (t->reports[seq] < UINT8_MAX && ++t->reports[seq] > 1)
        t->dups++;
    if (!dr->topic || strcmp(dr->topic, t->topic) != 0)
        t->bad_topic++;
    track_outcome(t, seq, dr);
}

void pu_assert_reports(const struct pu_track *t, bool want_ok)
{
    size_t unreported = 0, first = t->n;
    for (size_t i = 0; i < t->n; i++)
        if (t->reports[i] == 0 && unreported++ == 0)
            first = i;
    ck_assert_msg(t->bad_opaque == 0, "%zu reports with a foreign opaque",
                  t->bad_opaque);
    ck_assert_msg(t->dups == 0, "%zu records reported more than once",
                  t->dups);
    ck_assert_msg(unreported == 0,
                  "%zu of %zu records never reported (first: seq %zu); "
                  "%zu reports in all",
                  unreported, t->n, first, t->total);
    ck_assert_msg(t->bad_topic == 0, "%zu reports name another topic",
                  t->bad_topic);
    ck_assert_msg(!want_ok || t->failed == 0,
                  "%zu of %zu records failed; first: %s: %s", t->failed, t->n,
                  krafka_err2name(t->first_err), t->first_errstr);
    ck_assert_msg(t->bad_ts == 0, "%zu reports with another timestamp; "
                  "the first: seq %lld at base + %lld",
                  t->bad_ts, (long long)t->ts_seq,
                  (long long)(t->ts_got - t->base_ts));
}

void pu_send_range(krafka_producer_t *p, struct pu_track *t, int32_t partition,
                   size_t from, size_t to, int stall_ms)
{
    struct pu_rec r;
    for (size_t seq = from; seq < to; seq++) {
        pu_make(&r, t->topic, seq, t->base_ts);
        r.msg.partition = partition;
        krafka_err_t err;
        int64_t stalled = -1;
        while ((err = krafka_producer_send(p, &r.msg, pu_opaque(t, seq))) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL) {
            if (stalled < 0)
                stalled = kc_now_ms();
            ck_assert_msg(kc_now_ms() - stalled < stall_ms,
                          "queue full for %d ms at seq %zu", stall_ms, seq);
            krafka_producer_poll(p, 10);
        }
        ck_assert_msg(err == KRAFKA_ERR_NONE, "send seq %zu: %s", seq,
                      krafka_err2name(err));
        if ((seq & 1023) == 0)
            krafka_producer_poll(p, 0);
    }
}

/* ---- verification ------------------------------------------------ */

struct pu_ctx {
    const struct pu_track *t;
    struct pu_verdict *v;
    uint8_t *seen;    /* owned: per seq */
    int64_t *last;    /* owned: per group, the last seq read, -1 */
    size_t group_size;
    bool check_offsets;
    int codec;
};

static void note(struct pu_verdict *v, const char *fmt, ...)
{
    if (v->first[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->first, sizeof v->first, fmt, ap);
    va_end(ap);
}

static bool same_bytes(const void *a, int32_t alen, const void *b,
                       size_t blen)
{
    if (!b)
        return alen < 0;
    return alen >= 0 && (size_t)alen == blen &&
           (blen == 0 || memcmp(a, b, blen) == 0);
}

static bool same_headers(const struct ku_record *k, const krafka_msg_t *m)
{
    if (k->header_cnt != (int32_t)m->header_cnt)
        return false;
    for (size_t i = 0; i < m->header_cnt; i++) {
        const krafka_header_t *h = &m->headers[i];
        const struct ku_header *g = &k->headers[i];
        if (!same_bytes(g->key, g->key_len, h->key, strlen(h->key)) ||
            !same_bytes(g->value, g->value_len, h->value, h->value_len))
            return false;
    }
    return true;
}

static void check_content(struct pu_ctx *c, const struct ku_record *k,
                          size_t seq)
{
    struct pu_rec r;
    pu_make(&r, c->t->topic, seq, c->t->base_ts);
    const krafka_msg_t *m = &r.msg;
    if (!same_bytes(k->key, k->key_len, m->key, m->key_len) ||
        !same_bytes(k->value, k->value_len, m->value, m->value_len) ||
        !same_headers(k, m) || k->timestamp != m->timestamp) {
        c->v->mismatched++;
        note(c->v, "seq %zu at offset %lld differs from what was sent", seq,
             (long long)k->offset);
    }
    if (c->codec >= 0 && k->codec != c->codec) {
        c->v->wrong_codec++;
        note(c->v, "seq %zu came in a batch of codec %d, not %d", seq,
             k->codec, c->codec);
    }
}

static void check_place(struct pu_ctx *c, const struct ku_record *k,
                        int32_t part, size_t seq)
{
    const struct pu_track *t = c->t;
    if (t->reports[seq] && t->err[seq]) {
        c->v->failed_read++;
        note(c->v, "seq %zu read back at [%d] %lld but reported %s", seq,
             (int)part, (long long)k->offset, krafka_err2name(t->err[seq]));
    } else if (t->reports[seq] &&
               (t->partition[seq] != part ||
                (c->check_offsets && t->offset[seq] != k->offset))) {
        c->v->misplaced++;
        note(c->v, "seq %zu read at [%d] %lld, reported at [%d] %lld", seq,
             (int)part, (long long)k->offset, (int)t->partition[seq],
             (long long)t->offset[seq]);
    }
    size_t g = c->group_size ? seq / c->group_size : 0;
    if ((int64_t)seq < c->last[g]) {
        c->v->disordered++;
        note(c->v, "[%d] offset %lld: seq %zu after seq %lld", (int)part,
             (long long)k->offset, seq, (long long)c->last[g]);
    }
    c->last[g] = (int64_t)seq;
}

static void check_record(struct pu_ctx *c, const struct ku_record *k,
                         int32_t part)
{
    int64_t s = pu_value_seq(k->value, k->value_len < 0 ? 0 : k->value_len);
    c->v->read++;
    if (s < 0 || (size_t)s >= c->t->n) {
        c->v->foreign++;
        note(c->v, "[%d] offset %lld holds no record of this run", (int)part,
             (long long)k->offset);
        return;
    }
    size_t seq = (size_t)s;
    if (c->seen[seq]++) {
        c->v->dups++;
        note(c->v, "seq %zu read again at [%d] %lld", seq, (int)part,
             (long long)k->offset);
        return;
    }
    check_content(c, k, seq);
    check_place(c, k, part, seq);
}

static void count_missing(struct pu_ctx *c)
{
    const struct pu_track *t = c->t;
    for (size_t seq = 0; seq < t->n; seq++) {
        if (c->seen[seq] || !t->reports[seq] || t->err[seq])
            continue;
        c->v->missing++;
        note(c->v, "seq %zu reported delivered at [%d] %lld, not read back",
             seq, (int)t->partition[seq], (long long)t->offset[seq]);
    }
}

void pu_verify(const char *bootstrap, const char *topic, int32_t parts,
               const struct pu_track *t, bool check_offsets,
               size_t group_size, int codec, const int64_t *ends,
               int timeout_ms, struct pu_verdict *v)
{
    size_t groups = group_size ? t->n / group_size + 1 : 1;
    struct pu_ctx c = {.t = t, .v = v, .group_size = group_size,
                       .check_offsets = check_offsets, .codec = codec,
                       .seen = calloc(t->n ? t->n : 1, 1),
                       .last = malloc(groups * sizeof(int64_t))};
    ck_assert(c.seen && c.last);
    memset(v, 0, sizeof *v);
    int64_t deadline = kc_now_ms() + timeout_ms;
    for (int32_t part = 0; part < parts; part++) {
        char errstr[512];
        struct ku_records recs = {0};
        for (size_t g = 0; g < groups; g++)
            c.last[g] = -1;
        krafka_err_t err = ku_read_partition(
            bootstrap, topic, part, ends ? ends[part] : -1,
            (int)(deadline - kc_now_ms()), &recs, errstr, sizeof errstr);
        for (size_t i = 0; i < recs.cnt; i++)
            check_record(&c, &recs.recs[i], part);
        ku_records_free(&recs);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "read back: %s: %s",
                      krafka_err2name(err), errstr);
    }
    count_missing(&c);
    free(c.seen);
    free(c.last);
}

void pu_assert_clean(const struct pu_verdict *v, size_t expect,
                     const char *what)
{
    ck_assert_msg(v->dups == 0 && v->foreign == 0 && v->mismatched == 0 &&
                      v->misplaced == 0 && v->disordered == 0 &&
                      v->failed_read == 0 && v->missing == 0 &&
                      v->wrong_codec == 0 && v->read == expect,
                  "%s: read %zu of %zu; dups %zu foreign %zu mismatched %zu "
                  "misplaced %zu disordered %zu read-but-failed %zu missing "
                  "%zu wrong-codec %zu; first problem: %s",
                  what, v->read, expect, v->dups, v->foreign, v->mismatched,
                  v->misplaced, v->disordered, v->failed_read, v->missing,
                  v->wrong_codec, v->first[0] ? v->first : "(none)");
}

size_t pu_env_size(const char *name, size_t def)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return def;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    ck_assert_msg(*end == '\0' && n > 0, "%s=%s is not a count", name, s);
    return (size_t)n;
}

krafka_producer_t *pu_producer(krafka_conf_t *conf)
{
    char errstr[512];
    krafka_producer_t *p = NULL;
    krafka_err_t err = krafka_producer_new(&p, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "producer_new: %s: %s",
                  krafka_err2name(err), errstr);
    return p;
}

bool pu_wanted(const char *name)
{
    const char *only = getenv("KP_ONLY");
    return !only || strstr(name, only);
}
