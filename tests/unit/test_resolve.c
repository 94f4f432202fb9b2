/*
 * Host-name resolution off the I/O thread (src/net/resolve.c): the
 * resolver alone on a loop driven by the test thread, then whole clients
 * whose resolve function (client->resolver.fn, the internal test hook) is
 * replaced by hook() below, against the fake broker of fake_broker.h.
 *
 * hook() resolves every name to 127.0.0.1, except "slow.test" (sleeps
 * slow_ms first), "gated.test" (waits until the test opens the gate) and
 * "nonexistent.invalid" (EAI_NONAME). A test whose lookups outlive the
 * client waits for them to return before it ends, so no lookup thread is
 * left running when the (forked) test process exits.
 */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "fake_broker.h"
#include "kt_check.h"
#include "net/loop.h"
#include "net/resolve.h"
#include "protocol/apis.h"
#include "util/time.h"

/* ---- the injected resolve function ---- */

#define HOOK_TIMES 64

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool gate_open;               /* guarded by lock */
    int calls;                    /* guarded by lock */
    int64_t at_ms[HOOK_TIMES];    /* guarded by lock: call times */
    atomic_int running, max_running, returned;
    atomic_int slow_started, slow_returned;
    int slow_ms;                  /* set before any lookup */
} hk;

static void hook_setup(void)
{
    memset(&hk, 0, sizeof hk);
    pthread_mutex_init(&hk.lock, NULL);
    pthread_cond_init(&hk.cond, NULL);
    hk.slow_ms = 3000;
    logs_setup();
}

static void sleep_ms(int ms)
{
    usleep((useconds_t)ms * 1000);
}

static int hook(const char *node, const char *service,
                const struct addrinfo *hints, struct addrinfo **res)
{
    pthread_mutex_lock(&hk.lock);
    if (hk.calls < HOOK_TIMES)
        hk.at_ms[hk.calls] = now_ms();
    hk.calls++;
    pthread_mutex_unlock(&hk.lock);
    int n = atomic_fetch_add(&hk.running, 1) + 1;
    for (int m = atomic_load(&hk.max_running); n > m;)
        if (atomic_compare_exchange_weak(&hk.max_running, &m, n))
            break;
    int rc;
    if (strcmp(node, "slow.test") == 0) {
        atomic_fetch_add(&hk.slow_started, 1);
        sleep_ms(hk.slow_ms);
    } else if (strcmp(node, "gated.test") == 0) {
        pthread_mutex_lock(&hk.lock);
        while (!hk.gate_open)
            pthread_cond_wait(&hk.cond, &hk.lock);
        pthread_mutex_unlock(&hk.lock);
    }
    if (strcmp(node, "nonexistent.invalid") == 0)
        rc = EAI_NONAME;
    else
        rc = getaddrinfo("127.0.0.1", service, hints, res);
    atomic_fetch_sub(&hk.running, 1);
    if (strcmp(node, "slow.test") == 0)
        atomic_fetch_add(&hk.slow_returned, 1);
    atomic_fetch_add(&hk.returned, 1);
    return rc;
}

static void gate_open(void)
{
    pthread_mutex_lock(&hk.lock);
    hk.gate_open = true;
    pthread_cond_broadcast(&hk.cond);
    pthread_mutex_unlock(&hk.lock);
}

static int hook_calls(void)
{
    pthread_mutex_lock(&hk.lock);
    int n = hk.calls;
    pthread_mutex_unlock(&hk.lock);
    return n;
}

/* Waits until *@v >= @n; false after @timeout_ms. */
static bool wait_atomic(atomic_int *v, int n, int timeout_ms)
{
    for (int waited = 0; atomic_load(v) < n && waited < timeout_ms;
         waited += 5)
        sleep_ms(5);
    return atomic_load(v) >= n;
}

/* Every lookup thread has returned from hook() and had a moment to free
 * its job: nothing is left for the leak checker at exit. */
static void lookups_drain(int expect_returned)
{
    ck_assert(wait_atomic(&hk.returned, expect_returned, 10000));
    sleep_ms(200);
}

/* ---- the resolver alone, on a loop the test thread runs ---- */

struct got {
    int calls;
    int rc;
    struct addrinfo *ai; /* owned */
    char errstr[160];
};

static void got_cb(struct kr_lookup *lk, int rc, struct addrinfo *ai,
                   const char *errstr)
{
    struct got *g = lk->arg;
    g->calls++;
    g->rc = rc;
    g->ai = ai;
    snprintf(g->errstr, sizeof g->errstr, "%s", errstr);
}

static void poll_on_wake(struct kr_loop *l, void *arg)
{
    (void)l;
    kr_resolver_poll(arg);
}

struct bench {
    struct kr_loop *loop; /* owned, heap: ASan sees any use after free */
    struct kr_resolver r;
};

static void bench_init(struct bench *b)
{
    b->loop = calloc(1, sizeof *b->loop);
    ck_assert_ptr_nonnull(b->loop);
    ck_assert_int_eq(kr_loop_init(b->loop), 0);
    kr_resolver_init(&b->r, b->loop);
    b->r.fn = hook;
    b->loop->on_wake = poll_on_wake;
    b->loop->wake_arg = &b->r;
}

static void bench_destroy(struct bench *b)
{
    kr_resolver_destroy(&b->r);
    kr_loop_destroy(b->loop);
    free(b->loop);
    b->loop = NULL;
}

/* Runs the loop until every one of @g[0..@n) was called; false after
 * @timeout_ms. */
static bool run_until_done(struct bench *b, struct got *g, int n,
                           int timeout_ms)
{
    int64_t until = now_ms() + timeout_ms;
    for (;;) {
        int done = 0;
        for (int i = 0; i < n; i++)
            done += g[i].calls > 0;
        if (done == n)
            return true;
        if (now_ms() >= until)
            return false;
        ck_assert_int_ge(kr_loop_run_once(b->loop, 50), 0);
    }
}

START_TEST(lookup_success_delivers_the_addresses_through_the_loop_wakeup)
{
    struct bench b;
    bench_init(&b);
    struct got g = {0};
    struct kr_lookup lk;
    kr_lookup_init(&lk, got_cb, &g);
    ck_assert_int_eq(kr_resolver_start(&b.r, &lk, "fast.test", 9092,
                                       AF_INET),
                     0);
    /* Never called back from start: the I/O thread carries on first. */
    ck_assert_int_eq(g.calls, 0);
    ck_assert(kr_lookup_busy(&lk));
    ck_assert(run_until_done(&b, &g, 1, 5000));
    ck_assert_int_eq(g.calls, 1);
    ck_assert_int_eq(g.rc, 0);
    ck_assert(!kr_lookup_busy(&lk));
    ck_assert_ptr_nonnull(g.ai);
    ck_assert_int_eq(g.ai->ai_family, AF_INET);
    const struct sockaddr_in *sa = (const void *)g.ai->ai_addr;
    ck_assert_int_eq(ntohs(sa->sin_port), 9092);
    ck_assert_uint_eq(ntohl(sa->sin_addr.s_addr), INADDR_LOOPBACK);
    freeaddrinfo(g.ai);
    bench_destroy(&b);
    lookups_drain(1);
}
END_TEST

START_TEST(lookup_failure_delivers_the_eai_code_and_its_message)
{
    struct bench b;
    bench_init(&b);
    struct got g = {0};
    struct kr_lookup lk;
    kr_lookup_init(&lk, got_cb, &g);
    ck_assert_int_eq(kr_resolver_start(&b.r, &lk, "nonexistent.invalid",
                                       9092, AF_UNSPEC),
                     0);
    ck_assert(run_until_done(&b, &g, 1, 5000));
    ck_assert_int_eq(g.rc, EAI_NONAME);
    ck_assert_ptr_null(g.ai);
    ck_assert_str_eq(g.errstr, gai_strerror(EAI_NONAME));
    bench_destroy(&b);
    lookups_drain(1);
}
END_TEST

#define CAP_LOOKUPS (KR_RESOLVE_MAX_INFLIGHT + 4)

START_TEST(lookups_beyond_the_cap_wait_for_a_free_slot)
{
    struct bench b;
    bench_init(&b);
    struct got g[CAP_LOOKUPS] = {{0}};
    struct kr_lookup lk[CAP_LOOKUPS];
    for (int i = 0; i < CAP_LOOKUPS; i++) {
        kr_lookup_init(&lk[i], got_cb, &g[i]);
        ck_assert_int_eq(kr_resolver_start(&b.r, &lk[i], "gated.test",
                                           9092 + i, AF_INET),
                         0);
        ck_assert(kr_lookup_busy(&lk[i]));
    }
    ck_assert(wait_atomic(&hk.running, KR_RESOLVE_MAX_INFLIGHT, 5000));
    sleep_ms(100);
    ck_assert_int_eq(atomic_load(&hk.running), KR_RESOLVE_MAX_INFLIGHT);
    ck_assert_int_eq(hook_calls(), KR_RESOLVE_MAX_INFLIGHT);
    gate_open();
    ck_assert(run_until_done(&b, g, CAP_LOOKUPS, 5000));
    ck_assert_int_eq(atomic_load(&hk.max_running), KR_RESOLVE_MAX_INFLIGHT);
    for (int i = 0; i < CAP_LOOKUPS; i++) {
        ck_assert_int_eq(g[i].calls, 1);
        ck_assert_int_eq(g[i].rc, 0);
        const struct sockaddr_in *sa = (const void *)g[i].ai->ai_addr;
        ck_assert_int_eq(ntohs(sa->sin_port), 9092 + i);
        freeaddrinfo(g[i].ai);
    }
    bench_destroy(&b);
    lookups_drain(CAP_LOOKUPS);
}
END_TEST

START_TEST(abandoned_lookups_free_themselves_when_they_finish)
{
    struct bench b;
    bench_init(&b);
    struct got g[3] = {{0}};
    struct kr_lookup lk[3];
    for (int i = 0; i < 3; i++) {
        kr_lookup_init(&lk[i], got_cb, &g[i]);
        ck_assert_int_eq(kr_resolver_start(&b.r, &lk[i], "gated.test", 9092,
                                           AF_INET),
                         0);
    }
    ck_assert(wait_atomic(&hk.running, 3, 5000));
    /* One cancelled by its owner, the others by destroying the resolver
     * and freeing the loop while they are stuck. */
    kr_resolver_cancel(&b.r, &lk[0]);
    ck_assert(!kr_lookup_busy(&lk[0]));
    int64_t t0 = now_ms();
    bench_destroy(&b);
    ck_assert_int_le(now_ms() - t0, 100);
    gate_open();
    lookups_drain(3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(g[i].calls, 0);
}
END_TEST

/* ---- whole clients ---- */

/* A started client on @bootstrap with hook() as its resolve function. */
static struct kr_client *client_new(const char *bootstrap,
                                    const char *const *props)
{
    krafka_conf_t *conf = conf_new(1, props);
    char errstr[512];
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers", bootstrap,
                                     errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    struct kr_client *c = NULL;
    ck_assert_msg(kr_client_create(&c, conf, "admin", errstr,
                                   sizeof errstr) == KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    c->resolver.fn = hook; /* before the I/O thread exists */
    ck_assert_int_eq(kr_client_start(c, errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    return c;
}

/* A Metadata request for every topic to @broker (a node id, a bootstrap
 * id or KR_BROKER_ANY); its outcome, message and duration. */
static krafka_err_t call_metadata(struct kr_client *c, int32_t broker,
                                  int timeout_ms, char *errstr, size_t n,
                                  int64_t *elapsed_ms)
{
    static const struct kr_MetadataRequest msg = {.TopicsCnt = -1};
    struct kr_call *call = kr_call_new(sizeof *call);
    ck_assert_ptr_nonnull(call);
    call->req = (struct kr_req){.api = &kr_api_Metadata, .msg = &msg,
                                .min_ver = 1, .broker_id = broker};
    int64_t t0 = now_ms();
    krafka_err_t err = kr_call_run(c, call, timeout_ms, errstr, n);
    if (elapsed_ms)
        *elapsed_ms = now_ms() - t0;
    kr_call_release(call);
    return err;
}

struct bg_call {
    struct kr_client *c;
    int32_t broker;
    int timeout_ms;
    krafka_err_t err;
    char errstr[700];
    int64_t elapsed_ms;
};

static void *bg_call_main(void *arg)
{
    struct bg_call *bc = arg;
    bc->err = call_metadata(bc->c, bc->broker, bc->timeout_ms, bc->errstr,
                            sizeof bc->errstr, &bc->elapsed_ms);
    return NULL;
}

START_TEST(slow_lookup_does_not_block_other_connections_timers_or_destroy)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    char boot[128], errstr[700];
    /* Bootstrap ids in order: fast.test is -2, slow.test is -3. */
    snprintf(boot, sizeof boot, "fast.test:%d,slow.test:%d", f.port,
             f.port);
    struct kr_client *c = client_new(boot, NULL);
    int64_t ms;
    krafka_err_t err = call_metadata(c, -2, 5000, errstr, sizeof errstr,
                                     &ms);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s", errstr);

    /* A request for slow.test: its lookup takes 3 s. */
    struct bg_call bc = {.c = c, .broker = -3, .timeout_ms = 1000};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, bg_call_main, &bc), 0);
    ck_assert(wait_atomic(&hk.slow_started, 1, 1000));

    /* Meanwhile the I/O thread serves fast.test's connection. */
    int served = 0;
    for (int64_t until = now_ms() + 700; now_ms() < until; served++) {
        err = call_metadata(c, -2, 2000, errstr, sizeof errstr, &ms);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "%s", errstr);
        ck_assert_msg(ms <= 300, "metadata took %lld ms during a lookup",
                      (long long)ms);
        sleep_ms(50);
    }
    ck_assert_int_ge(served, 3);

    /* The stuck request's deadline fired on time, on the I/O thread
     * (the caller's own timeout says "timed out after"). */
    pthread_join(th, NULL);
    ck_assert_int_eq(bc.err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_msg(strstr(bc.errstr, "waiting for a broker connection"),
                  "%s", bc.errstr);
    ck_assert_int_ge(bc.elapsed_ms, 900);
    ck_assert_int_le(bc.elapsed_ms, 1300);

    /* Destroy does not wait for the lookup, which is still running. */
    ck_assert_int_eq(atomic_load(&hk.slow_returned), 0);
    int64_t t0 = now_ms();
    kr_client_destroy(c);
    ck_assert_int_lt(now_ms() - t0, 1000);
    ck_assert_int_eq(atomic_load(&hk.slow_returned), 0);
    fake_stop(&f);
    ck_assert(wait_atomic(&hk.slow_returned, 1, 5000));
    lookups_drain(hook_calls());
}
END_TEST

START_TEST(lookup_outliving_its_attempt_serves_the_next_one)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    hk.slow_ms = 2500;
    const char *props[] = {"socket.connection.setup.timeout.ms", "1000",
                           "reconnect.backoff.ms", "100", NULL};
    char boot[64], errstr[700];
    snprintf(boot, sizeof boot, "slow.test:%d", f.port);
    struct kr_client *c = client_new(boot, props);
    int64_t ms;
    krafka_err_t err = call_metadata(c, KR_BROKER_ANY, 5000, errstr,
                                     sizeof errstr, &ms);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "%s", errstr);
    ck_assert_int_ge(ms, 2400);
    /* The first attempt timed out while resolving ... */
    ck_assert(log_find(KRAFKA_LOG_WARNING, "in state resolve", NULL, 0));
    /* ... and the later ones waited for the same lookup: one per
     * connection, never a second one beside it. */
    ck_assert_int_eq(atomic_load(&hk.slow_started), 1);
    kr_client_destroy(c);
    fake_stop(&f);
    lookups_drain(hook_calls());
}
END_TEST

/* Whichever bootstrap entry comes first, a lookup that hangs (3 s) holds
 * the other entry back about a second, not until it ends or the setup
 * timeout (30 s) fails it. */
START_TEST(slow_bootstrap_lookup_does_not_hold_back_the_next_entry)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    char boot[128], errstr[700];
    for (int order = 0; order < 2; order++) {
        snprintf(boot, sizeof boot, order ? "fast.test:%d,slow.test:%d"
                                          : "slow.test:%d,fast.test:%d",
                 f.port, f.port);
        struct kr_client *c = client_new(boot, NULL);
        int64_t ms;
        krafka_err_t err = call_metadata(c, KR_BROKER_ANY, 5000, errstr,
                                         sizeof errstr, &ms);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "%s: %s", boot, errstr);
        ck_assert_msg(ms < 2000, "%s: metadata took %lld ms", boot,
                      (long long)ms);
        kr_client_destroy(c);
    }
    fake_stop(&f);
    lookups_drain(hook_calls());
}
END_TEST

START_TEST(failed_lookup_fails_the_connection_with_local_resolve)
{
    const char *props[] = {"reconnect.backoff.ms", "100", NULL};
    struct kr_client *c = client_new("nonexistent.invalid:9092", props);
    char errstr[700], want[200];
    int64_t ms;
    krafka_err_t err = call_metadata(c, KR_BROKER_ANY, 1000, errstr,
                                     sizeof errstr, &ms);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_le(ms, 1200);
    snprintf(want, sizeof want,
             "failed to resolve nonexistent.invalid:9092: %s",
             gai_strerror(EAI_NONAME));
    /* The timed-out request names the failure ... */
    ck_assert_msg(strstr(errstr, want), "%s", errstr);
    /* ... and it was logged once as a warning, as other failures are. */
    char line[600];
    ck_assert(log_find(KRAFKA_LOG_WARNING, want, line, sizeof line));
    ck_assert_msg(strncmp(line, "FAIL nonexistent.invalid:9092/bootstrap: ",
                          41) == 0,
                  "%s", line);
    ck_assert_int_eq(log_count(KRAFKA_LOG_WARNING, "FAIL "), 1);
    kr_client_stop(c); /* this thread owns the client now */
    ck_assert_int_eq(c->last_err, KRAFKA_ERR_LOCAL_RESOLVE);
    ck_assert_int_ge(hook_calls(), 2); /* retried */
    kr_client_destroy(c);
    lookups_drain(hook_calls());
}
END_TEST

START_TEST(backoff_grows_between_failed_lookups)
{
    const char *props[] = {"debug", "broker", "reconnect.backoff.ms", "50",
                           "reconnect.backoff.max.ms", "800", NULL};
    struct kr_client *c = client_new("nonexistent.invalid:9092", props);
    char errstr[700];
    int64_t ms;
    ck_assert_int_eq(call_metadata(c, KR_BROKER_ANY, 3000, errstr,
                                   sizeof errstr, &ms),
                     KRAFKA_ERR_LOCAL_TIMED_OUT);
    kr_client_destroy(c);
    /* Failure k waits 50 * 2^(k-1) ms capped at 800, +-20% jitter. */
    int cnt = 0, capped = 0;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt; i++) {
        const char *p = strstr(logs.line[i], "retrying in ");
        int wait, failure;
        if (strncmp(logs.line[i], "BACKOFF ", 8) != 0 || !p ||
            sscanf(p, "retrying in %d ms (failure %d)", &wait,
                   &failure) != 2)
            continue;
        ck_assert_msg(strstr(logs.line[i], "failed to resolve"), "%s",
                      logs.line[i]);
        ck_assert_int_eq(failure, ++cnt);
        int base = failure >= 5 ? 800 : 50 << (failure - 1);
        ck_assert_msg(wait >= base * 4 / 5 && wait <= base * 6 / 5,
                      "failure %d: %d ms, expected %d +-20%%", failure, wait,
                      base);
        capped += base == 800;
    }
    pthread_mutex_unlock(&logs.lock);
    ck_assert_int_ge(cnt, 5);
    ck_assert_int_le(cnt, 8);
    ck_assert_int_ge(capped, 1);
    /* The lookups really were that far apart. */
    pthread_mutex_lock(&hk.lock);
    for (int k = 1; k < hk.calls && k < 5; k++)
        ck_assert_int_ge(hk.at_ms[k] - hk.at_ms[k - 1],
                         (50 << (k - 1)) * 4 / 5 - 5);
    pthread_mutex_unlock(&hk.lock);
    lookups_drain(hook_calls());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("resolve");
    TCase *tc = tcase_create("resolve");
    signal(SIGPIPE, SIG_IGN);
    tcase_add_checked_fixture(tc, hook_setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(
        tc, lookup_success_delivers_the_addresses_through_the_loop_wakeup);
    tcase_add_test(tc, lookup_failure_delivers_the_eai_code_and_its_message);
    tcase_add_test(tc, lookups_beyond_the_cap_wait_for_a_free_slot);
    tcase_add_test(tc, abandoned_lookups_free_themselves_when_they_finish);
    tcase_add_test(
        tc, slow_lookup_does_not_block_other_connections_timers_or_destroy);
    tcase_add_test(tc, lookup_outliving_its_attempt_serves_the_next_one);
    tcase_add_test(tc, slow_bootstrap_lookup_does_not_hold_back_the_next_entry);
    tcase_add_test(tc, failed_lookup_fails_the_connection_with_local_resolve);
    tcase_add_test(tc, backoff_grows_between_failed_lookups);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
