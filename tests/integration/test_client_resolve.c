/*
 * Bootstrap entries that do not work, against the real broker of
 * KRAFKA_TEST_BOOTSTRAP: a host name that does not resolve is reported
 * with its name and retried with backoff, without stopping the other
 * bootstrap entries; a broker that takes the connection and never answers
 * does not hold the next entry back for the whole setup timeout.
 * "nonexistent.invalid" never resolves (RFC 2606 reserves .invalid).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client/client.h"
#include "client_util.h"
#include "kt_check.h"

#define BAD_HOST "nonexistent.invalid:9092"

START_TEST(unresolvable_bootstrap_reports_resolve_error_and_keeps_retrying)
{
    krafka_conf_t *conf = kc_conf(BAD_HOST, "debug", "broker",
                                  "reconnect.backoff.ms", "100",
                                  "reconnect.backoff.max.ms", "1000", NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);

    /* A metadata call fails at its timeout, naming the failure. */
    krafka_metadata_t *md = NULL;
    char errstr[512];
    int64_t t0 = kc_now_ms();
    krafka_err_t err = krafka_admin_metadata(a, NULL, 3000, &md, errstr,
                                             sizeof errstr);
    int64_t took = kc_now_ms() - t0;
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_ptr_null(md);
    ck_assert_int_le(took, 3100); /* within its timeout */
    ck_assert_msg(strstr(errstr, "failed to resolve " BAD_HOST ": "), "%s",
                  errstr);

    /* The log callback got it as a warning, once, with the host name. */
    struct kc_logline l[64];
    int n = kc_log_find("failed to resolve " BAD_HOST ": ", l, 64);
    int warnings = 0;
    for (int i = 0; i < n; i++)
        if (l[i].level <= KRAFKA_LOG_WARNING) {
            warnings++;
            ck_assert_str_eq(l[i].fac, "FAIL");
        }
    ck_assert_int_eq(warnings, 1);

    /* Attempts kept coming, 100 ms apart, then 200, 400, 800 (+-20%). */
    n = kc_log_find("connecting", l, 64);
    ck_assert_int_ge(n, 4);
    for (int k = 1; k < n && k < 5; k++) {
        int64_t gap_ms = (l[k].at_us - l[k - 1].at_us) / 1000;
        int base = 100 << (k - 1);
        ck_assert_msg(gap_ms >= base * 4 / 5 - 5,
                      "attempt %d came %lld ms after the previous one, "
                      "expected about %d",
                      k + 1, (long long)gap_ms, base);
    }
    struct kc_logline b[64];
    int nb = kc_log_find("retrying in", b, 64);
    ck_assert_int_ge(nb, 4);
    for (int i = 0; i < nb; i++)
        ck_assert_msg(strstr(b[i].msg, "failed to resolve " BAD_HOST),
                      "%s", b[i].msg);

    /* The connection's error code, read once its thread is stopped. */
    struct kr_client *c = kr_admin_client(a);
    kr_client_stop(c);
    ck_assert_int_eq(c->last_err, KRAFKA_ERR_LOCAL_RESOLVE);

    t0 = kc_now_ms();
    krafka_admin_destroy(a);
    ck_assert_int_lt(kc_now_ms() - t0, 1000);
}
END_TEST

START_TEST(unresolvable_bootstrap_entry_does_not_stop_the_others)
{
    enum { N = 10 };
    const char *real = kc_env("KRAFKA_TEST_BOOTSTRAP");
    char boot[512], topic[128], errstr[512];
    snprintf(boot, sizeof boot, "%s,%s", BAD_HOST, real);
    kc_new_topic(real, topic, sizeof topic, "resolve-others", 1, 1);

    krafka_conf_t *conf = kc_conf(boot, NULL);
    krafka_producer_t *p = NULL;
    ck_assert_int_eq(krafka_producer_new(&p, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    for (int i = 0; i < N; i++) {
        char v[32];
        int len = snprintf(v, sizeof v, "r%d", i);
        krafka_msg_t m = {.topic = topic, .partition = 0, .value = v,
                          .value_len = (size_t)len};
        ck_assert_int_eq(krafka_producer_send_sync(p, &m, 20000, NULL),
                         KRAFKA_ERR_NONE);
    }
    krafka_producer_destroy(p);

    conf = kc_conf(boot, "auto.offset.reset", "earliest", NULL);
    krafka_consumer_t *cs = NULL;
    ck_assert_int_eq(krafka_consumer_new(&cs, conf, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    krafka_tp_list_t *tl = krafka_tp_list_new(1);
    krafka_tp_list_add(tl, topic, 0)->offset = KRAFKA_OFFSET_BEGINNING;
    ck_assert_int_eq(krafka_consumer_assign(cs, tl), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(tl);
    int got = 0;
    for (int64_t until = kc_now_ms() + 20000;
         got < N && kc_now_ms() < until;) {
        krafka_record_t *r = krafka_consumer_poll(cs, 100);
        if (!r)
            continue;
        if (r->err == KRAFKA_ERR_NONE) {
            char want[32];
            int len = snprintf(want, sizeof want, "r%d", got);
            ck_assert_int_eq((int)r->value_len, len);
            ck_assert(memcmp(r->value, want, (size_t)len) == 0);
            got++;
        }
        krafka_record_destroy(r);
    }
    ck_assert_int_eq(got, N);
    krafka_consumer_destroy(cs);
    kc_drop_topic(real, topic);
}
END_TEST

/* A listener on 127.0.0.1 whose connections the kernel completes (its
 * backlog) and nobody reads: a broker that hangs. Returns the socket and
 * writes "127.0.0.1:PORT" to @addr. */
static int mute_listener(char *addr, size_t n)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(fd, 16), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(addr, n, "127.0.0.1:%d", ntohs(sa.sin_port));
    return fd;
}

/* Both orders of the list: whichever entry the client tries first, the
 * metadata comes from the real broker in a few seconds, not after
 * socket.connection.setup.timeout.ms (30 s) of waiting on the mute one. */
START_TEST(hanging_bootstrap_entry_does_not_hold_back_the_next)
{
    const char *real = kc_env("KRAFKA_TEST_BOOTSTRAP");
    char mute[64], boot[512], errstr[512];
    int fd = mute_listener(mute, sizeof mute);
    for (int order = 0; order < 2; order++) {
        snprintf(boot, sizeof boot, "%s,%s", order ? real : mute,
                 order ? mute : real);
        krafka_conf_t *conf =
            kc_conf(boot, "socket.connection.setup.timeout.ms", "30000",
                    NULL);
        krafka_admin_t *a = kc_admin(conf);
        krafka_conf_destroy(conf);
        krafka_metadata_t *md = NULL;
        int64_t t0 = kc_now_ms();
        krafka_err_t err = krafka_admin_metadata(a, NULL, 10000, &md, errstr,
                                                 sizeof errstr);
        int64_t took = kc_now_ms() - t0;
        ck_assert_msg(err == KRAFKA_ERR_NONE, "%s: %s", boot, errstr);
        ck_assert_int_ge(md->broker_cnt, 1);
        ck_assert_msg(took < 5000, "%s: metadata took %lld ms", boot,
                      (long long)took);
        krafka_metadata_destroy(md);
        krafka_admin_destroy(a);
    }
    close(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_resolve");
    TCase *tc = tcase_create("resolve");
    tcase_set_timeout(tc, 120);
    tcase_add_test(
        tc, unresolvable_bootstrap_reports_resolve_error_and_keeps_retrying);
    tcase_add_test(tc, unresolvable_bootstrap_entry_does_not_stop_the_others);
    tcase_add_test(tc, hanging_bootstrap_entry_does_not_hold_back_the_next);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
