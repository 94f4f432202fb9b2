/*
 * Writes the seed corpora of the fuzz targets from the encoders:
 *   gen_corpus <fuzz-dir>   (writes <fuzz-dir>/corpus/<target>/...)
 * Seeds are regenerated whenever the codec changes; they are committed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "consumer/assignor.h"
#include "samples.h"
#include "seeds.h"

static int write_seed(const char *dir, const char *name, const uint8_t *pre,
                      size_t npre, const uint8_t *p, size_t n)
{
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(pre, 1, npre, f) != npre || fwrite(p, 1, n, f) != n) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        if (f)
            fclose(f);
        return -1;
    }
    return fclose(f);
}

static int mkdirs(const char *base, const char *target, char *out, size_t n)
{
    int len = snprintf(out, n, "%s/corpus", base);
    if (len < 0 || (size_t)len >= n)
        return -1;
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return -1;
    len = snprintf(out, n, "%s/corpus/%s", base, target);
    if (len < 0 || (size_t)len >= n)
        return -1;
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int response_seeds(const char *base)
{
    char dir[4096];
    if (mkdirs(base, "fuzz_response", dir, sizeof dir))
        return -1;
    int written = 0;
    for (size_t i = 0; i < kr_apis_cnt; i++) {
        const struct kr_api *api = kr_apis[i];
        const struct kr_sample *s = kr_sample_find(api->key);
        for (int16_t v = api->min_ver; v <= api->max_ver; v++) {
            for (int resp = 0; resp <= 1; resp++) {
                struct kr_arena a;
                struct kr_buf b;
                kr_arena_init(&a, 0);
                kr_buf_init(&b, 0);
                void *m = kr_arena_alloc(&a, resp ? api->resp_size
                                                  : api->req_size);
                (resp ? s->resp : s->req)(v, m, &a);
                if (kr_msg_write(&b, api, v, resp, m) != KRAFKA_ERR_NONE)
                    return -1;
                uint8_t pre[3] = {(uint8_t)(i | (resp ? 0 : 0x80)), 0,
                                  (uint8_t)(v - api->min_ver)};
                char name[128];
                snprintf(name, sizeof name, "%s-v%d-%s", api->name, v,
                         resp ? "response" : "request");
                if (write_seed(dir, name, pre, 3, b.data, b.len))
                    return -1;
                written++;
                kr_buf_free(&b);
                kr_arena_destroy(&a);
            }
        }
    }
    printf("fuzz_response: %d seeds\n", written);
    return 0;
}

static int varint_seeds(const char *base)
{
    char dir[4096];
    if (mkdirs(base, "fuzz_varint", dir, sizeof dir))
        return -1;
    static const int64_t vals[] = {0, -1, 1, 63, -64, 64, 8192, INT32_MAX,
                                   INT32_MIN, INT64_MAX, INT64_MIN};
    for (int mode = 0; mode < 3; mode++) {
        struct kr_buf b;
        kr_buf_init(&b, 0);
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
            kr_buf_put_varint(&b, mode == 1 ? vals[i] : (int32_t)vals[i]);
        uint8_t pre = (uint8_t)(mode == 0 ? 0x00 : mode == 1 ? 0x55 : 0xAA);
        char name[32];
        snprintf(name, sizeof name, "varints-%d", mode);
        if (write_seed(dir, name, &pre, 1, b.data, b.len))
            return -1;
        kr_buf_free(&b);
    }
    printf("fuzz_varint: 3 seeds\n");
    return 0;
}

/* fuzz_cproto: byte 0 is 0 (subscription) or 1 (assignment), then the
 * blob: every version of one full example of each, and an empty one. */
static int cproto_seeds(const char *base)
{
    char dir[4096];
    if (mkdirs(base, "fuzz_cproto", dir, sizeof dir))
        return -1;
    char *topics[] = {"orders", "payments"};
    int32_t p0[] = {0, 2, 5}, p1[] = {1};
    struct kr_cp_topic tp[] = {{"orders", p0, 3}, {"payments", p1, 1}};
    uint8_t ud[] = {0, 0, 0, 4}; /* cooperative-sticky: generation 4 */
    struct kr_cp_subscription s = {
        .topics = topics, .topic_cnt = 2, .user_data = ud,
        .user_data_len = 4, .owned = tp, .owned_cnt = 2,
        .generation_id = 4, .rack_id = "rack-1"};
    struct kr_cp_assignment a = {.topics = tp, .topic_cnt = 2,
                                 .user_data_len = -1};
    for (uint8_t kind = 0; kind <= 1; kind++) {
        for (int16_t v = 0; v <= 3; v++) {
            struct kr_buf b;
            kr_buf_init(&b, 0);
            bool ok = kind ? kr_cp_assignment_write(&b, &a, v)
                           : kr_cp_subscription_write(&b, &s, v);
            char name[32];
            snprintf(name, sizeof name, "%s-v%d",
                     kind ? "assignment" : "subscription", v);
            if (!ok || write_seed(dir, name, &kind, 1, b.data, b.len))
                return -1;
            kr_buf_free(&b);
        }
        if (write_seed(dir, kind ? "assignment-empty" : "subscription-empty",
                       &kind, 1, NULL, 0))
            return -1;
    }
    printf("fuzz_cproto: 10 seeds\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus <fuzz-dir>\n");
        return 2;
    }
    if (response_seeds(argv[1]) || varint_seeds(argv[1]) ||
        cproto_seeds(argv[1]) ||
        kr_gen_extra_seeds(argv[1], write_seed, mkdirs))
        return 1;
    return 0;
}
