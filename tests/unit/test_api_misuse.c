/*
 * Public API misuse: every exported function is called with NULL handles,
 * NULL required pointers, absurd sizes and counts, unknown names and
 * out-of-range values, and must answer with its documented error (or NULL,
 * 0, a no-op), never crash, and never write past an errstr buffer.
 *
 * Real handles are made where the misuse is in another argument; they
 * point at 127.0.0.1:1, where nothing listens, since creating a client
 * needs no broker. tests/check_misuse_coverage.sh fails when an exported
 * symbol is not named in this file.
 */
#include <check.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krafka/krafka.h"
#include "kt_check.h"

#define DEAD_BROKER "127.0.0.1:1"
#define INV KRAFKA_ERR_LOCAL_INVALID_ARG

/* ---- helpers ---- */

static void quiet_log(void *opaque, int level, const char *facility,
                      const char *message)
{
    (void)opaque;
    (void)level;
    (void)facility;
    (void)message;
}

/* A configuration for a client of a cluster that is not there; @group
 * may be NULL. */
static krafka_conf_t *dead_conf(const char *group)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    char es[256];
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers", DEAD_BROKER,
                                     es, sizeof es),
                     KRAFKA_ERR_NONE);
    if (group)
        ck_assert_int_eq(krafka_conf_set(conf, "group.id", group, es,
                                         sizeof es),
                         KRAFKA_ERR_NONE);
    krafka_conf_set_log_cb(conf, quiet_log);
    return conf;
}

static krafka_producer_t *dead_producer(void)
{
    krafka_conf_t *conf = dead_conf(NULL);
    char es[256];
    ck_assert_int_eq(krafka_conf_set(conf, "close.timeout.ms", "50", es,
                                     sizeof es),
                     KRAFKA_ERR_NONE);
    krafka_producer_t *p = NULL;
    ck_assert_int_eq(krafka_producer_new(&p, conf, es, sizeof es),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    return p;
}

static krafka_consumer_t *dead_consumer(const char *group)
{
    krafka_conf_t *conf = dead_conf(group);
    char es[256];
    krafka_consumer_t *c = NULL;
    ck_assert_int_eq(krafka_consumer_new(&c, conf, es, sizeof es),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    return c;
}

static krafka_admin_t *dead_admin(void)
{
    krafka_conf_t *conf = dead_conf(NULL);
    char es[256];
    krafka_admin_t *a = NULL;
    ck_assert_int_eq(krafka_admin_new(&a, conf, es, sizeof es),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    return a;
}

/* Evaluates @expr (which passes ESP, ESN as its errstr and size) four
 * ways and expects @want each time: with a 256-byte buffer, which must get
 * a NUL-terminated message; with ESP NULL and ESN 256; with ESN 0, which
 * must leave the buffer alone; with ESN 1, which may write the NUL only. */
#define EXPECT_ERRSTR(want, expr)                                             \
    do {                                                                      \
        char es_buf_[256];                                                    \
        char *ESP = es_buf_;                                                  \
        size_t ESN = sizeof es_buf_;                                          \
        memset(es_buf_, 'X', sizeof es_buf_);                                 \
        ck_assert_int_eq((expr), (want));                                     \
        ck_assert_msg(memchr(es_buf_, '\0', sizeof es_buf_) != NULL,          \
                      "errstr not NUL-terminated: " #expr);                   \
        ck_assert_msg(es_buf_[0] != '\0' && es_buf_[0] != 'X',                \
                      "errstr without a message: " #expr);                    \
        ESP = NULL;                                                           \
        ck_assert_int_eq((expr), (want));                                     \
        ESP = es_buf_;                                                        \
        ESN = 0;                                                              \
        memset(es_buf_, 'X', sizeof es_buf_);                                 \
        ck_assert_int_eq((expr), (want));                                     \
        ck_assert_msg(es_buf_[0] == 'X',                                      \
                      "wrote into a 0-byte errstr: " #expr);                  \
        ESN = 1;                                                              \
        ck_assert_int_eq((expr), (want));                                     \
        ck_assert_msg(es_buf_[0] == '\0' && es_buf_[1] == 'X',                \
                      "wrote past a 1-byte errstr: " #expr);                  \
    } while (0)

/* ---- errors and version ---- */

START_TEST(error_lookups_of_unknown_codes_answer_static_strings)
{
    const int codes[] = {INT32_MIN, -100000, -1000, -200, -168, 12345,
                         INT32_MAX};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        krafka_err_t e = (krafka_err_t)codes[i];
        ck_assert_ptr_nonnull(krafka_err2str(e));
        ck_assert_str_eq(krafka_err2name(e), "UNKNOWN_CODE");
        ck_assert(!krafka_err_is_retriable(e));
    }
    ck_assert_str_eq(krafka_err2name(INV), "LOCAL_INVALID_ARG");
    ck_assert_int_eq(krafka_version(), KRAFKA_VERSION);
    ck_assert_str_eq(krafka_version_str(), KRAFKA_VERSION_STR);
}
END_TEST

START_TEST(config_source_name_of_an_out_of_range_value_is_unknown)
{
    const int vals[] = {INT32_MIN, -1, 0, 9, 10, 1000, INT32_MAX};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        ck_assert_str_eq(
            krafka_config_source_name((krafka_config_source_t)vals[i]),
            "UNKNOWN");
    ck_assert_str_eq(krafka_config_source_name(KRAFKA_CONFIG_SOURCE_GROUP),
                     "GROUP_CONFIG");
}
END_TEST

/* ---- configuration ---- */

START_TEST(conf_calls_on_a_null_conf_are_errors_or_no_ops)
{
    ck_assert_ptr_null(krafka_conf_dup(NULL));
    krafka_conf_destroy(NULL);
    EXPECT_ERRSTR(INV, krafka_conf_set(NULL, "linger.ms", "5", ESP, ESN));
    size_t n = 64;
    char buf[64];
    ck_assert_int_eq(krafka_conf_get(NULL, "linger.ms", buf, &n), INV);
    krafka_conf_set_log_cb(NULL, quiet_log);
    krafka_conf_set_opaque(NULL, &n);
    krafka_conf_set_dr_cb(NULL, NULL);
    krafka_conf_set_partitioner_cb(NULL, NULL, &n);
    krafka_conf_set_interceptors(NULL, NULL, NULL, &n);
    krafka_conf_set_rebalance_cb(NULL, NULL);
    krafka_conf_set_offset_commit_cb(NULL, NULL);
    krafka_conf_set_consume_interceptor(NULL, NULL, &n);
    krafka_conf_set_stats_cb(NULL, NULL);
}
END_TEST

START_TEST(conf_set_refuses_null_names_unknown_names_and_bad_values)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    EXPECT_ERRSTR(INV, krafka_conf_set(conf, NULL, "5", ESP, ESN));
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY,
                  krafka_conf_set(conf, "no.such.property", "1", ESP, ESN));
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY,
                  krafka_conf_set(conf, "", "1", ESP, ESN));
    const char *bad[][2] = {
        {"linger.ms", "abc"},
        {"linger.ms", "-5"},
        {"linger.ms", ""},
        {"linger.ms", "99999999999999999999999"},
        {"linger.ms", "5ms"},
        {"message.max.bytes", "1"},
        {"enable.idempotence", "maybe"},
        {"compression.type", "zip"},
        {"acks", "2x"},
        {"security.protocol", "carrier_pigeon"},
        {"debug", "all,nonsense"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char es[256];
        memset(es, 'X', sizeof es);
        ck_assert_msg(krafka_conf_set(conf, bad[i][0], bad[i][1], es,
                                      sizeof es) ==
                          KRAFKA_ERR_LOCAL_INVALID_CONF,
                      "%s=%s accepted", bad[i][0], bad[i][1]);
        ck_assert_ptr_nonnull(memchr(es, '\0', sizeof es));
        ck_assert_msg(strstr(es, bad[i][0]) != NULL,
                      "message does not name %s: %s", bad[i][0], es);
    }
    /* The name is quoted in the message, even a long one, within errstr. */
    char name[1000];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    char es[32];
    memset(es, 'X', sizeof es);
    ck_assert_int_eq(krafka_conf_set(conf, name, "1", es, sizeof es),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY);
    ck_assert_int_eq(es[sizeof es - 1], '\0');
    /* A NULL value resets: not an error. */
    ck_assert_int_eq(krafka_conf_set(conf, "linger.ms", NULL, NULL, 0),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(conf_get_reports_the_needed_size_and_never_overflows)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    ck_assert_int_eq(krafka_conf_set(conf, "client.id", "a-client-id",
                                     NULL, 0),
                     KRAFKA_ERR_NONE);
    char buf[64];
    size_t n = sizeof buf;
    ck_assert_int_eq(krafka_conf_get(conf, NULL, buf, &n), INV);
    ck_assert_int_eq(krafka_conf_get(conf, "client.id", buf, NULL), INV);
    ck_assert_int_eq(krafka_conf_get(conf, "no.such.property", buf, &n),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY);
    /* dest NULL asks for the size. */
    n = 0;
    ck_assert_int_eq(krafka_conf_get(conf, "client.id", NULL, &n),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(n, sizeof "a-client-id");
    /* Too small: LOCAL_INVALID_ARG, the size needed, nothing written. */
    for (size_t have = 0; have < sizeof "a-client-id"; have++) {
        memset(buf, 'X', sizeof buf);
        n = have;
        ck_assert_int_eq(krafka_conf_get(conf, "client.id", buf, &n), INV);
        ck_assert_uint_eq(n, sizeof "a-client-id");
        for (size_t i = 0; i < sizeof buf; i++)
            ck_assert_int_eq(buf[i], 'X');
    }
    n = sizeof "a-client-id";
    ck_assert_int_eq(krafka_conf_get(conf, "client.id", buf, &n),
                     KRAFKA_ERR_NONE);
    ck_assert_str_eq(buf, "a-client-id");
    krafka_conf_t *dup = krafka_conf_dup(conf);
    ck_assert_ptr_nonnull(dup);
    krafka_conf_destroy(dup);
    krafka_conf_destroy(conf);
}
END_TEST

/* ---- partitioner ---- */

START_TEST(partition_for_key_refuses_bad_arguments)
{
    int32_t part = 77;
    const char key[] = "key";
    ck_assert_int_eq(krafka_partition_for_key(NULL, key, 3, 4, &part), INV);
    ck_assert_int_eq(krafka_partition_for_key("no_such", key, 3, 4, &part),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", NULL, 3, 4, &part),
                     INV);
    ck_assert_int_eq(
        krafka_partition_for_key("murmur2", key, SIZE_MAX, 4, &part), INV);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", key,
                                              (size_t)INT32_MAX + 1, 4,
                                              &part),
                     INV);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", key, 3, 0, &part),
                     INV);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", key, 3, -1, &part),
                     INV);
    ck_assert_int_eq(
        krafka_partition_for_key("murmur2", key, 3, INT32_MIN, &part), INV);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", key, 3, 4, NULL),
                     INV);
    ck_assert_int_eq(krafka_partition_for_key("random", key, 3, 4, &part),
                     INV);
    ck_assert_int_eq(part, 77);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", NULL, 0, 4, &part),
                     KRAFKA_ERR_NONE);
    ck_assert(part >= 0 && part < 4);
}
END_TEST

/* ---- topic-partition lists and records ---- */

START_TEST(tp_list_calls_refuse_null_lists_and_topics)
{
    krafka_tp_list_destroy(NULL);
    ck_assert_ptr_null(krafka_tp_list_add(NULL, "t", 0));
    ck_assert_ptr_null(krafka_tp_list_find(NULL, "t", 0));
    /* An absurd size hint is only a hint. */
    krafka_tp_list_t *l = krafka_tp_list_new(SIZE_MAX);
    ck_assert_ptr_nonnull(l);
    ck_assert_ptr_null(krafka_tp_list_add(l, NULL, 0));
    ck_assert_uint_eq(l->cnt, 0);
    ck_assert_ptr_nonnull(krafka_tp_list_add(l, "t", INT32_MIN));
    ck_assert_ptr_null(krafka_tp_list_find(l, NULL, 0));
    ck_assert_ptr_null(krafka_tp_list_find(l, "t", 0));
    ck_assert_ptr_nonnull(krafka_tp_list_find(l, "t", INT32_MIN));
    krafka_tp_list_destroy(l);
}
END_TEST

START_TEST(record_calls_refuse_null_records_and_bad_indexes)
{
    const char *name = "unchanged";
    size_t name_len = 99;
    const void *value = name;
    size_t value_len = 99;
    krafka_record_destroy(NULL);
    ck_assert_int_eq(krafka_record_header(NULL, 0, &name, &name_len, &value,
                                          &value_len),
                     INV);
    ck_assert_int_eq(krafka_record_header_last(NULL, "h", &value,
                                               &value_len),
                     INV);
    /* A record without headers: every index is out of range. */
    krafka_record_t rec = {.topic = "t", .partition = 0, .offset = 5};
    ck_assert_int_eq(krafka_record_header(&rec, 0, &name, &name_len, &value,
                                          &value_len),
                     INV);
    ck_assert_int_eq(krafka_record_header(&rec, SIZE_MAX, NULL, NULL, NULL,
                                          NULL),
                     INV);
    ck_assert_int_eq(krafka_record_header_last(&rec, NULL, &value,
                                               &value_len),
                     INV);
    ck_assert_int_eq(krafka_record_header_last(&rec, "h", NULL, NULL),
                     KRAFKA_ERR_LOCAL_NOENT);
    ck_assert_str_eq(name, "unchanged");
    ck_assert_uint_eq(name_len, 99);
    ck_assert_uint_eq(value_len, 99);
}
END_TEST

/* ---- producer ---- */

START_TEST(producer_calls_on_a_null_producer_are_errors_or_no_ops)
{
    krafka_msg_t m = {.topic = "t", .partition = KRAFKA_PARTITION_ANY};
    krafka_delivery_t dr;
    ck_assert_int_eq(krafka_producer_send(NULL, &m, NULL), INV);
    ck_assert_int_eq(krafka_producer_send_sync(NULL, &m, 10, &dr), INV);
    ck_assert_int_eq(krafka_producer_poll(NULL, 0), 0);
    ck_assert_int_eq(krafka_producer_flush(NULL, 0), INV);
    ck_assert_int_eq(krafka_producer_purge(NULL, KRAFKA_PURGE_QUEUE), INV);
    ck_assert_int_eq(krafka_producer_outq_len(NULL), 0);
    ck_assert_ptr_null(krafka_producer_metrics(NULL));
    krafka_producer_destroy(NULL);
}
END_TEST

START_TEST(producer_new_refuses_null_out_and_null_conf_with_a_message)
{
    krafka_conf_t *conf = dead_conf(NULL);
    krafka_producer_t *p = (krafka_producer_t *)&p;
    EXPECT_ERRSTR(INV, krafka_producer_new(NULL, conf, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_producer_new(&p, NULL, ESP, ESN));
    ck_assert_ptr_null(p);
    /* A bad combination of properties is refused in _new. */
    ck_assert_int_eq(krafka_conf_set(conf, "linger.ms", "5000", NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_conf_set(conf, "message.timeout.ms", "1000",
                                     NULL, 0),
                     KRAFKA_ERR_NONE);
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_INVALID_CONF,
                  krafka_producer_new(&p, conf, ESP, ESN));
    ck_assert_ptr_null(p);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(producer_send_refuses_bad_records_on_a_live_producer)
{
    krafka_producer_t *p = dead_producer();
    char key[4] = "key", val[4] = "val";
    krafka_header_t h = {.key = "h", .value = val, .value_len = 3};
    ck_assert_int_eq(krafka_producer_send(p, NULL, NULL), INV);
    const krafka_msg_t ok = {.topic = "t", .partition = KRAFKA_PARTITION_ANY,
                             .key = key, .key_len = 3, .value = val,
                             .value_len = 3, .headers = &h,
                             .header_cnt = 1};
    krafka_msg_t m;
    /* NULL and empty topics. */
    m = ok;
    m.topic = NULL;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    m.topic = "";
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    /* NULL key or value with a length. */
    m = ok;
    m.key = NULL;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    m = ok;
    m.value = NULL;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    /* Headers: NULL array with a count, absurd count, NULL key, NULL value
     * with a length. */
    m = ok;
    m.headers = NULL;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    m = ok;
    m.header_cnt = SIZE_MAX;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    krafka_header_t bad_h = {.key = NULL};
    m = ok;
    m.headers = &bad_h;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    bad_h = (krafka_header_t){.key = "h", .value = NULL, .value_len = 3};
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    /* Partitions below KRAFKA_PARTITION_ANY. */
    m = ok;
    m.partition = -2;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    m.partition = INT32_MIN;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL), INV);
    /* Absurd lengths are too large, also when their sum wraps around. */
    m = ok;
    m.key_len = SIZE_MAX;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL),
                     KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE);
    m = ok;
    m.value_len = SIZE_MAX;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL),
                     KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE);
    m = ok;
    m.key_len = SIZE_MAX / 2 + 1;
    m.value_len = SIZE_MAX / 2 + 1;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL),
                     KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE);
    m = ok;
    m.value_len = SIZE_MAX - 30;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL),
                     KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE);
    krafka_header_t big_h = {.key = "h", .value = val,
                             .value_len = SIZE_MAX};
    m = ok;
    m.headers = &big_h;
    ck_assert_int_eq(krafka_producer_send(p, &m, NULL),
                     KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE);
    /* Nothing was queued by any of these. */
    ck_assert_int_eq(krafka_producer_outq_len(p), 0);
    krafka_producer_destroy(p);
}
END_TEST

START_TEST(producer_calls_with_bad_arguments_on_a_live_producer)
{
    krafka_producer_t *p = dead_producer();
    /* Nothing queued: flush returns at once, even without a limit. */
    ck_assert_int_eq(krafka_producer_flush(p, -1), KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_producer_flush(p, INT32_MIN), KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_producer_poll(p, 0), 0);
    /* Unknown purge flags. */
    ck_assert_int_eq(krafka_producer_purge(p, 0x100), INV);
    ck_assert_int_eq(krafka_producer_purge(p, -1), INV);
    ck_assert_int_eq(krafka_producer_purge(p, 0), KRAFKA_ERR_NONE);
    /* send_sync: a bad record is refused and result left alone. */
    krafka_delivery_t dr = {.partition = 42};
    ck_assert_int_eq(krafka_producer_send_sync(p, NULL, 10, &dr), INV);
    krafka_msg_t m = {.topic = NULL, .partition = KRAFKA_PARTITION_ANY};
    ck_assert_int_eq(krafka_producer_send_sync(p, &m, -1, &dr), INV);
    ck_assert_int_eq(dr.partition, 42);
    /* A good record to a dead cluster times out; result NULL is fine. */
    m.topic = "t";
    ck_assert_int_eq(krafka_producer_send_sync(p, &m, 10, &dr),
                     KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_eq(dr.err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_eq(dr.partition, -1);
    ck_assert_int_eq(dr.offset, -1);
    ck_assert_int_eq(krafka_producer_send_sync(p, &m, 0, NULL),
                     KRAFKA_ERR_LOCAL_TIMED_OUT);
    /* A partition far beyond any topic's is taken or refused, never a
     * crash; destroy purges what was queued. */
    m.partition = INT32_MAX;
    krafka_err_t err = krafka_producer_send(p, &m, NULL);
    ck_assert(err == KRAFKA_ERR_NONE ||
              err == KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    ck_assert_int_eq(krafka_producer_flush(p, 0), KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_ge(krafka_producer_outq_len(p), 1);
    ck_assert_ptr_nonnull(krafka_producer_metrics(p));
    krafka_producer_destroy(p);
}
END_TEST

/* ---- consumer ---- */

START_TEST(consumer_calls_on_a_null_consumer_are_errors_or_no_ops)
{
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    ck_assert_ptr_nonnull(krafka_tp_list_add(l, "t", 0));
    krafka_tp_list_t *out = (krafka_tp_list_t *)&out;
    const char *topics[] = {"t"};
    krafka_record_t rec = {.topic = "t", .partition = 0, .offset = 1};
    krafka_record_t *recs[2];
    int64_t lo = 7, hi = 7, lag = 7;
    ck_assert_int_eq(krafka_consumer_close(NULL), INV);
    krafka_consumer_destroy(NULL);
    ck_assert_ptr_null(krafka_consumer_metrics(NULL));
    ck_assert_int_eq(krafka_consumer_subscribe(NULL, topics, 1), INV);
    ck_assert_int_eq(krafka_consumer_unsubscribe(NULL), INV);
    ck_assert_int_eq(krafka_consumer_subscription(NULL, &out), INV);
    ck_assert_int_eq(krafka_consumer_assign(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_incremental_assign(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_incremental_unassign(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_assignment(NULL, &out), INV);
    ck_assert_ptr_null(krafka_consumer_poll(NULL, 0));
    ck_assert_uint_eq(krafka_consumer_poll_batch(NULL, recs, 2, 0), 0);
    ck_assert_int_eq(krafka_consumer_commit(NULL, l, false), INV);
    ck_assert_int_eq(krafka_consumer_commit_record(NULL, &rec, true), INV);
    ck_assert_int_eq(krafka_consumer_committed(NULL, l, 10), INV);
    ck_assert_int_eq(krafka_consumer_position(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_store_offsets(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_store_record(NULL, &rec), INV);
    ck_assert_int_eq(krafka_consumer_seek(NULL, "t", 0, 0), INV);
    ck_assert_int_eq(krafka_consumer_seek_timestamp(NULL, "t", 0, 0), INV);
    ck_assert_int_eq(krafka_consumer_pause(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_resume(NULL, l), INV);
    ck_assert_int_eq(krafka_consumer_offsets_for_times(NULL, l, 10), INV);
    ck_assert_int_eq(krafka_consumer_query_watermark_offsets(NULL, "t", 0,
                                                             &lo, &hi, 10),
                     INV);
    ck_assert_int_eq(krafka_consumer_lag(NULL, "t", 0, &lag), INV);
    ck_assert_ptr_eq(out, (krafka_tp_list_t *)&out);
    ck_assert(lo == 7 && hi == 7 && lag == 7);
    krafka_tp_list_destroy(l);
}
END_TEST

START_TEST(consumer_new_refuses_null_out_and_null_conf_with_a_message)
{
    krafka_conf_t *conf = dead_conf("g");
    krafka_consumer_t *c = (krafka_consumer_t *)&c;
    EXPECT_ERRSTR(INV, krafka_consumer_new(NULL, conf, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_consumer_new(&c, NULL, ESP, ESN));
    ck_assert_int_eq(krafka_conf_set(conf, "heartbeat.interval.ms", "60000",
                                     NULL, 0),
                     KRAFKA_ERR_NONE);
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_INVALID_CONF,
                  krafka_consumer_new(&c, conf, ESP, ESN));
    ck_assert_ptr_null(c);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(consumer_calls_refuse_null_pointers_on_a_live_consumer)
{
    krafka_consumer_t *c = dead_consumer("misuse-group");
    int64_t lo = 7, hi = 7, lag = 7;
    krafka_record_t *recs[2] = {NULL, NULL};
    ck_assert_ptr_nonnull(krafka_consumer_metrics(c));
    /* Polls on a consumer without an assignment return nothing; an
     * absurd max is harmless when nothing comes. */
    ck_assert_ptr_null(krafka_consumer_poll(c, 0));
    ck_assert_ptr_null(krafka_consumer_poll(c, 10));
    ck_assert_uint_eq(krafka_consumer_poll_batch(c, NULL, 2, 0), 0);
    ck_assert_uint_eq(krafka_consumer_poll_batch(c, recs, 0, 0), 0);
    ck_assert_uint_eq(krafka_consumer_poll_batch(c, recs, SIZE_MAX, 0), 0);
    ck_assert_ptr_null(recs[0]);
    /* Subscriptions: NULL array with a count, NULL and empty names, a bad
     * pattern, absurd counts. */
    const char *one[] = {"t"};
    const char *with_null[] = {"t", NULL};
    const char *with_empty[] = {"t", ""};
    const char *bad_re[] = {"^(unclosed"};
    ck_assert_int_eq(krafka_consumer_subscribe(c, NULL, 1), INV);
    ck_assert_int_eq(krafka_consumer_subscribe(c, with_null, 2), INV);
    ck_assert_int_eq(krafka_consumer_subscribe(c, with_empty, 2), INV);
    ck_assert_int_eq(krafka_consumer_subscribe(c, bad_re, 1), INV);
    ck_assert_int_eq(krafka_consumer_subscribe(c, one, SIZE_MAX), INV);
    ck_assert_int_eq(krafka_consumer_subscribe(c, one, (size_t)1 << 40),
                     INV);
    ck_assert_int_eq(krafka_consumer_subscription(c, NULL), INV);
    krafka_tp_list_t *sub = NULL;
    ck_assert_int_eq(krafka_consumer_subscription(c, &sub), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(sub->cnt, 0);
    krafka_tp_list_destroy(sub);
    ck_assert_int_eq(krafka_consumer_assignment(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_incremental_assign(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_incremental_unassign(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_position(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_pause(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_resume(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_store_offsets(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_committed(c, NULL, 10), INV);
    ck_assert_int_eq(krafka_consumer_offsets_for_times(c, NULL, 10), INV);
    /* Records: NULL, without a topic, or an event. */
    krafka_record_t rec = {.topic = NULL, .partition = 0, .offset = 1};
    ck_assert_int_eq(krafka_consumer_store_record(c, NULL), INV);
    ck_assert_int_eq(krafka_consumer_store_record(c, &rec), INV);
    ck_assert_int_eq(krafka_consumer_commit_record(c, NULL, false), INV);
    ck_assert_int_eq(krafka_consumer_commit_record(c, &rec, false), INV);
    rec.topic = "t";
    rec.err = KRAFKA_ERR_LOCAL_PARTITION_EOF;
    ck_assert_int_eq(krafka_consumer_store_record(c, &rec), INV);
    ck_assert_int_eq(krafka_consumer_commit_record(c, &rec, true), INV);
    rec.err = KRAFKA_ERR_NONE;
    ck_assert_int_eq(krafka_consumer_store_record(c, &rec),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    /* Seeks: NULL topic, bad offsets and timestamps, unknown partitions. */
    ck_assert_int_eq(krafka_consumer_seek(c, NULL, 0, 0), INV);
    ck_assert_int_eq(krafka_consumer_seek(c, "t", 0, -5), INV);
    ck_assert_int_eq(krafka_consumer_seek(c, "t", 0, INT64_MIN), INV);
    ck_assert_int_eq(krafka_consumer_seek(c, "t", -1, 0),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    ck_assert_int_eq(krafka_consumer_seek_timestamp(c, NULL, 0, 0), INV);
    ck_assert_int_eq(krafka_consumer_seek_timestamp(c, "t", 0, -1), INV);
    ck_assert_int_eq(krafka_consumer_seek_timestamp(c, "t", INT32_MIN, 0),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    /* Watermarks and lag: NULL topic or out pointers. */
    ck_assert_int_eq(krafka_consumer_query_watermark_offsets(c, NULL, 0, &lo,
                                                             &hi, 10),
                     INV);
    ck_assert_int_eq(krafka_consumer_query_watermark_offsets(c, "t", 0, NULL,
                                                             &hi, 10),
                     INV);
    ck_assert_int_eq(krafka_consumer_query_watermark_offsets(c, "t", 0, &lo,
                                                             NULL, 10),
                     INV);
    ck_assert(lo == 7 && hi == 7);
    ck_assert_int_ne(krafka_consumer_query_watermark_offsets(c, "t", -5, &lo,
                                                             &hi, -1),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_consumer_lag(c, NULL, 0, &lag), INV);
    ck_assert_int_eq(krafka_consumer_lag(c, "t", 0, NULL), INV);
    ck_assert_int_eq(krafka_consumer_lag(c, "t", -1, &lag),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    ck_assert_int_eq(lag, -1);
    /* Close is idempotent; destroy after close is fine. */
    krafka_consumer_close(c);
    ck_assert_int_eq(krafka_consumer_close(c), KRAFKA_ERR_NONE);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(consumer_calls_refuse_hand_made_lists_without_topics)
{
    krafka_consumer_t *c = dead_consumer("misuse-group");
    /* The list struct is public, so an application can build one by hand
     * and get it wrong: a count without elements, an element without a
     * topic. */
    krafka_topic_partition_t e = {.topic = NULL, .partition = 0,
                                  .offset = 5, .leader_epoch = -1};
    const krafka_tp_list_t no_topic = {.elems = &e, .cnt = 1, .cap = 1};
    const krafka_tp_list_t no_elems = {.elems = NULL, .cnt = 3, .cap = 3};
    const krafka_tp_list_t *bad[] = {&no_topic, &no_elems};
    for (size_t i = 0; i < 2; i++) {
        krafka_tp_list_t *l = (krafka_tp_list_t *)bad[i];
        ck_assert_int_eq(krafka_consumer_assign(c, l), INV);
        ck_assert_int_eq(krafka_consumer_incremental_assign(c, l), INV);
        ck_assert_int_eq(krafka_consumer_incremental_unassign(c, l), INV);
        ck_assert_int_eq(krafka_consumer_position(c, l), INV);
        ck_assert_int_eq(krafka_consumer_pause(c, l), INV);
        ck_assert_int_eq(krafka_consumer_resume(c, l), INV);
        ck_assert_int_eq(krafka_consumer_store_offsets(c, l), INV);
        ck_assert_int_eq(krafka_consumer_commit(c, l, false), INV);
        ck_assert_int_eq(krafka_consumer_commit(c, l, true), INV);
        ck_assert_int_eq(krafka_consumer_committed(c, l, 10), INV);
        ck_assert_int_eq(krafka_consumer_offsets_for_times(c, l, 10), INV);
    }
    /* Negative partitions cannot be assigned. */
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    ck_assert_ptr_nonnull(krafka_tp_list_add(l, "t", -1));
    ck_assert_int_eq(krafka_consumer_assign(c, l), INV);
    ck_assert_int_eq(krafka_consumer_incremental_assign(c, l), INV);
    /* An empty list commits nothing; committed with a negative timeout
     * gives up at once. */
    krafka_tp_list_t *empty = krafka_tp_list_new(0);
    ck_assert_int_eq(krafka_consumer_commit(c, empty, false),
                     KRAFKA_ERR_LOCAL_NO_OFFSET);
    ck_assert_int_ne(krafka_consumer_committed(c, l, -1), KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_consumer_offsets_for_times(c, empty, -1),
                     KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(empty);
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
}
END_TEST

START_TEST(group_calls_without_group_id_are_invalid_conf)
{
    krafka_consumer_t *c = dead_consumer(NULL);
    const char *one[] = {"t"};
    krafka_tp_list_t *l = krafka_tp_list_new(1);
    ck_assert_ptr_nonnull(krafka_tp_list_add(l, "t", 0));
    krafka_record_t rec = {.topic = "t", .partition = 0, .offset = 1};
    ck_assert_int_eq(krafka_consumer_subscribe(c, one, 1),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_consumer_commit(c, l, false),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_consumer_commit(c, NULL, true),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_consumer_commit_record(c, &rec, false),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_consumer_committed(c, l, 10),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(krafka_consumer_unsubscribe(c), KRAFKA_ERR_NONE);
    /* A real assignment, then calls about partitions it lacks. */
    ck_assert_int_eq(krafka_consumer_assign(c, l), KRAFKA_ERR_NONE);
    ck_assert_int_eq(krafka_consumer_seek(c, "t", 1, 0),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
    ck_assert_int_eq(krafka_consumer_seek(c, "t", 0,
                                          KRAFKA_OFFSET_BEGINNING),
                     KRAFKA_ERR_NONE);
    krafka_tp_list_t *asg = NULL;
    ck_assert_int_eq(krafka_consumer_assignment(c, &asg), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(asg->cnt, 1);
    krafka_tp_list_destroy(asg);
    ck_assert_int_eq(krafka_consumer_assign(c, NULL), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    krafka_consumer_destroy(c);
}
END_TEST

/* ---- admin ---- */

START_TEST(admin_calls_on_a_null_admin_are_errors_with_a_message)
{
    krafka_metadata_t *md = (krafka_metadata_t *)&md;
    krafka_config_entries_t *ce = (krafka_config_entries_t *)&ce;
    krafka_group_list_t *gl = (krafka_group_list_t *)&gl;
    krafka_group_descriptions_t *gd = (krafka_group_descriptions_t *)&gd;
    krafka_new_topic_t nt = {.topic = "t", .num_partitions = 1,
                             .replication_factor = 1};
    krafka_new_partitions_t np = {.topic = "t", .total_count = 2};
    const char *names[] = {"t"};
    krafka_topic_result_t res[1];
    ck_assert_ptr_null(krafka_admin_metrics(NULL));
    krafka_admin_destroy(NULL);
    krafka_metadata_destroy(NULL);
    krafka_config_entries_destroy(NULL);
    krafka_group_list_destroy(NULL);
    krafka_group_descriptions_destroy(NULL);
    EXPECT_ERRSTR(INV, krafka_admin_metadata(NULL, NULL, 10, &md, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(NULL, &nt, 1, 10, res, ESP,
                                                  ESN));
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(NULL, names, 1, 10, res,
                                                  ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(NULL, &np, 1, 10, res,
                                                      ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_topic_configs(NULL, "t", 10,
                                                           &ce, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_list_groups(NULL, 10, &gl, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(NULL, names, 1, 10, &gd,
                                                    ESP, ESN));
    ck_assert_ptr_eq(md, (krafka_metadata_t *)&md);
    ck_assert_ptr_eq(gl, (krafka_group_list_t *)&gl);
}
END_TEST

START_TEST(admin_new_refuses_null_out_and_null_conf_with_a_message)
{
    krafka_conf_t *conf = dead_conf(NULL);
    krafka_admin_t *a = (krafka_admin_t *)&a;
    EXPECT_ERRSTR(INV, krafka_admin_new(NULL, conf, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_new(&a, NULL, ESP, ESN));
    ck_assert_ptr_null(a);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(admin_calls_refuse_bad_arguments_on_a_live_admin)
{
    krafka_admin_t *a = dead_admin();
    ck_assert_ptr_nonnull(krafka_admin_metrics(a));
    krafka_topic_result_t res[2];
    /* metadata */
    EXPECT_ERRSTR(INV, krafka_admin_metadata(a, "t", 10, NULL, ESP, ESN));
    krafka_metadata_t *md = (krafka_metadata_t *)&md;
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_TIMED_OUT,
                  krafka_admin_metadata(a, NULL, 10, &md, ESP, ESN));
    ck_assert_ptr_null(md);
    /* create_topics */
    const char *cfg[] = {"cleanup.policy", "compact"};
    const char *cfg_null_name[] = {NULL, "compact"};
    krafka_new_topic_t nt[2] = {
        {.topic = "t", .num_partitions = 1, .replication_factor = 1},
        {.topic = "u", .num_partitions = -1, .replication_factor = -1,
         .configs = cfg, .config_cnt = 1}};
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, NULL, 1, 10, res, ESP,
                                                  ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 0, 10, res, ESP,
                                                  ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, SIZE_MAX, 10, res,
                                                  ESP, ESN));
    nt[1].topic = NULL;
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].topic = "";
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].topic = "u";
    nt[1].configs = NULL;
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].configs = cfg_null_name;
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].configs = cfg;
    nt[1].config_cnt = SIZE_MAX;
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].config_cnt = (SIZE_MAX / 2) + 1;
    EXPECT_ERRSTR(INV, krafka_admin_create_topics(a, nt, 2, 10, res, ESP,
                                                  ESN));
    nt[1].config_cnt = 1;
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_TIMED_OUT,
                  krafka_admin_create_topics(a, nt, 2, 10, NULL, ESP, ESN));
    /* delete_topics */
    const char *names[] = {"t", "u"};
    const char *names_null[] = {"t", NULL};
    const char *names_empty[] = {"t", ""};
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(a, NULL, 1, 10, res, ESP,
                                                  ESN));
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(a, names, 0, 10, res, ESP,
                                                  ESN));
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(a, names, SIZE_MAX, 10,
                                                  res, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(a, names_null, 2, 10, res,
                                                  ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_delete_topics(a, names_empty, 2, 10, res,
                                                  ESP, ESN));
    /* create_partitions */
    krafka_new_partitions_t np[2] = {{.topic = "t", .total_count = 2},
                                     {.topic = "u", .total_count = 0}};
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, NULL, 1, 10, res,
                                                      ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, np, 0, 10, res, ESP,
                                                      ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, np, SIZE_MAX, 10,
                                                      res, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, np, 2, 10, res, ESP,
                                                      ESN));
    np[1].total_count = INT32_MIN;
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, np, 2, 10, res, ESP,
                                                      ESN));
    np[1] = (krafka_new_partitions_t){.topic = NULL, .total_count = 3};
    EXPECT_ERRSTR(INV, krafka_admin_create_partitions(a, np, 2, 10, res, ESP,
                                                      ESN));
    /* describe_topic_configs */
    krafka_config_entries_t *ce = (krafka_config_entries_t *)&ce;
    EXPECT_ERRSTR(INV, krafka_admin_describe_topic_configs(a, NULL, 10, &ce,
                                                           ESP, ESN));
    ck_assert_ptr_null(ce);
    EXPECT_ERRSTR(INV, krafka_admin_describe_topic_configs(a, "", 10, &ce,
                                                           ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_topic_configs(a, "t", 10, NULL,
                                                           ESP, ESN));
    /* list_groups */
    EXPECT_ERRSTR(INV, krafka_admin_list_groups(a, 10, NULL, ESP, ESN));
    krafka_group_list_t *gl = (krafka_group_list_t *)&gl;
    EXPECT_ERRSTR(KRAFKA_ERR_LOCAL_TIMED_OUT,
                  krafka_admin_list_groups(a, 10, &gl, ESP, ESN));
    ck_assert_ptr_null(gl);
    /* describe_groups */
    krafka_group_descriptions_t *gd = (krafka_group_descriptions_t *)&gd;
    const char *groups[] = {"g"};
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, groups, 1, 10, NULL,
                                                    ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, NULL, 1, 10, &gd, ESP,
                                                    ESN));
    ck_assert_ptr_null(gd);
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, groups, 0, 10, &gd,
                                                    ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, groups, SIZE_MAX, 10,
                                                    &gd, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, names_null, 2, 10,
                                                    &gd, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_admin_describe_groups(a, names_empty, 2, 10,
                                                    &gd, ESP, ESN));
    /* A group that cannot be described has its own error. */
    ck_assert_int_eq(krafka_admin_describe_groups(a, groups, 1, 10, &gd,
                                                  NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(gd->group_cnt, 1);
    ck_assert_int_ne(gd->groups[0].err, KRAFKA_ERR_NONE);
    krafka_group_descriptions_destroy(gd);
    krafka_admin_destroy(a);
}
END_TEST

/* ---- metrics ---- */

START_TEST(metrics_calls_refuse_null_registries_and_bad_sizes)
{
    krafka_producer_t *p = dead_producer();
    krafka_metrics_t *m = krafka_producer_metrics(p);
    ck_assert_ptr_nonnull(m);
    char *text = (char *)&text;
    size_t len = 7;
    /* prometheus, prometheus_multi, json */
    ck_assert_int_eq(krafka_metrics_prometheus(NULL, &text, &len), INV);
    ck_assert_int_eq(krafka_metrics_prometheus(m, NULL, &len), INV);
    ck_assert_int_eq(krafka_metrics_json(NULL, &text, &len), INV);
    ck_assert_int_eq(krafka_metrics_json(m, NULL, &len), INV);
    ck_assert_ptr_eq(text, (char *)&text);
    ck_assert_uint_eq(len, 7);
    const krafka_metrics_t *regs[] = {m, NULL};
    ck_assert_int_eq(krafka_metrics_prometheus_multi(NULL, 1, &text, &len),
                     INV);
    ck_assert_int_eq(krafka_metrics_prometheus_multi(regs, 1, NULL, &len),
                     INV);
    ck_assert_int_eq(
        krafka_metrics_prometheus_multi(regs, SIZE_MAX, &text, &len), INV);
    ck_assert_int_eq(krafka_metrics_prometheus_multi(regs, SIZE_MAX / 8 + 1,
                                                     &text, &len),
                     INV);
    /* NULL entries are skipped; len may be NULL. */
    ck_assert_int_eq(krafka_metrics_prometheus_multi(regs, 2, &text, NULL),
                     KRAFKA_ERR_NONE);
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, NULL),
                     KRAFKA_ERR_NONE);
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_json(m, &text, NULL), KRAFKA_ERR_NONE);
    krafka_metrics_free(text);
    krafka_metrics_free(NULL);
    /* visit */
    krafka_metrics_visitor_t v = {.size = sizeof v};
    ck_assert_int_eq(krafka_metrics_visit(NULL, &v, NULL), INV);
    ck_assert_int_eq(krafka_metrics_visit(m, NULL, NULL), INV);
    v.size = 0;
    ck_assert_int_eq(krafka_metrics_visit(m, &v, NULL), INV);
    v.size = offsetof(krafka_metrics_visitor_t, latency);
    ck_assert_int_eq(krafka_metrics_visit(m, &v, NULL), INV);
    v.size = offsetof(krafka_metrics_visitor_t, histogram);
    ck_assert_int_eq(krafka_metrics_visit(m, &v, NULL), KRAFKA_ERR_NONE);
    v.size = SIZE_MAX; /* a newer program's visitor: no crash */
    ck_assert_int_eq(krafka_metrics_visit(m, &v, NULL), KRAFKA_ERR_NONE);
    /* snapshot */
    krafka_metrics_snapshot_t s[2];
    ck_assert_int_eq(krafka_metrics_snapshot(NULL, s, sizeof s[0]), INV);
    ck_assert_int_eq(krafka_metrics_snapshot(m, NULL, sizeof s[0]), INV);
    ck_assert_int_eq(krafka_metrics_snapshot(m, s, 0), INV);
    ck_assert_int_eq(krafka_metrics_snapshot(m, s, sizeof s[0] + 1), INV);
    ck_assert_int_eq(krafka_metrics_snapshot(m, s, SIZE_MAX), INV);
    memset(s, 0xab, sizeof s);
    ck_assert_int_eq(krafka_metrics_snapshot(m, s, 8), KRAFKA_ERR_NONE);
    ck_assert_int_eq(((unsigned char *)s)[8], 0xab);
    /* reset */
    krafka_metrics_reset(NULL);
    krafka_metrics_reset(m);
    krafka_producer_destroy(p);
}
END_TEST

START_TEST(latency_helpers_take_null_and_out_of_range_values)
{
    ck_assert(krafka_metrics_latency_quantile(NULL, 0.5) == 0);
    /* A count without buckets, and a bucket count beyond the library's. */
    krafka_metrics_latency_t l = {.size = sizeof l, .count = 5,
                                  .min_us = 1, .max_us = 3,
                                  .bucket_cnt = 1000, .buckets = NULL};
    ck_assert(krafka_metrics_latency_quantile(&l, 0.5) == 0);
    uint64_t b[3] = {0, 5, 0};
    l.buckets = b;
    l.bucket_cnt = 3;
    const double qs[] = {NAN, -1, 0, 0.5, 1, 2, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        double v = krafka_metrics_latency_quantile(&l, qs[i]);
        ck_assert_msg(v >= 1 && v <= 3, "q %g gave %g", qs[i], v);
    }
    uint64_t lo = 9, hi = 9;
    krafka_metrics_bucket_range(SIZE_MAX, &lo, &hi);
    ck_assert(lo == 0 && hi == 0);
    krafka_metrics_bucket_range(0, NULL, NULL);
    krafka_metrics_bucket_range(1, &lo, NULL);
    krafka_metrics_bucket_range(1, NULL, &hi);
}
END_TEST

START_TEST(metrics_http_serve_refuses_bad_arguments_with_a_message)
{
    krafka_producer_t *p = dead_producer();
    const krafka_metrics_t *regs[] = {krafka_producer_metrics(p)};
    krafka_metrics_http_t *h = (krafka_metrics_http_t *)&h;
    EXPECT_ERRSTR(INV, krafka_metrics_http_serve(NULL, regs, 1, 0, ESP,
                                                 ESN));
    EXPECT_ERRSTR(INV, krafka_metrics_http_serve(&h, NULL, 1, 0, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_metrics_http_serve(&h, regs, 0, 0, ESP, ESN));
    EXPECT_ERRSTR(INV, krafka_metrics_http_serve(&h, regs, SIZE_MAX, 0, ESP,
                                                 ESN));
    EXPECT_ERRSTR(INV, krafka_metrics_http_serve(&h, regs, SIZE_MAX / 8 + 1,
                                                 0, ESP, ESN));
    ck_assert_uint_eq(krafka_metrics_http_port(NULL), 0);
    krafka_metrics_http_stop(NULL);
    ck_assert_int_eq(krafka_metrics_http_serve(&h, regs, 1, 0, NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_ne(krafka_metrics_http_port(h), 0);
    krafka_metrics_http_stop(h);
    krafka_producer_destroy(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("api_misuse");
    TCase *tc = tcase_create("misuse");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, error_lookups_of_unknown_codes_answer_static_strings);
    tcase_add_test(tc, config_source_name_of_an_out_of_range_value_is_unknown);
    tcase_add_test(tc, conf_calls_on_a_null_conf_are_errors_or_no_ops);
    tcase_add_test(tc,
                   conf_set_refuses_null_names_unknown_names_and_bad_values);
    tcase_add_test(tc, conf_get_reports_the_needed_size_and_never_overflows);
    tcase_add_test(tc, partition_for_key_refuses_bad_arguments);
    tcase_add_test(tc, tp_list_calls_refuse_null_lists_and_topics);
    tcase_add_test(tc, record_calls_refuse_null_records_and_bad_indexes);
    tcase_add_test(tc, producer_calls_on_a_null_producer_are_errors_or_no_ops);
    tcase_add_test(tc,
                   producer_new_refuses_null_out_and_null_conf_with_a_message);
    tcase_add_test(tc, producer_send_refuses_bad_records_on_a_live_producer);
    tcase_add_test(tc, producer_calls_with_bad_arguments_on_a_live_producer);
    tcase_add_test(tc, consumer_calls_on_a_null_consumer_are_errors_or_no_ops);
    tcase_add_test(tc,
                   consumer_new_refuses_null_out_and_null_conf_with_a_message);
    tcase_add_test(tc, consumer_calls_refuse_null_pointers_on_a_live_consumer);
    tcase_add_test(tc, consumer_calls_refuse_hand_made_lists_without_topics);
    tcase_add_test(tc, group_calls_without_group_id_are_invalid_conf);
    tcase_add_test(tc, admin_calls_on_a_null_admin_are_errors_with_a_message);
    tcase_add_test(tc, admin_new_refuses_null_out_and_null_conf_with_a_message);
    tcase_add_test(tc, admin_calls_refuse_bad_arguments_on_a_live_admin);
    tcase_add_test(tc, metrics_calls_refuse_null_registries_and_bad_sizes);
    tcase_add_test(tc, latency_helpers_take_null_and_out_of_range_values);
    tcase_add_test(tc, metrics_http_serve_refuses_bad_arguments_with_a_message);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
