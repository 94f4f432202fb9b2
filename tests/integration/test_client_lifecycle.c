/*
 * Creating and destroying clients many times leaks nothing: run under ASan
 * (scripts/test does) its leak check fails the test at exit, and file
 * descriptors are counted here.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"
#include "conformance.h"

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int cycles(void)
{
    const char *s = getenv("KC_CYCLES");
    return s ? (int)strtol(s, NULL, 10) : 1000;
}

START_TEST(thousand_connected_admin_cycles_leak_nothing)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    int before = open_fds();
    for (int i = 0; i < cycles(); i++) {
        krafka_admin_t *a = kc_admin(conf);
        kc_metadata_ok(a, 10000);
        krafka_admin_destroy(a);
    }
    ck_assert_int_eq(open_fds(), before);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(thousand_idle_admin_cycles_leak_nothing)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"), NULL);
    int before = open_fds();
    for (int i = 0; i < cycles(); i++) {
        krafka_admin_t *a = kc_admin(conf);
        krafka_admin_destroy(a);
    }
    ck_assert_int_eq(open_fds(), before);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(hundred_sasl_ssl_scram_cycles_leak_nothing)
{
    krafka_conf_t *conf = kc_conf(
        kc_env("KRAFKA_TEST_SASL_SSL_BOOTSTRAP"), "security.protocol",
        "sasl_ssl", "sasl.mechanism", "SCRAM-SHA-512", "sasl.username",
        kc_env("KRAFKA_TEST_SASL_USER"), "sasl.password",
        kc_env("KRAFKA_TEST_SASL_PASSWORD"), "ssl.ca.location",
        kc_env("KRAFKA_TEST_CA"), NULL);
    int before = open_fds();
    for (int i = 0; i < cycles() / 10; i++) {
        krafka_admin_t *a = kc_admin(conf);
        kc_metadata_ok(a, 10000);
        krafka_admin_destroy(a);
    }
    ck_assert_int_eq(open_fds(), before);
    krafka_conf_destroy(conf);
}
END_TEST

START_TEST(destroy_while_connecting_to_a_dead_address_is_clean)
{
    krafka_conf_t *conf = kc_conf("127.0.0.1:1", NULL);
    int before = open_fds();
    for (int i = 0; i < cycles() / 10; i++) {
        krafka_admin_t *a = kc_admin(conf);
        krafka_metadata_t *md = NULL;
        char errstr[256];
        ck_assert_int_eq(krafka_admin_metadata(a, NULL, 20, &md, errstr,
                                               sizeof errstr),
                         KRAFKA_ERR_LOCAL_TIMED_OUT);
        krafka_admin_destroy(a);
    }
    ck_assert_int_eq(open_fds(), before);
    krafka_conf_destroy(conf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_lifecycle");
    TCase *tc = tcase_create("cycles");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, thousand_connected_admin_cycles_leak_nothing);
    tcase_add_test(tc, thousand_idle_admin_cycles_leak_nothing);
    tcase_add_test(tc, hundred_sasl_ssl_scram_cycles_leak_nothing);
    tcase_add_test(tc, destroy_while_connecting_to_a_dead_address_is_clean);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
