/*
 * Metrics core: counters and gauges under threads, the latency histogram
 * against sorted samples, clamping, reset, the registry, and the
 * Prometheus and JSON exports checked by strict parsers (promparse.h,
 * jsonparse.h).
 */
#include <arpa/inet.h>
#include <check.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "jsonparse.h"
#include "kt_check.h"
#include "metrics/metrics.h"
#include "promparse.h"

/* Deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
    rng_state = s * 0x9E3779B97F4A7C15ull + 1;
}

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

/* Uniform in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* ---- counters and gauges ------------------------------------------------- */

#define THREADS 8
#define INCS 1000000

struct hammer {
    struct kr_counter *c;
    struct kr_counter_striped *sc;
    struct kr_gauge *g;
    struct kr_latency *lat;
};

static void *hammer_counters(void *arg)
{
    struct hammer *h = arg;
    for (int i = 0; i < INCS; i++) {
        kr_counter_inc(h->c);
        kr_counter_striped_inc(h->sc);
        kr_gauge_add(h->g, 1);
    }
    return NULL;
}

static void run_threads(void *(*fn)(void *), void *arg)
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, fn, arg), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
}

START_TEST(counters_are_exact_under_8_threads_x_1000000_increments)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c1");
    struct hammer h = {
        .c = kr_metrics_counter(m, "plain", "a plain counter", NULL, 0),
        .sc = kr_metrics_counter_striped(m, "striped", "striped", NULL, 0),
        .g = kr_metrics_gauge(m, "level", "a gauge", NULL, 0),
    };
    ck_assert_ptr_nonnull(h.c);
    ck_assert_ptr_nonnull(h.sc);
    ck_assert_ptr_nonnull(h.g);
    run_threads(hammer_counters, &h);
    ck_assert_uint_eq(kr_counter_get(h.c), (uint64_t)THREADS * INCS);
    ck_assert_uint_eq(kr_counter_striped_get(h.sc), (uint64_t)THREADS * INCS);
    ck_assert_uint_eq(kr_gauge_get(h.g), (uint64_t)THREADS * INCS);
    kr_counter_add(h.c, 5);
    ck_assert_uint_eq(kr_counter_get(h.c), (uint64_t)THREADS * INCS + 5);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(gauge_decrement_saturates_at_zero)
{
    struct kr_gauge g = {0};
    kr_gauge_sub(&g, 1);
    ck_assert_uint_eq(kr_gauge_get(&g), 0);
    kr_gauge_add(&g, 10);
    kr_gauge_sub(&g, 3);
    ck_assert_uint_eq(kr_gauge_get(&g), 7);
    kr_gauge_sub(&g, 8);
    ck_assert_uint_eq(kr_gauge_get(&g), 0);
    kr_gauge_set(&g, UINT64_MAX);
    kr_gauge_sub(&g, UINT64_MAX - 1);
    ck_assert_uint_eq(kr_gauge_get(&g), 1);
    kr_gauge_set(&g, 42);
    ck_assert_uint_eq(kr_gauge_get(&g), 42);
}
END_TEST

static void *gauge_updown(void *arg)
{
    struct kr_gauge *g = arg;
    for (int i = 0; i < 200000; i++) {
        kr_gauge_add(g, 2);
        kr_gauge_sub(g, 3); /* more than was added: saturates, never wraps */
    }
    return NULL;
}

START_TEST(gauge_never_wraps_below_zero_under_racing_threads)
{
    struct kr_gauge g = {0};
    run_threads(gauge_updown, &g);
    /* The value never exceeds 2 x the threads whose last step was an add,
     * and every thread ends with a subtraction. */
    ck_assert_uint_eq(kr_gauge_get(&g), 0);
}
END_TEST

/* ---- latency histogram ---------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest rank, computed as the tracker does. */
static uint64_t true_quantile(const uint64_t *sorted, size_t n, double q)
{
    double r = q * (double)n;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r)
        rank++;
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

#define NSAMPLES 100000

/* Records @v into a tracker and checks every percentile 1..99 and the
 * named ones against the sorted samples; returns the worst relative error. */
static double check_quantiles(uint64_t *v, size_t n)
{
    struct kr_latency *l = malloc(sizeof *l);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_init(l);
    for (size_t i = 0; i < n; i++)
        kr_latency_record(l, (int64_t)v[i]);
    kr_latency_snapshot(l, s);
    qsort(v, n, sizeof *v, cmp_u64);
    double qs[104], worst = 0;
    size_t nq = 0;
    for (int p = 1; p <= 99; p++)
        qs[nq++] = p / 100.0;
    qs[nq++] = 0.95;
    qs[nq++] = 0.999;
    qs[nq++] = 1.0;
    for (size_t i = 0; i < nq; i++) {
        double want = (double)true_quantile(v, n, qs[i]);
        double got = kr_latency_quantile(s, qs[i]);
        double rel = fabs(got - want) / want;
        ck_assert_msg(rel <= 0.03, "q=%g want %g got %g", qs[i], want, got);
        if (rel > worst)
            worst = rel;
    }
    /* The header promises half a bucket: 1/64. */
    ck_assert_double_le(worst, 1.0 / 64 + 1e-12);
    free(s);
    free(l);
    return worst;
}

START_TEST(percentiles_of_uniform_data_are_within_3_percent)
{
    uint64_t *v = malloc(NSAMPLES * sizeof *v);
    rng_seed(11);
    for (size_t i = 0; i < NSAMPLES; i++)
        v[i] = 1 + rng_next() % 1000000;
    check_quantiles(v, NSAMPLES);
    for (size_t i = 0; i < NSAMPLES; i++) /* small values: exact buckets */
        v[i] = 1 + rng_next() % 63;
    ck_assert_double_eq(check_quantiles(v, NSAMPLES), 0);
    free(v);
}
END_TEST

START_TEST(percentiles_of_exponential_data_are_within_3_percent)
{
    uint64_t *v = malloc(NSAMPLES * sizeof *v);
    rng_seed(12);
    for (size_t i = 0; i < NSAMPLES; i++)
        v[i] = 1 + (uint64_t)(-5000.0 * log(1.0 - rng_unit()));
    check_quantiles(v, NSAMPLES);
    free(v);
}
END_TEST

START_TEST(percentiles_of_bimodal_data_are_within_3_percent)
{
    uint64_t *v = malloc(NSAMPLES * sizeof *v);
    rng_seed(13);
    for (size_t i = 0; i < NSAMPLES; i++)
        v[i] = rng_next() % 2 ? 150 + rng_next() % 100    /* ~200 us */
                              : 40000 + rng_next() % 20000; /* ~50 ms */
    check_quantiles(v, NSAMPLES);
    free(v);
}
END_TEST

START_TEST(count_sum_min_max_mean_are_exact)
{
    struct kr_latency *l = malloc(sizeof *l);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_init(l);
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, 0);
    ck_assert_uint_eq(s->min, 0);
    ck_assert_double_eq(kr_latency_quantile(s, 0.5), 0);
    uint64_t sum = 0;
    rng_seed(14);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = 100 + rng_next() % 1000000;
        sum += v;
        kr_latency_record(l, (int64_t)v);
    }
    kr_latency_record(l, 7);
    kr_latency_record(l, 2000000);
    sum += 7 + 2000000;
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, 10002);
    ck_assert_uint_eq(s->sum, sum);
    ck_assert_uint_eq(s->min, 7);
    ck_assert_uint_eq(s->max, 2000000);
    krafka_metrics_latency_t pub;
    kr_latency_to_public(s, &pub);
    ck_assert_double_eq(pub.mean_us, (double)sum / 10002);
    ck_assert_double_eq(kr_latency_quantile(s, 0), 7);
    ck_assert_double_eq(kr_latency_quantile(s, 1), 2000000);
    ck_assert_double_eq(pub.p99_us, kr_latency_quantile(s, 0.99));
    ck_assert_double_eq(krafka_metrics_latency_quantile(&pub, 0.9),
                        kr_latency_quantile(s, 0.9));
    free(s);
    free(l);
}
END_TEST

static void *hammer_latency(void *arg)
{
    struct kr_latency *l = arg;
    for (int i = 1; i <= 100000; i++)
        kr_latency_record(l, i);
    return NULL;
}

START_TEST(latency_count_min_max_are_exact_under_8_threads)
{
    struct kr_latency *l = malloc(sizeof *l);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_init(l);
    run_threads(hammer_latency, l);
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, THREADS * 100000ull);
    ck_assert_uint_eq(s->sum, THREADS * (100000ull * 100001 / 2));
    ck_assert_uint_eq(s->min, 1);
    ck_assert_uint_eq(s->max, 100000);
    free(s);
    free(l);
}
END_TEST

START_TEST(values_outside_1us_to_1h_clamp_into_the_end_buckets)
{
    struct kr_latency *l = malloc(sizeof *l);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_init(l);
    kr_latency_record(l, 0);
    kr_latency_record(l, -5);
    kr_latency_record(l, INT64_MAX);
    kr_latency_record(l, 2 * 3600000000ll);
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, 4);
    ck_assert_uint_eq(s->min, 1);
    ck_assert_uint_eq(s->max, 3600000000ull);
    ck_assert_uint_eq(s->buckets[1], 2);
    ck_assert_uint_eq(s->buckets[KR_LAT_BUCKETS - 1], 2);
    ck_assert_uint_eq(s->sum, 2 + 2 * 3600000000ull);
    ck_assert_double_eq(kr_latency_quantile(s, 1), 3600000000.0);
    free(s);
    free(l);
}
END_TEST

START_TEST(buckets_tile_1us_to_1h_without_gaps_within_1_in_32)
{
    ck_assert_uint_eq(kr_latency_bucket(KR_LAT_MAX_US), KR_LAT_BUCKETS - 1);
    for (size_t i = 1; i < KR_LAT_BUCKETS; i++) {
        uint64_t lo = kr_latency_bucket_lo(i), hi = kr_latency_bucket_hi(i);
        ck_assert_uint_le(lo, hi);
        ck_assert_uint_eq(kr_latency_bucket(lo), i);
        ck_assert_uint_eq(kr_latency_bucket(hi), i);
        if (i + 1 < KR_LAT_BUCKETS)
            ck_assert_uint_eq(kr_latency_bucket_lo(i + 1), hi + 1);
        ck_assert_uint_le((hi - lo) * 32, lo);
        uint64_t plo, phi;
        krafka_metrics_bucket_range(i, &plo, &phi);
        ck_assert_uint_eq(plo, lo);
        ck_assert_uint_eq(phi, hi);
    }
    uint64_t lo = 1, hi = 1;
    krafka_metrics_bucket_range(KR_LAT_BUCKETS, &lo, &hi);
    ck_assert_uint_eq(lo + hi, 0);
}
END_TEST

START_TEST(timer_records_the_elapsed_time_once_and_scoped_timer_on_exit)
{
    struct kr_latency *l = malloc(sizeof *l);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_init(l);
    struct kr_latency_timer t = kr_latency_start(l);
    struct timespec ts = {0, 2000000}; /* 2 ms */
    nanosleep(&ts, NULL);
    int64_t us = kr_latency_stop(&t);
    ck_assert_int_ge(us, 2000);
    kr_latency_stop(&t); /* no second record */
    {
        KR_LATENCY_SCOPED(scope, l);
        nanosleep(&ts, NULL);
    }
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, 2);
    ck_assert_uint_ge(s->min, 2000);
    free(s);
    free(l);
}
END_TEST

/* ---- registry ------------------------------------------------------------ */

static const struct kr_label broker1[] = {{"broker", "1"}};
static const struct kr_label tp0[] = {{"topic", "orders"},
                                      {"partition", "0"}};

START_TEST(registering_a_name_and_labels_twice_returns_the_same_metric)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c1");
    struct kr_counter *a = kr_metrics_counter(m, "requests", "h", broker1, 1);
    struct kr_counter *b = kr_metrics_counter(m, "requests", "other help",
                                              broker1, 1);
    struct kr_label broker2[] = {{"broker", "2"}};
    struct kr_counter *c = kr_metrics_counter(m, "requests", "h", broker2, 1);
    struct kr_counter *d = kr_metrics_counter(m, "requests", "h", NULL, 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_ne(a, c);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_ne(a, d);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(bad_names_labels_and_type_conflicts_are_rejected)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c1");
    void *v;
    static const char *const bad_names[] = {
        "",        "9lives",      "has-dash", "has space", "sent_total",
        "x_count", "lat_seconds", "x_bucket", "x_sum",     "ünï"};
    for (size_t i = 0; i < sizeof bad_names / sizeof *bad_names; i++)
        ck_assert_int_eq(kr_metrics_register(m, KR_METRIC_COUNTER,
                                             bad_names[i], "", NULL, 0, &v),
                         KRAFKA_ERR_LOCAL_INVALID_ARG);
    static const struct kr_label bad_labels[][2] = {
        {{"client_id", "x"}, {"b", "1"}}, {{"le", "1"}, {"b", "1"}},
        {{"quantile", "1"}, {"b", "1"}},  {{"__x", "1"}, {"b", "1"}},
        {{"a-b", "1"}, {"b", "1"}},       {{"b", "1"}, {"b", "2"}},
        {{"b", NULL}, {"c", "1"}}};
    for (size_t i = 0; i < sizeof bad_labels / sizeof *bad_labels; i++)
        ck_assert_ptr_null(kr_metrics_gauge(m, "g", "", bad_labels[i], 2));
    struct kr_label five[5] = {{"a", "1"}, {"b", "1"}, {"c", "1"},
                               {"d", "1"}, {"e", "1"}};
    ck_assert_ptr_null(kr_metrics_gauge(m, "g", "", five, 5));
    ck_assert_ptr_nonnull(kr_metrics_gauge(m, "g", "", five, 4));
    ck_assert_ptr_null(kr_metrics_counter(m, "g", "", NULL, 0));
    ck_assert_ptr_null(kr_metrics_latency(m, "g", "", NULL, 0));
    ck_assert_ptr_null(kr_metrics_counter_striped(m, "g", "", NULL, 0));
    kr_metrics_registry_destroy(m);
}
END_TEST

/* A registry with one metric of each kind and labels that need escaping. */
static krafka_metrics_t *sample_registry(const char *client_id)
{
    krafka_metrics_t *m = kr_metrics_registry_new(client_id);
    kr_counter_add(kr_metrics_counter(m, "producer_records_sent",
                                      "Records acknowledged", tp0, 2),
                   1000);
    struct kr_label odd[] = {{"topic", "we\"ird\\to\npic"}, {"partition", "3"}};
    kr_counter_add(kr_metrics_counter(m, "producer_records_sent",
                                      "Records acknowledged", odd, 2),
                   7);
    kr_counter_striped_add(
        kr_metrics_counter_striped(m, "producer_bytes_sent",
                                   "Bytes \\ sent\nover the wire", NULL, 0),
        123456);
    kr_gauge_set(kr_metrics_gauge(m, "producer_buffered_records",
                                  "Records waiting", NULL, 0),
                 42);
    struct kr_latency *l = kr_metrics_latency(
        m, "producer_request_latency", "Request latency", broker1, 1);
    for (int i = 1; i <= 1000; i++)
        kr_latency_record(l, i * 100);
    kr_metrics_latency(m, "consumer_poll_latency", "", NULL, 0); /* empty */
    return m;
}

START_TEST(prometheus_output_passes_a_strict_exposition_parser)
{
    krafka_metrics_t *m = sample_registry("app \"1\"");
    char *text = NULL;
    size_t len = 0, fams = 0;
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, &len),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(len, strlen(text));
    const char *err = prom_check(text, &fams);
    ck_assert_msg(!err, "%s\n%s", err, text);
    ck_assert_uint_eq(fams, 7); /* 3 plain + 2 latencies x 2 */
    ck_assert_ptr_nonnull(strstr(
        text, "krafka_producer_records_sent_total{client_id=\"app \\\"1\\\"\","
              "topic=\"orders\",partition=\"0\"} 1000\n"));
    ck_assert_ptr_nonnull(strstr(text, "topic=\"we\\\"ird\\\\to\\npic\""));
    ck_assert_ptr_nonnull(
        strstr(text, "# HELP krafka_producer_bytes_sent_total Bytes \\\\ "
                     "sent\\nover the wire\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE krafka_producer_bytes_sent_"
                                       "total counter\n"));
    ck_assert_ptr_nonnull(strstr(text, "} 123456\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "# TYPE krafka_producer_buffered_records gauge\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "# TYPE krafka_producer_request_latency_seconds histogram\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE krafka_producer_request_"
                                       "latency_summary_seconds summary\n"));
    /* 100..100000 us: 10 samples up to 1 ms, all by 0.1 s; sum exact. */
    ck_assert_ptr_nonnull(strstr(text, "broker=\"1\",le=\"0.001\"} 10\n"));
    ck_assert_ptr_nonnull(strstr(text, "broker=\"1\",le=\"0.1\"} 1000\n"));
    ck_assert_ptr_nonnull(strstr(text, "broker=\"1\",le=\"+Inf\"} 1000\n"));
    ck_assert_ptr_nonnull(strstr(text, "_seconds_sum{client_id=\"app "
                                       "\\\"1\\\"\",broker=\"1\"} 50.050000\n"));
    ck_assert_ptr_nonnull(strstr(text, "quantile=\"0.999\"}"));
    krafka_metrics_free(text);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(the_strict_exposition_parser_rejects_malformed_text)
{
    static const char *const bad[] = {
        "krafka_x 1\n",                                   /* no TYPE */
        "# TYPE x gauge\nx{a=\"1\"} 1",                   /* no final \n */
        "# TYPE x gauge\nx{a=\"\\t\"} 1\n",               /* bad escape */
        "# TYPE x gauge\nx{a=\"1\",a=\"2\"} 1\n",         /* dup label */
        "# TYPE x gauge\nx{a=1} 1\n",                     /* unquoted */
        "# TYPE x gauge\nx 1.2.3\n",                      /* bad float */
        "# TYPE x gauge\nx 1\n# TYPE y gauge\ny 1\nx 2\n", /* split family */
        "# TYPE x gauge\nx 1\nx 2\n",                     /* dup series */
        "# TYPE x gauge\n# TYPE x counter\nx 1\n",        /* two TYPEs */
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
         "h_sum 1\nh_count 1\n"), /* not cumulative */
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n",
        "# TYPE s summary\ns{quantile=\"2\"} 1\ns_sum 1\ns_count 1\n",
        "# TYPE x gauge\n\nx 1\n", /* empty line */
        "# note\n# TYPE x gauge\nx 1\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(prom_check(bad[i], NULL), "accepted: %s", bad[i]);
    ck_assert_ptr_null(
        prom_check("# HELP x a \\\\ b\n# TYPE x gauge\nx{a=\"\\n\"} -1e-05 "
                   "123\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                   "h_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n",
                   NULL));
}
END_TEST

START_TEST(prometheus_multi_writes_help_and_type_once_per_family)
{
    krafka_metrics_t *regs[2] = {sample_registry("p1"),
                                 sample_registry("c2")};
    char *text = NULL;
    size_t fams = 0;
    ck_assert_int_eq(krafka_metrics_prometheus_multi(
                         (const krafka_metrics_t *const *)regs, 2, &text,
                         NULL),
                     KRAFKA_ERR_NONE);
    const char *err = prom_check(text, &fams);
    ck_assert_msg(!err, "%s\n%s", err, text);
    ck_assert_uint_eq(fams, 7);
    ck_assert_ptr_nonnull(strstr(text, "client_id=\"p1\""));
    ck_assert_ptr_nonnull(strstr(text, "client_id=\"c2\""));
    krafka_metrics_free(text);
    /* One name with two kinds in two registries cannot be exported. */
    kr_metrics_gauge(regs[0], "clash", "", NULL, 0);
    kr_metrics_counter(regs[1], "clash", "", NULL, 0);
    ck_assert_int_eq(krafka_metrics_prometheus_multi(
                         (const krafka_metrics_t *const *)regs, 2, &text,
                         NULL),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_ptr_null(text);
    kr_metrics_registry_destroy(regs[0]);
    kr_metrics_registry_destroy(regs[1]);
}
END_TEST

START_TEST(json_output_passes_a_strict_json_parser)
{
    krafka_metrics_t *m = sample_registry("app\t\"1\"");
    char *text = NULL;
    size_t len = 0;
    ck_assert_int_eq(krafka_metrics_json(m, &text, &len), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(len, strlen(text));
    const char *err = json_check(text, len);
    ck_assert_msg(!err, "%s\n%s", err, text);
    ck_assert_ptr_nonnull(strstr(text, "\"client_id\":\"app\\u0009\\\"1\\\"\""));
    ck_assert_ptr_nonnull(strstr(text, "\"topic\":\"we\\\"ird\\\\to\\u000apic\""));
    ck_assert_ptr_nonnull(strstr(text, "\"type\":\"counter\""));
    ck_assert_ptr_nonnull(strstr(text, "\"value\":123456"));
    ck_assert_ptr_nonnull(strstr(text, "\"value\":42"));
    ck_assert_ptr_nonnull(strstr(text, "\"count\":1000,\"sum_us\":50050000,"
                                       "\"min_us\":100,\"max_us\":100000"));
    krafka_metrics_free(text);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(the_strict_json_parser_rejects_malformed_text)
{
    static const char *const bad[] = {
        "",         "[1,]",      "{\"a\":1,}", "[01]",   "[1.]",
        "[\"a\tb\"]", "[\"\\x\"]", "{a:1}",      "[1] [2]", "[-]",
        "[\"\\u12\"]", "[tru]",    "[1e]",       "[NaN]",   "[\"abc"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(json_check(bad[i], strlen(bad[i])), "accepted: %s",
                      bad[i]);
    const char *ok = " [ {\"a\": [1, -0.5e+3, true, false, null]}, "
                     "\"\\u00e9\\n\" ] ";
    ck_assert_ptr_null(json_check(ok, strlen(ok)));
}
END_TEST

struct seen {
    int counters, gauges, latencies;
    uint64_t sent, lat_count;
    char order[8][64];
};

static void on_counter(void *opaque, const krafka_metric_desc_t *d,
                       uint64_t v)
{
    struct seen *s = opaque;
    snprintf(s->order[s->counters + s->gauges + s->latencies], 64, "%s",
             d->name);
    s->counters++;
    if (!strcmp(d->name, "producer_records_sent") && d->label_cnt == 3 &&
        !strcmp(d->label_values[1], "orders")) {
        ck_assert_str_eq(d->label_keys[0], "client_id");
        ck_assert_str_eq(d->label_values[0], "v");
        ck_assert_str_eq(d->label_keys[2], "partition");
        s->sent = v;
    }
}

static void on_gauge(void *opaque, const krafka_metric_desc_t *d, uint64_t v)
{
    struct seen *s = opaque;
    snprintf(s->order[s->counters + s->gauges + s->latencies], 64, "%s",
             d->name);
    s->gauges++;
    ck_assert_uint_eq(v, 42);
}

static void on_latency(void *opaque, const krafka_metric_desc_t *d,
                       const krafka_metrics_latency_t *l)
{
    struct seen *s = opaque;
    snprintf(s->order[s->counters + s->gauges + s->latencies], 64, "%s",
             d->name);
    s->latencies++;
    ck_assert_uint_eq(l->size, sizeof *l);
    ck_assert_uint_eq(l->bucket_cnt, KR_LAT_BUCKETS);
    s->lat_count += l->count;
}

START_TEST(visitor_sees_every_metric_by_name_with_labels_and_values)
{
    krafka_metrics_t *m = sample_registry("v");
    struct seen s = {0};
    krafka_metrics_visitor_t v = {.size = sizeof v,
                                  .counter = on_counter,
                                  .gauge = on_gauge,
                                  .latency = on_latency};
    ck_assert_int_eq(krafka_metrics_visit(m, &v, &s), KRAFKA_ERR_NONE);
    ck_assert_int_eq(s.counters, 3);
    ck_assert_int_eq(s.gauges, 1);
    ck_assert_int_eq(s.latencies, 2);
    ck_assert_uint_eq(s.sent, 1000);
    ck_assert_uint_eq(s.lat_count, 1000);
    ck_assert_str_eq(s.order[0], "consumer_poll_latency");
    ck_assert_str_eq(s.order[5], "producer_request_latency");
    /* A visitor from before the histogram callback is accepted; one
     * shorter than that is not. */
    krafka_metrics_visitor_t old = {
        .size = offsetof(krafka_metrics_visitor_t, histogram)};
    ck_assert_int_eq(krafka_metrics_visit(m, &old, &s), KRAFKA_ERR_NONE);
    old.size--;
    ck_assert_int_eq(krafka_metrics_visit(m, &old, &s),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(reset_empties_counters_gauges_and_latency_trackers)
{
    krafka_metrics_t *m = sample_registry("r");
    krafka_metrics_reset(m);
    char *text = NULL;
    ck_assert_int_eq(krafka_metrics_json(m, &text, NULL), KRAFKA_ERR_NONE);
    ck_assert_ptr_null(strstr(text, "\"value\":1"));
    ck_assert_ptr_null(strstr(text, "\"value\":4"));
    ck_assert_ptr_null(strstr(text, "\"count\":1"));
    krafka_metrics_free(text);
    /* The same pointers keep working after a reset. */
    struct kr_latency *l = kr_metrics_latency(m, "producer_request_latency",
                                              "", broker1, 1);
    kr_latency_record(l, 55);
    struct kr_latency_snapshot *s = malloc(sizeof *s);
    kr_latency_snapshot(l, s);
    ck_assert_uint_eq(s->count, 1);
    ck_assert_uint_eq(s->min, 55);
    ck_assert_uint_eq(s->max, 55);
    free(s);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(an_empty_registry_exports_empty_text_and_an_empty_array)
{
    krafka_metrics_t *m = kr_metrics_registry_new(NULL);
    char *text = NULL;
    size_t len = 1;
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, &len),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(text, "");
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_json(m, &text, &len), KRAFKA_ERR_NONE);
    ck_assert_ptr_null(json_check(text, len));
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_prometheus(NULL, &text, &len),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_metrics_registry_destroy(m);
    kr_metrics_registry_destroy(NULL);
    krafka_metrics_free(NULL);
}
END_TEST

/* Sends @req to 127.0.0.1:@port and returns the whole answer (malloc'd). */
static char *http_exchange(uint16_t port, const char *req, size_t req_len)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(send(fd, req, req_len, MSG_NOSIGNAL), (ssize_t)req_len);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = recv(fd, buf + len, cap - 1 - len, 0)) > 0)
        len += (size_t)r;
    buf[len] = 0;
    close(fd);
    return buf;
}

START_TEST(http_endpoint_serves_get_metrics_on_loopback_and_nothing_else)
{
    krafka_metrics_t *m = sample_registry("h1");
    const krafka_metrics_t *regs[] = {m};
    krafka_metrics_http_t *h = NULL;
    char errstr[128];
    ck_assert_int_eq(krafka_metrics_http_serve(&h, regs, 1, 0, errstr,
                                               sizeof errstr),
                     KRAFKA_ERR_NONE);
    uint16_t port = krafka_metrics_http_port(h);
    ck_assert_uint_ne(port, 0);
    const char *get = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
    char *resp = http_exchange(port, get, strlen(get));
    ck_assert_msg(!strncmp(resp, "HTTP/1.1 200 OK\r\n", 17), "%s", resp);
    char *body = strstr(resp, "\r\n\r\n");
    ck_assert_ptr_nonnull(body);
    body += 4;
    const char *cl = strstr(resp, "Content-Length: ");
    ck_assert_ptr_nonnull(cl);
    ck_assert_uint_eq(strtoull(cl + 16, NULL, 10), strlen(body));
    const char *err = prom_check(body, NULL);
    ck_assert_msg(!err, "%s", err);
    ck_assert_ptr_nonnull(strstr(body, "client_id=\"h1\""));
    free(resp);
    static const struct {
        const char *req, *status;
    } other[] = {{"GET /other HTTP/1.1\r\n\r\n", "HTTP/1.1 404"},
                 {"POST /metrics HTTP/1.1\r\n\r\n", "HTTP/1.1 405"},
                 {"GET /metrics\r\n\r\n", "HTTP/1.1 400"}};
    for (size_t i = 0; i < 3; i++) {
        resp = http_exchange(port, other[i].req, strlen(other[i].req));
        ck_assert_msg(!strncmp(resp, other[i].status, 12), "%s", resp);
        free(resp);
    }
    char *big = malloc(9000);
    memset(big, 'a', 9000);
    memcpy(big, "GET /metrics HTTP/1.1\r\nX: ", 27);
    resp = http_exchange(port, big, 9000);
    ck_assert_msg(!strncmp(resp, "HTTP/1.1 431", 12), "%s", resp);
    free(resp);
    free(big);
    krafka_metrics_http_stop(h);
    krafka_metrics_http_stop(NULL);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(histograms_export_as_a_summary_scaled_and_in_json)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c1");
    struct kr_latency *h =
        kr_metrics_histogram(m, "ratio", "a ratio", 1000, NULL, 0);
    ck_assert_ptr_nonnull(h);
    /* A second registration returns the same series; another type does
     * not get the name. */
    ck_assert_ptr_eq(kr_metrics_histogram(m, "ratio", "", 1, NULL, 0), h);
    ck_assert_ptr_null(kr_metrics_latency(m, "ratio", "", NULL, 0));
    ck_assert_ptr_null(kr_metrics_histogram(m, "bad", "", 0, NULL, 0));
    kr_latency_record(h, 1500); /* 1.5 */
    kr_latency_record(h, 2000);
    kr_latency_record(h, 2500);
    char *text = NULL;
    size_t len = 0, fams = 0;
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, &len),
                     KRAFKA_ERR_NONE);
    const char *err = prom_check(text, &fams);
    ck_assert_msg(!err, "%s\n%s", err, text);
    ck_assert_uint_eq(fams, 1);
    ck_assert_ptr_nonnull(strstr(text, "# TYPE krafka_ratio summary\n"));
    const char *q = "krafka_ratio{client_id=\"c1\",quantile=\"0.5\"} ";
    const char *at = strstr(text, q);
    ck_assert_ptr_nonnull(at);
    ck_assert_double_eq_tol(strtod(at + strlen(q), NULL), 2.0, 0.04);
    ck_assert_ptr_nonnull(strstr(text, "krafka_ratio_sum{client_id=\"c1\"} 6\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "krafka_ratio_count{client_id=\"c1\"} 3\n"));
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_json(m, &text, &len), KRAFKA_ERR_NONE);
    ck_assert_ptr_null(json_check(text, len));
    ck_assert_ptr_nonnull(strstr(text, "\"type\":\"histogram\""));
    ck_assert_ptr_nonnull(strstr(text, "\"count\":3,\"sum\":6,\"min\":1.5,"
                                       "\"max\":2.5,\"mean\":2,\"p50\":"));
    krafka_metrics_free(text);
    krafka_metrics_reset(m);
    struct kr_latency_snapshot *sn = malloc(sizeof *sn);
    kr_latency_snapshot(h, sn);
    ck_assert_uint_eq(sn->count, 0);
    free(sn);
    kr_metrics_registry_destroy(m);
}
END_TEST

struct hist_seen {
    int calls;
    double scale;
    uint64_t count;
};

static void on_hist(void *opaque, const krafka_metric_desc_t *d,
                    const krafka_metrics_latency_t *h, double scale)
{
    struct hist_seen *s = opaque;
    (void)d;
    s->calls++;
    s->scale = scale;
    s->count = h->count;
}

START_TEST(visitor_gets_histograms_with_their_scale)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c");
    kr_latency_record(kr_metrics_histogram(m, "sizes", "", 1, NULL, 0), 7);
    kr_latency_record(kr_metrics_histogram(m, "ratio", "", 1000, NULL, 0),
                      1000);
    struct hist_seen s = {0};
    krafka_metrics_visitor_t v = {.size = sizeof v, .histogram = on_hist};
    ck_assert_int_eq(krafka_metrics_visit(m, &v, &s), KRAFKA_ERR_NONE);
    ck_assert_int_eq(s.calls, 2);
    ck_assert_double_eq(s.scale, 1); /* "sizes" comes last */
    ck_assert_uint_eq(s.count, 1);
    kr_metrics_registry_destroy(m);
}
END_TEST

struct refresh_arg {
    struct kr_gauge *g;
    int calls;
};

static void refresh_fn(void *arg)
{
    struct refresh_arg *a = arg;
    a->calls++;
    kr_gauge_set(a->g, 40 + (uint64_t)a->calls);
}

START_TEST(the_refresh_hook_runs_before_every_export_until_cleared)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c");
    struct refresh_arg a = {.g = kr_metrics_gauge(m, "depth", "", NULL, 0)};
    kr_metrics_set_refresh(m, refresh_fn, &a);
    char *text = NULL;
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, NULL),
                     KRAFKA_ERR_NONE);
    ck_assert_ptr_nonnull(strstr(text, "krafka_depth{client_id=\"c\"} 41\n"));
    krafka_metrics_free(text);
    ck_assert_int_eq(krafka_metrics_json(m, &text, NULL), KRAFKA_ERR_NONE);
    krafka_metrics_free(text);
    krafka_metrics_snapshot_t snap;
    ck_assert_int_eq(krafka_metrics_snapshot(m, &snap, sizeof snap),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(a.calls, 3);
    kr_metrics_set_refresh(m, NULL, NULL);
    ck_assert_int_eq(krafka_metrics_prometheus(m, &text, NULL),
                     KRAFKA_ERR_NONE);
    krafka_metrics_free(text);
    ck_assert_int_eq(a.calls, 3);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(snapshot_sums_series_by_name_and_respects_the_struct_size)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c");
    struct kr_label b1 = {"broker", "1"}, b2 = {"broker", "2"};
    kr_counter_add(kr_metrics_counter(m, "records_sent", "", NULL, 0), 5);
    kr_counter_add(kr_metrics_counter(m, "connections_created", "", NULL, 0),
                   2);
    kr_gauge_set(kr_metrics_gauge(m, "requests_in_flight", "", &b1, 1), 2);
    kr_gauge_set(kr_metrics_gauge(m, "requests_in_flight", "", &b2, 1), 3);
    kr_latency_record(kr_metrics_latency(m, "request_latency", "", &b1, 1),
                      100);
    kr_latency_record(kr_metrics_latency(m, "request_latency", "", &b2, 1),
                      300);
    kr_latency_record(kr_metrics_latency(m, "request_latency", "", &b2, 1),
                      200);
    /* A name the struct does not know is ignored. */
    kr_counter_inc(kr_metrics_counter(m, "other", "", NULL, 0));
    krafka_metrics_snapshot_t s;
    memset(&s, 0xff, sizeof s);
    ck_assert_int_eq(krafka_metrics_snapshot(m, &s, sizeof s),
                     KRAFKA_ERR_NONE);
    ck_assert_uint_eq(s.records_sent, 5);
    ck_assert_uint_eq(s.connections_created, 2);
    ck_assert_uint_eq(s.requests_in_flight, 5);
    ck_assert_uint_eq(s.records_received, 0);
    ck_assert_uint_eq(s.request_latency.count, 3);
    ck_assert_uint_eq(s.request_latency.max_us, 300);
    ck_assert_double_eq(s.request_latency.mean_us, 200);
    ck_assert_double_eq_tol(s.request_latency.p50_us, 200, 200 * 0.016);
    ck_assert_uint_eq(s.send_latency.count, 0);
    /* An older, shorter struct gets its prefix only. */
    krafka_metrics_snapshot_t part;
    memset(&part, 0xff, sizeof part);
    size_t n = offsetof(krafka_metrics_snapshot_t, active_connections);
    ck_assert_int_eq(krafka_metrics_snapshot(m, &part, n), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(part.connections_created, 2);
    ck_assert_uint_eq(part.active_connections, UINT64_MAX);
    ck_assert_int_eq(krafka_metrics_snapshot(m, &part, sizeof part + 1),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(krafka_metrics_snapshot(m, &part, 0),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(krafka_metrics_snapshot(NULL, &part, sizeof part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(an_owned_counter_adds_without_a_locked_instruction)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c");
    struct kr_counter *c = kr_metrics_counter(m, "polls", "", NULL, 0);
    for (int i = 0; i < 1000; i++)
        kr_counter_add_owned(c, 2);
    ck_assert_uint_eq(kr_counter_get(c), 2000);
    kr_metrics_registry_destroy(m);
}
END_TEST

START_TEST(an_accumulated_batch_records_like_one_record_each)
{
    krafka_metrics_t *m = kr_metrics_registry_new("c");
    struct kr_latency *one = kr_metrics_latency(m, "one", "", NULL, 0);
    struct kr_latency *acc_l = kr_metrics_latency(m, "acc", "", NULL, 0);
    struct kr_latency_acc acc;
    kr_latency_acc_init(&acc, acc_l);
    kr_latency_acc_done(&acc); /* empty: nothing */
    kr_latency_acc_init(&acc, acc_l);
    uint64_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int64_t v = i < 2500 ? 5000 - i : (int64_t)(x >> 40) - 1000;
        kr_latency_record(one, v);
        kr_latency_acc_add(&acc, v);
    }
    kr_latency_acc_done(&acc);
    struct kr_latency_snapshot *a = malloc(2 * sizeof *a);
    kr_latency_snapshot(one, &a[0]);
    kr_latency_snapshot(acc_l, &a[1]);
    ck_assert_uint_eq(a[0].count, 5000);
    ck_assert_uint_eq(a[1].count, a[0].count);
    ck_assert_uint_eq(a[1].sum, a[0].sum);
    ck_assert_uint_eq(a[1].min, a[0].min);
    ck_assert_uint_eq(a[1].max, a[0].max);
    ck_assert_int_eq(memcmp(a[0].buckets, a[1].buckets, sizeof a[0].buckets),
                     0);
    free(a);
    kr_metrics_registry_destroy(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("metrics");
    tcase_add_test(tc, counters_are_exact_under_8_threads_x_1000000_increments);
    tcase_add_test(tc, gauge_decrement_saturates_at_zero);
    tcase_add_test(tc, gauge_never_wraps_below_zero_under_racing_threads);
    tcase_add_test(tc, percentiles_of_uniform_data_are_within_3_percent);
    tcase_add_test(tc, percentiles_of_exponential_data_are_within_3_percent);
    tcase_add_test(tc, percentiles_of_bimodal_data_are_within_3_percent);
    tcase_add_test(tc, count_sum_min_max_mean_are_exact);
    tcase_add_test(tc, latency_count_min_max_are_exact_under_8_threads);
    tcase_add_test(tc, values_outside_1us_to_1h_clamp_into_the_end_buckets);
    tcase_add_test(tc, buckets_tile_1us_to_1h_without_gaps_within_1_in_32);
    tcase_add_test(
        tc, timer_records_the_elapsed_time_once_and_scoped_timer_on_exit);
    tcase_add_test(
        tc, registering_a_name_and_labels_twice_returns_the_same_metric);
    tcase_add_test(tc, bad_names_labels_and_type_conflicts_are_rejected);
    tcase_add_test(tc, prometheus_output_passes_a_strict_exposition_parser);
    tcase_add_test(tc, the_strict_exposition_parser_rejects_malformed_text);
    tcase_add_test(tc, prometheus_multi_writes_help_and_type_once_per_family);
    tcase_add_test(tc, json_output_passes_a_strict_json_parser);
    tcase_add_test(tc, the_strict_json_parser_rejects_malformed_text);
    tcase_add_test(tc,
                   visitor_sees_every_metric_by_name_with_labels_and_values);
    tcase_add_test(tc, reset_empties_counters_gauges_and_latency_trackers);
    tcase_add_test(tc, histograms_export_as_a_summary_scaled_and_in_json);
    tcase_add_test(tc, visitor_gets_histograms_with_their_scale);
    tcase_add_test(tc, the_refresh_hook_runs_before_every_export_until_cleared);
    tcase_add_test(tc,
                   snapshot_sums_series_by_name_and_respects_the_struct_size);
    tcase_add_test(tc, an_owned_counter_adds_without_a_locked_instruction);
    tcase_add_test(tc, an_accumulated_batch_records_like_one_record_each);
    tcase_add_test(tc, an_empty_registry_exports_empty_text_and_an_empty_array);
    tcase_add_test(
        tc, http_endpoint_serves_get_metrics_on_loopback_and_nothing_else);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
