/*
 * Partitioners: the key hashes against the Java client's and librdkafka's
 * known answers, librdkafka's partitioner names and key rules, KIP-480
 * sticky partitioning for keyless records, and application callbacks.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "krafka/krafka.h"
#include "kt_check.h"
#include "producer/partitioner.h"
#include "util/hash.h"

#define N17 17

static const char *const keys_0048[3] = {
    "23456",
    "this is another string with more length to it perhaps",
    "hejsan",
};

static int32_t pick(struct kr_partitioner *p, struct kr_sticky *s,
                    const char *key, int32_t n)
{
    int32_t part = -42;
    krafka_err_t err =
        kr_partitioner_pick(p, s, "t", key, key ? strlen(key) : 0, n, &part);
    ck_assert_int_eq(err, KRAFKA_ERR_NONE);
    ck_assert_int_ge(part, 0);
    ck_assert_int_lt(part, n);
    return part;
}

static void init_named(struct kr_partitioner *p, const char *name,
                       uint64_t seed)
{
    enum kr_partitioner_type t;
    ck_assert_int_eq(kr_partitioner_parse(name, &t), KRAFKA_ERR_NONE);
    kr_partitioner_init(p, t, NULL, NULL);
    kr_partitioner_seed(p, seed);
}

/* Kafka's UtilsTest.testMurmur2: the Java int results. */
START_TEST(murmur2_matches_java_utils_murmur2)
{
    static const struct {
        const char *key;
        int32_t java;
    } v[] = {
        {"21", -973932308},
        {"foobar", -790332482},
        {"a-little-bit-long-string", -985981536},
        {"a-little-bit-longer-string", -1486304829},
        {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
        {"abc", 479470107},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        ck_assert_msg((int32_t)kr_murmur2(v[i].key, strlen(v[i].key)) ==
                          v[i].java,
                      "murmur2(\"%s\")", v[i].key);
}
END_TEST

/* librdkafka's unittest_murmur2 vectors: every tail length 0..3, odd
 * alignments, the empty and the NULL key. */
START_TEST(murmur2_matches_librdkafka_vectors_for_every_tail_and_alignment)
{
    static const char shorty[] = "1234";
    static const char unal[] = "PreAmbleWillBeRemoved,ThePrePartThatIs";
    const struct {
        const char *key;
        uint32_t h;
    } v[] = {
        {"kafka", 0xd067cf64u},   {"giberish123456789", 0x8f552b0cu},
        {shorty, 0x9fc97b14u},    {shorty + 1, 0xe7c009cau},
        {shorty + 2, 0x873930dau}, {shorty + 3, 0x5a4b5ca1u},
        {unal, 0x78424f1cu},      {unal + 1, 0x4a62b377u},
        {unal + 2, 0xe0e4e09eu},  {unal + 3, 0x62b8b43fu},
        {"", 0x106e08d9u},        {NULL, 0x106e08d9u},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t len = v[i].key ? strlen(v[i].key) : 0;
        ck_assert_msg(kr_murmur2(v[i].key, len) == v[i].h,
                      "murmur2(\"%s\") = 0x%08x", v[i].key ? v[i].key : "NULL",
                      (unsigned)kr_murmur2(v[i].key, len));
    }
    /* 0048-partitioner's keys, after & 0x7fffffff */
    ck_assert_uint_eq(kr_murmur2("23456", 5) & 0x7fffffffu, 0x058d780fu);
    ck_assert_uint_eq(kr_murmur2(keys_0048[1], strlen(keys_0048[1])) &
                          0x7fffffffu,
                      0x4f7703dau);
    ck_assert_uint_eq(kr_murmur2("hejsan", 6) & 0x7fffffffu, 0x5ec19395u);
}
END_TEST

/* librdkafka's unittest_fnv1a vectors (Go's hash/fnv + Sarama's abs). */
START_TEST(fnv1a_matches_librdkafka_vectors)
{
    static const char shorty[] = "1234";
    static const char unal[] = "PreAmbleWillBeRemoved,ThePrePartThatIs";
    const struct {
        const char *key;
        uint32_t h;
    } v[] = {
        {"kafka", 0x0d33c4e1u},   {"giberish123456789", 0x77a58295u},
        {shorty, 0x023bdd03u},    {shorty + 1, 0x2dea3cd2u},
        {shorty + 2, 0x740fa83eu}, {shorty + 3, 0x310ca263u},
        {unal, 0x65cbd69cu},      {unal + 1, 0x6e49c79au},
        {unal + 2, 0x69eed356u},  {unal + 3, 0x6abcc023u},
        {"", 0x7ee3623bu},        {NULL, 0x7ee3623bu},
        {"23456", 0x27e6f469u},   {keys_0048[1], 0x155e3e5fu},
        {"hejsan", 0x17b1e27au},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t len = v[i].key ? strlen(v[i].key) : 0;
        ck_assert_msg(kr_fnv1a(v[i].key, len) == v[i].h,
                      "fnv1a(\"%s\") = 0x%08x", v[i].key ? v[i].key : "NULL",
                      (unsigned)kr_fnv1a(v[i].key, len));
    }
}
END_TEST

/* Raw FNV-1a("kafka") is 0x0d33c4e1, already positive: abs is a no-op.
 * Raw FNV-1a("") is the offset basis 0x811c9dc5, negative as int32:
 * abs gives 0x7ee3623b. Raw FNV-1a("acgrzzP") is 0x80000000 = INT32_MIN,
 * which two's complement negation (librdkafka, Go) leaves as is. */
START_TEST(fnv1a_takes_the_absolute_value_of_the_int32_hash)
{
    ck_assert_uint_eq(kr_fnv1a("kafka", 5), 0x0d33c4e1u);
    ck_assert_uint_eq(kr_fnv1a("", 0), 0u - 0x811c9dc5u);
    ck_assert_uint_eq(kr_fnv1a("acgrzzP", 7), 0x80000000u);
    int32_t part = -1;
    ck_assert_int_eq(krafka_partition_for_key("fnv1a", "acgrzzP", 7, N17,
                                              &part),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(part, (int32_t)(0x80000000u % N17)); /* 9 */
}
END_TEST

START_TEST(crc32_is_zlib_crc32)
{
    ck_assert_uint_eq(kr_crc32("", 0), 0);
    ck_assert_uint_eq(kr_crc32(NULL, 0), 0);
    ck_assert_uint_eq(kr_crc32("123456789", 9), 0xcbf43926u); /* check */
    ck_assert_uint_eq(kr_crc32("23456", 5), 0xb1b451d7u);
    ck_assert_uint_eq(kr_crc32(keys_0048[1], strlen(keys_0048[1])),
                      0xb0150df7u);
    ck_assert_uint_eq(kr_crc32("hejsan", 6), 0xd077037eu);
}
END_TEST

/* librdkafka's tests/0048-partitioner.c with 17 partitions. */
START_TEST(keyed_records_land_where_librdkafka_puts_them)
{
    static const struct {
        const char *name;
        int32_t exp[3];
    } v[] = {
        {"consistent", {7, 15, 14}},     {"consistent_random", {7, 15, 14}},
        {"murmur2", {9, 11, 5}},         {"murmur2_random", {9, 11, 5}},
        {"fnv1a", {6, 0, 4}},            {"fnv1a_random", {6, 0, 4}},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        struct kr_partitioner p;
        struct kr_sticky s;
        init_named(&p, v[i].name, 1);
        kr_sticky_init(&s);
        for (int k = 0; k < 3; k++) {
            int32_t got = -1;
            ck_assert_int_eq(krafka_partition_for_key(v[i].name, keys_0048[k],
                                                      strlen(keys_0048[k]),
                                                      N17, &got),
                             KRAFKA_ERR_NONE);
            ck_assert_msg(got == v[i].exp[k], "%s key %d: %d", v[i].name, k,
                          got);
            ck_assert_int_eq(pick(&p, &s, keys_0048[k], N17), v[i].exp[k]);
        }
        ck_assert_int_eq(kr_sticky_current(&s), -1); /* keyed: not sticky */
    }
}
END_TEST

/* consistent, murmur2 and fnv1a hash a NULL key as an empty one; so do the
 * _random variants for an empty (non-NULL) key, except consistent_random,
 * which treats every zero-length key as keyless. */
START_TEST(null_and_empty_keys_follow_librdkafka)
{
    static const char empty[] = "";
    static const struct {
        const char *name;
        const void *key;
        int32_t exp; /* -1: not deterministic */
    } v[] = {
        {"consistent", NULL, 0},
        {"consistent", empty, 0},
        {"murmur2", NULL, (int32_t)(0x106e08d9u % N17)},
        {"murmur2", empty, (int32_t)(0x106e08d9u % N17)},
        {"fnv1a", NULL, (int32_t)(0x7ee3623bu % N17)},
        {"fnv1a", empty, (int32_t)(0x7ee3623bu % N17)},
        {"murmur2_random", empty, (int32_t)(0x106e08d9u % N17)},
        {"fnv1a_random", empty, (int32_t)(0x7ee3623bu % N17)},
        {"murmur2_random", NULL, -1},
        {"fnv1a_random", NULL, -1},
        {"consistent_random", NULL, -1},
        {"consistent_random", empty, -1},
        {"random", NULL, -1},
        {"random", "k", -1},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        int32_t got = -1;
        krafka_err_t err =
            krafka_partition_for_key(v[i].name, v[i].key, 0, N17, &got);
        if (v[i].exp < 0) {
            ck_assert_msg(err == KRAFKA_ERR_LOCAL_INVALID_ARG, "%s %s",
                          v[i].name, v[i].key ? "\"\"" : "NULL");
            continue;
        }
        ck_assert_int_eq(err, KRAFKA_ERR_NONE);
        ck_assert_msg(got == v[i].exp, "%s: %d", v[i].name, got);
        struct kr_partitioner p;
        struct kr_sticky s;
        init_named(&p, v[i].name, 7);
        kr_sticky_init(&s);
        int32_t part = -1;
        ck_assert_int_eq(
            kr_partitioner_pick(&p, &s, "t", v[i].key, 0, N17, &part),
            KRAFKA_ERR_NONE);
        ck_assert_int_eq(part, v[i].exp);
        ck_assert_int_eq(kr_sticky_current(&s), -1);
    }
}
END_TEST

/* Without sticky state the _random variants draw per keyless record. */
START_TEST(random_variants_spread_null_keys_over_all_partitions)
{
    static const char *const names[] = {"consistent_random", "murmur2_random",
                                        "fnv1a_random", "random"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct kr_partitioner p;
        int seen[N17] = {0};
        init_named(&p, names[i], 1000 + i);
        for (int r = 0; r < 1000; r++)
            seen[pick(&p, NULL, NULL, N17)]++;
        for (int k = 0; k < N17; k++)
            ck_assert_msg(seen[k] > 0, "%s never chose %d", names[i], k);
    }
}
END_TEST

START_TEST(sticky_partition_holds_until_its_batch_is_done_then_moves)
{
    static const char *const names[] = {"consistent_random", "murmur2_random",
                                        "fnv1a_random"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct kr_partitioner p;
        struct kr_sticky s;
        int seen[N17] = {0};
        init_named(&p, names[i], 42 + i);
        kr_sticky_init(&s);
        ck_assert_int_eq(kr_sticky_current(&s), -1);
        int32_t cur = pick(&p, &s, NULL, N17);
        for (int round = 0; round < 300; round++) {
            seen[cur]++;
            for (int r = 0; r < 20; r++)
                ck_assert_int_eq(pick(&p, &s, NULL, N17), cur);
            ck_assert_int_eq(kr_sticky_current(&s), cur);
            kr_sticky_batch_done(&s, cur);
            ck_assert_int_eq(kr_sticky_current(&s), -1);
            int32_t next = pick(&p, &s, NULL, N17);
            ck_assert_int_ne(next, cur);
            cur = next;
        }
        for (int k = 0; k < N17; k++)
            ck_assert_msg(seen[k] > 0, "%s never stuck to %d", names[i], k);
    }
}
END_TEST

START_TEST(stale_batch_done_calls_are_ignored)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    init_named(&p, "murmur2_random", 3);
    kr_sticky_init(&s);
    kr_sticky_batch_done(&s, 0); /* nothing sticky yet */
    kr_sticky_batch_done(&s, -1);
    kr_sticky_batch_done(&s, INT32_MAX);
    int32_t first = pick(&p, &s, NULL, N17);
    kr_sticky_batch_done(&s, (first + 1) % N17); /* not the sticky one */
    ck_assert_int_eq(pick(&p, &s, NULL, N17), first);
    kr_sticky_batch_done(&s, first);
    int32_t second = pick(&p, &s, NULL, N17);
    ck_assert_int_ne(second, first);
    kr_sticky_batch_done(&s, first); /* a late second batch of first */
    ck_assert_int_eq(pick(&p, &s, NULL, N17), second);
}
END_TEST

START_TEST(sticky_repicks_when_the_partition_count_shrinks)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    init_named(&p, "fnv1a_random", 5);
    kr_sticky_init(&s);
    int32_t cur;
    do { /* get a sticky partition >= 4 */
        cur = pick(&p, &s, NULL, N17);
        kr_sticky_batch_done(&s, cur);
    } while (cur < 4);
    atomic_store(&s.partition, cur);
    int32_t small = pick(&p, &s, NULL, 4);
    ck_assert_int_lt(small, 4);
    ck_assert_int_eq(pick(&p, &s, NULL, 4), small);
    ck_assert_int_eq(pick(&p, &s, NULL, N17), small); /* and stays */
}
END_TEST

START_TEST(plain_random_draws_per_record_and_never_sticks)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    int seen[N17] = {0}, changes = 0;
    init_named(&p, "random", 9);
    kr_sticky_init(&s);
    int32_t prev = pick(&p, &s, NULL, N17);
    for (int r = 0; r < 17000; r++) {
        int32_t cur = pick(&p, &s, r % 2 ? "key" : NULL, N17);
        seen[cur]++;
        changes += cur != prev;
        prev = cur;
    }
    ck_assert_int_eq(kr_sticky_current(&s), -1);
    ck_assert_int_gt(changes, 15000); /* expected 16000 */
    for (int k = 0; k < N17; k++) /* expected 1000 each */
        ck_assert_msg(seen[k] > 800 && seen[k] < 1200, "%d: %d", k, seen[k]);
}
END_TEST

static int32_t constant_cb(const char *topic, const void *key, size_t keylen,
                           int32_t partition_cnt, void *opaque)
{
    (void)topic, (void)key, (void)keylen, (void)partition_cnt;
    return *(const int32_t *)opaque;
}

START_TEST(one_partition_always_gives_zero)
{
    static const char *const names[] = {
        "random",  "consistent",     "consistent_random", "murmur2",
        "murmur2_random", "fnv1a", "fnv1a_random"};
    static const char *const keys[] = {NULL, "", "kafka", "hejsan"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct kr_partitioner p;
        struct kr_sticky s;
        init_named(&p, names[i], i);
        kr_sticky_init(&s);
        for (int r = 0; r < 50; r++) {
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
                ck_assert_int_eq(pick(&p, &s, keys[k], 1), 0);
                ck_assert_int_eq(pick(&p, NULL, keys[k], 1), 0);
            }
            kr_sticky_batch_done(&s, 0); /* no other partition to go to */
        }
    }
    int32_t zero = 0;
    struct kr_partitioner u;
    kr_partitioner_init(&u, KR_PARTITIONER_TYPE_DEFAULT, constant_cb, &zero);
    ck_assert_int_eq(pick(&u, NULL, "k", 1), 0);
}
END_TEST

START_TEST(partition_count_below_one_is_invalid_arg)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    init_named(&p, "murmur2_random", 1);
    kr_sticky_init(&s);
    int32_t part = 77;
    for (int32_t n = 0; n >= -1; n--) {
        ck_assert_int_eq(kr_partitioner_pick(&p, &s, "t", "k", 1, n, &part),
                         KRAFKA_ERR_LOCAL_INVALID_ARG);
        ck_assert_int_eq(kr_partitioner_pick(&p, &s, "t", NULL, 0, n, &part),
                         KRAFKA_ERR_LOCAL_INVALID_ARG);
        ck_assert_int_eq(krafka_partition_for_key("murmur2", "k", 1, n, &part),
                         KRAFKA_ERR_LOCAL_INVALID_ARG);
    }
    ck_assert_int_eq(krafka_partition_for_key("murmur2", "k", 1, INT32_MIN,
                                              &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(part, 77);
    ck_assert_int_eq(kr_sticky_current(&s), -1);
}
END_TEST

START_TEST(bad_arguments_are_invalid_arg)
{
    struct kr_partitioner p;
    int32_t part = 77;
    init_named(&p, "murmur2", 1);
    ck_assert_int_eq(kr_partitioner_pick(&p, NULL, "t", NULL, 3, N17, &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_partitioner_pick(&p, NULL, "t", "k", 1, N17, NULL),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(kr_partitioner_pick(NULL, NULL, "t", "k", 1, N17, &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", NULL, 3, N17, &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(krafka_partition_for_key("murmur2", "k", 1, N17, NULL),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(krafka_partition_for_key(NULL, "k", 1, N17, &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(
        kr_partitioner_hash_pick(KR_PARTITIONER_USER, "k", 1, N17, &part),
        KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_partitioner_init(&p, KR_PARTITIONER_USER, NULL, NULL); /* no cb */
    ck_assert_int_eq(kr_partitioner_pick(&p, NULL, "t", "k", 1, N17, &part),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_int_eq(part, 77);
}
END_TEST

START_TEST(unknown_partitioner_name_is_invalid_conf)
{
    static const char *const bad[] = {"murmur3", "Murmur2", "murmur2 ", "",
                                      "user", "sticky", "default"};
    enum kr_partitioner_type t = KR_PARTITIONER_FNV1A;
    int32_t part = 77;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(kr_partitioner_parse(bad[i], &t),
                         KRAFKA_ERR_LOCAL_INVALID_CONF);
        ck_assert_int_eq(krafka_partition_for_key(bad[i], "k", 1, N17, &part),
                         KRAFKA_ERR_LOCAL_INVALID_CONF);
    }
    ck_assert_int_eq(kr_partitioner_parse(NULL, &t),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(t, KR_PARTITIONER_FNV1A);
    ck_assert_int_eq(part, 77);
}
END_TEST

START_TEST(every_name_parses_and_prints_back)
{
    static const char *const names[] = {
        "random",  "consistent",     "consistent_random", "murmur2",
        "murmur2_random", "fnv1a", "fnv1a_random"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        enum kr_partitioner_type t;
        ck_assert_int_eq(kr_partitioner_parse(names[i], &t), KRAFKA_ERR_NONE);
        ck_assert_str_eq(kr_partitioner_name(t), names[i]);
    }
    enum kr_partitioner_type t;
    ck_assert_int_eq(kr_partitioner_parse(KRAFKA_PARTITIONER_DEFAULT, &t),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(t, KR_PARTITIONER_TYPE_DEFAULT);
    ck_assert_str_eq(kr_partitioner_name(KR_PARTITIONER_USER), "user");
}
END_TEST

struct cb_log {
    int calls;
    const char *topic;
    const void *key;
    size_t keylen;
    int32_t partition_cnt;
    int32_t ret;
};

static int32_t logging_cb(const char *topic, const void *key, size_t keylen,
                          int32_t partition_cnt, void *opaque)
{
    struct cb_log *log = opaque;
    log->calls++;
    log->topic = topic;
    log->key = key;
    log->keylen = keylen;
    log->partition_cnt = partition_cnt;
    return log->ret;
}

START_TEST(user_callback_gets_topic_key_count_and_opaque)
{
    struct cb_log log = {.ret = 5};
    struct kr_partitioner p;
    struct kr_sticky s;
    /* A callback overrides the name. */
    kr_partitioner_init(&p, KR_PARTITIONER_CONSISTENT, logging_cb, &log);
    ck_assert_int_eq(p.type, KR_PARTITIONER_USER);
    kr_sticky_init(&s);
    static const char key[] = "the-key";
    int32_t part = -1;
    ck_assert_int_eq(kr_partitioner_pick(&p, &s, "orders", key, 7, N17, &part),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(part, 5);
    ck_assert_int_eq(log.calls, 1);
    ck_assert_str_eq(log.topic, "orders");
    ck_assert_ptr_eq(log.key, key);
    ck_assert_uint_eq(log.keylen, 7);
    ck_assert_int_eq(log.partition_cnt, N17);
    /* Keyless records reach the callback too, and are not made sticky. */
    log.ret = 16;
    ck_assert_int_eq(kr_partitioner_pick(&p, &s, "orders", NULL, 0, N17, &part),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(part, 16);
    ck_assert_int_eq(log.calls, 2);
    ck_assert_ptr_null(log.key);
    ck_assert_uint_eq(log.keylen, 0);
    ck_assert_int_eq(kr_sticky_current(&s), -1);
}
END_TEST

START_TEST(user_callback_out_of_range_return_is_unknown_partition)
{
    static const int32_t bad[] = {-1, N17, N17 + 1, 1000, INT32_MAX,
                                  INT32_MIN, -2};
    struct cb_log log = {0};
    struct kr_partitioner p;
    kr_partitioner_init(&p, KR_PARTITIONER_TYPE_DEFAULT, logging_cb, &log);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        log.ret = bad[i];
        int32_t part = 77;
        ck_assert_int_eq(
            kr_partitioner_pick(&p, NULL, "t", "k", 1, N17, &part),
            KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION);
        ck_assert_int_eq(part, 77);
    }
    ck_assert_int_eq(log.calls, (int)(sizeof bad / sizeof bad[0]));
    log.ret = N17 - 1;
    ck_assert_int_eq(pick(&p, NULL, "k", N17), N17 - 1);
}
END_TEST

START_TEST(same_seed_same_choices_and_instances_differ_by_default)
{
    struct kr_partitioner a, b;
    init_named(&a, "random", 12345);
    init_named(&b, "random", 12345);
    for (int r = 0; r < 100; r++)
        ck_assert_int_eq(kr_partitioner_random(&a, 1000),
                         kr_partitioner_random(&b, 1000));
    kr_partitioner_init(&a, KR_PARTITIONER_RANDOM, NULL, NULL);
    kr_partitioner_init(&b, KR_PARTITIONER_RANDOM, NULL, NULL);
    int same = 0;
    for (int r = 0; r < 8; r++)
        same += kr_partitioner_random(&a, 1 << 30) ==
                kr_partitioner_random(&b, 1 << 30);
    ck_assert_int_lt(same, 8);
}
END_TEST

/* Several producer threads and a batch-closing thread on one topic. */
#define THREADS 8
#define PICKS 20000

struct race {
    struct kr_partitioner *p;
    struct kr_sticky *s;
    pthread_barrier_t *start;
    int32_t first;
    int bad;
};

static void *race_picker(void *arg)
{
    struct race *r = arg;
    pthread_barrier_wait(r->start);
    for (int i = 0; i < PICKS; i++) {
        int32_t part = -1;
        if (kr_partitioner_pick(r->p, r->s, "t", NULL, 0, N17, &part) ||
            part < 0 || part >= N17)
            r->bad++;
        if (i == 0)
            r->first = part;
    }
    return NULL;
}

START_TEST(concurrent_first_picks_agree_and_batch_done_races_safely)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    pthread_barrier_t start;
    pthread_t tid[THREADS];
    struct race r[THREADS];
    init_named(&p, "murmur2_random", 77);
    kr_sticky_init(&s);
    pthread_barrier_init(&start, NULL, THREADS + 1);
    for (int t = 0; t < THREADS; t++) {
        r[t] = (struct race){.p = &p, .s = &s, .start = &start};
        ck_assert_int_eq(pthread_create(&tid[t], NULL, race_picker, &r[t]), 0);
    }
    pthread_barrier_wait(&start);
    /* Close batches of whatever is sticky while the pickers run. */
    for (int i = 0; i < 5000; i++) {
        int32_t c = kr_sticky_current(&s);
        if (c >= 0)
            kr_sticky_batch_done(&s, c);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(tid[t], NULL);
        ck_assert_int_eq(r[t].bad, 0);
    }
    pthread_barrier_destroy(&start);
    int32_t last = pick(&p, &s, NULL, N17);
    ck_assert_int_eq(pick(&p, &s, NULL, N17), last);
}
END_TEST

START_TEST(concurrent_first_picks_agree_without_batch_done)
{
    struct kr_partitioner p;
    struct kr_sticky s;
    pthread_barrier_t start;
    pthread_t tid[THREADS];
    struct race r[THREADS];
    init_named(&p, "fnv1a_random", 78);
    kr_sticky_init(&s);
    pthread_barrier_init(&start, NULL, THREADS);
    for (int t = 0; t < THREADS; t++) {
        r[t] = (struct race){.p = &p, .s = &s, .start = &start};
        ck_assert_int_eq(pthread_create(&tid[t], NULL, race_picker, &r[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(tid[t], NULL);
        ck_assert_int_eq(r[t].bad, 0);
        ck_assert_int_eq(r[t].first, r[0].first);
    }
    ck_assert_int_eq(kr_sticky_current(&s), r[0].first);
    pthread_barrier_destroy(&start);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("partitioner");
    TCase *tc = tcase_create("partitioner");
    tcase_add_test(tc, murmur2_matches_java_utils_murmur2);
    tcase_add_test(
        tc, murmur2_matches_librdkafka_vectors_for_every_tail_and_alignment);
    tcase_add_test(tc, fnv1a_matches_librdkafka_vectors);
    tcase_add_test(tc, fnv1a_takes_the_absolute_value_of_the_int32_hash);
    tcase_add_test(tc, crc32_is_zlib_crc32);
    tcase_add_test(tc, keyed_records_land_where_librdkafka_puts_them);
    tcase_add_test(tc, null_and_empty_keys_follow_librdkafka);
    tcase_add_test(tc, random_variants_spread_null_keys_over_all_partitions);
    tcase_add_test(tc,
                   sticky_partition_holds_until_its_batch_is_done_then_moves);
    tcase_add_test(tc, stale_batch_done_calls_are_ignored);
    tcase_add_test(tc, sticky_repicks_when_the_partition_count_shrinks);
    tcase_add_test(tc, plain_random_draws_per_record_and_never_sticks);
    tcase_add_test(tc, one_partition_always_gives_zero);
    tcase_add_test(tc, partition_count_below_one_is_invalid_arg);
    tcase_add_test(tc, bad_arguments_are_invalid_arg);
    tcase_add_test(tc, unknown_partitioner_name_is_invalid_conf);
    tcase_add_test(tc, every_name_parses_and_prints_back);
    tcase_add_test(tc, user_callback_gets_topic_key_count_and_opaque);
    tcase_add_test(tc, user_callback_out_of_range_return_is_unknown_partition);
    tcase_add_test(tc, same_seed_same_choices_and_instances_differ_by_default);
    tcase_add_test(tc,
                   concurrent_first_picks_agree_and_batch_done_races_safely);
    tcase_add_test(tc, concurrent_first_picks_agree_without_batch_done);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
