/*
 * The hostile broker (see hostile_server.h): a poll() loop on one thread.
 */
#include "hostile_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "protocol/record_batch.h"
#include "util/time.h"

#define HS_RBUF (1024 * 1024)

/* ---- counters ---- */

static void note(struct hs *s, int *counter)
{
    pthread_mutex_lock(&s->lock);
    (*counter)++;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

int hs_get(struct hs *s, const int *counter)
{
    pthread_mutex_lock(&s->lock);
    int v = *counter;
    pthread_mutex_unlock(&s->lock);
    return v;
}

bool hs_wait(struct hs *s, const int *counter, int at_least, int timeout_ms)
{
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    struct timespec ts = {.tv_sec = (time_t)(until / 1000000),
                          .tv_nsec = (long)(until % 1000000) * 1000};
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    while (*counter < at_least && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&s->cond, &s->lock, &ts);
    bool ok = *counter >= at_least;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

void hs_addr(const struct hs *s, int i, char *out, size_t n)
{
    snprintf(out, n, "127.0.0.1:%d", s->nodes[i].port);
}

/* ---- connections ---- */

static void conn_close(struct hs *s, struct hs_conn *c, bool by_client)
{
    close(c->fd);
    c->fd = -1;
    free(c->rbuf);
    c->rbuf = NULL;
    c->rlen = 0;
    for (int i = 0; i < c->pend_cnt; i++)
        free(c->pend[i].data);
    c->pend_cnt = 0;
    note(s, by_client ? &s->eofs[c->node] : &s->closes[c->node]);
}

/* Writes all of @p, blocking; errors are ignored (the client may have
 * closed the connection, which the reading side notices). */
static void write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static void conn_write(struct hs *s, struct hs_conn *c, const uint8_t *p,
                       size_t len)
{
    if (s->byte_delay_us <= 0) {
        write_all(c->fd, p, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        write_all(c->fd, p + i, 1);
        usleep((useconds_t)s->byte_delay_us);
    }
}

void hs_send(struct hs *s, struct hs_req *rq, const void *p, size_t len)
{
    conn_write(s, rq->conn, p, len);
}

/* Queues @out's bytes on @c for @delay_ms later (or sends them now when
 * nothing can be queued). */
static void send_later(struct hs *s, struct hs_conn *c, struct kr_buf *out,
                       int delay_ms)
{
    if (c->pend_cnt == HS_PENDING) {
        conn_write(s, c, out->data, out->len);
        return;
    }
    struct hs_pending *pd = &c->pend[c->pend_cnt++];
    pd->data = kr_buf_steal(out, &pd->len);
    pd->due_us = kr_now_us() + (int64_t)delay_ms * 1000;
}

static void send_due(struct hs *s)
{
    int64_t now = kr_now_us();
    for (int i = 0; i < HS_CONNS; i++) {
        struct hs_conn *c = &s->conns[i];
        int done = 0;
        while (c->fd >= 0 && done < c->pend_cnt &&
               c->pend[done].due_us <= now) {
            conn_write(s, c, c->pend[done].data, c->pend[done].len);
            free(c->pend[done].data);
            done++;
        }
        if (c->fd < 0)
            continue;
        c->pend_cnt -= done;
        memmove(c->pend, c->pend + done,
                (size_t)c->pend_cnt * sizeof c->pend[0]);
    }
}

/* Poll timeout: until the next held-back answer, or none. */
static int wait_ms(const struct hs *s)
{
    int64_t due = INT64_MAX;
    for (int i = 0; i < HS_CONNS; i++)
        if (s->conns[i].fd >= 0 && s->conns[i].pend_cnt > 0 &&
            s->conns[i].pend[0].due_us < due)
            due = s->conns[i].pend[0].due_us;
    if (due == INT64_MAX)
        return -1;
    int64_t ms = (due - kr_now_us() + 999) / 1000;
    return ms < 0 ? 0 : (int)ms;
}

/* ---- frames ---- */

void hs_fix_length(struct kr_buf *frame)
{
    kr_buf_patch_be32(frame, 0, (uint32_t)(frame->len - 4));
}

void hs_splice(struct kr_buf *frame, size_t off, size_t old_len,
               const void *p, size_t n)
{
    if (off + old_len > frame->len)
        old_len = frame->len - off;
    size_t tail = frame->len - off - old_len;
    if (n > old_len && !kr_buf_reserve(frame, n - old_len))
        return;
    memmove(frame->data + off + n, frame->data + off + old_len, tail);
    memcpy(frame->data + off, p, n);
    frame->len = off + n + tail;
    hs_fix_length(frame);
}

void hs_encode(struct hs *s, struct hs_req *rq, int32_t corr,
               const void *resp, struct kr_buf *out)
{
    if (kr_response_write(out, rq->api, rq->hdr.RequestApiVersion, corr,
                          resp) != KRAFKA_ERR_NONE)
        note(s, &s->bad);
}

/* ---- normal answers ---- */

static void answer_apiversions(struct hs *s, struct hs_req *rq,
                               struct kr_buf *out)
{
    struct kr_ApiVersion keys[HS_KEYS];
    int32_t n = 0;
    for (size_t i = 0; i < kr_apis_cnt && n < HS_KEYS; i++) {
        const struct kr_api *a = kr_apis[i];
        int16_t max = a->max_ver;
        /* Pinned, so scripts know the layout they corrupt. */
        if (a->key == KR_API_Fetch)
            max = s->fetch_max_ver ? s->fetch_max_ver : 12;
        if (a->key == KR_API_Metadata)
            max = 12;
        keys[n++] = (struct kr_ApiVersion){a->key, a->min_ver, max};
    }
    struct kr_ApiVersionsResponse res = {.ApiKeysCnt = n, .ApiKeys = keys,
                                         .FinalizedFeaturesEpoch = -1};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

static void answer_metadata(struct hs *s, struct hs_req *rq,
                            struct kr_buf *out)
{
    struct kr_MetadataResponseBroker b[HS_NODES];
    struct kr_MetadataResponsePartition p[HS_NODES];
    int32_t ids[HS_NODES];
    for (int i = 0; i < s->node_cnt; i++) {
        ids[i] = s->nodes[i].id;
        b[i] = (struct kr_MetadataResponseBroker){
            .NodeId = ids[i], .Host = kr_str_c("127.0.0.1"),
            .Port = s->nodes[i].port, .Rack = {NULL, -1}};
        p[i] = (struct kr_MetadataResponsePartition){
            .PartitionIndex = i, .LeaderId = ids[i], .LeaderEpoch = -1,
            .ReplicaNodesCnt = 1, .ReplicaNodes = &ids[i],
            .IsrNodesCnt = 1, .IsrNodes = &ids[i]};
    }
    struct kr_MetadataResponseTopic t = {
        .Name = kr_str_c(HS_TOPIC), .PartitionsCnt = s->node_cnt,
        .Partitions = p, .TopicAuthorizedOperations = INT32_MIN};
    struct kr_MetadataResponse res = {
        .BrokersCnt = s->node_cnt, .Brokers = b,
        .ClusterId = kr_str_c("hostile-cluster"), .ControllerId = 1,
        .TopicsCnt = 1, .Topics = &t,
        .ClusterAuthorizedOperations = INT32_MIN,
        .ThrottleTimeMs = s->throttle_ms};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

static void answer_initproducerid(struct hs *s, struct hs_req *rq,
                                  struct kr_buf *out)
{
    struct kr_InitProducerIdResponse res = {
        .ProducerId = 4242, .ProducerEpoch = 0,
        .OngoingTxnProducerId = -1, .OngoingTxnProducerEpoch = -1,
        .ThrottleTimeMs = s->throttle_ms};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

/* Appends the batches of @rec to partition @p's log; returns the base
 * offset, or -1 for data that is not a whole batch. */
static int64_t log_append(struct hs *s, int32_t p, struct kr_bytes rec)
{
    if (p < 0 || p >= s->node_cnt || rec.len < KR_BATCH_HEADER_LEN ||
        s->log_len[p] + (size_t)rec.len > HS_LOG_MAX)
        return -1;
    int64_t base = s->log_next[p];
    uint8_t *dst = s->log[p] + s->log_len[p];
    memcpy(dst, rec.ptr, (size_t)rec.len);
    for (int i = 0; i < 8; i++) /* BaseOffset */
        dst[i] = (uint8_t)((uint64_t)base >> (56 - 8 * i));
    s->log_len[p] += (size_t)rec.len;
    s->log_next[p] += (int32_t)kr_load_be32(rec.ptr + 23) + 1;
    return base;
}

static void answer_produce(struct hs *s, struct hs_req *rq,
                           struct kr_buf *out)
{
    const struct kr_ProduceRequest *req = rq->msg;
    struct kr_TopicProduceResponse t[4];
    struct kr_PartitionProduceResponse pr[4][HS_NODES];
    int32_t n = 0;
    for (int32_t i = 0; i < req->TopicDataCnt && n < 4; i++, n++) {
        const struct kr_TopicProduceData *td = &req->TopicData[i];
        int32_t m = 0;
        for (int32_t j = 0; j < td->PartitionDataCnt && m < HS_NODES; j++) {
            const struct kr_PartitionProduceData *pd = &td->PartitionData[j];
            int64_t base = log_append(s, pd->Index, pd->Records);
            pr[n][m++] = (struct kr_PartitionProduceResponse){
                .Index = pd->Index,
                .ErrorCode = base < 0 ? KRAFKA_ERR_CORRUPT_MESSAGE : 0,
                .BaseOffset = base, .LogAppendTimeMs = -1,
                .LogStartOffset = 0, .ErrorMessage = {NULL, -1},
                .CurrentLeader = {-1, -1}};
        }
        t[n] = (struct kr_TopicProduceResponse){
            .Name = td->Name, .TopicId = td->TopicId,
            .PartitionResponsesCnt = m, .PartitionResponses = pr[n]};
    }
    struct kr_ProduceResponse res = {.ResponsesCnt = n, .Responses = t,
                                     .ThrottleTimeMs = s->throttle_ms};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

static void answer_listoffsets(struct hs *s, struct hs_req *rq,
                               struct kr_buf *out)
{
    const struct kr_ListOffsetsRequest *req = rq->msg;
    struct kr_ListOffsetsTopicResponse t[4];
    struct kr_ListOffsetsPartitionResponse pr[4][HS_NODES];
    int32_t n = 0;
    for (int32_t i = 0; i < req->TopicsCnt && n < 4; i++, n++) {
        const struct kr_ListOffsetsTopic *lt = &req->Topics[i];
        int32_t m = 0;
        for (int32_t j = 0; j < lt->PartitionsCnt && m < HS_NODES; j++) {
            int32_t p = lt->Partitions[j].PartitionIndex;
            bool earliest = lt->Partitions[j].Timestamp == -2;
            int64_t end = p >= 0 && p < s->node_cnt ? s->log_next[p] : 0;
            pr[n][m++] = (struct kr_ListOffsetsPartitionResponse){
                .PartitionIndex = p, .Timestamp = -1,
                .Offset = earliest ? 0 : end, .LeaderEpoch = -1};
        }
        t[n] = (struct kr_ListOffsetsTopicResponse){
            .Name = lt->Name, .PartitionsCnt = m, .Partitions = pr[n]};
    }
    struct kr_ListOffsetsResponse res = {.TopicsCnt = n, .Topics = t,
                                         .ThrottleTimeMs = s->throttle_ms};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

/* The offset after the last batch of @p[0..len) whose header is whole. */
static int64_t blob_end(const uint8_t *p, size_t len)
{
    int64_t next = 0;
    while (len >= KR_BATCH_HEADER_LEN) {
        int64_t base = (int64_t)kr_load_be64(p);
        int32_t blen = (int32_t)kr_load_be32(p + 8);
        int32_t lod = (int32_t)kr_load_be32(p + 23);
        if (base + lod + 1 > next)
            next = base + lod + 1;
        if (blen < 0 || (size_t)blen > len - 12)
            break;
        p += 12 + (size_t)blen;
        len -= 12 + (size_t)blen;
    }
    return next;
}

/* Fetch: the partition's records from the asked offset on (the whole log
 * or fetch_records; the client skips what it has), nothing when it has
 * them all. Returns true when there was something to send. */
static bool answer_fetch(struct hs *s, struct hs_req *rq, struct kr_buf *out)
{
    const struct kr_FetchRequest *req = rq->msg;
    struct kr_FetchableTopicResponse t[4];
    struct kr_FetchResponsePartitionData pd[4][HS_NODES];
    bool any = false;
    int32_t n = 0;
    for (int32_t i = 0; i < req->TopicsCnt && n < 4; i++, n++) {
        const struct kr_FetchTopic *ft = &req->Topics[i];
        int32_t m = 0;
        for (int32_t j = 0; j < ft->PartitionsCnt && m < HS_NODES; j++) {
            int32_t p = ft->Partitions[j].Partition;
            bool ok = p >= 0 && p < s->node_cnt;
            const uint8_t *blob = ok ? s->log[p] : NULL;
            size_t len = ok ? s->log_len[p] : 0;
            if (ok && s->fetch_records[p]) {
                blob = s->fetch_records[p];
                len = s->fetch_records_len[p];
            }
            int64_t end = blob ? blob_end(blob, len) : 0;
            bool send = end > ft->Partitions[j].FetchOffset;
            any |= send;
            pd[n][m++] = (struct kr_FetchResponsePartitionData){
                .PartitionIndex = p,
                .ErrorCode = ok ? 0 : KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION,
                .HighWatermark = end, .LastStableOffset = end,
                .LogStartOffset = 0, .DivergingEpoch = {-1, -1},
                .CurrentLeader = {-1, -1}, .SnapshotId = {-1, -1},
                .AbortedTransactionsCnt = -1, .PreferredReadReplica = -1,
                .Records = {send ? blob : NULL, send ? (int32_t)len : -1}};
        }
        t[n] = (struct kr_FetchableTopicResponse){
            .Topic = ft->Topic, .TopicId = ft->TopicId, .PartitionsCnt = m,
            .Partitions = pd[n]};
    }
    struct kr_FetchResponse res = {.ResponsesCnt = n, .Responses = t,
                                   .ThrottleTimeMs = s->throttle_ms};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
    return any;
}

static void answer_handshake(struct hs *s, struct hs_req *rq,
                             struct kr_buf *out)
{
    struct kr_str mech = kr_str_c("SCRAM-SHA-256");
    struct kr_SaslHandshakeResponse res = {.MechanismsCnt = 1,
                                           .Mechanisms = &mech};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

/* SCRAM-SHA-256 as a server that does not know the password: a valid
 * server-first-message, then a server-final-message whose signature
 * (v=, 32 zero bytes) cannot be right. */
static void answer_authenticate(struct hs *s, struct hs_req *rq,
                                struct kr_buf *out)
{
    const struct kr_SaslAuthenticateRequest *req = rq->msg;
    struct hs_conn *c = rq->conn;
    char msg[256];
    const char *r = req->AuthBytes.len > 0
                        ? memmem(req->AuthBytes.ptr,
                                 (size_t)req->AuthBytes.len, ",r=", 3)
                        : NULL;
    if (r && strncmp((const char *)req->AuthBytes.ptr, "n,", 2) == 0) {
        const char *end = (const char *)req->AuthBytes.ptr +
                          req->AuthBytes.len;
        int n = (int)(end - (r + 3));
        snprintf(c->nonce, sizeof c->nonce, "%.*s", n, r + 3);
        snprintf(msg, sizeof msg, "r=%shostile,s=c2FsdHNhbHQ=,i=4096",
                 c->nonce);
    } else {
        snprintf(msg, sizeof msg,
                 "v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    }
    struct kr_SaslAuthenticateResponse res = {
        .ErrorMessage = {NULL, -1},
        .AuthBytes = {(const uint8_t *)msg, (int32_t)strlen(msg)}};
    hs_encode(s, rq, rq->hdr.CorrelationId, &res, out);
}

bool hs_answer_frame(struct hs *s, struct hs_req *rq, struct kr_buf *out)
{
    switch (rq->api->key) {
    case KR_API_ApiVersions: answer_apiversions(s, rq, out); return true;
    case KR_API_Metadata: answer_metadata(s, rq, out); return true;
    case KR_API_InitProducerId: answer_initproducerid(s, rq, out); return true;
    case KR_API_Produce: answer_produce(s, rq, out); return true;
    case KR_API_ListOffsets: answer_listoffsets(s, rq, out); return true;
    case KR_API_Fetch: answer_fetch(s, rq, out); return true;
    case KR_API_SaslHandshake: answer_handshake(s, rq, out); return true;
    case KR_API_SaslAuthenticate: answer_authenticate(s, rq, out); return true;
    default: return false;
    }
}

void hs_answer(struct hs *s, struct hs_req *rq)
{
    struct kr_buf out;
    kr_buf_init(&out, 64 << 20);
    if (rq->api->key == KR_API_Fetch) {
        /* Nothing new: held back as a broker waits MaxWaitMs. */
        const struct kr_FetchRequest *req = rq->msg;
        int wait = req->MaxWaitMs < 100 ? req->MaxWaitMs : 100;
        if (!answer_fetch(s, rq, &out) && wait > 0) {
            send_later(s, rq->conn, &out, wait);
            kr_buf_free(&out);
            return;
        }
    } else if (!hs_answer_frame(s, rq, &out)) {
        kr_buf_free(&out);
        return;
    }
    conn_write(s, rq->conn, out.data, out.len);
    kr_buf_free(&out);
}

/* ---- requests ---- */

static void handle_request(struct hs *s, struct hs_conn *c, const uint8_t *p,
                           size_t len)
{
    struct hs_req rq = {.conn = c};
    kr_arena_reset(&s->arena);
    if (kr_request_read(p, len, &s->arena, &rq.hdr, &rq.api, &rq.msg) !=
        KRAFKA_ERR_NONE) {
        note(s, &s->bad);
        conn_close(s, c, false);
        return;
    }
    pthread_mutex_lock(&s->lock);
    if (rq.api->key < HS_KEYS)
        rq.nth = ++s->reqs[c->node][rq.api->key];
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    enum hs_act act = s->script ? s->script(s, &rq) : HS_ANSWER;
    if (act == HS_ANSWER)
        hs_answer(s, &rq);
    else if (act == HS_CLOSE)
        conn_close(s, c, false);
}

static void parse(struct hs *s, struct hs_conn *c)
{
    size_t off = 0;
    while (c->fd >= 0 && c->rlen - off >= 4) {
        uint32_t size = kr_load_be32(c->rbuf + off);
        if (size > HS_RBUF - 4) {
            note(s, &s->bad);
            conn_close(s, c, false);
            return;
        }
        if (c->rlen - off - 4 < size)
            break;
        handle_request(s, c, c->rbuf + off + 4, size);
        off += 4 + size;
    }
    if (c->fd < 0)
        return;
    memmove(c->rbuf, c->rbuf + off, c->rlen - off);
    c->rlen -= off;
}

static void conn_read(struct hs *s, struct hs_conn *c)
{
    ssize_t n = recv(c->fd, c->rbuf + c->rlen, HS_RBUF - c->rlen,
                     MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_close(s, c, true);
        return;
    }
    if (s->on_raw) {
        if (!c->raw_done)
            conn_write(s, c, s->on_raw, s->on_raw_len);
        c->raw_done = true;
        return;
    }
    c->rlen += (size_t)n;
    parse(s, c);
}

static void conn_accept(struct hs *s, int node)
{
    int fd = accept4(s->nodes[node].lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    struct hs_conn *c = NULL;
    for (int i = 0; i < HS_CONNS && !c; i++)
        if (s->conns[i].fd < 0)
            c = &s->conns[i];
    if (!c || !(c->rbuf = malloc(HS_RBUF))) {
        close(fd);
        return;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->fd = fd;
    c->node = node;
    c->rlen = 0;
    c->raw_done = false;
    c->pend_cnt = 0;
    pthread_mutex_lock(&s->lock);
    c->no = ++s->accepts[node];
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

static void *server_main(void *arg)
{
    struct hs *s = arg;
    for (;;) {
        struct pollfd pfd[1 + HS_NODES + HS_CONNS];
        struct hs_conn *pc[1 + HS_NODES + HS_CONNS];
        int n = 0;
        pfd[n++] = (struct pollfd){.fd = s->stop_pipe[0], .events = POLLIN};
        for (int i = 0; i < s->node_cnt; i++)
            pfd[n++] = (struct pollfd){.fd = s->nodes[i].lfd,
                                       .events = POLLIN};
        int first_conn = n;
        for (int i = 0; i < HS_CONNS; i++)
            if (s->conns[i].fd >= 0) {
                pc[n] = &s->conns[i];
                pfd[n++] = (struct pollfd){.fd = s->conns[i].fd,
                                           .events = POLLIN};
            }
        if (poll(pfd, (nfds_t)n, wait_ms(s)) < 0 && errno != EINTR)
            break;
        if (pfd[0].revents)
            break;
        for (int i = first_conn; i < n; i++)
            if (pfd[i].revents && pc[i]->fd == pfd[i].fd)
                conn_read(s, pc[i]);
        for (int i = 0; i < s->node_cnt; i++)
            if (pfd[1 + i].revents & POLLIN)
                conn_accept(s, i);
        send_due(s);
    }
    return NULL;
}

/* A listening socket on an ephemeral port of 127.0.0.1. */
static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        abort();
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        abort();
    *port = ntohs(sa.sin_port);
    return fd;
}

void hs_start(struct hs *s, int nodes, hs_script script, void *arg)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < HS_CONNS; i++)
        s->conns[i].fd = -1;
    s->script = script;
    s->arg = arg;
    s->node_cnt = nodes < 1 ? 1 : nodes > HS_NODES ? HS_NODES : nodes;
    for (int i = 0; i < s->node_cnt; i++) {
        s->nodes[i].id = i + 1;
        s->nodes[i].lfd = listen_loopback(&s->nodes[i].port);
    }
    kr_arena_init(&s->arena, KR_ARENA_MAX_DEFAULT);
    pthread_mutex_init(&s->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (pipe2(s->stop_pipe, O_CLOEXEC) != 0 ||
        pthread_create(&s->thread, NULL, server_main, s) != 0)
        abort();
}

void hs_stop(struct hs *s)
{
    if (write(s->stop_pipe[1], "x", 1) != 1)
        abort();
    pthread_join(s->thread, NULL);
    for (int i = 0; i < HS_CONNS; i++) {
        struct hs_conn *c = &s->conns[i];
        if (c->fd < 0)
            continue;
        close(c->fd);
        free(c->rbuf);
        for (int j = 0; j < c->pend_cnt; j++)
            free(c->pend[j].data);
    }
    for (int i = 0; i < s->node_cnt; i++)
        close(s->nodes[i].lfd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    kr_arena_destroy(&s->arena);
}
