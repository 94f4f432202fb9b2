/*
 * TLS over a non-blocking socket with OpenSSL: one context per client (CA,
 * client certificate and key, verification settings from the ssl.*
 * properties), one session per connection.
 *
 * Thread: a context is built in the handle's _new() and then only read; a
 * session belongs to one connection on the I/O thread.
 */
#ifndef KR_NET_TLS_H
#define KR_NET_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "client/conf.h"
#include "krafka/errors.h"

struct kr_tls_ctx;
struct kr_tls;

/* Result of a non-blocking TLS operation. */
enum kr_tls_rc {
    KR_TLS_OK = 0,          /* done (handshake) or some bytes moved */
    KR_TLS_WANT_READ = 1,   /* retry when the socket is readable */
    KR_TLS_WANT_WRITE = 2,  /* retry when the socket is writable */
    KR_TLS_CLOSED = 3,      /* the peer closed the connection */
    KR_TLS_ERROR = -1,      /* see errstr */
};

/* Builds the client context from @conf: ssl.ca.location (file or
 * directory) or ssl.ca.pem, else the system's default paths;
 * ssl.certificate.location/.pem and ssl.key.location/.pem with
 * ssl.key.password; ssl.cipher.suites; verification unless
 * enable.ssl.certificate.verification=false. Returns NONE, or LOCAL_SSL
 * with OpenSSL's reason and the property involved in @errstr. */
krafka_err_t kr_tls_ctx_new(struct kr_tls_ctx **out,
                            const struct krafka_conf *conf, char *errstr,
                            size_t errstr_size);
void kr_tls_ctx_destroy(struct kr_tls_ctx *ctx); /* NULL: no-op */

/* A client session on connected socket @fd (not owned). @host is the name
 * the broker was reached by: sent as SNI unless it is an IP address, and
 * checked against the certificate's SAN (DNS or IP) when
 * ssl.endpoint.identification.algorithm=https. */
krafka_err_t kr_tls_new(struct kr_tls **out, struct kr_tls_ctx *ctx, int fd,
                        const char *host, char *errstr, size_t errstr_size);
void kr_tls_destroy(struct kr_tls *t); /* NULL: no-op; does not close fd */

/* Drives the handshake. KR_TLS_ERROR comes with a message that says what
 * failed: "certificate verify failed: unable to get local issuer
 * certificate", "hostname mismatch", "peer did not return a certificate"
 * (the alert the broker sends when mTLS lacks a client certificate), ... */
enum kr_tls_rc kr_tls_handshake(struct kr_tls *t, char *errstr,
                                size_t errstr_size);

/* Reads up to @len bytes; on KR_TLS_OK *@n is > 0. */
enum kr_tls_rc kr_tls_read(struct kr_tls *t, void *buf, size_t len,
                           size_t *n, char *errstr, size_t errstr_size);

/* Writes up to @len bytes (@len > 0); on KR_TLS_OK *@n is > 0. After a
 * WANT_* the same bytes must be offered again. */
enum kr_tls_rc kr_tls_write(struct kr_tls *t, const void *buf, size_t len,
                            size_t *n, char *errstr, size_t errstr_size);

/* True when OpenSSL holds decrypted bytes not yet read (epoll won't say). */
int kr_tls_pending(const struct kr_tls *t);

#endif
