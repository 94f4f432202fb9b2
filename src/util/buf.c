/* Capped growable buffer. */
#include "util/buf.h"

#include <stdlib.h>

void kr_buf_init(struct kr_buf *b, size_t max)
{
    *b = (struct kr_buf){.max = max ? max : KR_BUF_MAX_DEFAULT};
}

void kr_buf_free(struct kr_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void kr_buf_reset(struct kr_buf *b)
{
    b->len = 0;
    b->err = KRAFKA_ERR_NONE;
}

bool kr_buf_grow(struct kr_buf *b, size_t n)
{
    if (b->err)
        return false;
    if (n > b->max || b->len > b->max - n) {
        b->err = KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
        return false;
    }
    size_t need = b->len + n;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->err = KRAFKA_ERR_LOCAL_NOMEM;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

uint8_t *kr_buf_steal(struct kr_buf *b, size_t *len)
{
    uint8_t *p = b->data;
    if (len)
        *len = b->len;
    size_t max = b->max;
    kr_buf_init(b, max);
    return p;
}
