/* Partitioners: built-in hashes, random, KIP-480 sticky, application
 * callback. Thread contract in partitioner.h: lock-free, any thread. */
#include "producer/partitioner.h"

#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/hash.h"

static const struct {
    const char *name;
    enum kr_partitioner_type type;
} partitioner_names[] = {
#define NAME_ENTRY(n, t) {n, t},
    KR_PARTITIONER_NAMES(NAME_ENTRY)
#undef NAME_ENTRY
};

#define NAMES_CNT (sizeof partitioner_names / sizeof partitioner_names[0])

krafka_err_t kr_partitioner_parse(const char *name,
                                  enum kr_partitioner_type *out)
{
    if (!name)
        return KRAFKA_ERR_LOCAL_INVALID_CONF;
    for (size_t i = 0; i < NAMES_CNT; i++) {
        if (strcmp(name, partitioner_names[i].name) == 0) {
            *out = partitioner_names[i].type;
            return KRAFKA_ERR_NONE;
        }
    }
    return KRAFKA_ERR_LOCAL_INVALID_CONF;
}

const char *kr_partitioner_name(enum kr_partitioner_type type)
{
    for (size_t i = 0; i < NAMES_CNT; i++)
        if (partitioner_names[i].type == type)
            return partitioner_names[i].name;
    return "user";
}

/* splitmix64 (Steele, Lea, Flood 2014): a counter advanced by the golden
 * gamma, then mixed. Being counter-based, one relaxed fetch-add makes it
 * safe and lock-free for concurrent callers. Not cryptographic; it only has
 * to spread records evenly. */
#define SPLITMIX_GAMMA 0x9e3779b97f4a7c15u

static uint64_t splitmix_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rng_next(struct kr_partitioner *p)
{
    uint64_t c = atomic_fetch_add_explicit(&p->rng, SPLITMIX_GAMMA,
                                           memory_order_relaxed);
    return splitmix_mix(c + SPLITMIX_GAMMA);
}

/* Uniform in [0, n) for n >= 1: Lemire's multiply-shift of the high 32
 * bits; the bias (below n / 2^32) is irrelevant for spreading records. */
static int32_t rng_below(struct kr_partitioner *p, int32_t n)
{
    uint64_t r = rng_next(p) >> 32;
    return (int32_t)((r * (uint64_t)(uint32_t)n) >> 32);
}

static uint64_t seed_from_environment(const void *addr)
{
    uint64_t seed = 0;
    /* GRND_NONBLOCK: early at boot, a weaker seed beats blocking. */
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) == (ssize_t)sizeof seed)
        return seed;
    struct timespec rt = {0}, mono = {0};
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    seed = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
    seed = splitmix_mix(seed ^ ((uint64_t)mono.tv_nsec << 17));
    seed = splitmix_mix(seed ^ (uint64_t)(uintptr_t)addr);
    return splitmix_mix(seed ^ (uint64_t)getpid());
}

void kr_partitioner_init(struct kr_partitioner *p,
                         enum kr_partitioner_type type,
                         krafka_partitioner_cb cb, void *opaque)
{
    p->type = cb ? KR_PARTITIONER_USER : type;
    p->cb = cb;
    p->opaque = cb ? opaque : NULL;
    atomic_init(&p->rng, seed_from_environment(p));
}

void kr_partitioner_seed(struct kr_partitioner *p, uint64_t seed)
{
    atomic_store_explicit(&p->rng, seed, memory_order_relaxed);
}

int32_t kr_partitioner_random(struct kr_partitioner *p, int32_t partition_cnt)
{
    return rng_below(p, partition_cnt);
}

/* What a partitioner does with one record. */
enum choice {
    CHOICE_CRC32,
    CHOICE_MURMUR2,
    CHOICE_FNV1A,
    CHOICE_RANDOM, /* a fresh random partition per record */
    CHOICE_STICKY, /* KIP-480 sticky partition of the topic */
    CHOICE_USER,
};

/* librdkafka's rules: consistent_random treats every zero-length key (NULL
 * or empty) as keyless, murmur2_random and fnv1a_random only a NULL key;
 * the plain hashes hash a NULL key as an empty one. Keyless records of the
 * _random variants go sticky; "random" is random per record. */
static enum choice choice_of(enum kr_partitioner_type type, const void *key,
                             size_t keylen)
{
    switch (type) {
    case KR_PARTITIONER_RANDOM:
        return CHOICE_RANDOM;
    case KR_PARTITIONER_CONSISTENT:
        return CHOICE_CRC32;
    case KR_PARTITIONER_CONSISTENT_RANDOM:
        return keylen == 0 ? CHOICE_STICKY : CHOICE_CRC32;
    case KR_PARTITIONER_MURMUR2:
        return CHOICE_MURMUR2;
    case KR_PARTITIONER_MURMUR2_RANDOM:
        return key ? CHOICE_MURMUR2 : CHOICE_STICKY;
    case KR_PARTITIONER_FNV1A:
        return CHOICE_FNV1A;
    case KR_PARTITIONER_FNV1A_RANDOM:
        return key ? CHOICE_FNV1A : CHOICE_STICKY;
    case KR_PARTITIONER_USER:
        break;
    }
    return CHOICE_USER;
}

/* The hash choices; n >= 1. */
static int32_t hash_partition(enum choice c, const void *key, size_t keylen,
                              int32_t n)
{
    uint32_t h;
    if (c == CHOICE_CRC32)
        h = kr_crc32(key, keylen);
    else if (c == CHOICE_MURMUR2)
        h = kr_murmur2(key, keylen) & 0x7fffffffu; /* Utils.toPositive */
    else
        h = kr_fnv1a(key, keylen);
    return (int32_t)(h % (uint32_t)n);
}

static bool args_ok(const void *key, size_t keylen, int32_t partition_cnt,
                    const int32_t *out)
{
    return out && partition_cnt >= 1 && (key || keylen == 0);
}

/* A new sticky partition other than the previous one (encoded in @cur, see
 * struct kr_sticky) when there is a choice. */
static int32_t sticky_next(struct kr_partitioner *p, int32_t cur, int32_t n)
{
    int32_t prev = cur <= -2 ? -2 - cur : cur;
    if (n < 2 || prev < 0 || prev >= n)
        return rng_below(p, n);
    int32_t r = rng_below(p, n - 1);
    return r >= prev ? r + 1 : r;
}

static int32_t sticky_pick(struct kr_partitioner *p, struct kr_sticky *s,
                           int32_t n)
{
    int32_t cur = atomic_load_explicit(&s->partition, memory_order_acquire);
    for (;;) {
        if (cur >= 0 && cur < n)
            return cur;
        /* None chosen, just released, or beyond a shrunk partition count:
         * propose one; if another thread got there first, cur becomes its
         * choice and the loop returns it. */
        int32_t next = sticky_next(p, cur, n);
        if (atomic_compare_exchange_weak_explicit(&s->partition, &cur, next,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire))
            return next;
    }
}

static krafka_err_t user_pick(const struct kr_partitioner *p,
                              const char *topic, const void *key,
                              size_t keylen, int32_t n, int32_t *out)
{
    if (!p->cb) /* USER without a callback: kr_partitioner_init() misuse */
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    int32_t part = p->cb(topic, key, keylen, n, p->opaque);
    if (part < 0 || part >= n)
        return KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
    *out = part;
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_partitioner_pick(struct kr_partitioner *p,
                                 struct kr_sticky *sticky, const char *topic,
                                 const void *key, size_t keylen,
                                 int32_t partition_cnt, int32_t *out)
{
    if (!p || !args_ok(key, keylen, partition_cnt, out))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    enum choice c = choice_of(p->type, key, keylen);
    if (c == CHOICE_USER)
        return user_pick(p, topic, key, keylen, partition_cnt, out);
    if (c == CHOICE_STICKY && sticky)
        *out = sticky_pick(p, sticky, partition_cnt);
    else if (c == CHOICE_STICKY || c == CHOICE_RANDOM)
        *out = rng_below(p, partition_cnt); /* no sticky state: per record */
    else
        *out = hash_partition(c, key, keylen, partition_cnt);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_partitioner_hash_pick(enum kr_partitioner_type type,
                                      const void *key, size_t keylen,
                                      int32_t partition_cnt, int32_t *out)
{
    if (!args_ok(key, keylen, partition_cnt, out))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    enum choice c = choice_of(type, key, keylen);
    if (c != CHOICE_CRC32 && c != CHOICE_MURMUR2 && c != CHOICE_FNV1A)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    *out = hash_partition(c, key, keylen, partition_cnt);
    return KRAFKA_ERR_NONE;
}

void kr_sticky_init(struct kr_sticky *s)
{
    atomic_init(&s->partition, KR_STICKY_NONE);
}

void kr_sticky_batch_done(struct kr_sticky *s, int32_t partition)
{
    if (partition < 0 || partition == INT32_MAX) /* never sticky */
        return;
    int32_t expected = partition;
    /* Only the current sticky partition is released; a failed exchange
     * means it already moved on, and the call is stale. */
    atomic_compare_exchange_strong_explicit(&s->partition, &expected,
                                            -2 - partition,
                                            memory_order_acq_rel,
                                            memory_order_relaxed);
}

int32_t kr_sticky_current(const struct kr_sticky *s)
{
    int32_t cur = atomic_load_explicit(&s->partition, memory_order_acquire);
    return cur >= 0 ? cur : -1;
}

KRAFKA_API krafka_err_t krafka_partition_for_key(const char *partitioner,
                                                 const void *key,
                                                 size_t keylen,
                                                 int32_t partition_cnt,
                                                 int32_t *partition)
{
    enum kr_partitioner_type type;
    /* A record key is at most INT32_MAX bytes (its length is an int32 on
     * the wire); a longer @keylen is a caller's mistake, not a key. */
    if (!partitioner || keylen > INT32_MAX)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    krafka_err_t err = kr_partitioner_parse(partitioner, &type);
    if (err)
        return err;
    return kr_partitioner_hash_pick(type, key, keylen, partition_cnt,
                                    partition);
}
