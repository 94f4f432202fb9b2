/* Minimal blocking Kafka connection for tests (see kafka_conn.h). */
#include "kafka_conn.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define KT_FRAME_MAX (64u << 20)

const char *kt_env(const char *var)
{
    const char *v = getenv(var);
    if (!v || !*v) {
        fprintf(stderr,
                "%s is not set: start Kafka with `tests/kafka/harness start` "
                "and source .run/kafka/env (scripts/test does both)\n",
                var);
        exit(1);
    }
    return v;
}

static int connect_addr(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        struct timeval tv = {.tv_sec = 15};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

krafka_err_t kt_connect(struct kt_conn *c, const char *bootstrap)
{
    char host[256], port[16];
    const char *comma = strchr(bootstrap, ',');
    size_t len = comma ? (size_t)(comma - bootstrap) : strlen(bootstrap);
    const char *colon = NULL; /* the last ':' of the first address */
    for (const char *p = bootstrap; p < bootstrap + len; p++)
        if (*p == ':')
            colon = p;
    if (!colon)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t hl = (size_t)(colon - bootstrap);
    size_t pl = len - hl - 1;
    if (hl >= sizeof host || pl >= sizeof port)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    memcpy(host, bootstrap, hl);
    host[hl] = 0;
    memcpy(port, colon + 1, pl);
    port[pl] = 0;
    memset(c, 0, sizeof *c);
    kr_buf_init(&c->rx, KT_FRAME_MAX);
    c->next_corr = 1;
    c->fd = connect_addr(host, port);
    return c->fd < 0 ? KRAFKA_ERR_LOCAL_TRANSPORT : KRAFKA_ERR_NONE;
}

void kt_close(struct kt_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    kr_buf_free(&c->rx);
}

static bool io_all(int fd, void *p, size_t n, bool wr)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t r = wr ? send(fd, b, n, MSG_NOSIGNAL) : recv(fd, b, n, 0);
        if (r <= 0)
            return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

krafka_err_t kt_roundtrip_raw(struct kt_conn *c, const uint8_t *frame,
                              size_t len)
{
    if (!io_all(c->fd, (void *)frame, len, true))
        return KRAFKA_ERR_LOCAL_TRANSPORT;
    uint8_t hdr[4];
    if (!io_all(c->fd, hdr, 4, false))
        return KRAFKA_ERR_LOCAL_TRANSPORT;
    uint32_t n = kr_load_be32(hdr);
    if (n > KT_FRAME_MAX)
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    kr_buf_reset(&c->rx);
    if (!kr_buf_reserve(&c->rx, n ? n : 1))
        return KRAFKA_ERR_LOCAL_NOMEM;
    if (!io_all(c->fd, c->rx.data, n, false))
        return KRAFKA_ERR_LOCAL_TRANSPORT;
    c->rx.len = n;
    return KRAFKA_ERR_NONE;
}

krafka_err_t kt_call(struct kt_conn *c, const struct kr_api *api, int16_t v,
                     const void *req, void *resp, struct kr_arena *a)
{
    struct kr_buf out;
    kr_buf_init(&out, KT_FRAME_MAX);
    int32_t corr = c->next_corr++;
    krafka_err_t err =
        kr_request_write(&out, api, v, corr, "krafka-conformance", req);
    if (!err)
        err = kt_roundtrip_raw(c, out.data, out.len);
    kr_buf_free(&out);
    if (err)
        return err;
    int32_t got = 0;
    err = kr_response_read(api, v, c->rx.data, c->rx.len, a, resp, &got);
    if (!err && got != corr)
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    return err;
}
