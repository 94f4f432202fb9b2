/*
 * The "consumer" embedded protocol: ConsumerProtocolSubscription (v1 adds
 * OwnedPartitions for KIP-429, v2 GenerationId for KIP-792, v3 RackId for
 * KIP-881) and ConsumerProtocolAssignment (v0-v3, the same fields). Both
 * are non-flexible and big-endian, after an int16 version.
 *
 * Decoders read hostile bytes (another member wrote them): every length
 * and count is checked against the bytes left before anything is
 * allocated, so a blob of n bytes allocates O(n). Like the Java client
 * they read a version above 3 with the v3 fields and ignore any bytes
 * after the fields they know.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/assignor.h"
#include "protocol/io.h"

#define CP_MAX_VERSION 3

/* Smallest wire sizes: a string (int16 length), an array (int32 count),
 * a {Topic, Partitions} element (empty string, empty array). */
#define CP_STR_MIN 2
#define CP_ARR_MIN 4
#define CP_TP_MIN (CP_STR_MIN + CP_ARR_MIN)

/* A bounded reader that remembers the field of the first failure. */
struct cp_rd {
    struct kr_rd rd;
    const char *field; /* static: where it failed */
    const char *why;   /* static: why */
};

static void cp_fail(struct cp_rd *c, krafka_err_t err, const char *field,
                    const char *why)
{
    if (c->rd.err)
        return;
    kr_rd_fail(&c->rd, err);
    c->field = field;
    c->why = why;
}

/* Records the field name when a plain read just ran out of bytes. */
static void cp_check(struct cp_rd *c, const char *field)
{
    if (c->rd.err && !c->field) {
        c->field = field;
        c->why = "truncated";
    }
}

/* An array count: not null (no array here is nullable), and at most as
 * many elements of @min_wire bytes as there are bytes left. */
static int32_t cp_count(struct cp_rd *c, size_t min_wire, const char *field)
{
    int32_t n = (int32_t)kr_rd_be32(&c->rd);
    cp_check(c, field);
    if (c->rd.err)
        return 0;
    if (n < 0) {
        cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, field, "null or negative count");
        return 0;
    }
    if ((size_t)n > kr_rd_left(&c->rd) / min_wire) {
        cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, field,
                "count exceeds the bytes left");
        return 0;
    }
    return n;
}

static void *cp_alloc(struct cp_rd *c, size_t n, size_t size,
                      const char *field)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        cp_fail(c, KRAFKA_ERR_LOCAL_NOMEM, field, "out of memory");
    return p;
}

/* A (nullable) string copied out NUL-terminated. Returns NULL for null
 * and on error (c->rd.err tells them apart). An embedded NUL is refused:
 * topic names and rack ids cannot hold one and the copy could not. */
static char *cp_str(struct cp_rd *c, bool nullable, const char *field)
{
    int16_t len = (int16_t)kr_rd_be16(&c->rd);
    cp_check(c, field);
    if (c->rd.err)
        return NULL;
    if (len < 0) {
        if (len != -1 || !nullable)
            cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, field, "null string");
        return NULL;
    }
    const uint8_t *p = kr_rd_take(&c->rd, (size_t)len);
    cp_check(c, field);
    if (!p)
        return NULL;
    if (memchr(p, 0, (size_t)len)) {
        cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, field, "NUL byte in string");
        return NULL;
    }
    char *s = cp_alloc(c, (size_t)len + 1, 1, field);
    if (s)
        memcpy(s, p, (size_t)len);
    return s;
}

/* Nullable bytes (UserData): *len -1 and NULL for null. */
static uint8_t *cp_bytes(struct cp_rd *c, int32_t *len, const char *field)
{
    *len = (int32_t)kr_rd_be32(&c->rd);
    cp_check(c, field);
    if (c->rd.err || *len == -1) {
        *len = -1;
        return NULL;
    }
    if (*len < 0) {
        cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, field, "negative length");
        *len = -1;
        return NULL;
    }
    const uint8_t *p = kr_rd_take(&c->rd, (size_t)*len);
    cp_check(c, field);
    if (!p) {
        *len = -1;
        return NULL;
    }
    uint8_t *b = cp_alloc(c, (size_t)*len, 1, field);
    if (b)
        memcpy(b, p, (size_t)*len);
    else
        *len = -1;
    return b;
}

/* One {Topic string, Partitions [int32]} element. */
static void cp_topic(struct cp_rd *c, struct kr_cp_topic *t)
{
    t->topic = cp_str(c, false, "Topic");
    int32_t n = cp_count(c, 4, "Partitions");
    if (c->rd.err)
        return;
    t->partitions = cp_alloc(c, (size_t)n, sizeof *t->partitions,
                             "Partitions");
    if (!t->partitions)
        return;
    t->partition_cnt = n;
    for (int32_t i = 0; i < n; i++)
        t->partitions[i] = (int32_t)kr_rd_be32(&c->rd);
    cp_check(c, "Partitions");
}

/* OwnedPartitions / AssignedPartitions. */
static void cp_topics(struct cp_rd *c, struct kr_cp_topic **arr,
                      int32_t *cnt, const char *field)
{
    int32_t n = cp_count(c, CP_TP_MIN, field);
    if (c->rd.err)
        return;
    *arr = cp_alloc(c, (size_t)n, sizeof **arr, field);
    if (!*arr)
        return;
    /* counted as we go, so a failure frees exactly what was read */
    for (*cnt = 0; *cnt < n && !c->rd.err; (*cnt)++)
        cp_topic(c, &(*arr)[*cnt]);
}

/* Topics [string] */
static void cp_topic_names(struct cp_rd *c, struct kr_cp_subscription *s)
{
    int32_t n = cp_count(c, CP_STR_MIN, "Topics");
    if (c->rd.err)
        return;
    s->topics = cp_alloc(c, (size_t)n, sizeof *s->topics, "Topics");
    if (!s->topics)
        return;
    for (s->topic_cnt = 0; s->topic_cnt < n && !c->rd.err; s->topic_cnt++)
        s->topics[s->topic_cnt] = cp_str(c, false, "Topics");
}

/* The int16 version; a negative one is refused, as Java does. */
static int16_t cp_version(struct cp_rd *c)
{
    int16_t v = (int16_t)kr_rd_be16(&c->rd);
    cp_check(c, "Version");
    if (!c->rd.err && v < 0)
        cp_fail(c, KRAFKA_ERR_LOCAL_BAD_MSG, "Version", "negative version");
    return v;
}

static void cp_rd_init(struct cp_rd *c, const uint8_t *p, size_t len)
{
    kr_rd_init(&c->rd, p, len);
    c->field = NULL;
    c->why = NULL;
}

static krafka_err_t cp_error(const struct cp_rd *c, const char *msg,
                             char *errstr, size_t errstr_size)
{
    if (errstr && errstr_size)
        snprintf(errstr, errstr_size, "%s: %s: %s", msg,
                 c->field ? c->field : "?", c->why ? c->why : "invalid");
    return c->rd.err;
}

static void topics_free(struct kr_cp_topic *t, int32_t cnt)
{
    for (int32_t i = 0; t && i < cnt; i++) {
        free(t[i].topic);
        free(t[i].partitions);
    }
    free(t);
}

static void sub_empty(struct kr_cp_subscription *s)
{
    memset(s, 0, sizeof *s);
    s->user_data_len = -1;
    s->generation_id = -1;
}

void kr_cp_subscription_free(struct kr_cp_subscription *s)
{
    if (!s)
        return;
    for (int32_t i = 0; s->topics && i < s->topic_cnt; i++)
        free(s->topics[i]);
    free(s->topics);
    free(s->user_data);
    topics_free(s->owned, s->owned_cnt);
    free(s->rack_id);
    sub_empty(s);
}

krafka_err_t kr_cp_subscription_read(struct kr_cp_subscription *out,
                                     const uint8_t *p, size_t len,
                                     char *errstr, size_t errstr_size)
{
    sub_empty(out);
    if (len == 0)
        return KRAFKA_ERR_NONE; /* Java: an empty subscription */
    struct cp_rd c;
    cp_rd_init(&c, p, len);
    int16_t v = out->version = cp_version(&c);
    cp_topic_names(&c, out);
    out->user_data = cp_bytes(&c, &out->user_data_len, "UserData");
    if (v >= 1)
        cp_topics(&c, &out->owned, &out->owned_cnt, "OwnedPartitions");
    if (v >= 2) {
        out->generation_id = (int32_t)kr_rd_be32(&c.rd);
        cp_check(&c, "GenerationId");
    }
    if (v >= 3)
        out->rack_id = cp_str(&c, true, "RackId");
    if (!c.rd.err)
        return KRAFKA_ERR_NONE;
    kr_cp_subscription_free(out);
    return cp_error(&c, "ConsumerProtocolSubscription", errstr,
                    errstr_size);
}

static void asg_empty(struct kr_cp_assignment *a)
{
    memset(a, 0, sizeof *a);
    a->user_data_len = -1;
}

void kr_cp_assignment_free(struct kr_cp_assignment *a)
{
    if (!a)
        return;
    topics_free(a->topics, a->topic_cnt);
    free(a->user_data);
    asg_empty(a);
}

krafka_err_t kr_cp_assignment_read(struct kr_cp_assignment *out,
                                   const uint8_t *p, size_t len,
                                   char *errstr, size_t errstr_size)
{
    asg_empty(out);
    if (len == 0)
        return KRAFKA_ERR_NONE; /* Java: an empty assignment */
    struct cp_rd c;
    cp_rd_init(&c, p, len);
    out->version = cp_version(&c);
    cp_topics(&c, &out->topics, &out->topic_cnt, "AssignedPartitions");
    out->user_data = cp_bytes(&c, &out->user_data_len, "UserData");
    if (!c.rd.err)
        return KRAFKA_ERR_NONE;
    kr_cp_assignment_free(out);
    return cp_error(&c, "ConsumerProtocolAssignment", errstr, errstr_size);
}

/* ---- encoders ---- */

static void put_fail(struct kr_buf *b)
{
    if (!b->err)
        b->err = KRAFKA_ERR_LOCAL_INVALID_ARG;
}

/* string / nullable string (NULL writes null: callers pass NULL only
 * where the field is nullable). */
static void put_str(struct kr_buf *b, const char *s)
{
    if (!s) {
        kr_buf_put_be16(b, (uint16_t)-1);
        return;
    }
    size_t n = strlen(s);
    if (n > INT16_MAX) {
        put_fail(b);
        return;
    }
    kr_buf_put_be16(b, (uint16_t)n);
    kr_buf_write(b, s, n);
}

static void put_count(struct kr_buf *b, int32_t n)
{
    if (n < 0)
        put_fail(b);
    kr_buf_put_be32(b, (uint32_t)n);
}

static void put_bytes(struct kr_buf *b, const uint8_t *p, int32_t len)
{
    if (!p || len < 0) {
        kr_buf_put_be32(b, (uint32_t)-1);
        return;
    }
    kr_buf_put_be32(b, (uint32_t)len);
    kr_buf_write(b, p, (size_t)len);
}

static void put_topics(struct kr_buf *b, const struct kr_cp_topic *t,
                       int32_t cnt)
{
    put_count(b, cnt);
    for (int32_t i = 0; i < cnt && !b->err; i++) {
        if (!t[i].topic)
            put_fail(b); /* Topic is not nullable */
        put_str(b, t[i].topic);
        put_count(b, t[i].partition_cnt);
        for (int32_t j = 0; j < t[i].partition_cnt && !b->err; j++)
            kr_buf_put_be32(b, (uint32_t)t[i].partitions[j]);
    }
}

bool kr_cp_subscription_write(struct kr_buf *out,
                              const struct kr_cp_subscription *s,
                              int16_t version)
{
    if (version < 0 || version > CP_MAX_VERSION) {
        put_fail(out);
        return false;
    }
    kr_buf_put_be16(out, (uint16_t)version);
    put_count(out, s->topic_cnt);
    for (int32_t i = 0; i < s->topic_cnt && !out->err; i++) {
        if (!s->topics[i])
            put_fail(out);
        put_str(out, s->topics[i]);
    }
    put_bytes(out, s->user_data, s->user_data_len);
    if (version >= 1)
        put_topics(out, s->owned, s->owned_cnt);
    if (version >= 2)
        kr_buf_put_be32(out, (uint32_t)s->generation_id);
    if (version >= 3)
        put_str(out, s->rack_id);
    return !out->err;
}

bool kr_cp_assignment_write(struct kr_buf *out,
                            const struct kr_cp_assignment *a,
                            int16_t version)
{
    if (version < 0 || version > CP_MAX_VERSION) {
        put_fail(out);
        return false;
    }
    kr_buf_put_be16(out, (uint16_t)version);
    put_topics(out, a->topics, a->topic_cnt);
    put_bytes(out, a->user_data, a->user_data_len);
    return !out->err;
}
