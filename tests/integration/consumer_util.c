/* Consumer integration test helpers (see consumer_util.h). */
#include "consumer_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"

/* Produces records [from, to) of a run (pu_make) with @codec, round robin
 * over @parts partitions when @parts > 0 (record seq to seq % parts), or
 * to partition -@parts - 1. */
void cu_produce(const char *bootstrap, const char *topic, struct pu_track *t, const char *codec,
                    int32_t parts, size_t from, size_t to)
{
    krafka_conf_t *conf =
        kc_conf(bootstrap, "compression.type", codec, "linger.ms", "5", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, t);
    krafka_producer_t *p = pu_producer(conf);
    struct pu_rec r;
    for (size_t seq = from; seq < to; seq++) {
        pu_make(&r, topic, seq, t->base_ts);
        r.msg.partition = parts > 0 ? (int32_t)(seq % (size_t)parts)
                                    : -parts - 1;
        krafka_err_t err;
        while ((err = krafka_producer_send(p, &r.msg, pu_opaque(t, seq))) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL)
            krafka_producer_poll(p, 10);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "send: %s",
                      krafka_err2name(err));
        if ((seq & 1023) == 0)
            krafka_producer_poll(p, 0);
    }
    ck_assert_int_eq(krafka_producer_flush(p, 60000), KRAFKA_ERR_NONE);
    krafka_producer_destroy(p);
}

krafka_consumer_t *cu_consumer(krafka_conf_t *conf)
{
    char errstr[512];
    krafka_consumer_t *c = NULL;
    krafka_err_t err = krafka_consumer_new(&c, conf, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "consumer_new: %s", errstr);
    krafka_conf_destroy(conf);
    return c;
}

void cu_assign_all(krafka_consumer_t *c, const char *topic,
                       int32_t parts, int64_t offset)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    for (int32_t i = 0; i < parts; i++)
        krafka_tp_list_add(l, topic, i)->offset = offset;
    ck_assert_int_eq(krafka_consumer_assign(c, l), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
}

/* Compares a consumed record with record @seq of the run. */
void cu_check_record(const krafka_record_t *rec, const char *topic,
                         int64_t base_ts, size_t seq)
{
    struct pu_rec r;
    pu_make(&r, topic, seq, base_ts);
    ck_assert_str_eq(rec->topic, topic);
    ck_assert_msg(rec->key_len == r.msg.key_len &&
                      memcmp(rec->key, r.msg.key, rec->key_len) == 0,
                  "seq %zu: key differs", seq);
    ck_assert_msg(rec->value_len == r.msg.value_len &&
                      memcmp(rec->value, r.msg.value, rec->value_len) == 0,
                  "seq %zu: value differs", seq);
    ck_assert_msg(rec->timestamp == r.msg.timestamp,
                  "seq %zu: timestamp %lld, sent %lld", seq,
                  (long long)rec->timestamp, (long long)r.msg.timestamp);
    ck_assert_int_eq(rec->ts_type, KRAFKA_TS_CREATE_TIME);
    ck_assert_uint_eq(rec->header_cnt, r.msg.header_cnt);
    for (size_t i = 0; i < rec->header_cnt; i++) {
        const char *name;
        size_t nlen, vlen;
        const void *val;
        ck_assert_int_eq(krafka_record_header(rec, i, &name, &nlen, &val,
                                              &vlen),
                         KRAFKA_ERR_NONE);
        const krafka_header_t *h = &r.msg.headers[i];
        ck_assert_msg(nlen == strlen(h->key) && memcmp(name, h->key, nlen) == 0,
                      "seq %zu: header %zu name differs", seq, i);
        ck_assert_msg((val == NULL) == (h->value == NULL) &&
                          vlen == h->value_len &&
                          (vlen == 0 || memcmp(val, h->value, vlen) == 0),
                      "seq %zu: header %zu value differs", seq, i);
    }
}

void cu_seen_init(struct cu_seen *s, size_t n)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->cnt = calloc(n, 1);
    for (int i = 0; i < 64; i++)
        s->last_off[i] = s->last_seq[i] = -1;
}

void cu_seen_add(struct cu_seen *s, const krafka_record_t *rec,
                     const char *topic, int64_t base_ts)
{
    int64_t seq = pu_value_seq(rec->value, rec->value_len);
    ck_assert_msg(seq >= 0 && (size_t)seq < s->n, "foreign value at %lld",
                  (long long)rec->offset);
    cu_check_record(rec, topic, base_ts, (size_t)seq);
    int p = rec->partition & 63;
    if (s->last_off[p] >= 0 && rec->offset != s->last_off[p] + 1)
        s->gaps++;
    if (seq <= s->last_seq[p])
        s->disordered++;
    s->last_off[p] = rec->offset;
    s->last_seq[p] = seq;
    if (s->cnt[seq]++)
        s->dups++;
    s->records++;
}

/* Polls until @want records arrived or @timeout_ms passed. */
void cu_consume_n(krafka_consumer_t *c, struct cu_seen *s, size_t want,
                      const char *topic, int64_t base_ts, int timeout_ms)
{
    int64_t until = kc_now_ms() + timeout_ms;
    krafka_record_t *recs[256];
    while (s->records < want && kc_now_ms() < until) {
        size_t n = krafka_consumer_poll_batch(c, recs, 256, 100);
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(recs[i]->err == KRAFKA_ERR_NONE, "event: %s",
                          recs[i]->errstr);
            cu_seen_add(s, recs[i], topic, base_ts);
            krafka_record_destroy(recs[i]);
        }
    }
}

