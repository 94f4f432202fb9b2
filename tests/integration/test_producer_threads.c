/*
 * Eight threads producing at once to two topics, keyed and keyless: every
 * record is reported exactly once and succeeds. scripts/test also runs it
 * under ThreadSanitizer.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_util.h"
#include "conformance.h"

#define THREADS 8
#define PER_THREAD 20000

static atomic_int reports[THREADS * PER_THREAD];
static atomic_long failed;
static krafka_producer_t *producer;
static char topics[2][128];

static void dr_cb(krafka_producer_t *p, const krafka_delivery_t *d,
                  void *opaque)
{
    (void)p;
    (void)opaque;
    long id = (long)(intptr_t)d->opaque;
    if (id >= 0 && id < THREADS * PER_THREAD)
        atomic_fetch_add(&reports[id], 1);
    if (d->err)
        atomic_fetch_add(&failed, 1);
}

static void *run(void *arg)
{
    long t = (long)(intptr_t)arg;
    char key[32], value[100];
    memset(value, 'v', sizeof value);
    for (long i = 0; i < PER_THREAD; i++) {
        long id = t * PER_THREAD + i;
        int kl = snprintf(key, sizeof key, "key-%ld", id);
        krafka_msg_t m = {.topic = topics[i & 1],
                          .partition = KRAFKA_PARTITION_ANY,
                          .key = (i % 3) ? key : NULL,
                          .key_len = (i % 3) ? (size_t)kl : 0,
                          .value = value, .value_len = sizeof value};
        krafka_err_t err;
        while ((err = krafka_producer_send(producer, &m,
                                           (void *)(intptr_t)id)) ==
               KRAFKA_ERR_LOCAL_QUEUE_FULL)
            krafka_producer_poll(producer, 5);
        ck_assert_int_eq(err, KRAFKA_ERR_NONE);
        if ((i & 255) == 0)
            krafka_producer_poll(producer, 0);
    }
    return NULL;
}

START_TEST(eight_threads_each_record_reported_once)
{
    krafka_conf_t *conf = kc_conf(kc_env("KRAFKA_TEST_BOOTSTRAP"),
                                  "linger.ms", "2",
                                  "queue.buffering.max.messages", "50000",
                                  NULL);
    krafka_admin_t *a = kc_admin(conf);
    for (int i = 0; i < 2; i++) {
        kc_topic_name(topics[i], sizeof topics[i], "threads");
        kc_create_topic(a, topics[i], 4, 1);
    }
    krafka_conf_set_dr_cb(conf, dr_cb);
    char errstr[512];
    ck_assert_int_eq(krafka_producer_new(&producer, conf, errstr,
                                         sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    pthread_t th[THREADS];
    for (long i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, run, (void *)(intptr_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    ck_assert_int_eq(krafka_producer_flush(producer, 60000), KRAFKA_ERR_NONE);
    krafka_producer_destroy(producer);
    ck_assert_int_eq(atomic_load(&failed), 0);
    for (int i = 0; i < THREADS * PER_THREAD; i++)
        ck_assert_msg(atomic_load(&reports[i]) == 1,
                      "record %d reported %d times", i,
                      atomic_load(&reports[i]));
    for (int i = 0; i < 2; i++)
        kc_delete_topic(a, topics[i]);
    krafka_admin_destroy(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("producer_threads");
    TCase *tc = tcase_create("threads");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, eight_threads_each_record_reported_once);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
