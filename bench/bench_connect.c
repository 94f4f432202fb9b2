/*
 * Connection figures against the harness's single broker: connect-to-ready
 * latency (TCP connect -> TLS -> ApiVersions -> SASL -> ready, as the I/O
 * thread measures it) per listener, and the CPU an idle connected client
 * uses. Needs the KRAFKA_TEST_* environment of tests/kafka/harness:
 *
 *   tests/kafka/harness start single 4.1.1
 *   set -a; . .run/kafka/env; set +a
 *   build-release/bench/bench_connect [cycles] [idle-seconds]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "krafka/krafka.h"

#define MAX_SAMPLES 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double samples[MAX_SAMPLES];
static int nsamples;

/* Picks the "ready at ... in N us" debug line of each connection. */
static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    (void)opaque;
    (void)level;
    const char *p = strstr(msg, " in ");
    if (strcmp(fac, "READY") != 0 || !p)
        return;
    pthread_mutex_lock(&lock);
    if (nsamples < MAX_SAMPLES)
        samples[nsamples++] = strtod(p + 4, NULL) / 1000.0;
    pthread_mutex_unlock(&lock);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    if (!v) {
        fprintf(stderr, "%s is not set: start Kafka with tests/kafka/harness "
                        "and source .run/kafka/env\n", name);
        exit(2);
    }
    return v;
}

static krafka_conf_t *conf_for(const char *listener)
{
    krafka_conf_t *c = krafka_conf_new();
    char e[256];
    krafka_conf_set_log_cb(c, log_cb);
    krafka_conf_set(c, "debug", "broker", e, sizeof e);
    if (strcmp(listener, "PLAINTEXT") == 0) {
        krafka_conf_set(c, "bootstrap.servers", env("KRAFKA_TEST_BOOTSTRAP"),
                        e, sizeof e);
        return c;
    }
    krafka_conf_set(c, "ssl.ca.location", env("KRAFKA_TEST_CA"), e, sizeof e);
    if (strcmp(listener, "SSL") == 0) {
        krafka_conf_set(c, "bootstrap.servers",
                        env("KRAFKA_TEST_SSL_BOOTSTRAP"), e, sizeof e);
        krafka_conf_set(c, "security.protocol", "ssl", e, sizeof e);
        return c;
    }
    krafka_conf_set(c, "bootstrap.servers",
                    env("KRAFKA_TEST_SASL_SSL_BOOTSTRAP"), e, sizeof e);
    krafka_conf_set(c, "security.protocol", "sasl_ssl", e, sizeof e);
    krafka_conf_set(c, "sasl.mechanism", listener + strlen("SASL_SSL/"), e,
                    sizeof e);
    krafka_conf_set(c, "sasl.username", env("KRAFKA_TEST_SASL_USER"), e,
                    sizeof e);
    krafka_conf_set(c, "sasl.password", env("KRAFKA_TEST_SASL_PASSWORD"), e,
                    sizeof e);
    return c;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double p)
{
    int i = (int)(p * (nsamples - 1) + 0.5);
    return samples[i];
}

static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void run(const char *listener, int cycles)
{
    krafka_conf_t *conf = conf_for(listener);
    nsamples = 0;
    char errstr[512];
    for (int i = 0; i < cycles; i++) {
        krafka_admin_t *a = NULL;
        krafka_metadata_t *md = NULL;
        if (krafka_admin_new(&a, conf, errstr, sizeof errstr) ||
            krafka_admin_metadata(a, NULL, 10000, &md, errstr,
                                  sizeof errstr)) {
            fprintf(stderr, "%s: %s\n", listener, errstr);
            exit(1);
        }
        krafka_metadata_destroy(md);
        krafka_admin_destroy(a);
    }
    krafka_conf_destroy(conf);
    qsort(samples, (size_t)nsamples, sizeof samples[0], cmp);
    printf("connect-to-ready %-24s n=%-4d p50 %7.2f ms  p90 %7.2f ms  "
           "max %7.2f ms\n",
           listener, nsamples, pct(0.5), pct(0.9), pct(1.0));
}

static void idle(int seconds)
{
    krafka_conf_t *conf = conf_for("PLAINTEXT");
    krafka_admin_t *a = NULL;
    krafka_metadata_t *md = NULL;
    char errstr[512];
    if (krafka_admin_new(&a, conf, errstr, sizeof errstr) ||
        krafka_admin_metadata(a, NULL, 10000, &md, errstr, sizeof errstr)) {
        fprintf(stderr, "idle: %s\n", errstr);
        exit(1);
    }
    krafka_metadata_destroy(md);
    double c0 = cpu_ms();
    sleep((unsigned)seconds);
    double used = cpu_ms() - c0;
    printf("idle connected client: %.2f ms CPU in %d s (%.4f%% of a core)\n",
           used, seconds, used / (seconds * 10.0));
    krafka_admin_destroy(a);
    krafka_conf_destroy(conf);
}

int main(int argc, char **argv)
{
    int cycles = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 50;
    int idle_s = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10;
    if (cycles < 1 || cycles > MAX_SAMPLES)
        cycles = 50;
    const char *listeners[] = {"PLAINTEXT", "SSL", "SASL_SSL/PLAIN",
                               "SASL_SSL/SCRAM-SHA-256",
                               "SASL_SSL/SCRAM-SHA-512"};
    for (size_t i = 0; i < sizeof listeners / sizeof *listeners; i++)
        run(listeners[i], cycles);
    idle(idle_s);
    return 0;
}
