/* Latency histogram: bucket bounds, snapshot, quantiles, reset. */
#include <string.h>

#include "metrics/metrics.h"

_Static_assert(KR_LAT_BUCKETS == 886, "bucket count changed");

/* Power-of-two band of bucket @i: its buckets are 2^shift wide. */
static unsigned bucket_shift(size_t i)
{
    return i < 2 * KR_LAT_SUB ? 0 : (unsigned)(i >> KR_LAT_SUB_BITS) - 1;
}

uint64_t kr_latency_bucket_lo(size_t i)
{
    unsigned shift = bucket_shift(i);
    return (uint64_t)(i - ((size_t)shift << KR_LAT_SUB_BITS)) << shift;
}

uint64_t kr_latency_bucket_hi(size_t i)
{
    unsigned shift = bucket_shift(i);
    uint64_t hi = kr_latency_bucket_lo(i) + ((uint64_t)1 << shift) - 1;
    return hi > KR_LAT_MAX_US ? KR_LAT_MAX_US : hi;
}

void kr_latency_init(struct kr_latency *l)
{
    atomic_init(&l->sum, 0);
    atomic_init(&l->min, UINT64_MAX);
    atomic_init(&l->max, 0);
    for (size_t i = 0; i < KR_LAT_BUCKETS; i++)
        atomic_init(&l->buckets[i], 0);
}

void kr_latency_reset(struct kr_latency *l)
{
    for (size_t i = 0; i < KR_LAT_BUCKETS; i++)
        atomic_store_explicit(&l->buckets[i], 0, memory_order_relaxed);
    atomic_store_explicit(&l->sum, 0, memory_order_relaxed);
    atomic_store_explicit(&l->min, UINT64_MAX, memory_order_relaxed);
    atomic_store_explicit(&l->max, 0, memory_order_relaxed);
}

void kr_latency_snapshot(const struct kr_latency *l,
                         struct kr_latency_snapshot *s)
{
    uint64_t count = 0;
    for (size_t i = 0; i < KR_LAT_BUCKETS; i++) {
        s->buckets[i] =
            atomic_load_explicit(&l->buckets[i], memory_order_relaxed);
        count += s->buckets[i];
    }
    s->count = count;
    s->sum = atomic_load_explicit(&l->sum, memory_order_relaxed);
    s->min = atomic_load_explicit(&l->min, memory_order_relaxed);
    s->max = atomic_load_explicit(&l->max, memory_order_relaxed);
    if (count == 0) {
        s->sum = s->min = s->max = 0;
        return;
    }
    /* A record racing with the copy may have reached the buckets but not
     * min/max yet: keep the pair coherent with the buckets. */
    if (s->min == UINT64_MAX || s->max < s->min) {
        size_t first = 0, last = KR_LAT_BUCKETS - 1;
        while (s->buckets[first] == 0)
            first++;
        while (s->buckets[last] == 0)
            last--;
        s->min = kr_latency_bucket_lo(first);
        s->max = kr_latency_bucket_hi(last);
    }
}

double kr_hist_quantile(const uint64_t *buckets, size_t n, uint64_t count,
                        uint64_t min, uint64_t max, double q)
{
    if (count == 0 || !buckets || n == 0)
        return 0;
    if (!(q > 0)) /* also NaN */
        q = 0;
    if (q > 1)
        q = 1;
    /* Nearest rank: the smallest sample with at least q*count at or below. */
    double r = q * (double)count;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r)
        rank++;
    if (rank < 1)
        rank = 1;
    if (rank >= count) /* the largest sample is known exactly */
        return (double)max;
    uint64_t seen = 0;
    size_t i = 0;
    for (; i < n - 1; i++) {
        seen += buckets[i];
        if (seen >= rank)
            break;
    }
    double mid = ((double)kr_latency_bucket_lo(i) +
                  (double)kr_latency_bucket_hi(i)) / 2;
    if (mid < (double)min)
        mid = (double)min;
    if (mid > (double)max)
        mid = (double)max;
    return mid;
}

double kr_latency_quantile(const struct kr_latency_snapshot *s, double q)
{
    return kr_hist_quantile(s->buckets, KR_LAT_BUCKETS, s->count, s->min,
                            s->max, q);
}

double krafka_metrics_latency_quantile(const krafka_metrics_latency_t *l,
                                       double q)
{
    if (!l)
        return 0;
    size_t n = l->bucket_cnt < KR_LAT_BUCKETS ? l->bucket_cnt
                                              : KR_LAT_BUCKETS;
    return kr_hist_quantile(l->buckets, n, l->count, l->min_us, l->max_us,
                            q);
}

void krafka_metrics_bucket_range(size_t i, uint64_t *lo_us, uint64_t *hi_us)
{
    uint64_t lo = 0, hi = 0;
    if (i < KR_LAT_BUCKETS) {
        lo = kr_latency_bucket_lo(i);
        hi = kr_latency_bucket_hi(i);
    }
    if (lo_us)
        *lo_us = lo;
    if (hi_us)
        *hi_us = hi;
}

uint64_t kr_counter_striped_get(const struct kr_counter_striped *c)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < KR_STRIPES; i++)
        sum += atomic_load_explicit(&c->cell[i].v, memory_order_relaxed);
    return sum;
}
