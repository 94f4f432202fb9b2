#include "client_util.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_MAX 4096

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kc_logline log_lines[LOG_MAX];
static int log_cnt;

int64_t kc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    (void)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    pthread_mutex_lock(&log_lock);
    if (log_cnt == LOG_MAX) { /* keep the newest half */
        memmove(log_lines, log_lines + LOG_MAX / 2,
                (LOG_MAX / 2) * sizeof log_lines[0]);
        log_cnt = LOG_MAX / 2;
    }
    struct kc_logline *l = &log_lines[log_cnt++];
    l->at_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    l->level = level;
    snprintf(l->fac, sizeof l->fac, "%s", fac);
    snprintf(l->msg, sizeof l->msg, "%s", msg);
    pthread_mutex_unlock(&log_lock);
    if (getenv("KC_VERBOSE"))
        fprintf(stderr, "LOG %d %s %s\n", level, fac, msg);
}

int kc_log_find(const char *needle, struct kc_logline *out, int max)
{
    int n = 0;
    pthread_mutex_lock(&log_lock);
    for (int i = 0; i < log_cnt && n < max; i++)
        if (!needle || strstr(log_lines[i].msg, needle))
            out[n++] = log_lines[i];
    pthread_mutex_unlock(&log_lock);
    return n;
}

void kc_log_clear(void)
{
    pthread_mutex_lock(&log_lock);
    log_cnt = 0;
    pthread_mutex_unlock(&log_lock);
}

bool kc_log_lacks(const char *s)
{
    bool lacks = true;
    pthread_mutex_lock(&log_lock);
    for (int i = 0; i < log_cnt && lacks; i++)
        lacks = !strstr(log_lines[i].msg, s);
    pthread_mutex_unlock(&log_lock);
    return lacks;
}

const char *kc_env(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v && *v, "%s is not set: start Kafka with "
                  "tests/kafka/harness and source .run/kafka/env", name);
    return v;
}

krafka_conf_t *kc_conf(const char *bootstrap, ...)
{
    char errstr[256];
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    krafka_conf_set_log_cb(conf, log_cb);
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers", bootstrap,
                                     errstr, sizeof errstr),
                     KRAFKA_ERR_NONE);
    if (getenv("KC_DEBUG"))
        krafka_conf_set(conf, "debug", getenv("KC_DEBUG"), errstr,
                        sizeof errstr);
    va_list ap;
    va_start(ap, bootstrap);
    const char *name;
    while ((name = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        krafka_err_t err =
            krafka_conf_set(conf, name, value, errstr, sizeof errstr);
        ck_assert_msg(err == KRAFKA_ERR_NONE, "%s=%s: %s", name, value,
                      errstr);
    }
    va_end(ap);
    return conf;
}

krafka_admin_t *kc_admin(krafka_conf_t *conf)
{
    char errstr[512];
    krafka_admin_t *a = NULL;
    krafka_err_t err = krafka_admin_new(&a, conf, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "admin_new: %s", errstr);
    return a;
}

void kc_metadata_ok(krafka_admin_t *a, int timeout_ms)
{
    char errstr[512];
    krafka_metadata_t *md = NULL;
    krafka_err_t err =
        krafka_admin_metadata(a, NULL, timeout_ms, &md, errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "metadata: %s: %s",
                  krafka_err2name(err), errstr);
    ck_assert_int_ge(md->broker_cnt, 1);
    krafka_metadata_destroy(md);
}

void kc_topic_name(char *out, size_t n, const char *prefix)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(out, n, "%s-%d-%ld%06ld", prefix, (int)getpid(),
             (long)ts.tv_sec % 100000, ts.tv_nsec / 1000);
}

static bool all_leaders(krafka_admin_t *a, const char *topic, int32_t parts)
{
    char errstr[512];
    krafka_metadata_t *md = NULL;
    if (krafka_admin_metadata(a, topic, 5000, &md, errstr, sizeof errstr))
        return false;
    bool ok = md->topic_cnt == 1 && md->topics[0].err == 0 &&
              md->topics[0].partition_cnt == parts;
    for (int i = 0; ok && i < md->topics[0].partition_cnt; i++)
        ok = md->topics[0].partitions[i].leader >= 0;
    krafka_metadata_destroy(md);
    return ok;
}

void kc_create_topic(krafka_admin_t *a, const char *topic, int32_t parts,
                     int16_t rf)
{
    char errstr[512];
    krafka_topic_result_t res;
    krafka_new_topic_t t = {.topic = topic, .num_partitions = parts,
                            .replication_factor = rf};
    krafka_err_t err = krafka_admin_create_topics(a, &t, 1, 30000, &res,
                                                  errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "create_topics: %s", errstr);
    ck_assert_msg(res.err == KRAFKA_ERR_NONE, "create %s: %s", topic,
                  res.errstr);
    int64_t until = kc_now_ms() + 30000;
    while (!all_leaders(a, topic, parts)) {
        ck_assert_msg(kc_now_ms() < until, "no leaders for %s", topic);
        usleep(100 * 1000);
    }
}

void kc_delete_topic(krafka_admin_t *a, const char *topic)
{
    char errstr[512];
    krafka_topic_result_t res;
    krafka_err_t err = krafka_admin_delete_topics(a, &topic, 1, 30000, &res,
                                                  errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "delete_topics: %s", errstr);
    ck_assert_msg(res.err == KRAFKA_ERR_NONE, "delete %s: %s", topic,
                  res.errstr);
}

static krafka_admin_t *admin_on(const char *bootstrap)
{
    krafka_conf_t *conf = kc_conf(bootstrap, NULL);
    krafka_admin_t *a = kc_admin(conf);
    krafka_conf_destroy(conf);
    return a;
}

void kc_new_topic(const char *bootstrap, char *topic, size_t n,
                  const char *prefix, int32_t parts, int16_t rf)
{
    if (prefix)
        kc_topic_name(topic, n, prefix);
    krafka_admin_t *a = admin_on(bootstrap);
    kc_create_topic(a, topic, parts, rf);
    krafka_admin_destroy(a);
}

void kc_drop_topic(const char *bootstrap, const char *topic)
{
    krafka_admin_t *a = admin_on(bootstrap);
    kc_delete_topic(a, topic);
    krafka_admin_destroy(a);
}

void kc_heal_cluster(void)
{
    const char *h = getenv("KRAFKA_TEST_HARNESS");
    char cmd[2048];
    if (!h)
        return;
    snprintf(cmd, sizeof cmd,
             "for n in 1 2 3; do %s resume $n cluster >/dev/null 2>&1 || "
             "%s restart $n cluster >&2; done",
             h, h);
    if (system(cmd) != 0)
        fprintf(stderr, "healing the cluster failed\n");
}

void kc_harness(const char *args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s %s >&2", kc_env("KRAFKA_TEST_HARNESS"),
             args);
    ck_assert_msg(system(cmd) == 0, "harness %s failed", args);
}

void kc_grow_topic(const char *bootstrap, const char *topic, int32_t parts)
{
    krafka_admin_t *a = admin_on(bootstrap);
    char errstr[512];
    krafka_topic_result_t res;
    krafka_new_partitions_t np = {.topic = topic, .total_count = parts};
    krafka_err_t err = krafka_admin_create_partitions(a, &np, 1, 30000, &res,
                                                      errstr, sizeof errstr);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "create_partitions: %s", errstr);
    ck_assert_msg(res.err == KRAFKA_ERR_NONE, "grow %s to %d: %s", topic,
                  (int)parts, res.errstr);
    int64_t until = kc_now_ms() + 30000;
    while (!all_leaders(a, topic, parts)) {
        ck_assert_msg(kc_now_ms() < until, "no leaders for %s", topic);
        usleep(100 * 1000);
    }
    krafka_admin_destroy(a);
}
