/*
 * The record values the benchmarks share (bench_codec, krafka-perf and
 * rdkafka-perf): JSON-ish text from a small vocabulary and random numbers,
 * which compresses about as well as real event payloads (about 3x). The
 * same seed gives the same bytes in every program.
 */
#ifndef KR_BENCH_VALUEGEN_H
#define KR_BENCH_VALUEGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static inline uint64_t vg_xorshift(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Fills @v[0..total) with values from seed 42. */
static inline void vg_fill(uint8_t *v, size_t total)
{
    static const char *const words[] = {
        "{\"id\": ",  "\"user\": ", "\"name\": ", "\"ts\": ",  "true, ",
        "false, ",    "null, ",     "\"ok\", ",   "\"err\", ", "} ",
    };
    uint64_t x = 42;
    for (size_t i = 0; i < total;) {
        uint64_t r = vg_xorshift(&x);
        if (r & 1) { /* a random number: the incompressible part */
            int n = snprintf((char *)v + i, total - i, "%u, ",
                             (unsigned)(r >> 40));
            i += n > 0 ? (size_t)n : 0;
            continue;
        }
        const char *w = words[(r >> 8) % 10];
        for (size_t k = 0; w[k] && i < total; k++)
            v[i++] = (uint8_t)w[k];
    }
}

#endif
