/*
 * Output of the krafka tool as kcat writes it: the -f tokens and escapes,
 * the -J envelope (key order and string escaping of kcat's JSON writer,
 * yajl), the -D/-K delimiter syntax, and librdkafka's wording of errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krafka.h"

/* ---- format strings ---- */

static int fmt_add(struct fmt *f, enum fmt_type type, const char *s,
                   size_t n)
{
    struct fmt_item *v = realloc(f->items, (f->cnt + 1) * sizeof *v);
    if (!v)
        return -1;
    f->items = v;
    struct fmt_item *it = &f->items[f->cnt];
    *it = (struct fmt_item){.type = type};
    if (type == FMT_STR) {
        /* Backslash escapes, as kcat decodes them: \t \n \r, \xNN (hex,
         * read only when a decimal digit follows the x), \NNN (strtoul
         * base 0: decimal, 0-octal, 0x-hex), else the character itself. */
        char *d = malloc(n + 1);
        if (!d)
            return -1;
        memcpy(d, s, n);
        d[n] = '\0';
        char *src = d, *dst = d;
        while (*src) {
            if (*src == '\\' && src[1]) {
                int base = 0;
                src++;
                switch (*src) {
                case 't':
                    *dst = '\t';
                    break;
                case 'n':
                    *dst = '\n';
                    break;
                case 'r':
                    *dst = '\r';
                    break;
                case 'x':
                    src++;
                    base = 16;
                    /* fall through */
                default:
                    if (*src >= '0' && *src <= '9') {
                        char *next;
                        *dst = (char)strtoul(src, &next, base);
                        if (next > src)
                            src = next - 1;
                    } else {
                        *dst = *src;
                    }
                    break;
                }
            } else {
                *dst = *src;
            }
            /* An "\x" at the very end leaves src on the NUL. */
            if (!*src) {
                dst++;
                break;
            }
            src++;
            dst++;
        }
        *dst = '\0';
        it->str = d;
        /* kcat measures the decoded string with strlen(): a \0 or \x00
         * ends it. */
        it->len = strlen(d);
    }
    f->cnt++;
    return 0;
}

int fmt_parse(struct fmt *f, const char *spec, char *err, size_t errn)
{
    const char *s = spec;
    while (*s) {
        const char *t = strchr(s, '%');
        if (!t)
            return fmt_add(f, FMT_STR, s, strlen(s));
        if (t > s && fmt_add(f, FMT_STR, s, (size_t)(t - s)))
            return -1;
        s = t + 1;
        enum fmt_type ty;
        switch (*s) {
        case 'o': ty = FMT_OFFSET; break;
        case 'k': ty = FMT_KEY; break;
        case 'K': ty = FMT_KEY_LEN; break;
        case 's': ty = FMT_VALUE; break;
        case 'S': ty = FMT_VALUE_LEN; break;
        case 'R': ty = FMT_VALUE_LEN_BINARY; break;
        case 't': ty = FMT_TOPIC; break;
        case 'p': ty = FMT_PARTITION; break;
        case 'T': ty = FMT_TIMESTAMP; break;
        case 'h': ty = FMT_HEADERS; break;
        case '%':
            if (fmt_add(f, FMT_STR, s, 1))
                return -1;
            s++;
            continue;
        case '\0':
            snprintf(err, errn, "Empty formatter");
            return -1;
        default:
            snprintf(err, errn, "Unsupported formatter: %%%c", *s);
            return -1;
        }
        if (fmt_add(f, ty, NULL, 0))
            return -1;
        s++;
    }
    return 0;
}

void fmt_free(struct fmt *f)
{
    for (size_t i = 0; i < f->cnt; i++)
        free(f->items[i].str);
    free(f->items);
    f->items = NULL;
    f->cnt = 0;
}

/* ---- JSON ---- */

void jb_raw(struct jbuf *b, const void *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2 + 256;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

/* yajl's escaping (kcat's JSON writer, without UTF-8 validation): " \ and
 * the control characters \b \f \n \r \t by name, other bytes below 0x20
 * as \u00XX (upper-case hex); every other byte, '/' and DEL included, as
 * it is. */
void jb_str(struct jbuf *b, const void *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = s;
    jb_raw(b, "\"", 1);
    size_t run = 0; /* bytes copied as they are, not yet written */
    for (size_t i = 0; i < n; i++) {
        const char *esc = NULL;
        char u[7];
        switch (p[i]) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\b': esc = "\\b"; break;
        case '\f': esc = "\\f"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default:
            if (p[i] < 0x20) {
                memcpy(u, "\\u00", 4);
                u[4] = hex[p[i] >> 4];
                u[5] = hex[p[i] & 15];
                u[6] = '\0';
                esc = u;
            }
        }
        if (!esc) {
            run++;
            continue;
        }
        jb_raw(b, p + i - run, run);
        run = 0;
        jb_raw(b, esc, strlen(esc));
    }
    jb_raw(b, p + n - run, run);
    jb_raw(b, "\"", 1);
}

void jb_cstr(struct jbuf *b, const char *s)
{
    if (s)
        jb_str(b, s, strlen(s));
    else
        jb_raw(b, "null", 4);
}

void jb_i64(struct jbuf *b, int64_t v)
{
    char t[32];
    int n = snprintf(t, sizeof t, "%" PRId64, v);
    jb_raw(b, t, (size_t)n);
}

void jb_key(struct jbuf *b, const char *k)
{
    /* A key after an opened object needs no comma; after a value it does. */
    if (b->len && b->p[b->len - 1] != '{' && b->p[b->len - 1] != '[')
        jb_raw(b, ",", 1);
    jb_cstr(b, k);
    jb_raw(b, ":", 1);
}

void jb_free(struct jbuf *b)
{
    free(b->p);
    *b = (struct jbuf){0};
}

/* The -J envelope, in kcat's key order: topic, partition, offset,
 * tstype + ts (when the record has a timestamp), broker, headers (an
 * array of name, value, ... when there are any), key, payload. */
static int fmt_json(FILE *out, const struct fmt *f, const krafka_record_t *r,
                    int32_t broker)
{
    struct jbuf b = {0};
    jb_raw(&b, "{", 1);
    jb_key(&b, "topic");
    jb_cstr(&b, r->topic);
    jb_key(&b, "partition");
    jb_i64(&b, r->partition);
    jb_key(&b, "offset");
    jb_i64(&b, r->offset);
    if (r->ts_type != KRAFKA_TS_NONE) {
        jb_key(&b, "tstype");
        jb_cstr(&b, r->ts_type == KRAFKA_TS_CREATE_TIME ? "create"
                                                        : "logappend");
        jb_key(&b, "ts");
        jb_i64(&b, r->timestamp);
    }
    jb_key(&b, "broker");
    jb_i64(&b, broker);
    if (r->header_cnt) {
        jb_key(&b, "headers");
        jb_raw(&b, "[", 1);
        for (size_t i = 0; i < r->header_cnt; i++) {
            const char *name;
            size_t nlen, vlen;
            const void *val;
            if (krafka_record_header(r, i, &name, &nlen, &val, &vlen))
                continue;
            if (i)
                jb_raw(&b, ",", 1);
            jb_str(&b, name, nlen);
            jb_raw(&b, ",", 1);
            if (val)
                jb_str(&b, val, vlen);
            else
                jb_raw(&b, "null", 4);
        }
        jb_raw(&b, "]", 1);
    }
    jb_key(&b, "key");
    if (r->key)
        jb_str(&b, r->key, r->key_len);
    else
        jb_raw(&b, "null", 4);
    jb_key(&b, "payload");
    if (r->value)
        jb_str(&b, r->value, r->value_len);
    else
        jb_raw(&b, "null", 4);
    jb_raw(&b, "}", 1);
    if (b.oom) {
        jb_free(&b);
        errno = ENOMEM;
        return -1;
    }
    int rc = fwrite(b.p, b.len, 1, out) == 1 ? 0 : -1;
    /* The format string is the object delimiter (-D, default \n). */
    if (!rc && f->cnt && f->items[0].type == FMT_STR && f->items[0].len &&
        fwrite(f->items[0].str, f->items[0].len, 1, out) != 1)
        rc = -1;
    jb_free(&b);
    return rc;
}

/* %h: name=value pairs joined by ',', NULL for a null value. */
static int fmt_headers(FILE *out, const krafka_record_t *r)
{
    for (size_t i = 0; i < r->header_cnt; i++) {
        const char *name;
        size_t nlen, vlen;
        const void *val;
        if (krafka_record_header(r, i, &name, &nlen, &val, &vlen))
            continue;
        if (fprintf(out, "%s%.*s=", i ? "," : "", (int)nlen, name) < 0)
            return -1;
        if (val && vlen && fwrite(val, vlen, 1, out) != 1)
            return -1;
        if (!val && fputs("NULL", out) < 0)
            return -1;
    }
    return 0;
}

int fmt_record(FILE *out, const struct fmt *f, const krafka_record_t *r,
               int32_t broker)
{
    if (f->json)
        return fmt_json(out, f, r, broker);
    for (size_t i = 0; i < f->cnt; i++) {
        const struct fmt_item *it = &f->items[i];
        int rc = 0;
        switch (it->type) {
        case FMT_STR:
            rc = fwrite(it->str, it->len, 1, out) == 1 ? 0 : -1;
            break;
        case FMT_OFFSET:
            rc = fprintf(out, "%" PRId64, r->offset) < 0 ? -1 : 0;
            break;
        case FMT_KEY:
            if (r->key_len)
                rc = fwrite(r->key, r->key_len, 1, out) == 1 ? 0 : -1;
            else if (f->null_str)
                rc = fputs("NULL", out) < 0 ? -1 : 0;
            break;
        case FMT_KEY_LEN:
            rc = fprintf(out, "%lld",
                         r->key ? (long long)r->key_len : -1LL) < 0
                     ? -1
                     : 0;
            break;
        case FMT_VALUE:
            if (r->value_len)
                rc = fwrite(r->value, r->value_len, 1, out) == 1 ? 0 : -1;
            else if (f->null_str)
                rc = fputs("NULL", out) < 0 ? -1 : 0;
            break;
        case FMT_VALUE_LEN:
            rc = fprintf(out, "%lld",
                         r->value ? (long long)r->value_len : -1LL) < 0
                     ? -1
                     : 0;
            break;
        case FMT_VALUE_LEN_BINARY: {
            uint32_t v = r->value ? (uint32_t)r->value_len : UINT32_MAX;
            unsigned char be[4] = {(unsigned char)(v >> 24),
                                   (unsigned char)(v >> 16),
                                   (unsigned char)(v >> 8), (unsigned char)v};
            rc = fwrite(be, 4, 1, out) == 1 ? 0 : -1;
            break;
        }
        case FMT_TOPIC:
            rc = fputs(r->topic ? r->topic : "", out) < 0 ? -1 : 0;
            break;
        case FMT_PARTITION:
            rc = fprintf(out, "%" PRId32, r->partition) < 0 ? -1 : 0;
            break;
        case FMT_TIMESTAMP:
            rc = fprintf(out, "%" PRId64, r->timestamp) < 0 ? -1 : 0;
            break;
        case FMT_HEADERS:
            rc = fmt_headers(out, r);
            break;
        }
        if (rc)
            return -1;
    }
    return 0;
}

/* ---- delimiters ---- */

char *parse_delim(const char *in, size_t *len, char *err, size_t errn)
{
    size_t n = strlen(in);
    char *out = malloc(n + 1);
    if (!out) {
        snprintf(err, errn, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] == '\\' && in[i + 1] == 'n') {
            out[o++] = '\n';
            i += 2;
        } else if (in[i] == '\\' && in[i + 1] == 't') {
            out[o++] = '\t';
            i += 2;
        } else if (in[i] == '\\' && in[i + 1] == 'x') {
            char *end;
            unsigned long x = strtoul(in + i + 2, &end, 16);
            if (end == in + i + 2) {
                snprintf(err, errn, "Delimiter %s expects hex number",
                         in + i);
                free(out);
                return NULL;
            }
            out[o++] = (char)(x & 0xff);
            i = (size_t)(end - in);
        } else {
            out[o++] = in[i++];
        }
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* ---- errors in librdkafka's words ---- */

#include "krafka_rdk_errs.inc"

const char *cli_err2str(krafka_err_t err)
{
    size_t n_rdk = sizeof rdk_broker_err / sizeof *rdk_broker_err;
    if (err > 0 && (size_t)err < n_rdk) {
        const char *s = rdk_broker_err[(size_t)err];
        if (s)
            return s;
    }
    switch (err) {
    case KRAFKA_ERR_NONE: return "Success";
    case KRAFKA_ERR_LOCAL_TIMED_OUT: return "Local: Timed out";
    case KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION: return "Local: Unknown partition";
    case KRAFKA_ERR_LOCAL_UNKNOWN_TOPIC: return "Local: Unknown topic";
    case KRAFKA_ERR_LOCAL_MSG_TIMED_OUT: return "Local: Message timed out";
    case KRAFKA_ERR_LOCAL_RESOLVE: return "Local: Host resolution failure";
    case KRAFKA_ERR_LOCAL_TRANSPORT: return "Local: Broker transport failure";
    case KRAFKA_ERR_LOCAL_SSL: return "Local: SSL error";
    case KRAFKA_ERR_LOCAL_AUTHENTICATION: return "Local: Authentication failure";
    case KRAFKA_ERR_LOCAL_PARTITION_EOF: return "Broker: No more messages";
    default: return krafka_err2str(err);
    }
}
