/*
 * A hostile Kafka broker for tests: one thread serving up to HS_NODES
 * listening sockets on 127.0.0.1 (ephemeral ports), each a broker node
 * (ids 1, 2, ...). It speaks just enough Kafka to be chosen (ApiVersions,
 * Metadata naming its nodes, InitProducerId, Produce, ListOffsets, Fetch)
 * with the project's own codec, and lets a test's script answer any
 * request instead: with the normal answer's bytes corrupted, with raw
 * bytes, twice, late, byte by byte, or never.
 *
 * Topic HS_TOPIC has one partition per node; partition p is led by node
 * p + 1. Produce appends the batches to an in-memory log per partition
 * (offsets assigned as a broker would); Fetch returns that log from the
 * asked offset, or what hs.fetch_records[p] holds when set.
 *
 * Thread-safety: hs_start/hs_stop on the test's thread; scripts run on the
 * server thread; counters are read with hs_get/hs_wait (locked).
 */
#ifndef KR_TESTS_HOSTILE_SERVER_H
#define KR_TESTS_HOSTILE_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "protocol/apis.h"
#include "util/arena.h"
#include "util/buf.h"

#define HS_NODES 3
#define HS_CONNS 16
#define HS_KEYS 64
#define HS_PENDING 16
#define HS_TOPIC "hostile"
#define HS_LOG_MAX (64 * 1024) /* bytes of produced batches per partition */

struct hs;

struct hs_conn {
    int fd;        /* -1: free slot */
    int node;      /* index of the node that accepted it */
    int no;        /* 1 for the node's first accepted connection */
    uint8_t *rbuf; /* owned: bytes not yet parsed */
    size_t rlen;
    bool raw_done; /* on_raw answered this connection already */
    char nonce[128]; /* SCRAM: the client's nonce */
    struct hs_pending {
        int64_t due_us;
        uint8_t *data; /* owned */
        size_t len;
    } pend[HS_PENDING]; /* answers held back (an empty Fetch), in order */
    int pend_cnt;
};

/* A decoded request; valid during the script call only. */
struct hs_req {
    struct hs_conn *conn;
    struct kr_RequestHeader hdr;
    const struct kr_api *api;
    void *msg; /* struct kr_<Api>Request */
    int nth;   /* requests of this API on this node, this one included */
};

enum hs_act {
    HS_ANSWER, /* answer normally */
    HS_DONE,   /* the script answered (or chose not to) */
    HS_CLOSE,  /* close the connection */
};

typedef enum hs_act (*hs_script)(struct hs *s, struct hs_req *rq);

struct hs_node {
    int lfd;
    int port;
    int32_t id;
};

struct hs {
    struct hs_node nodes[HS_NODES];
    int node_cnt;
    int stop_pipe[2];
    pthread_t thread;
    hs_script script; /* NULL: answer everything normally */
    void *arg;        /* the script's parameters (borrowed) */

    /* Set before any client connects (read by the server thread). */
    int byte_delay_us;    /* > 0: answers go out byte by byte */
    const void *on_raw;   /* not NULL: any bytes received on a connection
                           * are answered with on_raw[0..on_raw_len) once,
                           * then nothing (TLS garbage) */
    size_t on_raw_len;
    bool sasl_scram;      /* the nodes ask for SASL SCRAM-SHA-256 */
    int32_t throttle_ms;  /* ThrottleTimeMs of the normal answers */
    int16_t fetch_max_ver; /* Fetch versions offered; 0: 12 */
    const uint8_t *fetch_records[HS_NODES]; /* borrowed; overrides the log */
    size_t fetch_records_len[HS_NODES];

    struct hs_conn conns[HS_CONNS];
    struct kr_arena arena; /* the request being handled */
    uint8_t log[HS_NODES][HS_LOG_MAX]; /* produced batches per partition */
    size_t log_len[HS_NODES];
    int64_t log_next[HS_NODES]; /* next offset */

    /* What the server saw; guarded by lock, broadcast on cond. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int accepts[HS_NODES];
    int eofs[HS_NODES];   /* connections the client closed */
    int closes[HS_NODES]; /* connections the server closed */
    int bad;              /* requests that did not decode */
    int reqs[HS_NODES][HS_KEYS];
};

/* Starts @nodes (1..HS_NODES) listening nodes and the server thread. */
void hs_start(struct hs *s, int nodes, hs_script script, void *arg);
/* Stops and joins the server; its counters stay readable. */
void hs_stop(struct hs *s);

/* The counter's value / waits until it is >= @at_least (false after
 * @timeout_ms). */
int hs_get(struct hs *s, const int *counter);
bool hs_wait(struct hs *s, const int *counter, int at_least, int timeout_ms);

/* The normal answer to @rq (what HS_ANSWER sends). */
void hs_answer(struct hs *s, struct hs_req *rq);
/* The normal answer's frame (size prefix included) appended to @out,
 * for a script to corrupt; false when @rq has no normal answer. */
bool hs_answer_frame(struct hs *s, struct hs_req *rq, struct kr_buf *out);
/* Encodes @resp as @rq's answer at @rq's version with @corr into @out. */
void hs_encode(struct hs *s, struct hs_req *rq, int32_t corr,
               const void *resp, struct kr_buf *out);
/* Sends raw bytes on @rq's connection (byte by byte if so configured). */
void hs_send(struct hs *s, struct hs_req *rq, const void *p, size_t len);

/* "127.0.0.1:port" of node @i into @out. */
void hs_addr(const struct hs *s, int i, char *out, size_t n);

/* Rewrites the frame's Length field after its body changed. */
void hs_fix_length(struct kr_buf *frame);
/* Replaces @old_len bytes at @off of @frame by @p[0..n) (the Length field
 * is fixed up). */
void hs_splice(struct kr_buf *frame, size_t off, size_t old_len,
               const void *p, size_t n);

#endif
