/*
 * Consumer protocol blobs and assignors: known-answer bytes written out
 * by hand from ConsumerProtocolSubscription.json and
 * ConsumerProtocolAssignment.json at every version, round trips, every
 * truncation and hostile counts; range and roundrobin against the Java
 * javadoc examples; cooperative-sticky properties over seeded random
 * groups (validity, balance, stickiness, the KIP-429 rule, convergence).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/assignor.h"
#include "consumer/assignor_int.h"
#include "kt_check.h"

#define ARRAY_CNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Codec fixtures                                                      */
/* ------------------------------------------------------------------ */

/* Topics ["a", "bc"], UserData 01 02, OwnedPartitions [{a, [0, 2]}],
 * GenerationId 7, RackId "r1": each version appends its field. */
static const uint8_t sub_body_v0[] = {
    0, 0, 0, 2,              /* Topics count */
    0, 1, 'a',               /* "a" */
    0, 2, 'b', 'c',          /* "bc" */
    0, 0, 0, 2, 1, 2,        /* UserData */
};
static const uint8_t sub_owned_v1[] = {
    0, 0, 0, 1,              /* OwnedPartitions count */
    0, 1, 'a',               /* Topic */
    0, 0, 0, 2,              /* Partitions count */
    0, 0, 0, 0, 0, 0, 0, 2,  /* 0, 2 */
};
static const uint8_t sub_gen_v2[] = {0, 0, 0, 7};
static const uint8_t sub_rack_v3[] = {0, 2, 'r', '1'};

/* AssignedPartitions [{a, [0, 2]}, {bc, [1]}], UserData null. */
static const uint8_t asg_body[] = {
    0, 0, 0, 2,                          /* AssignedPartitions count */
    0, 1, 'a', 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2,
    0, 2, 'b', 'c', 0, 0, 0, 1, 0, 0, 0, 1,
    0xff, 0xff, 0xff, 0xff,              /* UserData: null */
};

/* The expected bytes of the subscription fixture at version @v. */
static size_t sub_bytes(int v, uint8_t *out)
{
    size_t n = 0;
    out[n++] = 0;
    out[n++] = (uint8_t)v;
    memcpy(out + n, sub_body_v0, sizeof sub_body_v0);
    n += sizeof sub_body_v0;
    if (v >= 1) {
        memcpy(out + n, sub_owned_v1, sizeof sub_owned_v1);
        n += sizeof sub_owned_v1;
    }
    if (v >= 2) {
        memcpy(out + n, sub_gen_v2, sizeof sub_gen_v2);
        n += sizeof sub_gen_v2;
    }
    if (v >= 3) {
        memcpy(out + n, sub_rack_v3, sizeof sub_rack_v3);
        n += sizeof sub_rack_v3;
    }
    return n;
}

static size_t asg_bytes(int v, uint8_t *out)
{
    out[0] = 0;
    out[1] = (uint8_t)v;
    memcpy(out + 2, asg_body, sizeof asg_body);
    return 2 + sizeof asg_body;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

static void *xmemdup(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(d);
    if (n)
        memcpy(d, p, n);
    return d;
}

static void set_topic(struct kr_cp_topic *t, const char *name,
                      const int32_t *parts, int32_t n)
{
    t->topic = xstrdup(name);
    t->partitions = xmemdup(parts, (size_t)n * sizeof *parts);
    t->partition_cnt = n;
}

static void fixture_sub(struct kr_cp_subscription *s)
{
    static const int32_t p02[] = {0, 2};
    static const uint8_t ud[] = {1, 2};
    memset(s, 0, sizeof *s);
    s->version = 3;
    s->topics = calloc(2, sizeof *s->topics);
    s->topics[0] = xstrdup("a");
    s->topics[1] = xstrdup("bc");
    s->topic_cnt = 2;
    s->user_data = xmemdup(ud, 2);
    s->user_data_len = 2;
    s->owned = calloc(1, sizeof *s->owned);
    set_topic(&s->owned[0], "a", p02, 2);
    s->owned_cnt = 1;
    s->generation_id = 7;
    s->rack_id = xstrdup("r1");
}

static void fixture_asg(struct kr_cp_assignment *a)
{
    static const int32_t p02[] = {0, 2}, p1[] = {1};
    memset(a, 0, sizeof *a);
    a->version = 3;
    a->topics = calloc(2, sizeof *a->topics);
    set_topic(&a->topics[0], "a", p02, 2);
    set_topic(&a->topics[1], "bc", p1, 1);
    a->topic_cnt = 2;
    a->user_data_len = -1;
}

static void assert_topics_eq(const struct kr_cp_topic *a, int32_t an,
                             const struct kr_cp_topic *b, int32_t bn)
{
    ck_assert_int_eq(an, bn);
    for (int32_t i = 0; i < an; i++) {
        ck_assert_str_eq(a[i].topic, b[i].topic);
        ck_assert_int_eq(a[i].partition_cnt, b[i].partition_cnt);
        for (int32_t j = 0; j < a[i].partition_cnt; j++)
            ck_assert_int_eq(a[i].partitions[j], b[i].partitions[j]);
    }
}

static void assert_bytes_eq(const uint8_t *a, int32_t an, const uint8_t *b,
                            int32_t bn)
{
    ck_assert_int_eq(an, bn);
    ck_assert(an < 0 ? (!a && !b) : (an == 0 || !memcmp(a, b, (size_t)an)));
}

/* Field by field, as version @v carries them (absent fields default). */
static void assert_sub_eq(const struct kr_cp_subscription *got,
                          const struct kr_cp_subscription *want, int v)
{
    ck_assert_int_eq(got->topic_cnt, want->topic_cnt);
    for (int32_t i = 0; i < got->topic_cnt; i++)
        ck_assert_str_eq(got->topics[i], want->topics[i]);
    assert_bytes_eq(got->user_data, got->user_data_len, want->user_data,
                    want->user_data_len);
    if (v >= 1)
        assert_topics_eq(got->owned, got->owned_cnt, want->owned,
                         want->owned_cnt);
    else
        ck_assert_int_eq(got->owned_cnt, 0);
    ck_assert_int_eq(got->generation_id, v >= 2 ? want->generation_id : -1);
    if (v >= 3 && want->rack_id)
        ck_assert_str_eq(got->rack_id, want->rack_id);
    else
        ck_assert_ptr_null(got->rack_id);
}

static void assert_sub_empty(const struct kr_cp_subscription *s)
{
    ck_assert_int_eq(s->topic_cnt, 0);
    ck_assert_ptr_null(s->topics);
    ck_assert_ptr_null(s->user_data);
    ck_assert_int_eq(s->user_data_len, -1);
    ck_assert_int_eq(s->owned_cnt, 0);
    ck_assert_ptr_null(s->owned);
    ck_assert_int_eq(s->generation_id, -1);
    ck_assert_ptr_null(s->rack_id);
}

static void assert_asg_empty(const struct kr_cp_assignment *a)
{
    ck_assert_int_eq(a->topic_cnt, 0);
    ck_assert_ptr_null(a->topics);
    ck_assert_ptr_null(a->user_data);
    ck_assert_int_eq(a->user_data_len, -1);
}

/* ------------------------------------------------------------------ */
/* Codec tests                                                         */
/* ------------------------------------------------------------------ */

START_TEST(subscription_encodes_the_schema_bytes_at_every_version)
{
    struct kr_cp_subscription s;
    fixture_sub(&s);
    for (int v = 0; v <= 3; v++) {
        uint8_t want[128];
        size_t n = sub_bytes(v, want);
        struct kr_buf b;
        kr_buf_init(&b, 1 << 20);
        ck_assert(kr_cp_subscription_write(&b, &s, (int16_t)v));
        ck_assert_uint_eq(b.len, n);
        ck_assert_msg(!memcmp(b.data, want, n), "v%d bytes differ", v);
        kr_buf_free(&b);
    }
    kr_cp_subscription_free(&s);
}
END_TEST

START_TEST(subscription_decodes_the_schema_bytes_at_every_version)
{
    struct kr_cp_subscription want;
    fixture_sub(&want);
    for (int v = 0; v <= 3; v++) {
        uint8_t in[128];
        size_t n = sub_bytes(v, in);
        struct kr_cp_subscription got;
        char err[128] = "";
        ck_assert_int_eq(kr_cp_subscription_read(&got, in, n, err, sizeof err),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(got.version, v);
        assert_sub_eq(&got, &want, v);
        kr_cp_subscription_free(&got);
    }
    kr_cp_subscription_free(&want);
}
END_TEST

START_TEST(assignment_encodes_and_decodes_the_schema_bytes_at_every_version)
{
    struct kr_cp_assignment a;
    fixture_asg(&a);
    for (int v = 0; v <= 3; v++) {
        uint8_t want[128];
        size_t n = asg_bytes(v, want);
        struct kr_buf b;
        kr_buf_init(&b, 1 << 20);
        ck_assert(kr_cp_assignment_write(&b, &a, (int16_t)v));
        ck_assert_uint_eq(b.len, n);
        ck_assert(!memcmp(b.data, want, n));
        kr_buf_free(&b);
        struct kr_cp_assignment got;
        ck_assert_int_eq(kr_cp_assignment_read(&got, want, n, NULL, 0),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(got.version, v);
        assert_topics_eq(got.topics, got.topic_cnt, a.topics, a.topic_cnt);
        assert_bytes_eq(got.user_data, got.user_data_len, NULL, -1);
        kr_cp_assignment_free(&got);
    }
    kr_cp_assignment_free(&a);
}
END_TEST

START_TEST(null_user_data_null_rack_and_empty_arrays_round_trip)
{
    struct kr_cp_subscription s = {.version = 3, .user_data_len = -1,
                                   .generation_id = 42};
    for (int v = 0; v <= 3; v++) {
        struct kr_buf b;
        kr_buf_init(&b, 1 << 20);
        ck_assert(kr_cp_subscription_write(&b, &s, (int16_t)v));
        struct kr_cp_subscription got;
        ck_assert_int_eq(kr_cp_subscription_read(&got, b.data, b.len, NULL,
                                                 0), KRAFKA_ERR_NONE);
        assert_sub_eq(&got, &s, v);
        kr_cp_subscription_free(&got);
        kr_buf_free(&b);
    }
    /* empty (not null) UserData stays empty */
    uint8_t in[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct kr_cp_subscription got;
    ck_assert_int_eq(kr_cp_subscription_read(&got, in, sizeof in, NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(got.user_data_len, 0);
    ck_assert_ptr_nonnull(got.user_data);
    kr_cp_subscription_free(&got);
}
END_TEST

START_TEST(higher_versions_read_the_v3_fields_and_ignore_trailing_bytes)
{
    uint8_t in[160];
    size_t n = sub_bytes(3, in);
    in[1] = 9; /* version 9 */
    memcpy(in + n, "\x00\x05newer", 7); /* a field from the future */
    struct kr_cp_subscription want, got;
    fixture_sub(&want);
    ck_assert_int_eq(kr_cp_subscription_read(&got, in, n + 7, NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(got.version, 9);
    assert_sub_eq(&got, &want, 3);
    kr_cp_subscription_free(&got);
    kr_cp_subscription_free(&want);

    n = asg_bytes(3, in);
    in[1] = 4;
    in[n] = 0x55;
    struct kr_cp_assignment a, ga;
    fixture_asg(&a);
    ck_assert_int_eq(kr_cp_assignment_read(&ga, in, n + 1, NULL, 0),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(ga.version, 4);
    assert_topics_eq(ga.topics, ga.topic_cnt, a.topics, a.topic_cnt);
    kr_cp_assignment_free(&ga);
    kr_cp_assignment_free(&a);
}
END_TEST

START_TEST(an_empty_blob_decodes_as_an_empty_subscription_and_assignment)
{
    struct kr_cp_subscription s;
    struct kr_cp_assignment a;
    ck_assert_int_eq(kr_cp_subscription_read(&s, NULL, 0, NULL, 0),
                     KRAFKA_ERR_NONE);
    assert_sub_empty(&s);
    ck_assert_int_eq(kr_cp_assignment_read(&a, NULL, 0, NULL, 0),
                     KRAFKA_ERR_NONE);
    assert_asg_empty(&a);
    kr_cp_subscription_free(&s);
    kr_cp_assignment_free(&a);
}
END_TEST

/* Every strict prefix (but the empty one) of a blob is cut inside some
 * field: LOCAL_BAD_MSG, an empty result, a message, no leak (ASan). The
 * prefix is copied to an exact-size buffer so ASan sees any overread. */
START_TEST(every_truncation_of_a_subscription_is_bad_msg)
{
    for (int v = 0; v <= 3; v++) {
        uint8_t in[128];
        size_t n = sub_bytes(v, in);
        for (size_t cut = 1; cut < n; cut++) {
            uint8_t *p = xmemdup(in, cut);
            struct kr_cp_subscription s;
            char err[128] = "";
            ck_assert_int_eq(kr_cp_subscription_read(&s, p, cut, err,
                                                     sizeof err),
                             KRAFKA_ERR_LOCAL_BAD_MSG);
            assert_sub_empty(&s);
            ck_assert_msg(strstr(err, "ConsumerProtocolSubscription"),
                          "v%d cut %zu: '%s'", v, cut, err);
            free(p);
        }
    }
}
END_TEST

START_TEST(every_truncation_of_an_assignment_is_bad_msg)
{
    for (int v = 0; v <= 3; v++) {
        uint8_t in[128];
        size_t n = asg_bytes(v, in);
        for (size_t cut = 1; cut < n; cut++) {
            uint8_t *p = xmemdup(in, cut);
            struct kr_cp_assignment a;
            char err[128] = "";
            ck_assert_int_eq(kr_cp_assignment_read(&a, p, cut, err,
                                                   sizeof err),
                             KRAFKA_ERR_LOCAL_BAD_MSG);
            assert_asg_empty(&a);
            ck_assert(strstr(err, "ConsumerProtocolAssignment"));
            free(p);
        }
    }
}
END_TEST

struct hostile {
    const char *name;
    const char *field; /* expected in errstr */
    uint8_t bytes[24];
    size_t len;
};

/* Subscriptions a hostile member could send. */
static const struct hostile hostile_subs[] = {
    {"negative version", "Version", {0xff, 0xfe}, 2},
    {"topic count beyond the bytes left", "Topics",
     {0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 'a'}, 9},
    {"null topics array", "Topics", {0, 0, 0xff, 0xff, 0xff, 0xff}, 6},
    {"null topic name", "Topics", {0, 0, 0, 0, 0, 1, 0xff, 0xff}, 8},
    {"topic length -2", "Topics", {0, 0, 0, 0, 0, 1, 0xff, 0xfe}, 8},
    {"NUL inside a topic name", "Topics",
     {0, 0, 0, 0, 0, 1, 0, 2, 'a', 0, 0, 0, 0, 0}, 14},
    {"UserData length -2", "UserData",
     {0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xfe}, 10},
    {"UserData longer than the blob", "UserData",
     {0, 0, 0, 0, 0, 0, 0x7f, 0, 0, 0, 1}, 11},
    {"owned count beyond the bytes left", "OwnedPartitions",
     {0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x10, 0, 0, 0, 0, 0,
      0},
     18},
    {"partition count beyond the bytes left", "Partitions",
     {0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0x40, 0,
      0, 0, 0, 0},
     22},
    {"null rack of the wrong length", "RackId",
     {0, 3, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1,
      0xff, 0xfd},
     20},
};

START_TEST(hostile_counts_and_lengths_are_bad_msg_naming_the_field)
{
    for (size_t i = 0; i < ARRAY_CNT(hostile_subs); i++) {
        const struct hostile *h = &hostile_subs[i];
        uint8_t *p = xmemdup(h->bytes, h->len);
        struct kr_cp_subscription s;
        char err[160] = "";
        ck_assert_msg(kr_cp_subscription_read(&s, p, h->len, err,
                                              sizeof err) ==
                          KRAFKA_ERR_LOCAL_BAD_MSG,
                      "%s", h->name);
        assert_sub_empty(&s);
        ck_assert_msg(strstr(err, h->field), "%s: '%s'", h->name, err);
        free(p);
    }
    /* assignment: a count of 2^31-1 topics in 8 bytes */
    static const uint8_t a_big[] = {0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0};
    struct kr_cp_assignment a;
    ck_assert_int_eq(kr_cp_assignment_read(&a, a_big, sizeof a_big, NULL, 0),
                     KRAFKA_ERR_LOCAL_BAD_MSG);
    assert_asg_empty(&a);
}
END_TEST

START_TEST(encoders_refuse_versions_outside_0_to_3)
{
    struct kr_cp_subscription s = {.user_data_len = -1, .generation_id = -1};
    struct kr_cp_assignment a = {.user_data_len = -1};
    struct kr_buf b;
    kr_buf_init(&b, 1 << 20);
    ck_assert(!kr_cp_subscription_write(&b, &s, 4));
    kr_buf_reset(&b);
    ck_assert(!kr_cp_subscription_write(&b, &s, -1));
    kr_buf_reset(&b);
    ck_assert(!kr_cp_assignment_write(&b, &a, 4));
    kr_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Deterministic PRNG                                                  */
/* ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return n ? (uint32_t)(z % n) : 0;
}

static void random_sub(struct kr_cp_subscription *s)
{
    memset(s, 0, sizeof *s);
    s->topic_cnt = (int32_t)rnd(4);
    s->topics = calloc((size_t)s->topic_cnt + 1, sizeof *s->topics);
    for (int32_t i = 0; i < s->topic_cnt; i++) {
        char name[16];
        snprintf(name, sizeof name, "t%u", rnd(1000));
        s->topics[i] = xstrdup(name);
    }
    s->user_data_len = (int32_t)rnd(6) - 1;
    if (s->user_data_len >= 0) {
        s->user_data = malloc((size_t)s->user_data_len + 1);
        for (int32_t i = 0; i < s->user_data_len; i++)
            s->user_data[i] = (uint8_t)rnd(256);
    }
    s->owned_cnt = (int32_t)rnd(3);
    s->owned = calloc((size_t)s->owned_cnt + 1, sizeof *s->owned);
    for (int32_t i = 0; i < s->owned_cnt; i++) {
        int32_t parts[5];
        int32_t n = (int32_t)rnd(5);
        for (int32_t j = 0; j < n; j++)
            parts[j] = (int32_t)rnd(100) - 1;
        set_topic(&s->owned[i], rnd(2) ? "x" : "", parts, n);
    }
    s->generation_id = (int32_t)rnd(10) - 1;
    s->rack_id = rnd(2) ? xstrdup(rnd(2) ? "rack-a" : "") : NULL;
}

START_TEST(random_subscriptions_round_trip_at_every_version)
{
    rng_state = 12345;
    for (int i = 0; i < 500; i++) {
        struct kr_cp_subscription s, got;
        random_sub(&s);
        int v = (int)rnd(4);
        struct kr_buf b;
        kr_buf_init(&b, 1 << 20);
        ck_assert(kr_cp_subscription_write(&b, &s, (int16_t)v));
        ck_assert_int_eq(kr_cp_subscription_read(&got, b.data, b.len, NULL,
                                                 0), KRAFKA_ERR_NONE);
        assert_sub_eq(&got, &s, v);
        kr_cp_subscription_free(&got);
        kr_cp_subscription_free(&s);
        kr_buf_free(&b);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Assignor harness                                                    */
/* ------------------------------------------------------------------ */

#define MAXM 12
#define MAXT 5
#define MAXP 24

/* A group as the test sees it: who subscribes to what, who claims what
 * in which generation. */
struct world {
    int t_cnt;
    int parts[MAXT];
    char tname[MAXT][8];
    int m_cnt;
    struct {
        char id[24];
        const char *instance; /* static member id or NULL */
        bool subs[MAXT];
        bool own[MAXT][MAXP];
        int32_t gen;
        int16_t version; /* Subscription version it sends */
    } mem[MAXM];
};

/* What the assignor gave: got[m][t][q]. */
struct result {
    bool got[MAXM][MAXT][MAXP];
    int cnt[MAXM];
};

static void world_init(struct world *w, int t_cnt, const int *parts)
{
    memset(w, 0, sizeof *w);
    w->t_cnt = t_cnt;
    for (int t = 0; t < t_cnt; t++) {
        w->parts[t] = parts[t];
        snprintf(w->tname[t], sizeof w->tname[t], "t%u", (unsigned)t % 10);
    }
}

/* Adds member @id subscribed to every topic; returns its index. */
static int world_add(struct world *w, const char *id)
{
    int m = w->m_cnt++;
    ck_assert_int_le(w->m_cnt, MAXM);
    memset(&w->mem[m], 0, sizeof w->mem[m]);
    snprintf(w->mem[m].id, sizeof w->mem[m].id, "%s", id);
    for (int t = 0; t < w->t_cnt; t++)
        w->mem[m].subs[t] = true;
    w->mem[m].gen = -1;
    w->mem[m].version = 3;
    return m;
}

static void world_remove(struct world *w, int m)
{
    w->mem[m] = w->mem[--w->m_cnt];
}

static void build_sub(const struct world *w, int m,
                      struct kr_cp_subscription *s)
{
    memset(s, 0, sizeof *s);
    s->version = w->mem[m].version;
    s->topics = calloc(MAXT, sizeof *s->topics);
    s->owned = calloc(MAXT, sizeof *s->owned);
    for (int t = 0; t < w->t_cnt; t++) {
        if (w->mem[m].subs[t])
            s->topics[s->topic_cnt++] = xstrdup(w->tname[t]);
        int32_t parts[MAXP], n = 0;
        for (int q = 0; q < MAXP; q++)
            if (w->mem[m].own[t][q])
                parts[n++] = q;
        if (n)
            set_topic(&s->owned[s->owned_cnt++], w->tname[t], parts, n);
    }
    s->user_data_len = -1;
    s->generation_id = s->version >= 2 ? w->mem[m].gen : -1;
    if (s->version < 2 && w->mem[m].gen >= 0) {
        /* an older member: its generation in the Java UserData */
        struct kr_buf b;
        kr_buf_init(&b, 64);
        ck_assert(kr_sticky_user_data(&b, NULL, 0, w->mem[m].gen));
        s->user_data = kr_buf_steal(&b, &(size_t){0});
        s->user_data_len = 4;
    }
}

static int topic_index(const struct world *w, const char *name)
{
    for (int t = 0; t < w->t_cnt; t++)
        if (!strcmp(w->tname[t], name))
            return t;
    ck_abort_msg("unknown topic %s in the output", name);
    return -1;
}

/* Output shape: one entry per member, known topics sorted by name with
 * partitions ascending, every partition in range. */
static void read_result(const struct world *w,
                        const struct kr_assign_output *out,
                        struct result *r)
{
    memset(r, 0, sizeof *r);
    ck_assert_int_eq(out->member_cnt, w->m_cnt);
    for (int m = 0; m < w->m_cnt; m++) {
        const struct kr_cp_assignment *a = &out->assignments[m];
        ck_assert_int_eq(a->user_data_len, -1);
        for (int32_t i = 0; i < a->topic_cnt; i++) {
            int t = topic_index(w, a->topics[i].topic);
            if (i > 0)
                ck_assert(strcmp(a->topics[i - 1].topic,
                                 a->topics[i].topic) < 0);
            ck_assert_int_gt(a->topics[i].partition_cnt, 0);
            for (int32_t j = 0; j < a->topics[i].partition_cnt; j++) {
                int32_t q = a->topics[i].partitions[j];
                ck_assert(q >= 0 && q < w->parts[t]);
                if (j > 0)
                    ck_assert_int_lt(a->topics[i].partitions[j - 1], q);
                r->got[m][t][q] = true;
                r->cnt[m]++;
            }
        }
    }
}

static void run(const char *assignor, const struct world *w,
                struct result *r)
{
    struct kr_cp_subscription subs[MAXM];
    struct kr_assign_member members[MAXM];
    struct kr_assign_topic topics[MAXT];
    for (int m = 0; m < w->m_cnt; m++) {
        build_sub(w, m, &subs[m]);
        members[m] = (struct kr_assign_member){
            .member_id = w->mem[m].id,
            .group_instance_id = w->mem[m].instance,
            .sub = &subs[m]};
    }
    for (int t = 0; t < w->t_cnt; t++)
        topics[t] = (struct kr_assign_topic){w->tname[t], w->parts[t]};
    struct kr_assign_input in = {.members = members, .member_cnt = w->m_cnt,
                                 .topics = topics, .topic_cnt = w->t_cnt,
                                 .generation_id = 100};
    struct kr_assign_output out;
    char err[128] = "";
    const struct kr_assignor *as = kr_assignor_find(assignor);
    ck_assert_ptr_nonnull(as);
    ck_assert_msg(as->assign(&in, &out, err, sizeof err) == KRAFKA_ERR_NONE,
                  "%s", err);
    read_result(w, &out, r);
    kr_assign_output_free(&out);
    for (int m = 0; m < w->m_cnt; m++)
        kr_cp_subscription_free(&subs[m]);
}

/* "t0:0,1 t1:2" style expectation for member @m. */
static void expect(const struct world *w, const struct result *r, int m,
                   const char *want)
{
    char got[256] = "";
    size_t n = 0;
    for (int t = 0; t < w->t_cnt; t++) {
        bool first = true;
        for (int q = 0; q < w->parts[t] && n < sizeof got; q++) {
            if (!r->got[m][t][q])
                continue;
            if (first)
                n += (size_t)snprintf(got + n, sizeof got - n, "%s%s:%d",
                                      n ? " " : "", w->tname[t], q);
            else
                n += (size_t)snprintf(got + n, sizeof got - n, ",%d", q);
            first = false;
        }
    }
    ck_assert_msg(!strcmp(got, want), "member %s: got '%s', want '%s'",
                  w->mem[m].id, got, want);
}

/* ------------------------------------------------------------------ */
/* range / roundrobin                                                  */
/* ------------------------------------------------------------------ */

START_TEST(assignor_find_knows_the_three_standard_names_only)
{
    ck_assert_str_eq(kr_assignor_find("range")->name, "range");
    ck_assert_str_eq(kr_assignor_find("roundrobin")->name, "roundrobin");
    const struct kr_assignor *cs = kr_assignor_find("cooperative-sticky");
    ck_assert_ptr_nonnull(cs);
    ck_assert(cs->cooperative);
    ck_assert_ptr_nonnull(cs->user_data);
    ck_assert(!kr_assignor_find("range")->cooperative);
    ck_assert_ptr_null(kr_assignor_find("range")->user_data);
    ck_assert_ptr_null(kr_assignor_find("roundrobin")->user_data);
    ck_assert_ptr_null(kr_assignor_find("sticky"));
    ck_assert_ptr_null(kr_assignor_find("Range"));
    ck_assert_ptr_null(kr_assignor_find(NULL));
}
END_TEST

/* RangeAssignor javadoc: C0, C1; t0, t1 with 3 partitions each. */
START_TEST(range_gives_first_members_the_extra_partition)
{
    struct world w;
    world_init(&w, 2, (int[]){3, 3});
    world_add(&w, "C1"); /* input order does not matter */
    world_add(&w, "C0");
    struct result r;
    run("range", &w, &r);
    expect(&w, &r, 1, "t0:0,1 t1:0,1");
    expect(&w, &r, 0, "t0:2 t1:2");
}
END_TEST

/* RangeAssignorTest.testMultipleConsumersMixedTopics. */
START_TEST(range_splits_each_topic_among_its_own_subscribers)
{
    struct world w;
    world_init(&w, 2, (int[]){3, 2});
    world_add(&w, "consumer1");
    world_add(&w, "consumer2");
    world_add(&w, "consumer3");
    w.mem[0].subs[1] = w.mem[2].subs[1] = false;
    struct result r;
    run("range", &w, &r);
    expect(&w, &r, 0, "t0:0");
    expect(&w, &r, 1, "t0:1 t1:0,1");
    expect(&w, &r, 2, "t0:2");
}
END_TEST

/* MemberInfo order: static members by group.instance.id, before the
 * dynamic ones by member id. */
START_TEST(range_orders_static_members_by_instance_id_before_dynamic_ones)
{
    struct world w;
    world_init(&w, 1, (int[]){4});
    world_add(&w, "a-dynamic");
    world_add(&w, "z-static");
    world_add(&w, "m-static");
    w.mem[1].instance = "inst-1";
    w.mem[2].instance = "inst-2";
    struct result r;
    run("range", &w, &r);
    expect(&w, &r, 1, "t0:0,1");
    expect(&w, &r, 2, "t0:2");
    expect(&w, &r, 0, "t0:3");
}
END_TEST

START_TEST(every_member_gets_an_entry_and_unknown_topics_none)
{
    struct world w;
    world_init(&w, 2, (int[]){1, 0}); /* t1: no metadata */
    world_add(&w, "m0");
    world_add(&w, "m1");
    world_add(&w, "m2");
    w.mem[2].subs[0] = false; /* only the unknown topic */
    static const char *const names[] = {"range", "roundrobin",
                                        "cooperative-sticky"};
    for (size_t i = 0; i < ARRAY_CNT(names); i++) {
        struct result r;
        run(names[i], &w, &r);
        ck_assert_int_eq(r.cnt[0] + r.cnt[1], 1);
        ck_assert_int_eq(r.cnt[2], 0);
    }
}
END_TEST

/* RoundRobinAssignor javadoc, identical subscriptions. */
START_TEST(roundrobin_deals_sorted_partitions_in_member_order)
{
    struct world w;
    world_init(&w, 2, (int[]){3, 3});
    world_add(&w, "C1");
    world_add(&w, "C0");
    struct result r;
    run("roundrobin", &w, &r);
    expect(&w, &r, 1, "t0:0,2 t1:1");
    expect(&w, &r, 0, "t0:1 t1:0,2");
}
END_TEST

/* RoundRobinAssignor javadoc: C0 [t0], C1 [t0, t1], C2 [t0, t1, t2];
 * t0, t1, t2 with 1, 2, 3 partitions. */
START_TEST(roundrobin_skips_members_not_subscribed_to_the_topic)
{
    struct world w;
    world_init(&w, 3, (int[]){1, 2, 3});
    world_add(&w, "C0");
    world_add(&w, "C1");
    world_add(&w, "C2");
    w.mem[0].subs[1] = w.mem[0].subs[2] = false;
    w.mem[1].subs[2] = false;
    struct result r;
    run("roundrobin", &w, &r);
    expect(&w, &r, 0, "t0:0");
    expect(&w, &r, 1, "t1:0");
    expect(&w, &r, 2, "t1:1 t2:0,1,2");
}
END_TEST

START_TEST(malformed_assignor_input_is_invalid_arg)
{
    struct kr_assign_member m = {.member_id = "m", .sub = NULL};
    struct kr_assign_input in = {.members = &m, .member_cnt = 1};
    struct kr_assign_output out;
    char err[64] = "";
    ck_assert_int_eq(kr_assignor_find("range")->assign(&in, &out, err,
                                                       sizeof err),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert(err[0]);
    struct kr_assign_input none = {0};
    ck_assert_int_eq(kr_sticky_assign(&none, &out, NULL, 0), KRAFKA_ERR_NONE);
    ck_assert_int_eq(out.member_cnt, 0);
    kr_assign_output_free(&out);
}
END_TEST

/* ------------------------------------------------------------------ */
/* cooperative-sticky                                                  */
/* ------------------------------------------------------------------ */

START_TEST(sticky_user_data_is_the_java_int32_generation)
{
    struct kr_buf b;
    kr_buf_init(&b, 64);
    ck_assert(kr_sticky_user_data(&b, NULL, 0, 0x01020304));
    ck_assert_uint_eq(b.len, 4);
    ck_assert(!memcmp(b.data, "\x01\x02\x03\x04", 4));
    kr_buf_free(&b);
}
END_TEST

START_TEST(sticky_reads_older_members_generation_from_user_data)
{
    /* Java CooperativeStickyAssignor: int32 generation */
    uint8_t java[] = {0, 0, 0, 9};
    /* librdkafka StickyAssignorUserData v1: [{"t", [0]}] then 11 */
    uint8_t rdk[] = {0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0,
                     0, 0, 0, 11};
    uint8_t junk[] = {0, 0, 0, 5, 1};
    struct kr_cp_subscription s = {.version = 1, .generation_id = -1};
    s.user_data = java;
    s.user_data_len = sizeof java;
    ck_assert_int_eq(kr_sticky_member_generation(&s), 9);
    s.user_data = rdk;
    s.user_data_len = sizeof rdk;
    ck_assert_int_eq(kr_sticky_member_generation(&s), 11);
    s.user_data = junk;
    s.user_data_len = sizeof junk;
    ck_assert_int_eq(kr_sticky_member_generation(&s), -1);
    s.user_data = NULL;
    s.user_data_len = -1;
    ck_assert_int_eq(kr_sticky_member_generation(&s), -1);
    s.version = 2; /* the field wins from v2 on */
    s.generation_id = 3;
    s.user_data = java;
    s.user_data_len = sizeof java;
    ck_assert_int_eq(kr_sticky_member_generation(&s), 3);
}
END_TEST

/* Members take what they were given and the generation moves on. */
static void apply(struct world *w, const struct result *r, int32_t gen)
{
    for (int m = 0; m < w->m_cnt; m++) {
        memcpy(w->mem[m].own, r->got[m], sizeof w->mem[m].own);
        w->mem[m].gen = gen;
    }
}

/* Each partition to at most one member, only to a subscriber. */
static void check_valid(const struct world *w, const struct result *r)
{
    for (int t = 0; t < w->t_cnt; t++)
        for (int q = 0; q < w->parts[t]; q++) {
            int holders = 0;
            for (int m = 0; m < w->m_cnt; m++) {
                if (!r->got[m][t][q])
                    continue;
                holders++;
                ck_assert_msg(w->mem[m].subs[t], "%s got unsubscribed %s",
                              w->mem[m].id, w->tname[t]);
            }
            ck_assert_int_le(holders, 1);
        }
}

/* KIP-429: nobody gets a partition another member still claims. */
static void check_cooperative(const struct world *w, const struct result *r)
{
    for (int m = 0; m < w->m_cnt; m++)
        for (int t = 0; t < w->t_cnt; t++)
            for (int q = 0; q < w->parts[t]; q++) {
                if (!r->got[m][t][q] || w->mem[m].own[t][q])
                    continue;
                for (int k = 0; k < w->m_cnt; k++)
                    ck_assert_msg(k == m || !w->mem[k].own[t][q],
                                  "%s:%d went from %s to %s directly",
                                  w->tname[t], q, w->mem[k].id, w->mem[m].id);
            }
}

static bool complete(const struct world *w, const struct result *r)
{
    for (int t = 0; t < w->t_cnt; t++)
        for (int q = 0; q < w->parts[t]; q++) {
            bool subscribed = false, held = false;
            for (int m = 0; m < w->m_cnt; m++) {
                subscribed |= w->mem[m].subs[t];
                held |= r->got[m][t][q];
            }
            if (subscribed && !held)
                return false;
        }
    return true;
}

static int spread(const struct world *w, const struct result *r)
{
    int lo = 1 << 30, hi = 0;
    for (int m = 0; m < w->m_cnt; m++) {
        lo = r->cnt[m] < lo ? r->cnt[m] : lo;
        hi = r->cnt[m] > hi ? r->cnt[m] : hi;
    }
    return w->m_cnt ? hi - lo : 0;
}

static int owned_cnt(const struct world *w, int m)
{
    int n = 0;
    for (int t = 0; t < w->t_cnt; t++)
        for (int q = 0; q < w->parts[t]; q++)
            n += w->mem[m].own[t][q];
    return n;
}

/* Partitions members claimed and did not get (they must revoke). */
static int revoked(const struct world *w, const struct result *r)
{
    int n = 0;
    for (int m = 0; m < w->m_cnt; m++)
        for (int t = 0; t < w->t_cnt; t++)
            for (int q = 0; q < w->parts[t]; q++)
                n += w->mem[m].own[t][q] && !r->got[m][t][q];
    return n;
}

static int int_desc(const void *a, const void *b)
{
    return *(const int *)b - *(const int *)a;
}

/* With identical subscriptions and valid disjoint claims: the fewest
 * claims any balanced assignment must break. The members owning the
 * most get the (total % members) larger shares. */
static int min_revocations(const struct world *w)
{
    int total = 0, own[MAXM] = {0};
    for (int t = 0; t < w->t_cnt; t++)
        total += w->parts[t];
    for (int m = 0; m < w->m_cnt; m++)
        own[m] = owned_cnt(w, m);
    qsort(own, (size_t)w->m_cnt, sizeof *own, int_desc);
    int n = 0;
    for (int m = 0; m < w->m_cnt; m++) {
        int quota = total / w->m_cnt + (m < total % w->m_cnt);
        n += own[m] > quota ? own[m] - quota : 0;
    }
    return n;
}

START_TEST(sticky_fresh_group_is_complete_and_balanced)
{
    struct world w;
    world_init(&w, 3, (int[]){5, 3, 7});
    for (int i = 0; i < 4; i++)
        world_add(&w, (const char *[]){"a", "b", "c", "d"}[i]);
    struct result r;
    run("cooperative-sticky", &w, &r);
    check_valid(&w, &r);
    ck_assert(complete(&w, &r));
    ck_assert_int_le(spread(&w, &r), 1);
}
END_TEST

/* A balanced group of 3 on 12 partitions gains a member: each old
 * member gives up exactly one partition (the minimum), and the
 * newcomer gets them only after they are revoked (KIP-429). */
START_TEST(sticky_adding_a_member_moves_only_the_minimum_and_waits_a_round)
{
    struct world w;
    world_init(&w, 1, (int[]){12});
    world_add(&w, "m1");
    world_add(&w, "m2");
    world_add(&w, "m3");
    struct result r;
    run("cooperative-sticky", &w, &r);
    apply(&w, &r, 1);
    for (int m = 0; m < 3; m++)
        ck_assert_int_eq(r.cnt[m], 4);
    int n = world_add(&w, "m4");
    run("cooperative-sticky", &w, &r);
    check_valid(&w, &r);
    check_cooperative(&w, &r);
    ck_assert_int_eq(revoked(&w, &r), 3);
    for (int m = 0; m < 3; m++)
        ck_assert_int_eq(r.cnt[m], 3); /* kept 3 of their 4 */
    ck_assert_int_eq(r.cnt[n], 0);     /* the 3 are being revoked */
    apply(&w, &r, 2);
    run("cooperative-sticky", &w, &r);
    ck_assert_int_eq(revoked(&w, &r), 0);
    ck_assert_int_eq(r.cnt[n], 3);
    ck_assert(complete(&w, &r));
}
END_TEST

/* Claims from an older generation are ignored for stickiness. */
START_TEST(sticky_ignores_claims_of_a_stale_generation)
{
    struct world w;
    world_init(&w, 1, (int[]){6});
    int a = world_add(&w, "a"), b = world_add(&w, "b"),
        c = world_add(&w, "c");
    w.mem[a].gen = w.mem[c].gen = 5;
    w.mem[a].own[0][0] = w.mem[a].own[0][1] = true;
    w.mem[c].own[0][2] = w.mem[c].own[0][3] = true;
    w.mem[b].gen = 4; /* stale: claims everything */
    for (int q = 0; q < 6; q++)
        w.mem[b].own[0][q] = true;
    struct result r;
    run("cooperative-sticky", &w, &r);
    expect(&w, &r, a, "t0:0,1");
    expect(&w, &r, c, "t0:2,3");
    expect(&w, &r, b, "t0:4,5");
}
END_TEST

/* Two members of the same generation claiming one partition: neither
 * claim counts, and whoever gets it must wait until both let go. */
START_TEST(sticky_same_generation_double_claim_is_kept_by_neither)
{
    struct world w;
    world_init(&w, 1, (int[]){3});
    int a = world_add(&w, "a"), b = world_add(&w, "b"),
        c = world_add(&w, "c");
    w.mem[a].gen = w.mem[b].gen = 5;
    w.mem[a].own[0][0] = w.mem[a].own[0][1] = true;
    w.mem[b].own[0][1] = w.mem[b].own[0][2] = true;
    struct result r;
    run("cooperative-sticky", &w, &r);
    check_cooperative(&w, &r);
    expect(&w, &r, a, "t0:0");
    expect(&w, &r, b, "t0:2");
    expect(&w, &r, c, ""); /* t0:1 goes to c next round */
    apply(&w, &r, 6);
    run("cooperative-sticky", &w, &r);
    expect(&w, &r, c, "t0:1");
}
END_TEST

/* A random group: 1-4 topics of 1-MAXP partitions, 1-8 members; equal
 * subscriptions or random non-empty subsets. */
static void random_world(struct world *w, bool equal)
{
    int parts[MAXT];
    int t_cnt = 1 + (int)rnd(4);
    for (int t = 0; t < t_cnt; t++)
        parts[t] = 1 + (int)rnd(MAXP);
    world_init(w, t_cnt, parts);
    int m_cnt = 1 + (int)rnd(8);
    for (int m = 0; m < m_cnt; m++) {
        char id[24];
        snprintf(id, sizeof id, "member-%02u-%u", rnd(100), (unsigned)m % 100);
        world_add(w, id);
        if (!equal) {
            int k = (int)rnd((uint32_t)t_cnt);
            for (int t = 0; t < t_cnt; t++)
                w->mem[m].subs[t] = t == k || rnd(2);
        }
        if (rnd(4) == 0)
            w->mem[m].version = (int16_t)rnd(2) + 1; /* UserData gen */
    }
}

/* Members leave and join; with @stale a joiner claims partitions with
 * an older generation (a zombie's view). */
static void churn(struct world *w, bool equal, bool stale, int32_t gen)
{
    if (w->m_cnt > 1 && rnd(2))
        world_remove(w, (int)rnd((uint32_t)w->m_cnt));
    int joins = 1 + (int)rnd(2);
    for (int i = 0; i < joins && w->m_cnt < MAXM; i++) {
        char id[24];
        snprintf(id, sizeof id, "new-%02u-%u", rnd(100), (unsigned)i % 100);
        int m = world_add(w, id);
        if (!equal)
            for (int t = 0; t < w->t_cnt; t++)
                w->mem[m].subs[t] = t == 0 || rnd(2);
        if (stale) {
            w->mem[m].gen = gen - 1 - (int32_t)rnd(2);
            for (int t = 0; t < w->t_cnt; t++)
                for (int q = 0; q < w->parts[t]; q++)
                    w->mem[m].own[t][q] = rnd(3) == 0;
        }
    }
}

/* One random scenario: fresh assignment, churn, then rebalances until
 * nothing is withheld. */
static void sticky_scenario(uint64_t seed, bool equal, bool stale)
{
    struct world w;
    struct result r;
    rng_state = seed;
    random_world(&w, equal);
    run("cooperative-sticky", &w, &r);
    check_valid(&w, &r);
    ck_assert(complete(&w, &r));
    if (equal)
        ck_assert_int_le(spread(&w, &r), 1);
    apply(&w, &r, 1);
    churn(&w, equal, stale, 1);
    run("cooperative-sticky", &w, &r);
    check_valid(&w, &r);
    check_cooperative(&w, &r);
    if (equal && !stale)
        ck_assert_msg(revoked(&w, &r) == min_revocations(&w),
                      "seed %llu: revoked %d, minimum %d",
                      (unsigned long long)seed, revoked(&w, &r),
                      min_revocations(&w));
    int32_t gen = 2;
    for (; gen < 8 && !complete(&w, &r); gen++) {
        apply(&w, &r, gen);
        run("cooperative-sticky", &w, &r);
        check_valid(&w, &r);
        check_cooperative(&w, &r);
    }
    ck_assert_msg(complete(&w, &r), "seed %llu never converged",
                  (unsigned long long)seed);
    if (equal) {
        /* one revocation round is enough and leaves it balanced */
        ck_assert_int_le(gen, 3);
        ck_assert_int_le(spread(&w, &r), 1);
    }
}

START_TEST(sticky_random_equal_groups_are_valid_balanced_minimal_cooperative)
{
    for (uint64_t seed = 1; seed <= 400; seed++)
        sticky_scenario(seed, true, false);
}
END_TEST

START_TEST(sticky_random_groups_with_stale_claims_stay_cooperative)
{
    for (uint64_t seed = 1000; seed <= 1400; seed++)
        sticky_scenario(seed, seed % 2 == 0, true);
}
END_TEST

START_TEST(sticky_random_uneven_subscriptions_are_valid_and_converge)
{
    for (uint64_t seed = 5000; seed <= 5400; seed++)
        sticky_scenario(seed, false, false);
}
END_TEST

/* The same input gives the same output (a seeded group, run twice). */
START_TEST(sticky_is_deterministic)
{
    struct world w;
    struct result r1, r2;
    rng_state = 77;
    random_world(&w, false);
    run("cooperative-sticky", &w, &r1);
    run("cooperative-sticky", &w, &r2);
    ck_assert(!memcmp(&r1, &r2, sizeof r1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("assignor");
    TCase *tc = tcase_create("assignor");
    tcase_add_test(tc, subscription_encodes_the_schema_bytes_at_every_version);
    tcase_add_test(tc, subscription_decodes_the_schema_bytes_at_every_version);
    tcase_add_test(
        tc, assignment_encodes_and_decodes_the_schema_bytes_at_every_version);
    tcase_add_test(tc, null_user_data_null_rack_and_empty_arrays_round_trip);
    tcase_add_test(
        tc, higher_versions_read_the_v3_fields_and_ignore_trailing_bytes);
    tcase_add_test(
        tc, an_empty_blob_decodes_as_an_empty_subscription_and_assignment);
    tcase_add_test(tc, every_truncation_of_a_subscription_is_bad_msg);
    tcase_add_test(tc, every_truncation_of_an_assignment_is_bad_msg);
    tcase_add_test(tc,
                   hostile_counts_and_lengths_are_bad_msg_naming_the_field);
    tcase_add_test(tc, encoders_refuse_versions_outside_0_to_3);
    tcase_add_test(tc, random_subscriptions_round_trip_at_every_version);
    tcase_add_test(tc, assignor_find_knows_the_three_standard_names_only);
    tcase_add_test(tc, range_gives_first_members_the_extra_partition);
    tcase_add_test(tc, range_splits_each_topic_among_its_own_subscribers);
    tcase_add_test(
        tc, range_orders_static_members_by_instance_id_before_dynamic_ones);
    tcase_add_test(tc, every_member_gets_an_entry_and_unknown_topics_none);
    tcase_add_test(tc, roundrobin_deals_sorted_partitions_in_member_order);
    tcase_add_test(tc, roundrobin_skips_members_not_subscribed_to_the_topic);
    tcase_add_test(tc, malformed_assignor_input_is_invalid_arg);
    tcase_add_test(tc, sticky_user_data_is_the_java_int32_generation);
    tcase_add_test(tc, sticky_reads_older_members_generation_from_user_data);
    tcase_add_test(tc, sticky_fresh_group_is_complete_and_balanced);
    tcase_add_test(
        tc, sticky_adding_a_member_moves_only_the_minimum_and_waits_a_round);
    tcase_add_test(tc, sticky_ignores_claims_of_a_stale_generation);
    tcase_add_test(tc, sticky_same_generation_double_claim_is_kept_by_neither);
    tcase_add_test(
        tc, sticky_random_equal_groups_are_valid_balanced_minimal_cooperative);
    tcase_add_test(tc, sticky_random_groups_with_stale_claims_stay_cooperative);
    tcase_add_test(tc,
                   sticky_random_uneven_subscriptions_are_valid_and_converge);
    tcase_add_test(tc, sticky_is_deterministic);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
