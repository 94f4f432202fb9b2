/*
 * A strict parser of the Prometheus text exposition format 0.0.4, for the
 * metrics tests: every line must be a HELP or TYPE comment or a sample;
 * names, label sets (syntax and escapes) and float values are checked;
 * each family's TYPE comes before its samples, its samples are contiguous,
 * no series repeats; histogram buckets have increasing le, cumulative
 * counts, end with le="+Inf" equal to _count; summaries have quantiles in
 * [0, 1], _sum and _count. prom_check() returns NULL or what is wrong
 * (with the line number in a static buffer).
 */
#ifndef TEST_PROMPARSE_H
#define TEST_PROMPARSE_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_MAX 512
#define PROM_KEY 512

struct prom_family {
    char name[PROM_KEY];
    char type[16];
    bool help, closed, has_samples;
};

/* Per histogram or summary series (labels without le/quantile). */
struct prom_agg {
    char key[PROM_KEY];
    double last_le, last_cum, inf_val, count_val;
    bool le_seen, inf_seen, count_seen, sum_seen;
};

struct prom_state {
    struct prom_family fam[PROM_MAX];
    size_t nfam;
    char series[PROM_MAX * 8][PROM_KEY];
    size_t nseries;
    struct prom_agg agg[PROM_MAX];
    size_t nagg;
    long cur; /* index of the family whose samples come now, -1: none */
    char err[256];
};

static bool prom_name_ok(const char *s, size_t n, bool colon)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     c == '_' || (colon && c == ':');
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

/* Go ParseFloat syntax as Prometheus accepts it, or NaN / +Inf / -Inf. */
static bool prom_float(const char *s, size_t n, double *out)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    if (!strcmp(tmp, "NaN") || !strcmp(tmp, "+Inf") || !strcmp(tmp, "-Inf")) {
        *out = tmp[0] == '-' ? -HUGE_VAL : tmp[0] == '+' ? HUGE_VAL : 0;
        return true;
    }
    size_t i = 0, digits = 0;
    if (tmp[i] == '+' || tmp[i] == '-')
        i++;
    for (; tmp[i] >= '0' && tmp[i] <= '9'; i++)
        digits++;
    if (tmp[i] == '.')
        for (i++; tmp[i] >= '0' && tmp[i] <= '9'; i++)
            digits++;
    if (!digits)
        return false;
    if (tmp[i] == 'e' || tmp[i] == 'E') {
        i++;
        if (tmp[i] == '+' || tmp[i] == '-')
            i++;
        if (!(tmp[i] >= '0' && tmp[i] <= '9'))
            return false;
        while (tmp[i] >= '0' && tmp[i] <= '9')
            i++;
    }
    if (tmp[i])
        return false;
    *out = strtod(tmp, NULL);
    return true;
}

static struct prom_family *prom_fam(struct prom_state *st, const char *name)
{
    for (size_t i = 0; i < st->nfam; i++)
        if (!strcmp(st->fam[i].name, name))
            return &st->fam[i];
    return NULL;
}

static struct prom_family *prom_fam_new(struct prom_state *st,
                                        const char *name)
{
    if (st->nfam == PROM_MAX)
        return NULL;
    struct prom_family *f = &st->fam[st->nfam++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    return f;
}

/* "# HELP name doc" / "# TYPE name type" */
static const char *prom_comment(struct prom_state *st, const char *l,
                                size_t n)
{
    bool help = n > 7 && !strncmp(l, "# HELP ", 7);
    bool type = n > 7 && !strncmp(l, "# TYPE ", 7);
    if (!help && !type)
        return "comment is neither HELP nor TYPE";
    const char *name = l + 7, *end = l + n;
    const char *sp = memchr(name, ' ', (size_t)(end - name));
    size_t nlen = (size_t)((sp ? sp : end) - name);
    if (!prom_name_ok(name, nlen, true) || nlen >= PROM_KEY)
        return "bad metric name in comment";
    char nm[PROM_KEY];
    memcpy(nm, name, nlen);
    nm[nlen] = 0;
    struct prom_family *f = prom_fam(st, nm);
    if (!f && !(f = prom_fam_new(st, nm)))
        return "too many families";
    if (f->has_samples)
        return "HELP/TYPE after the family's samples";
    if (help) {
        if (f->help)
            return "second HELP for a family";
        f->help = true;
        for (const char *p = sp ? sp + 1 : end; p < end; p++)
            if (*p == '\\' && (p + 1 == end || (p[1] != '\\' && p[1] != 'n')))
                return "bad escape in HELP";
            else if (*p == '\\')
                p++;
        return NULL;
    }
    if (f->type[0])
        return "second TYPE for a family";
    if (!sp)
        return "TYPE without a type";
    size_t tlen = (size_t)(end - sp - 1);
    static const char *const types[] = {"counter", "gauge", "histogram",
                                        "summary", "untyped"};
    for (size_t i = 0; i < 5; i++)
        if (tlen == strlen(types[i]) && !memcmp(sp + 1, types[i], tlen)) {
            snprintf(f->type, sizeof f->type, "%s", types[i]);
            return NULL;
        }
    return "unknown TYPE";
}

/* Parses {k="v",...} at *p; fills key (labels but le/quantile, unescaped),
 * le and quantile (each PROM_KEY bytes). */
static const char *prom_labels(const char **pp, const char *end, char *key,
                               char *le, char *quantile)
{
    const char *p = *pp;
    char names[16][64];
    size_t nnames = 0, klen = 0;
    key[0] = le[0] = quantile[0] = 0;
    if (p >= end || *p != '{')
        return NULL;
    p++;
    while (p < end && *p != '}') {
        if (nnames && *p++ != ',')
            return "labels not separated by ','";
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (!eq || !prom_name_ok(p, (size_t)(eq - p), false) ||
            eq - p >= 64 || nnames == 16)
            return "bad label name";
        memcpy(names[nnames], p, (size_t)(eq - p));
        names[nnames][eq - p] = 0;
        for (size_t i = 0; i < nnames; i++)
            if (!strcmp(names[i], names[nnames]))
                return "duplicate label name";
        if (eq + 1 >= end || eq[1] != '"')
            return "label value not quoted";
        char val[PROM_KEY];
        size_t vlen = 0;
        for (p = eq + 2; p < end && *p != '"'; p++) {
            char c = *p;
            if (c == '\\') {
                if (++p == end || (*p != '\\' && *p != '"' && *p != 'n'))
                    return "bad escape in label value";
                c = *p == 'n' ? '\n' : *p;
            }
            if (vlen + 1 >= sizeof val)
                return "label value too long";
            val[vlen++] = c;
        }
        if (p == end)
            return "unterminated label value";
        val[vlen] = 0;
        p++;
        char *dst = !strcmp(names[nnames], "le")         ? le
                    : !strcmp(names[nnames], "quantile") ? quantile
                                                         : NULL;
        if (dst)
            snprintf(dst, PROM_KEY, "%s", val);
        else
            klen += (size_t)snprintf(key + klen, PROM_KEY - klen, "%s=%s;",
                                     names[nnames], val);
        if (klen >= PROM_KEY)
            return "label set too long";
        nnames++;
    }
    if (p == end)
        return "unterminated label set";
    *pp = p + 1;
    return NULL;
}

static struct prom_agg *prom_agg_get(struct prom_state *st, const char *fam,
                                     const char *key)
{
    char k[PROM_KEY];
    snprintf(k, sizeof k, "%.200s|%.300s", fam, key);
    for (size_t i = 0; i < st->nagg; i++)
        if (!strcmp(st->agg[i].key, k))
            return &st->agg[i];
    if (st->nagg == PROM_MAX)
        return NULL;
    struct prom_agg *a = &st->agg[st->nagg++];
    memset(a, 0, sizeof *a);
    snprintf(a->key, sizeof a->key, "%s", k);
    return a;
}

/* The family a sample belongs to, and the suffix it carries. */
static struct prom_family *prom_owner(struct prom_state *st, const char *name,
                                      const char **suffix)
{
    static const char *const sfx[] = {"_bucket", "_sum", "_count"};
    *suffix = "";
    struct prom_family *f = prom_fam(st, name);
    if (f && f->type[0])
        return f;
    size_t n = strlen(name);
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(sfx[i]);
        if (n <= k || strcmp(name + n - k, sfx[i]))
            continue;
        char base[PROM_KEY];
        snprintf(base, sizeof base, "%.*s", (int)(n - k), name);
        f = prom_fam(st, base);
        if (f && (!strcmp(f->type, "histogram") ||
                  (!strcmp(f->type, "summary") && i > 0))) {
            *suffix = sfx[i];
            return f;
        }
    }
    return NULL;
}

static const char *prom_hist_sample(struct prom_agg *a, const char *suffix,
                                    const char *le, double v)
{
    if (!strcmp(suffix, "_bucket")) {
        double lev;
        if (!le[0] || !prom_float(le, strlen(le), &lev))
            return "bucket without a valid le";
        if (a->inf_seen || (a->le_seen && lev <= a->last_le))
            return "le not increasing";
        if (a->le_seen && v < a->last_cum)
            return "buckets not cumulative";
        a->le_seen = true;
        a->last_le = lev;
        a->last_cum = v;
        if (!strcmp(le, "+Inf")) {
            a->inf_seen = true;
            a->inf_val = v;
        }
    } else if (le[0]) {
        return "le on a _sum or _count";
    }
    return NULL;
}

static const char *prom_series_once(struct prom_state *st, const char *name,
                                    const char *key, const char *le,
                                    const char *quantile)
{
    char s[PROM_KEY];
    snprintf(s, sizeof s, "%s{%s|le=%s|q=%s}", name, key, le, quantile);
    for (size_t i = 0; i < st->nseries; i++)
        if (!strcmp(st->series[i], s))
            return "duplicate series";
    if (st->nseries == PROM_MAX * 8)
        return "too many series";
    snprintf(st->series[st->nseries++], PROM_KEY, "%s", s);
    return NULL;
}

static const char *prom_sample(struct prom_state *st, const char *l, size_t n)
{
    const char *end = l + n, *p = l;
    while (p < end && *p != '{' && *p != ' ')
        p++;
    char name[PROM_KEY], key[PROM_KEY], le[PROM_KEY], quantile[PROM_KEY];
    if (!prom_name_ok(l, (size_t)(p - l), true) || p - l >= PROM_KEY)
        return "bad metric name";
    snprintf(name, sizeof name, "%.*s", (int)(p - l), l);
    const char *err = prom_labels(&p, end, key, le, quantile);
    if (err)
        return err;
    if (p >= end || *p++ != ' ')
        return "no space before the value";
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    double v, ts;
    if (!prom_float(p, (size_t)((sp ? sp : end) - p), &v))
        return "bad value";
    if (sp && !prom_float(sp + 1, (size_t)(end - sp - 1), &ts))
        return "bad timestamp";
    const char *suffix;
    struct prom_family *f = prom_owner(st, name, &suffix);
    if (!f)
        return "sample before its family's TYPE";
    if (f->closed)
        return "family's samples not contiguous";
    if (st->cur >= 0 && &st->fam[st->cur] != f)
        st->fam[st->cur].closed = true;
    st->cur = f - st->fam;
    f->has_samples = true;
    if ((err = prom_series_once(st, name, key, le, quantile)))
        return err;
    bool hist = !strcmp(f->type, "histogram");
    bool summ = !strcmp(f->type, "summary");
    if (!hist && !summ)
        return le[0] || quantile[0] ? "le/quantile outside hist/summary"
                                    : NULL;
    struct prom_agg *a = prom_agg_get(st, f->name, key);
    if (!a)
        return "too many series";
    if (!strcmp(suffix, "_sum"))
        a->sum_seen = true;
    if (!strcmp(suffix, "_count")) {
        a->count_seen = true;
        a->count_val = v;
    }
    if (hist && !suffix[0])
        return "histogram sample without _bucket/_sum/_count";
    if (hist)
        return prom_hist_sample(a, suffix, le, v);
    double q;
    if (!suffix[0] && (!prom_float(quantile, strlen(quantile), &q) || q < 0 ||
                       q > 1))
        return "summary sample without a quantile in [0, 1]";
    return NULL;
}

static const char *prom_finish(struct prom_state *st)
{
    for (size_t i = 0; i < st->nagg; i++) {
        struct prom_agg *a = &st->agg[i];
        if (!a->sum_seen || !a->count_seen)
            return "histogram/summary without _sum or _count";
        if (a->le_seen && (!a->inf_seen || a->inf_val != a->count_val))
            return "histogram without +Inf bucket equal to _count";
    }
    return NULL;
}

/* Returns NULL when @text is a valid exposition, else a message. */
static const char *prom_check(const char *text, size_t *families)
{
    static char msg[300];
    struct prom_state *st = calloc(1, sizeof *st);
    st->cur = -1;
    const char *err = NULL, *p = text;
    size_t line = 0;
    if (!*text || text[strlen(text) - 1] != '\n')
        err = "text does not end with a newline";
    while (!err && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = (size_t)(nl - p);
        line++;
        if (n == 0)
            err = "empty line";
        else if (p[0] == '#')
            err = prom_comment(st, p, n);
        else
            err = prom_sample(st, p, n);
        p = nl + 1;
    }
    if (!err)
        err = prom_finish(st);
    if (families)
        *families = st->nfam;
    free(st);
    if (!err)
        return NULL;
    snprintf(msg, sizeof msg, "line %zu: %s", line, err);
    return msg;
}

#endif
