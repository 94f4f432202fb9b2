/*
 * Metrics benchmark: the cost of one update on the hot path.
 *
 *   build-release/bench/bench_metrics [millions-of-ops-per-row]
 *
 * Rows: counter increment (plain and striped per CPU) from 1 and 2
 * threads hitting one counter, and 2 threads on two counters (no sharing)
 * for reference; latency record (varied values, so buckets vary) from 1
 * and 2 threads; gauge add+sub and set; a timer start+stop (two clock
 * reads). Thread i is pinned to CPU i. "wall" is wall time per operation
 * of one thread, "cpu" its CPU time: when the machine is busy the two
 * threads may take turns on one core, which doubles "wall" but not "cpu";
 * cache-line traffic between cores shows in both. The 2-thread rows show
 * whether striping pays: on one shared counter every increment moves the
 * cache line between the cores.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"

static uint64_t ops = 20000000;

enum op {
    OP_COUNTER,
    OP_STRIPED,
    OP_LATENCY,
    OP_GAUGE_ADDSUB,
    OP_GAUGE_SET,
    OP_TIMER,
    OP_LATENCY_SEQ,
    OP_LATENCY_ACC,
};

struct target {
    struct kr_counter *counter;
    struct kr_counter_striped *striped;
    struct kr_latency *lat;
    struct kr_gauge *gauge;
};

struct worker {
    enum op op;
    struct target t;
    pthread_barrier_t *start;
    int cpu;
    double seconds, cpu_seconds;
};

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Durations with a realistic spread: 20 us .. ~5 ms, 1024 of them. */
static int64_t values[1024];

static void run_op(struct worker *w, uint64_t n)
{
    struct target *t = &w->t;
    switch (w->op) {
    case OP_COUNTER:
        for (uint64_t i = 0; i < n; i++)
            kr_counter_inc(t->counter);
        break;
    case OP_STRIPED:
        for (uint64_t i = 0; i < n; i++)
            kr_counter_striped_inc(t->striped);
        break;
    case OP_LATENCY:
        for (uint64_t i = 0; i < n; i++)
            kr_latency_record(t->lat, values[i & 1023]);
        break;
    case OP_GAUGE_ADDSUB: /* two operations per round */
        for (uint64_t i = 0; i < n / 2; i++) {
            kr_gauge_add(t->gauge, 3);
            kr_gauge_sub(t->gauge, 3);
        }
        break;
    case OP_GAUGE_SET:
        for (uint64_t i = 0; i < n; i++)
            kr_gauge_set(t->gauge, i);
        break;
    case OP_LATENCY_SEQ: /* a batch's send latencies: 60 ms down to 55 */
        for (uint64_t i = 0; i < n; i++)
            kr_latency_record(t->lat, 60000 - (int64_t)(i % 1000) * 5);
        break;
    case OP_LATENCY_ACC: /* the same through kr_latency_acc, per 1000 */
        for (uint64_t i = 0; i < n; i += 1000) {
            struct kr_latency_acc acc;
            kr_latency_acc_init(&acc, t->lat);
            for (uint64_t j = 0; j < 1000 && i + j < n; j++)
                kr_latency_acc_add(&acc, 60000 - (int64_t)j * 5);
            kr_latency_acc_done(&acc);
        }
        break;
    case OP_TIMER:
        for (uint64_t i = 0; i < n; i++) {
            struct kr_latency_timer tm = kr_latency_start(t->lat);
            kr_latency_stop(&tm);
        }
        break;
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(w->cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set); /* best effort */
    pthread_barrier_wait(w->start);
    double t0 = clock_s(CLOCK_MONOTONIC);
    double c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
    run_op(w, ops);
    w->cpu_seconds = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
    w->seconds = clock_s(CLOCK_MONOTONIC) - t0;
    return NULL;
}

/* Runs @op on @nthreads threads (thread i uses targets[i]); returns the
 * mean wall ns per operation of one thread, and its CPU ns in *@cpu_ns. */
static double run(enum op op, int nthreads, const struct target *targets,
                  double *cpu_ns)
{
    pthread_t th[2];
    struct worker w[2];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)nthreads);
    for (int i = 0; i < nthreads; i++) {
        w[i] = (struct worker){
            .op = op, .t = targets[i], .start = &start, .cpu = i};
        pthread_create(&th[i], NULL, worker_main, &w[i]);
    }
    double sum = 0, cpu = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        sum += w[i].seconds;
        cpu += w[i].cpu_seconds;
    }
    pthread_barrier_destroy(&start);
    *cpu_ns = cpu / nthreads / (double)ops * 1e9;
    return sum / nthreads / (double)ops * 1e9;
}

static void row(const char *label, enum op op, int nthreads,
                const struct target *targets)
{
    double cpu_ns;
    run(op, nthreads, targets, &cpu_ns); /* warm-up */
    double ns = run(op, nthreads, targets, &cpu_ns);
    printf("%-44s %8.2f %8.2f\n", label, ns, cpu_ns);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        ops = strtoull(argv[1], NULL, 10) * 1000000;
    if (ops < 2)
        ops = 2;
    srand(1);
    for (size_t i = 0; i < 1024; i++)
        values[i] = 20 + rand() % 5000000 / (1 + rand() % 1000);
    krafka_metrics_t *m = kr_metrics_registry_new("bench");
    struct kr_label other[] = {{"n", "2"}};
    struct target a = {
        .counter = kr_metrics_counter(m, "c", "", NULL, 0),
        .striped = kr_metrics_counter_striped(m, "s", "", NULL, 0),
        .lat = kr_metrics_latency(m, "l", "", NULL, 0),
        .gauge = kr_metrics_gauge(m, "g", "", NULL, 0),
    };
    struct target b = {
        .counter = kr_metrics_counter(m, "c", "", other, 1),
        .lat = kr_metrics_latency(m, "l", "", other, 1),
    };
    if (!a.counter || !a.striped || !a.lat || !a.gauge || !b.counter ||
        !b.lat) {
        fprintf(stderr, "registration failed\n");
        return 1;
    }
    struct target same[2] = {a, a}, apart[2] = {a, b};
    printf("%-44s %8s %8s\n", "operation (threads)", "wall ns", "cpu ns");
    row("counter inc (1)", OP_COUNTER, 1, same);
    row("counter inc, one shared counter (2)", OP_COUNTER, 2, same);
    row("counter inc, two counters (2)", OP_COUNTER, 2, apart);
    row("striped counter inc (1)", OP_STRIPED, 1, same);
    row("striped counter inc, one shared counter (2)", OP_STRIPED, 2, same);
    row("latency record (1)", OP_LATENCY, 1, same);
    row("latency record, one shared tracker (2)", OP_LATENCY, 2, same);
    row("latency record, two trackers (2)", OP_LATENCY, 2, apart);
    row("latency record, batch-like values (1)", OP_LATENCY_SEQ, 1, same);
    row("latency accumulate, batches of 1000 (1)", OP_LATENCY_ACC, 1, same);
    row("gauge add/sub (1)", OP_GAUGE_ADDSUB, 1, same);
    row("gauge add/sub, one shared gauge (2)", OP_GAUGE_ADDSUB, 2, same);
    row("gauge set (1)", OP_GAUGE_SET, 1, same);
    row("timer start+stop incl. 2 clock reads (1)", OP_TIMER, 1, same);
    kr_metrics_registry_destroy(m);
    return 0;
}
