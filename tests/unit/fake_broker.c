/* The fake broker and log capture of tests/unit/fake_broker.h. */
#include "fake_broker.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/time.h"

/* ---- captured log lines ---- */


struct logcap logs; /* reset in each test's (forked) process */

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
bool log_find(int max_level, const char *s, char *out, size_t n)
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

int log_count(int max_level, const char *s)
{
    int n = 0;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt; i++)
        n += logs.level[i] <= max_level && strstr(logs.line[i], s) != NULL;
    pthread_mutex_unlock(&logs.lock);
    return n;
}

/* log_find() until the line shows up; false after @timeout_ms. */
bool log_wait(int max_level, const char *s, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 5) {
        if (log_find(max_level, s, NULL, 0))
            return true;
        usleep(5000);
    }
    return log_find(max_level, s, NULL, 0);
}

void logs_setup(void)
{
    memset(&logs, 0, sizeof logs);
    pthread_mutex_init(&logs.lock, NULL);
}

void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

int64_t now_ms(void)
{
    return kr_now_us() / 1000;
}

/* ---- the fake broker ---- */


static void fake_note(struct fake *f, int *counter)
{
    pthread_mutex_lock(&f->lock);
    (*counter)++;
    pthread_cond_broadcast(&f->cond);
    pthread_mutex_unlock(&f->lock);
}

/* Waits until *@counter >= @at_least; false after @timeout_ms. */
bool fake_wait(struct fake *f, const int *counter, int at_least,
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

int fake_get(struct fake *f, const int *counter)
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
void fake_send(struct fake *f, struct fake_req *rq, const void *p,
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

void fake_reply(struct fake *f, struct fake_req *rq, int16_t v,
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
void answer_metadata_corr(struct fake *f, struct fake_req *rq,
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

void answer_metadata(struct fake *f, struct fake_req *rq)
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
int loopback_socket(int *port, bool listening)
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

void fake_start(struct fake *f, fake_script script, const void *arg)
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
void fake_stop(struct fake *f)
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
krafka_conf_t *conf_new(int port, const char *const *props)
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

krafka_admin_t *admin_new(int port, const char *const *props)
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
krafka_err_t metadata_call(krafka_admin_t *a, int timeout_ms,
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

void metadata_ok(krafka_admin_t *a, int timeout_ms)
{
    char errstr[512];
    krafka_err_t err = metadata_call(a, timeout_ms, errstr, sizeof errstr,
                                     NULL);
    ck_assert_msg(err == KRAFKA_ERR_NONE, "metadata: %s: %s",
                  krafka_err2name(err), errstr);
}
