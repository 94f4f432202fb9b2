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

/* Threads of this process (/proc/self/task). */
static int threads(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
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

/* 100 producers and consumers alive at once, each connected and having
 * done real work (a record produced and consumed back), then all
 * destroyed: every descriptor and thread is gone again (and ASan's leak
 * check, in the ASan pass, finds no memory). */
START_TEST(hundred_clients_at_once_leave_no_fd_or_thread_behind)
{
    enum { N = 50 }; /* 50 producers + 50 consumers */
    const char *boot = kc_env("KRAFKA_TEST_BOOTSTRAP");
    char topic[128];
    kc_new_topic(boot, topic, sizeof topic, "lc-hundred", 1, 1);
    int fds0 = open_fds(), thr0 = threads();
    krafka_producer_t *ps[N];
    krafka_consumer_t *cs[N];
    char errstr[512];
    for (int i = 0; i < N; i++) {
        krafka_conf_t *conf = kc_conf(boot, NULL);
        ck_assert_int_eq(krafka_producer_new(&ps[i], conf, errstr,
                                             sizeof errstr),
                         KRAFKA_ERR_NONE);
        krafka_conf_destroy(conf);
        char v[32];
        int n = snprintf(v, sizeof v, "r%d", i);
        krafka_msg_t m = {.topic = topic, .partition = 0, .value = v,
                          .value_len = (size_t)n};
        ck_assert_int_eq(krafka_producer_send_sync(ps[i], &m, 20000, NULL),
                         KRAFKA_ERR_NONE);
    }
    for (int i = 0; i < N; i++) {
        krafka_conf_t *conf = kc_conf(boot, "auto.offset.reset", "earliest",
                                      NULL);
        ck_assert_int_eq(krafka_consumer_new(&cs[i], conf, errstr,
                                             sizeof errstr),
                         KRAFKA_ERR_NONE);
        krafka_conf_destroy(conf);
        krafka_tp_list_t *l = krafka_tp_list_new(1);
        krafka_tp_list_add(l, topic, 0)->offset = KRAFKA_OFFSET_BEGINNING;
        ck_assert_int_eq(krafka_consumer_assign(cs[i], l), KRAFKA_ERR_NONE);
        krafka_tp_list_destroy(l);
    }
    for (int i = 0; i < N; i++) { /* each reads a record back */
        krafka_record_t *r = NULL;
        for (int64_t until = kc_now_ms() + 20000;
             !r && kc_now_ms() < until;) {
            r = krafka_consumer_poll(cs[i], 100);
            if (r && r->err) {
                krafka_record_destroy(r);
                r = NULL;
            }
        }
        ck_assert_msg(r != NULL, "consumer %d read nothing", i);
        krafka_record_destroy(r);
    }
    int fds_busy = open_fds(), thr_busy = threads();
    ck_assert_int_ge(thr_busy, thr0 + 2 * N); /* one I/O thread each */
    for (int i = 0; i < N; i++) {
        krafka_producer_destroy(ps[i]);
        krafka_consumer_destroy(cs[i]);
    }
    fprintf(stderr, "%d clients: %d -> %d fds, %d -> %d threads, back to "
            "%d fds, %d threads\n", 2 * N, fds0, fds_busy, thr0, thr_busy,
            open_fds(), threads());
    ck_assert_int_eq(open_fds(), fds0);
    ck_assert_int_eq(threads(), thr0);
    kc_drop_topic(boot, topic);
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
    tcase_add_test(tc, hundred_clients_at_once_leave_no_fd_or_thread_behind);
    tcase_add_test(tc, hundred_sasl_ssl_scram_cycles_leak_nothing);
    tcase_add_test(tc, destroy_while_connecting_to_a_dead_address_is_clean);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
