/*
 * The half of the producer benchmark that does not depend on the client:
 * see perf_common.h.
 */
#include "perf_common.h"
#include "valuegen.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

/* Distinct values: 2 MiB of them, as bench/bench_codec.c makes them (same
 * vocabulary and seed, so the codec figures compare): more than a 1 MiB
 * batch holds, so no value repeats inside a batch, and built before the
 * timed region so that neither client pays for the generator. */
#define POOL_BYTES ((size_t)2 << 20)

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s produce -b BOOTSTRAP -t TOPIC -n COUNT -s SIZE [-k]\n"
            "          [-X prop=value ...] [--rate N] [--partitions P]\n"
            "          [--timeout SECONDS] [--no-create]\n"
            "       %s consume -b BOOTSTRAP -t TOPIC -n COUNT\n"
            "          [-X prop=value ...] [--group G] [--batch N] [-q]\n"
            "          [--offset O] [--prefill S]\n"
            "          [--timeout SECONDS]\n"
            "       %s delete -b BOOTSTRAP -t TOPIC   (krafka-perf only)\n"
            "  -k            10-byte keys\n"
            "  -X            a client property (librdkafka names)\n"
            "  --rate N      send N records/s (default: as fast as "
            "possible)\n"
            "  --partitions  partitions if the topic is created (1)\n"
            "  --timeout     bound on the final flush (300); consume: on the "
            "wait\n"
            "                for the next record (60)\n"
            "  --no-create   the topic exists: don't try to create it\n"
            "  --group G     consume: subscribe in group G (default: assign\n"
            "                every partition from the beginning)\n"
            "  --batch N     consume: poll_batch N records at a time (1: "
            "poll)\n"
            "  --offset O    consume: start every partition at offset O "
            "(default:\n"
            "                the beginning, looked up with ListOffsets)\n"
            "  --prefill S   consume: sleep S s before the first poll, so "
            "that\n"
            "                the queue fills up (the memory-cap check)\n"
            "  -q            no progress line on stderr each second, no "
            "summary\n"
            "  --metrics-port P  krafka-perf: serve the client's metrics at\n"
            "                http://127.0.0.1:P/metrics while running\n"
            "  --metrics-dump    krafka-perf: print them (Prometheus text) "
            "to\n"
            "                stderr at the end; -X enable.metrics=false "
            "turns\n"
            "                metrics off\n"
            "Prints one JSON line.\n",
            prog, prog, prog);
}

static bool parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static int add_prop(struct perf_opts *o, const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || o->prop_cnt == PERF_MAX_PROPS) {
        fprintf(stderr, "-X %s: want prop=value (at most %d)\n", arg,
                PERF_MAX_PROPS);
        return 2;
    }
    char *name = strdup(arg);
    if (!name)
        return 1;
    name[eq - arg] = '\0';
    o->prop_name[o->prop_cnt] = name;
    o->prop_value[o->prop_cnt++] = name + (eq - arg) + 1;
    return 0;
}

/* One option; returns 0 or an exit code. */
static int parse_opt(struct perf_opts *o, int c, const char *arg)
{
    long v = 0;
    bool ok = true;
    switch (c) {
    case 'b': o->bootstrap = arg; break;
    case 't': o->topic = arg; break;
    case 'k': o->keys = true; break;
    case 'C': o->no_create = true; break;
    case 'q': o->quiet = true; break;
    case 'g': o->group = arg; break;
    case 'B': ok = parse_long(arg, 1, 1000000, &o->batch); break;
    case 'P': ok = parse_long(arg, 0, 3600, &o->prefill_s); break;
    case 'M': ok = parse_long(arg, 0, 65535, &o->metrics_port); break;
    case 'D': o->metrics_dump = true; break;
    case 'O':
        ok = parse_long(arg, 0, LONG_MAX, &v);
        o->offset = v;
        break;
    case 'X': return add_prop(o, arg);
    case 'n': ok = parse_long(arg, 1, 2000000000L, &o->count); break;
    case 's':
        ok = parse_long(arg, 0, 100L << 20, &v);
        o->size = (size_t)v;
        break;
    case 'r': ok = parse_long(arg, 0, 100000000L, &o->rate); break;
    case 'p':
        ok = parse_long(arg, 1, 100000, &v);
        o->partitions = (int)v;
        break;
    case 'T':
        ok = parse_long(arg, 1, 86400, &v);
        o->timeout_s = (int)v;
        break;
    default: return 2;
    }
    if (!ok)
        fprintf(stderr, "-%c %s: not a number in range\n", c, arg);
    return ok ? 0 : 2;
}

int perf_opts_parse(struct perf_opts *o, int argc, char **argv,
                    const char *prog)
{
    static const struct option longs[] = {
        {"rate", required_argument, NULL, 'r'},
        {"partitions", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 'T'},
        {"no-create", no_argument, NULL, 'C'},
        {"group", required_argument, NULL, 'g'},
        {"batch", required_argument, NULL, 'B'},
        {"offset", required_argument, NULL, 'O'},
        {"prefill", required_argument, NULL, 'P'},
        {"metrics-port", required_argument, NULL, 'M'},
        {"metrics-dump", no_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    *o = (struct perf_opts){.count = 1000000, .size = 100, .partitions = 1,
                            .timeout_s = 300, .batch = 1,
                            .offset = -2, .metrics_port = -1};
    if (argc >= 2 && strcmp(argv[1], "consume") == 0) {
        o->mode = PERF_CONSUME;
        o->timeout_s = 60;
    } else if (argc >= 2 && strcmp(argv[1], "delete") == 0) {
        o->mode = PERF_DELETE;
    } else if (argc < 2 || strcmp(argv[1], "produce") != 0) {
        usage(prog);
        return 2;
    }
    int c, rc;
    optind = 2;
    while ((c = getopt_long(argc, argv, "b:t:n:s:kqX:h", longs, NULL)) !=
           -1) {
        if (c == 'h') {
            usage(prog);
            exit(0);
        }
        if ((rc = parse_opt(o, c, optarg)) != 0) {
            usage(prog);
            return rc;
        }
    }
    if (!o->bootstrap || !o->topic || optind != argc) {
        usage(prog);
        return 2;
    }
    return 0;
}

void perf_opts_free(struct perf_opts *o)
{
    for (int i = 0; i < o->prop_cnt; i++)
        free(o->prop_name[i]);
    o->prop_cnt = 0;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

/* Touches every page of @p now, so that the first write of a record's
 * latency inside the timed region does not take a page fault: the
 * benchmark's own bookkeeping is not the client's work. */
static void prefault(void *p, size_t n)
{
    volatile uint8_t *b = p;
    for (size_t i = 0; i < n; i += 4096)
        b[i] = 0;
}

void perf_run_init(struct perf_run *r, const struct perf_opts *o)
{
    *r = (struct perf_run){.opts = o};
    size_t n = o->size ? POOL_BYTES / o->size : 1;
    r->values_n = n ? n : 1;
    if ((long)r->values_n > o->count)
        r->values_n = (size_t)o->count;
    /* +1: snprintf wants room for its NUL past the last value */
    r->values = xcalloc(r->values_n * o->size + 1, 1);
    vg_fill(r->values, r->values_n * o->size);
    r->keys = xcalloc(r->values_n, PERF_KEY_LEN + 1);
    for (size_t i = 0; i < r->values_n; i++)
        snprintf(r->keys + i * (PERF_KEY_LEN + 1), PERF_KEY_LEN + 1,
                 "key-%06u", (unsigned)(i % 1000000));
    r->lat_us = xcalloc((size_t)o->count, sizeof *r->lat_us);
    prefault(r->lat_us, (size_t)o->count * sizeof *r->lat_us);
    if (o->rate > 0) {
        r->e2e_us = xcalloc((size_t)o->count, sizeof *r->e2e_us);
        r->sent_ns = xcalloc((size_t)o->count, sizeof *r->sent_ns);
        prefault(r->e2e_us, (size_t)o->count * sizeof *r->e2e_us);
        prefault(r->sent_ns, (size_t)o->count * sizeof *r->sent_ns);
        /* sleeps of tens of microseconds, not the default 50 us slack */
        prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    }
}

void perf_run_free(struct perf_run *r)
{
    free(r->values);
    free(r->keys);
    free(r->lat_us);
    free(r->e2e_us);
    free(r->sent_ns);
    *r = (struct perf_run){0};
}

const void *perf_value(const struct perf_run *r, long i)
{
    return r->values + ((size_t)i % r->values_n) * r->opts->size;
}

const char *perf_key(const struct perf_run *r, long i)
{
    if (!r->opts->keys)
        return NULL;
    return r->keys + ((size_t)i % r->values_n) * (PERF_KEY_LEN + 1);
}

int64_t perf_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void perf_start(struct perf_run *r)
{
    getrusage(RUSAGE_SELF, &r->ru0);
    r->t0_ns = perf_now_ns();
    r->tick_ns = r->t0_ns;
}

void perf_stop(struct perf_run *r)
{
    r->t1_ns = perf_now_ns();
    getrusage(RUSAGE_SELF, &r->ru1);
}

void perf_pace(struct perf_run *r, long i)
{
    if (r->opts->rate <= 0)
        return;
    int64_t due = r->t0_ns + (int64_t)((double)i * 1e9 /
                                       (double)r->opts->rate);
    int64_t now = perf_now_ns();
    if (now < due) {
        struct timespec ts = {.tv_sec = due / 1000000000,
                              .tv_nsec = due % 1000000000};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
               EINTR)
            ;
        now = perf_now_ns();
    }
    r->sent_ns[i] = now;
}

/* Keeps the first error's text (@nth: how many came before). */
static void note_error_str(char *first, size_t size, long nth,
                           const char *errstr)
{
    if (nth == 0)
        snprintf(first, size, "%s", errstr ? errstr : "?");
}

static void note_error(struct perf_run *r, const char *errstr)
{
    note_error_str(r->first_err, sizeof r->first_err, r->errors++, errstr);
}

/* Latency bucket: 8 steps per power of two (12.5% wide at most). */
static int lat_bucket(uint32_t us)
{
    if (us < 8)
        return (int)us;
    int e = 31 - __builtin_clz(us); /* >= 3 */
    int b = (e - 2) * 8 + (int)((us >> (e - 3)) & 7);
    return b < PERF_LAT_BUCKETS ? b : PERF_LAT_BUCKETS - 1;
}

static uint32_t lat_bucket_low(int b)
{
    if (b < 8)
        return (uint32_t)b;
    int e = b / 8 + 2;
    return (uint32_t)(8 + b % 8) << (e - 3);
}

static long hist_pct(const uint32_t *h, long n, double p)
{
    long want = (long)(p * (double)n), seen = 0;
    for (int b = 0; b < PERF_LAT_BUCKETS; b++)
        if ((seen += h[b]) > want)
            return (long)lat_bucket_low(b);
    return -1;
}

/* Once a second (checked every 1024 reports): the rate over the last
 * second and the latency so far, on stderr. */
static void pprogress(struct perf_run *r)
{
    int64_t now = perf_now_ns();
    if (r->opts->quiet || now - r->tick_ns < 1000000000)
        return;
    double dt = (double)(now - r->tick_ns) * 1e-9;
    double rb = (double)(r->opts->size + (r->opts->keys ? PERF_KEY_LEN : 0));
    fprintf(stderr,
            "%6.1f s %11ld records %10.0f rec/s %8.1f MB/s  latency so far "
            "p50 %ld us p99 %ld us\n",
            (double)(now - r->t0_ns) * 1e-9, r->delivered,
            (double)(r->delivered - r->tick_delivered) / dt,
            (double)(r->delivered - r->tick_delivered) * rb / dt / 1e6,
            hist_pct(r->lat_hist, r->lat_n, 0.50),
            hist_pct(r->lat_hist, r->lat_n, 0.99));
    r->tick_ns = now;
    r->tick_delivered = r->delivered;
}

void perf_delivered(struct perf_run *r, long i, bool failed,
                    int64_t latency_us, const char *errstr)
{
    if (i < 0 || i >= r->opts->count)
        return;
    if (failed) {
        note_error(r, errstr);
        return;
    }
    r->delivered++;
    if (latency_us >= 0) {
        r->lat_us[r->lat_n++] = (uint32_t)latency_us;
        r->lat_hist[lat_bucket((uint32_t)latency_us)]++;
    }
    if ((r->delivered & 1023) == 0)
        pprogress(r);
    if (r->sent_ns) {
        int64_t d = (perf_now_ns() - r->sent_ns[i]) / 1000;
        r->e2e_us[r->e2e_n++] = (uint32_t)(d > 0 ? d : 0);
    }
}

void perf_send_failed(struct perf_run *r, const char *errstr)
{
    note_error(r, errstr);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of the sorted @v; -1 when empty. */
static long pct(const uint32_t *v, long n, double p)
{
    if (n == 0)
        return -1;
    long k = (long)(p * (double)n + 0.999999) - 1;
    return (long)v[k < 0 ? 0 : (k >= n ? n - 1 : k)];
}

static void print_pcts(const char *name, uint32_t *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u32);
    printf(",\"%s_p50_us\":%ld,\"%s_p99_us\":%ld,\"%s_p999_us\":%ld,"
           "\"%s_max_us\":%ld",
           name, pct(v, n, 0.50), name, pct(v, n, 0.99), name,
           pct(v, n, 0.999), name, n ? (long)v[n - 1] : -1L);
}

/* @s as a JSON string: the properties and errors are plain ASCII, so
 * quotes, backslashes and control characters are all there is to do. */
static void print_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", (unsigned)*s);
        else
            putchar(*s);
    }
    putchar('"');
}

static double tv_s(const struct timeval *a, const struct timeval *b)
{
    return (double)(b->tv_sec - a->tv_sec) +
           (double)(b->tv_usec - a->tv_usec) * 1e-6;
}

/* ,"props":{the -X properties} */
static void print_props(const struct perf_opts *o)
{
    printf(",\"props\":{");
    for (int i = 0; i < o->prop_cnt; i++) {
        printf(i ? "," : "");
        print_str(o->prop_name[i]);
        putchar(':');
        print_str(o->prop_value[i]);
    }
    putchar('}');
}

static void print_settings(const struct perf_run *r)
{
    const struct perf_opts *o = r->opts;
    printf(",\"errors\":%ld,\"first_error\":", r->errors);
    print_str(r->first_err);
    printf(",\"topic\":");
    print_str(o->topic);
    printf(",\"size\":%zu,\"keys\":%s,\"rate\":%ld,\"partitions\":%d",
           o->size, o->keys ? "true" : "false", o->rate, o->partitions);
    print_props(o);
    printf("}\n");
}

void perf_report(struct perf_run *r, const char *client,
                 const char *version)
{
    double secs = (double)(r->t1_ns - r->t0_ns) * 1e-9;
    double user = tv_s(&r->ru0.ru_utime, &r->ru1.ru_utime);
    double sys = tv_s(&r->ru0.ru_stime, &r->ru1.ru_stime);
    double n = (double)r->delivered;
    double bytes = n * (double)(r->opts->size +
                                (r->opts->keys ? PERF_KEY_LEN : 0));
    printf("{\"client\":\"%s\",\"version\":\"%s\",\"records\":%ld,"
           "\"bytes\":%.0f,\"elapsed_s\":%.6f,\"records_per_s\":%.0f,"
           "\"mb_per_s\":%.3f,\"cpu_us_per_record\":%.4f,"
           "\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,\"max_rss_kb\":%ld",
           client, version, r->delivered, bytes, secs,
           secs > 0 ? n / secs : 0, secs > 0 ? bytes / secs / 1e6 : 0,
           n > 0 ? (user + sys) * 1e6 / n : 0, user, sys,
           r->ru1.ru_maxrss);
    print_pcts("lat", r->lat_us, r->lat_n);
    if (r->e2e_us)
        print_pcts("e2e", r->e2e_us, r->e2e_n);
    print_settings(r);
    fflush(stdout);
    if (!r->opts->quiet) /* lat_us is sorted by print_pcts */
        fprintf(stderr,
                "%s: %ld records in %.2f s: %.0f rec/s, %.1f MB/s, %.3f us "
                "CPU per record; latency p50 %ld us, p99 %ld us, p99.9 %ld "
                "us; %ld errors\n",
                client, r->delivered, secs, secs > 0 ? n / secs : 0,
                secs > 0 ? bytes / secs / 1e6 : 0,
                n > 0 ? (user + sys) * 1e6 / n : 0,
                pct(r->lat_us, r->lat_n, 0.50), pct(r->lat_us, r->lat_n, 0.99),
                pct(r->lat_us, r->lat_n, 0.999), r->errors);
}

/* ---- consume ---- */

const char *const *perf_consume_defaults(const struct perf_opts *o)
{
    /* A group starts where the topic starts (no committed offsets: the
     * scripts use a new group per run); a manual assignment commits
     * nothing, so that neither client talks to a coordinator. */
    static const char *const group[] = {"auto.offset.reset", "earliest",
                                        NULL};
    static const char *const assign[] = {"auto.offset.reset", "earliest",
                                         "enable.auto.commit", "false",
                                         NULL};
    return o->group ? group : assign;
}

void perf_crun_init(struct perf_crun *r, const struct perf_opts *o)
{
    *r = (struct perf_crun){.opts = o};
}

void perf_cstart(struct perf_crun *r)
{
    if (r->opts->prefill_s > 0) {
        struct timespec ts = {.tv_sec = r->opts->prefill_s};
        while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
            ;
    }
    getrusage(RUSAGE_SELF, &r->ru0);
    r->t0_ns = perf_now_ns();
    r->idle_since_ns = r->t0_ns;
    r->tick_ns = r->t0_ns;
}

void perf_cevent(struct perf_crun *r, const char *errstr)
{
    note_error_str(r->first_err, sizeof r->first_err, r->errors++, errstr);
}

/* Once a second: the rate over the last second, on stderr. */
static void progress(struct perf_crun *r, int64_t now)
{
    if (r->opts->quiet || now - r->tick_ns < 1000000000)
        return;
    double dt = (double)(now - r->tick_ns) * 1e-9;
    fprintf(stderr,
            "%6.1f s %11ld records %10.0f rec/s %8.1f MB/s  max stall "
            "%ld ms\n",
            (double)(now - r->t0_ns) * 1e-9, r->records,
            (double)(r->records - r->tick_records) / dt,
            (double)(r->bytes - r->tick_bytes) / dt / 1e6,
            (long)(r->max_stall_ns / 1000000));
    r->tick_ns = now;
    r->tick_records = r->records;
    r->tick_bytes = r->bytes;
}

bool perf_cpolled(struct perf_crun *r, long before)
{
    int64_t now = perf_now_ns();
    if (r->records > before) {
        if (r->last_ns && now - r->last_ns > r->max_stall_ns)
            r->max_stall_ns = now - r->last_ns;
        if (!r->first_ns)
            r->first_ns = now;
        r->last_ns = now;
        r->idle_since_ns = now;
    }
    if (r->records >= r->opts->count) {
        r->t1_ns = now;
        getrusage(RUSAGE_SELF, &r->ru1);
        return false;
    }
    progress(r, now);
    if (now - r->idle_since_ns > (int64_t)r->opts->timeout_s * 1000000000) {
        fprintf(stderr, "no record for %d s: stopping at %ld of %ld\n",
                r->opts->timeout_s, r->records, r->opts->count);
        r->t1_ns = now;
        getrusage(RUSAGE_SELF, &r->ru1);
        return false;
    }
    return true;
}

void perf_creport(struct perf_crun *r, const char *client,
                  const char *version)
{
    const struct perf_opts *o = r->opts;
    double secs = (double)(r->t1_ns - r->t0_ns) * 1e-9;
    double user = tv_s(&r->ru0.ru_utime, &r->ru1.ru_utime);
    double sys = tv_s(&r->ru0.ru_stime, &r->ru1.ru_stime);
    double n = (double)r->records, bytes = (double)r->bytes;
    printf("{\"client\":\"%s\",\"version\":\"%s\",\"mode\":\"consume\","
           "\"records\":%ld,\"bytes\":%.0f,\"elapsed_s\":%.6f,"
           "\"records_per_s\":%.0f,\"mb_per_s\":%.3f,"
           "\"cpu_us_per_record\":%.4f,\"cpu_user_s\":%.3f,"
           "\"cpu_sys_s\":%.3f,\"max_rss_kb\":%ld,\"max_stall_ms\":%.1f,"
           "\"first_record_ms\":%.1f",
           client, version, r->records, bytes, secs,
           secs > 0 ? n / secs : 0, secs > 0 ? bytes / secs / 1e6 : 0,
           n > 0 ? (user + sys) * 1e6 / n : 0, user, sys, r->ru1.ru_maxrss,
           (double)r->max_stall_ns * 1e-6,
           r->first_ns ? (double)(r->first_ns - r->t0_ns) * 1e-6 : -1.0);
    printf(",\"errors\":%ld,\"first_error\":", r->errors);
    print_str(r->first_err);
    printf(",\"topic\":");
    print_str(o->topic);
    printf(",\"group\":");
    print_str(o->group ? o->group : "");
    printf(",\"batch\":%ld,\"offset\":%lld,\"prefill_s\":%ld,"
           "\"partitions\":%d",
           o->batch, o->offset, o->prefill_s, r->partitions);
    print_props(o);
    printf("}\n");
    fflush(stdout);
}
