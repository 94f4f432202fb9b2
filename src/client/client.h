/*
 * The shared client under the producer, the consumer and the admin handle:
 * a copy of the configuration, the logger, the TLS context, the brokers
 * with their connections, the metadata cache and the one I/O thread that
 * owns them.
 *
 * Application threads hand requests to the I/O thread with
 * kr_client_submit() (a locked queue plus an eventfd wakeup); every
 * request's done callback runs exactly once, on the I/O thread.
 */
#ifndef KR_CLIENT_CLIENT_H
#define KR_CLIENT_CLIENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "client/cmetrics.h"
#include "client/conf.h"
#include "net/loop.h"
#include "net/resolve.h"
#include "protocol/api.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/refs.h"

struct kr_client;
struct kr_broker;
struct kr_conn;
struct kr_req;

/* Request targets besides a broker id. */
#define KR_BROKER_ANY (-1) /* any connected broker (bootstrap or known) */

/* Connections to one broker: fetch long-polls get their own, so they
 * never delay produce, metadata or group requests (a broker answers the
 * requests of one connection in order). */
enum kr_lane { KR_LANE_MAIN, KR_LANE_FETCH, KR_LANE_CNT };

/* A response frame kept past its done callback (Fetch: records reach the
 * application without a copy). Reference counted; any thread. */
struct kr_rframe {
    atomic_int refs;
    size_t len;
    uint8_t data[];
};

static inline void kr_rframe_ref(struct kr_rframe *f)
{
    atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
}

void kr_rframe_release(struct kr_rframe *f); /* NULL: no-op */

struct kr_req;
/* A FIFO of requests. */
struct kr_reqq {
    struct kr_req *head, *tail;
    size_t cnt;
};

/* Called once per request on the I/O thread. On success @err is NONE and
 * @resp is the decoded response (api->resp_size bytes, valid only during
 * the call; copy what you keep). Otherwise @resp is NULL and @errstr says
 * why. The callback owns @r afterwards (it frees or reuses it). */
typedef void (*kr_req_done_fn)(struct kr_client *c, struct kr_req *r,
                               krafka_err_t err, const char *errstr,
                               const void *resp, int16_t version);

struct kr_req {
    /* ---- set by the submitter ---- */
    const struct kr_api *api;
    const void *msg;        /* borrowed until done: the request struct */
    int16_t min_ver;        /* 0: api->min_ver */
    int16_t max_ver;        /* 0: api->max_ver */
    int32_t broker_id;      /* a node id or KR_BROKER_ANY */
    enum kr_lane lane;
    int64_t deadline_us;    /* monotonic; done(LOCAL_TIMED_OUT) then */
    bool retry_transport;   /* resend after a lost connection if time is
                             * left (only for idempotent requests) */
    bool no_response;       /* Produce acks=0: done right after sending */
    bool fail_fast;         /* for a given broker: a failed connection
                             * attempt finishes it (LOCAL_TRANSPORT) at
                             * once instead of keeping it for the next
                             * attempt (the group coordinator's requests:
                             * their caller looks the coordinator up) */
    bool keep_frame;        /* decode from a kr_rframe copy of the
                             * response, handed to done in frame_kept
                             * (which done then owns, on success) */
    kr_req_done_fn done;
    void *opaque;           /* borrowed, for the done callback */

    /* ---- owned by the I/O thread ---- */
    struct kr_client *client; /* borrowed: set when submitted */
    struct kr_req *next;    /* in a queue */
    struct kr_reqq *queue;  /* the queue it is in, or NULL */
    struct kr_timer timer;  /* the deadline */
    struct kr_conn *conn;   /* in flight on it, or NULL */
    int32_t corr;           /* CorrelationId once encoded */
    int16_t ver;            /* version it was encoded at */
    struct kr_buf frame;    /* the encoded request; written from off */
    struct kr_refs refs;    /* spans of r->msg the frame references */
    size_t off;             /* of the frame: frame.len + refs.bytes */
    int64_t sent_us;
    struct kr_rframe *frame_kept; /* see keep_frame */
    bool answered;          /* answered_by is set (before done) */
    int32_t answered_by;    /* the node id of the broker whose connection
                             * carried it; < -1 for a bootstrap address */
};

void kr_reqq_push(struct kr_reqq *q, struct kr_req *r);
struct kr_req *kr_reqq_pop(struct kr_reqq *q);
bool kr_reqq_remove(struct kr_reqq *q, struct kr_req *r);

/* ---- metadata cache (metadata.c) ---- */

struct kr_md_partition {
    int32_t id;
    int16_t err;
    int32_t leader;       /* -1: none */
    int32_t leader_epoch; /* -1: unknown */
};

struct kr_md_topic {
    char *name;                 /* owned */
    int16_t err;
    uint8_t topic_id[16];
    int32_t partition_cnt;
    struct kr_md_partition *partitions; /* owned, by partition id */
    int64_t updated_us;
};

struct kr_md {
    pthread_mutex_t lock;       /* readers on any thread; writer io */
    struct kr_md_topic *topics; /* owned array */
    size_t topic_cnt, topic_cap;
    int32_t controller_id;
    char *cluster_id;           /* owned; NULL if unknown */
    int64_t updated_us;         /* last full update; 0: never */
    /* I/O thread only: */
    char **wanted;              /* owned: topics the client uses */
    size_t wanted_cnt;
    bool refresh_inflight;
    bool refresh_again;         /* another refresh asked while one ran */
    int64_t last_refresh_us;    /* for the fast-interval rate limit */
    struct kr_timer periodic;
    struct kr_timer fast;
    int32_t fast_backoff_ms;    /* grows while leaders are missing */
    /* Topic wants kr_md_want() had no memory for: offered again by the
     * next scheduled refresh (their done() with KRAFKA_ERR_NONE), or at
     * destroy with LOCAL_DESTROY (linked by next). */
    struct kr_req *want_retry;
    bool inited;
    atomic_bool want_all;       /* refresh every topic (regexes) */
};

/* ---- broker and connection (conn.c) ---- */

enum kr_conn_state {
    KR_CONN_DOWN,       /* no socket; may be waiting for its backoff */
    KR_CONN_RESOLVING,  /* host name lookup on a lookup thread */
    KR_CONN_CONNECT,    /* non-blocking connect in progress */
    KR_CONN_TLS,        /* TLS handshake */
    KR_CONN_APIVERSION, /* ApiVersions exchange */
    KR_CONN_SASL,       /* SaslHandshake + SaslAuthenticate */
    KR_CONN_UP,         /* ready for requests */
};

struct kr_broker {
    struct kr_broker *next;    /* in the client's list */
    struct kr_client *client;  /* borrowed: the owner */
    int32_t id;                /* node id; < -1 for a bootstrap address */
    char *host;                /* owned */
    int port;
    char name[300];            /* "host:port/id" for logs */
    struct kr_conn *conns[KR_LANE_CNT]; /* owned; created on demand */
    bool gone;                 /* no longer in metadata */
    struct kr_broker_metrics m; /* its series (NULLs: metrics off) */
};

struct kr_client {
    struct krafka_conf *conf;  /* owned copy */
    struct kr_log log;
    struct kr_client_metrics met; /* the registry; connection metrics */
    const char *role;          /* "admin", "producer", "consumer" */
    struct kr_tls_ctx *tls;    /* owned; NULL without TLS */
    struct kr_loop loop;
    /* Host-name lookups off the I/O thread. Tests replace resolver.fn
     * (getaddrinfo) between kr_client_create() and kr_client_start(). */
    struct kr_resolver resolver;
    pthread_t thread;
    bool thread_started;
    atomic_bool stop;

    /* Application threads -> I/O thread. */
    pthread_mutex_t q_lock;
    struct kr_reqq incoming;   /* guarded by q_lock */

    /* I/O thread only. */
    struct kr_broker *brokers; /* owned list */
    int32_t next_bootstrap_id; /* -2, -3, ... for bootstrap entries */
    struct kr_reqq any;        /* waiting for any broker to be up */
    int32_t next_corr;
    unsigned rr;               /* round robin over brokers to connect */
    struct kr_md md;
    /* The last connection error that is the configuration's fault
     * (authentication, TLS); requests for any broker fail with it. */
    krafka_err_t fatal_err;
    char fatal_errstr[512];
    int64_t fatal_us;
    char last_errstr[512];     /* the last connection failure, for the
                                * message of a request that times out */
    krafka_err_t last_err;     /* and its code */
    struct kr_timer kick_timer; /* next bootstrap attempt */

    /* Hooks of the handle built on the client (the producer), run on the
     * I/O thread: after every wakeup, and after every metadata update. */
    void (*on_wake)(struct kr_client *c, void *arg);
    void (*on_metadata)(struct kr_client *c, void *arg);
    /* A connection failed in a way only the configuration can fix. */
    void (*on_fatal)(struct kr_client *c, krafka_err_t err,
                     const char *errstr, void *arg);
    void *hook_arg;
};

/* Creates the client from a copy of @conf, validated for @role, and starts
 * its I/O thread. Thread: any. */
krafka_err_t kr_client_new(struct kr_client **out, const krafka_conf_t *conf,
                           const char *role, char *errstr,
                           size_t errstr_size);
/* As kr_client_new(), but the I/O thread is started by
 * kr_client_start(), so hooks can be set first. */
krafka_err_t kr_client_create(struct kr_client **out,
                              const krafka_conf_t *conf, const char *role,
                              char *errstr, size_t errstr_size);
krafka_err_t kr_client_start(struct kr_client *c, char *errstr,
                             size_t errstr_size);
/* Stops and joins the I/O thread (idempotent). Thread: any but io. */
void kr_client_stop(struct kr_client *c);
/* Stops the I/O thread (pending requests complete with LOCAL_DESTROY) and
 * frees everything. Thread: any but the I/O thread. */
void kr_client_destroy(struct kr_client *c);

/* Hands @r to the I/O thread. r->deadline_us must be set. Thread: any. */
void kr_client_submit(struct kr_client *c, struct kr_req *r);

/* Thread: any. Adds @topic to the topics whose metadata the client keeps
 * (refreshed until every partition has a leader). */
krafka_err_t kr_client_want_topic(struct kr_client *c, const char *topic);
/* Thread: any. Keeps the metadata of every topic of the cluster (for
 * regex subscriptions) and refreshes now. */
void kr_client_want_all_topics(struct kr_client *c);
/* Thread: io. kr_client_submit() for requests made on the I/O thread. */
void kr_client_send(struct kr_client *c, struct kr_req *r);
/* Thread: io. Routes a request to its broker or to the any-queue. */
void kr_client_route(struct kr_client *c, struct kr_req *r);
/* Thread: io. Completes @r with an error (or success with @resp). */
void kr_req_finish(struct kr_client *c, struct kr_req *r, krafka_err_t err,
                   const char *errstr, const void *resp);
/* Thread: io. Finds or creates the broker with @id; updates host/port. */
struct kr_broker *kr_client_broker(struct kr_client *c, int32_t id,
                                   const char *host, int port);
struct kr_broker *kr_client_broker_find(struct kr_client *c, int32_t id);
/* Thread: io. A connection became ready: move waiting requests to it. */
void kr_client_conn_up(struct kr_client *c, struct kr_conn *conn);
/* Thread: io. A connection failed with an error that retrying won't fix
 * (authentication, TLS): fail the requests waiting for any broker. */
void kr_client_conn_fatal(struct kr_client *c, krafka_err_t err,
                          const char *errstr);
/* Thread: io. Makes sure some broker is connecting when requests wait. */
void kr_client_kick(struct kr_client *c);

/* The client under an admin handle (tests and tools). */
struct krafka_admin;
struct kr_client *kr_admin_client(struct krafka_admin *a);

/* ---- synchronous calls from application threads ---- */

/* A request an application thread waits for. Two references: the caller's
 * and the I/O thread's; whoever drops the last frees it, so a caller that
 * gives up at its timeout never races the I/O thread. */
struct kr_call {
    struct kr_req req;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    atomic_int refs;
    bool finished;         /* guarded by lock */
    krafka_err_t err;      /* valid once finished */
    char errstr[512];
    /* I/O thread, on success: takes what the caller needs from @resp.
     * Returns the error to report (NONE normally). */
    krafka_err_t (*on_resp)(struct kr_call *call, struct kr_client *c,
                            const void *resp, int16_t v);
    /* Frees what the call owns besides itself (at the last release). */
    void (*cleanup)(struct kr_call *call);
};

/* Allocates a zeroed call of @size bytes (>= sizeof(struct kr_call), so
 * it can be the first member of a larger struct) with two references. */
struct kr_call *kr_call_new(size_t size);
/* Submits call->req (api, msg, broker_id set by the caller) and waits at
 * most @timeout_ms (-1: no limit). Returns the outcome; on LOCAL_TIMED_OUT
 * the call is abandoned and must not be read. Thread: any but io. */
krafka_err_t kr_call_run(struct kr_client *c, struct kr_call *call,
                         int timeout_ms, char *errstr, size_t errstr_size);
/* Drops one reference. */
void kr_call_release(struct kr_call *call);

/* ---- conn.c ---- */
struct kr_conn *kr_conn_new(struct kr_broker *b, enum kr_lane lane);
void kr_conn_destroy(struct kr_conn *conn, krafka_err_t err);
/* Queues @r on @conn and starts connecting if it is down and its backoff
 * is over. */
void kr_conn_enqueue(struct kr_conn *conn, struct kr_req *r);
bool kr_conn_is_up(const struct kr_conn *conn);
bool kr_conn_is_busy(const struct kr_conn *conn); /* connecting or up */
bool kr_conn_can_connect(const struct kr_conn *conn); /* backoff over */
void kr_conn_connect(struct kr_conn *conn);
/* Thread: io. The request's deadline passed while it was on @conn. */
void kr_conn_req_timeout(struct kr_conn *conn, struct kr_req *r);
/* The highest version of @api both sides support in [lo, hi], or -1. */
int16_t kr_conn_api_version(const struct kr_conn *conn,
                            const struct kr_api *api, int16_t lo,
                            int16_t hi);
int64_t kr_conn_ready_us(const struct kr_conn *conn); /* connect->ready */

/* ---- metadata.c ---- */
void kr_md_init(struct kr_client *c);
void kr_md_destroy(struct kr_client *c);
/* Thread: io. Applies a MetadataResponse; @all when it listed every
 * topic. */
void kr_md_apply(struct kr_client *c, const void *resp, bool all);
/* Thread: io. Asks for a refresh of the wanted topics (rate-limited by
 * topic.metadata.refresh.fast.interval.ms); @reason is logged. */
void kr_md_refresh(struct kr_client *c, const char *reason);
/* Thread: io. Adds @topic to the wanted set and refreshes. */
bool kr_md_want(struct kr_client *c, const char *topic);
/* @r (an operation whose done() calls kr_md_want()) comes back later:
 * kr_md_want() had no memory. */
void kr_md_want_later(struct kr_client *c, struct kr_req *r);
/* Thread: any. Leader of @topic/@partition from the cache: NONE, or
 * LOCAL_UNKNOWN_TOPIC / LOCAL_UNKNOWN_PARTITION / LEADER_NOT_AVAILABLE. */
krafka_err_t kr_md_leader(struct kr_client *c, const char *topic,
                          int32_t partition, int32_t *leader,
                          int32_t *epoch);
/* Thread: any. Partition count of @topic, or -1 when unknown. */
int32_t kr_md_partition_cnt(struct kr_client *c, const char *topic);
/* Thread: any. The topic's id and error code (0, or e.g.
 * UNKNOWN_TOPIC_OR_PARTITION); false when the cache lacks the topic. */
bool kr_md_topic_info(struct kr_client *c, const char *topic,
                      uint8_t id[16], int16_t *err);

#endif
