/*
 * A tiny HTTP endpoint for Prometheus scrapes: one thread, loopback only,
 * one connection at a time, GET /metrics and nothing else. Requests are
 * read up to a bounded size with a timeout, answered, and closed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "metrics/metrics.h"

#define REQUEST_MAX 8192   /* request line and headers */
#define IO_TIMEOUT_MS 2000 /* per read and write */

struct krafka_metrics_http {
    int lfd;  /* owned: listening socket */
    int stop; /* owned: eventfd, written by krafka_metrics_http_stop() */
    uint16_t port;
    pthread_t thread;
    size_t reg_cnt;
    const krafka_metrics_t **regs; /* owned array of borrowed registries */
};

/* Waits for @fd to be ready for @events, or for the stop signal. */
static bool wait_fd(const krafka_metrics_http_t *h, int fd, short events)
{
    struct pollfd p[2] = {{.fd = fd, .events = events},
                          {.fd = h->stop, .events = POLLIN}};
    int n = poll(p, 2, IO_TIMEOUT_MS);
    return n > 0 && !p[1].revents && p[0].revents;
}

static bool write_all(const krafka_metrics_http_t *h, int fd, const char *p,
                      size_t n)
{
    while (n > 0) {
        if (!wait_fd(h, fd, POLLOUT))
            return false;
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return false;
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        }
    }
    return true;
}

/* Reads until the end of the headers; returns the status to answer with
 * (0: the peer went away or timed out, answer nothing). */
static int read_request(const krafka_metrics_http_t *h, int fd, char *buf,
                        size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    while (!strstr(buf, "\r\n\r\n")) {
        if (len == cap - 1)
            return 431;
        if (!wait_fd(h, fd, POLLIN))
            return 0;
        ssize_t r = recv(fd, buf + len, cap - 1 - len, MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
            return 0;
        if (r > 0) {
            len += (size_t)r;
            buf[len] = 0;
        }
    }
    if (strncmp(buf, "GET ", 4) != 0)
        return 405;
    const char *path = buf + 4, *end = strchr(path, ' ');
    if (!end || strncmp(end, " HTTP/1.", 8) != 0)
        return 400;
    size_t plen = (size_t)(end - path);
    if ((plen == 8 || (plen > 8 && path[8] == '?')) &&
        memcmp(path, "/metrics", 8) == 0)
        return 200;
    return 404;
}

static void answer(const krafka_metrics_http_t *h, int fd, int status)
{
    char *body = NULL, head[256];
    size_t len = 0;
    const char *reason = status == 200   ? "OK"
                         : status == 400 ? "Bad Request"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                                         : "Request Header Fields Too Large";
    if (status == 200 &&
        krafka_metrics_prometheus_multi(h->regs, h->reg_cnt, &body, &len)) {
        status = 500;
        reason = "Internal Server Error";
    }
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason,
                     status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
                                   : "text/plain",
                     body ? len : 0);
    if (write_all(h, fd, head, (size_t)n) && body)
        write_all(h, fd, body, len);
    krafka_metrics_free(body);
}

static void *serve(void *arg)
{
    krafka_metrics_http_t *h = arg;
    char *buf = malloc(REQUEST_MAX);
    for (;;) {
        struct pollfd p[2] = {{.fd = h->lfd, .events = POLLIN},
                              {.fd = h->stop, .events = POLLIN}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!p[0].revents)
            continue;
        int fd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            continue;
        int status = buf ? read_request(h, fd, buf, REQUEST_MAX) : 500;
        if (status)
            answer(h, fd, status);
        shutdown(fd, SHUT_WR);
        close(fd);
    }
    free(buf);
    return NULL;
}

static int listen_loopback(uint16_t port, uint16_t *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static void http_free(krafka_metrics_http_t *h)
{
    if (h->lfd >= 0)
        close(h->lfd);
    if (h->stop >= 0)
        close(h->stop);
    free(h->regs);
    free(h);
}

krafka_err_t krafka_metrics_http_serve(krafka_metrics_http_t **out,
                                       const krafka_metrics_t *const *regs,
                                       size_t n, uint16_t port, char *errstr,
                                       size_t errstr_size)
{
    char dummy[1];
    if (!errstr) {
        errstr = dummy;
        errstr_size = sizeof dummy;
    }
    if (!out || n == 0 || !regs || n > KR_METRICS_REGS_MAX) {
        snprintf(errstr, errstr_size,
                 "no output pointer, or not 1..%d registries",
                 KR_METRICS_REGS_MAX);
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    *out = NULL;
    krafka_metrics_http_t *h = calloc(1, sizeof *h);
    if (!h || !(h->regs = malloc(n * sizeof *h->regs))) {
        free(h);
        snprintf(errstr, errstr_size, "out of memory");
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    memcpy(h->regs, regs, n * sizeof *regs);
    h->reg_cnt = n;
    h->stop = eventfd(0, EFD_CLOEXEC);
    h->lfd = h->stop < 0 ? -1 : listen_loopback(port, &h->port);
    if (h->lfd < 0) {
        snprintf(errstr, errstr_size, "metrics endpoint on 127.0.0.1:%u: %s",
                 (unsigned)port, strerror(errno));
        http_free(h);
        return KRAFKA_ERR_LOCAL_FAIL;
    }
    int rc = pthread_create(&h->thread, NULL, serve, h);
    if (rc) {
        snprintf(errstr, errstr_size, "metrics endpoint thread: %s",
                 strerror(rc));
        http_free(h);
        return KRAFKA_ERR_LOCAL_FAIL;
    }
    *out = h;
    return KRAFKA_ERR_NONE;
}

uint16_t krafka_metrics_http_port(const krafka_metrics_http_t *h)
{
    return h ? h->port : 0;
}

void krafka_metrics_http_stop(krafka_metrics_http_t *h)
{
    if (!h)
        return;
    uint64_t one = 1;
    if (write(h->stop, &one, sizeof one) != sizeof one)
        abort(); /* only a bug fails it; the join would hang forever */
    pthread_join(h->thread, NULL);
    http_free(h);
}
