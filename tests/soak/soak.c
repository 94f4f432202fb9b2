/* krafka-soak: see soak.h. Usage: krafka-soak -h. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soak.h"

struct soak g_soak;
static _Atomic int producers_done;
static uint64_t restarts_served; /* SIGUSR1s handed out; main thread */
static pthread_mutex_t say_mu = PTHREAD_MUTEX_INITIALIZER;

int64_t soak_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line on stderr, prefixed with the wall clock (to line up with the
 * fault log) and the seconds since the start. */
void soak_say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    pthread_mutex_lock(&say_mu);
    fprintf(stderr, "%02d:%02d:%02d.%03ld +%.1fs %s\n", tm.tm_hour,
            tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
            (double)(soak_now_ms() - g_soak.t0_ms) / 1000.0, line);
    pthread_mutex_unlock(&say_mu);
}

void soak_log_cb(void *opaque, int level, const char *facility,
                 const char *message)
{
    const struct soak_who *who = opaque;
    soak_say("%s: lib %d %s: %s", who ? who->name : "?", level, facility,
             message);
}

bool soak_conf_set(krafka_conf_t *conf, const char *name, const char *value)
{
    char errstr[256];
    if (krafka_conf_set(conf, name, value, errstr, sizeof errstr) == 0)
        return true;
    soak_say("conf %s=%s: %s", name, value, errstr);
    return false;
}

krafka_conf_t *soak_base_conf(const struct soak_opts *o)
{
    krafka_conf_t *conf = krafka_conf_new();
    if (!conf)
        return NULL;
    krafka_conf_set_log_cb(conf, soak_log_cb);
    if (!soak_conf_set(conf, "bootstrap.servers", o->brokers) ||
        !soak_conf_set(conf, "log_level", "5")) {
        krafka_conf_destroy(conf);
        return NULL;
    }
    return conf;
}

static void usage(FILE *f)
{
    fprintf(f,
"usage: krafka-soak [-b brokers] -t topic [-g group] [-d seconds]\n"
"         [-p producers] [-c consumers] [-n partitions] [-r rate]\n"
"         [-D drain-seconds] [-T request.timeout.ms] [-a assignor]\n"
"  -b  bootstrap servers (default $KRAFKA_TEST_CLUSTER_BOOTSTRAP)\n"
"  -d  seconds of producing (600)   -r  records/s per producer (200)\n"
"  -p  producer threads (3)         -c  consumers in the group (3)\n"
"  -n  partitions of the topic, which must exist (6)\n"
"  -D  seconds allowed for the final flush and for the drain (180)\n"
"  -T  request.timeout.ms of every client (10000)\n"
"  -a  partition.assignment.strategy (library default)\n"
"Signals: SIGUSR1 restarts the next consumer (close, then a new one in\n"
"the same group); SIGINT/SIGTERM end the producing phase early.\n"
"Exit: 0 when the checker found no violation, 1 otherwise, 2 usage.\n"
"KRAFKA_SOAK_CORRUPT=1: damage the records before the check (a loss, a\n"
"duplicate, a reorder, a commit ahead), to see the checker fail.\n");
}

static int num(const char *s, int min, int max)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < min || v > max) {
        fprintf(stderr, "krafka-soak: bad number '%s' (%d..%d)\n", s, min,
                max);
        exit(2);
    }
    return (int)v;
}

static void parse_opts(struct soak_opts *o, int argc, char **argv)
{
    *o = (struct soak_opts){.brokers = getenv("KRAFKA_TEST_CLUSTER_BOOTSTRAP"),
                            .group = NULL, .producers = 3, .consumers = 3,
                            .partitions = 6, .duration_s = 600, .rate = 200,
                            .drain_s = 180, .request_timeout_ms = 10000};
    int opt;
    while ((opt = getopt(argc, argv, "b:t:g:d:p:c:n:r:D:T:a:h")) != -1) {
        switch (opt) {
        case 'b': o->brokers = optarg; break;
        case 't': o->topic = optarg; break;
        case 'g': o->group = optarg; break;
        case 'd': o->duration_s = num(optarg, 1, 86400); break;
        case 'p': o->producers = num(optarg, 1, SOAK_MAX_PRODUCERS); break;
        case 'c': o->consumers = num(optarg, 1, SOAK_MAX_CONSUMERS); break;
        case 'n': o->partitions = num(optarg, 1, SOAK_MAX_PARTS); break;
        case 'r': o->rate = num(optarg, 1, 1000000); break;
        case 'D': o->drain_s = num(optarg, 1, 86400); break;
        case 'T': o->request_timeout_ms = num(optarg, 1, 900000); break;
        case 'a': o->assignor = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (!o->brokers || !o->topic || optind != argc) {
        usage(stderr);
        exit(2);
    }
    if (!o->group)
        o->group = o->topic;
}

/* Thread: signals. All other threads block the signals it waits for. */
static void *signal_main(void *arg)
{
    sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0)
            continue;
        if (sig == SIGUSR1) {
            atomic_fetch_add(&g_soak.restart_reqs, 1);
        } else {
            atomic_store(&g_soak.stop_producing, 1);
            soak_say("signal %d: ending the run", sig);
        }
    }
    return NULL;
}

struct stalls {
    int64_t max[3]; /* any, acks, consumption */
    int64_t end[3]; /* when the longest stall ended, ms since start */
    int64_t cur[3];
    uint64_t long_ones; /* stalls of 2 s or more (any) */
};

static void note_stall(struct stalls *st, int k, int64_t last, int64_t now)
{
    if (last <= 0) /* no event yet: the start-up is not a stall */
        return;
    int64_t prev = st->cur[k];
    st->cur[k] = now - last;
    /* a stall of 2 s or more just ended: logged, to match with a fault */
    if (k == 0 && st->cur[k] < prev && prev >= 2000) {
        st->long_ones++;
        soak_say("stall of %" PRId64 " ms ended", prev);
    }
    if (st->cur[k] > st->max[k]) {
        st->max[k] = st->cur[k];
        st->end[k] = now - g_soak.t0_ms;
    }
}

static void sample_stalls(struct stalls *st)
{
    int64_t now = soak_now_ms();
    int64_t a = atomic_load(&g_soak.last_ack_ms);
    int64_t c = atomic_load(&g_soak.last_consume_ms);
    note_stall(st, 0, a > c ? a : c, now);
    note_stall(st, 1, a, now);
    note_stall(st, 2, c, now);
}

static void progress(const struct stalls *st)
{
    uint64_t sent = 0, acked = 0, failed = 0;
    for (int i = 0; i < g_soak.o.producers; i++) {
        sent += atomic_load(&g_soak.prod[i].sent);
        acked += atomic_load(&g_soak.prod[i].acked);
        failed += atomic_load(&g_soak.prod[i].failed);
    }
    pthread_mutex_lock(&g_soak.log.mu);
    uint64_t consumed = g_soak.log.consumed;
    pthread_mutex_unlock(&g_soak.log.mu);
    soak_say("progress: sent %" PRIu64 " acked %" PRIu64 " failed %" PRIu64
             " consumed %" PRIu64 " assigned-cbs %" PRIu64 " stall now "
             "%" PRId64 " ms (max %" PRId64 " ms)",
             sent, acked, failed, consumed,
             (uint64_t)atomic_load(&g_soak.assigned_cbs), st->cur[0],
             st->max[0]);
}

/* Hands each SIGUSR1 to the next consumer, in turn. Thread: main. */
static void serve_restarts(void)
{
    uint64_t reqs = atomic_load(&g_soak.restart_reqs);
    for (; restarts_served < reqs; restarts_served++) {
        int k = (int)(restarts_served % (uint64_t)g_soak.o.consumers);
        atomic_store(&g_soak.mem[k].restart, 1);
        soak_say("consumer restart %" PRIu64 " -> %s", restarts_served + 1,
                 g_soak.mem[k].who.name);
    }
}

/* The producing phase: until the duration is over (or a signal), then
 * until every producer has flushed. Stalls count only while producing. */
static void run_phase(struct stalls *st)
{
    int64_t next_progress = soak_now_ms() + 10000;
    while (atomic_load(&producers_done) < g_soak.o.producers) {
        usleep(100 * 1000);
        int64_t now = soak_now_ms();
        if (now >= g_soak.end_ms)
            atomic_store(&g_soak.stop_producing, 1);
        if (!atomic_load(&g_soak.stop_producing))
            sample_stalls(st);
        serve_restarts();
        if (now >= next_progress) {
            progress(st);
            next_progress = now + 10000;
        }
    }
}

static void *producer_thread(void *arg)
{
    soak_producer_main(arg);
    atomic_fetch_add(&producers_done, 1);
    return NULL;
}

static void start_threads(struct soak *s)
{
    for (int i = 0; i < s->o.consumers; i++) {
        struct soak_member *m = &s->mem[i];
        m->id = i;
        snprintf(m->who.name, sizeof m->who.name, "consumer-%d", i);
        if (pthread_create(&m->th, NULL, soak_member_main, m) != 0)
            exit(1);
    }
    for (int i = 0; i < s->o.producers; i++) {
        struct soak_producer *p = &s->prod[i];
        p->id = i;
        snprintf(p->who.name, sizeof p->who.name, "producer-%d", i);
        if (pthread_create(&p->th, NULL, producer_thread, p) != 0)
            exit(1);
    }
}

static bool group_converged(struct soak *s)
{
    uint64_t all = 0, seen = 0;
    bool overlap = false;
    for (int i = 0; i < s->o.partitions; i++)
        all |= UINT64_C(1) << i;
    for (int i = 0; i < s->o.consumers; i++) {
        uint64_t owned = atomic_load(&s->mem[i].owned);
        overlap |= (seen & owned) != 0;
        seen |= owned;
    }
    if (overlap || seen != all)
        return false;
    bool at_end = true;
    pthread_mutex_lock(&s->log.mu);
    for (int p = 0; p < s->o.partitions; p++)
        at_end &= s->log.parts[p].processed_end >= s->hwm[p];
    pthread_mutex_unlock(&s->log.mu);
    return at_end;
}

/* Waits until every partition is owned by exactly one member and
 * processed up to the high watermark, steadily for 3 s. */
static void drain(struct soak *s)
{
    int64_t unused[SOAK_MAX_PARTS];
    if (!soak_query_offsets(&s->o, s->hwm, unused)) {
        soak_say("drain: high watermarks unknown");
        return;
    }
    int64_t t = soak_now_ms(), deadline = t + (int64_t)s->o.drain_s * 1000;
    int64_t since = 0;
    while (soak_now_ms() < deadline) {
        serve_restarts(); /* none expected: the controller is done */
        if (!group_converged(s)) {
            since = 0;
        } else if (!since) {
            since = soak_now_ms();
        } else if (soak_now_ms() - since >= 3000) {
            s->converged = true;
            break;
        }
        usleep(100 * 1000);
    }
    soak_say("drain: %s after %" PRId64 " ms",
             s->converged ? "converged" : "NOT converged", soak_now_ms() - t);
}

int main(int argc, char **argv)
{
    struct soak *s = &g_soak;
    parse_opts(&s->o, argc, argv);
    pthread_mutex_init(&s->log.mu, NULL);
    static sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    pthread_t sig_th;
    pthread_create(&sig_th, NULL, signal_main, &set);
    s->t0_ms = soak_now_ms();
    s->end_ms = s->t0_ms + (int64_t)s->o.duration_s * 1000;
    soak_say("soak: %d producers x %d rec/s, %d consumers, topic %s (%d "
             "partitions), %d s, libkrafka %s", s->o.producers, s->o.rate,
             s->o.consumers, s->o.topic, s->o.partitions, s->o.duration_s,
             krafka_version_str());
    start_threads(s);
    struct stalls st = {0};
    run_phase(&st);
    for (int i = 0; i < s->o.producers; i++)
        pthread_join(s->prod[i].th, NULL);
    soak_say("producers done");
    drain(s);
    atomic_store(&s->finish_consumers, 1);
    for (int i = 0; i < s->o.consumers; i++)
        pthread_join(s->mem[i].th, NULL);
    soak_say("consumers closed");
    if (!soak_query_offsets(&s->o, s->hwm, s->committed))
        soak_say("final offsets unknown");
    uint64_t v = soak_check(s, st.max, st.end, st.long_ones);
    return v ? 1 : 0;
}
