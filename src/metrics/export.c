/* Exporters: Prometheus text exposition format 0.0.4 and JSON. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"
#include "util/buf.h"

#define EXPORT_MAX ((size_t)64 << 20) /* one exposition: 64 MiB at most */

/* Upper bounds of the exported histogram buckets: few enough for a scrape,
 * from 10 us to the 1 h the tracker holds; "+Inf" follows. */
static const struct {
    uint64_t us;
    const char *le; /* the same bound in seconds, as the label shows it */
} le_bounds[] = {
    {10, "1e-05"},       {25, "2.5e-05"},     {50, "5e-05"},
    {100, "0.0001"},     {250, "0.00025"},    {500, "0.0005"},
    {1000, "0.001"},     {2500, "0.0025"},    {5000, "0.005"},
    {10000, "0.01"},     {25000, "0.025"},    {50000, "0.05"},
    {100000, "0.1"},     {250000, "0.25"},    {500000, "0.5"},
    {1000000, "1"},      {2500000, "2.5"},    {5000000, "5"},
    {10000000, "10"},    {30000000, "30"},    {60000000, "60"},
    {300000000, "300"},  {3600000000, "3600"},
};
#define LE_CNT (sizeof le_bounds / sizeof *le_bounds)

static const struct {
    double q;
    const char *label;
} quantiles[] = {{0.5, "0.5"},   {0.9, "0.9"},   {0.95, "0.95"},
                 {0.99, "0.99"}, {0.999, "0.999"}};
#define Q_CNT (sizeof quantiles / sizeof *quantiles)

__attribute__((format(printf, 2, 3))) static void
put_fmt(struct kr_buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) { /* only numbers come here */
        b->err = KRAFKA_ERR_LOCAL_FAIL;
        return;
    }
    kr_buf_write(b, tmp, (size_t)n);
}

static void put_str(struct kr_buf *b, const char *s)
{
    kr_buf_write(b, s, strlen(s));
}

/* Microseconds as exact decimal seconds. */
static void put_seconds_u64(struct kr_buf *b, uint64_t us)
{
    put_fmt(b, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/* ---- Prometheus ---------------------------------------------------------- */

/* Label values escape \, " and newline; HELP text escapes \ and newline. */
static void put_prom_escaped(struct kr_buf *b, const char *s, bool quotes)
{
    for (; *s; s++) {
        if (*s == '\\')
            put_str(b, "\\\\");
        else if (*s == '\n')
            put_str(b, "\\n");
        else if (*s == '"' && quotes)
            put_str(b, "\\\"");
        else
            kr_buf_put_u8(b, (uint8_t)*s);
    }
}

/* {k="v",...[,extra_key="extra_value"]} */
static void put_prom_labels(struct kr_buf *b, const struct kr_metric *s,
                            const char *extra_key, const char *extra_value)
{
    kr_buf_put_u8(b, '{');
    for (size_t i = 0; i < s->label_cnt; i++) {
        put_fmt(b, "%s%s=\"", i ? "," : "", s->keys[i]);
        put_prom_escaped(b, s->values[i], true);
        kr_buf_put_u8(b, '"');
    }
    if (extra_key) {
        put_fmt(b, ",%s=\"", extra_key);
        put_prom_escaped(b, extra_value, true);
        kr_buf_put_u8(b, '"');
    }
    kr_buf_put_u8(b, '}');
}

static void put_prom_header(struct kr_buf *b,
                            const struct kr_metric_family *f,
                            const char *suffix, const char *type)
{
    put_str(b, "# HELP krafka_");
    put_str(b, f->name);
    put_str(b, suffix);
    if (f->help[0]) {
        kr_buf_put_u8(b, ' ');
        put_prom_escaped(b, f->help, false);
    }
    put_str(b, "\n# TYPE krafka_");
    put_str(b, f->name);
    put_str(b, suffix);
    kr_buf_put_u8(b, ' ');
    put_str(b, type);
    kr_buf_put_u8(b, '\n');
}

/* Starts one sample line: krafka_<name><suffix>{labels}<space> */
static void put_prom_sample(struct kr_buf *b, const struct kr_metric *s,
                            const char *suffix, const char *extra_key,
                            const char *extra_value)
{
    put_str(b, "krafka_");
    put_str(b, s->family->name);
    put_str(b, suffix);
    put_prom_labels(b, s, extra_key, extra_value);
    kr_buf_put_u8(b, ' ');
}

/* Cumulative counts per exported bound: a fine bucket counts toward the
 * first bound at or above its midpoint (off by at most its 1.6% width). */
static void coarse_buckets(const struct kr_latency_snapshot *snap,
                           uint64_t cum[LE_CNT])
{
    size_t j = 0;
    memset(cum, 0, LE_CNT * sizeof *cum);
    for (size_t i = 0; i < KR_LAT_BUCKETS; i++) {
        if (!snap->buckets[i])
            continue;
        uint64_t mid2 = kr_latency_bucket_lo(i) + kr_latency_bucket_hi(i);
        while (j < LE_CNT - 1 && mid2 > 2 * le_bounds[j].us)
            j++;
        cum[j] += snap->buckets[i];
    }
    for (j = 1; j < LE_CNT; j++)
        cum[j] += cum[j - 1];
}

/* One latency series: its histogram lines to @b, summary lines to @side
 * (appended after the whole histogram family). */
static void put_prom_latency(struct kr_buf *b, struct kr_buf *side,
                             const struct kr_metric *s,
                             struct kr_latency_snapshot *snap)
{
    uint64_t cum[LE_CNT];
    kr_latency_snapshot(s->value, snap);
    coarse_buckets(snap, cum);
    for (size_t j = 0; j < LE_CNT; j++) {
        put_prom_sample(b, s, "_seconds_bucket", "le", le_bounds[j].le);
        put_fmt(b, "%" PRIu64 "\n", cum[j]);
    }
    put_prom_sample(b, s, "_seconds_bucket", "le", "+Inf");
    put_fmt(b, "%" PRIu64 "\n", snap->count);
    put_prom_sample(b, s, "_seconds_sum", NULL, NULL);
    put_seconds_u64(b, snap->sum);
    kr_buf_put_u8(b, '\n');
    put_prom_sample(b, s, "_seconds_count", NULL, NULL);
    put_fmt(b, "%" PRIu64 "\n", snap->count);
    for (size_t j = 0; j < Q_CNT; j++) {
        put_prom_sample(side, s, "_summary_seconds", "quantile",
                        quantiles[j].label);
        put_fmt(side, "%.9g\n",
                kr_latency_quantile(snap, quantiles[j].q) / 1e6);
    }
    put_prom_sample(side, s, "_summary_seconds_sum", NULL, NULL);
    put_seconds_u64(side, snap->sum);
    kr_buf_put_u8(side, '\n');
    put_prom_sample(side, s, "_summary_seconds_count", NULL, NULL);
    put_fmt(side, "%" PRIu64 "\n", snap->count);
}

/* A histogram's value in its unit (recorded / scale), shortest exact. */
static void put_scaled(struct kr_buf *b, double v, double scale)
{
    put_fmt(b, "%.9g", v / scale);
}

/* One histogram series: a summary (quantiles, _sum, _count). */
static void put_prom_histogram(struct kr_buf *b, const struct kr_metric *s,
                               struct kr_latency_snapshot *snap)
{
    double scale = s->family->scale;
    kr_latency_snapshot(s->value, snap);
    for (size_t j = 0; j < Q_CNT; j++) {
        put_prom_sample(b, s, "", "quantile", quantiles[j].label);
        put_scaled(b, kr_latency_quantile(snap, quantiles[j].q), scale);
        kr_buf_put_u8(b, '\n');
    }
    put_prom_sample(b, s, "_sum", NULL, NULL);
    put_scaled(b, (double)snap->sum, scale);
    kr_buf_put_u8(b, '\n');
    put_prom_sample(b, s, "_count", NULL, NULL);
    put_fmt(b, "%" PRIu64 "\n", snap->count);
}

static bool is_counter(enum kr_metric_type t)
{
    return t == KR_METRIC_COUNTER || t == KR_METRIC_COUNTER_STRIPED;
}

static bool same_kind(enum kr_metric_type a, enum kr_metric_type b)
{
    return a == b || (is_counter(a) && is_counter(b));
}

/* Renders the series all[0..n) of one name (from one or more registries). */
static krafka_err_t put_prom_family(struct kr_buf *b, struct kr_buf *side,
                                    struct kr_metric *const *all, size_t n,
                                    struct kr_latency_snapshot *snap)
{
    const struct kr_metric_family *f = all[0]->family;
    for (size_t i = 1; i < n; i++)
        if (!same_kind(all[i]->family->type, f->type))
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
    if (f->type == KR_METRIC_LATENCY) {
        kr_buf_reset(side);
        put_prom_header(b, f, "_seconds", "histogram");
        put_prom_header(side, f, "_summary_seconds", "summary");
        for (size_t i = 0; i < n; i++)
            put_prom_latency(b, side, all[i], snap);
        if (side->err)
            return side->err;
        kr_buf_write(b, side->data, side->len);
        return b->err;
    }
    if (f->type == KR_METRIC_HISTOGRAM) {
        put_prom_header(b, f, "", "summary");
        for (size_t i = 0; i < n; i++)
            put_prom_histogram(b, all[i], snap);
        return b->err;
    }
    bool counter = is_counter(f->type);
    const char *suffix = counter ? "_total" : "";
    put_prom_header(b, f, suffix, counter ? "counter" : "gauge");
    for (size_t i = 0; i < n; i++) {
        put_prom_sample(b, all[i], suffix, NULL, NULL);
        put_fmt(b, "%" PRIu64 "\n", kr_metric_value(all[i]));
    }
    return b->err;
}

/* Detaches @b's text as a NUL-terminated string, or fails with b->err. */
static krafka_err_t finish(struct kr_buf *b, char **out, size_t *len)
{
    kr_buf_put_u8(b, '\0');
    if (b->err) {
        krafka_err_t err = b->err;
        kr_buf_free(b);
        return err;
    }
    size_t n;
    *out = (char *)kr_buf_steal(b, &n);
    if (len)
        *len = n - 1;
    return KRAFKA_ERR_NONE;
}

static krafka_err_t prom_render(struct kr_buf *b,
                                struct kr_metric *const *all, size_t cnt)
{
    struct kr_buf side;
    kr_buf_init(&side, EXPORT_MAX);
    struct kr_latency_snapshot *snap = malloc(sizeof *snap);
    krafka_err_t err = snap ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_NOMEM;
    for (size_t i = 0, j; i < cnt && !err; i = j) {
        for (j = i + 1; j < cnt && strcmp(all[j]->family->name,
                                          all[i]->family->name) == 0;
             j++)
            ;
        err = put_prom_family(b, &side, all + i, j - i, snap);
    }
    free(snap);
    kr_buf_free(&side);
    return err;
}

krafka_err_t krafka_metrics_prometheus_multi(const krafka_metrics_t *const *regs,
                                             size_t n, char **out, size_t *len)
{
    if (!out || (!regs && n) || n > KR_METRICS_REGS_MAX)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    *out = NULL;
    size_t cnt;
    krafka_err_t err;
    struct kr_metric **all = kr_metrics_collect(regs, n, &cnt, &err);
    if (err)
        return err;
    struct kr_buf b;
    kr_buf_init(&b, EXPORT_MAX);
    err = prom_render(&b, all, cnt);
    free(all);
    if (err) {
        kr_buf_free(&b);
        return err;
    }
    return finish(&b, out, len);
}

krafka_err_t krafka_metrics_prometheus(const krafka_metrics_t *m, char **out,
                                       size_t *len)
{
    if (!m)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return krafka_metrics_prometheus_multi(&m, 1, out, len);
}

/* ---- JSON ---------------------------------------------------------------- */

static void put_json_string(struct kr_buf *b, const char *s)
{
    kr_buf_put_u8(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            kr_buf_put_u8(b, '\\');
            kr_buf_put_u8(b, c);
        } else if (c < 0x20) {
            put_fmt(b, "\\u%04x", c);
        } else {
            kr_buf_put_u8(b, c); /* UTF-8 passes through */
        }
    }
    kr_buf_put_u8(b, '"');
}

static void put_json_latency(struct kr_buf *b, const struct kr_metric *s,
                             struct kr_latency_snapshot *snap)
{
    krafka_metrics_latency_t l;
    kr_latency_snapshot(s->value, snap);
    kr_latency_to_public(snap, &l);
    put_fmt(b,
            ",\"count\":%" PRIu64 ",\"sum_us\":%" PRIu64
            ",\"min_us\":%" PRIu64 ",\"max_us\":%" PRIu64,
            l.count, l.sum_us, l.min_us, l.max_us);
    put_fmt(b, ",\"mean_us\":%.3f,\"p50_us\":%.1f,\"p90_us\":%.1f", l.mean_us,
            l.p50_us, l.p90_us);
    put_fmt(b, ",\"p95_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f", l.p95_us,
            l.p99_us, l.p999_us);
}

static void put_json_histogram(struct kr_buf *b, const struct kr_metric *s,
                               struct kr_latency_snapshot *snap)
{
    double k = s->family->scale;
    krafka_metrics_latency_t l;
    kr_latency_snapshot(s->value, snap);
    kr_latency_to_public(snap, &l);
    put_fmt(b, ",\"count\":%" PRIu64 ",\"sum\":%.9g,\"min\":%.9g", l.count,
            (double)l.sum_us / k, (double)l.min_us / k);
    put_fmt(b, ",\"max\":%.9g,\"mean\":%.9g,\"p50\":%.9g",
            (double)l.max_us / k, l.mean_us / k, l.p50_us / k);
    put_fmt(b, ",\"p90\":%.9g,\"p95\":%.9g,\"p99\":%.9g", l.p90_us / k,
            l.p95_us / k, l.p99_us / k);
    put_fmt(b, ",\"p999\":%.9g", l.p999_us / k);
}

static void put_json_metric(struct kr_buf *b, const struct kr_metric *s,
                            struct kr_latency_snapshot *snap)
{
    const struct kr_metric_family *f = s->family;
    put_str(b, "{\"name\":");
    put_json_string(b, f->name);
    put_str(b, ",\"type\":");
    put_str(b, is_counter(f->type)            ? "\"counter\""
               : f->type == KR_METRIC_GAUGE   ? "\"gauge\""
               : f->type == KR_METRIC_LATENCY ? "\"latency\""
                                              : "\"histogram\"");
    put_str(b, ",\"help\":");
    put_json_string(b, f->help);
    put_str(b, ",\"labels\":{");
    for (size_t i = 0; i < s->label_cnt; i++) {
        if (i)
            kr_buf_put_u8(b, ',');
        put_json_string(b, s->keys[i]);
        kr_buf_put_u8(b, ':');
        put_json_string(b, s->values[i]);
    }
    kr_buf_put_u8(b, '}');
    if (f->type == KR_METRIC_LATENCY)
        put_json_latency(b, s, snap);
    else if (f->type == KR_METRIC_HISTOGRAM)
        put_json_histogram(b, s, snap);
    else
        put_fmt(b, ",\"value\":%" PRIu64, kr_metric_value(s));
    kr_buf_put_u8(b, '}');
}

krafka_err_t krafka_metrics_json(const krafka_metrics_t *m, char **out,
                                 size_t *len)
{
    if (!m || !out)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    *out = NULL;
    size_t cnt;
    krafka_err_t err;
    struct kr_metric **all = kr_metrics_collect(&m, 1, &cnt, &err);
    struct kr_latency_snapshot *snap = malloc(sizeof *snap);
    if (err || !snap) {
        free(all);
        free(snap);
        return err ? err : KRAFKA_ERR_LOCAL_NOMEM;
    }
    struct kr_buf b;
    kr_buf_init(&b, EXPORT_MAX);
    kr_buf_put_u8(&b, '[');
    for (size_t i = 0; i < cnt; i++) {
        put_str(&b, i ? ",\n" : "\n");
        put_json_metric(&b, all[i], snap);
    }
    put_str(&b, "\n]\n");
    free(snap);
    free(all);
    return finish(&b, out, len);
}

void krafka_metrics_free(char *text)
{
    free(text);
}
