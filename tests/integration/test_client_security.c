/*
 * Every listener of the harness's single broker through the admin handle:
 * PLAINTEXT, SSL, mTLS, SASL_PLAINTEXT and SASL_SSL with PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512, and the failures a user must see
 * quickly and clearly: wrong password, untrusted CA, wrong host name,
 * missing client certificate.
 */
#include <stdio.h>
#include <string.h>

#include "client_util.h"
#include "conformance.h"

static const char *const mechs[] = {"PLAIN", "SCRAM-SHA-256",
                                    "SCRAM-SHA-512"};

/* Metadata through @conf must succeed; takes @conf. */
static void expect_ok(krafka_conf_t *conf)
{
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    kc_metadata_ok(a, 15000);
    krafka_admin_destroy(a);
}

/* Metadata through @conf must fail with @want within @max_ms; returns the
 * message in @errstr. Takes @conf. */
static void expect_err(krafka_conf_t *conf, krafka_err_t want, int max_ms,
                       char *errstr, size_t n)
{
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    krafka_metadata_t *md = NULL;
    int64_t t0 = kc_now_ms();
    krafka_err_t err = krafka_admin_metadata(a, NULL, 10000, &md, errstr, n);
    int64_t took = kc_now_ms() - t0;
    ck_assert_msg(err == want, "got %s (%s), want %s", krafka_err2name(err),
                  errstr, krafka_err2name(want));
    ck_assert_msg(took <= max_ms, "took %lld ms", (long long)took);
    krafka_admin_destroy(a);
}

START_TEST(plaintext_listener_serves_metadata)
{
    expect_ok(kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL));
}
END_TEST

START_TEST(ssl_listener_with_the_harness_ca_serves_metadata)
{
    expect_ok(kc_conf(kc_env("KRAFKA_TEST_SSL_BOOTSTRAP"), "security.protocol",
                      "ssl", "ssl.ca.location", kc_env("KRAFKA_TEST_CA"),
                      NULL));
}
END_TEST

START_TEST(mtls_listener_accepts_the_client_certificate)
{
    expect_ok(kc_conf(kc_env("KRAFKA_TEST_MTLS_BOOTSTRAP"),
                      "security.protocol", "ssl", "ssl.ca.location",
                      kc_env("KRAFKA_TEST_CA"), "ssl.certificate.location",
                      kc_env("KRAFKA_TEST_CLIENT_CERT"), "ssl.key.location",
                      kc_env("KRAFKA_TEST_CLIENT_KEY"), NULL));
}
END_TEST

START_TEST(mtls_listener_accepts_an_encrypted_key_with_its_password)
{
    expect_ok(kc_conf(kc_env("KRAFKA_TEST_MTLS_BOOTSTRAP"),
                      "security.protocol", "ssl", "ssl.ca.location",
                      kc_env("KRAFKA_TEST_CA"), "ssl.certificate.location",
                      kc_env("KRAFKA_TEST_CLIENT_CERT"), "ssl.key.location",
                      kc_env("KRAFKA_TEST_CLIENT_KEY_ENCRYPTED"),
                      "ssl.key.password",
                      kc_env("KRAFKA_TEST_CLIENT_KEY_PASSWORD"), NULL));
}
END_TEST

START_TEST(sasl_plaintext_authenticates_with_each_mechanism)
{
    for (int i = 0; i < 3; i++)
        expect_ok(kc_conf(kc_env("KRAFKA_TEST_SASL_BOOTSTRAP"),
                          "security.protocol", "sasl_plaintext",
                          "sasl.mechanism", mechs[i], "sasl.username",
                          kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password",
                          kc_env("KRAFKA_TEST_SASL_PASSWORD"), NULL));
}
END_TEST

START_TEST(sasl_plain_over_plaintext_warns_once_and_never_logs_the_password)
{
    const char *pw = kc_env("KRAFKA_TEST_SASL_PASSWORD");
    for (int i = 0; i < 2; i++) { /* PLAIN warns; SCRAM does not */
        kc_log_clear();
        krafka_conf_t *conf = kc_conf(
            kc_env("KRAFKA_TEST_SASL_BOOTSTRAP"), "security.protocol",
            "sasl_plaintext", "sasl.mechanism", mechs[i], "sasl.username",
            kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password", pw, "debug",
            "security,broker,protocol", NULL);
        expect_ok(conf);
        struct kc_logline lines[8];
        int n = kc_log_find("sends the password unencrypted", lines, 8);
        ck_assert_msg(n == (i == 0 ? 1 : 0), "%s: %d warnings", mechs[i], n);
        /* no line, debug ones included, holds the password */
        ck_assert_int_eq(kc_log_find(pw, lines, 8), 0);
    }
}
END_TEST

START_TEST(sasl_ssl_authenticates_with_each_mechanism)
{
    for (int i = 0; i < 3; i++)
        expect_ok(kc_conf(kc_env("KRAFKA_TEST_SASL_SSL_BOOTSTRAP"),
                          "security.protocol", "sasl_ssl", "sasl.mechanism",
                          mechs[i], "sasl.username",
                          kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password",
                          kc_env("KRAFKA_TEST_SASL_PASSWORD"),
                          "ssl.ca.location", kc_env("KRAFKA_TEST_CA"), NULL));
}
END_TEST

START_TEST(wrong_password_is_an_authentication_error_within_two_seconds)
{
    const char *pw = "wrong-secret-4711";
    const char *listeners[] = {"KRAFKA_TEST_SASL_BOOTSTRAP",
                               "KRAFKA_TEST_SASL_SSL_BOOTSTRAP"};
    const char *protos[] = {"sasl_plaintext", "sasl_ssl"};
    for (int l = 0; l < 2; l++)
        for (int i = 0; i < 3; i++) {
            char errstr[512];
            kc_log_clear();
            expect_err(kc_conf(kc_env(listeners[l]), "security.protocol",
                               protos[l], "sasl.mechanism", mechs[i],
                               "sasl.username",
                               kc_env("KRAFKA_TEST_SASL_USER"),
                               "sasl.password", pw, "ssl.ca.location",
                               kc_env("KRAFKA_TEST_CA"), "debug", "all",
                               NULL),
                       KRAFKA_ERR_LOCAL_AUTHENTICATION, 2000, errstr,
                       sizeof errstr);
            ck_assert_msg(strstr(errstr, mechs[i]), "%s", errstr);
            ck_assert_msg(!strstr(errstr, pw), "password in: %s", errstr);
            ck_assert_msg(kc_log_lacks(pw), "the password was logged");
        }
}
END_TEST

START_TEST(untrusted_ca_is_a_tls_error_naming_the_verification)
{
    char errstr[512];
    expect_err(kc_conf(kc_env("KRAFKA_TEST_SSL_BOOTSTRAP"),
                       "security.protocol", "ssl", "ssl.ca.location",
                       kc_env("KRAFKA_TEST_UNTRUSTED_CA"), NULL),
               KRAFKA_ERR_LOCAL_SSL, 2000, errstr, sizeof errstr);
    ck_assert_msg(strstr(errstr, "certificate verify failed"), "%s", errstr);
}
END_TEST

START_TEST(wrong_hostname_is_a_tls_error)
{
    /* The broker's certificate names 127.0.0.1 and localhost; the same
     * listener reached as the IPv4-mapped IPv6 address is another name. */
    const char *boot = kc_env("KRAFKA_TEST_SSL_BOOTSTRAP");
    const char *port = strrchr(boot, ':');
    char mapped[64];
    snprintf(mapped, sizeof mapped, "[::ffff:127.0.0.1]%s", port);
    char errstr[512];
    expect_err(kc_conf(mapped, "security.protocol", "ssl", "ssl.ca.location",
                       kc_env("KRAFKA_TEST_CA"), NULL),
               KRAFKA_ERR_LOCAL_SSL, 2000, errstr, sizeof errstr);
    ck_assert_msg(strstr(errstr, "hostname mismatch"), "%s", errstr);
    /* Turning identification off explicitly lets it through. */
    expect_ok(kc_conf(mapped, "security.protocol", "ssl", "ssl.ca.location",
                      kc_env("KRAFKA_TEST_CA"),
                      "ssl.endpoint.identification.algorithm", "none",
                      NULL));
}
END_TEST

START_TEST(mtls_without_client_certificate_is_refused_clearly)
{
    char errstr[512];
    expect_err(kc_conf(kc_env("KRAFKA_TEST_MTLS_BOOTSTRAP"),
                       "security.protocol", "ssl", "ssl.ca.location",
                       kc_env("KRAFKA_TEST_CA"), NULL),
               KRAFKA_ERR_LOCAL_SSL, 2000, errstr, sizeof errstr);
    ck_assert_msg(strstr(errstr, "requires a client certificate"), "%s",
                  errstr);
}
END_TEST

START_TEST(sasl_client_on_plaintext_listener_fails_within_the_timeout)
{
    /* A misconfiguration that is not an authentication error: the broker
     * closes the connection on the SaslHandshake it did not expect. */
    krafka_conf_t *conf = kc_conf(
        kc_env("KRAFKA_TEST_BOOTSTRAP"), "security.protocol",
        "sasl_plaintext", "sasl.username", "u", "sasl.password", "p", NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    krafka_metadata_t *md = NULL;
    char errstr[512];
    int64_t t0 = kc_now_ms();
    krafka_err_t err =
        krafka_admin_metadata(a, NULL, 2000, &md, errstr, sizeof errstr);
    ck_assert_int_ne(err, KRAFKA_ERR_NONE);
    ck_assert_int_le(kc_now_ms() - t0, 2100);
    krafka_admin_destroy(a);
}
END_TEST

/* Everything a stats callback got, for the secrets test. */
static char stats_seen[1 << 16];
static void stats_keep(const krafka_metrics_t *m, const char *json,
                       size_t len, void *opaque)
{
    (void)m;
    (void)opaque;
    size_t have = strlen(stats_seen);
    if (have + len + 1 < sizeof stats_seen) {
        memcpy(stats_seen + have, json, len);
        stats_seen[have + len] = 0;
    }
}

/* Fails when @text contains any of the @n secrets. */
static void assert_no_secret(const char *what, const char *text,
                             const char *const *secrets, int n)
{
    for (int i = 0; i < n; i++)
        ck_assert_msg(!strstr(text, secrets[i]), "secret %d in %s", i, what);
}

/* The metrics of @m in both formats hold none of the secrets. */
static void metrics_lack(krafka_metrics_t *m, const char *const *secrets,
                         int n)
{
    char *out = NULL;
    ck_assert_int_eq(krafka_metrics_prometheus(m, &out, NULL), 0);
    assert_no_secret("prometheus", out, secrets, n);
    krafka_metrics_free(out);
    ck_assert_int_eq(krafka_metrics_json(m, &out, NULL), 0);
    assert_no_secret("json", out, secrets, n);
    krafka_metrics_free(out);
}

START_TEST(no_secret_appears_in_logs_errors_metrics_or_statistics)
{
    const char *pw = kc_env("KRAFKA_TEST_SASL_PASSWORD");
    const char *key_pw = kc_env("KRAFKA_TEST_CLIENT_KEY_PASSWORD");
    const char *wrong_key_pw = "wrong-key-secret-4713";
    const char *const secrets[] = {pw, key_pw, wrong_key_pw};
    char errstr[512], topic[128];
    kc_new_topic(kc_env("KRAFKA_TEST_BOOTSTRAP"), topic, sizeof topic,
                 "secrets", 1, 1);
    kc_log_clear();
    /* A producer that authenticates with each mechanism over SASL_SSL,
     * with a client key behind a password, every debug context on, and
     * statistics every 100 ms. */
    for (int i = 0; i < 3; i++) {
        stats_seen[0] = 0;
        krafka_conf_t *conf = kc_conf(
            kc_env("KRAFKA_TEST_SASL_SSL_BOOTSTRAP"), "security.protocol",
            "sasl_ssl", "sasl.mechanism", mechs[i], "sasl.username",
            kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password", pw,
            "ssl.ca.location", kc_env("KRAFKA_TEST_CA"),
            "ssl.certificate.location", kc_env("KRAFKA_TEST_CLIENT_CERT"),
            "ssl.key.location", kc_env("KRAFKA_TEST_CLIENT_KEY_ENCRYPTED"),
            "ssl.key.password", key_pw, "debug", "all",
            "statistics.interval.ms", "100", NULL);
        krafka_conf_set_stats_cb(conf, stats_keep);
        krafka_producer_t *p = NULL;
        ck_assert_int_eq(
            krafka_producer_new(&p, conf, errstr, sizeof errstr), 0);
        krafka_conf_destroy(conf);
        krafka_msg_t msg = {.topic = topic, .partition = 0, .value = "v",
                             .value_len = 1};
        ck_assert_int_eq(krafka_producer_send(p, &msg, NULL), 0);
        ck_assert_int_eq(krafka_producer_flush(p, 10000), 0);
        int64_t end = kc_now_ms() + 1500;
        while (kc_now_ms() < end)
            krafka_producer_poll(p, 100);
        ck_assert_msg(stats_seen[0], "%s: no statistics", mechs[i]);
        assert_no_secret("statistics", stats_seen, secrets, 3);
        metrics_lack(krafka_producer_metrics(p), secrets, 3);
        krafka_producer_destroy(p);
    }
    kc_drop_topic(kc_env("KRAFKA_TEST_BOOTSTRAP"), topic);
    /* The same key with a wrong password: the error names the problem,
     * not the password. */
    krafka_conf_t *conf = kc_conf(
        kc_env("KRAFKA_TEST_MTLS_BOOTSTRAP"), "security.protocol", "ssl",
        "ssl.ca.location", kc_env("KRAFKA_TEST_CA"),
        "ssl.certificate.location", kc_env("KRAFKA_TEST_CLIENT_CERT"),
        "ssl.key.location", kc_env("KRAFKA_TEST_CLIENT_KEY_ENCRYPTED"),
        "ssl.key.password", wrong_key_pw, "debug", "all", NULL);
    krafka_admin_t *a = NULL;
    krafka_err_t err = krafka_admin_new(&a, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (!err) {
        krafka_metadata_t *md = NULL;
        err = krafka_admin_metadata(a, NULL, 3000, &md, errstr,
                                    sizeof errstr);
        krafka_metadata_destroy(md);
        metrics_lack(krafka_admin_metrics(a), secrets, 3);
        krafka_admin_destroy(a);
    }
    ck_assert_msg(err != KRAFKA_ERR_NONE, "a wrong key password worked");
    assert_no_secret("error string", errstr, secrets, 3);
    /* A rejected value of a secret property is not echoed either. */
    conf = krafka_conf_new();
    err = krafka_conf_set(conf, "ssl.key.password", NULL, errstr,
                          sizeof errstr);
    (void)err;
    krafka_conf_destroy(conf);
    for (int i = 0; i < 3; i++)
        ck_assert_msg(kc_log_lacks(secrets[i]), "secret %d was logged", i);
    struct kc_logline lines[4];
    ck_assert_msg(kc_log_find(NULL, lines, 4) > 0, "no log lines captured");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_security");
    TCase *tc = tcase_create("listeners");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, plaintext_listener_serves_metadata);
    tcase_add_test(tc, ssl_listener_with_the_harness_ca_serves_metadata);
    tcase_add_test(tc, mtls_listener_accepts_the_client_certificate);
    tcase_add_test(tc, mtls_listener_accepts_an_encrypted_key_with_its_password);
    tcase_add_test(tc, sasl_plaintext_authenticates_with_each_mechanism);
    tcase_add_test(tc, sasl_plain_over_plaintext_warns_once_and_never_logs_the_password);
    tcase_add_test(tc, sasl_ssl_authenticates_with_each_mechanism);
    tcase_add_test(tc, wrong_password_is_an_authentication_error_within_two_seconds);
    tcase_add_test(tc, untrusted_ca_is_a_tls_error_naming_the_verification);
    tcase_add_test(tc, wrong_hostname_is_a_tls_error);
    tcase_add_test(tc, mtls_without_client_certificate_is_refused_clearly);
    tcase_add_test(tc, sasl_client_on_plaintext_listener_fails_within_the_timeout);
    tcase_add_test(tc, no_secret_appears_in_logs_errors_metrics_or_statistics);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
