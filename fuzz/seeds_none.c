/* Used until the record batch seeds exist: no extra seeds. */
#include "seeds.h"

int kr_gen_extra_seeds(const char *base, kr_seed_write_fn write_seed,
                       kr_seed_mkdirs_fn mkdirs)
{
    (void)base;
    (void)write_seed;
    (void)mkdirs;
    return 0;
}
