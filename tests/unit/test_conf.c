/*
 * Configuration: librdkafka's property names and their aliases, defaults,
 * parsing and range checks of every type, _get() round trips, deep copies,
 * the cross-property checks and the generated Markdown reference.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/conf.h"
#include "krafka/krafka.h"
#include "kt_check.h"
#include "producer/partitioner.h"
#include "util/buf.h"

#define ERRSTR 512

static char errstr[ERRSTR];

static void set_ok(krafka_conf_t *c, const char *name, const char *value)
{
    errstr[0] = '\0';
    krafka_err_t err = krafka_conf_set(c, name, value, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "set %s=%s: %s (%s)", name,
                  value ? value : "(NULL)", krafka_err2name(err), errstr);
}

/* Expects @value to be rejected as invalid; errstr holds the message. */
static void set_bad(krafka_conf_t *c, const char *name, const char *value)
{
    errstr[0] = '\0';
    krafka_err_t err = krafka_conf_set(c, name, value, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_LOCAL_INVALID_CONF,
                  "set %s=\"%s\" gave %s", name, value, krafka_err2name(err));
    ck_assert_ptr_nonnull(strstr(errstr, name));
}

/* The value of @name; the string lives until the next call. */
static const char *get(const krafka_conf_t *c, const char *name)
{
    static char buf[1024];
    size_t n = sizeof buf;
    krafka_err_t err = krafka_conf_get(c, name, buf, &n);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "get %s: %s", name,
                  krafka_err2name(err));
    ck_assert_uint_eq(n, strlen(buf) + 1);
    return buf;
}

/* A conf that passes kr_conf_validate() for every role. */
static krafka_conf_t *valid_conf(void)
{
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_ptr_nonnull(c);
    set_ok(c, "bootstrap.servers", "localhost:9092");
    return c;
}

static krafka_err_t validate(const krafka_conf_t *c, const char *role)
{
    errstr[0] = '\0';
    return kr_conf_validate(c, role, errstr, sizeof errstr);
}

START_TEST(new_applies_the_documented_defaults)
{
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_null(c->bootstrap_servers);
    ck_assert_str_eq(c->client_id, "krafka");
    ck_assert_int_eq(c->message_max_bytes, 1000000);
    ck_assert_int_eq(c->receive_message_max_bytes, 100000000);
    ck_assert_int_eq(c->max_in_flight, 1000000);
    ck_assert_int_eq(c->request_timeout_ms, 30000);
    ck_assert_int_eq(c->socket_timeout_ms, 60000);
    ck_assert_int_eq(c->socket_connection_setup_timeout_ms, 30000);
    ck_assert_int_eq(c->socket_send_buffer_bytes, 0);
    ck_assert_int_eq(c->socket_receive_buffer_bytes, 0);
    ck_assert(!c->socket_keepalive_enable);
    ck_assert(c->socket_nagle_disable);
    ck_assert_int_eq(c->reconnect_backoff_ms, 100);
    ck_assert_int_eq(c->reconnect_backoff_max_ms, 10000);
    ck_assert_int_eq(c->broker_address_family, KR_AF_ANY);
    ck_assert_int_eq(c->metadata_max_age_ms, 900000);
    ck_assert_int_eq(c->topic_metadata_refresh_interval_ms, 300000);
    ck_assert_int_eq(c->topic_metadata_refresh_fast_interval_ms, 100);
    ck_assert(!c->allow_auto_create_topics);
    ck_assert_uint_eq(c->debug, 0);
    ck_assert_int_eq(c->log_level, KRAFKA_LOG_INFO);
    ck_assert_int_eq(c->security_protocol, KR_SEC_PLAINTEXT);
    ck_assert_int_eq(c->sasl_mechanism, KR_SASL_PLAIN);
    ck_assert_ptr_null(c->sasl_username);
    ck_assert_ptr_null(c->sasl_password);
    ck_assert_ptr_null(c->ssl_ca_location);
    ck_assert(c->ssl_endpoint_identification);
    ck_assert(c->enable_ssl_certificate_verification);
    ck_assert_ptr_null(c->log_cb);
    ck_assert_ptr_null(c->opaque);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(new_applies_the_documented_producer_and_consumer_defaults)
{
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_int_eq(c->acks, -1);
    ck_assert_int_eq(c->compression, KR_COMPRESSION_NONE);
    ck_assert_int_eq(c->compression_level, -1);
    ck_assert_int_eq(c->linger_ms, 5);
    ck_assert_int_eq(c->batch_size, 1000000);
    ck_assert_int_eq(c->batch_num_messages, 10000);
    ck_assert_int_eq(c->queue_buffering_max_messages, 100000);
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 1048576);
    ck_assert_int_eq(c->retries, INT32_MAX);
    ck_assert_int_eq(c->retry_backoff_ms, 100);
    ck_assert_int_eq(c->retry_backoff_max_ms, 1000);
    ck_assert_int_eq(c->message_timeout_ms, 300000);
    ck_assert_int_eq(c->partitioner, KR_PARTITIONER_MURMUR2_RANDOM);
    ck_assert_int_eq(c->sticky_partitioning_linger_ms, 10);
    ck_assert(c->enable_idempotence);
    ck_assert_ptr_null(c->group_id);
    ck_assert_ptr_null(c->group_instance_id);
    ck_assert_ptr_null(c->client_rack);
    ck_assert_int_eq(c->session_timeout_ms, 45000);
    ck_assert_int_eq(c->heartbeat_interval_ms, 3000);
    ck_assert_int_eq(c->max_poll_interval_ms, 300000);
    ck_assert_str_eq(c->partition_assignment_strategy, "range,roundrobin");
    ck_assert(c->enable_auto_commit);
    ck_assert_int_eq(c->auto_commit_interval_ms, 5000);
    ck_assert(c->enable_auto_offset_store);
    ck_assert_int_eq(c->auto_offset_reset, KR_RESET_LATEST);
    ck_assert_int_eq(c->isolation_level, KR_READ_COMMITTED);
    ck_assert_int_eq(c->fetch_min_bytes, 1);
    ck_assert_int_eq(c->fetch_max_bytes, 52428800);
    ck_assert_int_eq(c->max_partition_fetch_bytes, 1048576);
    ck_assert_int_eq(c->fetch_wait_max_ms, 500);
    ck_assert_int_eq(c->fetch_error_backoff_ms, 500);
    ck_assert_int_eq(c->queued_min_messages, 100000);
    ck_assert_int_eq(c->queued_max_messages_kbytes, 65536);
    ck_assert(!c->check_crcs);
    ck_assert(!c->enable_partition_eof);
    krafka_conf_destroy(c);
}
END_TEST

/* Every default in the table parses, _get() prints it back as written, and
 * what _get() prints parses again to the same value. */
START_TEST(every_table_default_parses_and_prints_back)
{
    ck_assert_uint_ge(kr_conf_prop_cnt(), 70);
    ck_assert_ptr_null(kr_conf_prop_name(kr_conf_prop_cnt()));
    krafka_conf_t *c = krafka_conf_new();
    for (size_t i = 0; i < kr_conf_prop_cnt(); i++) {
        const char *name = kr_conf_prop_name(i);
        const char *def = kr_conf_prop_default(i);
        ck_assert_ptr_nonnull(name);
        if (def)
            set_ok(c, name, def);
        set_ok(c, name, NULL);
        char got[1024];
        size_t n = sizeof got;
        ck_assert_int_eq(krafka_conf_get(c, name, got, &n), KRAFKA_ERR_NONE);
        ck_assert_str_eq(got, def ? def : "");
        set_ok(c, name, got);
        ck_assert_str_eq(get(c, name), got);
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(unknown_property_is_an_error_naming_it)
{
    krafka_conf_t *c = krafka_conf_new();
    krafka_err_t err =
        krafka_conf_set(c, "foo.bar", "1", errstr, sizeof errstr);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY);
    ck_assert_str_eq(errstr, "No such configuration property: \"foo.bar\"");
    /* Names are case-sensitive, as in librdkafka. */
    ck_assert_int_eq(krafka_conf_set(c, "Linger.ms", "1", NULL, 0),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY);
    char buf[16];
    size_t n = sizeof buf;
    ck_assert_int_eq(krafka_conf_get(c, "foo.bar", buf, &n),
                     KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(every_alias_sets_the_same_field_as_its_main_name)
{
    static const struct {
        const char *alias, *name, *value;
    } v[] = {
        {"metadata.broker.list", "bootstrap.servers", "a:1,b:2"},
        {"max.in.flight", "max.in.flight.requests.per.connection", "5"},
        {"sasl.mechanisms", "sasl.mechanism", "SCRAM-SHA-256"},
        {"request.required.acks", "acks", "1"},
        {"compression.codec", "compression.type", "zstd"},
        {"queue.buffering.max.ms", "linger.ms", "77"},
        {"message.send.max.retries", "retries", "3"},
        {"delivery.timeout.ms", "message.timeout.ms", "12345"},
        {"fetch.message.max.bytes", "max.partition.fetch.bytes", "4096"},
        {"fetch.max.wait.ms", "fetch.wait.max.ms", "250"},
        {"max.request.size", "message.max.bytes", "1048576"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        krafka_conf_t *c = krafka_conf_new();
        ck_assert_str_ne(get(c, v[i].name), v[i].value);
        set_ok(c, v[i].alias, v[i].value);
        ck_assert_str_eq(get(c, v[i].name), v[i].value);
        ck_assert_str_eq(get(c, v[i].alias), v[i].value);
        /* and the other way round */
        set_ok(c, v[i].name, NULL);
        ck_assert_str_ne(get(c, v[i].alias), v[i].value);
        set_ok(c, v[i].name, v[i].value);
        ck_assert_str_eq(get(c, v[i].alias), v[i].value);
        krafka_conf_destroy(c);
    }
}
END_TEST

/* The Java client's buffer.memory (bytes) is queue.buffering.max.kbytes
 * written in bytes: one field, rounded up to whole KiB, printed back in
 * bytes. */
START_TEST(buffer_memory_is_queue_buffering_max_kbytes_in_bytes)
{
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 1048576);
    ck_assert_str_eq(get(c, "buffer.memory"), "1073741824");
    set_ok(c, "buffer.memory", "33554432"); /* the Java client's default */
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 32768);
    ck_assert_str_eq(get(c, "queue.buffering.max.kbytes"), "32768");
    set_ok(c, "buffer.memory", "1000");
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 1);
    ck_assert_str_eq(get(c, "buffer.memory"), "1024");
    set_ok(c, "buffer.memory", "4097");
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 5);
    set_ok(c, "queue.buffering.max.kbytes", "4");
    ck_assert_str_eq(get(c, "buffer.memory"), "4096");
    set_ok(c, "buffer.memory", "2199023254528"); /* INT32_MAX KiB */
    ck_assert_int_eq(c->queue_buffering_max_kbytes, INT32_MAX);
    ck_assert_str_eq(get(c, "buffer.memory"), "2199023254528");
    set_bad(c, "buffer.memory", "2199023254529");
    set_bad(c, "buffer.memory", "0");
    set_bad(c, "buffer.memory", "-1");
    set_bad(c, "buffer.memory", "32m");
    ck_assert_int_eq(c->queue_buffering_max_kbytes, INT32_MAX); /* kept */
    set_ok(c, "buffer.memory", NULL);
    ck_assert_int_eq(c->queue_buffering_max_kbytes, 1048576);
    krafka_conf_destroy(c);
}
END_TEST

static const struct {
    const char *name;
    long long min, max;
} int_ranges[] = {
    {"linger.ms", 0, 900000},
    {"max.in.flight.requests.per.connection", 1, 1000000},
    {"request.timeout.ms", 1, 900000},
    {"socket.send.buffer.bytes", 0, 100000000},
    {"log_level", 0, 7},
    {"acks", -1, 1000},
    {"compression.level", -1, 12},
    {"batch.size", 1, 2147483647},
    {"retries", 0, 2147483647},
    {"retry.backoff.ms", 1, 300000},
    {"message.timeout.ms", 0, 2147483647},
    {"session.timeout.ms", 1, 3600000},
    {"fetch.max.bytes", 0, 2147483135},
    {"queued.max.messages.kbytes", 1, 2097151},
};

START_TEST(integer_range_edges_are_inclusive)
{
    krafka_conf_t *c = krafka_conf_new();
    char s[32];
    for (size_t i = 0; i < sizeof int_ranges / sizeof int_ranges[0]; i++) {
        snprintf(s, sizeof s, "%lld", int_ranges[i].min);
        set_ok(c, int_ranges[i].name, s);
        ck_assert_str_eq(get(c, int_ranges[i].name), s);
        snprintf(s, sizeof s, "%lld", int_ranges[i].max);
        set_ok(c, int_ranges[i].name, s);
        ck_assert_str_eq(get(c, int_ranges[i].name), s);
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(integers_beyond_the_range_or_malformed_are_invalid_conf)
{
    static const char *const malformed[] = {
        "99999999999", "-99999999999", "99999999999999999999999", "5ms",
        "",            " 5",           "5 ",                      "+5",
        "0x10",        "-",            "abc",                     "1e3",
        "1.0",
    };
    krafka_conf_t *c = krafka_conf_new();
    char s[32];
    for (size_t i = 0; i < sizeof int_ranges / sizeof int_ranges[0]; i++) {
        const char *name = int_ranges[i].name;
        char before[64];
        snprintf(before, sizeof before, "%s", get(c, name));
        snprintf(s, sizeof s, "%lld", int_ranges[i].min - 1);
        set_bad(c, name, s);
        snprintf(s, sizeof s, "%lld", int_ranges[i].max + 1);
        set_bad(c, name, s);
        for (size_t m = 0; m < sizeof malformed / sizeof malformed[0]; m++)
            set_bad(c, name, malformed[m]);
        ck_assert_str_eq(get(c, name), before); /* unchanged */
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(invalid_integer_message_names_the_property_and_the_range)
{
    krafka_conf_t *c = krafka_conf_new();
    set_bad(c, "linger.ms", "abc");
    ck_assert_str_eq(errstr, "Invalid value \"abc\" for property "
                             "\"linger.ms\": expected an integer 0..900000");
    set_bad(c, "queue.buffering.max.ms", "900001");
    ck_assert_str_eq(errstr,
                     "Invalid value \"900001\" for property "
                     "\"queue.buffering.max.ms\": expected an integer "
                     "0..900000");
    set_bad(c, "acks", "-2");
    ck_assert_str_eq(errstr, "Invalid value \"-2\" for property \"acks\": "
                             "expected an integer -1..1000 or all");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(long_bad_values_are_cut_in_the_message)
{
    krafka_conf_t *c = krafka_conf_new();
    char big[300];
    memset(big, '7', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    set_bad(c, "linger.ms", big);
    ck_assert_ptr_nonnull(strstr(errstr, "7777...\" for property"));
    ck_assert_ptr_nonnull(strstr(errstr, "expected an integer 0..900000"));
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(acks_all_is_minus_one)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "acks", "1");
    set_ok(c, "acks", "all");
    ck_assert_int_eq(c->acks, -1);
    ck_assert_str_eq(get(c, "acks"), "-1");
    set_ok(c, "acks", "0");
    set_ok(c, "request.required.acks", "ALL");
    ck_assert_int_eq(c->acks, -1);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(booleans_are_true_false_1_or_0_in_any_case)
{
    static const struct {
        const char *s;
        bool v;
    } ok[] = {{"true", true},  {"TRUE", true},   {"True", true},
              {"1", true},     {"false", false}, {"FALSE", false},
              {"fAlSe", false}, {"0", false}};
    static const char *const bad[] = {"yes", "no", "", "2", "t", "on",
                                      "true ", "00"};
    krafka_conf_t *c = krafka_conf_new();
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        set_ok(c, "enable.idempotence", ok[i].s);
        ck_assert(c->enable_idempotence == ok[i].v);
        ck_assert_str_eq(get(c, "enable.idempotence"),
                         ok[i].v ? "true" : "false");
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        set_bad(c, "check.crcs", bad[i]);
    ck_assert_str_eq(errstr, "Invalid value \"00\" for property "
                             "\"check.crcs\": expected true or false");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(enums_parse_case_insensitively_and_print_their_canonical_name)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "security.protocol", "SASL_SSL");
    ck_assert_int_eq(c->security_protocol, KR_SEC_SASL_SSL);
    ck_assert_str_eq(get(c, "security.protocol"), "sasl_ssl");
    set_ok(c, "security.protocol", "Ssl");
    ck_assert_int_eq(c->security_protocol, KR_SEC_SSL);
    set_ok(c, "security.protocol", "sasl_plaintext");
    ck_assert_int_eq(c->security_protocol, KR_SEC_SASL_PLAINTEXT);
    set_ok(c, "sasl.mechanism", "scram-sha-512");
    ck_assert_int_eq(c->sasl_mechanism, KR_SASL_SCRAM_SHA_512);
    ck_assert_str_eq(get(c, "sasl.mechanism"), "SCRAM-SHA-512");
    set_ok(c, "compression.type", "LZ4");
    ck_assert_int_eq(c->compression, KR_COMPRESSION_LZ4);
    set_ok(c, "broker.address.family", "v6");
    ck_assert_int_eq(c->broker_address_family, KR_AF_V6);
    set_ok(c, "isolation.level", "read_uncommitted");
    ck_assert_int_eq(c->isolation_level, KR_READ_UNCOMMITTED);
    set_ok(c, "ssl.endpoint.identification.algorithm", "none");
    ck_assert(!c->ssl_endpoint_identification);
    ck_assert_str_eq(get(c, "ssl.endpoint.identification.algorithm"), "none");
    set_ok(c, "ssl.endpoint.identification.algorithm", "HTTPS");
    ck_assert(c->ssl_endpoint_identification);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(auto_offset_reset_takes_every_librdkafka_synonym)
{
    static const struct {
        const char *s;
        enum kr_offset_reset v;
        const char *canonical;
    } v[] = {
        {"smallest", KR_RESET_EARLIEST, "earliest"},
        {"earliest", KR_RESET_EARLIEST, "earliest"},
        {"beginning", KR_RESET_EARLIEST, "earliest"},
        {"largest", KR_RESET_LATEST, "latest"},
        {"latest", KR_RESET_LATEST, "latest"},
        {"end", KR_RESET_LATEST, "latest"},
        {"error", KR_RESET_ERROR, "error"},
    };
    krafka_conf_t *c = krafka_conf_new();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        set_ok(c, "auto.offset.reset", v[i].s);
        ck_assert_int_eq(c->auto_offset_reset, v[i].v);
        ck_assert_str_eq(get(c, "auto.offset.reset"), v[i].canonical);
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(unknown_enum_value_is_invalid_conf_listing_the_choices)
{
    krafka_conf_t *c = krafka_conf_new();
    set_bad(c, "security.protocol", "tls");
    ck_assert_str_eq(errstr, "Invalid value \"tls\" for property "
                             "\"security.protocol\": expected one of: "
                             "plaintext, ssl, sasl_plaintext, sasl_ssl");
    ck_assert_int_eq(c->security_protocol, KR_SEC_PLAINTEXT);
    set_bad(c, "compression.codec", "brotli");
    set_bad(c, "sasl.mechanism", "GSSAPI");
    set_bad(c, "auto.offset.reset", "");
    set_bad(c, "broker.address.family", "v5");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(partitioner_takes_exactly_the_names_kr_partitioner_parse_takes)
{
    static const char *const names[] = {
        "random",  "consistent",     "consistent_random", "murmur2",
        "murmur2_random", "fnv1a", "fnv1a_random",
    };
    krafka_conf_t *c = krafka_conf_new();
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        enum kr_partitioner_type t;
        ck_assert_int_eq(kr_partitioner_parse(names[i], &t), KRAFKA_ERR_NONE);
        set_ok(c, "partitioner", names[i]);
        ck_assert_int_eq(c->partitioner, t);
        ck_assert_str_eq(get(c, "partitioner"), kr_partitioner_name(t));
    }
    set_bad(c, "partitioner", "user");
    set_bad(c, "partitioner", "murmur3");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(debug_list_sets_context_bits)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "debug", "broker, topic,METADATA");
    ck_assert_uint_eq(c->debug, KR_DBG_BROKER | KR_DBG_TOPIC |
                                    KR_DBG_METADATA);
    ck_assert_str_eq(get(c, "debug"), "broker,topic,metadata");
    set_ok(c, "debug", "generic,,conf,");
    ck_assert_uint_eq(c->debug, KR_DBG_GENERIC | KR_DBG_CONF);
    set_ok(c, "debug", "all");
    ck_assert_uint_eq(c->debug, KR_DBG_ALL);
    ck_assert_str_eq(get(c, "debug"), "all");
    set_ok(c, "debug", "cgrp,all");
    ck_assert_uint_eq(c->debug, KR_DBG_ALL);
    set_ok(c, "debug", "");
    ck_assert_uint_eq(c->debug, 0);
    ck_assert_str_eq(get(c, "debug"), "");
    static const char *const each[] = {
        "generic", "broker", "topic",    "metadata", "protocol",
        "security", "msg",   "queue",    "producer", "consumer",
        "cgrp",    "fetch",  "admin",    "conf",
    };
    for (size_t i = 0; i < sizeof each / sizeof each[0]; i++) {
        set_ok(c, "debug", each[i]);
        ck_assert_uint_eq(c->debug, 1u << i);
        ck_assert_str_eq(get(c, "debug"), each[i]);
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(unknown_debug_context_is_an_error_naming_it)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "debug", "broker");
    set_bad(c, "debug", "broker,telemetry ,topic");
    ck_assert_ptr_nonnull(strstr(errstr, "Invalid value \"broker,telemetry "
                                         ",topic\" for property \"debug\": "
                                         "unknown item \"telemetry\"; "
                                         "expected a comma-separated list "
                                         "of: all, generic, broker"));
    ck_assert_uint_eq(c->debug, KR_DBG_BROKER);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(assignment_strategy_checks_each_item_and_stores_canonical_names)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "partition.assignment.strategy", " RoundRobin , range");
    ck_assert_str_eq(c->partition_assignment_strategy, "roundrobin,range");
    set_ok(c, "partition.assignment.strategy", "cooperative-sticky");
    ck_assert_str_eq(get(c, "partition.assignment.strategy"),
                     "cooperative-sticky");
    set_bad(c, "partition.assignment.strategy", "range,sticky");
    ck_assert_ptr_nonnull(strstr(errstr, "unknown item \"sticky\""));
    set_bad(c, "partition.assignment.strategy", "");
    set_bad(c, "partition.assignment.strategy", " , ");
    ck_assert_str_eq(c->partition_assignment_strategy, "cooperative-sticky");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(get_round_trips_set_for_each_type)
{
    static const struct {
        const char *name, *value;
    } v[] = {
        {"bootstrap.servers", "k1:9092,k2:9093"},
        {"client.id", "orders-service"},
        {"sasl.password", "s3cr3t|with|pipes"},
        {"linger.ms", "0"},
        {"acks", "1"},
        {"socket.keepalive.enable", "true"},
        {"compression.type", "snappy"},
        {"debug", "protocol,fetch"},
        {"partition.assignment.strategy", "range"},
        {"topic.metadata.refresh.interval.ms", "-1"},
    };
    krafka_conf_t *c = krafka_conf_new();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        set_ok(c, v[i].name, v[i].value);
        ck_assert_str_eq(get(c, v[i].name), v[i].value);
    }
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(get_reports_the_size_and_rejects_a_too_small_buffer)
{
    krafka_conf_t *c = krafka_conf_new();
    size_t n = 0;
    ck_assert_int_eq(krafka_conf_get(c, "client.id", NULL, &n),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(n, sizeof "krafka");
    char buf[sizeof "krafka"];
    memset(buf, 'x', sizeof buf);
    n = sizeof buf - 1;
    ck_assert_int_eq(krafka_conf_get(c, "client.id", buf, &n),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_uint_eq(n, sizeof "krafka");
    ck_assert_int_eq(buf[0], 'x'); /* nothing written */
    n = sizeof buf;
    ck_assert_int_eq(krafka_conf_get(c, "client.id", buf, &n),
                     KRAFKA_ERR_NONE);
    ck_assert_str_eq(buf, "krafka");
    n = 0;
    ck_assert_int_eq(krafka_conf_get(c, "linger.ms", NULL, &n),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(krafka_conf_get(c, "linger.ms", buf, NULL),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(an_empty_string_unsets_a_string_property)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "group.id", "g1");
    ck_assert_str_eq(c->group_id, "g1");
    set_ok(c, "group.id", "");
    ck_assert_ptr_null(c->group_id);
    ck_assert_str_eq(get(c, "group.id"), "");
    set_ok(c, "client.id", "");
    ck_assert_ptr_null(c->client_id);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(set_null_restores_the_default)
{
    krafka_conf_t *c = krafka_conf_new();
    set_ok(c, "linger.ms", "100");
    set_ok(c, "linger.ms", NULL);
    ck_assert_int_eq(c->linger_ms, 5);
    set_ok(c, "client.id", "x");
    set_ok(c, "client.id", NULL);
    ck_assert_str_eq(c->client_id, "krafka");
    set_ok(c, "sasl.password", "pw");
    set_ok(c, "sasl.password", NULL);
    ck_assert_ptr_null(c->sasl_password);
    set_ok(c, "debug", "all");
    set_ok(c, "debug", NULL);
    ck_assert_uint_eq(c->debug, 0);
    set_ok(c, "security.protocol", "ssl");
    set_ok(c, "security.protocol", NULL);
    ck_assert_int_eq(c->security_protocol, KR_SEC_PLAINTEXT);
    set_ok(c, "queue.buffering.max.ms", "9");
    set_ok(c, "queue.buffering.max.ms", NULL);
    ck_assert_int_eq(c->linger_ms, 5);
    krafka_conf_destroy(c);
}
END_TEST

static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    (void)opaque;
    (void)level;
    (void)fac;
    (void)msg;
}

START_TEST(dup_copies_everything_and_owns_its_strings)
{
    int token;
    krafka_conf_t *a = krafka_conf_new();
    set_ok(a, "bootstrap.servers", "a:1");
    set_ok(a, "sasl.password", "pw");
    set_ok(a, "linger.ms", "42");
    krafka_conf_set_log_cb(a, log_cb);
    krafka_conf_set_opaque(a, &token);
    krafka_conf_t *b = krafka_conf_dup(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_ne(a->bootstrap_servers, b->bootstrap_servers);
    ck_assert_ptr_ne(a->client_id, b->client_id);
    ck_assert_str_eq(b->bootstrap_servers, "a:1");
    ck_assert_str_eq(b->sasl_password, "pw");
    ck_assert_str_eq(b->partition_assignment_strategy, "range,roundrobin");
    ck_assert_int_eq(b->linger_ms, 42);
    ck_assert_ptr_eq(b->log_cb, log_cb);
    ck_assert_ptr_eq(b->opaque, &token);
    set_ok(b, "bootstrap.servers", "b:2");
    set_ok(b, "sasl.password", NULL);
    set_ok(b, "client.id", "other");
    set_ok(b, "linger.ms", "1");
    ck_assert_str_eq(a->bootstrap_servers, "a:1");
    ck_assert_str_eq(a->sasl_password, "pw");
    ck_assert_str_eq(a->client_id, "krafka");
    ck_assert_int_eq(a->linger_ms, 42);
    krafka_conf_destroy(a);
    ck_assert_str_eq(b->bootstrap_servers, "b:2"); /* b outlives a */
    krafka_conf_destroy(b);
}
END_TEST

START_TEST(log_cb_and_opaque_can_be_reset)
{
    int token;
    krafka_conf_t *c = krafka_conf_new();
    krafka_conf_set_log_cb(c, log_cb);
    krafka_conf_set_opaque(c, &token);
    ck_assert_ptr_eq(c->log_cb, log_cb);
    ck_assert_ptr_eq(c->opaque, &token);
    krafka_conf_set_log_cb(c, NULL);
    krafka_conf_set_opaque(c, NULL);
    ck_assert_ptr_null(c->log_cb);
    ck_assert_ptr_null(c->opaque);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(null_arguments_are_handled)
{
    krafka_conf_destroy(NULL);
    ck_assert_ptr_null(krafka_conf_dup(NULL));
    krafka_conf_set_log_cb(NULL, log_cb);
    krafka_conf_set_opaque(NULL, NULL);
    ck_assert_int_eq(krafka_conf_set(NULL, "linger.ms", "1", NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_int_eq(krafka_conf_set(c, NULL, "1", NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    /* errstr may be NULL or of size 0 */
    ck_assert_int_eq(krafka_conf_set(c, "linger.ms", "x", NULL, 0),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    errstr[0] = 'z';
    ck_assert_int_eq(krafka_conf_set(c, "linger.ms", "x", errstr, 0),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(errstr[0], 'z');
    char tiny[8];
    ck_assert_int_eq(krafka_conf_set(c, "linger.ms", "x", tiny, sizeof tiny),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(tiny, "Invalid");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_passes_the_defaults_plus_bootstrap_servers_for_each_role)
{
    krafka_conf_t *c = valid_conf();
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    ck_assert_int_eq(validate(c, "admin"), KRAFKA_ERR_NONE);
    ck_assert_int_eq(validate(c, "broker"), KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(validate(c, NULL), KRAFKA_ERR_LOCAL_INVALID_ARG);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_requires_bootstrap_servers)
{
    krafka_conf_t *c = krafka_conf_new();
    ck_assert_int_eq(validate(c, "admin"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"bootstrap.servers\" must be set");
    set_ok(c, "metadata.broker.list", "h:1");
    ck_assert_int_eq(validate(c, "admin"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_sasl_needs_username_and_password_naming_the_protocol)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "security.protocol", "SASL_SSL");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"sasl.username\" must be set when "
                             "\"security.protocol\" is sasl_ssl");
    set_ok(c, "sasl.username", "alice");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"sasl.password\" must be set when "
                             "\"security.protocol\" is sasl_ssl");
    set_ok(c, "security.protocol", "sasl_plaintext");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_nonnull(strstr(errstr, "is sasl_plaintext"));
    set_ok(c, "sasl.password", "pw");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    set_ok(c, "sasl.username", NULL);
    set_ok(c, "security.protocol", "ssl"); /* no SASL, no username */
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_backoffs_must_not_exceed_their_maximum)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "reconnect.backoff.ms", "10000");
    ck_assert_int_eq(validate(c, "admin"), KRAFKA_ERR_NONE);
    set_ok(c, "reconnect.backoff.ms", "10001");
    ck_assert_int_eq(validate(c, "admin"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"reconnect.backoff.ms\" (10001) must not be "
                             "greater than \"reconnect.backoff.max.ms\" "
                             "(10000)");
    set_ok(c, "reconnect.backoff.ms", NULL);
    set_ok(c, "retry.backoff.ms", "1001");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"retry.backoff.ms\" (1001) must not be "
                             "greater than \"retry.backoff.max.ms\" (1000)");
    set_ok(c, "retry.backoff.max.ms", "1001");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_idempotence_needs_acks_all_five_in_flight_and_retries)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "enable.idempotence", "true");
    /* Defaults give way, as in librdkafka: finalize adjusts them. */
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    krafka_conf_t *f = krafka_conf_dup(c);
    kr_conf_finalize(f, "producer");
    ck_assert_int_eq(f->max_in_flight, 5);
    ck_assert_int_eq(f->acks, -1);
    krafka_conf_destroy(f);
    /* Values the application chose are refused. */
    set_ok(c, "max.in.flight", "6");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"enable.idempotence\" requires "
                             "\"max.in.flight.requests.per.connection\" <= "
                             "5, not 6");
    set_ok(c, "max.in.flight", "5");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    set_ok(c, "acks", "1");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"enable.idempotence\" requires \"acks\" to "
                             "be all (-1), not 1");
    set_ok(c, "acks", "all");
    set_ok(c, "retries", "0");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"enable.idempotence\" requires \"retries\" "
                             "> 0, not 0");
    /* Producer-only checks do not apply to other roles. */
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    set_ok(c, "enable.idempotence", "false");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_linger_must_be_less_than_message_timeout)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "linger.ms", "1000");
    set_ok(c, "message.timeout.ms", "1000");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"linger.ms\" (1000) must be less than "
                             "\"message.timeout.ms\" (1000)");
    set_ok(c, "delivery.timeout.ms", "0"); /* no timeout */
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    set_ok(c, "delivery.timeout.ms", "1001");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_heartbeat_must_be_less_than_session_timeout)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "heartbeat.interval.ms", "45000");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"heartbeat.interval.ms\" (45000) must be "
                             "less than \"session.timeout.ms\" (45000)");
    ck_assert_int_eq(validate(c, "producer"), KRAFKA_ERR_NONE);
    set_ok(c, "session.timeout.ms", "45001");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_consumer_does_not_require_a_group_id)
{
    krafka_conf_t *c = valid_conf();
    ck_assert_ptr_null(c->group_id);
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_fetch_max_bytes_must_fit_a_received_response)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "receive.message.max.bytes", "1000512");
    set_ok(c, "fetch.max.bytes", "1000000");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    set_ok(c, "fetch.max.bytes", "1000001");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_str_eq(errstr, "\"fetch.max.bytes\" (1000001) + 512 must not "
                             "be greater than \"receive.message.max.bytes\" "
                             "(1000512)");
    krafka_conf_destroy(c);
}
END_TEST

START_TEST(validate_rejects_mixing_cooperative_and_eager_assignors)
{
    krafka_conf_t *c = valid_conf();
    set_ok(c, "partition.assignment.strategy", "cooperative-sticky,range");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_nonnull(strstr(errstr, "partition.assignment.strategy"));
    set_ok(c, "partition.assignment.strategy", "cooperative-sticky");
    ck_assert_int_eq(validate(c, "consumer"), KRAFKA_ERR_NONE);
    krafka_conf_destroy(c);
}
END_TEST

/* Counts the unescaped '|' of one line. */
static int cell_bars(const char *line, size_t len)
{
    int bars = 0;
    for (size_t i = 0; i < len; i++)
        if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
            bars++;
    return bars;
}

START_TEST(doc_has_a_table_per_scope_a_row_per_property_and_no_secrets)
{
    struct kr_buf b;
    kr_buf_init(&b, 0);
    kr_conf_doc_markdown(&b);
    ck_assert_int_eq(b.err, KRAFKA_ERR_NONE);
    kr_buf_put_u8(&b, 0);
    const char *doc = (const char *)b.data;
    ck_assert_ptr_nonnull(strstr(doc, "generated from "
                                      "`src/client/conf_props.c` by "
                                      "`tools/gen_confdoc`"));
    const char *g = strstr(doc, "\n## Global properties\n");
    const char *p = strstr(doc, "\n## Producer properties\n");
    const char *k = strstr(doc, "\n## Consumer properties\n");
    ck_assert(g && p && k && g < p && p < k);
    for (size_t i = 0; i < kr_conf_prop_cnt(); i++) {
        char row[128];
        snprintf(row, sizeof row, "\n| `%s` |", kr_conf_prop_name(i));
        ck_assert_msg(strstr(doc, row), "no row for %s", row);
    }
    ck_assert_ptr_nonnull(strstr(doc, "\n| `linger.ms` | "
                                      "`queue.buffering.max.ms` | integer "
                                      "| 0..900000 | `5` |"));
    ck_assert_ptr_nonnull(strstr(doc, "\n| `sasl.password` |  | string "
                                      "(secret) |  |  | "));
    /* Every table line has exactly 7 cell separators. */
    for (const char *l = doc; *l; l = strchr(l, '\n') + 1) {
        size_t len = strcspn(l, "\n");
        if (*l == '|')
            ck_assert_int_eq(cell_bars(l, len), 7);
        if (!l[len])
            break;
    }
    kr_buf_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conf");
    TCase *tc = tcase_create("conf");
    tcase_add_test(tc, new_applies_the_documented_defaults);
    tcase_add_test(tc,
                   new_applies_the_documented_producer_and_consumer_defaults);
    tcase_add_test(tc, every_table_default_parses_and_prints_back);
    tcase_add_test(tc, unknown_property_is_an_error_naming_it);
    tcase_add_test(tc, every_alias_sets_the_same_field_as_its_main_name);
    tcase_add_test(tc, buffer_memory_is_queue_buffering_max_kbytes_in_bytes);
    tcase_add_test(tc, integer_range_edges_are_inclusive);
    tcase_add_test(tc,
                   integers_beyond_the_range_or_malformed_are_invalid_conf);
    tcase_add_test(tc,
                   invalid_integer_message_names_the_property_and_the_range);
    tcase_add_test(tc, long_bad_values_are_cut_in_the_message);
    tcase_add_test(tc, acks_all_is_minus_one);
    tcase_add_test(tc, booleans_are_true_false_1_or_0_in_any_case);
    tcase_add_test(
        tc, enums_parse_case_insensitively_and_print_their_canonical_name);
    tcase_add_test(tc, auto_offset_reset_takes_every_librdkafka_synonym);
    tcase_add_test(tc,
                   unknown_enum_value_is_invalid_conf_listing_the_choices);
    tcase_add_test(
        tc, partitioner_takes_exactly_the_names_kr_partitioner_parse_takes);
    tcase_add_test(tc, debug_list_sets_context_bits);
    tcase_add_test(tc, unknown_debug_context_is_an_error_naming_it);
    tcase_add_test(
        tc, assignment_strategy_checks_each_item_and_stores_canonical_names);
    tcase_add_test(tc, get_round_trips_set_for_each_type);
    tcase_add_test(tc, get_reports_the_size_and_rejects_a_too_small_buffer);
    tcase_add_test(tc, an_empty_string_unsets_a_string_property);
    tcase_add_test(tc, set_null_restores_the_default);
    tcase_add_test(tc, dup_copies_everything_and_owns_its_strings);
    tcase_add_test(tc, log_cb_and_opaque_can_be_reset);
    tcase_add_test(tc, null_arguments_are_handled);
    tcase_add_test(
        tc, validate_passes_the_defaults_plus_bootstrap_servers_for_each_role);
    tcase_add_test(tc, validate_requires_bootstrap_servers);
    tcase_add_test(
        tc, validate_sasl_needs_username_and_password_naming_the_protocol);
    tcase_add_test(tc, validate_backoffs_must_not_exceed_their_maximum);
    tcase_add_test(
        tc, validate_idempotence_needs_acks_all_five_in_flight_and_retries);
    tcase_add_test(tc, validate_linger_must_be_less_than_message_timeout);
    tcase_add_test(tc, validate_heartbeat_must_be_less_than_session_timeout);
    tcase_add_test(tc, validate_consumer_does_not_require_a_group_id);
    tcase_add_test(tc, validate_fetch_max_bytes_must_fit_a_received_response);
    tcase_add_test(tc, validate_rejects_mixing_cooperative_and_eager_assignors);
    tcase_add_test(
        tc, doc_has_a_table_per_scope_a_row_per_property_and_no_secrets);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
