/*
 * Broker connections against an in-process fake broker: a thread with a
 * listening socket on 127.0.0.1 (ephemeral port) that reads request frames,
 * decodes them with kr_request_read() and answers as the test's script
 * says: normally (ApiVersions listing kr_apis[], Metadata naming itself as
 * node 1 at its own address), late, never, or with hostile bytes.
 *
 * Tests drive the client through the admin API or kr_client/kr_call,
 * capture its log lines with a log callback and read what the fake saw:
 * connections, EOFs, requests per API and requests left unanswered. Every
 * wait is bounded by a timeout; every test stops and joins its fake.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "krafka/admin.h"
#include "protocol/apis.h"
#include "util/time.h"

/* ---- captured log lines ---- */

#define LOG_MAX 4096
#define LOG_LINE 600

struct logcap {
    pthread_mutex_t lock;
    int cnt;
    int level[LOG_MAX];
    char line[LOG_MAX][LOG_LINE]; /* "FACILITY message" */
};

static struct logcap logs; /* reset in each test's (forked) process */

static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    struct logcap *lc = opaque;
    pthread_mutex_lock(&lc->lock);
    if (lc->cnt < LOG_MAX) {
        lc->level[lc->cnt] = level;
        snprintf(lc->line[lc->cnt], LOG_LINE, "%s %s", fac, msg);
        lc->cnt++;
    }
    pthread_mutex_unlock(&lc->lock);
    if (getenv("TEST_CONN_VERBOSE"))
        fprintf(stderr, "log %d %s %s\n", level, fac, msg);
}

/* The first line at @max_level or more severe containing @s, copied to
 * @out; false when there is none. */
static bool log_find(int max_level, const char *s, char *out, size_t n)
{
    bool found = false;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt && !found; i++) {
        if (logs.level[i] > max_level || !strstr(logs.line[i], s))
            continue;
        if (out)
            snprintf(out, n, "%s", logs.line[i]);
        found = true;
    }
    pthread_mutex_unlock(&logs.lock);
    return found;
}

static int log_count(int max_level, const char *s)
{
    int n = 0;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt; i++)
        n += logs.level[i] <= max_level && strstr(logs.line[i], s) != NULL;
    pthread_mutex_unlock(&logs.lock);
    return n;
}

/* log_find() until the line shows up; false after @timeout_ms. */
static bool log_wait(int max_level, const char *s, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 5) {
        if (log_find(max_level, s, NULL, 0))
            return true;
        usleep(5000);
    }
    return log_find(max_level, s, NULL, 0);
}

static void logs_setup(void)
{
    memset(&logs, 0, sizeof logs);
    pthread_mutex_init(&logs.lock, NULL);
}

static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int64_t now_ms(void)
{
    return kr_now_us() / 1000;
}

/* ---- the fake broker ---- */

#define FAKE_CONNS 16
#define FAKE_RBUF (256 * 1024)
#define FAKE_PENDING 64
#define FAKE_KEYS 64
#define FAKE_TIMES 64

struct pending {
    int64_t due_us;
    uint8_t *data; /* owned */
    size_t len;
};

struct fake_conn {
    int fd;        /* -1: free slot */
    int no;        /* 1 for the first accepted connection */
    uint8_t *rbuf; /* owned: bytes not yet parsed */
    size_t rlen;
    int unanswered;                 /* guarded by fake.lock */
    struct pending pend[FAKE_PENDING]; /* delayed answers, in order */
    int pend_cnt;
};

struct fake;

/* A decoded request; everything is valid during the script call only. */
struct fake_req {
    struct fake_conn *conn;
    struct kr_RequestHeader hdr;
    const struct kr_api *api;
    void *msg; /* struct kr_<Api>Request */
    int nth;   /* requests of this API so far, this one included */
};

enum fake_act {
    FAKE_ANSWER, /* answer normally (ApiVersions, Metadata; others never) */
    FAKE_DONE,   /* the script answered (or chose not to) */
    FAKE_CLOSE,  /* close the connection */
};

typedef enum fake_act (*fake_script)(struct fake *f, struct fake_req *rq);

struct fake {
    int lfd;
    int port;
    int stop_pipe[2];
    pthread_t thread;
    fake_script script; /* NULL: answer everything normally */
    const void *arg;    /* borrowed: the script's parameters */
    int delay_ms;       /* answers go out this late */
    struct fake_conn conns[FAKE_CONNS];
    struct kr_arena arena; /* the request being handled */

    /* What the fake saw; guarded by lock, broadcast on cond. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int accepts;
    int eofs;   /* connections the client closed */
    int closes; /* connections the fake closed */
    int bad;    /* requests that did not decode, answers not encodable */
    int reqs[FAKE_KEYS];
    int max_unanswered; /* on one connection */
    int av_cnt;
    int16_t av_versions[FAKE_TIMES]; /* ApiVersions versions, in order */
    int64_t accept_ms[FAKE_TIMES];
};

static void fake_note(struct fake *f, int *counter)
{
    pthread_mutex_lock(&f->lock);
    (*counter)++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Waits until *@counter >= @at_least; false after @timeout_ms. */
static bool fake_wait(struct fake *f, const int *counter, int at_least,
                      int timeout_ms)
{
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    struct timespec ts = {.tv_sec = (time_t)(until / 1000000),
                          .tv_nsec = (long)(until % 1000000) * 1000};
    pthread_mutex_lock(&f->lock);
    int rc = 0;
    while (*counter < at_least && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&f->cond, &f->lock, &ts);
    bool ok = *counter >= at_least;
    pthread_mutex_unlock(&f->lock);
    return ok;
}

static int fake_get(struct fake *f, const int *counter)
{
    pthread_mutex_lock(&f->lock);
    int v = *counter;
    pthread_mutex_unlock(&f->lock);
    return v;
}

static void fake_close(struct fake *f, struct fake_conn *fc, bool by_client)
{
    close(fc->fd);
    fc->fd = -1;
    free(fc->rbuf);
    fc->rbuf = NULL;
    fc->rlen = 0;
    for (int i = 0; i < fc->pend_cnt; i++)
        free(fc->pend[i].data);
    fc->pend_cnt = 0;
    pthread_mutex_lock(&f->lock);
    fc->unanswered = 0;
    (*(by_client ? &f->eofs : &f->closes))++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Writes all of @p (blocking); errors are ignored: the client may have
 * closed the connection already, which the reader side notices. */
static void fake_write(struct fake_conn *fc, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fc->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void fake_answered(struct fake *f, struct fake_conn *fc)
{
    pthread_mutex_lock(&f->lock);
    if (fc->unanswered > 0)
        fc->unanswered--;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Sends the answer to @rq now, or queues it for delay_ms later. */
static void fake_send(struct fake *f, struct fake_req *rq, const void *p,
                      size_t len)
{
    struct fake_conn *fc = rq->conn;
    if (f->delay_ms <= 0 || fc->pend_cnt == FAKE_PENDING) {
        fake_write(fc, p, len);
        fake_answered(f, fc);
        return;
    }
    struct pending *pd = &fc->pend[fc->pend_cnt];
    pd->data = malloc(len);
    if (!pd->data)
        return;
    memcpy(pd->data, p, len);
    pd->len = len;
    pd->due_us = kr_now_us() + (int64_t)f->delay_ms * 1000;
    fc->pend_cnt++;
}

static void fake_send_due(struct fake *f)
{
    int64_t now = kr_now_us();
    for (int i = 0; i < FAKE_CONNS; i++) {
        struct fake_conn *fc = &f->conns[i];
        int done = 0;
        while (done < fc->pend_cnt && fc->pend[done].due_us <= now) {
            fake_write(fc, fc->pend[done].data, fc->pend[done].len);
            free(fc->pend[done].data);
            fake_answered(f, fc);
            done++;
        }
        fc->pend_cnt -= done;
        memmove(fc->pend, fc->pend + done, (size_t)fc->pend_cnt *
                                               sizeof fc->pend[0]);
    }
}

/* Encodes @resp as the answer to @rq at version @v, with @corr. */
static void fake_reply_corr(struct fake *f, struct fake_req *rq, int16_t v,
                            int32_t corr, const void *resp)
{
    struct kr_buf out;
    kr_buf_init(&out, 1 << 20);
    if (kr_response_write(&out, rq->api, v, corr, resp) != KRAFKA_ERR_NONE)
        fake_note(f, &f->bad);
    else
        fake_send(f, rq, out.data, out.len);
    kr_buf_free(&out);
}

static void fake_reply(struct fake *f, struct fake_req *rq, int16_t v,
                       const void *resp)
{
    fake_reply_corr(f, rq, v, rq->hdr.CorrelationId, resp);
}

/* The normal ApiVersions answer: every API of kr_apis[] at our range. */
static void answer_apiversions(struct fake *f, struct fake_req *rq)
{
    struct kr_ApiVersion keys[FAKE_KEYS];
    int32_t n = 0;
    for (size_t i = 0; i < kr_apis_cnt && n < FAKE_KEYS; i++)
        keys[n++] = (struct kr_ApiVersion){kr_apis[i]->key,
                                           kr_apis[i]->min_ver,
                                           kr_apis[i]->max_ver};
    struct kr_ApiVersionsResponse res = {.ApiKeysCnt = n, .ApiKeys = keys,
                                         .FinalizedFeaturesEpoch = -1};
    fake_reply(f, rq, rq->hdr.RequestApiVersion, &res);
}

static int32_t node_one[] = {1};

static struct kr_MetadataResponsePartition one_partition = {
    .PartitionIndex = 0, .LeaderId = 1, .LeaderEpoch = 0,
    .ReplicaNodesCnt = 1, .ReplicaNodes = node_one,
    .IsrNodesCnt = 1, .IsrNodes = node_one};

static struct kr_MetadataResponseTopic topic_answer(struct kr_str name)
{
    return (struct kr_MetadataResponseTopic){
        .Name = name, .PartitionsCnt = 1, .Partitions = &one_partition,
        .TopicAuthorizedOperations = INT32_MIN};
}

/* The normal Metadata answer: this fake is node 1 and the controller;
 * each asked topic (or "fake-topic" for all) has one partition. */
static void answer_metadata_corr(struct fake *f, struct fake_req *rq,
                                 int32_t corr)
{
    const struct kr_MetadataRequest *req = rq->msg;
    struct kr_MetadataResponseTopic topics[8];
    int32_t n = 0;
    if (req->TopicsCnt < 0)
        topics[n++] = topic_answer(kr_str_c("fake-topic"));
    for (int32_t i = 0; i < req->TopicsCnt && n < 8; i++)
        topics[n++] = topic_answer(req->Topics[i].Name);
    struct kr_MetadataResponseBroker b = {
        .NodeId = 1, .Host = kr_str_c("127.0.0.1"), .Port = f->port,
        .Rack = {NULL, -1}};
    struct kr_MetadataResponse res = {
        .BrokersCnt = 1, .Brokers = &b, .ClusterId = kr_str_c("fake-cluster"),
        .ControllerId = 1, .TopicsCnt = n, .Topics = topics,
        .ClusterAuthorizedOperations = INT32_MIN};
    fake_reply_corr(f, rq, rq->hdr.RequestApiVersion, corr, &res);
}

static void answer_metadata(struct fake *f, struct fake_req *rq)
{
    answer_metadata_corr(f, rq, rq->hdr.CorrelationId);
}

static void fake_answer(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key == KR_API_ApiVersions)
        answer_apiversions(f, rq);
    else if (rq->api->key == KR_API_Metadata)
        answer_metadata(f, rq);
}

static void fake_count_request(struct fake *f, struct fake_req *rq)
{
    pthread_mutex_lock(&f->lock);
    if (rq->api->key < FAKE_KEYS)
        rq->nth = ++f->reqs[rq->api->key];
    if (++rq->conn->unanswered > f->max_unanswered)
        f->max_unanswered = rq->conn->unanswered;
    if (rq->api->key == KR_API_ApiVersions && f->av_cnt < FAKE_TIMES)
        f->av_versions[f->av_cnt++] = rq->hdr.RequestApiVersion;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

static void fake_request(struct fake *f, struct fake_conn *fc,
                         const uint8_t *p, size_t len)
{
    struct fake_req rq = {.conn = fc};
    kr_arena_reset(&f->arena);
    if (kr_request_read(p, len, &f->arena, &rq.hdr, &rq.api, &rq.msg) !=
        KRAFKA_ERR_NONE) {
        fake_note(f, &f->bad);
        fake_close(f, fc, false);
        return;
    }
    fake_count_request(f, &rq);
    enum fake_act act = f->script ? f->script(f, &rq) : FAKE_ANSWER;
    if (act == FAKE_ANSWER)
        fake_answer(f, &rq);
    else if (act == FAKE_CLOSE)
        fake_close(f, fc, false);
}

/* Handles every whole request frame in the connection's buffer. */
static void fake_parse(struct fake *f, struct fake_conn *fc)
{
    size_t off = 0;
    while (fc->fd >= 0 && fc->rlen - off >= 4) {
        uint32_t size = kr_load_be32(fc->rbuf + off);
        if (size > FAKE_RBUF - 4) {
            fake_note(f, &f->bad);
            fake_close(f, fc, false);
            return;
        }
        if (fc->rlen - off - 4 < size)
            break;
        fake_request(f, fc, fc->rbuf + off + 4, size);
        off += 4 + size;
    }
    if (fc->fd < 0)
        return;
    memmove(fc->rbuf, fc->rbuf + off, fc->rlen - off);
    fc->rlen -= off;
}

static void fake_read(struct fake *f, struct fake_conn *fc)
{
    ssize_t n = recv(fc->fd, fc->rbuf + fc->rlen, FAKE_RBUF - fc->rlen,
                     MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        fake_close(f, fc, true);
        return;
    }
    fc->rlen += (size_t)n;
    fake_parse(f, fc);
}

static void fake_accept(struct fake *f)
{
    int fd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct fake_conn *fc = NULL;
    for (int i = 0; i < FAKE_CONNS && !fc; i++)
        if (f->conns[i].fd < 0)
            fc = &f->conns[i];
    if (!fc || !(fc->rbuf = malloc(FAKE_RBUF))) {
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fc->fd = fd;
    fc->rlen = 0;
    pthread_mutex_lock(&f->lock);
    if (f->accepts < FAKE_TIMES)
        f->accept_ms[f->accepts] = now_ms();
    fc->no = ++f->accepts;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Poll timeout: until the next delayed answer, or none. */
static int fake_wait_ms(const struct fake *f)
{
    int64_t due = INT64_MAX;
    for (int i = 0; i < FAKE_CONNS; i++)
        if (f->conns[i].pend_cnt > 0 && f->conns[i].pend[0].due_us < due)
            due = f->conns[i].pend[0].due_us;
    if (due == INT64_MAX)
        return -1;
    int64_t ms = (due - kr_now_us() + 999) / 1000;
    return ms < 0 ? 0 : (int)ms;
}

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    for (;;) {
        struct pollfd pfd[2 + FAKE_CONNS];
        struct fake_conn *pc[2 + FAKE_CONNS];
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = f->stop_pipe[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = f->lfd, .events = POLLIN};
        for (int i = 0; i < FAKE_CONNS; i++)
            if (f->conns[i].fd >= 0) {
                pc[n] = &f->conns[i];
                pfd[n++] = (struct pollfd){.fd = f->conns[i].fd,
                                           .events = POLLIN};
            }
        if (poll(pfd, (nfds_t)n, fake_wait_ms(f)) < 0 && errno != EINTR)
            break;
        if (pfd[0].revents)
            break;
        for (int i = 2; i < n; i++)
            if (pfd[i].revents && pc[i]->fd == pfd[i].fd)
                fake_read(f, pc[i]);
        if (pfd[1].revents & POLLIN)
            fake_accept(f);
        fake_send_due(f);
    }
    return NULL;
}

/* A socket bound to an ephemeral port of 127.0.0.1; listening if asked. */
static int loopback_socket(int *port, bool listening)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    if (listening)
        ck_assert_int_eq(listen(fd, 64), 0);
    socklen_t len = sizeof sa;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void fake_start(struct fake *f, fake_script script, const void *arg)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < FAKE_CONNS; i++)
        f->conns[i].fd = -1;
    f->script = script;
    f->arg = arg;
    kr_arena_init(&f->arena, KR_ARENA_MAX_DEFAULT);
    pthread_mutex_init(&f->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&f->cond, &ca);
    pthread_condattr_destroy(&ca);
    f->lfd = loopback_socket(&f->port, true);
    ck_assert_int_eq(pipe2(f->stop_pipe, O_CLOEXEC), 0);
    ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

/* Stops and joins the fake; its counters stay readable. */
static void fake_stop(struct fake *f)
{
    ck_assert_int_eq(write(f->stop_pipe[1], "x", 1), 1);
    pthread_join(f->thread, NULL);
    for (int i = 0; i < FAKE_CONNS; i++)
        if (f->conns[i].fd >= 0) {
            close(f->conns[i].fd);
            free(f->conns[i].rbuf);
            for (int j = 0; j < f->conns[i].pend_cnt; j++)
                free(f->conns[i].pend[j].data);
        }
    close(f->lfd);
    close(f->stop_pipe[0]);
    close(f->stop_pipe[1]);
    kr_arena_destroy(&f->arena);
    ck_assert_int_eq(f->bad, 0);
}

/* ---- client helpers ---- */

/* A configuration for bootstrap 127.0.0.1:@port, the log captured, and
 * @props: name, value, ..., NULL. */
static krafka_conf_t *conf_new(int port, const char *const *props)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    char errstr[512], boot[64];
    snprintf(boot, sizeof boot, "127.0.0.1:%d", port);
    ck_assert_int_eq(krafka_conf_set(conf, "bootstrap.servers", boot, errstr,
                                     sizeof errstr),
                     KRAFKA_ERR_NONE);
    for (; props && props[0]; props += 2)
        ck_assert_msg(krafka_conf_set(conf, props[0], props[1], errstr,
                                      sizeof errstr) == KRAFKA_ERR_NONE,
                      "%s", errstr);
    krafka_conf_set_log_cb(conf, log_cb);
    krafka_conf_set_opaque(conf, &logs);
    return conf;
}

static krafka_admin_t *admin_new(int port, const char *const *props)
{
    krafka_conf_t *conf = conf_new(port, props);
    krafka_admin_t *a = NULL;
    char errstr[512];
    ck_assert_msg(krafka_admin_new(&a, conf, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    return a;
}

/* krafka_admin_metadata() for all topics; the error, its message in
 * @errstr and the time it took in *@elapsed_ms. */
static krafka_err_t metadata_call(krafka_admin_t *a, int timeout_ms,
                                  char *errstr, size_t n,
                                  int64_t *elapsed_ms)
{
    krafka_metadata_t *md = NULL;
    int64_t t0 = now_ms();
    krafka_err_t err = krafka_admin_metadata(a, NULL, timeout_ms, &md,
                                             errstr, n);
    if (elapsed_ms)
        *elapsed_ms = now_ms() - t0;
    if (err == KRAFKA_ERR_NONE) {
        ck_assert_ptr_nonnull(md);
        ck_assert_int_eq(md->broker_cnt, 1);
        krafka_metadata_destroy(md);
    } else {
        ck_assert_ptr_null(md);
    }
    return err;
}

static void metadata_ok(krafka_admin_t *a, int timeout_ms)
{
    char errstr[512];
    krafka_err_t err = metadata_call(a, timeout_ms, errstr, sizeof errstr,
                                     NULL);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "metadata: %s: %s",
                  krafka_err2name(err), errstr);
}

/* ---- tests ---- */

START_TEST(metadata_round_trip_through_fake_broker)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    krafka_admin_t *a = admin_new(f.port, NULL);
    krafka_metadata_t *md = NULL;
    char errstr[512];
    ck_assert_msg(krafka_admin_metadata(a, "orders", 5000, &md, errstr,
                                        sizeof errstr) == KRAFKA_ERR_NONE,
                  "%s", errstr);
    ck_assert_int_eq(md->broker_cnt, 1);
    ck_assert_int_eq(md->brokers[0].id, 1);
    ck_assert_str_eq(md->brokers[0].host, "127.0.0.1");
    ck_assert_int_eq(md->brokers[0].port, f.port);
    ck_assert_ptr_null(md->brokers[0].rack);
    ck_assert_str_eq(md->cluster_id, "fake-cluster");
    ck_assert_int_eq(md->controller_id, 1);
    ck_assert_int_eq(md->topic_cnt, 1);
    ck_assert_str_eq(md->topics[0].topic, "orders");
    ck_assert_int_eq(md->topics[0].partition_cnt, 1);
    ck_assert_int_eq(md->topics[0].partitions[0].leader, 1);
    krafka_metadata_destroy(md);
    /* The cache learnt the topic too. */
    ck_assert_int_eq(kr_md_partition_cnt(kr_admin_client(a), "orders"), 1);
    krafka_admin_destroy(a);
    fake_stop(&f);
    ck_assert_int_eq(f.accepts, 1);
    ck_assert_int_eq(f.av_cnt, 1);
    ck_assert_int_eq(f.av_versions[0], kr_api_ApiVersions.max_ver);
    ck_assert_int_ge(f.reqs[KR_API_Metadata], 1);
    ck_assert_int_eq(f.closes, 0);
    ck_assert_msg(!log_find(KRAFKA_LOG_WARNING, "", errstr, sizeof errstr),
                  "unexpected warning: %s", errstr);
}
END_TEST

/* Metadata on the first connection gets a frame whose body is cut short
 * (a correlation id and two bytes); later connections are answered. */
static enum fake_act truncated_metadata(struct fake *f, struct fake_req *rq)
{
    (void)f;
    if (rq->api->key != KR_API_Metadata || rq->conn->no > 1)
        return FAKE_ANSWER;
    uint8_t frame[10];
    store_be32(frame, 6);
    store_be32(frame + 4, (uint32_t)rq->hdr.CorrelationId);
    frame[8] = 0xff;
    frame[9] = 0xff;
    fake_send(f, rq, frame, sizeof frame);
    return FAKE_DONE;
}

START_TEST(malformed_response_closes_connection_and_logs_why)
{
    struct fake f;
    fake_start(&f, truncated_metadata, NULL);
    krafka_admin_t *a = admin_new(f.port, NULL);
    /* Metadata calls resend after a lost connection (retry_transport):
     * the second connection answers properly. */
    metadata_ok(a, 5000);
    char line[LOG_LINE];
    ck_assert(log_find(KRAFKA_LOG_WARNING, "malformed Metadata", line,
                       sizeof line));
    ck_assert_msg(strstr(line, "127.0.0.1"), "%s", line);
    ck_assert(fake_wait(&f, &f.eofs, 1, 2000));
    ck_assert_int_ge(fake_get(&f, &f.accepts), 2);
    krafka_admin_destroy(a);
    fake_stop(&f);
    ck_assert_int_eq(f.closes, 0);
}
END_TEST

/* Like truncated_metadata, but the Metadata request is never retried:
 * every connection gets garbage, so the call must end at its timeout. */
static enum fake_act always_garbage(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key != KR_API_Metadata)
        return FAKE_ANSWER;
    static const uint8_t junk[] = {0, 0, 0, 12, 0xde, 0xad, 0xbe, 0xef,
                                   1, 2, 3, 4, 5, 6, 7, 8};
    fake_send(f, rq, junk, sizeof junk);
    return FAKE_DONE;
}

START_TEST(malformed_responses_every_time_fail_the_call_at_its_timeout)
{
    struct fake f;
    fake_start(&f, always_garbage, NULL);
    const char *props[] = {"reconnect.backoff.ms", "20",
                           "reconnect.backoff.max.ms", "100", NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    char errstr[512];
    int64_t ms;
    krafka_err_t err = metadata_call(a, 1000, errstr, sizeof errstr, &ms);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_le(ms, 1100);
    ck_assert_int_ge(ms, 900);
    /* The message names what went wrong last, not just "timed out". */
    ck_assert_msg(strstr(errstr, "correlation id") ||
                      strstr(errstr, "malformed"),
                  "%s", errstr);
    ck_assert_int_ge(fake_get(&f, &f.accepts), 2);
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

/* The first Metadata answer carries another correlation id. */
static enum fake_act wrong_corr(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key != KR_API_Metadata || rq->nth > 1)
        return FAKE_ANSWER;
    answer_metadata_corr(f, rq, rq->hdr.CorrelationId + 1000);
    return FAKE_DONE;
}

START_TEST(unexpected_correlation_id_closes_connection)
{
    struct fake f;
    fake_start(&f, wrong_corr, NULL);
    krafka_admin_t *a = admin_new(f.port, NULL);
    metadata_ok(a, 5000);
    char line[LOG_LINE];
    ck_assert(log_find(KRAFKA_LOG_WARNING, "unexpected correlation id", line,
                       sizeof line));
    ck_assert(fake_wait(&f, &f.eofs, 1, 2000));
    ck_assert_int_ge(fake_get(&f, &f.accepts), 2);
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

/* Every Metadata request is answered twice: the second copy arrives when
 * nothing is in flight. */
static enum fake_act duplicate_answer(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key != KR_API_Metadata)
        return FAKE_ANSWER;
    answer_metadata(f, rq);
    answer_metadata(f, rq);
    return FAKE_DONE;
}

START_TEST(unsolicited_response_on_an_idle_connection_closes_it)
{
    struct fake f;
    fake_start(&f, duplicate_answer, NULL);
    krafka_admin_t *a = admin_new(f.port, NULL);
    metadata_ok(a, 5000);
    /* The connection is closed before the warning is logged. */
    ck_assert(fake_wait(&f, &f.eofs, 1, 2000));
    ck_assert(log_wait(KRAFKA_LOG_WARNING, "unexpected correlation id",
                       2000));
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

/* Frame sizes that connection k (1-based) answers Metadata with; the last
 * connection is answered properly. */
static const int32_t bad_sizes[] = {200000, INT32_MAX, -1, 3, 0};
#define BAD_SIZES 5

static enum fake_act bad_frame_size(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key != KR_API_Metadata || rq->conn->no > BAD_SIZES)
        return FAKE_ANSWER;
    /* The size field, then 1000 bytes: the client must not wait for the
     * rest of a frame it cannot accept. */
    static uint8_t frame[4 + 1000];
    memset(frame, 0x41, sizeof frame);
    store_be32(frame, (uint32_t)bad_sizes[rq->conn->no - 1]);
    fake_send(f, rq, frame, sizeof frame);
    return FAKE_DONE;
}

START_TEST(oversize_frame_closes_connection)
{
    struct fake f;
    fake_start(&f, bad_frame_size, NULL);
    const char *props[] = {"receive.message.max.bytes", "100000",
                           "reconnect.backoff.ms", "10",
                           "reconnect.backoff.max.ms", "50", NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    metadata_ok(a, 5000);
    for (int i = 0; i < BAD_SIZES; i++) {
        char want[64], line[LOG_LINE];
        snprintf(want, sizeof want, "response frame of %d bytes",
                 (int)bad_sizes[i]);
        ck_assert_msg(log_find(KRAFKA_LOG_WARNING, want, line, sizeof line),
                      "no warning with \"%s\"", want);
        ck_assert_msg(strstr(line, "receive.message.max.bytes"), "%s", line);
        ck_assert_msg(strstr(line, "100000"), "%s", line);
    }
    ck_assert(fake_wait(&f, &f.eofs, BAD_SIZES, 2000));
    ck_assert_int_eq(fake_get(&f, &f.accepts), BAD_SIZES + 1);
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

/* ApiVersions above v2 is refused the KIP-511 way: ErrorCode 35 in a v0
 * body whose ApiKeys holds the fake's own ApiVersions range, 0..@arg (or
 * no ApiVersions entry when @arg is negative). */
static enum fake_act old_apiversions(struct fake *f, struct fake_req *rq)
{
    const int *max = f->arg;
    if (rq->api->key != KR_API_ApiVersions ||
        rq->hdr.RequestApiVersion <= (*max < 0 ? 0 : *max))
        return FAKE_ANSWER;
    struct kr_ApiVersion keys[] = {{KR_API_Metadata, 0, 12},
                                   {KR_API_ApiVersions, 0, (int16_t)*max}};
    struct kr_ApiVersionsResponse res = {
        .ErrorCode = KRAFKA_ERR_UNSUPPORTED_VERSION, .ApiKeys = keys,
        .ApiKeysCnt = *max < 0 ? 1 : 2};
    fake_reply(f, rq, 0, &res);
    return FAKE_DONE;
}

static void apiversions_fallback(int fake_max, int16_t expect_retry)
{
    struct fake f;
    fake_start(&f, old_apiversions, &fake_max);
    const char *props[] = {"debug", "protocol", NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    metadata_ok(a, 5000);
    krafka_admin_destroy(a);
    fake_stop(&f);
    ck_assert_int_eq(f.accepts, 1);
    ck_assert_int_eq(f.av_cnt, 2);
    ck_assert_int_eq(f.av_versions[0], kr_api_ApiVersions.max_ver);
    ck_assert_int_eq(f.av_versions[1], expect_retry);
    char want[64];
    snprintf(want, sizeof want, "unsupported, retrying with v%d",
             expect_retry);
    ck_assert(log_find(KRAFKA_LOG_DEBUG, want, NULL, 0));
    ck_assert_int_eq(log_count(KRAFKA_LOG_WARNING, ""), 0);
}

START_TEST(apiversions_unsupported_version_falls_back)
{
    apiversions_fallback(2, 2);
}
END_TEST

START_TEST(apiversions_unsupported_version_without_a_range_falls_back_to_v0)
{
    apiversions_fallback(-1, 0);
}
END_TEST

/* Every ApiVersions version, v0 included, is refused. */
static enum fake_act no_apiversions(struct fake *f, struct fake_req *rq)
{
    if (rq->api->key != KR_API_ApiVersions)
        return FAKE_ANSWER;
    struct kr_ApiVersionsResponse res = {
        .ErrorCode = KRAFKA_ERR_UNSUPPORTED_VERSION};
    fake_reply(f, rq, 0, &res);
    return FAKE_DONE;
}

START_TEST(apiversions_refused_at_v0_fails_the_call_with_a_clear_error)
{
    struct fake f;
    fake_start(&f, no_apiversions, NULL);
    const char *props[] = {"reconnect.backoff.ms", "50", NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    char errstr[512];
    int64_t ms;
    krafka_err_t err = metadata_call(a, 800, errstr, sizeof errstr, &ms);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_le(ms, 900);
    ck_assert_msg(strstr(errstr, "refuses ApiVersions v0"), "%s", errstr);
    ck_assert(log_find(KRAFKA_LOG_WARNING, "refuses ApiVersions v0", NULL,
                       0));
    krafka_admin_destroy(a);
    fake_stop(&f);
    ck_assert_int_eq(f.reqs[KR_API_Metadata], 0);
    ck_assert_int_ge(f.av_cnt, 2);
    ck_assert_int_eq(f.av_versions[1], 0);
}
END_TEST

/* Metadata requests are never answered. */
static enum fake_act silent_metadata(struct fake *f, struct fake_req *rq)
{
    (void)f;
    return rq->api->key == KR_API_Metadata ? FAKE_DONE : FAKE_ANSWER;
}

START_TEST(request_timeout_closes_connection_and_fails_with_timed_out)
{
    struct fake f;
    fake_start(&f, silent_metadata, NULL);
    const char *props[] = {"request.timeout.ms", "500", NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    char errstr[512];
    int64_t ms;
    krafka_err_t err = metadata_call(a, 800, errstr, sizeof errstr, &ms);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_le(ms, 800 + 100);
    ck_assert_int_ge(ms, 700);
    ck_assert_msg(strstr(errstr, "timed out"), "%s", errstr);
    /* The request timed out in flight: the connection is closed (the
     * broker may still answer it) and a warning says why. */
    ck_assert(fake_wait(&f, &f.eofs, 1, 1000));
    ck_assert(log_find(KRAFKA_LOG_WARNING, "timed out", NULL, 0));
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

/* ---- reconnect backoff ---- */

/* Connections are accepted and closed at the first request. */
static enum fake_act close_at_once(struct fake *f, struct fake_req *rq)
{
    (void)f;
    (void)rq;
    return FAKE_CLOSE;
}

/* Checks the BACKOFF debug lines: failure k waits 50 * 2^(k-1) ms capped
 * at 800, each within the +-20% jitter. Returns how many there were. */
static int check_backoff_lines(void)
{
    int cnt = 0, capped = 0;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt; i++) {
        const char *p = strstr(logs.line[i], "retrying in ");
        int ms, failure;
        if (strncmp(logs.line[i], "BACKOFF ", 8) != 0 || !p ||
            sscanf(p, "retrying in %d ms (failure %d)", &ms, &failure) != 2)
            continue;
        cnt++;
        ck_assert_int_eq(failure, cnt);
        int base = failure >= 5 ? 800 : 50 << (failure - 1);
        ck_assert_msg(ms >= base * 4 / 5 && ms <= base * 6 / 5,
                      "failure %d: %d ms, expected %d +-20%%", failure, ms,
                      base);
        capped += base == 800;
    }
    pthread_mutex_unlock(&logs.lock);
    ck_assert_int_ge(capped, 1);
    return cnt;
}

static void backoff_grows(int port, struct fake *f)
{
    const char *props[] = {"debug", "broker", "reconnect.backoff.ms", "50",
                           "reconnect.backoff.max.ms", "800", NULL};
    krafka_admin_t *a = admin_new(port, props);
    char errstr[512];
    int64_t ms;
    krafka_err_t err = metadata_call(a, 3000, errstr, sizeof errstr, &ms);
    ck_assert_int_eq(err, KRAFKA_ERR_LOCAL_TIMED_OUT);
    ck_assert_int_le(ms, 3100);
    ck_assert_msg(strstr(errstr, "last error"), "%s", errstr);
    krafka_admin_destroy(a);
    /* 50+100+200+400+800 ms of waits fit in 3 s, then 800 ms again. */
    int lines = check_backoff_lines();
    ck_assert_int_ge(lines, 5);
    ck_assert_int_le(lines, 8);
    /* Only the first failure of a run is a warning. */
    ck_assert_int_eq(log_count(KRAFKA_LOG_WARNING, "FAIL "), 1);
    if (!f)
        return;
    /* The attempts really were that far apart. */
    for (int k = 1; k < f->accepts && k < 5; k++)
        ck_assert_int_ge(f->accept_ms[k] - f->accept_ms[k - 1],
                         (50 << (k - 1)) * 4 / 5 - 5);
}

START_TEST(reconnect_backoff_grows_between_attempts)
{
    struct fake f;
    fake_start(&f, close_at_once, NULL);
    backoff_grows(f.port, &f);
    fake_stop(&f);
    ck_assert_int_ge(f.accepts, 5);
}
END_TEST

START_TEST(reconnect_backoff_grows_when_nothing_listens)
{
    /* Bound but not listening: connecting is refused at once. */
    int port;
    int fd = loopback_socket(&port, false);
    backoff_grows(port, NULL);
    ck_assert(log_find(KRAFKA_LOG_WARNING, "refused", NULL, 0));
    close(fd);
}
END_TEST

/* The backoffs of the first three failures of a client in a child
 * process, written to @fd as three ints. */
static void backoffs_in_child(int port, int fd)
{
    const char *props[] = {"debug", "broker", "reconnect.backoff.ms", "50",
                           "reconnect.backoff.max.ms", "800", NULL};
    krafka_admin_t *a = admin_new(port, props);
    char errstr[512];
    metadata_call(a, 400, errstr, sizeof errstr, NULL);
    krafka_admin_destroy(a);
    int ms[3] = {0};
    int n = 0;
    for (int i = 0; i < logs.cnt && n < 3; i++) {
        const char *p = strstr(logs.line[i], "retrying in ");
        if (p && sscanf(p, "retrying in %d ms", &ms[n]) == 1)
            n++;
    }
    ssize_t w = write(fd, ms, sizeof ms);
    _exit(w == (ssize_t)sizeof ms && n == 3 ? 0 : 1);
}

START_TEST(reconnect_jitter_differs_between_processes)
{
    /* Clients started together must not reconnect in lockstep: the
     * jitter may not be the same sequence in every process. */
    int port;
    int fd = loopback_socket(&port, false);
    int ms[2][3];
    for (int k = 0; k < 2; k++) {
        int pfd[2];
        ck_assert_int_eq(pipe(pfd), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0)
            backoffs_in_child(port, pfd[1]);
        int status = -1;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        ck_assert_int_eq(read(pfd[0], ms[k], sizeof ms[k]),
                         (ssize_t)sizeof ms[k]);
        close(pfd[0]);
        close(pfd[1]);
    }
    close(fd);
    ck_assert_msg(memcmp(ms[0], ms[1], sizeof ms[0]) != 0,
                  "both processes waited %d, %d, %d ms", ms[0][0], ms[0][1],
                  ms[0][2]);
}
END_TEST

/* ---- pipelining ---- */

#define PIPE_THREADS 6

struct caller {
    krafka_admin_t *a;
    pthread_barrier_t *start;
    krafka_err_t err;
    char errstr[512];
};

static void *caller_main(void *arg)
{
    struct caller *cl = arg;
    pthread_barrier_wait(cl->start);
    krafka_metadata_t *md = NULL;
    cl->err = krafka_admin_metadata(cl->a, NULL, 10000, &md, cl->errstr,
                                    sizeof cl->errstr);
    krafka_metadata_destroy(md);
    return NULL;
}

START_TEST(pipelining_respects_max_in_flight)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    f.delay_ms = 100; /* set before any connection: read by the fake only */
    const char *props[] = {"max.in.flight.requests.per.connection", "2",
                           NULL};
    krafka_admin_t *a = admin_new(f.port, props);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, PIPE_THREADS);
    struct caller cl[PIPE_THREADS];
    pthread_t th[PIPE_THREADS];
    for (int i = 0; i < PIPE_THREADS; i++) {
        cl[i] = (struct caller){.a = a, .start = &start};
        ck_assert_int_eq(pthread_create(&th[i], NULL, caller_main, &cl[i]),
                         0);
    }
    for (int i = 0; i < PIPE_THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_msg(cl[i].err == KRAFKA_ERR_NONE, "caller %d: %s", i,
                      cl[i].errstr);
    }
    pthread_barrier_destroy(&start);
    krafka_admin_destroy(a);
    fake_stop(&f);
    /* Requests were pipelined, but never more than two at a time. */
    ck_assert_int_eq(f.max_unanswered, 2);
    ck_assert_int_ge(f.reqs[KR_API_Metadata], PIPE_THREADS);
}
END_TEST

/* ---- destroying with calls outstanding ---- */

struct raw_call {
    struct kr_client *c;
    int64_t returned_ms;
    krafka_err_t err;
    char errstr[512];
};

/* A Metadata kr_call with a 10 s timeout, on its own thread. */
static void *raw_call_main(void *arg)
{
    static struct kr_MetadataRequest msg = {.TopicsCnt = -1};
    struct raw_call *rc = arg;
    struct kr_call *call = kr_call_new(sizeof *call);
    ck_assert_ptr_nonnull(call);
    call->req = (struct kr_req){.api = &kr_api_Metadata, .msg = &msg,
                                .min_ver = 1, .broker_id = KR_BROKER_ANY};
    rc->err = kr_call_run(rc->c, call, 10000, rc->errstr, sizeof rc->errstr);
    rc->returned_ms = now_ms();
    kr_call_release(call);
    return NULL;
}

/* Destroys a client at @port once *@seen reaches 1 (or after 300 ms when
 * @seen is NULL) while a call waits; the call ends with LOCAL_DESTROY. */
static void destroy_under_call(struct fake *f, int port, const int *seen)
{
    krafka_conf_t *conf = conf_new(port, NULL);
    struct raw_call rc = {0};
    char errstr[512];
    ck_assert_int_eq(kr_client_new(&rc.c, conf, "admin", errstr,
                                   sizeof errstr),
                     KRAFKA_ERR_NONE);
    krafka_conf_destroy(conf);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, raw_call_main, &rc), 0);
    if (seen)
        ck_assert(fake_wait(f, seen, 1, 5000));
    else
        usleep(300 * 1000);
    int64_t t0 = now_ms();
    kr_client_destroy(rc.c);
    pthread_join(th, NULL);
    ck_assert_int_eq(rc.err, KRAFKA_ERR_LOCAL_DESTROY);
    ck_assert_int_le(rc.returned_ms - t0, 1000);
    ck_assert_msg(strstr(rc.errstr, "destroyed"), "%s", rc.errstr);
}

START_TEST(destroy_with_requests_in_flight_completes_them)
{
    struct fake f;
    fake_start(&f, silent_metadata, NULL);
    destroy_under_call(&f, f.port, &f.reqs[KR_API_Metadata]);
    ck_assert(fake_wait(&f, &f.eofs, 1, 2000));
    fake_stop(&f);
}
END_TEST

START_TEST(destroy_while_a_call_waits_for_a_connection_completes_it)
{
    int port;
    int fd = loopback_socket(&port, false);
    destroy_under_call(NULL, port, NULL);
    close(fd);
}
END_TEST

/* ---- idle ---- */

static int64_t cpu_us(clockid_t clk)
{
    struct timespec ts;
    ck_assert_int_eq(clock_gettime(clk, &ts), 0);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

START_TEST(idle_client_does_not_spin)
{
    struct fake f;
    fake_start(&f, NULL, NULL);
    krafka_admin_t *a = admin_new(f.port, NULL);
    metadata_ok(a, 5000);
    clockid_t io_clk;
    ck_assert_int_eq(
        pthread_getcpuclockid(kr_admin_client(a)->thread, &io_clk), 0);
    int64_t proc0 = cpu_us(CLOCK_PROCESS_CPUTIME_ID), io0 = cpu_us(io_clk);
    usleep(1000 * 1000);
    int64_t proc = cpu_us(CLOCK_PROCESS_CPUTIME_ID) - proc0;
    int64_t io = cpu_us(io_clk) - io0;
    ck_assert_msg(proc < 50000, "process used %lld us of CPU in 1 s idle",
                  (long long)proc);
    ck_assert_msg(io < 10000, "I/O thread used %lld us of CPU in 1 s idle",
                  (long long)io);
    krafka_admin_destroy(a);
    fake_stop(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conn");
    TCase *tc = tcase_create("conn");
    signal(SIGPIPE, SIG_IGN);
    tcase_add_checked_fixture(tc, logs_setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, metadata_round_trip_through_fake_broker);
    tcase_add_test(tc, malformed_response_closes_connection_and_logs_why);
    tcase_add_test(tc,
                   malformed_responses_every_time_fail_the_call_at_its_timeout);
    tcase_add_test(tc, unexpected_correlation_id_closes_connection);
    tcase_add_test(tc, unsolicited_response_on_an_idle_connection_closes_it);
    tcase_add_test(tc, oversize_frame_closes_connection);
    tcase_add_test(tc, apiversions_unsupported_version_falls_back);
    tcase_add_test(
        tc, apiversions_unsupported_version_without_a_range_falls_back_to_v0);
    tcase_add_test(tc,
                   apiversions_refused_at_v0_fails_the_call_with_a_clear_error);
    tcase_add_test(tc,
                   request_timeout_closes_connection_and_fails_with_timed_out);
    tcase_add_test(tc, reconnect_backoff_grows_between_attempts);
    tcase_add_test(tc, reconnect_backoff_grows_when_nothing_listens);
    tcase_add_test(tc, reconnect_jitter_differs_between_processes);
    tcase_add_test(tc, pipelining_respects_max_in_flight);
    tcase_add_test(tc, destroy_with_requests_in_flight_completes_them);
    tcase_add_test(tc,
                   destroy_while_a_call_waits_for_a_connection_completes_it);
    tcase_add_test(tc, idle_client_does_not_spin);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
