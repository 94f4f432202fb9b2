#include "client/client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/conn.h"
#include "net/tls.h"
#include "util/time.h"

/* ---- request queues ---- */

void kr_reqq_push(struct kr_reqq *q, struct kr_req *r)
{
    r->next = NULL;
    if (q->tail)
        q->tail->next = r;
    else
        q->head = r;
    q->tail = r;
    q->cnt++;
}

struct kr_req *kr_reqq_pop(struct kr_reqq *q)
{
    struct kr_req *r = q->head;
    if (!r)
        return NULL;
    q->head = r->next;
    if (!q->head)
        q->tail = NULL;
    q->cnt--;
    r->next = NULL;
    return r;
}

bool kr_reqq_remove(struct kr_reqq *q, struct kr_req *r)
{
    struct kr_req *prev = NULL;
    for (struct kr_req *it = q->head; it; prev = it, it = it->next) {
        if (it != r)
            continue;
        if (prev)
            prev->next = r->next;
        else
            q->head = r->next;
        if (q->tail == r)
            q->tail = prev;
        q->cnt--;
        r->next = NULL;
        return true;
    }
    return false;
}

void kr_rframe_release(struct kr_rframe *f)
{
    if (f && atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) == 1)
        free(f);
}

/* ---- completing requests ---- */

void kr_req_finish(struct kr_client *c, struct kr_req *r, krafka_err_t err,
                   const char *errstr, const void *resp)
{
    kr_timer_stop(&c->loop, &r->timer);
    if (r->queue) {
        kr_reqq_remove(r->queue, r);
        r->queue = NULL;
    }
    if (r->conn && r->conn->b) {
        r->answered = true;
        r->answered_by = r->conn->b->id;
    }
    r->conn = NULL;
    if (err != KRAFKA_ERR_NONE && r->api)
        kr_dbg(&c->log, KR_DBG_PROTOCOL, "REQERR", "%s request failed: %s",
               r->api->name, errstr ? errstr : krafka_err2str(err));
    r->done(c, r, err, errstr ? errstr : krafka_err2str(err), resp, r->ver);
}

static void req_timeout_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    struct kr_req *r = t->arg;
    struct kr_client *c = r->client;
    if (r->conn) {
        kr_conn_req_timeout(r->conn, r);
        return;
    }
    char msg[700];
    snprintf(msg, sizeof msg,
             "%s request timed out waiting for a broker connection%s%s%s",
             r->api->name, c->last_errstr[0] ? " (last error: " : "",
             c->last_errstr, c->last_errstr[0] ? ")" : "");
    kr_req_finish(c, r, KRAFKA_ERR_LOCAL_TIMED_OUT, msg, NULL);
}

/* ---- brokers ---- */

struct kr_broker *kr_client_broker_find(struct kr_client *c, int32_t id)
{
    for (struct kr_broker *b = c->brokers; b; b = b->next)
        if (b->id == id)
            return b;
    return NULL;
}

static void broker_name(struct kr_broker *b)
{
    if (b->id < -1)
        snprintf(b->name, sizeof b->name, "%s:%d/bootstrap", b->host,
                 b->port);
    else
        snprintf(b->name, sizeof b->name, "%s:%d/%d", b->host, b->port,
                 (int)b->id);
}

struct kr_broker *kr_client_broker(struct kr_client *c, int32_t id,
                                   const char *host, int port)
{
    struct kr_broker *b = kr_client_broker_find(c, id);
    if (b && strcmp(b->host, host) == 0 && b->port == port) {
        b->gone = false;
        return b;
    }
    char *h = strdup(host);
    if (!h)
        return b;
    if (b) {
        /* Moved: the next connection attempt resolves the new address. */
        free(b->host);
        b->host = h;
        b->port = port;
        b->gone = false;
        broker_name(b);
        return b;
    }
    b = calloc(1, sizeof *b);
    if (!b) {
        free(h);
        return NULL;
    }
    *b = (struct kr_broker){.client = c, .id = id, .host = h, .port = port,
                            .next = c->brokers};
    broker_name(b);
    kr_broker_metrics_init(c, b);
    c->brokers = b;
    kr_dbg(&c->log, KR_DBG_BROKER, "BROKER", "added broker %s", b->name);
    return b;
}

static struct kr_conn *broker_conn(struct kr_broker *b, enum kr_lane lane)
{
    if (!b->conns[lane])
        b->conns[lane] = kr_conn_new(b, lane);
    return b->conns[lane];
}

static void brokers_destroy(struct kr_client *c)
{
    struct kr_broker *b = c->brokers;
    while (b) {
        struct kr_broker *next = b->next;
        for (int i = 0; i < KR_LANE_CNT; i++)
            kr_conn_destroy(b->conns[i], KRAFKA_ERR_LOCAL_DESTROY);
        free(b->host);
        free(b);
        b = next;
    }
    c->brokers = NULL;
}

/* ---- routing ---- */

static struct kr_conn *any_up_conn(struct kr_client *c, enum kr_lane lane)
{
    size_t n = 0;
    for (struct kr_broker *b = c->brokers; b; b = b->next)
        n++;
    if (n == 0)
        return NULL;
    /* Round robin from a moving start so load spreads. */
    size_t start = c->rr++ % n, i = 0;
    struct kr_conn *first = NULL;
    for (struct kr_broker *b = c->brokers; b; b = b->next, i++) {
        struct kr_conn *conn = b->conns[lane];
        if (!conn || !kr_conn_is_up(conn))
            continue;
        if (i >= start)
            return conn;
        if (!first)
            first = conn;
    }
    return first;
}

void kr_client_route(struct kr_client *c, struct kr_req *r)
{
    if (!kr_timer_armed(&r->timer) && r->deadline_us != INT64_MAX)
        kr_timer_at(&c->loop, &r->timer, r->deadline_us);
    if (r->broker_id != KR_BROKER_ANY) {
        struct kr_broker *b = kr_client_broker_find(c, r->broker_id);
        struct kr_conn *conn = b ? broker_conn(b, r->lane) : NULL;
        if (!conn) {
            kr_req_finish(c, r, KRAFKA_ERR_LOCAL_UNKNOWN_BROKER,
                          "no such broker in the metadata", NULL);
            return;
        }
        kr_conn_enqueue(conn, r);
        return;
    }
    struct kr_conn *conn = any_up_conn(c, r->lane);
    if (conn) {
        kr_conn_enqueue(conn, r);
        return;
    }
    if (c->fatal_err != KRAFKA_ERR_NONE) {
        /* The last attempt failed in a way only the configuration can fix:
         * say so at once, and try again for the next request. */
        kr_req_finish(c, r, c->fatal_err, c->fatal_errstr, NULL);
        c->fatal_err = KRAFKA_ERR_NONE;
        kr_client_kick(c);
        return;
    }
    r->queue = &c->any;
    kr_reqq_push(&c->any, r);
    kr_client_kick(c);
}

/* An attempt that has not come up within this long no longer holds the
 * others back: the next broker is tried beside it, so a broker that takes
 * connections and never answers costs a second, not the whole
 * socket.connection.setup.timeout.ms. */
#define KR_CONNECT_STAGGER_US 1000000

/* Arms the kick timer for @due_us unless it is due sooner already (it
 * serves every lane; each kick looks at all of them again). */
static void kick_at(struct kr_client *c, int64_t due_us)
{
    if (!kr_timer_armed(&c->kick_timer) || due_us < c->kick_timer.due_us)
        kr_timer_at(&c->loop, &c->kick_timer, due_us);
}

/* The start of the youngest attempt in progress on @lane; INT64_MIN when
 * none is, INT64_MAX when a connection is up (nothing to start). */
static int64_t lane_youngest_attempt(struct kr_client *c, enum kr_lane lane)
{
    int64_t youngest = INT64_MIN;
    for (struct kr_broker *b = c->brokers; b; b = b->next) {
        struct kr_conn *conn = b->conns[lane];
        if (!conn || !kr_conn_is_busy(conn))
            continue;
        if (kr_conn_is_up(conn))
            return INT64_MAX;
        if (conn->connect_start_us > youngest)
            youngest = conn->connect_start_us;
    }
    return youngest;
}

/* Starts one connection attempt for the requests waiting for any broker,
 * unless one started less than KR_CONNECT_STAGGER_US ago; arms the kick
 * timer for when the next attempt may start. */
static void kick_lane(struct kr_client *c, enum kr_lane lane)
{
    int64_t youngest = lane_youngest_attempt(c, lane);
    if (youngest == INT64_MAX)
        return;
    if (youngest != INT64_MIN &&
        kr_now_us() < youngest + KR_CONNECT_STAGGER_US) {
        kick_at(c, youngest + KR_CONNECT_STAGGER_US);
        return;
    }
    /* The attempts in progress end by themselves (setup timeout); only a
     * backoff's end needs the timer. */
    int64_t soonest = INT64_MAX;
    size_t n = 0;
    for (struct kr_broker *b = c->brokers; b; b = b->next)
        n += !b->gone;
    size_t start = n ? c->rr++ % n : 0, i = 0;
    for (size_t pass = 0; pass < 2; pass++) {
        i = 0;
        for (struct kr_broker *b = c->brokers; b; b = b->next) {
            if (b->gone || (pass == 0 && i++ < start))
                continue;
            struct kr_conn *conn = broker_conn(b, lane);
            if (!conn)
                continue;
            if (kr_conn_can_connect(conn)) {
                kr_conn_connect(conn);
                /* look again when it may be time for the next one */
                kick_at(c, kr_now_us() + KR_CONNECT_STAGGER_US);
                return;
            }
            if (!kr_conn_is_busy(conn) && conn->next_connect_us < soonest)
                soonest = conn->next_connect_us;
        }
    }
    if (soonest != INT64_MAX)
        kick_at(c, soonest);
}

void kr_client_kick(struct kr_client *c)
{
    bool lanes[KR_LANE_CNT] = {false};
    for (struct kr_req *r = c->any.head; r; r = r->next)
        lanes[r->lane] = true;
    for (int i = 0; i < KR_LANE_CNT; i++)
        if (lanes[i])
            kick_lane(c, (enum kr_lane)i);
}

static void kick_timer_cb(struct kr_loop *l, struct kr_timer *t)
{
    (void)l;
    kr_client_kick(t->arg);
}

void kr_client_conn_up(struct kr_client *c, struct kr_conn *conn)
{
    c->fatal_err = KRAFKA_ERR_NONE;
    struct kr_reqq keep = {0};
    struct kr_req *r;
    while ((r = kr_reqq_pop(&c->any))) {
        r->queue = NULL;
        if (r->lane == conn->lane) {
            kr_conn_enqueue(conn, r);
        } else {
            r->queue = &c->any;
            kr_reqq_push(&keep, r);
        }
    }
    c->any = keep;
    if (c->md.updated_us == 0)
        kr_md_refresh(c, "first connection");
}

void kr_client_conn_fatal(struct kr_client *c, krafka_err_t err,
                          const char *errstr)
{
    c->fatal_err = err;
    snprintf(c->fatal_errstr, sizeof c->fatal_errstr, "%s", errstr);
    c->fatal_us = kr_now_us();
    struct kr_req *r;
    while ((r = kr_reqq_pop(&c->any))) {
        r->queue = NULL;
        kr_req_finish(c, r, err, errstr, NULL);
    }
    if (c->on_fatal && !atomic_load(&c->stop))
        c->on_fatal(c, err, errstr, c->hook_arg);
}

/* ---- the I/O thread ---- */

/* Moves submitted requests from the locked queue to their routes. */
static void on_wake(struct kr_loop *l, void *arg)
{
    (void)l;
    struct kr_client *c = arg;
    /* Lookup threads wake the loop through the same eventfd. */
    kr_resolver_poll(&c->resolver);
    pthread_mutex_lock(&c->q_lock);
    struct kr_reqq q = c->incoming;
    c->incoming = (struct kr_reqq){0};
    pthread_mutex_unlock(&c->q_lock);
    struct kr_req *r;
    while ((r = kr_reqq_pop(&q))) {
        if (r->api)
            kr_client_route(c, r);
        else /* an operation to run on the I/O thread */
            r->done(c, r, KRAFKA_ERR_NONE, NULL, NULL, 0);
    }
    if (c->on_wake && !atomic_load(&c->stop))
        c->on_wake(c, c->hook_arg);
}

static void *io_main(void *arg)
{
    struct kr_client *c = arg;
    kr_dbg(&c->log, KR_DBG_GENERIC, "START", "I/O thread started");
    kr_client_stats_start(c);
    while (!atomic_load(&c->stop))
        if (kr_loop_run_once(&c->loop, -1) < 0 && errno != EINTR) {
            kr_log(&c->log, KRAFKA_LOG_CRIT, "LOOP", "epoll failed: %s",
                   strerror(errno));
            break;
        }
    return NULL;
}

static void req_prepare(struct kr_client *c, struct kr_req *r)
{
    r->queue = NULL;
    r->conn = NULL;
    r->client = c;
    kr_timer_init(&r->timer, req_timeout_cb, r);
}

void kr_client_send(struct kr_client *c, struct kr_req *r)
{
    req_prepare(c, r);
    kr_client_route(c, r);
}

void kr_client_submit(struct kr_client *c, struct kr_req *r)
{
    req_prepare(c, r);
    pthread_mutex_lock(&c->q_lock);
    kr_reqq_push(&c->incoming, r);
    pthread_mutex_unlock(&c->q_lock);
    kr_loop_wake(&c->loop);
}

/* ---- creation ---- */

/* Parses one "host:port", "[v6]:port" or "PROTO://host:port" entry. */
static bool parse_hostport(const char *s, size_t len, char *host,
                           size_t hostsz, int *port)
{
    const char *p = memmem(s, len, "://", 3);
    if (p) {
        len -= (size_t)(p + 3 - s);
        s = p + 3;
    }
    const char *colon = NULL;
    const char *h = s;
    size_t hl;
    if (len > 0 && s[0] == '[') {
        const char *close = memchr(s, ']', len);
        if (!close || close + 1 >= s + len || close[1] != ':')
            return false;
        h = s + 1;
        hl = (size_t)(close - h);
        colon = close + 1;
    } else {
        for (size_t i = len; i > 0; i--)
            if (s[i - 1] == ':') {
                colon = s + i - 1;
                break;
            }
        if (!colon)
            return false;
        hl = (size_t)(colon - s);
    }
    if (hl == 0 || hl >= hostsz)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    char *end;
    size_t pl = len - (size_t)(colon + 1 - s);
    char num[8] = "";
    if (pl == 0 || pl >= sizeof num)
        return false;
    memcpy(num, colon + 1, pl);
    long v = strtol(num, &end, 10);
    if (*end != '\0' || v < 1 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

static krafka_err_t add_bootstrap(struct kr_client *c, char *errstr,
                                  size_t errstr_size)
{
    const char *s = c->conf->bootstrap_servers;
    while (s && *s) {
        size_t len = strcspn(s, ", ");
        char host[256];
        int port;
        if (len > 0) {
            if (!parse_hostport(s, len, host, sizeof host, &port)) {
                snprintf(errstr, errstr_size,
                         "Invalid bootstrap.servers entry \"%.*s\": "
                         "expected host:port",
                         (int)(len > 200 ? 200 : len), s);
                return KRAFKA_ERR_LOCAL_INVALID_CONF;
            }
            if (!kr_client_broker(c, c->next_bootstrap_id--, host, port))
                return KRAFKA_ERR_LOCAL_NOMEM;
        }
        s += len;
        s += strspn(s, ", ");
    }
    if (!c->brokers) {
        snprintf(errstr, errstr_size, "bootstrap.servers is empty");
        return KRAFKA_ERR_LOCAL_INVALID_CONF;
    }
    return KRAFKA_ERR_NONE;
}

static krafka_err_t client_init(struct kr_client *c, char *errstr,
                                size_t errstr_size)
{
    const struct krafka_conf *cf = c->conf;
    /* Like librdkafka, `debug` implies log level 7. */
    c->log = (struct kr_log){.level = cf->debug ? KRAFKA_LOG_DEBUG
                                                : cf->log_level,
                             .debug = cf->debug,
                             .cb = cf->log_cb, .opaque = cf->opaque,
                             .prefix = cf->client_id};
    c->next_bootstrap_id = -2;
    krafka_err_t err = add_bootstrap(c, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE)
        return err;
    /* Once per client: the password would cross the network readable. */
    if (cf->security_protocol == KR_SEC_SASL_PLAINTEXT &&
        cf->sasl_mechanism == KR_SASL_PLAIN)
        kr_log(&c->log, KRAFKA_LOG_WARNING, "SECURITY",
               "sasl.mechanism PLAIN over security.protocol SASL_PLAINTEXT "
               "sends the password unencrypted; use SASL_SSL");
    if (cf->security_protocol == KR_SEC_SSL ||
        cf->security_protocol == KR_SEC_SASL_SSL) {
        err = kr_tls_ctx_new(&c->tls, cf, errstr, errstr_size);
        if (err != KRAFKA_ERR_NONE)
            return err;
    }
    if (kr_loop_init(&c->loop) < 0) {
        snprintf(errstr, errstr_size, "epoll/eventfd: %s", strerror(errno));
        return KRAFKA_ERR_LOCAL_FAIL;
    }
    c->loop.on_wake = on_wake;
    c->loop.wake_arg = c;
    kr_resolver_init(&c->resolver, &c->loop);
    kr_md_init(c);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_client_create(struct kr_client **out,
                              const krafka_conf_t *conf, const char *role,
                              char *errstr, size_t errstr_size)
{
    char dummy[1];
    if (!errstr || errstr_size == 0) { /* never write into a 0-byte buffer */
        errstr = dummy;
        errstr_size = sizeof dummy;
    }
    errstr[0] = '\0';
    *out = NULL;
    if (!conf) {
        snprintf(errstr, errstr_size, "conf is NULL");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    krafka_err_t err = kr_conf_validate(conf, role, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE)
        return err;
    struct kr_client *c = calloc(1, sizeof *c);
    if (!c)
        return KRAFKA_ERR_LOCAL_NOMEM;
    c->role = role;
    c->loop.epfd = c->loop.evfd = -1;
    kr_timer_init(&c->kick_timer, kick_timer_cb, c);
    pthread_mutex_init(&c->q_lock, NULL);
    c->conf = krafka_conf_dup(conf);
    if (!c->conf) {
        err = KRAFKA_ERR_LOCAL_NOMEM;
        goto fail;
    }
    kr_conf_finalize(c->conf, role);
    if ((err = kr_client_metrics_init(c)) != KRAFKA_ERR_NONE)
        goto fail;
    err = client_init(c, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE)
        goto fail;
    *out = c;
    return KRAFKA_ERR_NONE;
fail:
    kr_client_destroy(c);
    return err;
}

krafka_err_t kr_client_start(struct kr_client *c, char *errstr,
                             size_t errstr_size)
{
    int rc = pthread_create(&c->thread, NULL, io_main, c);
    if (rc != 0) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "cannot start the I/O thread: %s",
                     strerror(rc));
        return KRAFKA_ERR_LOCAL_FAIL;
    }
    c->thread_started = true;
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_client_new(struct kr_client **out, const krafka_conf_t *conf,
                           const char *role, char *errstr,
                           size_t errstr_size)
{
    krafka_err_t err = kr_client_create(out, conf, role, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE)
        return err;
    err = kr_client_start(*out, errstr, errstr_size);
    if (err != KRAFKA_ERR_NONE) {
        kr_client_destroy(*out);
        *out = NULL;
    }
    return err;
}

void kr_client_stop(struct kr_client *c)
{
    if (!c->thread_started)
        return;
    atomic_store(&c->stop, true);
    kr_loop_wake(&c->loop);
    pthread_join(c->thread, NULL);
    c->thread_started = false;
}

void kr_client_destroy(struct kr_client *c)
{
    if (!c)
        return;
    kr_client_stop(c);
    /* The I/O thread is gone: this thread owns everything now. */
    struct kr_req *r;
    while ((r = kr_reqq_pop(&c->incoming)))
        kr_req_finish(c, r, KRAFKA_ERR_LOCAL_DESTROY,
                      "client is being destroyed", NULL);
    while ((r = kr_reqq_pop(&c->any))) {
        r->queue = NULL;
        kr_req_finish(c, r, KRAFKA_ERR_LOCAL_DESTROY,
                      "client is being destroyed", NULL);
    }
    if (c->conf)
        kr_md_destroy(c);
    brokers_destroy(c);
    /* Lookups still in getaddrinfo() are abandoned, not waited for: they
     * free themselves and never touch the loop afterwards. */
    kr_resolver_destroy(&c->resolver);
    kr_timer_stop(&c->loop, &c->kick_timer);
    kr_client_stats_stop(c);
    kr_loop_destroy(&c->loop);
    kr_tls_ctx_destroy(c->tls);
    krafka_conf_destroy(c->conf);
    kr_client_metrics_destroy(c);
    pthread_mutex_destroy(&c->q_lock);
    free(c);
}

/* ---- synchronous calls ---- */

struct kr_call *kr_call_new(size_t size)
{
    struct kr_call *call = calloc(1, size);
    if (!call)
        return NULL;
    pthread_mutex_init(&call->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&call->cond, &attr);
    pthread_condattr_destroy(&attr);
    atomic_init(&call->refs, 2);
    return call;
}

void kr_call_release(struct kr_call *call)
{
    if (atomic_fetch_sub(&call->refs, 1) != 1)
        return;
    if (call->cleanup)
        call->cleanup(call);
    pthread_mutex_destroy(&call->lock);
    pthread_cond_destroy(&call->cond);
    free(call);
}

static void call_done(struct kr_client *c, struct kr_req *r,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v)
{
    struct kr_call *call = (struct kr_call *)r;
    if (err == KRAFKA_ERR_NONE && call->on_resp)
        err = call->on_resp(call, c, resp, v);
    pthread_mutex_lock(&call->lock);
    call->err = err;
    if (err != KRAFKA_ERR_NONE && !call->errstr[0])
        snprintf(call->errstr, sizeof call->errstr, "%s",
                 errstr ? errstr : krafka_err2str(err));
    call->finished = true;
    pthread_cond_signal(&call->cond);
    pthread_mutex_unlock(&call->lock);
    kr_call_release(call);
}

/* Waits for the call until @until_us (INT64_MAX: forever). */
static bool call_wait(struct kr_call *call, int64_t until_us)
{
    pthread_mutex_lock(&call->lock);
    while (!call->finished) {
        if (until_us == INT64_MAX) {
            pthread_cond_wait(&call->cond, &call->lock);
            continue;
        }
        struct timespec ts = {.tv_sec = (time_t)(until_us / 1000000),
                              .tv_nsec = (long)(until_us % 1000000) * 1000};
        if (pthread_cond_timedwait(&call->cond, &call->lock, &ts) ==
            ETIMEDOUT)
            break;
    }
    bool finished = call->finished;
    pthread_mutex_unlock(&call->lock);
    return finished;
}

krafka_err_t kr_call_run(struct kr_client *c, struct kr_call *call,
                         int timeout_ms, char *errstr, size_t errstr_size)
{
    int64_t start = kr_now_us();
    int64_t until = timeout_ms < 0 ? INT64_MAX
                                   : start + (int64_t)timeout_ms * 1000;
    /* The I/O thread gives up slightly first, so its message (which names
     * the last connection error) is the one the caller sees. */
    int64_t margin = timeout_ms < 0 ? 0 : (int64_t)timeout_ms * 1000 / 20;
    if (margin > 20000)
        margin = 20000;
    call->req.deadline_us = until == INT64_MAX ? INT64_MAX : until - margin;
    call->req.done = call_done;
    kr_client_submit(c, &call->req);
    krafka_err_t err;
    if (call_wait(call, until)) {
        err = call->err;
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "%s", call->errstr);
    } else {
        err = KRAFKA_ERR_LOCAL_TIMED_OUT;
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size, "%s request timed out after %d ms",
                     call->req.api->name, timeout_ms);
    }
    return err;
}

/* ---- operations from application threads ---- */

struct want_op {
    struct kr_req req; /* api NULL: an operation, not a request */
    char topic[];
};

static void want_done(struct kr_client *c, struct kr_req *r,
                      krafka_err_t err, const char *errstr, const void *resp,
                      int16_t v)
{
    (void)errstr;
    (void)resp;
    (void)v;
    struct want_op *op = (struct want_op *)r;
    if (err == KRAFKA_ERR_NONE && !kr_md_want(c, op->topic)) {
        kr_md_want_later(c, r); /* no memory: again soon */
        return;
    }
    free(op);
}

static void want_all_done(struct kr_client *c, struct kr_req *r,
                          krafka_err_t err, const char *errstr,
                          const void *resp, int16_t v)
{
    (void)err;
    (void)errstr;
    (void)resp;
    (void)v;
    c->md.last_refresh_us = 0;
    kr_md_refresh(c, "all topics wanted");
    free(r);
}

void kr_client_want_all_topics(struct kr_client *c)
{
    atomic_store(&c->md.want_all, true);
    struct kr_req *r = calloc(1, sizeof *r);
    if (!r)
        return;
    r->done = want_all_done;
    r->deadline_us = INT64_MAX;
    kr_client_submit(c, r);
}

krafka_err_t kr_client_want_topic(struct kr_client *c, const char *topic)
{
    size_t n = strlen(topic);
    struct want_op *op = calloc(1, sizeof *op + n + 1);
    if (!op)
        return KRAFKA_ERR_LOCAL_NOMEM;
    memcpy(op->topic, topic, n + 1);
    op->req.done = want_done;
    op->req.deadline_us = INT64_MAX;
    kr_client_submit(c, &op->req);
    return KRAFKA_ERR_NONE;
}
