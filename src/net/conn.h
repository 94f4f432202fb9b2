/*
 * One connection to one broker (one lane), and its state machine:
 *
 *   DOWN -> RESOLVING (getaddrinfo on a lookup thread, net/resolve.h)
 *   -> CONNECT (every address tried, non-blocking connect) -> TLS
 *   (handshake) -> APIVERSION (highest common version of each API) -> SASL
 *   (SaslHandshake, SaslAuthenticate steps) -> UP
 *
 * Any failure (a failed lookup included: LOCAL_RESOLVE) closes the socket,
 * fails or re-routes the requests in flight and waits reconnect.backoff.ms,
 * doubled per failure with jitter up to reconnect.backoff.max.ms, before
 * the next attempt. The addresses are resolved again for every attempt,
 * so a broker whose DNS entry changed is found; socket.connection.setup
 * .timeout.ms covers the lookup too. A lookup that outlives its attempt
 * (setup timeout) keeps running and is reused by the next attempt, so a
 * connection never has more than one.
 *
 * Thread: io only. The struct is private to src/net and src/client.
 */
#ifndef KR_NET_CONN_H
#define KR_NET_CONN_H

#include <netdb.h>

#include "client/client.h"
#include "net/resolve.h"
#include "protocol/apis.h"
#include "util/buf.h"

#define KR_API_KEY_MAX 128 /* API keys we track versions of */

struct kr_tls;
struct kr_sasl;

struct kr_conn {
    struct kr_broker *b;      /* borrowed: the owner */
    struct kr_client *c;      /* borrowed */
    enum kr_lane lane;
    enum kr_conn_state state;
    uint32_t gen;             /* bumped on every close */
    struct kr_watch w;        /* the socket */
    struct kr_timer timer;    /* setup timeout, or reconnect backoff */
    struct kr_tls *tls;       /* owned, TLS listeners only */
    struct kr_sasl *sasl;     /* owned, during SASL only */

    struct kr_lookup lookup;  /* this connection's address lookup */
    struct addrinfo *ai;      /* owned: this attempt's addresses */
    struct addrinfo *ai_next; /* the next one to try */
    char addr[64];            /* the address being used, for logs */

    struct kr_reqq waitq;     /* waiting to be sent */
    struct kr_reqq inflight;  /* sent or being sent, in order */
    struct kr_req *wcur;      /* first request in inflight not fully
                               * written, NULL when all are */

    struct kr_buf rbuf;       /* received bytes not yet parsed */
    /* A large response for a keep_frame request (Fetch) is read straight
     * into its own frame instead of rbuf: no copy, and rbuf stays small. */
    struct kr_rframe *direct; /* owned; NULL when not reading one */
    size_t direct_have;       /* body bytes in it so far */
    struct kr_arena arena;    /* decoded responses, reset per response */

    /* Broker's API versions from ApiVersions; max -1: unsupported. */
    int16_t api_min[KR_API_KEY_MAX];
    int16_t api_max[KR_API_KEY_MAX];
    int16_t apiversions_ver;  /* the version being tried */

    /* Setup exchange: one internal request at a time. */
    struct kr_req setup;
    union {
        struct kr_ApiVersionsRequest av;
        struct kr_SaslHandshakeRequest hs;
        struct kr_SaslAuthenticateRequest auth;
    } setup_msg;
    struct kr_buf sasl_out;   /* bytes of the current SaslAuthenticate */
    bool sasl_client_done;

    int failures;             /* consecutive failed attempts */
    int32_t backoff_ms;       /* the last backoff chosen */
    unsigned jitter_seed;     /* rand_r() state of the backoff jitter */
    int64_t next_connect_us;  /* not before; 0: any time */
    int64_t connect_start_us; /* this attempt's start */
    int64_t ready_us;         /* connect start -> UP of the last attempt */
    bool was_up;              /* reconnect without being asked */
    bool down_logged;         /* the failure was logged as a warning */
};

/* conn_setup.c: the ApiVersions and SASL steps. */
void kr_conn_setup_start(struct kr_conn *conn); /* after TCP (+TLS) */
/* Sends an internal setup request (not subject to max in flight). */
void kr_conn_send_setup(struct kr_conn *conn);
/* Closes @conn after a failure. @fatal: the configuration is at fault
 * (authentication, TLS verification), so waiting requests fail too. */
void kr_conn_fail(struct kr_conn *conn, krafka_err_t err, bool fatal,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Setup finished: the connection is ready. */
void kr_conn_set_up(struct kr_conn *conn);
/* Writes what can be written now; false when the connection failed. */
bool kr_conn_flush(struct kr_conn *conn);

#endif
