#include "net/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "net/sasl.h"
#include "net/tls.h"
#include "util/time.h"

/* Bytes asked of the socket per read. */
#define READ_CHUNK (64 * 1024)

static void conn_io_cb(struct kr_loop *l, struct kr_watch *w, uint32_t ev);
static void conn_timer_cb(struct kr_loop *l, struct kr_timer *t);
static void try_next_addr(struct kr_conn *conn);
static void conn_resolved(struct kr_lookup *lk, int rc, struct addrinfo *ai,
                          const char *errstr);
static void pump(struct kr_conn *conn);

static const char *lane_name(enum kr_lane lane)
{
    return lane == KR_LANE_FETCH ? "fetch" : "main";
}

struct kr_conn *kr_conn_new(struct kr_broker *b, enum kr_lane lane)
{
    struct kr_conn *conn = calloc(1, sizeof *conn);
    if (!conn)
        return NULL;
    conn->b = b;
    conn->c = b->client;
    conn->lane = lane;
    conn->state = KR_CONN_DOWN;
    kr_watch_init(&conn->w, conn_io_cb, conn);
    kr_timer_init(&conn->timer, conn_timer_cb, conn);
    kr_lookup_init(&conn->lookup, conn_resolved, conn);
    kr_buf_init(&conn->rbuf,
                (size_t)conn->c->conf->receive_message_max_bytes + 4 +
                    READ_CHUNK);
    kr_arena_init(&conn->arena, KR_ARENA_MAX_DEFAULT);
    kr_buf_init(&conn->sasl_out, 1 << 16);
    /* Seeded per connection and process: unseeded rand() gave every
     * process the same jitter, so clients reconnected in lockstep. */
    uint64_t now = (uint64_t)kr_now_us();
    conn->jitter_seed = (unsigned)(now ^ (now >> 32) ^
                                   ((uint64_t)getpid() << 16) ^
                                   (uint64_t)(uintptr_t)conn);
    return conn;
}

bool kr_conn_is_up(const struct kr_conn *conn)
{
    return conn->state == KR_CONN_UP;
}

bool kr_conn_is_busy(const struct kr_conn *conn)
{
    return conn->state != KR_CONN_DOWN;
}

bool kr_conn_can_connect(const struct kr_conn *conn)
{
    return conn->state == KR_CONN_DOWN &&
           kr_now_us() >= conn->next_connect_us;
}

int64_t kr_conn_ready_us(const struct kr_conn *conn)
{
    return conn->ready_us;
}

int16_t kr_conn_api_version(const struct kr_conn *conn,
                            const struct kr_api *api, int16_t lo, int16_t hi)
{
    if (api->key < 0 || api->key >= KR_API_KEY_MAX)
        return -1;
    int16_t bmin = conn->api_min[api->key], bmax = conn->api_max[api->key];
    if (bmax < 0)
        return -1;
    int16_t v = hi < bmax ? hi : bmax;
    int16_t floor = lo > bmin ? lo : bmin;
    return v >= floor ? v : -1;
}

/* A request leaves this connection's queues: its frame is no longer
 * needed. */
static void req_release(struct kr_req *r)
{
    if (r->conn)
        kr_m_gsub(r->conn->b->m.requests_in_flight, 1);
    r->queue = NULL;
    if (r->conn && r->conn->b) {
        r->answered = true;
        r->answered_by = r->conn->b->id;
    }
    r->conn = NULL;
    kr_buf_free(&r->frame);
    kr_refs_free(&r->refs);
}

/* ---- closing and backoff ---- */

/* Requests in flight when the connection dies: the ones that may be sent
 * again go back to routing, the others fail. */
static void fail_inflight(struct kr_conn *conn, krafka_err_t err,
                          const char *errstr)
{
    struct kr_client *c = conn->c;
    struct kr_req *r;
    while ((r = kr_reqq_pop(&conn->inflight))) {
        req_release(r);
        if (r == &conn->setup)
            continue;
        if (r->retry_transport && kr_now_us() < r->deadline_us &&
            krafka_err_is_retriable(err))
            kr_client_route(c, r);
        else
            kr_req_finish(c, r, err, errstr, NULL);
    }
    conn->wcur = NULL;
}

/* Requests that waited for this connection: any-broker requests look for
 * another broker; the others keep waiting unless @fatal. */
static void requeue_waiting(struct kr_conn *conn, krafka_err_t err,
                            const char *errstr, bool fatal)
{
    struct kr_reqq keep = {0};
    struct kr_req *r;
    while ((r = kr_reqq_pop(&conn->waitq))) {
        r->queue = NULL;
        if (fatal)
            kr_req_finish(conn->c, r, err, errstr, NULL);
        else if (r->fail_fast && r->broker_id != KR_BROKER_ANY)
            kr_req_finish(conn->c, r, KRAFKA_ERR_LOCAL_TRANSPORT, errstr,
                          NULL);
        else if (r->broker_id == KR_BROKER_ANY)
            kr_client_route(conn->c, r);
        else
            kr_reqq_push(&keep, r);
    }
    for (r = keep.head; r; r = r->next)
        r->queue = &conn->waitq;
    conn->waitq = keep;
}

static int32_t next_backoff_ms(struct kr_conn *conn)
{
    const struct krafka_conf *cf = conn->c->conf;
    int64_t b = cf->reconnect_backoff_ms;
    for (int i = 1; i < conn->failures && b < cf->reconnect_backoff_max_ms;
         i++)
        b *= 2;
    if (b > cf->reconnect_backoff_max_ms)
        b = cf->reconnect_backoff_max_ms;
    /* Jitter -20%..+20% so clients don't reconnect in lockstep. */
    int64_t span = b * 2 / 5;
    if (span > 0)
        b = b - b / 5 + (int64_t)((unsigned)rand_r(&conn->jitter_seed) %
                                  (unsigned)(span + 1));
    return (int32_t)(b < 1 ? 1 : b);
}

static void close_socket(struct kr_conn *conn)
{
    kr_watch_clear(&conn->c->loop, &conn->w);
    kr_tls_destroy(conn->tls);
    conn->tls = NULL;
    kr_sasl_destroy(conn->sasl);
    conn->sasl = NULL;
    if (conn->w.fd >= 0)
        close(conn->w.fd);
    conn->w.fd = -1;
    kr_buf_reset(&conn->rbuf);
    kr_rframe_release(conn->direct);
    conn->direct = NULL;
    conn->direct_have = 0;
    kr_arena_reset(&conn->arena);
}

/* The addresses serve one attempt only: the next one resolves again. */
static void free_addrs(struct kr_conn *conn)
{
    if (conn->ai)
        freeaddrinfo(conn->ai);
    conn->ai = conn->ai_next = NULL;
}

static bool wants_connection(const struct kr_conn *conn)
{
    return conn->waitq.cnt > 0 || (conn->was_up && !conn->b->gone);
}

void kr_conn_fail(struct kr_conn *conn, krafka_err_t err, bool fatal,
                  const char *fmt, ...)
{
    struct kr_client *c = conn->c;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    bool was_up = conn->state == KR_CONN_UP;
    kr_m_inc(c->met.connection_errors);
    if (was_up) {
        kr_m_inc(c->met.connections_closed);
        kr_m_gsub(c->met.active_connections, 1);
    }
    if (err == KRAFKA_ERR_LOCAL_AUTHENTICATION ||
        err == KRAFKA_ERR_SASL_AUTHENTICATION_FAILED)
        kr_m_inc(c->met.auth_failures);
    c->last_err = err;
    snprintf(c->last_errstr, sizeof c->last_errstr, "%.200s: %.300s",
             conn->b->name,
             msg);
    close_socket(conn);
    free_addrs(conn);
    conn->state = KR_CONN_DOWN;
    conn->gen++;
    conn->failures++;
    conn->backoff_ms = next_backoff_ms(conn);
    conn->next_connect_us = kr_now_us() + (int64_t)conn->backoff_ms * 1000;

    /* The first failure after being up, and every fatal one, is a warning
     * or an error; repeats while down are debug lines. */
    if (fatal)
        kr_log(&c->log, KRAFKA_LOG_ERR, "FAIL", "%s: %s", conn->b->name, msg);
    else if (was_up || !conn->down_logged)
        kr_log(&c->log, KRAFKA_LOG_WARNING, "FAIL", "%s: %s", conn->b->name,
               msg);
    conn->down_logged = true;
    kr_dbg(&c->log, KR_DBG_BROKER, "BACKOFF",
           "%s/%s: %s; retrying in %d ms (failure %d)", conn->b->name,
           lane_name(conn->lane), msg, conn->backoff_ms, conn->failures);

    fail_inflight(conn, fatal ? err : KRAFKA_ERR_LOCAL_TRANSPORT, msg);
    requeue_waiting(conn, err, msg, fatal);
    if (fatal)
        kr_client_conn_fatal(c, err, msg);
    if (wants_connection(conn))
        kr_timer_at(&c->loop, &conn->timer, conn->next_connect_us);
    else
        kr_timer_stop(&c->loop, &conn->timer);
    if (was_up)
        kr_md_refresh(c, "broker connection lost");
    kr_client_kick(c);
}

void kr_conn_destroy(struct kr_conn *conn, krafka_err_t err)
{
    if (!conn)
        return;
    struct kr_client *c = conn->c;
    kr_timer_stop(&c->loop, &conn->timer);
    if (conn->state == KR_CONN_UP) {
        kr_m_inc(c->met.connections_closed);
        kr_m_gsub(c->met.active_connections, 1);
    }
    close_socket(conn);
    /* A lookup stuck in getaddrinfo() is abandoned, never waited for. */
    kr_resolver_cancel(&c->resolver, &conn->lookup);
    struct kr_req *r;
    while ((r = kr_reqq_pop(&conn->inflight))) {
        req_release(r);
        if (r != &conn->setup)
            kr_req_finish(c, r, err, "client is being destroyed", NULL);
    }
    while ((r = kr_reqq_pop(&conn->waitq))) {
        r->queue = NULL;
        kr_req_finish(c, r, err, "client is being destroyed", NULL);
    }
    free_addrs(conn);
    kr_buf_free(&conn->rbuf);
    kr_buf_free(&conn->sasl_out);
    kr_arena_destroy(&conn->arena);
    free(conn);
}

/* ---- connecting ---- */

static int address_family(const struct kr_conn *conn)
{
    static const int fam[] = {[KR_AF_ANY] = AF_UNSPEC, [KR_AF_V4] = AF_INET,
                              [KR_AF_V6] = AF_INET6};
    return fam[conn->c->conf->broker_address_family];
}

/* Starts this attempt's lookup, or keeps waiting for the one an earlier
 * attempt started (it timed out) when it resolves the same name. */
static void start_lookup(struct kr_conn *conn)
{
    struct kr_lookup *lk = &conn->lookup;
    struct kr_resolver *r = &conn->c->resolver;
    int family = address_family(conn);
    char port[sizeof lk->port];
    snprintf(port, sizeof port, "%d", conn->b->port);
    if (strlen(conn->b->host) >= sizeof lk->host) {
        /* Longer than any DNS name (253): a broker's advertised name. */
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_RESOLVE, false,
                     "failed to resolve %.100s...: host name longer than "
                     "%zu bytes",
                     conn->b->host, sizeof lk->host - 1);
        return;
    }
    if (kr_lookup_busy(lk)) {
        if (strcmp(lk->host, conn->b->host) == 0 &&
            strcmp(lk->port, port) == 0 && lk->family == family)
            return;
        kr_resolver_cancel(r, lk); /* the broker moved */
    }
    int e = kr_resolver_start(r, lk, conn->b->host, conn->b->port, family);
    if (e != 0)
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_RESOLVE, false,
                     "failed to resolve %s:%d: cannot start a lookup "
                     "thread: %s",
                     conn->b->host, conn->b->port, strerror(e));
}

/* Thread: io, from kr_resolver_poll(). */
static void conn_resolved(struct kr_lookup *lk, int rc, struct addrinfo *ai,
                          const char *errstr)
{
    struct kr_conn *conn = lk->arg;
    if (conn->state != KR_CONN_RESOLVING) {
        /* Its attempt timed out, and no new one began: nobody is
         * waiting; the next attempt resolves again. */
        if (ai)
            freeaddrinfo(ai);
        return;
    }
    if (rc != 0) {
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_RESOLVE, false,
                     "failed to resolve %s:%s: %s", lk->host, lk->port,
                     errstr);
        return;
    }
    free_addrs(conn);
    conn->ai = conn->ai_next = ai;
    conn->state = KR_CONN_CONNECT;
    kr_dbg(&conn->c->log, KR_DBG_BROKER, "RESOLVED", "%s/%s: resolved in "
           "%lld us", conn->b->name, lane_name(conn->lane),
           (long long)(kr_now_us() - conn->connect_start_us));
    try_next_addr(conn);
}

void kr_conn_connect(struct kr_conn *conn)
{
    if (conn->state != KR_CONN_DOWN)
        return;
    struct kr_client *c = conn->c;
    kr_timer_stop(&c->loop, &conn->timer);
    conn->connect_start_us = kr_now_us();
    conn->state = KR_CONN_RESOLVING;
    kr_dbg(&c->log, KR_DBG_BROKER, "CONNECT", "%s/%s: connecting",
           conn->b->name, lane_name(conn->lane));
    /* The setup timeout covers the lookup as well. */
    kr_timer_after_ms(&c->loop, &conn->timer,
                      c->conf->socket_connection_setup_timeout_ms);
    start_lookup(conn);
}

static void set_sockopts(struct kr_conn *conn, int fd)
{
    const struct krafka_conf *cf = conn->c->conf;
    int one = 1;
    if (cf->socket_nagle_disable)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (cf->socket_keepalive_enable)
        setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    if (cf->socket_send_buffer_bytes > 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cf->socket_send_buffer_bytes,
                   sizeof cf->socket_send_buffer_bytes);
    if (cf->socket_receive_buffer_bytes > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
                   &cf->socket_receive_buffer_bytes,
                   sizeof cf->socket_receive_buffer_bytes);
}

static void format_addr(const struct addrinfo *ai, char *out, size_t n)
{
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (ai->ai_family == AF_INET) {
        const struct sockaddr_in *s = (const void *)ai->ai_addr;
        inet_ntop(AF_INET, &s->sin_addr, host, sizeof host);
        port = ntohs(s->sin_port);
    } else if (ai->ai_family == AF_INET6) {
        const struct sockaddr_in6 *s = (const void *)ai->ai_addr;
        inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof host);
        port = ntohs(s->sin6_port);
    }
    snprintf(out, n, ai->ai_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host,
             port);
}

/* Starts a non-blocking connect to the next address; on the last failure
 * the connection fails with the error of that address. */
static void try_next_addr(struct kr_conn *conn)
{
    int err = 0;
    while (conn->ai_next) {
        struct addrinfo *ai = conn->ai_next;
        conn->ai_next = ai->ai_next;
        format_addr(ai, conn->addr, sizeof conn->addr);
        int fd = socket(ai->ai_family,
                        SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            err = errno;
            continue;
        }
        set_sockopts(conn, fd);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 &&
            errno != EINPROGRESS) {
            err = errno;
            close(fd);
            continue;
        }
        conn->w.fd = fd;
        if (kr_watch_set(&conn->c->loop, &conn->w, EPOLLOUT) < 0) {
            err = errno;
            close(fd);
            conn->w.fd = -1;
            continue;
        }
        return;
    }
    kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false,
                 "connect to %s failed: %s", conn->addr,
                 strerror(err ? err : ECONNREFUSED));
}

static void tls_step(struct kr_conn *conn)
{
    char errstr[256];
    enum kr_tls_rc rc = kr_tls_handshake(conn->tls, errstr, sizeof errstr);
    if (rc == KR_TLS_OK) {
        kr_dbg(&conn->c->log, KR_DBG_SECURITY, "TLS",
               "%s: TLS handshake done", conn->b->name);
        kr_conn_setup_start(conn);
    } else if (rc == KR_TLS_WANT_READ || rc == KR_TLS_WANT_WRITE) {
        kr_watch_set(&conn->c->loop, &conn->w,
                     rc == KR_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
    } else if (rc == KR_TLS_CLOSED) {
        /* Not fatal: a broker restarting closes handshakes too. */
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_SSL, false,
                     "TLS handshake with %s failed: connection closed by "
                     "broker (is this a TLS listener?)",
                     conn->addr);
    } else {
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_SSL, true,
                     "TLS handshake with %s failed: %s", conn->addr, errstr);
    }
}

static void connected(struct kr_conn *conn)
{
    int soerr = 0;
    socklen_t len = sizeof soerr;
    getsockopt(conn->w.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
    if (soerr != 0) {
        kr_dbg(&conn->c->log, KR_DBG_BROKER, "CONNECT",
               "%s: connect to %s failed: %s", conn->b->name, conn->addr,
               strerror(soerr));
        kr_watch_clear(&conn->c->loop, &conn->w);
        close(conn->w.fd);
        conn->w.fd = -1;
        if (conn->ai_next) {
            try_next_addr(conn);
            return;
        }
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false,
                     "connect to %s failed: %s", conn->addr,
                     strerror(soerr));
        return;
    }
    enum kr_security_protocol sp = conn->c->conf->security_protocol;
    if (sp == KR_SEC_SSL || sp == KR_SEC_SASL_SSL) {
        char errstr[256];
        conn->state = KR_CONN_TLS;
        if (kr_tls_new(&conn->tls, conn->c->tls, conn->w.fd, conn->b->host,
                       errstr, sizeof errstr) != KRAFKA_ERR_NONE) {
            kr_conn_fail(conn, KRAFKA_ERR_LOCAL_SSL, true, "%s", errstr);
            return;
        }
        tls_step(conn);
        return;
    }
    kr_conn_setup_start(conn);
}

/* ---- reading ---- */

/* Reads into rbuf; returns bytes read, 0 for would-block, -1 on failure
 * (the connection has been failed). */
static ssize_t sock_read(struct kr_conn *conn)
{
    if (!conn->direct && !kr_buf_reserve(&conn->rbuf, READ_CHUNK)) {
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false,
                     "receive buffer limit reached");
        return -1;
    }
    uint8_t *p = conn->rbuf.data + conn->rbuf.len;
    size_t room = conn->rbuf.cap - conn->rbuf.len;
    size_t *got = &conn->rbuf.len;
    if (conn->direct) {
        p = conn->direct->data + conn->direct_have;
        room = conn->direct->len - conn->direct_have;
        got = &conn->direct_have;
    }
    if (conn->tls) {
        char errstr[256];
        size_t n = 0;
        enum kr_tls_rc rc =
            kr_tls_read(conn->tls, p, room, &n, errstr, sizeof errstr);
        if (rc == KR_TLS_OK) {
            *got += n;
            return (ssize_t)n;
        }
        if (rc == KR_TLS_WANT_READ || rc == KR_TLS_WANT_WRITE)
            return 0;
        if (rc == KR_TLS_CLOSED)
            kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false,
                         "connection closed by broker");
        else
            kr_conn_fail(conn, KRAFKA_ERR_LOCAL_SSL,
                         conn->state != KR_CONN_UP, "TLS error: %s", errstr);
        return -1;
    }
    ssize_t n = recv(conn->w.fd, p, room, 0);
    if (n > 0) {
        *got += (size_t)n;
        return n;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false, "%s",
                 n == 0 ? "connection closed by broker" : strerror(errno));
    return -1;
}

static krafka_err_t decode(struct kr_conn *conn, struct kr_req *r,
                           const uint8_t *p, size_t len, void **resp)
{
    int16_t v = r->ver;
    /* A broker that doesn't know our ApiVersions version answers with a
     * v0 body carrying UNSUPPORTED_VERSION (KIP-511). */
    if (r->api->key == KR_API_ApiVersions && len >= 6 &&
        kr_load_be16(p + 4) == KRAFKA_ERR_UNSUPPORTED_VERSION)
        v = 0;
    *resp = kr_arena_alloc(&conn->arena, r->api->resp_size);
    if (!*resp)
        return KRAFKA_ERR_LOCAL_NOMEM;
    int32_t corr;
    krafka_err_t err = kr_response_read(r->api, v, p, len, &conn->arena,
                                        *resp, &corr);
    if (err && v != r->ver) {
        /* Some brokers (librdkafka's mock cluster) write this answer in
         * neither version: keep its ErrorCode alone, so that setup
         * retries at v0 (KIP-511). */
        *(struct kr_ApiVersionsResponse *)*resp =
            (struct kr_ApiVersionsResponse){
                .ErrorCode = KRAFKA_ERR_UNSUPPORTED_VERSION};
        err = KRAFKA_ERR_NONE;
    }
    return err;
}

/* Handles one whole response frame body; false when the connection was
 * failed or closed by a callback. */
static bool handle_frame(struct kr_conn *conn, const uint8_t *p, size_t len,
                         struct kr_rframe *direct)
{
    int32_t corr = 0;
    struct kr_req *r = conn->inflight.head;
    if (kr_response_peek_correlation(p, len, &corr) != KRAFKA_ERR_NONE ||
        !r || r == conn->wcur || r->corr != corr) {
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_BAD_MSG, false,
                     "response with unexpected correlation id %d "
                     "(expected %d): closing the connection",
                     (int)corr, r ? (int)r->corr : -1);
        kr_rframe_release(direct);
        return false;
    }
    void *resp = NULL;
    struct kr_rframe *kept = direct;
    if (r->keep_frame && !kept) {
        kept = malloc(sizeof *kept + len);
        if (!kept) {
            kr_conn_fail(conn, KRAFKA_ERR_LOCAL_NOMEM, false,
                         "no memory for a %zu byte response", len);
            return false;
        }
        atomic_init(&kept->refs, 1);
        kept->len = len;
        memcpy(kept->data, p, len);
        p = kept->data;
    }
    krafka_err_t err = decode(conn, r, p, len, &resp);
    if (err != KRAFKA_ERR_NONE) {
        kr_rframe_release(kept);
        kr_conn_fail(conn, err, false,
                     "malformed %s v%d response (%zu bytes): %s",
                     r->api->name, r->ver, len, krafka_err2str(err));
        return false;
    }
    r->frame_kept = kept;
    kr_reqq_pop(&conn->inflight);
    req_release(r);
    uint32_t gen = conn->gen;
    /* Each metric is NULL when off or when its registration found no
     * memory: kr_m_* skip NULLs. */
    kr_m_rec(conn->b->m.request_latency, kr_now_us() - r->sent_us);
    kr_m_add(conn->b->m.response_bytes, 4 + len);
    kr_dbg(&conn->c->log, KR_DBG_PROTOCOL, "RECV",
           "%s: %s v%d response corr %d, %zu bytes, %lld us",
           conn->b->name, r->api->name, r->ver, (int)corr, len,
           (long long)(kr_now_us() - r->sent_us));
    kr_req_finish(conn->c, r, KRAFKA_ERR_NONE, NULL, resp);
    kr_arena_reset(&conn->arena);
    return conn->gen == gen;
}

/* Frames at least this large for a keep_frame request are read directly
 * into their own buffer. */
#define DIRECT_MIN (256 * 1024)

/* Starts reading the frame of @size body bytes at rbuf offset @off
 * directly into a kept frame, when the request it answers wants one.
 * The bytes already received move there. */
static bool start_direct(struct kr_conn *conn, size_t off, size_t size)
{
    struct kr_req *r = conn->inflight.head;
    if (size < DIRECT_MIN || !r || r == conn->wcur || !r->keep_frame)
        return false;
    struct kr_rframe *f = malloc(sizeof *f + size);
    if (!f)
        return false; /* rbuf takes it, as any frame */
    atomic_init(&f->refs, 1);
    f->len = size;
    size_t have = conn->rbuf.len - off - 4;
    memcpy(f->data, conn->rbuf.data + off + 4, have);
    conn->direct = f;
    conn->direct_have = have;
    return true;
}

/* The direct frame is complete: hand it on. */
static bool finish_direct(struct kr_conn *conn)
{
    struct kr_rframe *f = conn->direct;
    conn->direct = NULL;
    conn->direct_have = 0;
    return handle_frame(conn, f->data, f->len, f);
}

/* Parses every complete frame in rbuf. */
static bool parse_frames(struct kr_conn *conn)
{
    size_t off = 0;
    int32_t max = conn->c->conf->receive_message_max_bytes;
    while (conn->rbuf.len - off >= 4) {
        int32_t size = (int32_t)kr_load_be32(conn->rbuf.data + off);
        if (size < 4 || size > max) {
            kr_conn_fail(conn, KRAFKA_ERR_LOCAL_BAD_MSG, false,
                         "response frame of %d bytes is outside 4..%d "
                         "(receive.message.max.bytes)",
                         (int)size, (int)max);
            return false;
        }
        if (conn->rbuf.len - off - 4 < (size_t)size) {
            if (start_direct(conn, off, (size_t)size))
                off = conn->rbuf.len; /* moved into the direct frame */
            break;
        }
        if (!handle_frame(conn, conn->rbuf.data + off + 4, (size_t)size,
                          NULL))
            return false;
        off += 4 + (size_t)size;
    }
    if (off > 0) {
        memmove(conn->rbuf.data, conn->rbuf.data + off, conn->rbuf.len - off);
        conn->rbuf.len -= off;
    }
    return true;
}

static void on_readable(struct kr_conn *conn)
{
    /* A bounded number of reads per wakeup keeps other brokers served. */
    for (int i = 0; i < 16; i++) {
        ssize_t n = sock_read(conn);
        if (n < 0)
            return;
        if (n == 0 && !(conn->tls && kr_tls_pending(conn->tls)))
            break;
        if (conn->direct) {
            if (conn->direct_have == conn->direct->len &&
                !finish_direct(conn))
                return;
            continue;
        }
        if (!parse_frames(conn))
            return;
    }
}

/* ---- writing ---- */

/* iovec entries per sendmsg: a frame and the batches it references. */
#define IOV_BATCH 64

/* Writes from @iov[0..@cnt); TLS writes @iov[0] only (a TLS frame is
 * never given references: see encode()). */
static ssize_t sock_write(struct kr_conn *conn, const struct iovec *iov,
                          size_t cnt)
{
    if (conn->tls) {
        char errstr[256];
        size_t n = 0;
        enum kr_tls_rc rc = kr_tls_write(conn->tls, iov[0].iov_base,
                                         iov[0].iov_len, &n, errstr,
                                         sizeof errstr);
        if (rc == KR_TLS_OK)
            return (ssize_t)n;
        if (rc == KR_TLS_WANT_READ || rc == KR_TLS_WANT_WRITE)
            return 0;
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false,
                     "TLS write failed: %s", errstr);
        return -1;
    }
    struct msghdr mh = {.msg_iov = (struct iovec *)(uintptr_t)iov,
                        .msg_iovlen = cnt};
    ssize_t n = sendmsg(conn->w.fd, &mh, MSG_NOSIGNAL);
    if (n >= 0)
        return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
    kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TRANSPORT, false, "send failed: %s",
                 strerror(errno));
    return -1;
}

/* A request was written in full: requests without a response end here. */
static bool written(struct kr_conn *conn, struct kr_req *r)
{
    r->sent_us = kr_now_us();
    kr_m_add(conn->b->m.request_bytes, r->frame.len + r->refs.bytes);
    conn->wcur = r->next;
    if (!r->no_response)
        return true;
    uint32_t gen = conn->gen;
    kr_reqq_remove(&conn->inflight, r);
    req_release(r);
    kr_req_finish(conn->c, r, KRAFKA_ERR_NONE, NULL, NULL);
    return conn->gen == gen;
}

bool kr_conn_flush(struct kr_conn *conn)
{
    struct iovec iov[IOV_BATCH];
    while (conn->wcur) {
        struct kr_req *r = conn->wcur;
        size_t cnt = kr_refs_iov(r->frame.data, r->frame.len, &r->refs,
                                 r->off, iov, IOV_BATCH);
        ssize_t n = sock_write(conn, iov, cnt);
        if (n < 0)
            return false;
        if (n == 0)
            break;
        r->off += (size_t)n;
        if (r->off == r->frame.len + r->refs.bytes && !written(conn, r))
            return false;
    }
    uint32_t ev = EPOLLIN | (conn->wcur ? EPOLLOUT : 0);
    kr_watch_set(&conn->c->loop, &conn->w, ev);
    return true;
}

/* Encodes @r at the highest common version and appends it to inflight. */
static bool encode(struct kr_conn *conn, struct kr_req *r)
{
    int16_t lo = r->min_ver ? r->min_ver : r->api->min_ver;
    int16_t hi = r->max_ver ? r->max_ver : r->api->max_ver;
    int16_t v = r == &conn->setup && r->api->key == KR_API_ApiVersions
                    ? conn->apiversions_ver
                    : kr_conn_api_version(conn, r->api, lo, hi);
    if (v < 0) {
        char msg[400];
        snprintf(msg, sizeof msg, "broker %s supports no version of %s in "
                 "%d..%d", conn->b->name, r->api->name, lo, hi);
        kr_req_finish(conn->c, r, KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE, msg,
                      NULL);
        return false;
    }
    struct kr_client *c = conn->c;
    r->ver = v;
    r->sent_us = kr_now_us();
    r->corr = c->next_corr++;
    if (c->next_corr < 0)
        c->next_corr = 0;
    r->off = 0;
    /* Headers and names besides the message.max.bytes of records. */
    kr_buf_init(&r->frame, (size_t)c->conf->message_max_bytes + (1 << 20));
    kr_refs_init(&r->refs);
    /* Plain TCP writes record batches in place (sendmsg); TLS encrypts
     * from one flat buffer. */
    krafka_err_t err = kr_request_write_refs(&r->frame,
                                             conn->tls ? NULL : &r->refs,
                                             r->api, v, r->corr,
                                             c->conf->client_id, r->msg);
    if (err != KRAFKA_ERR_NONE) {
        kr_buf_free(&r->frame);
        kr_refs_free(&r->refs);
        kr_req_finish(c, r, err, "request could not be encoded", NULL);
        return false;
    }
    r->conn = conn;
    r->queue = &conn->inflight;
    kr_reqq_push(&conn->inflight, r);
    kr_m_gadd(conn->b->m.requests_in_flight, 1);
    /* Each attempt may take request.timeout.ms; the request as a whole
     * ends at its deadline. Setup requests have the setup timer. */
    if (r != &conn->setup) {
        int64_t t = kr_now_us() + (int64_t)c->conf->request_timeout_ms * 1000;
        kr_timer_at(&c->loop, &r->timer,
                    t < r->deadline_us ? t : r->deadline_us);
    }
    if (!conn->wcur)
        conn->wcur = r;
    kr_dbg(&c->log, KR_DBG_PROTOCOL, "SEND", "%s: %s v%d corr %d, %zu bytes",
           conn->b->name, r->api->name, v, (int)r->corr,
           r->frame.len + r->refs.bytes);
    return true;
}

void kr_conn_send_setup(struct kr_conn *conn)
{
    if (encode(conn, &conn->setup))
        kr_conn_flush(conn);
}

/* Moves waiting requests into flight while the limit allows. */
static void pump(struct kr_conn *conn)
{
    if (conn->state != KR_CONN_UP)
        return;
    int32_t max = conn->c->conf->max_in_flight;
    uint32_t gen = conn->gen;
    while (conn->waitq.head && conn->inflight.cnt < (size_t)max) {
        struct kr_req *r = kr_reqq_pop(&conn->waitq);
        r->queue = NULL;
        encode(conn, r);
        if (conn->gen != gen)
            return;
    }
    kr_conn_flush(conn);
}

void kr_conn_enqueue(struct kr_conn *conn, struct kr_req *r)
{
    r->queue = &conn->waitq;
    kr_reqq_push(&conn->waitq, r);
    if (conn->state == KR_CONN_UP)
        pump(conn);
    else if (kr_conn_can_connect(conn))
        kr_conn_connect(conn);
    else if (conn->state == KR_CONN_DOWN)
        kr_timer_at(&conn->c->loop, &conn->timer, conn->next_connect_us);
}

void kr_conn_set_up(struct kr_conn *conn)
{
    struct kr_client *c = conn->c;
    kr_timer_stop(&c->loop, &conn->timer);
    conn->state = KR_CONN_UP;
    conn->was_up = true;
    conn->failures = 0;
    conn->down_logged = false;
    conn->ready_us = kr_now_us() - conn->connect_start_us;
    kr_m_inc(c->met.connections_created);
    kr_m_gadd(c->met.active_connections, 1);
    kr_m_rec(conn->b->m.connect_latency, conn->ready_us);
    kr_dbg(&c->log, KR_DBG_BROKER, "READY",
           "%s/%s: ready at %s in %lld us", conn->b->name,
           lane_name(conn->lane), conn->addr, (long long)conn->ready_us);
    uint32_t gen = conn->gen;
    kr_client_conn_up(c, conn);
    if (conn->gen == gen)
        pump(conn);
}

void kr_conn_req_timeout(struct kr_conn *conn, struct kr_req *r)
{
    /* A request that timed out in flight leaves the connection in an
     * unknown state (the broker may still answer): close it, as
     * librdkafka and the Java client do. */
    char msg[200], prev[sizeof conn->c->last_errstr];
    snprintf(msg, sizeof msg, "%s request (corr %d) timed out after %lld ms",
             r->api->name, (int)r->corr,
             (long long)((kr_now_us() - r->sent_us) / 1000));
    /* Taken before kr_conn_fail() replaces it with this timeout. */
    snprintf(prev, sizeof prev, "%s", conn->c->last_errstr);
    if (conn->wcur == r)
        conn->wcur = r->next;
    kr_reqq_remove(&conn->inflight, r);
    req_release(r);
    kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TIMED_OUT, false, "%s", msg);
    /* Idempotent requests with time left try again elsewhere. */
    if (r->retry_transport && kr_now_us() < r->deadline_us) {
        kr_client_route(conn->c, r);
        return;
    }
    /* A retry cut short by the deadline says little by itself ("timed
     * out after 0 ms"): name the failure that made it retry. */
    char full[sizeof msg + sizeof prev + 20];
    snprintf(full, sizeof full, "%s%s%s%s", msg,
             prev[0] ? " (last error: " : "", prev, prev[0] ? ")" : "");
    kr_req_finish(conn->c, r, KRAFKA_ERR_LOCAL_TIMED_OUT, full, NULL);
}

/* ---- event callbacks ---- */

static void conn_io_cb(struct kr_loop *l, struct kr_watch *w, uint32_t ev)
{
    (void)l;
    struct kr_conn *conn = w->arg;
    if (conn->state == KR_CONN_CONNECT) {
        connected(conn);
        return;
    }
    if (conn->state == KR_CONN_TLS) {
        tls_step(conn);
        return;
    }
    uint32_t gen = conn->gen;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP))
        on_readable(conn);
    if (conn->gen != gen)
        return;
    /* Pumped after reading too: responses free in-flight slots for the
     * requests waiting behind max.in.flight.requests.per.connection. */
    if (!(ev & EPOLLOUT) || kr_conn_flush(conn))
        pump(conn);
}

static void conn_timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_conn *conn = t->arg;
    if (conn->state == KR_CONN_DOWN) {
        if (wants_connection(conn))
            kr_conn_connect(conn);
        return;
    }
    if (conn->state != KR_CONN_UP)
        kr_conn_fail(conn, KRAFKA_ERR_LOCAL_TIMED_OUT, false,
                     "connection setup timed out after %d ms "
                     "(socket.connection.setup.timeout.ms) in state %s",
                     (int)conn->c->conf->socket_connection_setup_timeout_ms,
                     conn->state == KR_CONN_RESOLVING ? "resolve"
                     : conn->state == KR_CONN_CONNECT  ? "connect"
                     : conn->state == KR_CONN_TLS    ? "TLS handshake"
                     : conn->state == KR_CONN_SASL   ? "SASL"
                                                     : "ApiVersions");
}
