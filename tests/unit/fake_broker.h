/*
 * Test helpers shared by the connection tests: captured log lines and an
 * in-process fake broker (a thread with a listening socket on 127.0.0.1,
 * ephemeral port) that reads request frames, decodes them with
 * kr_request_read() and answers as the test's script says: normally
 * (ApiVersions listing kr_apis[], Metadata naming itself as node 1 at its
 * own address), late, never, or with hostile bytes.
 *
 * Every wait is bounded by a timeout; every test stops and joins its fake.
 * Each function's contract is written at its definition (fake_broker.c).
 */
#ifndef KR_TESTS_FAKE_BROKER_H
#define KR_TESTS_FAKE_BROKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "client/client.h"
#include "krafka/admin.h"
#include "protocol/apis.h"

/* ---- captured log lines ---- */

#define LOG_MAX 4096
#define LOG_LINE 600

struct logcap {
    pthread_mutex_t lock;
    int cnt;
    int level[LOG_MAX];
    char line[LOG_MAX][LOG_LINE]; /* "FACILITY message" */
};

/* Reset by logs_setup() in each test's (forked) process. */
extern struct logcap logs;

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

bool log_find(int max_level, const char *s, char *out, size_t n);
int log_count(int max_level, const char *s);
bool log_wait(int max_level, const char *s, int timeout_ms);
void logs_setup(void);
void store_be32(uint8_t *p, uint32_t v);
int64_t now_ms(void);
bool fake_wait(struct fake *f, const int *counter, int at_least,
                      int timeout_ms);
int fake_get(struct fake *f, const int *counter);
void fake_send(struct fake *f, struct fake_req *rq, const void *p,
                      size_t len);
void fake_reply(struct fake *f, struct fake_req *rq, int16_t v,
                       const void *resp);
void answer_metadata_corr(struct fake *f, struct fake_req *rq,
                                 int32_t corr);
void answer_metadata(struct fake *f, struct fake_req *rq);
int loopback_socket(int *port, bool listening);
void fake_start(struct fake *f, fake_script script, const void *arg);
void fake_stop(struct fake *f);
krafka_conf_t *conf_new(int port, const char *const *props);
krafka_admin_t *admin_new(int port, const char *const *props);
krafka_err_t metadata_call(krafka_admin_t *a, int timeout_ms,
                                  char *errstr, size_t n,
                                  int64_t *elapsed_ms);
void metadata_ok(krafka_admin_t *a, int timeout_ms);

#endif
