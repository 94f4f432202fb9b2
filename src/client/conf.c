/* Configuration object: parsing and formatting property values through the
 * property table (conf_props.c), the public krafka_conf_* API, the
 * cross-property checks and the generated Markdown reference.
 * Thread: see include/krafka/conf.h; the table itself is constant. */
#include "client/conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/conf_props.h"

/* Longest part of a bad value quoted in an error message. */
#define QUOTE_MAX 64

/* The room for a formatted non-string value or an "expected ..." text,
 * and for the list of names of a property's values inside it. */
#define TEXT_MAX 384
#define NAMES_MAX 256

static krafka_err_t conf_err(krafka_err_t err, char *errstr, size_t n,
                             const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static krafka_err_t conf_err(krafka_err_t err, char *errstr, size_t n,
                             const char *fmt, ...)
{
    if (errstr && n > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, n, fmt, ap);
        va_end(ap);
    }
    return err;
}

/* ---- field access ---- */

static void *field(struct krafka_conf *conf, const struct kr_prop *p)
{
    return (char *)conf + p->off;
}

static const void *cfield(const struct krafka_conf *conf,
                          const struct kr_prop *p)
{
    return (const char *)conf + p->off;
}

static bool is_str(const struct kr_prop *p)
{
    return p->type == KR_PT_STR || p->type == KR_PT_LIST;
}

/* Numbers live in bool (size 1), uint32_t (flags) or 4-byte int fields. */
static int64_t load_num(const struct krafka_conf *conf,
                        const struct kr_prop *p)
{
    if (p->size == sizeof(bool)) {
        bool b;
        memcpy(&b, cfield(conf, p), sizeof b);
        return b;
    }
    if (p->type == KR_PT_FLAGS) {
        uint32_t u;
        memcpy(&u, cfield(conf, p), sizeof u);
        return u;
    }
    int32_t i;
    memcpy(&i, cfield(conf, p), sizeof i);
    return i;
}

static void store_num(struct krafka_conf *conf, const struct kr_prop *p,
                      int64_t v)
{
    if (p->size == sizeof(bool)) {
        bool b = v != 0;
        memcpy(field(conf, p), &b, sizeof b);
    } else if (p->type == KR_PT_FLAGS) {
        uint32_t u = (uint32_t)v;
        memcpy(field(conf, p), &u, sizeof u);
    } else {
        int32_t i = (int32_t)v;
        memcpy(field(conf, p), &i, sizeof i);
    }
}

static char *load_str(const struct krafka_conf *conf, const struct kr_prop *p)
{
    char *s;
    memcpy(&s, cfield(conf, p), sizeof s);
    return s;
}

/* Frees the string of @p, wiping a secret first, and stores @s (owned). */
static void store_str(struct krafka_conf *conf, const struct kr_prop *p,
                      char *s)
{
    char *old = load_str(conf, p);
    if (old && p->sensitive)
        explicit_bzero(old, strlen(old));
    free(old);
    memcpy(field(conf, p), &s, sizeof s);
}

/* ---- texts shared by error messages and the doc ---- */

/* Writes the names of @vals separated by @sep; returns @buf. */
static char *join_vals(const struct kr_prop_val *vals, const char *sep,
                       char *buf, size_t n)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; vals && vals[i].name && pos < n; i++) {
        int r = snprintf(buf + pos, n - pos, "%s%s", i ? sep : "",
                         vals[i].name);
        if (r < 0)
            break;
        pos += (size_t)r;
    }
    return buf;
}

/* What a valid value of @p looks like, for "expected ..." messages. */
static void expected_text(const struct kr_prop *p, char *buf, size_t n)
{
    char names[NAMES_MAX];
    switch (p->type) {
    case KR_PT_INT:
        snprintf(buf, n, "an integer %lld..%lld%s%s", (long long)p->min,
                 (long long)p->max, p->vals ? " or " : "",
                 join_vals(p->vals, " or ", names, sizeof names));
        break;
    case KR_PT_BOOL:
        snprintf(buf, n, "true or false");
        break;
    case KR_PT_ENUM:
        snprintf(buf, n, "one of: %s",
                 join_vals(p->vals, ", ", names, sizeof names));
        break;
    case KR_PT_FLAGS:
    case KR_PT_LIST:
        snprintf(buf, n, "a comma-separated list of: %s",
                 join_vals(p->vals, ", ", names, sizeof names));
        break;
    case KR_PT_STR:
        snprintf(buf, n, "a string");
        break;
    }
}

/* `Invalid value "v" for property "name": expected ...`; @item, when not
 * NULL, is the unknown list item (of @item_len bytes) to name. */
static krafka_err_t invalid_value(const struct kr_prop *p, const char *name,
                                  const char *value, const char *item,
                                  size_t item_len, char *errstr, size_t n)
{
    char exp[TEXT_MAX];
    expected_text(p, exp, sizeof exp);
    size_t vlen = strlen(value);
    int qlen = vlen > QUOTE_MAX ? QUOTE_MAX : (int)vlen;
    const char *more = vlen > QUOTE_MAX ? "..." : "";
    if (p->sensitive) {
        value = "(hidden)";
        qlen = (int)strlen(value);
        more = "";
    }
    if (item) {
        int ilen = item_len > QUOTE_MAX ? QUOTE_MAX : (int)item_len;
        return conf_err(KRAFKA_ERR_LOCAL_INVALID_CONF, errstr, n,
                        "Invalid value \"%.*s%s\" for property \"%s\": "
                        "unknown item \"%.*s\"; expected %s",
                        qlen, value, more, name, ilen, item, exp);
    }
    return conf_err(KRAFKA_ERR_LOCAL_INVALID_CONF, errstr, n,
                    "Invalid value \"%.*s%s\" for property \"%s\": "
                    "expected %s",
                    qlen, value, more, name, exp);
}

/* ---- parsing ---- */

/* A whole-string decimal integer with an optional '-'; false on anything
 * else (empty, "+5", " 5", "5ms", "0x10") and beyond the int64 range. */
static bool parse_decimal(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    if (*s < '0' || *s > '9')
        return false;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (*s)
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* Looks up the @len bytes at @s among @vals, case-insensitively. */
static const struct kr_prop_val *find_val(const struct kr_prop_val *vals,
                                          const char *s, size_t len)
{
    for (size_t i = 0; vals && vals[i].name; i++)
        if (strlen(vals[i].name) == len &&
            strncasecmp(vals[i].name, s, len) == 0)
            return &vals[i];
    return NULL;
}

static bool parse_int(const struct kr_prop *p, const char *s, int64_t *out)
{
    const struct kr_prop_val *v = find_val(p->vals, s, strlen(s));
    if (v) {
        *out = v->val;
        return true;
    }
    return parse_decimal(s, out) && *out >= p->min && *out <= p->max;
}

static bool parse_bool(const char *s, int64_t *out)
{
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = 1;
    else if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = 0;
    else
        return false;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The next item of a comma list at *@s: sets *@item and *@len (spaces
 * trimmed, may be empty) and advances *@s past the comma. False at the
 * end of the list. */
static bool next_item(const char **s, const char **item, size_t *len)
{
    const char *p = *s;
    if (!p)
        return false;
    while (is_space(*p))
        p++;
    const char *end = strchr(p, ',');
    *s = end ? end + 1 : NULL;
    if (!end)
        end = p + strlen(p);
    while (end > p && is_space(end[-1]))
        end--;
    *item = p;
    *len = (size_t)(end - p);
    return true;
}

/* Flags: the OR of every item's value; empty items are skipped. On an
 * unknown item sets @bad and @bad_len and returns false. */
static bool parse_flags(const struct kr_prop *p, const char *s, int64_t *out,
                        const char **bad, size_t *bad_len)
{
    const char *item;
    size_t len;
    uint32_t bits = 0;
    while (next_item(&s, &item, &len)) {
        if (len == 0)
            continue;
        const struct kr_prop_val *v = find_val(p->vals, item, len);
        if (!v) {
            *bad = item;
            *bad_len = len;
            return false;
        }
        bits |= (uint32_t)v->val;
    }
    *out = bits;
    return true;
}

/* A list: at least one item, each known; *@out gets the canonical names
 * joined by commas (malloc'd; never longer than @s). Returns NONE,
 * LOCAL_INVALID_CONF (with *@bad set for an unknown item) or LOCAL_NOMEM. */
static krafka_err_t parse_list(const struct kr_prop *p, const char *s,
                               char **out, const char **bad, size_t *bad_len)
{
    char *norm = malloc(strlen(s) + 1);
    if (!norm)
        return KRAFKA_ERR_LOCAL_NOMEM;
    size_t pos = 0;
    const char *item;
    size_t len;
    *bad = NULL;
    while (next_item(&s, &item, &len)) {
        if (len == 0)
            continue;
        const struct kr_prop_val *v = find_val(p->vals, item, len);
        if (!v) {
            *bad = item;
            *bad_len = len;
            break;
        }
        if (pos)
            norm[pos++] = ',';
        memcpy(norm + pos, v->name, len);
        pos += len;
    }
    if (*bad || pos == 0) {
        free(norm);
        return KRAFKA_ERR_LOCAL_INVALID_CONF;
    }
    norm[pos] = '\0';
    *out = norm;
    return KRAFKA_ERR_NONE;
}

static krafka_err_t set_str(struct krafka_conf *conf, const struct kr_prop *p,
                            const char *name, const char *s, char *errstr,
                            size_t n)
{
    char *copy = NULL;
    if (p->type == KR_PT_LIST) {
        const char *bad = NULL;
        size_t bad_len = 0;
        krafka_err_t err = parse_list(p, s, &copy, &bad, &bad_len);
        if (err == KRAFKA_ERR_LOCAL_INVALID_CONF)
            return invalid_value(p, name, s, bad, bad_len, errstr, n);
        if (err)
            return conf_err(err, errstr, n, "Out of memory setting \"%s\"",
                            name);
    } else if (*s) {
        copy = strdup(s);
        if (!copy)
            return conf_err(KRAFKA_ERR_LOCAL_NOMEM, errstr, n,
                            "Out of memory setting \"%s\"", name);
    }
    store_str(conf, p, copy);
    return KRAFKA_ERR_NONE;
}

static krafka_err_t set_num(struct krafka_conf *conf, const struct kr_prop *p,
                            const char *name, const char *s, char *errstr,
                            size_t n)
{
    int64_t v = 0;
    bool ok = false;
    const char *bad = NULL;
    size_t bad_len = 0;
    const struct kr_prop_val *ev;
    switch (p->type) {
    case KR_PT_INT:
        ok = parse_int(p, s, &v);
        break;
    case KR_PT_BOOL:
        ok = parse_bool(s, &v);
        break;
    case KR_PT_ENUM:
        ev = find_val(p->vals, s, strlen(s));
        ok = ev != NULL;
        v = ev ? ev->val : 0;
        break;
    case KR_PT_FLAGS:
        ok = parse_flags(p, s, &v, &bad, &bad_len);
        break;
    case KR_PT_STR:
    case KR_PT_LIST:
        break;
    }
    if (!ok)
        return invalid_value(p, name, s, bad, bad_len, errstr, n);
    if (p->scale > 1) /* v >= min >= 1: no rounding below zero */
        v = (v + p->scale - 1) / p->scale;
    store_num(conf, p, v);
    return KRAFKA_ERR_NONE;
}

/* Sets @p from @value (NULL: the default); @name is what the caller used
 * (the name or an alias), for messages. Leaves @conf unchanged on error. */
static krafka_err_t set_prop(struct krafka_conf *conf, const struct kr_prop *p,
                             const char *name, const char *value,
                             char *errstr, size_t n)
{
    if (!value)
        value = p->def ? p->def : "";
    if (is_str(p))
        return set_str(conf, p, name, value, errstr, n);
    return set_num(conf, p, name, value, errstr, n);
}

/* ---- formatting ---- */

/* Names of the values contained in @bits, greedily in table order, so
 * a value covering several bits ("all", listed first) wins. */
static void format_flags(uint32_t bits, const struct kr_prop_val *vals,
                         char *buf, size_t n)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t i = 0; vals[i].name && pos < n; i++) {
        uint32_t v = (uint32_t)vals[i].val;
        if (v == 0 || (bits & v) != v)
            continue;
        int r = snprintf(buf + pos, n - pos, "%s%s", pos ? "," : "",
                         vals[i].name);
        if (r < 0)
            break;
        pos += (size_t)r;
        bits &= ~v;
    }
}

/* The value of @p as a string: a field's own string, or @buf (of @n
 * bytes) holding the formatted number. */
static const char *format_value(const struct krafka_conf *conf,
                                const struct kr_prop *p, char *buf, size_t n)
{
    int64_t v = is_str(p) ? 0 : load_num(conf, p);
    const struct kr_prop_val *vals = p->vals;
    switch (p->type) {
    case KR_PT_STR:
    case KR_PT_LIST: {
        const char *s = load_str(conf, p);
        return s ? s : "";
    }
    case KR_PT_BOOL:
        return v ? "true" : "false";
    case KR_PT_ENUM:
        for (size_t i = 0; vals[i].name; i++)
            if (vals[i].val == v)
                return vals[i].name;
        break;
    case KR_PT_FLAGS:
        format_flags((uint32_t)v, vals, buf, n);
        return buf;
    case KR_PT_INT:
        if (p->scale > 1)
            v *= p->scale;
        break;
    }
    snprintf(buf, n, "%lld", (long long)v);
    return buf;
}

/* ---- public API ---- */

krafka_conf_t *krafka_conf_new(void)
{
    struct krafka_conf *conf = calloc(1, sizeof *conf);
    if (!conf)
        return NULL;
    for (size_t i = 0; i < kr_props_cnt; i++) {
        /* Only running out of memory can fail: test_conf parses every
         * default. */
        if (set_prop(conf, &kr_props[i], kr_props[i].name, NULL, NULL, 0)) {
            krafka_conf_destroy(conf);
            return NULL;
        }
    }
    return conf;
}

krafka_conf_t *krafka_conf_dup(const krafka_conf_t *src)
{
    if (!src)
        return NULL;
    struct krafka_conf *conf = malloc(sizeof *conf);
    if (!conf)
        return NULL;
    *conf = *src; /* numbers, callbacks, opaque; strings follow */
    for (size_t i = 0; i < kr_props_cnt; i++)
        if (is_str(&kr_props[i]))
            memset(field(conf, &kr_props[i]), 0, sizeof(char *));
    for (size_t i = 0; i < kr_props_cnt; i++) {
        const struct kr_prop *p = &kr_props[i];
        const char *s = is_str(p) ? load_str(src, p) : NULL;
        if (!s)
            continue;
        char *copy = strdup(s);
        if (!copy) {
            krafka_conf_destroy(conf);
            return NULL;
        }
        store_str(conf, p, copy);
    }
    return conf;
}

void krafka_conf_destroy(krafka_conf_t *conf)
{
    if (!conf)
        return;
    for (size_t i = 0; i < kr_props_cnt; i++)
        if (is_str(&kr_props[i]))
            store_str(conf, &kr_props[i], NULL);
    free(conf);
}

krafka_err_t krafka_conf_set(krafka_conf_t *conf, const char *name,
                             const char *value, char *errstr,
                             size_t errstr_size)
{
    if (!conf || !name)
        return conf_err(KRAFKA_ERR_LOCAL_INVALID_ARG, errstr, errstr_size,
                        "krafka_conf_set: conf and name must not be NULL");
    const struct kr_prop *p = kr_prop_find(name);
    if (!p)
        return conf_err(KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY, errstr,
                        errstr_size,
                        "No such configuration property: \"%s\"", name);
    krafka_err_t err = set_prop(conf, p, name, value, errstr, errstr_size);
    if (err == KRAFKA_ERR_NONE) {
        size_t i = (size_t)(p - kr_props);
        uint64_t bit = (uint64_t)1 << (i % 64);
        if (value)
            conf->user_set[i / 64] |= bit;
        else
            conf->user_set[i / 64] &= ~bit;
    }
    return err;
}

bool kr_conf_is_set(const struct krafka_conf *conf, const char *name)
{
    const struct kr_prop *p = kr_prop_find(name);
    if (!p)
        return false;
    size_t i = (size_t)(p - kr_props);
    return (conf->user_set[i / 64] >> (i % 64)) & 1;
}

/* Idempotence on by default gives way to an explicit acks != all,
 * max.in.flight > 5 or retries=0, as in the Java client. */
static bool idempotence_conflict(const struct krafka_conf *c)
{
    return (c->acks != -1 && kr_conf_is_set(c, "acks")) ||
           (c->max_in_flight > 5 && kr_conf_is_set(c, "max.in.flight")) ||
           (c->retries < 1 && kr_conf_is_set(c, "retries"));
}

void kr_conf_finalize(struct krafka_conf *conf, const char *role)
{
    if (strcmp(role, "producer") != 0 || !conf->enable_idempotence)
        return;
    if (!kr_conf_is_set(conf, "enable.idempotence") &&
        idempotence_conflict(conf)) {
        conf->enable_idempotence = false;
        return;
    }
    conf->acks = -1;
    if (conf->max_in_flight > 5)
        conf->max_in_flight = 5;
}

krafka_err_t krafka_conf_get(const krafka_conf_t *conf, const char *name,
                             char *dest, size_t *dest_size)
{
    if (!conf || !name || !dest_size)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    const struct kr_prop *p = kr_prop_find(name);
    if (!p)
        return KRAFKA_ERR_LOCAL_UNKNOWN_PROPERTY;
    char buf[TEXT_MAX];
    const char *s = format_value(conf, p, buf, sizeof buf);
    size_t need = strlen(s) + 1;
    size_t have = *dest_size;
    *dest_size = need;
    if (!dest)
        return KRAFKA_ERR_NONE;
    if (have < need)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    memcpy(dest, s, need);
    return KRAFKA_ERR_NONE;
}

void krafka_conf_set_log_cb(krafka_conf_t *conf, krafka_log_cb cb)
{
    if (conf)
        conf->log_cb = cb;
}

void krafka_conf_set_stats_cb(krafka_conf_t *conf, krafka_stats_cb cb)
{
    if (conf)
        conf->stats_cb = cb;
}

void krafka_conf_set_dr_cb(krafka_conf_t *conf, krafka_dr_cb cb)
{
    if (conf)
        conf->dr_cb = cb;
}

void krafka_conf_set_partitioner_cb(krafka_conf_t *conf,
                                    krafka_partitioner_cb cb, void *opaque)
{
    if (!conf)
        return;
    conf->partitioner_cb = cb;
    conf->partitioner_opaque = cb ? opaque : NULL;
}

void krafka_conf_set_interceptors(krafka_conf_t *conf,
                                  krafka_on_send_cb on_send,
                                  krafka_on_ack_cb on_ack, void *ic_opaque)
{
    if (!conf)
        return;
    conf->on_send = on_send;
    conf->on_ack = on_ack;
    conf->ic_opaque = ic_opaque;
}

void krafka_conf_set_rebalance_cb(krafka_conf_t *conf,
                                  krafka_rebalance_cb cb)
{
    if (conf)
        conf->rebalance_cb = cb;
}

void krafka_conf_set_offset_commit_cb(krafka_conf_t *conf,
                                      krafka_offset_commit_cb cb)
{
    if (conf)
        conf->offset_commit_cb = cb;
}

void krafka_conf_set_consume_interceptor(krafka_conf_t *conf,
                                         krafka_on_consume_cb cb,
                                         void *ic_opaque)
{
    if (!conf)
        return;
    conf->on_consume = cb;
    conf->consume_ic_opaque = ic_opaque;
}

void krafka_conf_set_opaque(krafka_conf_t *conf, void *opaque)
{
    if (conf)
        conf->opaque = opaque;
}

/* ---- cross-property checks ---- */

static bool is_sasl(enum kr_security_protocol sp)
{
    return sp == KR_SEC_SASL_PLAINTEXT || sp == KR_SEC_SASL_SSL;
}

static krafka_err_t invalid(char *errstr, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static krafka_err_t invalid(char *errstr, size_t n, const char *fmt, ...)
{
    if (errstr && n > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, n, fmt, ap);
        va_end(ap);
    }
    return KRAFKA_ERR_LOCAL_INVALID_CONF;
}

/* "@a" (va) must not be greater than "@b" (vb). */
static krafka_err_t check_le(const char *a, int32_t va, const char *b,
                             int32_t vb, char *errstr, size_t n)
{
    if (va <= vb)
        return KRAFKA_ERR_NONE;
    return invalid(errstr, n,
                   "\"%s\" (%d) must not be greater than \"%s\" (%d)", a,
                   (int)va, b, (int)vb);
}

/* "@a" (va) must be less than "@b" (vb). */
static krafka_err_t check_lt(const char *a, int32_t va, const char *b,
                             int32_t vb, char *errstr, size_t n)
{
    if (va < vb)
        return KRAFKA_ERR_NONE;
    return invalid(errstr, n, "\"%s\" (%d) must be less than \"%s\" (%d)",
                   a, (int)va, b, (int)vb);
}

static krafka_err_t validate_global(const struct krafka_conf *c,
                                    char *errstr, size_t n)
{
    if (!c->bootstrap_servers)
        return invalid(errstr, n, "\"bootstrap.servers\" must be set");
    if (is_sasl(c->security_protocol)) {
        const char *sp = c->security_protocol == KR_SEC_SASL_SSL
                             ? "sasl_ssl"
                             : "sasl_plaintext";
        if (!c->sasl_username)
            return invalid(errstr, n,
                           "\"sasl.username\" must be set when "
                           "\"security.protocol\" is %s",
                           sp);
        if (!c->sasl_password)
            return invalid(errstr, n,
                           "\"sasl.password\" must be set when "
                           "\"security.protocol\" is %s",
                           sp);
    }
    krafka_err_t err = check_le(
        "reconnect.backoff.ms", c->reconnect_backoff_ms,
        "reconnect.backoff.max.ms", c->reconnect_backoff_max_ms, errstr, n);
    if (err)
        return err;
    return check_le("retry.backoff.ms", c->retry_backoff_ms,
                    "retry.backoff.max.ms", c->retry_backoff_max_ms, errstr,
                    n);
}

/* Idempotence (KIP-98): the broker deduplicates by sequence number only
 * for acks=all, at most 5 requests in flight, and retries it can see. */
static krafka_err_t validate_idempotence(const struct krafka_conf *c,
                                         char *errstr, size_t n)
{
    /* Defaults that don't fit are adjusted by kr_conf_finalize(); only
     * values the application chose are refused. */
    if (c->acks != -1 && kr_conf_is_set(c, "acks"))
        return invalid(errstr, n,
                       "\"enable.idempotence\" requires \"acks\" to be "
                       "all (-1), not %d",
                       (int)c->acks);
    if (c->max_in_flight > 5 && kr_conf_is_set(c, "max.in.flight"))
        return invalid(errstr, n,
                       "\"enable.idempotence\" requires "
                       "\"max.in.flight.requests.per.connection\" <= 5, "
                       "not %d",
                       (int)c->max_in_flight);
    if (c->retries < 1)
        return invalid(errstr, n,
                       "\"enable.idempotence\" requires \"retries\" > 0, "
                       "not %d",
                       (int)c->retries);
    return KRAFKA_ERR_NONE;
}

static krafka_err_t validate_producer(const struct krafka_conf *c,
                                      char *errstr, size_t n)
{
    if (c->enable_idempotence && kr_conf_is_set(c, "enable.idempotence")) {
        krafka_err_t err = validate_idempotence(c, errstr, n);
        if (err)
            return err;
    }
    if (c->message_timeout_ms == 0) /* no timeout */
        return KRAFKA_ERR_NONE;
    return check_lt("linger.ms", c->linger_ms, "message.timeout.ms",
                    c->message_timeout_ms, errstr, n);
}

/* Eager and cooperative assignors cannot share a group generation. */
static bool assignors_mixed(const char *list)
{
    if (!list || !strstr(list, "cooperative-sticky"))
        return false;
    return strstr(list, "range") || strstr(list, "roundrobin");
}

static krafka_err_t validate_consumer(const struct krafka_conf *c,
                                      char *errstr, size_t n)
{
    /* group.id is checked by subscribe(): assign() needs no group. */
    krafka_err_t err = check_lt("heartbeat.interval.ms",
                                c->heartbeat_interval_ms,
                                "session.timeout.ms", c->session_timeout_ms,
                                errstr, n);
    if (err)
        return err;
    /* A full fetch response plus its headers must fit a received frame. */
    if ((int64_t)c->fetch_max_bytes + 512 > c->receive_message_max_bytes)
        return invalid(errstr, n,
                       "\"fetch.max.bytes\" (%d) + 512 must not be greater "
                       "than \"receive.message.max.bytes\" (%d)",
                       (int)c->fetch_max_bytes,
                       (int)c->receive_message_max_bytes);
    if (assignors_mixed(c->partition_assignment_strategy))
        return invalid(errstr, n,
                       "\"partition.assignment.strategy\" cannot mix "
                       "cooperative-sticky with eager assignors (%s)",
                       c->partition_assignment_strategy);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_conf_validate(const struct krafka_conf *conf,
                              const char *role, char *errstr,
                              size_t errstr_size)
{
    bool producer = role && strcmp(role, "producer") == 0;
    bool consumer = role && strcmp(role, "consumer") == 0;
    if (!conf || !role || (!producer && !consumer && strcmp(role, "admin")))
        return conf_err(KRAFKA_ERR_LOCAL_INVALID_ARG, errstr, errstr_size,
                        "kr_conf_validate: bad arguments");
    krafka_err_t err = validate_global(conf, errstr, errstr_size);
    if (!err && producer)
        err = validate_producer(conf, errstr, errstr_size);
    if (!err && consumer)
        err = validate_consumer(conf, errstr, errstr_size);
    return err;
}

/* ---- docs/CONFIGURATION.md ---- */

static void put_str(struct kr_buf *out, const char *s)
{
    kr_buf_write(out, s, strlen(s));
}

/* One table cell: " text |", with '|' escaped; in backticks if @code and
 * @s is not empty. */
static void put_cell(struct kr_buf *out, const char *s, bool code)
{
    code = code && *s;
    put_str(out, code ? " `" : " ");
    for (; *s; s++) {
        if (*s == '|')
            kr_buf_put_u8(out, '\\');
        kr_buf_put_u8(out, (uint8_t)*s);
    }
    put_str(out, code ? "` |" : " |");
}

static const char *type_name(enum kr_prop_type t)
{
    static const char *const names[] = {
        [KR_PT_INT] = "integer", [KR_PT_BOOL] = "boolean",
        [KR_PT_STR] = "string",  [KR_PT_ENUM] = "enum",
        [KR_PT_FLAGS] = "flags", [KR_PT_LIST] = "list",
    };
    return names[t];
}

static void values_text(const struct kr_prop *p, char *buf, size_t n)
{
    char names[NAMES_MAX];
    join_vals(p->vals, ", ", names, sizeof names);
    if (p->type == KR_PT_INT)
        snprintf(buf, n, "%lld..%lld%s%s", (long long)p->min,
                 (long long)p->max, p->vals ? ", " : "", names);
    else if (p->type == KR_PT_BOOL)
        snprintf(buf, n, "true, false");
    else
        snprintf(buf, n, "%s", names);
}

static void doc_row(struct kr_buf *out, const struct kr_prop *p)
{
    char text[TEXT_MAX];
    size_t pos = 0;
    text[0] = '\0';
    for (size_t a = 0; a < KR_PROP_ALIASES_MAX && p->aliases[a]; a++) {
        int r = snprintf(text + pos, sizeof text - pos, "%s`%s`",
                         a ? ", " : "", p->aliases[a]);
        if (r < 0 || (size_t)r >= sizeof text - pos)
            break;
        pos += (size_t)r;
    }
    put_str(out, "|");
    put_cell(out, p->name, true);
    put_cell(out, text, false);
    snprintf(text, sizeof text, "%s%s", type_name(p->type),
             p->sensitive ? " (secret)" : "");
    put_cell(out, text, false);
    values_text(p, text, sizeof text);
    put_cell(out, text, false);
    put_cell(out, p->def && !p->sensitive ? p->def : "", true);
    put_cell(out, p->desc, false);
    put_str(out, "\n");
}

static void doc_table(struct kr_buf *out, enum kr_prop_scope scope,
                      const char *title, const char *intro)
{
    put_str(out, "\n## ");
    put_str(out, title);
    put_str(out, "\n\n");
    put_str(out, intro);
    put_str(out, "\n\n| Property | Aliases | Type | Range/values | Default "
                 "| Description |\n|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < kr_props_cnt; i++)
        if (kr_props[i].scope == scope)
            doc_row(out, &kr_props[i]);
}

void kr_conf_doc_markdown(struct kr_buf *out)
{
    put_str(out,
            "# Configuration properties\n\n"
            "This file is generated from `src/client/conf_props.c` by "
            "`tools/gen_confdoc`; do not edit it.\n"
            "Regenerate it with `build/tests/gen_confdoc "
            "docs/CONFIGURATION.md`.\n\n"
            "Set a property with `krafka_conf_set(conf, name, value, "
            "errstr, sizeof errstr)`;\na value of NULL restores the "
            "default, and an unknown name is an error.\nNames are "
            "librdkafka's; an alias sets the same property. Integers are "
            "decimal,\nbooleans `true`/`false` (or `1`/`0`); enum, flag "
            "and list values are\ncase-insensitive. Secrets show no "
            "default.\n");
    doc_table(out, KR_SCOPE_GLOBAL, "Global properties",
              "Used by every client: producer, consumer and admin.");
    doc_table(out, KR_SCOPE_PRODUCER, "Producer properties",
              "Used by the producer only.");
    doc_table(out, KR_SCOPE_CONSUMER, "Consumer properties",
              "Used by the consumer only.");
}
