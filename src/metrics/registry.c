/* The metrics registry: registration, collection for export, visit, reset. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/metrics.h"

#define NAME_MAX_LEN 128
#define HELP_MAX_LEN 1024
#define LABEL_KEY_MAX_LEN 64
#define LABEL_VALUE_MAX_LEN 1024

krafka_metrics_t *kr_metrics_registry_new(const char *client_id)
{
    krafka_metrics_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->client_id = strdup(client_id ? client_id : "");
    if (!m->client_id) {
        free(m);
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    pthread_mutex_init(&m->refresh_lock, NULL);
    m->series_tail = &m->series;
    return m;
}

static void series_free(struct kr_metric *s)
{
    for (size_t i = 1; i < s->label_cnt; i++) { /* [0] is the registry's */
        free((char *)s->keys[i]);
        free((char *)s->values[i]);
    }
    free(s->value);
    free(s);
}

void kr_metrics_registry_destroy(krafka_metrics_t *m)
{
    if (!m)
        return;
    for (struct kr_metric *s = m->series, *next; s; s = next) {
        next = s->next;
        series_free(s);
    }
    for (struct kr_metric_family *f = m->families, *next; f; f = next) {
        next = f->next;
        free(f->name);
        free(f->help);
        free(f);
    }
    pthread_mutex_destroy(&m->lock);
    pthread_mutex_destroy(&m->refresh_lock);
    free(m->client_id);
    free(m);
}

static bool is_ident(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n == 0 || n > max || (s[0] >= '0' && s[0] <= '9'))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A name the exporters can extend without colliding with another name:
 * the suffixes they add are reserved. */
static bool name_ok(const char *name)
{
    /* Not "_created": this exposition format (0.0.4) has no _created
     * samples, and the connections_created_total needs it. */
    static const char *const reserved[] = {"_total", "_seconds", "_bucket",
                                           "_sum",   "_count"};
    if (!name || !is_ident(name, NAME_MAX_LEN))
        return false;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (ends_with(name, reserved[i]))
            return false;
    return true;
}

static bool labels_ok(const struct kr_label *labels, size_t cnt)
{
    if (cnt > KR_METRICS_MAX_LABELS || (cnt && !labels))
        return false;
    for (size_t i = 0; i < cnt; i++) {
        const char *k = labels[i].key;
        if (!k || !labels[i].value || !is_ident(k, LABEL_KEY_MAX_LEN) ||
            strncmp(k, "__", 2) == 0 || strcmp(k, "client_id") == 0 ||
            strcmp(k, "le") == 0 || strcmp(k, "quantile") == 0 ||
            strnlen(labels[i].value, LABEL_VALUE_MAX_LEN + 1) >
                LABEL_VALUE_MAX_LEN)
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(labels[j].key, k) == 0)
                return false;
    }
    return true;
}

static struct kr_metric_family *family_find(const krafka_metrics_t *m,
                                            const char *name)
{
    for (struct kr_metric_family *f = m->families; f; f = f->next)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static struct kr_metric *series_find(const krafka_metrics_t *m,
                                     const struct kr_metric_family *f,
                                     const struct kr_label *labels,
                                     size_t cnt)
{
    for (struct kr_metric *s = m->series; s; s = s->next) {
        if (s->family != f || s->label_cnt != cnt + 1)
            continue;
        size_t i = 0;
        while (i < cnt && strcmp(s->keys[i + 1], labels[i].key) == 0 &&
               strcmp(s->values[i + 1], labels[i].value) == 0)
            i++;
        if (i == cnt)
            return s;
    }
    return NULL;
}

static struct kr_metric_family *family_new(krafka_metrics_t *m,
                                           enum kr_metric_type type,
                                           const char *name, const char *help)
{
    struct kr_metric_family *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->type = type;
    f->scale = 1;
    f->name = strdup(name);
    f->help = strndup(help ? help : "", HELP_MAX_LEN);
    if (!f->name || !f->help) {
        free(f->name);
        free(f->help);
        free(f);
        return NULL;
    }
    f->next = m->families;
    m->families = f;
    return f;
}

/* The value object of a series: its own cache lines, so two hot counters
 * never share one. */
static void *value_new(enum kr_metric_type type)
{
    bool lat = type == KR_METRIC_LATENCY || type == KR_METRIC_HISTOGRAM;
    size_t size = lat ? sizeof(struct kr_latency)
                  : type == KR_METRIC_COUNTER_STRIPED
                      ? sizeof(struct kr_counter_striped)
                      : sizeof(struct kr_counter);
    size = (size + KR_CACHELINE - 1) / KR_CACHELINE * KR_CACHELINE;
    void *v = aligned_alloc(KR_CACHELINE, size);
    if (!v)
        return NULL;
    if (lat)
        kr_latency_init(v);
    else
        memset(v, 0, size); /* all-zero is a zero atomic on our targets */
    return v;
}

static struct kr_metric *series_new(krafka_metrics_t *m,
                                    const struct kr_metric_family *f,
                                    const struct kr_label *labels, size_t cnt)
{
    struct kr_metric *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->family = f;
    s->keys[0] = "client_id";
    s->values[0] = m->client_id;
    s->label_cnt = 1;
    bool ok = true;
    for (size_t i = 0; i < cnt; i++) {
        s->keys[i + 1] = strdup(labels[i].key);
        s->values[i + 1] = strdup(labels[i].value);
        s->label_cnt++;
        ok = ok && s->keys[i + 1] && s->values[i + 1];
    }
    s->value = ok ? value_new(f->type) : NULL;
    if (!s->value) {
        series_free(s);
        return NULL;
    }
    *m->series_tail = s;
    m->series_tail = &s->next;
    m->series_cnt++;
    return s;
}

static krafka_err_t register_scaled(krafka_metrics_t *m,
                                    enum kr_metric_type type,
                                    const char *name, const char *help,
                                    double scale,
                                    const struct kr_label *labels,
                                    size_t label_cnt, void **out)
{
    *out = NULL;
    if (!m || type > KR_METRIC_HISTOGRAM || !name_ok(name) ||
        !(scale > 0) ||
        !labels_ok(labels, label_cnt))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    krafka_err_t err = KRAFKA_ERR_NONE;
    pthread_mutex_lock(&m->lock);
    struct kr_metric_family *f = family_find(m, name);
    struct kr_metric *s = NULL;
    if (f && f->type != type)
        err = KRAFKA_ERR_LOCAL_INVALID_ARG;
    else if (f)
        s = series_find(m, f, labels, label_cnt);
    else if (!(f = family_new(m, type, name, help)))
        err = KRAFKA_ERR_LOCAL_NOMEM;
    else
        f->scale = scale;
    if (!err && !s && !(s = series_new(m, f, labels, label_cnt)))
        err = KRAFKA_ERR_LOCAL_NOMEM;
    if (s)
        *out = s->value;
    pthread_mutex_unlock(&m->lock);
    return err;
}

krafka_err_t kr_metrics_register(krafka_metrics_t *m, enum kr_metric_type type,
                                 const char *name, const char *help,
                                 const struct kr_label *labels,
                                 size_t label_cnt, void **out)
{
    return register_scaled(m, type, name, help, 1, labels, label_cnt, out);
}

struct kr_latency *kr_metrics_histogram(krafka_metrics_t *m, const char *name,
                                        const char *help, double scale,
                                        const struct kr_label *labels,
                                        size_t label_cnt)
{
    void *v;
    return register_scaled(m, KR_METRIC_HISTOGRAM, name, help, scale, labels,
                           label_cnt, &v)
               ? NULL
               : v;
}

void kr_metrics_set_refresh(krafka_metrics_t *m, kr_metrics_refresh_fn fn,
                            void *arg)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->refresh_lock);
    m->refresh = fn;
    m->refresh_arg = arg;
    pthread_mutex_unlock(&m->refresh_lock);
}

void kr_metrics_refresh(const krafka_metrics_t *cm)
{
    krafka_metrics_t *m = (krafka_metrics_t *)cm; /* the locks only */
    if (!m)
        return;
    pthread_mutex_lock(&m->refresh_lock);
    if (m->refresh)
        m->refresh(m->refresh_arg);
    pthread_mutex_unlock(&m->refresh_lock);
}

static void *register_or_null(krafka_metrics_t *m, enum kr_metric_type type,
                              const char *name, const char *help,
                              const struct kr_label *labels, size_t cnt)
{
    void *v;
    return kr_metrics_register(m, type, name, help, labels, cnt, &v) ? NULL
                                                                      : v;
}

struct kr_counter *kr_metrics_counter(krafka_metrics_t *m, const char *name,
                                      const char *help,
                                      const struct kr_label *labels,
                                      size_t label_cnt)
{
    return register_or_null(m, KR_METRIC_COUNTER, name, help, labels,
                            label_cnt);
}

struct kr_counter_striped *
kr_metrics_counter_striped(krafka_metrics_t *m, const char *name,
                           const char *help, const struct kr_label *labels,
                           size_t label_cnt)
{
    return register_or_null(m, KR_METRIC_COUNTER_STRIPED, name, help, labels,
                            label_cnt);
}

struct kr_gauge *kr_metrics_gauge(krafka_metrics_t *m, const char *name,
                                  const char *help,
                                  const struct kr_label *labels,
                                  size_t label_cnt)
{
    return register_or_null(m, KR_METRIC_GAUGE, name, help, labels,
                            label_cnt);
}

struct kr_latency *kr_metrics_latency(krafka_metrics_t *m, const char *name,
                                      const char *help,
                                      const struct kr_label *labels,
                                      size_t label_cnt)
{
    return register_or_null(m, KR_METRIC_LATENCY, name, help, labels,
                            label_cnt);
}

struct ordered {
    struct kr_metric *s;
    size_t ord; /* position before sorting: registry, then registration */
};

static int ordered_cmp(const void *a, const void *b)
{
    const struct ordered *x = a, *y = b;
    int c = strcmp(x->s->family->name, y->s->family->name);
    if (c)
        return c;
    return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Appends @m's series to @v (sized by the caller's count under the lock). */
static size_t collect_one(krafka_metrics_t *m, struct ordered **v, size_t n,
                          size_t *cap, krafka_err_t *err)
{
    pthread_mutex_lock(&m->lock);
    if (n + m->series_cnt > *cap) {
        size_t ncap = (n + m->series_cnt) * 2;
        struct ordered *nv = realloc(*v, ncap * sizeof *nv);
        if (!nv) {
            pthread_mutex_unlock(&m->lock);
            *err = KRAFKA_ERR_LOCAL_NOMEM;
            return n;
        }
        *v = nv;
        *cap = ncap;
    }
    for (struct kr_metric *s = m->series; s; s = s->next, n++)
        (*v)[n] = (struct ordered){.s = s, .ord = n};
    pthread_mutex_unlock(&m->lock);
    return n;
}

struct kr_metric **kr_metrics_collect(const krafka_metrics_t *const *regs,
                                      size_t n, size_t *cnt,
                                      krafka_err_t *err)
{
    struct ordered *v = NULL;
    size_t len = 0, cap = 0;
    *err = KRAFKA_ERR_NONE;
    *cnt = 0;
    /* The lock guards the lists only, never the values: a const registry
     * is still locked to read its lists. */
    for (size_t i = 0; i < n; i++)
        kr_metrics_refresh(regs[i]);
    for (size_t i = 0; i < n && !*err; i++)
        if (regs[i])
            len = collect_one((krafka_metrics_t *)regs[i], &v, len, &cap,
                              err);
    if (*err || len == 0) {
        free(v);
        return NULL;
    }
    qsort(v, len, sizeof *v, ordered_cmp);
    struct kr_metric **out = malloc(len * sizeof *out);
    if (!out) {
        free(v);
        *err = KRAFKA_ERR_LOCAL_NOMEM;
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        out[i] = v[i].s;
    free(v);
    *cnt = len;
    return out;
}

uint64_t kr_metric_value(const struct kr_metric *s)
{
    switch (s->family->type) {
    case KR_METRIC_COUNTER:
        return kr_counter_get(s->value);
    case KR_METRIC_COUNTER_STRIPED:
        return kr_counter_striped_get(s->value);
    case KR_METRIC_GAUGE:
        return kr_gauge_get(s->value);
    default:
        return 0;
    }
}

static void visit_one(const struct kr_metric *s,
                      const krafka_metrics_visitor_t *v, void *opaque,
                      struct kr_latency_snapshot *snap)
{
    const struct kr_metric_family *f = s->family;
    krafka_metric_desc_t d = {.name = f->name,
                              .help = f->help,
                              .label_cnt = s->label_cnt,
                              .label_keys = s->keys,
                              .label_values = s->values};
    if (f->type == KR_METRIC_GAUGE) {
        if (v->gauge)
            v->gauge(opaque, &d, kr_metric_value(s));
    } else if (f->type == KR_METRIC_COUNTER ||
               f->type == KR_METRIC_COUNTER_STRIPED) {
        if (v->counter)
            v->counter(opaque, &d, kr_metric_value(s));
    } else if (f->type == KR_METRIC_LATENCY && v->latency) {
        kr_latency_snapshot(s->value, snap);
        krafka_metrics_latency_t l;
        kr_latency_to_public(snap, &l);
        v->latency(opaque, &d, &l);
    } else if (f->type == KR_METRIC_HISTOGRAM &&
               v->size >= sizeof(krafka_metrics_visitor_t) && v->histogram) {
        kr_latency_snapshot(s->value, snap);
        krafka_metrics_latency_t l;
        kr_latency_to_public(snap, &l);
        v->histogram(opaque, &d, &l, f->scale);
    }
}

void kr_latency_to_public(const struct kr_latency_snapshot *s,
                          krafka_metrics_latency_t *l)
{
    *l = (krafka_metrics_latency_t){
        .size = sizeof *l,
        .count = s->count,
        .sum_us = s->sum,
        .min_us = s->min,
        .max_us = s->max,
        .mean_us = s->count ? (double)s->sum / (double)s->count : 0,
        .p50_us = kr_latency_quantile(s, 0.5),
        .p90_us = kr_latency_quantile(s, 0.9),
        .p95_us = kr_latency_quantile(s, 0.95),
        .p99_us = kr_latency_quantile(s, 0.99),
        .p999_us = kr_latency_quantile(s, 0.999),
        .bucket_cnt = KR_LAT_BUCKETS,
        .buckets = s->buckets,
    };
}

krafka_err_t krafka_metrics_visit(const krafka_metrics_t *m,
                                  const krafka_metrics_visitor_t *v,
                                  void *opaque)
{
    if (!m || !v ||
        v->size < offsetof(krafka_metrics_visitor_t, histogram))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t cnt;
    krafka_err_t err;
    struct kr_metric **all = kr_metrics_collect(&m, 1, &cnt, &err);
    struct kr_latency_snapshot *snap = malloc(sizeof *snap);
    if (err || !snap) {
        free(all);
        free(snap);
        return err ? err : KRAFKA_ERR_LOCAL_NOMEM;
    }
    for (size_t i = 0; i < cnt; i++)
        visit_one(all[i], v, opaque, snap);
    free(snap);
    free(all);
    return KRAFKA_ERR_NONE;
}

void krafka_metrics_reset(krafka_metrics_t *m)
{
    if (!m)
        return;
    pthread_mutex_lock(&m->lock);
    for (struct kr_metric *s = m->series; s; s = s->next) {
        if (s->family->type == KR_METRIC_LATENCY ||
            s->family->type == KR_METRIC_HISTOGRAM) {
            kr_latency_reset(s->value);
        } else if (s->family->type == KR_METRIC_COUNTER_STRIPED) {
            struct kr_counter_striped *c = s->value;
            for (size_t i = 0; i < KR_STRIPES; i++)
                atomic_store_explicit(&c->cell[i].v, 0,
                                      memory_order_relaxed);
        } else { /* counter and gauge share the layout */
            atomic_store_explicit(&((struct kr_counter *)s->value)->v, 0,
                                  memory_order_relaxed);
        }
    }
    pthread_mutex_unlock(&m->lock);
}
