/* Hook for seed writers of targets beyond the codec (record batches). */
#ifndef KR_FUZZ_SEEDS_H
#define KR_FUZZ_SEEDS_H

#include <stddef.h>
#include <stdint.h>

typedef int (*kr_seed_write_fn)(const char *dir, const char *name,
                                const uint8_t *pre, size_t npre,
                                const uint8_t *p, size_t n);
typedef int (*kr_seed_mkdirs_fn)(const char *base, const char *target,
                                 char *out, size_t n);

int kr_gen_extra_seeds(const char *base, kr_seed_write_fn write_seed,
                       kr_seed_mkdirs_fn mkdirs);

#endif
