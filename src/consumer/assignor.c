/*
 * Assignors "range" and "roundrobin" (the Java client's RangeAssignor and
 * RoundRobinAssignor, which librdkafka follows too), the indexing they
 * share with "cooperative-sticky" (assignor_sticky.c), and the registry.
 * Pure functions: no I/O, no globals but the constant registry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/assignor_int.h"

krafka_err_t kr_aw_error(krafka_err_t err, char *errstr, size_t errstr_size,
                         const char *msg)
{
    if (errstr && errstr_size)
        snprintf(errstr, errstr_size, "%s", msg);
    return err;
}

/* ---- member order: Java's AbstractPartitionAssignor.MemberInfo ---- */

struct member_key {
    const char *instance; /* borrowed; NULL: dynamic */
    const char *id;       /* borrowed */
    int32_t idx;
};

static int member_key_cmp(const void *pa, const void *pb)
{
    const struct member_key *a = pa, *b = pb;
    int r;
    if (a->instance && b->instance)
        r = strcmp(a->instance, b->instance);
    else if (a->instance || b->instance)
        r = a->instance ? -1 : 1; /* static members first */
    else
        r = 0;
    if (r == 0)
        r = strcmp(a->id, b->id);
    if (r == 0)
        r = a->idx < b->idx ? -1 : a->idx > b->idx;
    return r;
}

static bool index_members(struct kr_aw *w)
{
    int32_t n = w->member_cnt;
    struct member_key *k = calloc(n ? (size_t)n : 1, sizeof *k);
    w->order = calloc(n ? (size_t)n : 1, sizeof *w->order);
    if (!k || !w->order) {
        free(k);
        return false;
    }
    for (int32_t i = 0; i < n; i++) {
        k[i].instance = w->in->members[i].group_instance_id;
        k[i].id = w->in->members[i].member_id;
        k[i].idx = i;
    }
    qsort(k, (size_t)n, sizeof *k, member_key_cmp);
    for (int32_t i = 0; i < n; i++)
        w->order[i] = k[i].idx;
    free(k);
    return true;
}

/* ---- topics: known (partition count > 0), deduplicated, by name ---- */

static int topic_cmp(const void *pa, const void *pb)
{
    typedef const struct kr_assign_topic *topic_ptr;
    topic_ptr a = *(const topic_ptr *)pa, b = *(const topic_ptr *)pb;
    int r = strcmp(a->topic, b->topic);
    return r ? r : (a < b ? -1 : a > b); /* duplicates: first one wins */
}

static krafka_err_t index_topics(struct kr_aw *w)
{
    const struct kr_assign_input *in = w->in;
    size_t n = in->topic_cnt > 0 ? (size_t)in->topic_cnt : 0;
    const struct kr_assign_topic **s = calloc(n ? n : 1, sizeof *s);
    w->topics = calloc(n ? n : 1, sizeof *w->topics);
    w->part_cnt = calloc(n ? n : 1, sizeof *w->part_cnt);
    w->first = calloc(n ? n : 1, sizeof *w->first);
    if (!s || !w->topics || !w->part_cnt || !w->first) {
        free(s);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (in->topics[i].topic && in->topics[i].partition_cnt > 0)
            s[k++] = &in->topics[i];
    qsort(s, k, sizeof *s, topic_cmp);
    int64_t total = 0;
    for (size_t i = 0; i < k; i++) {
        if (w->topic_cnt && !strcmp(w->topics[w->topic_cnt - 1], s[i]->topic))
            continue;
        w->topics[w->topic_cnt] = s[i]->topic;
        w->part_cnt[w->topic_cnt] = s[i]->partition_cnt;
        w->first[w->topic_cnt++] = (int32_t)total;
        total += s[i]->partition_cnt;
        if (total > KR_ASSIGN_MAX_PARTITIONS)
            break;
    }
    free(s);
    if (total > KR_ASSIGN_MAX_PARTITIONS)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    w->total = (int32_t)total;
    return KRAFKA_ERR_NONE;
}

int32_t kr_aw_topic(const struct kr_aw *w, const char *name)
{
    int32_t lo = 0, hi = w->topic_cnt - 1;
    while (name && lo <= hi) {
        int32_t mid = lo + (hi - lo) / 2;
        int r = strcmp(name, w->topics[mid]);
        if (r == 0)
            return mid;
        if (r < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return -1;
}

/* ---- subscriptions, both ways ---- */

static int i32_cmp(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return a < b ? -1 : a > b;
}

/* One member's known topics, ascending and unique, at msub + *n. */
static void member_topics(struct kr_aw *w, int32_t m, int32_t *n)
{
    const struct kr_cp_subscription *sub = w->in->members[m].sub;
    int32_t *t = w->msub + *n, k = 0;
    for (int32_t i = 0; i < sub->topic_cnt; i++) {
        int32_t ti = kr_aw_topic(w, sub->topics[i]);
        if (ti >= 0)
            t[k++] = ti;
    }
    qsort(t, (size_t)k, sizeof *t, i32_cmp);
    int32_t u = 0;
    for (int32_t i = 0; i < k; i++)
        if (u == 0 || t[u - 1] != t[i])
            t[u++] = t[i];
    *n += u;
}

static bool index_member_subs(struct kr_aw *w)
{
    int64_t cap = 0;
    for (int32_t m = 0; m < w->member_cnt; m++)
        cap += w->in->members[m].sub->topic_cnt;
    if (cap > INT32_MAX)
        return false;
    w->msub = calloc(cap ? (size_t)cap : 1, sizeof *w->msub);
    w->msub_off = calloc((size_t)w->member_cnt + 1, sizeof *w->msub_off);
    if (!w->msub || !w->msub_off)
        return false;
    int32_t n = 0;
    for (int32_t m = 0; m < w->member_cnt; m++) {
        w->msub_off[m] = n;
        member_topics(w, m, &n);
    }
    w->msub_off[w->member_cnt] = n;
    return true;
}

static bool index_topic_subs(struct kr_aw *w)
{
    int32_t n = w->msub_off[w->member_cnt];
    w->tsub = calloc(n ? (size_t)n : 1, sizeof *w->tsub);
    w->tsub_off = calloc((size_t)w->topic_cnt + 1, sizeof *w->tsub_off);
    int32_t *fill = calloc((size_t)w->topic_cnt + 1, sizeof *fill);
    if (!w->tsub || !w->tsub_off || !fill) {
        free(fill);
        return false;
    }
    for (int32_t i = 0; i < n; i++)
        w->tsub_off[w->msub[i] + 1]++;
    for (int32_t t = 0; t < w->topic_cnt; t++) {
        w->tsub_off[t + 1] += w->tsub_off[t];
        fill[t] = w->tsub_off[t];
    }
    for (int32_t k = 0; k < w->member_cnt; k++) {
        int32_t m = w->order[k];
        for (int32_t i = w->msub_off[m]; i < w->msub_off[m + 1]; i++)
            w->tsub[fill[w->msub[i]]++] = m;
    }
    free(fill);
    return true;
}

bool kr_aw_subscribes(const struct kr_aw *w, int32_t m, int32_t t)
{
    const int32_t *s = w->msub + w->msub_off[m];
    size_t n = (size_t)(w->msub_off[m + 1] - w->msub_off[m]);
    return n && bsearch(&t, s, n, sizeof *s, i32_cmp) != NULL;
}

/* ---- set up and tear down ---- */

static bool input_ok(const struct kr_assign_input *in)
{
    if (!in || in->member_cnt < 0 || (in->member_cnt && !in->members) ||
        (in->topic_cnt > 0 && !in->topics))
        return false;
    for (int32_t i = 0; i < in->member_cnt; i++) {
        const struct kr_assign_member *m = &in->members[i];
        if (!m->member_id || !m->sub || m->sub->topic_cnt < 0 ||
            (m->sub->topic_cnt && !m->sub->topics))
            return false;
    }
    return true;
}

krafka_err_t kr_aw_init(struct kr_aw *w, const struct kr_assign_input *in,
                        char *errstr, size_t errstr_size)
{
    memset(w, 0, sizeof *w);
    if (!input_ok(in))
        return kr_aw_error(KRAFKA_ERR_LOCAL_INVALID_ARG, errstr, errstr_size,
                           "assignor: malformed input");
    w->in = in;
    w->member_cnt = in->member_cnt;
    krafka_err_t err = index_topics(w);
    if (err == KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED) {
        kr_aw_free(w);
        return kr_aw_error(err, errstr, errstr_size,
                           "assignor: too many partitions");
    }
    if (!err && (!index_members(w) || !index_member_subs(w) ||
                 !index_topic_subs(w)))
        err = KRAFKA_ERR_LOCAL_NOMEM;
    if (!err && !(w->owner = malloc(w->total ? (size_t)w->total * 4 : 1)))
        err = KRAFKA_ERR_LOCAL_NOMEM;
    if (err) {
        kr_aw_free(w);
        return kr_aw_error(err, errstr, errstr_size, "assignor: out of memory");
    }
    for (int32_t p = 0; p < w->total; p++)
        w->owner[p] = -1;
    return KRAFKA_ERR_NONE;
}

void kr_aw_free(struct kr_aw *w)
{
    free(w->order);
    free(w->topics);
    free(w->part_cnt);
    free(w->first);
    free(w->tsub);
    free(w->tsub_off);
    free(w->msub);
    free(w->msub_off);
    free(w->owner);
    memset(w, 0, sizeof *w);
}

/* ---- output ----
 *
 * w->owner is in output order (topics by name, partitions ascending), so
 * three linear passes over it build every member's assignment: count the
 * topics per member, count the partitions per topic entry, fill them in.
 * Each pass tracks, per member, its current topic and entry.
 */

struct out_pass {
    struct kr_assign_output *out;
    int32_t *last; /* per member: topic of its current entry, or -1 */
    int32_t *cur;  /* per member: index of its current entry, or -1 */
};

static void pass_reset(const struct kr_aw *w, struct out_pass *op)
{
    for (int32_t m = 0; m < w->member_cnt; m++)
        op->last[m] = op->cur[m] = -1;
}

/* The entry of member @m for topic @t, advancing on a new topic. */
static struct kr_cp_topic *pass_entry(struct out_pass *op, int32_t m,
                                      int32_t t)
{
    if (op->last[m] != t) {
        op->last[m] = t;
        op->cur[m]++;
    }
    return &op->out->assignments[m].topics[op->cur[m]];
}

/* Passes 1 and 2: topic entries per member, then partitions per entry. */
static bool output_count(const struct kr_aw *w, struct out_pass *op)
{
    struct kr_cp_assignment *a = op->out->assignments;
    pass_reset(w, op);
    for (int32_t t = 0; t < w->topic_cnt; t++)
        for (int32_t q = 0; q < w->part_cnt[t]; q++) {
            int32_t m = w->owner[w->first[t] + q];
            if (m >= 0 && op->last[m] != t) {
                op->last[m] = t;
                a[m].topic_cnt++;
            }
        }
    for (int32_t m = 0; m < w->member_cnt; m++)
        if (!(a[m].topics = calloc(a[m].topic_cnt ? (size_t)a[m].topic_cnt
                                                  : 1, sizeof *a[m].topics)))
            return false;
    pass_reset(w, op);
    for (int32_t t = 0; t < w->topic_cnt; t++)
        for (int32_t q = 0; q < w->part_cnt[t]; q++) {
            int32_t m = w->owner[w->first[t] + q];
            if (m < 0)
                continue;
            struct kr_cp_topic *e = pass_entry(op, m, t);
            if (!e->topic && !(e->topic = strdup(w->topics[t])))
                return false;
            e->partition_cnt++;
        }
    return true;
}

/* Pass 3: allocate each entry's partitions and fill them in. */
static bool output_fill(const struct kr_aw *w, struct out_pass *op)
{
    struct kr_cp_assignment *a = op->out->assignments;
    for (int32_t m = 0; m < w->member_cnt; m++)
        for (int32_t i = 0; i < a[m].topic_cnt; i++) {
            struct kr_cp_topic *e = &a[m].topics[i];
            e->partitions = malloc((size_t)e->partition_cnt * 4);
            if (!e->partitions)
                return false;
            e->partition_cnt = 0; /* recounted as they are filled */
        }
    pass_reset(w, op);
    for (int32_t t = 0; t < w->topic_cnt; t++)
        for (int32_t q = 0; q < w->part_cnt[t]; q++) {
            int32_t m = w->owner[w->first[t] + q];
            if (m >= 0) {
                struct kr_cp_topic *e = pass_entry(op, m, t);
                e->partitions[e->partition_cnt++] = q;
            }
        }
    return true;
}

krafka_err_t kr_aw_output(const struct kr_aw *w, struct kr_assign_output *out,
                          char *errstr, size_t errstr_size)
{
    size_t n = w->member_cnt ? (size_t)w->member_cnt : 1;
    struct out_pass op = {.out = out,
                          .last = malloc(n * sizeof *op.last),
                          .cur = malloc(n * sizeof *op.cur)};
    memset(out, 0, sizeof *out);
    out->assignments = calloc(n, sizeof *out->assignments);
    bool ok = out->assignments && op.last && op.cur;
    if (ok) {
        out->member_cnt = w->member_cnt;
        for (int32_t m = 0; m < w->member_cnt; m++) {
            out->assignments[m].version = 3;
            out->assignments[m].user_data_len = -1;
        }
        ok = output_count(w, &op) && output_fill(w, &op);
    }
    free(op.last);
    free(op.cur);
    if (ok)
        return KRAFKA_ERR_NONE;
    kr_assign_output_free(out);
    return kr_aw_error(KRAFKA_ERR_LOCAL_NOMEM, errstr, errstr_size,
                       "assignor: out of memory");
}

void kr_assign_output_free(struct kr_assign_output *out)
{
    if (!out)
        return;
    for (int32_t i = 0; out->assignments && i < out->member_cnt; i++)
        kr_cp_assignment_free(&out->assignments[i]);
    free(out->assignments);
    out->assignments = NULL;
    out->member_cnt = 0;
}

/* ---- range ---- */

/* Per topic, its subscribers in member order each take a contiguous
 * range; the first (partitions % subscribers) take one extra (Java's
 * RangeAssignor without rack information). */
static krafka_err_t range_assign(const struct kr_assign_input *in,
                                 struct kr_assign_output *out, char *errstr,
                                 size_t errstr_size)
{
    struct kr_aw w;
    krafka_err_t err = kr_aw_init(&w, in, errstr, errstr_size);
    if (err)
        return err;
    for (int32_t t = 0; t < w.topic_cnt; t++) {
        int32_t n = w.tsub_off[t + 1] - w.tsub_off[t];
        const int32_t *subs = w.tsub + w.tsub_off[t];
        int32_t q = 0;
        for (int32_t i = 0; i < n; i++) {
            int32_t len = w.part_cnt[t] / n + (i < w.part_cnt[t] % n);
            for (int32_t j = 0; j < len; j++)
                w.owner[w.first[t] + q++] = subs[i];
        }
    }
    err = kr_aw_output(&w, out, errstr, errstr_size);
    kr_aw_free(&w);
    return err;
}

/* ---- roundrobin ---- */

/* All partitions, by topic then partition, dealt to the members in
 * member order, one circular position kept across topics, skipping
 * members not subscribed to the topic (Java's RoundRobinAssignor). */
static krafka_err_t roundrobin_assign(const struct kr_assign_input *in,
                                      struct kr_assign_output *out,
                                      char *errstr, size_t errstr_size)
{
    struct kr_aw w;
    krafka_err_t err = kr_aw_init(&w, in, errstr, errstr_size);
    if (err)
        return err;
    int32_t pos = 0;
    for (int32_t t = 0; t < w.topic_cnt; t++) {
        if (w.tsub_off[t + 1] == w.tsub_off[t])
            continue; /* nobody subscribes: the loop below would spin */
        for (int32_t q = 0; q < w.part_cnt[t]; q++) {
            while (!kr_aw_subscribes(&w, w.order[pos], t))
                pos = (pos + 1) % w.member_cnt;
            w.owner[w.first[t] + q] = w.order[pos];
            pos = (pos + 1) % w.member_cnt;
        }
    }
    err = kr_aw_output(&w, out, errstr, errstr_size);
    kr_aw_free(&w);
    return err;
}

/* ---- registry ---- */

static const struct kr_assignor assignors[] = {
    {.name = "range", .cooperative = false, .assign = range_assign},
    {.name = "roundrobin", .cooperative = false, .assign = roundrobin_assign},
    {.name = "cooperative-sticky",
     .cooperative = true,
     .assign = kr_sticky_assign,
     .user_data = kr_sticky_user_data},
};

const struct kr_assignor *kr_assignor_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof assignors / sizeof *assignors; i++)
        if (strcmp(name, assignors[i].name) == 0)
            return &assignors[i];
    return NULL;
}
