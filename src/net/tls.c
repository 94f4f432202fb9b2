/*
 * TLS over a non-blocking socket with OpenSSL 3 (see tls.h).
 *
 * The socket is driven through a small BIO of our own rather than
 * SSL_set_fd(): OpenSSL's socket BIO writes with write(2), which raises
 * SIGPIPE when the broker has gone, and a library must not kill its host
 * process. Ours uses send(MSG_NOSIGNAL) and recv(2).
 *
 * Errors: OpenSSL keeps a per-thread error queue. It is cleared before every
 * SSL_* call, so a failure on one connection never shows up as the reason of
 * another, and drained into the message when a call fails.
 */
#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

struct kr_tls_ctx {
    SSL_CTX *ssl_ctx;       /* owned; read-only once built */
    BIO_METHOD *bio_method; /* owned: the socket BIO below */
    bool verify_peer;       /* enable.ssl.certificate.verification */
    bool verify_host;       /* ..and ssl.endpoint.identification.. */
    bool has_identity;      /* a client certificate is configured */
};

struct kr_tls {
    SSL *ssl;   /* owned; owns its BIO */
    int fd;     /* borrowed: the connection owns the socket */
    bool eof;   /* recv() saw the peer's FIN */
    bool fatal; /* SSL_ERROR_SSL/SYSCALL: no SSL_shutdown allowed */
    bool has_identity; /* copied from the context, for messages */
    char *host; /* owned copy, for messages */
};

/* ---- errors ---- */

/* Appends @s to @buf (of @size, NUL-terminated), truncating. */
static void append(char *buf, size_t size, const char *s)
{
    size_t used = strnlen(buf, size);
    if (used + 1 < size)
        snprintf(buf + used, size - used, "%s", s);
}

/* Drains the thread's OpenSSL error queue into @buf as
 * "error:...:reason (data); ..." and returns the reason code of the first
 * libssl error in it (0: none). */
static int drain_errors(char *buf, size_t size)
{
    unsigned long e;
    const char *data;
    int flags, ssl_reason = 0;
    if (size)
        buf[0] = '\0';
    while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        char one[384];
        size_t len;
        ERR_error_string_n(e, one, sizeof one);
        len = strlen(one);
        if ((flags & ERR_TXT_STRING) && data && *data)
            snprintf(one + len, sizeof one - len, " (%s)", data);
        if (!ssl_reason && ERR_GET_LIB(e) == ERR_LIB_SSL)
            ssl_reason = ERR_GET_REASON(e);
        if (size == 0 || strstr(buf, one)) /* providers repeat errors */
            continue;
        if (buf[0])
            append(buf, size, "; ");
        append(buf, size, one);
    }
    if (size && !buf[0])
        snprintf(buf, size, "no OpenSSL error queued");
    return ssl_reason;
}

/* LOCAL_SSL with "@what: <OpenSSL errors>"; clears the queue. */
static krafka_err_t ssl_fail(char *errstr, size_t errstr_size,
                             const char *what)
{
    char errs[512];
    drain_errors(errs, sizeof errs);
    snprintf(errstr, errstr_size, "%s: %s", what, errs);
    return KRAFKA_ERR_LOCAL_SSL;
}

static const char *errno_text(int err, char *buf, size_t size)
{
    return strerror_r(err, buf, size); /* GNU variant (_GNU_SOURCE) */
}

/* ---- socket BIO (send with MSG_NOSIGNAL) ---- */

static int bio_sock_write(BIO *b, const char *buf, int len)
{
    struct kr_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t r = send(t->fd, buf, (size_t)len, MSG_NOSIGNAL);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_write(b);
    return (int)r;
}

static int bio_sock_read(BIO *b, char *buf, int len)
{
    struct kr_tls *t = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    ssize_t r = recv(t->fd, buf, (size_t)len, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        BIO_set_retry_read(b);
    else if (r == 0 && len > 0)
        t->eof = true;
    return (int)r;
}

static long bio_sock_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct kr_tls *t = BIO_get_data(b);
    (void)num;
    switch (cmd) {
    case BIO_CTRL_FLUSH: /* nothing buffered here */
        return 1;
    case BIO_CTRL_EOF: /* lets libssl tell EOF from an I/O error */
        return t && t->eof;
    case BIO_C_GET_FD:
        if (!t)
            return -1;
        if (ptr)
            *(int *)ptr = t->fd;
        return t->fd;
    default:
        return 0;
    }
}

static int bio_sock_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static BIO_METHOD *bio_sock_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOCKET, "krafka socket");
    if (!m)
        return NULL;
    if (!BIO_meth_set_write(m, bio_sock_write) ||
        !BIO_meth_set_read(m, bio_sock_read) ||
        !BIO_meth_set_ctrl(m, bio_sock_ctrl) ||
        !BIO_meth_set_create(m, bio_sock_create)) {
        BIO_meth_free(m);
        return NULL;
    }
    return m;
}

/* ---- context ---- */

/* Loads ssl.ca.location: a PEM bundle file or a directory of hashed names
 * (c_rehash). */
static krafka_err_t load_ca_location(SSL_CTX *ctx, const char *path,
                                     char *errstr, size_t errstr_size)
{
    struct stat st;
    char what[256];
    if (stat(path, &st) != 0) {
        char eb[128];
        snprintf(errstr, errstr_size, "ssl.ca.location: %s: %s", path,
                 errno_text(errno, eb, sizeof eb));
        return KRAFKA_ERR_LOCAL_SSL;
    }
    bool dir = S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx, dir ? NULL : path,
                                      dir ? path : NULL) == 1)
        return KRAFKA_ERR_NONE;
    snprintf(what, sizeof what, "ssl.ca.location: cannot load CA %s %s",
             dir ? "directory" : "file", path);
    return ssl_fail(errstr, errstr_size, what);
}

/* True when the only queued error is the end of PEM input, which is how
 * reading a list of PEM objects ends. */
static bool only_pem_end_queued(void)
{
    unsigned long e = ERR_peek_last_error();
    return e == 0 || (ERR_GET_LIB(e) == ERR_LIB_PEM &&
                      ERR_GET_REASON(e) == PEM_R_NO_START_LINE);
}

/* Adds every certificate of the PEM string ssl.ca.pem to the trust
 * store. */
static krafka_err_t load_ca_pem(SSL_CTX *ctx, const char *pem, char *errstr,
                                size_t errstr_size)
{
    X509_STORE *store = SSL_CTX_get_cert_store(ctx); /* borrowed */
    BIO *bio = BIO_new_mem_buf(pem, -1);
    int added = 0;
    X509 *x;
    if (!bio)
        return ssl_fail(errstr, errstr_size, "ssl.ca.pem");
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        int ok = X509_STORE_add_cert(store, x);
        X509_free(x);
        if (!ok) {
            BIO_free(bio);
            return ssl_fail(errstr, errstr_size,
                            "ssl.ca.pem: cannot add certificate");
        }
        added++;
    }
    BIO_free(bio);
    if (added == 0 || !only_pem_end_queued())
        return ssl_fail(errstr, errstr_size,
                        "ssl.ca.pem: no valid PEM certificate");
    ERR_clear_error();
    return KRAFKA_ERR_NONE;
}

/* ssl.ca.location and ssl.ca.pem add up when both are set; with neither,
 * the system's default CA paths are trusted. */
static krafka_err_t load_trust(SSL_CTX *ctx, const struct krafka_conf *conf,
                               char *errstr, size_t errstr_size)
{
    krafka_err_t err = KRAFKA_ERR_NONE;
    if (conf->ssl_ca_location)
        err = load_ca_location(ctx, conf->ssl_ca_location, errstr,
                               errstr_size);
    if (!err && conf->ssl_ca_pem)
        err = load_ca_pem(ctx, conf->ssl_ca_pem, errstr, errstr_size);
    if (err || conf->ssl_ca_location || conf->ssl_ca_pem)
        return err;
    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
        return ssl_fail(errstr, errstr_size,
                        "cannot load the system's default CA paths");
    return KRAFKA_ERR_NONE;
}

/* Sets the client certificate and its chain from the PEM string
 * ssl.certificate.pem: the first certificate is the leaf, the rest its
 * chain. */
static int use_cert_pem(SSL_CTX *ctx, const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    X509 *x;
    int ok = 0;
    if (!bio)
        return 0;
    x = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
    if (x && SSL_CTX_use_certificate(ctx, x) == 1) {
        X509 *ca;
        ok = 1;
        while (ok && (ca = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
            ok = SSL_CTX_add0_chain_cert(ctx, ca) == 1;
            if (!ok)
                X509_free(ca);
        }
        ok = ok && only_pem_end_queued();
    }
    X509_free(x);
    BIO_free(bio);
    if (ok)
        ERR_clear_error();
    return ok;
}

/* pem_password_cb: @u is the configured ssl.key.password (borrowed, may be
 * NULL). Without a password an encrypted key fails to load instead of
 * OpenSSL prompting on the terminal. */
static int key_password_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pw = u;
    (void)rwflag;
    if (!pw || size <= 0)
        return -1;
    size_t len = strlen(pw);
    if (len > (size_t)size)
        return -1;
    memcpy(buf, pw, len);
    return (int)len;
}

/* Reads the private key from ssl.key.location or ssl.key.pem. */
static EVP_PKEY *read_key(const struct krafka_conf *conf)
{
    BIO *bio = conf->ssl_key_location
                   ? BIO_new_file(conf->ssl_key_location, "r")
                   : BIO_new_mem_buf(conf->ssl_key_pem, -1);
    if (!bio)
        return NULL;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(bio, NULL, key_password_cb,
                                            conf->ssl_key_password);
    BIO_free(bio);
    return key;
}

/* Loads the key; OpenSSL checks it against the certificate loaded before
 * (@cert_prop). */
static krafka_err_t load_key(SSL_CTX *ctx, const struct krafka_conf *conf,
                             const char *cert_prop, char *errstr,
                             size_t errstr_size)
{
    const char *prop =
        conf->ssl_key_location ? "ssl.key.location" : "ssl.key.pem";
    char what[512];
    EVP_PKEY *key = read_key(conf);
    if (!key) {
        snprintf(what, sizeof what, "%s: cannot read private key%s%s%s",
                 prop, conf->ssl_key_location ? " " : "",
                 conf->ssl_key_location ? conf->ssl_key_location : "",
                 conf->ssl_key_password
                     ? " (wrong ssl.key.password?)"
                     : " (encrypted? then set ssl.key.password)");
        return ssl_fail(errstr, errstr_size, what);
    }
    int ok = SSL_CTX_use_PrivateKey(ctx, key);
    EVP_PKEY_free(key);
    if (ok != 1) {
        snprintf(what, sizeof what, "%s: cannot use private key with %s",
                 prop, cert_prop);
        return ssl_fail(errstr, errstr_size, what);
    }
    return KRAFKA_ERR_NONE;
}

/* Loads the client certificate (and chain) from @cert_prop. */
static krafka_err_t load_cert(SSL_CTX *ctx, const struct krafka_conf *conf,
                              const char *cert_prop, char *errstr,
                              size_t errstr_size)
{
    const char *path = conf->ssl_certificate_location;
    char what[512];
    int ok = path ? SSL_CTX_use_certificate_chain_file(ctx, path)
                  : use_cert_pem(ctx, conf->ssl_certificate_pem);
    if (ok == 1)
        return KRAFKA_ERR_NONE;
    snprintf(what, sizeof what, "%s: cannot load certificate%s%s", cert_prop,
             path ? " " : "", path ? path : "");
    return ssl_fail(errstr, errstr_size, what);
}

/* The client certificate and key: both or neither, and matching. */
static krafka_err_t load_identity(SSL_CTX *ctx,
                                  const struct krafka_conf *conf,
                                  char *errstr, size_t errstr_size)
{
    bool has_cert = conf->ssl_certificate_location || conf->ssl_certificate_pem;
    bool has_key = conf->ssl_key_location || conf->ssl_key_pem;
    const char *cert_prop = conf->ssl_certificate_location
                                ? "ssl.certificate.location"
                                : "ssl.certificate.pem";
    const char *key_props = "ssl.key.location/ssl.key.pem";
    char what[512];
    krafka_err_t err;
    if (!has_cert && !has_key)
        return KRAFKA_ERR_NONE;
    if (has_cert != has_key) {
        snprintf(errstr, errstr_size,
                 "%s is set but %s is not: a client certificate needs both",
                 has_cert ? cert_prop : key_props,
                 has_cert ? key_props
                          : "ssl.certificate.location/ssl.certificate.pem");
        return KRAFKA_ERR_LOCAL_SSL;
    }
    if ((err = load_cert(ctx, conf, cert_prop, errstr, errstr_size)) != 0 ||
        (err = load_key(ctx, conf, cert_prop, errstr, errstr_size)) != 0)
        return err;
    if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(what, sizeof what, "%s does not match %s",
                 conf->ssl_key_location ? "ssl.key.location" : "ssl.key.pem",
                 cert_prop);
        return ssl_fail(errstr, errstr_size, what);
    }
    return KRAFKA_ERR_NONE;
}

static krafka_err_t configure(struct kr_tls_ctx *c,
                              const struct krafka_conf *conf, char *errstr,
                              size_t errstr_size)
{
    SSL_CTX *ctx = c->ssl_ctx;
    krafka_err_t err;
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return ssl_fail(errstr, errstr_size, "cannot require TLS 1.2");
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                              SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (conf->ssl_cipher_suites &&
        SSL_CTX_set_cipher_list(ctx, conf->ssl_cipher_suites) != 1)
        return ssl_fail(errstr, errstr_size,
                        "ssl.cipher.suites: no usable cipher");
    if ((err = load_trust(ctx, conf, errstr, errstr_size)) != 0 ||
        (err = load_identity(ctx, conf, errstr, errstr_size)) != 0)
        return err;
    c->has_identity = conf->ssl_certificate_location ||
                      conf->ssl_certificate_pem;
    c->verify_peer = conf->enable_ssl_certificate_verification;
    c->verify_host = c->verify_peer && conf->ssl_endpoint_identification;
    SSL_CTX_set_verify(ctx, c->verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                       NULL);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_tls_ctx_new(struct kr_tls_ctx **out,
                            const struct krafka_conf *conf, char *errstr,
                            size_t errstr_size)
{
    struct kr_tls_ctx *c = calloc(1, sizeof *c);
    krafka_err_t err;
    *out = NULL;
    if (!c) {
        snprintf(errstr, errstr_size, "out of memory");
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    ERR_clear_error();
    c->ssl_ctx = SSL_CTX_new(TLS_client_method());
    c->bio_method = bio_sock_method();
    if (!c->ssl_ctx || !c->bio_method)
        err = ssl_fail(errstr, errstr_size, "cannot create TLS context");
    else
        err = configure(c, conf, errstr, errstr_size);
    if (err) {
        ERR_clear_error();
        kr_tls_ctx_destroy(c);
        return err;
    }
    *out = c;
    return KRAFKA_ERR_NONE;
}

void kr_tls_ctx_destroy(struct kr_tls_ctx *ctx)
{
    if (!ctx)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    BIO_meth_free(ctx->bio_method);
    free(ctx);
}

/* ---- session ---- */

static bool is_ip_literal(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, addr) == 1 ||
           inet_pton(AF_INET6, host, addr) == 1;
}

/* SNI for names, and the name or address the certificate must carry. */
static int set_peer_name(struct kr_tls *t, const struct kr_tls_ctx *ctx,
                         const char *host)
{
    bool ip = is_ip_literal(host);
    if (!ip && SSL_set_tlsext_host_name(t->ssl, host) != 1)
        return 0;
    if (!ctx->verify_host)
        return 1;
    if (ip)
        return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), host);
    SSL_set_hostflags(t->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return SSL_set1_host(t->ssl, host);
}

static krafka_err_t session_setup(struct kr_tls *t, struct kr_tls_ctx *ctx,
                                  const char *host, char *errstr,
                                  size_t errstr_size)
{
    char what[320];
    t->ssl = SSL_new(ctx->ssl_ctx);
    BIO *bio = t->ssl ? BIO_new(ctx->bio_method) : NULL;
    if (!bio)
        return ssl_fail(errstr, errstr_size, "cannot create TLS session");
    BIO_set_data(bio, t);
    SSL_set_bio(t->ssl, bio, bio); /* the session owns the BIO */
    if (!set_peer_name(t, ctx, host)) {
        snprintf(what, sizeof what, "cannot set TLS peer name \"%s\"", host);
        return ssl_fail(errstr, errstr_size, what);
    }
    SSL_set_connect_state(t->ssl);
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_tls_new(struct kr_tls **out, struct kr_tls_ctx *ctx, int fd,
                        const char *host, char *errstr, size_t errstr_size)
{
    struct kr_tls *t;
    krafka_err_t err;
    *out = NULL;
    if (!host || !*host) {
        snprintf(errstr, errstr_size, "TLS session needs the broker's host");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    t = calloc(1, sizeof *t);
    if (t)
        t->host = strdup(host);
    if (!t || !t->host) {
        free(t);
        snprintf(errstr, errstr_size, "out of memory");
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    t->fd = fd;
    t->has_identity = ctx->has_identity;
    ERR_clear_error();
    err = session_setup(t, ctx, host, errstr, errstr_size);
    if (err) {
        t->fatal = true; /* no shutdown attempt on a half-built session */
        kr_tls_destroy(t);
        return err;
    }
    *out = t;
    return KRAFKA_ERR_NONE;
}

void kr_tls_destroy(struct kr_tls *t)
{
    if (!t)
        return;
    if (t->ssl) {
        /* One non-blocking try at close_notify; the result does not
         * matter, the socket is closed next. */
        if (!t->fatal && SSL_is_init_finished(t->ssl)) {
            ERR_clear_error();
            (void)SSL_shutdown(t->ssl);
        }
        SSL_free(t->ssl);
        ERR_clear_error();
    }
    free(t->host);
    free(t);
}

/* ---- non-blocking operations ---- */

/* The message for a handshake that failed certificate verification. */
static void verify_failure(const struct kr_tls *t, char *errstr,
                           size_t errstr_size)
{
    long v = SSL_get_verify_result(t->ssl);
    if (v == X509_V_ERR_HOSTNAME_MISMATCH ||
        v == X509_V_ERR_IP_ADDRESS_MISMATCH)
        snprintf(errstr, errstr_size,
                 "certificate verify failed: hostname mismatch: the "
                 "broker's certificate is not valid for \"%s\" "
                 "(ssl.endpoint.identification.algorithm=https)",
                 t->host);
    else
        snprintf(errstr, errstr_size, "certificate verify failed: %s",
                 X509_verify_cert_error_string(v));
}

/* The alerts a broker sends when mTLS is on and we sent no certificate:
 * "certificate required" or, from Java brokers, "bad certificate" (TLS
 * 1.3), "handshake failure" (TLS 1.2, which has other causes too). */
static const char *client_cert_hint(const struct kr_tls *t, int reason)
{
    if (t->has_identity)
        return "";
    /* The JDK answers a missing certificate with "bad certificate". */
    if (reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED ||
        reason == SSL_R_SSLV3_ALERT_BAD_CERTIFICATE)
        return " (the broker requires a client certificate: set "
               "ssl.certificate.location and ssl.key.location)";
    if (reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE)
        return " (does the broker require a client certificate? "
               "ssl.certificate.location is not set)";
    return "";
}

/* SSL_ERROR_SSL: a protocol failure, a verify failure or an alert sent by
 * the broker. */
static enum kr_tls_rc ssl_failure(struct kr_tls *t, const char *op,
                                  char *errstr, size_t errstr_size)
{
    char errs[512];
    int reason = drain_errors(errs, sizeof errs);
    t->fatal = true;
    if (reason == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        snprintf(errstr, errstr_size,
                 "%s: connection closed by peer (without close_notify)", op);
        return KR_TLS_CLOSED;
    }
    if (reason == SSL_R_CERTIFICATE_VERIFY_FAILED) {
        verify_failure(t, errstr, errstr_size);
        return KR_TLS_ERROR;
    }
    snprintf(errstr, errstr_size, "%s failed: %s%s", op, errs,
             client_cert_hint(t, reason));
    return KR_TLS_ERROR;
}

/* Maps a failed SSL_* call (@ret <= 0, errno @sys right after it) to a
 * result and a message. */
static enum kr_tls_rc op_failure(struct kr_tls *t, int ret, int sys,
                                 const char *op, char *errstr,
                                 size_t errstr_size)
{
    char eb[128];
    switch (SSL_get_error(t->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
        return KR_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return KR_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        snprintf(errstr, errstr_size, "%s: connection closed by peer", op);
        return KR_TLS_CLOSED;
    case SSL_ERROR_SSL:
        return ssl_failure(t, op, errstr, errstr_size);
    case SSL_ERROR_SYSCALL:
        t->fatal = true;
        if (ERR_peek_error() != 0)
            return ssl_failure(t, op, errstr, errstr_size);
        if (sys == 0 || t->eof) {
            snprintf(errstr, errstr_size,
                     "%s: connection closed by peer", op);
            return KR_TLS_CLOSED;
        }
        snprintf(errstr, errstr_size, "%s: %s", op,
                 errno_text(sys, eb, sizeof eb));
        return KR_TLS_ERROR;
    default:
        t->fatal = true;
        ERR_clear_error();
        snprintf(errstr, errstr_size, "%s: unexpected OpenSSL state", op);
        return KR_TLS_ERROR;
    }
}

enum kr_tls_rc kr_tls_handshake(struct kr_tls *t, char *errstr,
                                size_t errstr_size)
{
    ERR_clear_error();
    errno = 0;
    int r = SSL_do_handshake(t->ssl);
    int sys = errno;
    if (r == 1)
        return KR_TLS_OK;
    return op_failure(t, r, sys, "TLS handshake", errstr, errstr_size);
}

enum kr_tls_rc kr_tls_read(struct kr_tls *t, void *buf, size_t len,
                           size_t *n, char *errstr, size_t errstr_size)
{
    *n = 0;
    if (len == 0) {
        snprintf(errstr, errstr_size, "TLS read: zero-length buffer");
        return KR_TLS_ERROR;
    }
    ERR_clear_error();
    errno = 0;
    int r = SSL_read_ex(t->ssl, buf, len, n);
    int sys = errno;
    if (r == 1)
        return KR_TLS_OK;
    *n = 0;
    return op_failure(t, r, sys, "TLS read", errstr, errstr_size);
}

enum kr_tls_rc kr_tls_write(struct kr_tls *t, const void *buf, size_t len,
                            size_t *n, char *errstr, size_t errstr_size)
{
    *n = 0;
    if (len == 0) {
        snprintf(errstr, errstr_size, "TLS write: zero-length buffer");
        return KR_TLS_ERROR;
    }
    ERR_clear_error();
    errno = 0;
    int r = SSL_write_ex(t->ssl, buf, len, n);
    int sys = errno;
    if (r == 1)
        return KR_TLS_OK;
    *n = 0;
    return op_failure(t, r, sys, "TLS write", errstr, errstr_size);
}

int kr_tls_pending(const struct kr_tls *t)
{
    /* SSL_has_pending also counts received bytes not yet decrypted. */
    return SSL_pending(t->ssl) > 0 || SSL_has_pending(t->ssl);
}
