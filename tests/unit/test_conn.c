/*
 * Broker connections against the in-process fake broker of fake_broker.h.
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
#include "fake_broker.h"
#include "krafka/admin.h"
#include "kt_check.h"
#include "protocol/apis.h"
#include "util/time.h"


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
    /* The attempts really were that far apart. The fake still runs:
     * its times are read under its lock. */
    pthread_mutex_lock(&f->lock);
    int64_t at[5];
    int n = f->accepts < 5 ? f->accepts : 5;
    memcpy(at, f->accept_ms, (size_t)n * sizeof at[0]);
    pthread_mutex_unlock(&f->lock);
    for (int k = 1; k < n; k++)
        ck_assert_int_ge(at[k] - at[k - 1], (50 << (k - 1)) * 4 / 5 - 5);
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
    return kt_run(s);
}
