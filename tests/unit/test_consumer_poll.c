/*
 * The consumer's poll side without a broker: chunks of RecordBatches are
 * queued the way the fetcher queues them (a reference-counted frame per
 * fetch) and polled back. Records point into the frame (no copy) and
 * outlive the chunk; seeks drop what was fetched before them; positions
 * move past control batches; read_committed skips aborted transactions;
 * a corrupt batch becomes an error event naming the partition, and the
 * records before it are still returned. Also the topic-partition lists.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/consumer.h"
#include "kt_check.h"
#include "protocol/record_batch.h"

/* A consumer that never reaches a broker (port 1 refuses). */
static krafka_consumer_t *offline(const char *isolation, bool crc)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers",
                                     "127.0.0.1:1", NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_conf_set(conf, "isolation.level", isolation,
                                     NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_conf_set(conf, "check.crcs",
                                     crc ? "true" : "false", NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_conf_set(conf, "log_level", "0", NULL, 0),
                     KRAFKA_ERR_NONE);
    krafka_consumer_t *c = NULL;
    char errstr[256];
    ck_assert_int_eq(krafka_consumer_new(&c, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    return c;
}

/* Appends a batch of @n records, values "v<offset>", to @out. */
static void add_batch(struct kr_buf *out, int64_t base, int n, int codec,
                      bool txn, bool control, int64_t pid)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = 1700000000000;
    p.transactional = txn;
    p.control = control;
    if (txn) {
        p.producer_id = pid;
        p.producer_epoch = 0;
        p.base_sequence = 0;
    }
    size_t start = out->len;
    ck_assert_int_eq(kr_batch_begin(&w, out, &p), KRAFKA_ERR_NONE);
    for (int i = 0; i < n; i++) {
        char v[32];
        int vl = snprintf(v, sizeof v, "v%lld", (long long)(base + i));
        if (control) /* an ABORT marker's key: version 0, type 0 */
            ck_assert_int_eq(kr_batch_append(&w, p.base_timestamp,
                                             "\0\0\0\0", 4, "\0\0\0\0\0\0",
                                             6, NULL, 0),
                             KRAFKA_ERR_NONE);
        else
            ck_assert_int_eq(kr_batch_append(&w, p.base_timestamp + i, "k",
                                             1, v, (size_t)vl, NULL, 0),
                             KRAFKA_ERR_NONE);
    }
    ck_assert_int_eq(kr_batch_finish(&w, codec, -1), KRAFKA_ERR_NONE);
    for (int i = 0; i < 8; i++) /* BaseOffset, big-endian */
        out->data[start + (size_t)i] = (uint8_t)((uint64_t)base >> (56 - 8 * i));
    kr_batch_writer_free(&w);
}

/* Assigns t/0 at @pos and queues @blob as one fetched chunk. */
static struct kr_toppar *queue_chunk(krafka_consumer_t *c, struct kr_buf *b,
                                     int64_t pos,
                                     const struct kr_aborted *ab, int abn)
{
    struct kr_rframe *f = malloc(sizeof *f + b->len);
    atomic_init(&f->refs, 1);
    f->len = b->len;
    memcpy(f->data, b->data, b->len);
    struct kr_qitem *it = calloc(1, sizeof *it);
    pthread_mutex_lock(&c->lock);
    struct kr_toppar *tp = kr_cons_find_locked(c, "t", 0);
    if (!tp)
        tp = kr_cons_add_locked(c, "t", 0, pos, -1);
    tp->state = KR_TP_STOPPED; /* the fetcher leaves it alone */
    it->type = KR_QI_CHUNK;
    it->tp = tp;
    atomic_fetch_add(&tp->refs, 1);
    it->version = atomic_load(&tp->version);
    it->frame = f;
    it->blob = f->data;
    it->blob_len = f->len;
    if (abn) {
        it->aborted = calloc((size_t)abn, sizeof *ab);
        memcpy(it->aborted, ab, (size_t)abn * sizeof *ab);
        it->aborted_cnt = abn;
    }
    kr_cons_enqueue_locked(c, it);
    pthread_mutex_unlock(&c->lock);
    return tp;
}

static int64_t value_offset(const krafka_record_t *r)
{
    ck_assert_int_eq(r->err, KRAFKA_ERR_NONE);
    char v[32];
    ck_assert_uint_lt(r->value_len, sizeof v);
    memcpy(v, r->value, r->value_len);
    v[r->value_len] = '\0';
    return atoll(v + 1);
}

START_TEST(records_point_into_the_frame_and_outlive_their_chunk)
{
    krafka_consumer_t *c = offline("read_uncommitted", true);
    struct kr_buf b;
    kr_buf_init(&b, 1 << 20);
    add_batch(&b, 0, 10, KR_CODEC_NONE, false, false, -1);
    add_batch(&b, 10, 10, KR_CODEC_LZ4, false, false, -1);
    queue_chunk(c, &b, 0, NULL, 0);
    krafka_record_t *recs[20];
    size_t n = krafka_consumer_poll_batch(c, recs, 20, 1000);
    ck_assert_uint_eq(n, 20);
    /* nothing more queued: the chunk is gone, the records are not */
    ck_assert_ptr_null(krafka_consumer_poll(c, 0));
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(recs[i]->offset, (int64_t)i);
        ck_assert_int_eq(value_offset(recs[i]), (int64_t)i);
        ck_assert_str_eq(recs[i]->topic, "t");
        ck_assert_int_eq(recs[i]->ts_type, KRAFKA_TS_CREATE_TIME);
    }
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    krafka_tp_list_add(l, "t", 0);
    ck_assert_int_eq(krafka_consumer_position(c, l), KRAFKA_ERR_NONE);
    ck_assert_int_eq(l->elems[0].offset, 20);
    krafka_tp_list_destroy(l);
    for (size_t i = 0; i < n; i++)
        krafka_record_destroy(recs[i]);
    kr_buf_free(&b);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(a_seek_drops_records_fetched_before_it)
{
    krafka_consumer_t *c = offline("read_uncommitted", false);
    struct kr_buf b;
    kr_buf_init(&b, 1 << 20);
    add_batch(&b, 0, 50, KR_CODEC_NONE, false, false, -1);
    struct kr_toppar *tp = queue_chunk(c, &b, 0, NULL, 0);
    krafka_record_t *r = krafka_consumer_poll(c, 1000);
    ck_assert_int_eq(r->offset, 0);
    krafka_record_destroy(r);
    /* the rest of the chunk is dropped by the seek */
    ck_assert_int_eq(krafka_consumer_seek(c, "t", 0, 30), KRAFKA_ERR_NONE);
    pthread_mutex_lock(&c->lock);
    tp->state = KR_TP_STOPPED;
    pthread_mutex_unlock(&c->lock);
    ck_assert_ptr_null(krafka_consumer_poll(c, 0));
    /* data fetched after the seek starts at the new position, even when
     * its batch starts earlier */
    queue_chunk(c, &b, 30, NULL, 0);
    r = krafka_consumer_poll(c, 1000);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->offset, 30);
    krafka_record_destroy(r);
    kr_buf_free(&b);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(read_committed_skips_aborted_batches_and_markers)
{
    krafka_consumer_t *c = offline("read_committed", true);
    struct kr_buf b;
    kr_buf_init(&b, 1 << 20);
    add_batch(&b, 0, 5, KR_CODEC_NONE, true, false, 7);  /* aborted */
    add_batch(&b, 5, 5, KR_CODEC_NONE, true, false, 8);  /* committed */
    add_batch(&b, 10, 1, KR_CODEC_NONE, true, true, 7);  /* ABORT 7 */
    add_batch(&b, 11, 5, KR_CODEC_NONE, true, false, 7); /* pid 7 again */
    struct kr_aborted ab[] = {{7, 0}};
    queue_chunk(c, &b, 0, ab, 1);
    int64_t want[] = {5, 6, 7, 8, 9, 11, 12, 13, 14, 15};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        krafka_record_t *r = krafka_consumer_poll(c, 1000);
        ck_assert_ptr_nonnull(r);
        ck_assert_int_eq(r->offset, want[i]);
        krafka_record_destroy(r);
    }
    ck_assert_ptr_null(krafka_consumer_poll(c, 0));
    kr_buf_free(&b);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(a_corrupt_batch_is_an_error_event_after_the_good_records)
{
    krafka_consumer_t *c = offline("read_uncommitted", true);
    struct kr_buf b;
    kr_buf_init(&b, 1 << 20);
    add_batch(&b, 0, 3, KR_CODEC_NONE, false, false, -1);
    size_t second = b.len;
    add_batch(&b, 3, 3, KR_CODEC_NONE, false, false, -1);
    b.data[b.len - 1] ^= 0x55; /* breaks the second batch's CRC */
    (void)second;
    queue_chunk(c, &b, 0, NULL, 0);
    for (int i = 0; i < 3; i++) {
        krafka_record_t *r = krafka_consumer_poll(c, 1000);
        ck_assert_int_eq(r->err, KRAFKA_ERR_NONE);
        ck_assert_int_eq(r->offset, i);
        krafka_record_destroy(r);
    }
    krafka_record_t *ev = krafka_consumer_poll(c, 1000);
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(ev->err, KRAFKA_ERR_LOCAL_BAD_CRC);
    ck_assert_str_eq(ev->topic, "t");
    ck_assert_int_eq(ev->partition, 0);
    ck_assert_int_eq(ev->offset, 3);
    krafka_record_destroy(ev);
    kr_buf_free(&b);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(tp_lists_add_find_and_copy_their_topics)
{
    krafka_tp_list_t *l = krafka_tp_list_new(0);
    char name[8] = "abc";
    for (int i = 0; i < 100; i++)
        ck_assert_ptr_nonnull(krafka_tp_list_add(l, name, i));
    name[0] = 'x'; /* the list keeps its own copy */
    ck_assert_uint_eq(l->cnt, 100);
    ck_assert_ptr_nonnull(krafka_tp_list_find(l, "abc", 99));
    ck_assert_ptr_null(krafka_tp_list_find(l, "xbc", 1));
    ck_assert_int_eq(krafka_tp_list_find(l, "abc", 7)->offset,
                     KRAFKA_OFFSET_INVALID);
    ck_assert_ptr_null(krafka_tp_list_add(l, NULL, 1));
    krafka_tp_list_destroy(l);
    krafka_tp_list_destroy(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consumer");
    TCase *tc = tcase_create("poll");
    tcase_add_test(tc, records_point_into_the_frame_and_outlive_their_chunk);
    tcase_add_test(tc, a_seek_drops_records_fetched_before_it);
    tcase_add_test(tc, read_committed_skips_aborted_batches_and_markers);
    tcase_add_test(tc,
                   a_corrupt_batch_is_an_error_event_after_the_good_records);
    tcase_add_test(tc, tp_lists_add_find_and_copy_their_topics);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
