/*
 * The consumer's isolation levels against transactions written by
 * librdkafka's transactional producer (Debian's librdkafka-dev, linked into
 * this test only): read_committed returns the records of committed
 * transactions only and skips the aborted ones with the response's
 * AbortedTransactions; read_uncommitted returns every data record; neither
 * returns a control record, and both end at the high watermark.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"
#include "consume_util.h"
#include "consumer_util.h"
#include "kt_check.h"
#include "producer_util.h"

#define PER_TXN 500

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

static void rdk_set(rd_kafka_conf_t *conf, const char *name,
                    const char *value)
{
    char errstr[512];
    ck_assert_msg(rd_kafka_conf_set(conf, name, value, errstr,
                                    sizeof errstr) == RD_KAFKA_CONF_OK,
                  "%s: %s", name, errstr);
}

static void txn_ok(rd_kafka_error_t *e, const char *what)
{
    ck_assert_msg(e == NULL, "%s: %s", what,
                  e ? rd_kafka_error_string(e) : "");
}

/* One transaction of records [from, from + PER_TXN) on partition 0,
 * committed or aborted. Values are "seq=<10 digits>;" (pu_value_seq). */
static void transaction(rd_kafka_t *rk, const char *topic, int from,
                        bool commit)
{
    txn_ok(rd_kafka_begin_transaction(rk), "begin");
    for (int seq = from; seq < from + PER_TXN; seq++) {
        char v[32];
        int n = snprintf(v, sizeof v, "seq=%010d;", seq);
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(0),
            RD_KAFKA_V_VALUE(v, (size_t)n),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        ck_assert_msg(err == 0, "producev: %s", rd_kafka_err2str(err));
    }
    /* the records reach the log before the abort marker */
    ck_assert_int_eq(rd_kafka_flush(rk, 30000), 0);
    if (commit)
        txn_ok(rd_kafka_commit_transaction(rk, 30000), "commit");
    else
        txn_ok(rd_kafka_abort_transaction(rk, 30000), "abort");
}

/* Writes committed, aborted, committed, aborted, committed transactions
 * (seq 0.., PER_TXN each), each with a new producer of the same
 * transactional.id (librdkafka 2.0.2 fails a second transaction of one
 * producer on Kafka 4.1 with INVALID_TXN_STATE). */
static void write_transactions(const char *topic)
{
    char errstr[512], id[160];
    snprintf(id, sizeof id, "%s-txn", topic);
    for (int i = 0; i < 5; i++) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rdk_set(conf, "bootstrap.servers", boot());
        rdk_set(conf, "transactional.id", id);
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
        ck_assert_msg(rk != NULL, "rd_kafka_new: %s", errstr);
        txn_ok(rd_kafka_init_transactions(rk, 30000), "init");
        transaction(rk, topic, i * PER_TXN, i % 2 == 0);
        rd_kafka_destroy(rk);
    }
}

/* Reads partition 0 to its end with @isolation; returns the seqs seen. */
static size_t read_all(const char *topic, const char *isolation, int *seqs,
                       size_t max, int64_t *end_pos)
{
    krafka_consumer_t *c = cu_consumer(kc_conf(
        boot(), "isolation.level", isolation, "enable.partition.eof", "true",
        NULL));
    cu_assign_all(c, topic, 1, KRAFKA_OFFSET_BEGINNING);
    size_t n = 0;
    int64_t until = kc_now_ms() + 30000;
    bool eof = false;
    while (!eof && kc_now_ms() < until) {
        krafka_record_t *r = krafka_consumer_poll(c, 100);
        if (!r)
            continue;
        if (r->err == KRAFKA_ERR_LOCAL_PARTITION_EOF) {
            eof = true;
        } else {
            ck_assert_msg(r->err == KRAFKA_ERR_NONE, "%s", r->errstr);
            int64_t seq = pu_value_seq(r->value, r->value_len);
            ck_assert_msg(seq >= 0, "a record without a sequence number at "
                          "offset %lld (a control record?)",
                          (long long)r->offset);
            if (n < max)
                seqs[n] = (int)seq;
            n++;
        }
        krafka_record_destroy(r);
    }
    ck_assert_msg(eof, "%s: no end of partition", isolation);
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    krafka_tp_list_add(l, topic, 0);
    ck_assert_int_eq(krafka_consumer_position(c, l), KRAFKA_ERR_NONE);
    *end_pos = l->elems[0].offset;
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
    return n;
}

START_TEST(read_committed_skips_aborted_transactions_and_control_records)
{
    char topic[128];
    krafka_conf_t *conf = kc_conf(boot(), NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    kc_topic_name(topic, sizeof topic, "c-txn");
    kc_create_topic(a, topic, 1, 1);
    write_transactions(topic);
    char errstr[256];
    int64_t hwm =
        ku_high_watermark(boot(), topic, 0, 10000, errstr, sizeof errstr);
    /* 5 x PER_TXN records and 5 markers */
    ck_assert_int_eq(hwm, 5 * PER_TXN + 5);
    static int seqs[5 * PER_TXN];
    int64_t pos;
    size_t n = read_all(topic, "read_committed", seqs, 5 * PER_TXN, &pos);
    ck_assert_uint_eq(n, 3 * PER_TXN);
    for (size_t i = 0; i < n; i++) {
        size_t txn = i / PER_TXN; /* committed: 0, 2, 4 */
        int want = (int)(txn * 2 * PER_TXN + i % PER_TXN);
        ck_assert_msg(seqs[i] == want, "record %zu: seq %d, expected %d", i,
                      seqs[i], want);
    }
    ck_assert_int_eq(pos, hwm);
    n = read_all(topic, "read_uncommitted", seqs, 5 * PER_TXN, &pos);
    ck_assert_uint_eq(n, 5 * PER_TXN);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(seqs[i], (int)i);
    ck_assert_int_eq(pos, hwm);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("consumer_txn");
    TCase *tc = tcase_create("txn");
    tcase_set_timeout(tc, 120);
    ADD(tc, read_committed_skips_aborted_transactions_and_control_records);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
