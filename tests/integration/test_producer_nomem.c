/*
 * The producer when allocations fail (single broker, suite 'integration'):
 * this program replaces malloc, calloc and realloc with versions that
 * fail a chosen share of calls, on every thread, while a test asks. With
 * allocations failing on the I/O thread and in send(), a producer must
 * still report every record it accepted exactly once, report none it
 * refused, and leave in the log exactly the records it reported
 * delivered, once each and in order; once memory is back, records flow
 * again.
 *
 * Built only without sanitizers: they bring their own malloc.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"
#include "kt_check.h"
#include "producer_util.h"

/* ---- failing allocations ---- */

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *ptr, size_t n);

static atomic_int fail_permille;     /* 0: every allocation succeeds */
static atomic_ulong failed_allocs;   /* failed on purpose so far */
static _Thread_local uint32_t rng;   /* xorshift32, per thread */

static bool fail_now(void)
{
    int pm = atomic_load_explicit(&fail_permille, memory_order_relaxed);
    if (pm == 0)
        return false;
    if (rng == 0)
        rng = (uint32_t)(uintptr_t)&rng | 1u;
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    if (rng % 1000 >= (uint32_t)pm)
        return false;
    atomic_fetch_add_explicit(&failed_allocs, 1, memory_order_relaxed);
    errno = ENOMEM;
    return true;
}

void *malloc(size_t n)
{
    return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *ptr, size_t n)
{
    return n && fail_now() ? NULL : __libc_realloc(ptr, n);
}

/* ---- the test ---- */

#define N 60000

static const char *boot(void)
{
    return kc_env("KRAFKA_TEST_BOOTSTRAP");
}

/* Sends records [from, to): each one accepted (@accepted[seq] set) or
 * refused for want of memory; any other refusal fails the test. Serves
 * reports as it goes. Returns the records refused. */
static size_t send_some(krafka_producer_t *p, struct pu_track *t,
                        bool *accepted, size_t from, size_t to)
{
    size_t refused = 0;
    struct pu_rec r;
    for (size_t seq = from; seq < to; seq++) {
        pu_make(&r, t->topic, seq, t->base_ts);
        krafka_err_t err;
        while ((err = krafka_producer_send(p, &r.msg, pu_opaque(t, seq))) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL)
            krafka_producer_poll(p, 10);
        if (err == KRAFKA_ERR_NONE) {
            accepted[seq] = true;
        } else {
            int saved = atomic_exchange(&fail_permille, 0);
            ck_assert_msg(err == KRAFKA_ERR_LOCAL_NOMEM, "send %zu: %s", seq,
                          krafka_err2name(err));
            atomic_store(&fail_permille, saved);
            refused++;
        }
        if (seq % 256 == 0)
            krafka_producer_poll(p, 0);
    }
    return refused;
}

START_TEST(failing_allocations_lose_no_report_and_no_record)
{
    char topic[128];
    kc_new_topic(boot(), topic, sizeof topic, "p-nomem", 3, 1);
    struct pu_track t;
    pu_track_init(&t, topic, N, pu_base_ts());
    bool *accepted = calloc(N, sizeof *accepted);
    ck_assert_ptr_nonnull(accepted);
    krafka_conf_t *conf = kc_conf(boot(), "linger.ms", "5", "acks", "all",
                                  "message.timeout.ms", "120000",
                                  "retry.backoff.max.ms", "200",
                                  "batch.num.messages", "100", NULL);
    krafka_conf_set_dr_cb(conf, pu_dr_cb);
    krafka_conf_set_opaque(conf, &t);
    krafka_producer_t *p = pu_producer(conf);

    /* A third with memory, a third while 1 allocation in 4 fails
     * (then 3 s more of failing with the records in flight), and the
     * last third with memory again. */
    size_t refused = send_some(p, &t, accepted, 0, N / 3);
    atomic_store(&fail_permille, 250);
    refused += send_some(p, &t, accepted, N / 3, 2 * N / 3);
    int64_t t0 = kc_now_ms();
    while (kc_now_ms() - t0 < 3000)
        krafka_producer_poll(p, 50);
    atomic_store(&fail_permille, 0);
    unsigned long failed = atomic_load(&failed_allocs);
    refused += send_some(p, &t, accepted, 2 * N / 3, N);
    krafka_err_t err = krafka_producer_flush(p, 60000);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "flush: %s (outq %d)",
                  krafka_err2name(err), krafka_producer_outq_len(p));
    krafka_producer_destroy(p);
    fprintf(stderr, "nomem: %lu allocations failed; %zu of %d sends refused; "
            "%zu reports, %zu failed (first: %s: %s)\n", failed, refused, N,
            t.total, t.failed, krafka_err2name(t.first_err),
            t.first_errstr);
    ck_assert_msg(failed > 100, "only %lu allocations failed", failed);

    /* Exactly one report per accepted record, none for a refused one. */
    size_t wrong = 0, first = N;
    for (size_t i = 0; i < N; i++)
        if (t.reports[i] != (accepted[i] ? 1 : 0) && wrong++ == 0)
            first = i;
    ck_assert_msg(wrong == 0 && t.bad_opaque == 0 && t.bad_topic == 0,
                  "%zu records with a wrong report count (first: seq %zu, "
                  "accepted %d, %d reports); %zu foreign opaques",
                  wrong, first, first < N ? accepted[first] : 0,
                  first < N ? t.reports[first] : 0, t.bad_opaque);
    ck_assert_msg(t.failed == 0, "%zu of %zu accepted records failed; "
                  "first: %s: %s", t.failed, t.total,
                  krafka_err2name(t.first_err), t.first_errstr);

    /* The log holds exactly the records reported delivered, in order. */
    struct pu_verdict v;
    pu_verify(boot(), topic, 3, &t, true, 0, -1, NULL, 60000, &v);
    pu_assert_clean(&v, t.ok, "after failing allocations");
    kc_drop_topic(boot(), topic);
    free(accepted);
    pu_track_free(&t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("producer_nomem");
    TCase *tc = tcase_create("nomem");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, failing_allocations_lose_no_report_and_no_record);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
