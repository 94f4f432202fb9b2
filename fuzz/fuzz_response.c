/*
 * libFuzzer target: every response and request decoder of every API and
 * version. Input: byte 0 picks the API (and bit 7 request vs response),
 * bytes 1-2 pick the version within the API's range, the rest is the body.
 *
 * Beyond "no crash, no leak, no overread", a body that decodes must encode,
 * and encoding must be stable: decode(encode(m)) encodes to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "protocol/apis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void reencode_is_stable(const struct kr_api *api, int16_t v,
                               bool resp, void *msg)
{
    struct kr_buf b1, b2;
    struct kr_arena a;
    kr_buf_init(&b1, 64 << 20);
    kr_buf_init(&b2, 64 << 20);
    kr_arena_init(&a, 16 << 20);
    if (kr_msg_write(&b1, api, v, resp, msg) != KRAFKA_ERR_NONE)
        __builtin_trap(); /* decoded but cannot be encoded */
    void *again = malloc(resp ? api->resp_size : api->req_size);
    krafka_err_t err = kr_msg_read(api, v, resp, b1.data, b1.len, &a, again);
    if (err == KRAFKA_ERR_NONE) {
        if (kr_msg_write(&b2, api, v, resp, again) != KRAFKA_ERR_NONE ||
            b1.len != b2.len ||
            (b1.len && memcmp(b1.data, b2.data, b1.len) != 0))
            __builtin_trap(); /* encode/decode disagree */
    } else if (err != KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED) {
        __builtin_trap(); /* our own encoding does not decode */
    }
    free(again);
    kr_arena_destroy(&a);
    kr_buf_free(&b1);
    kr_buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    const struct kr_api *api = kr_apis[(data[0] & 0x7f) % kr_apis_cnt];
    bool resp = !(data[0] & 0x80);
    int span = api->max_ver - api->min_ver + 1;
    int16_t v = (int16_t)(api->min_ver + (((data[1] << 8) | data[2]) % span));
    struct kr_arena a;
    kr_arena_init(&a, 16 << 20);
    void *msg = malloc(resp ? api->resp_size : api->req_size);
    /* Copy the body to its own allocation so ASan catches any overread. */
    size_t n = size - 3;
    uint8_t *body = malloc(n ? n : 1);
    memcpy(body, data + 3, n);
    if (kr_msg_read(api, v, resp, body, n, &a, msg) == KRAFKA_ERR_NONE)
        reencode_is_stable(api, v, resp, msg);
    free(body);
    free(msg);
    kr_arena_destroy(&a);
    return 0;
}
