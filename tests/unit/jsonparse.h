/*
 * A strict JSON (RFC 8259) validator for the metrics tests: recursive
 * descent over objects, arrays, strings (escapes checked, no raw control
 * characters), numbers (the RFC grammar, no leading zeros, no NaN), true,
 * false, null; nothing but whitespace after the top value. json_check()
 * returns NULL or what is wrong, with the offset.
 */
#ifndef TEST_JSONPARSE_H
#define TEST_JSONPARSE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct json_rd {
    const char *p, *end;
    const char *err;
    int depth;
};

static bool json_value(struct json_rd *r);

static void json_ws(struct json_rd *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool json_fail(struct json_rd *r, const char *why)
{
    if (!r->err)
        r->err = why;
    return false;
}

static bool json_hex4(struct json_rd *r)
{
    for (int i = 0; i < 4; i++, r->p++) {
        char c = r->p < r->end ? *r->p : 0;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return json_fail(r, "bad \\u escape");
    }
    return true;
}

static bool json_string(struct json_rd *r)
{
    if (r->p >= r->end || *r->p != '"')
        return json_fail(r, "string expected");
    for (r->p++; r->p < r->end && *r->p != '"'; r->p++) {
        unsigned char c = (unsigned char)*r->p;
        if (c < 0x20)
            return json_fail(r, "raw control character in string");
        if (c != '\\')
            continue;
        if (++r->p >= r->end)
            break;
        if (*r->p == 'u') {
            r->p++;
            if (!json_hex4(r))
                return false;
            r->p--;
        } else if (!*r->p || !strchr("\"\\/bfnrt", *r->p)) {
            return json_fail(r, "bad escape");
        }
    }
    if (r->p >= r->end)
        return json_fail(r, "unterminated string");
    r->p++;
    return true;
}

static bool json_digits(struct json_rd *r)
{
    const char *s = r->p;
    while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
        r->p++;
    return r->p > s;
}

static bool json_number(struct json_rd *r)
{
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p < r->end && *r->p == '0')
        r->p++;
    else if (!json_digits(r))
        return json_fail(r, "bad number");
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (!json_digits(r))
            return json_fail(r, "no digits after '.'");
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (!json_digits(r))
            return json_fail(r, "no digits in exponent");
    }
    return true;
}

/* object when close == '}', array when close == ']' */
static bool json_container(struct json_rd *r, char close)
{
    if (++r->depth > 64)
        return json_fail(r, "nesting too deep");
    r->p++;
    json_ws(r);
    bool first = true;
    while (r->p < r->end && *r->p != close) {
        if (!first && *r->p++ != ',')
            return json_fail(r, "',' expected");
        json_ws(r);
        if (close == '}') {
            if (!json_string(r))
                return false;
            json_ws(r);
            if (r->p >= r->end || *r->p++ != ':')
                return json_fail(r, "':' expected");
        }
        if (!json_value(r))
            return false;
        json_ws(r);
        first = false;
    }
    if (r->p >= r->end)
        return json_fail(r, "unterminated object or array");
    r->p++;
    r->depth--;
    return true;
}

static bool json_lit(struct json_rd *r, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n))
        return json_fail(r, "bad literal");
    r->p += n;
    return true;
}

static bool json_value(struct json_rd *r)
{
    json_ws(r);
    if (r->p >= r->end)
        return json_fail(r, "value expected");
    switch (*r->p) {
    case '{':
        return json_container(r, '}');
    case '[':
        return json_container(r, ']');
    case '"':
        return json_string(r);
    case 't':
        return json_lit(r, "true");
    case 'f':
        return json_lit(r, "false");
    case 'n':
        return json_lit(r, "null");
    default:
        return json_number(r);
    }
}

static const char *json_check(const char *text, size_t len)
{
    static char msg[128];
    struct json_rd r = {.p = text, .end = text + len};
    if (json_value(&r)) {
        json_ws(&r);
        if (r.p == r.end)
            return NULL;
        json_fail(&r, "text after the value");
    }
    snprintf(msg, sizeof msg, "offset %td: %s", r.p - text, r.err);
    return msg;
}

#endif
