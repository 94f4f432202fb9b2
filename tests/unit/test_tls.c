/*
 * TLS sessions against an in-process OpenSSL server: a throwaway PKI made
 * at start-up (a CA, a server certificate for DNS:localhost and
 * IP:127.0.0.1, a client certificate, an unrelated CA), written to PEM files
 * in a temporary directory for the *.location properties. Client and server
 * sit on the two ends of a non-blocking socketpair and are pumped in turn by
 * one thread, so every test is bounded by a loop cap, not by sleeps.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kt_check.h"
#include "net/tls.h"

#define KEY_PASSWORD "s3cret pass"
#define LOOP_CAP 100000
#define MIB (1024 * 1024)

/* ---- throwaway PKI ---- */

struct pki {
    char dir[64]; /* mkdtemp; everything below lives in it */
    EVP_PKEY *ca_key, *srv_key, *cli_key, *other_key;
    X509 *ca, *srv, *cli, *other_ca;
    char *ca_file, *other_ca_file, *garbage_file;
    char *ca_dir, *ca_dir_entry, *empty_dir;
    char *cli_cert_file, *cli_key_file, *cli_key_enc_file;
    char *ca_pem, *other_ca_pem, *srv_key_pem;
    char *cli_cert_pem, *cli_key_pem, *cli_key_enc_pem;
};

static struct pki pki; /* built once before the tests fork */

static EVP_PKEY *new_key(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    ck_assert_ptr_nonnull(k);
    return k;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    ck_assert_ptr_nonnull(ext);
    ck_assert_int_eq(X509_add_ext(x, ext, -1), 1);
    X509_EXTENSION_free(ext);
}

/* A certificate for @key named @cn, signed by @issuer/@issuer_key, or a
 * self-signed CA when @issuer is NULL. @san: subjectAltName or NULL. */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
                      EVP_PKEY *issuer_key, const char *san, long serial)
{
    X509 *x = X509_new();
    bool ca = issuer == NULL;
    ck_assert_ptr_nonnull(x);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(ca ? x : issuer));
    add_ext(x, ca ? x : issuer, NID_basic_constraints,
            ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add_ext(x, ca ? x : issuer, NID_key_usage,
            ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
    add_ext(x, ca ? x : issuer, NID_subject_key_identifier, "hash");
    if (!ca)
        add_ext(x, issuer, NID_ext_key_usage, "serverAuth,clientAuth");
    if (san)
        add_ext(x, ca ? x : issuer, NID_subject_alt_name, san);
    ck_assert_int_gt(X509_sign(x, ca ? key : issuer_key, EVP_sha256()), 0);
    return x;
}

/* The contents of memory BIO @b as a NUL-terminated string; frees @b. */
static char *bio_string(BIO *b)
{
    char *data;
    long len = BIO_get_mem_data(b, &data);
    ck_assert_int_gt(len, 0);
    char *s = strndup(data, (size_t)len);
    ck_assert_ptr_nonnull(s);
    BIO_free(b);
    return s;
}

static char *cert_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_X509(b, x), 1);
    return bio_string(b);
}

/* PKCS#8 PEM, encrypted with AES-256-CBC under @pass unless NULL. */
static char *key_pem(EVP_PKEY *k, const char *pass)
{
    BIO *b = BIO_new(BIO_s_mem());
    ck_assert_int_eq(PEM_write_bio_PrivateKey(
                         b, k, pass ? EVP_aes_256_cbc() : NULL,
                         (const unsigned char *)pass,
                         pass ? (int)strlen(pass) : 0, NULL, NULL),
                     1);
    return bio_string(b);
}

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static char *write_file(const char *dir, const char *name, const char *text)
{
    char *path = path_in(dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

static char *make_dir(const char *dir, const char *name)
{
    char *path = path_in(dir, name);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    return path;
}

static void pki_make_certs(void)
{
    pki.ca_key = new_key();
    pki.srv_key = new_key();
    pki.cli_key = new_key();
    pki.other_key = new_key();
    pki.ca = new_cert(pki.ca_key, "krafka test CA", NULL, NULL, NULL, 1);
    pki.srv = new_cert(pki.srv_key, "localhost", pki.ca, pki.ca_key,
                       "DNS:localhost,IP:127.0.0.1", 2);
    pki.cli = new_cert(pki.cli_key, "krafka test client", pki.ca,
                       pki.ca_key, NULL, 3);
    pki.other_ca =
        new_cert(pki.other_key, "unrelated test CA", NULL, NULL, NULL, 4);
    pki.ca_pem = cert_pem(pki.ca);
    pki.other_ca_pem = cert_pem(pki.other_ca);
    pki.srv_key_pem = key_pem(pki.srv_key, NULL);
    pki.cli_cert_pem = cert_pem(pki.cli);
    pki.cli_key_pem = key_pem(pki.cli_key, NULL);
    pki.cli_key_enc_pem = key_pem(pki.cli_key, KEY_PASSWORD);
}

/* The CA directory holds the CA under its c_rehash name: <hash>.0. */
static void pki_make_ca_dir(void)
{
    int ok = 0;
    unsigned long h = X509_NAME_hash_ex(X509_get_subject_name(pki.ca), NULL,
                                        NULL, &ok);
    char name[16];
    ck_assert_int_eq(ok, 1);
    snprintf(name, sizeof name, "%08lx.0", h);
    pki.ca_dir = make_dir(pki.dir, "cadir");
    pki.ca_dir_entry = write_file(pki.ca_dir, name, pki.ca_pem);
    pki.empty_dir = make_dir(pki.dir, "emptydir");
}

static void pki_setup(void)
{
    snprintf(pki.dir, sizeof pki.dir, "/tmp/krafka-tls-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(pki.dir));
    pki_make_certs();
    pki.ca_file = write_file(pki.dir, "ca.pem", pki.ca_pem);
    pki.other_ca_file = write_file(pki.dir, "other-ca.pem", pki.other_ca_pem);
    pki.garbage_file = write_file(pki.dir, "garbage.pem", "not a cert\n");
    pki.cli_cert_file = write_file(pki.dir, "client.pem", pki.cli_cert_pem);
    pki.cli_key_file = write_file(pki.dir, "client.key", pki.cli_key_pem);
    pki.cli_key_enc_file =
        write_file(pki.dir, "client-enc.key", pki.cli_key_enc_pem);
    pki_make_ca_dir();
}

static void unlink_free(char *path)
{
    unlink(path);
    free(path);
}

static void pki_teardown(void)
{
    unlink_free(pki.ca_file);
    unlink_free(pki.other_ca_file);
    unlink_free(pki.garbage_file);
    unlink_free(pki.cli_cert_file);
    unlink_free(pki.cli_key_file);
    unlink_free(pki.cli_key_enc_file);
    unlink_free(pki.ca_dir_entry);
    rmdir(pki.ca_dir);
    rmdir(pki.empty_dir);
    free(pki.ca_dir);
    free(pki.empty_dir);
    rmdir(pki.dir);
    free(pki.ca_pem);
    free(pki.other_ca_pem);
    free(pki.srv_key_pem);
    free(pki.cli_cert_pem);
    free(pki.cli_key_pem);
    free(pki.cli_key_enc_pem);
    X509_free(pki.ca);
    X509_free(pki.srv);
    X509_free(pki.cli);
    X509_free(pki.other_ca);
    EVP_PKEY_free(pki.ca_key);
    EVP_PKEY_free(pki.srv_key);
    EVP_PKEY_free(pki.cli_key);
    EVP_PKEY_free(pki.other_key);
}

/* ---- client config and in-process server ---- */

/* Verification on, hostname checked, trusting the test CA file. */
static struct krafka_conf base_conf(void)
{
    struct krafka_conf c;
    memset(&c, 0, sizeof c);
    c.ssl_ca_location = pki.ca_file;
    c.ssl_endpoint_identification = true;
    c.enable_ssl_certificate_verification = true;
    return c;
}

static void with_client_cert(struct krafka_conf *c)
{
    c->ssl_certificate_location = pki.cli_cert_file;
    c->ssl_key_location = pki.cli_key_file;
}

enum srv_flags {
    SRV_MTLS = 1 << 0,  /* requires a client certificate from the CA */
    SRV_TLS12 = 1 << 1, /* at most TLS 1.2 */
    SRV_TLS11 = 1 << 2, /* exactly TLS 1.1 (which the client refuses) */
};

static SSL_CTX *server_ctx(unsigned flags)
{
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(SSL_CTX_use_certificate(s, pki.srv), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(s, pki.srv_key), 1);
    SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (flags & SRV_TLS12)
        SSL_CTX_set_max_proto_version(s, TLS1_2_VERSION);
    if (flags & SRV_TLS11) {
        SSL_CTX_set_security_level(s, 0);
        SSL_CTX_set_min_proto_version(s, TLS1_1_VERSION);
        SSL_CTX_set_max_proto_version(s, TLS1_1_VERSION);
    }
    if (flags & SRV_MTLS) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(s), pki.ca);
        SSL_CTX_set_verify(
            s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    return s;
}

/* One client session and the server end of its socketpair. */
struct link {
    int cfd, sfd;
    struct kr_tls_ctx *ctx; /* owned unless shared */
    bool shared_ctx;
    struct kr_tls *cli;
    SSL_CTX *sctx;
    SSL *srv;
    enum kr_tls_rc crc; /* the client's last handshake result */
    int srv_state;      /* 0 handshaking, 1 accepted, -1 failed */
    char err[512];
};

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    ck_assert_int_ge(fl, 0);
    ck_assert_int_eq(fcntl(fd, F_SETFL, fl | O_NONBLOCK), 0);
}

/* Opens a link whose client uses @ctx, or a context of its own from @conf
 * when @ctx is NULL. */
static void link_open_ctx(struct link *l, struct kr_tls_ctx *ctx,
                          const struct krafka_conf *conf, const char *host,
                          unsigned srv_flags)
{
    int sv[2];
    memset(l, 0, sizeof *l);
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    set_nonblock(sv[0]);
    set_nonblock(sv[1]);
    l->cfd = sv[0];
    l->sfd = sv[1];
    l->shared_ctx = ctx != NULL;
    l->ctx = ctx;
    if (!ctx)
        ck_assert_msg(kr_tls_ctx_new(&l->ctx, conf, l->err, sizeof l->err) ==
                          KRAFKA_ERR_NONE,
                      "kr_tls_ctx_new: %s", l->err);
    ck_assert_msg(kr_tls_new(&l->cli, l->ctx, l->cfd, host, l->err,
                             sizeof l->err) == KRAFKA_ERR_NONE,
                  "kr_tls_new: %s", l->err);
    l->sctx = server_ctx(srv_flags);
    l->srv = SSL_new(l->sctx);
    ck_assert_ptr_nonnull(l->srv);
    ck_assert_int_eq(SSL_set_fd(l->srv, l->sfd), 1);
    SSL_set_accept_state(l->srv);
}

static void link_open(struct link *l, const struct krafka_conf *conf,
                      const char *host, unsigned srv_flags)
{
    link_open_ctx(l, NULL, conf, host, srv_flags);
}

static void link_close(struct link *l)
{
    kr_tls_destroy(l->cli);
    if (!l->shared_ctx)
        kr_tls_ctx_destroy(l->ctx);
    SSL_free(l->srv);
    SSL_CTX_free(l->sctx);
    close(l->cfd);
    if (l->sfd >= 0)
        close(l->sfd);
}

static bool is_want(enum kr_tls_rc rc)
{
    return rc == KR_TLS_WANT_READ || rc == KR_TLS_WANT_WRITE;
}

/* One non-blocking SSL_accept step. The server shares this thread's
 * OpenSSL error queue with the client and leaves errors behind on purpose:
 * the client must not mistake them for its own. */
static void server_step(struct link *l)
{
    int r = SSL_accept(l->srv);
    if (r == 1) {
        l->srv_state = 1;
        return;
    }
    int e = SSL_get_error(l->srv, r);
    if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
        l->srv_state = -1;
}

/* Pumps both handshakes until neither side waits (a failed client gets
 * the server a few more steps to see its alert). Returns the client's
 * result; l->err holds its message. */
static enum kr_tls_rc link_handshake(struct link *l)
{
    int after = 0;
    l->crc = KR_TLS_WANT_WRITE;
    for (int i = 0; i < LOOP_CAP; i++) {
        if (is_want(l->crc))
            l->crc = kr_tls_handshake(l->cli, l->err, sizeof l->err);
        if (l->srv_state == 0)
            server_step(l);
        if (is_want(l->crc))
            continue;
        if (l->srv_state != 0 || (l->crc != KR_TLS_OK && ++after > 10))
            return l->crc;
    }
    ck_abort_msg("handshake did not finish within the loop cap");
    return KR_TLS_ERROR;
}

static void expect_handshake_ok(struct link *l)
{
    enum kr_tls_rc rc = link_handshake(l);
    ck_assert_msg(rc == KR_TLS_OK, "client handshake rc %d: %s", rc, l->err);
    ck_assert_int_eq(l->srv_state, 1);
}

/* Client reads until it gets something other than WANT_*, while the
 * server is given the chance to finish its own handshake. */
static enum kr_tls_rc client_read(struct link *l, void *buf, size_t len,
                                  size_t *n)
{
    enum kr_tls_rc rc = KR_TLS_WANT_READ;
    for (int i = 0; i < LOOP_CAP && is_want(rc); i++) {
        rc = kr_tls_read(l->cli, buf, len, n, l->err, sizeof l->err);
        if (l->srv_state == 0)
            server_step(l);
    }
    return rc;
}

/* Server sends @len bytes of @buf completely (pumping nothing else; the
 * socket buffer must be able to hold them). */
static void server_send(struct link *l, const void *buf, size_t len)
{
    size_t done = 0, n;
    for (int i = 0; i < LOOP_CAP && done < len; i++)
        if (SSL_write_ex(l->srv, (const uint8_t *)buf + done, len - done,
                         &n) == 1)
            done += n;
    ck_assert_uint_eq(done, len);
}

/* The server says "ping"; the client must read exactly that. */
static void expect_ping(struct link *l)
{
    char buf[16];
    size_t n = 0;
    server_send(l, "ping", 4);
    enum kr_tls_rc rc = client_read(l, buf, sizeof buf, &n);
    ck_assert_msg(rc == KR_TLS_OK, "read rc %d: %s", rc, l->err);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
}

/* Handshake against the plain server must fail with @rc and a message
 * containing @want. */
static void expect_handshake_error(const struct krafka_conf *conf,
                                   const char *host, const char *want)
{
    struct link l;
    link_open(&l, conf, host, 0);
    enum kr_tls_rc rc = link_handshake(&l);
    ck_assert_msg(rc == KR_TLS_ERROR, "rc %d: %s", rc, l.err);
    ck_assert_msg(strstr(l.err, want), "\"%s\" lacks \"%s\"", l.err, want);
    link_close(&l);
}

/* kr_tls_ctx_new must fail with LOCAL_SSL and a message containing both
 * @want1 and @want2. */
static void expect_ctx_error(const struct krafka_conf *conf,
                             const char *want1, const char *want2)
{
    struct kr_tls_ctx *ctx = (struct kr_tls_ctx *)&ctx; /* not NULL */
    char err[512] = "";
    ck_assert_int_eq(kr_tls_ctx_new(&ctx, conf, err, sizeof err),
                     KRAFKA_ERR_LOCAL_SSL);
    ck_assert_ptr_null(ctx);
    ck_assert_msg(strstr(err, want1), "\"%s\" lacks \"%s\"", err, want1);
    ck_assert_msg(strstr(err, want2), "\"%s\" lacks \"%s\"", err, want2);
    ck_assert_uint_eq(ERR_peek_error(), 0);
}

static void expect_connects(const struct krafka_conf *conf, const char *host,
                            unsigned srv_flags)
{
    struct link l;
    link_open(&l, conf, host, srv_flags);
    expect_handshake_ok(&l);
    expect_ping(&l);
    link_close(&l);
}

/* ---- trust ---- */

START_TEST(handshake_succeeds_against_in_process_server_with_trusted_ca)
{
    struct krafka_conf c = base_conf();
    expect_connects(&c, "localhost", 0);
}
END_TEST

START_TEST(ca_directory_with_hashed_names_is_trusted)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = pki.ca_dir;
    expect_connects(&c, "localhost", 0);
}
END_TEST

START_TEST(ca_directory_without_the_ca_is_accepted_but_does_not_verify)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = pki.empty_dir;
    expect_handshake_error(&c, "localhost", "certificate verify failed");
}
END_TEST

START_TEST(ca_pem_string_with_several_certificates_is_trusted)
{
    struct krafka_conf c = base_conf();
    size_t n = strlen(pki.other_ca_pem) + strlen(pki.ca_pem) + 1;
    char *both = malloc(n);
    ck_assert_ptr_nonnull(both);
    snprintf(both, n, "%s%s", pki.other_ca_pem, pki.ca_pem);
    c.ssl_ca_location = NULL;
    c.ssl_ca_pem = both;
    expect_connects(&c, "localhost", 0);
    free(both);
}
END_TEST

START_TEST(untrusted_ca_fails_with_certificate_verify_failed)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = pki.other_ca_file;
    expect_handshake_error(&c, "localhost",
                           "certificate verify failed: unable to get local "
                           "issuer certificate");
}
END_TEST

START_TEST(default_system_ca_paths_do_not_trust_the_test_ca)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = NULL;
    expect_handshake_error(&c, "localhost", "certificate verify failed");
}
END_TEST

START_TEST(disabled_verification_accepts_an_untrusted_certificate)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = pki.other_ca_file;
    c.enable_ssl_certificate_verification = false;
    expect_connects(&c, "example.com", 0);
}
END_TEST

/* ---- host names ---- */

START_TEST(wrong_hostname_fails_with_hostname_mismatch)
{
    struct krafka_conf c = base_conf();
    expect_handshake_error(&c, "example.com", "hostname mismatch");
    expect_handshake_error(&c, "example.com", "example.com");
}
END_TEST

START_TEST(ip_literal_in_subject_alt_name_passes)
{
    struct krafka_conf c = base_conf();
    expect_connects(&c, "127.0.0.1", 0);
}
END_TEST

START_TEST(ip_literal_not_in_subject_alt_name_fails_with_hostname_mismatch)
{
    struct krafka_conf c = base_conf();
    expect_handshake_error(&c, "127.0.0.2", "hostname mismatch");
    expect_handshake_error(&c, "::1", "hostname mismatch");
}
END_TEST

START_TEST(endpoint_identification_none_accepts_a_wrong_hostname)
{
    struct krafka_conf c = base_conf();
    c.ssl_endpoint_identification = false;
    expect_connects(&c, "example.com", 0);
    expect_connects(&c, "10.1.2.3", 0);
}
END_TEST

/* The server name the client sent, or NULL. */
static char *sni_seen(const char *host)
{
    struct krafka_conf c = base_conf();
    struct link l;
    c.ssl_endpoint_identification = false;
    link_open(&l, &c, host, 0);
    expect_handshake_ok(&l);
    const char *s = SSL_get_servername(l.srv, TLSEXT_NAMETYPE_host_name);
    char *copy = s ? strdup(s) : NULL;
    link_close(&l);
    return copy;
}

START_TEST(sni_is_sent_for_names_and_not_for_ip_literals)
{
    char *s = sni_seen("localhost");
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, "localhost");
    free(s);
    ck_assert_ptr_null(sni_seen("127.0.0.1"));
    ck_assert_ptr_null(sni_seen("::1"));
}
END_TEST

/* ---- client certificates ---- */

/* mTLS server, no client certificate: TLS 1.3 lets the client finish its
 * handshake before the server checks, so the alert may only show up on the
 * first read. The message must contain @want and a hint. */
static void expect_client_cert_required(unsigned srv_flags, const char *want)
{
    struct krafka_conf c = base_conf();
    struct link l;
    char buf[16];
    size_t n;
    link_open(&l, &c, "localhost", SRV_MTLS | srv_flags);
    enum kr_tls_rc rc = link_handshake(&l);
    if (rc == KR_TLS_OK)
        rc = client_read(&l, buf, sizeof buf, &n);
    ck_assert_msg(rc == KR_TLS_ERROR, "rc %d: %s", rc, l.err);
    ck_assert_msg(strstr(l.err, want), "\"%s\" lacks \"%s\"", l.err, want);
    ck_assert_msg(strstr(l.err, "client certificate"), "no hint: %s", l.err);
    ck_assert_int_eq(l.srv_state, -1);
    link_close(&l);
}

START_TEST(mtls_without_client_certificate_fails_with_certificate_required)
{
    expect_client_cert_required(0, "tlsv13 alert certificate required");
}
END_TEST

START_TEST(mtls_without_client_certificate_in_tls12_fails_in_handshake)
{
    expect_client_cert_required(SRV_TLS12, "handshake failure");
}
END_TEST

START_TEST(mtls_with_certificate_and_key_files_succeeds)
{
    struct krafka_conf c = base_conf();
    with_client_cert(&c);
    struct link l;
    link_open(&l, &c, "localhost", SRV_MTLS);
    expect_handshake_ok(&l);
    expect_ping(&l);
    X509 *peer = SSL_get0_peer_certificate(l.srv);
    ck_assert_ptr_nonnull(peer);
    ck_assert_int_eq(X509_cmp(peer, pki.cli), 0);
    link_close(&l);
    c.ssl_ca_location = NULL; /* and again trusting a CA PEM string */
    c.ssl_ca_pem = pki.ca_pem;
    expect_connects(&c, "localhost", SRV_MTLS | SRV_TLS12);
}
END_TEST

START_TEST(mtls_with_certificate_and_key_pem_strings_succeeds)
{
    struct krafka_conf c = base_conf();
    c.ssl_certificate_pem = pki.cli_cert_pem;
    c.ssl_key_pem = pki.cli_key_pem;
    expect_connects(&c, "localhost", SRV_MTLS);
}
END_TEST

START_TEST(encrypted_key_with_the_right_password_succeeds)
{
    struct krafka_conf c = base_conf();
    with_client_cert(&c);
    c.ssl_key_location = pki.cli_key_enc_file;
    c.ssl_key_password = KEY_PASSWORD;
    expect_connects(&c, "localhost", SRV_MTLS);
    c.ssl_key_location = NULL;
    c.ssl_key_pem = pki.cli_key_enc_pem;
    expect_connects(&c, "localhost", SRV_MTLS);
}
END_TEST

START_TEST(encrypted_key_with_a_wrong_password_is_local_ssl)
{
    struct krafka_conf c = base_conf();
    with_client_cert(&c);
    c.ssl_key_location = pki.cli_key_enc_file;
    c.ssl_key_password = "wrong";
    expect_ctx_error(&c, "ssl.key.location", "ssl.key.password");
    /* Not "bad decrypt": about 1 time in 256 a wrong password decrypts to
     * valid padding and OpenSSL reports a parse error instead. */
    expect_ctx_error(&c, pki.cli_key_enc_file, "ssl.key.password");
    c.ssl_key_location = NULL;
    c.ssl_key_pem = pki.cli_key_enc_pem;
    expect_ctx_error(&c, "ssl.key.pem", "ssl.key.password");
}
END_TEST

START_TEST(encrypted_key_without_a_password_is_local_ssl_not_a_prompt)
{
    struct krafka_conf c = base_conf();
    with_client_cert(&c);
    c.ssl_key_location = pki.cli_key_enc_file;
    expect_ctx_error(&c, "ssl.key.location", "ssl.key.password");
}
END_TEST

START_TEST(key_not_matching_the_certificate_is_local_ssl)
{
    struct krafka_conf c = base_conf();
    c.ssl_certificate_location = pki.cli_cert_file;
    c.ssl_key_pem = pki.srv_key_pem;
    expect_ctx_error(&c, "ssl.key.pem", "ssl.certificate.location");
    expect_ctx_error(&c, "ssl.key.pem", "key values mismatch");
}
END_TEST

START_TEST(certificate_without_key_is_local_ssl)
{
    struct krafka_conf c = base_conf();
    c.ssl_certificate_location = pki.cli_cert_file;
    expect_ctx_error(&c, "ssl.certificate.location", "ssl.key.location");
    c.ssl_certificate_location = NULL;
    c.ssl_key_location = pki.cli_key_file;
    expect_ctx_error(&c, "ssl.key.location", "ssl.certificate.location");
}
END_TEST

START_TEST(unreadable_certificate_is_local_ssl_naming_the_property)
{
    struct krafka_conf c = base_conf();
    with_client_cert(&c);
    c.ssl_certificate_location = pki.garbage_file;
    expect_ctx_error(&c, "ssl.certificate.location", pki.garbage_file);
    c.ssl_certificate_location = NULL;
    c.ssl_certificate_pem = "garbage";
    expect_ctx_error(&c, "ssl.certificate.pem", "error:");
}
END_TEST

/* ---- other configuration errors ---- */

START_TEST(missing_ca_file_is_local_ssl_naming_ssl_ca_location)
{
    struct krafka_conf c = base_conf();
    char *missing = path_in(pki.dir, "no-such-ca.pem");
    c.ssl_ca_location = missing;
    expect_ctx_error(&c, "ssl.ca.location", "No such file or directory");
    expect_ctx_error(&c, "ssl.ca.location", missing);
    free(missing);
}
END_TEST

START_TEST(ca_file_without_certificates_is_local_ssl_naming_ssl_ca_location)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = pki.garbage_file;
    expect_ctx_error(&c, "ssl.ca.location", "error:");
}
END_TEST

START_TEST(ca_pem_without_certificates_is_local_ssl_naming_ssl_ca_pem)
{
    struct krafka_conf c = base_conf();
    c.ssl_ca_location = NULL;
    c.ssl_ca_pem = "-----BEGIN CERTIFICATE-----\nnope\n"
                   "-----END CERTIFICATE-----\n";
    expect_ctx_error(&c, "ssl.ca.pem", "error:");
    c.ssl_ca_pem = "";
    expect_ctx_error(&c, "ssl.ca.pem", "no valid PEM certificate");
}
END_TEST

START_TEST(unknown_cipher_suites_are_local_ssl_naming_ssl_cipher_suites)
{
    struct krafka_conf c = base_conf();
    c.ssl_cipher_suites = "NO-SUCH-CIPHER";
    expect_ctx_error(&c, "ssl.cipher.suites", "no cipher match");
}
END_TEST

START_TEST(cipher_suites_restrict_tls12_ciphers)
{
    struct krafka_conf c = base_conf();
    struct link l;
    c.ssl_cipher_suites = "ECDHE-ECDSA-AES128-GCM-SHA256";
    link_open(&l, &c, "localhost", SRV_TLS12);
    expect_handshake_ok(&l);
    ck_assert_str_eq(SSL_get_cipher_name(l.srv),
                     "ECDHE-ECDSA-AES128-GCM-SHA256");
    link_close(&l);
}
END_TEST

START_TEST(server_offering_only_tls11_is_refused)
{
    struct krafka_conf c = base_conf();
    struct link l;
    link_open(&l, &c, "localhost", SRV_TLS11);
    enum kr_tls_rc rc = link_handshake(&l);
    ck_assert_msg(rc == KR_TLS_ERROR, "rc %d: %s", rc, l.err);
    ck_assert_msg(strstr(l.err, "protocol version"), "%s", l.err);
    link_close(&l);
}
END_TEST

START_TEST(host_is_required_for_a_session)
{
    struct krafka_conf c = base_conf();
    struct kr_tls_ctx *ctx;
    struct kr_tls *t;
    char err[256];
    ck_assert_int_eq(kr_tls_ctx_new(&ctx, &c, err, sizeof err),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_tls_new(&t, ctx, 0, "", err, sizeof err),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(kr_tls_new(&t, ctx, 0, NULL, err, sizeof err),
                     KRAFKA_ERR_LOCAL_INVALID_ARG);
    kr_tls_ctx_destroy(ctx);
    kr_tls_ctx_destroy(NULL);
    kr_tls_destroy(NULL);
}
END_TEST

/* ---- data ---- */

/* Deterministic filler (xorshift32), so failures reproduce. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)x;
    }
}

/* Byte counters of both directions of a transfer of MIB bytes. */
struct xfer {
    const uint8_t *c_out, *s_out;
    uint8_t *c_in, *s_in;
    size_t c_sent, c_got, s_sent, s_got;
    int wants; /* WANT_* results the client saw */
};

static void client_xfer_step(struct link *l, struct xfer *x)
{
    size_t n;
    enum kr_tls_rc rc;
    if (x->c_sent < MIB) {
        rc = kr_tls_write(l->cli, x->c_out + x->c_sent, MIB - x->c_sent, &n,
                          l->err, sizeof l->err);
        ck_assert_msg(rc == KR_TLS_OK || is_want(rc), "write: %s", l->err);
        x->c_sent += n;
        x->wants += is_want(rc);
    }
    if (x->c_got < MIB) {
        rc = kr_tls_read(l->cli, x->c_in + x->c_got, MIB - x->c_got, &n,
                         l->err, sizeof l->err);
        ck_assert_msg(rc == KR_TLS_OK || is_want(rc), "read: %s", l->err);
        ck_assert(rc != KR_TLS_OK || n > 0);
        x->c_got += n;
        x->wants += is_want(rc);
    }
}

static void server_xfer_step(struct link *l, struct xfer *x)
{
    size_t n;
    if (x->s_sent < MIB &&
        SSL_write_ex(l->srv, x->s_out + x->s_sent, MIB - x->s_sent, &n) == 1)
        x->s_sent += n;
    if (x->s_got < MIB &&
        SSL_read_ex(l->srv, x->s_in + x->s_got, MIB - x->s_got, &n) == 1)
        x->s_got += n;
}

START_TEST(one_mib_round_trips_in_both_directions)
{
    struct krafka_conf c = base_conf();
    struct link l;
    uint8_t *c_out = malloc(MIB), *s_out = malloc(MIB);
    struct xfer x = {.c_out = c_out, .s_out = s_out,
                     .c_in = calloc(1, MIB), .s_in = calloc(1, MIB)};
    ck_assert(c_out && s_out && x.c_in && x.s_in);
    fill(c_out, MIB, 1);
    fill(s_out, MIB, 2);
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    for (int i = 0; i < LOOP_CAP; i++) {
        client_xfer_step(&l, &x);
        server_xfer_step(&l, &x);
        if (x.c_got == MIB && x.s_got == MIB)
            break;
    }
    ck_assert_uint_eq(x.s_got, MIB);
    ck_assert_uint_eq(x.c_got, MIB);
    ck_assert_int_eq(memcmp(x.s_in, c_out, MIB), 0);
    ck_assert_int_eq(memcmp(x.c_in, s_out, MIB), 0);
    ck_assert_int_gt(x.wants, 0); /* the socket buffer is < 1 MiB */
    link_close(&l);
    free(c_out);
    free(s_out);
    free(x.c_in);
    free(x.s_in);
}
END_TEST

START_TEST(bytes_left_in_openssl_are_reported_as_pending)
{
    struct krafka_conf c = base_conf();
    struct link l;
    uint8_t out[4000], in[4000];
    size_t got = 0, n;
    fill(out, sizeof out, 3);
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    ck_assert_int_eq(kr_tls_pending(l.cli), 0);
    server_send(&l, out, sizeof out);
    ck_assert_int_eq(client_read(&l, in, 100, &n), KR_TLS_OK);
    got += n;
    ck_assert_int_ne(kr_tls_pending(l.cli), 0);
    while (got < sizeof out && kr_tls_pending(l.cli)) {
        ck_assert_int_eq(kr_tls_read(l.cli, in + got, sizeof in - got, &n,
                                     l.err, sizeof l.err),
                         KR_TLS_OK);
        got += n;
    }
    ck_assert_uint_eq(got, sizeof out);
    ck_assert_int_eq(memcmp(in, out, sizeof out), 0);
    ck_assert_int_eq(kr_tls_pending(l.cli), 0);
    link_close(&l);
}
END_TEST

START_TEST(idle_session_reads_want_read)
{
    struct krafka_conf c = base_conf();
    struct link l;
    char buf[8];
    size_t n = 1;
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(kr_tls_read(l.cli, buf, sizeof buf, &n, l.err,
                                     sizeof l.err),
                         KR_TLS_WANT_READ);
    ck_assert_uint_eq(n, 0);
    link_close(&l);
}
END_TEST

/* ---- closing ---- */

START_TEST(peer_close_notify_reads_as_closed)
{
    struct krafka_conf c = base_conf();
    struct link l;
    char buf[16];
    size_t n;
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    expect_ping(&l);
    ck_assert_int_ge(SSL_shutdown(l.srv), 0);
    ck_assert_int_eq(client_read(&l, buf, sizeof buf, &n), KR_TLS_CLOSED);
    link_close(&l);
}
END_TEST

START_TEST(peer_socket_close_without_close_notify_reads_as_closed)
{
    struct krafka_conf c = base_conf();
    struct link l;
    char buf[16];
    size_t n;
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    expect_ping(&l);
    close(l.sfd);
    l.sfd = -1;
    ck_assert_int_eq(client_read(&l, buf, sizeof buf, &n), KR_TLS_CLOSED);
    link_close(&l);
}
END_TEST

START_TEST(peer_close_during_handshake_is_closed)
{
    struct krafka_conf c = base_conf();
    struct link l;
    link_open(&l, &c, "localhost", 0);
    char hello[4096];
    ck_assert_int_eq(kr_tls_handshake(l.cli, l.err, sizeof l.err),
                     KR_TLS_WANT_READ);
    /* Read the ClientHello first: closing a socket with unread bytes makes
     * a reset, which is an error rather than a close. */
    ck_assert_int_gt(read(l.sfd, hello, sizeof hello), 0);
    close(l.sfd);
    l.sfd = -1;
    enum kr_tls_rc rc = kr_tls_handshake(l.cli, l.err, sizeof l.err);
    ck_assert_msg(rc == KR_TLS_CLOSED, "rc %d: %s", rc, l.err);
    ck_assert_msg(strstr(l.err, "closed by peer"), "%s", l.err);
    link_close(&l);
}
END_TEST

START_TEST(write_after_peer_closed_is_an_error_not_sigpipe)
{
    struct krafka_conf c = base_conf();
    struct link l;
    size_t n;
    enum kr_tls_rc rc = KR_TLS_OK;
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill this test */
    link_open(&l, &c, "localhost", 0);
    expect_handshake_ok(&l);
    close(l.sfd);
    l.sfd = -1;
    for (int i = 0; i < 100 && rc == KR_TLS_OK; i++)
        rc = kr_tls_write(l.cli, "x", 1, &n, l.err, sizeof l.err);
    ck_assert_msg(rc == KR_TLS_ERROR, "rc %d: %s", rc, l.err);
    ck_assert_msg(strstr(l.err, "Broken pipe"), "%s", l.err);
    link_close(&l);
    signal(SIGPIPE, SIG_IGN);
}
END_TEST

/* ---- error queue and threads ---- */

START_TEST(stale_openssl_errors_do_not_leak_into_a_session)
{
    struct krafka_conf c = base_conf();
    struct link l;
    char buf[8];
    size_t n;
    link_open(&l, &c, "localhost", 0);
    ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
    expect_handshake_ok(&l);
    ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
    ck_assert_int_eq(
        kr_tls_read(l.cli, buf, sizeof buf, &n, l.err, sizeof l.err),
        KR_TLS_WANT_READ);
    ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
    expect_ping(&l);
    link_close(&l);
    ERR_clear_error();
}
END_TEST

START_TEST(failed_session_leaves_no_error_for_the_next_one)
{
    struct krafka_conf c = base_conf();
    /* The failed server end leaves its errors queued, too. */
    expect_handshake_error(&c, "example.com", "hostname mismatch");
    expect_connects(&c, "localhost", 0);
    expect_handshake_error(&c, "127.0.0.2", "hostname mismatch");
    expect_connects(&c, "127.0.0.1", 0);
}
END_TEST

enum { THREADS = 4, CONNS_PER_THREAD = 5 };

static void *connect_many(void *ctx)
{
    for (int i = 0; i < CONNS_PER_THREAD; i++) {
        struct link l;
        link_open_ctx(&l, ctx, NULL, i % 2 ? "localhost" : "127.0.0.1", 0);
        expect_handshake_ok(&l);
        expect_ping(&l);
        link_close(&l);
    }
    return NULL;
}

START_TEST(one_context_serves_sessions_on_several_threads)
{
    struct krafka_conf c = base_conf();
    struct kr_tls_ctx *ctx;
    pthread_t th[THREADS];
    char err[256];
    ck_assert_int_eq(kr_tls_ctx_new(&ctx, &c, err, sizeof err),
                     KRAFKA_ERR_NONE);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, connect_many, ctx), 0);
    for (int i = 0; i < THREADS; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    kr_tls_ctx_destroy(ctx);
}
END_TEST

static void add_tests(TCase *tc)
{
    tcase_add_test(
        tc, handshake_succeeds_against_in_process_server_with_trusted_ca);
    tcase_add_test(tc, ca_directory_with_hashed_names_is_trusted);
    tcase_add_test(tc,
                   ca_directory_without_the_ca_is_accepted_but_does_not_verify);
    tcase_add_test(tc, ca_pem_string_with_several_certificates_is_trusted);
    tcase_add_test(tc, untrusted_ca_fails_with_certificate_verify_failed);
    tcase_add_test(tc, default_system_ca_paths_do_not_trust_the_test_ca);
    tcase_add_test(tc, disabled_verification_accepts_an_untrusted_certificate);
    tcase_add_test(tc, wrong_hostname_fails_with_hostname_mismatch);
    tcase_add_test(tc, ip_literal_in_subject_alt_name_passes);
    tcase_add_test(
        tc, ip_literal_not_in_subject_alt_name_fails_with_hostname_mismatch);
    tcase_add_test(tc, endpoint_identification_none_accepts_a_wrong_hostname);
    tcase_add_test(tc, sni_is_sent_for_names_and_not_for_ip_literals);
    tcase_add_test(
        tc, mtls_without_client_certificate_fails_with_certificate_required);
    tcase_add_test(tc,
                   mtls_without_client_certificate_in_tls12_fails_in_handshake);
    tcase_add_test(tc, mtls_with_certificate_and_key_files_succeeds);
    tcase_add_test(tc, mtls_with_certificate_and_key_pem_strings_succeeds);
    tcase_add_test(tc, encrypted_key_with_the_right_password_succeeds);
    tcase_add_test(tc, encrypted_key_with_a_wrong_password_is_local_ssl);
    tcase_add_test(tc,
                   encrypted_key_without_a_password_is_local_ssl_not_a_prompt);
    tcase_add_test(tc, key_not_matching_the_certificate_is_local_ssl);
    tcase_add_test(tc, certificate_without_key_is_local_ssl);
    tcase_add_test(tc, unreadable_certificate_is_local_ssl_naming_the_property);
}

static void add_more_tests(TCase *tc)
{
    tcase_add_test(tc, missing_ca_file_is_local_ssl_naming_ssl_ca_location);
    tcase_add_test(
        tc, ca_file_without_certificates_is_local_ssl_naming_ssl_ca_location);
    tcase_add_test(tc,
                   ca_pem_without_certificates_is_local_ssl_naming_ssl_ca_pem);
    tcase_add_test(
        tc, unknown_cipher_suites_are_local_ssl_naming_ssl_cipher_suites);
    tcase_add_test(tc, cipher_suites_restrict_tls12_ciphers);
    tcase_add_test(tc, server_offering_only_tls11_is_refused);
    tcase_add_test(tc, host_is_required_for_a_session);
    tcase_add_test(tc, one_mib_round_trips_in_both_directions);
    tcase_add_test(tc, bytes_left_in_openssl_are_reported_as_pending);
    tcase_add_test(tc, idle_session_reads_want_read);
    tcase_add_test(tc, peer_close_notify_reads_as_closed);
    tcase_add_test(tc, peer_socket_close_without_close_notify_reads_as_closed);
    tcase_add_test(tc, peer_close_during_handshake_is_closed);
    tcase_add_test(tc, write_after_peer_closed_is_an_error_not_sigpipe);
    tcase_add_test(tc, stale_openssl_errors_do_not_leak_into_a_session);
    tcase_add_test(tc, failed_session_leaves_no_error_for_the_next_one);
    tcase_add_test(tc, one_context_serves_sessions_on_several_threads);
}

int main(void)
{
    Suite *s = suite_create("tls");
    TCase *tc = tcase_create("tls");
    signal(SIGPIPE, SIG_IGN); /* the test server writes with write(2) */
    tcase_add_unchecked_fixture(tc, pki_setup, pki_teardown);
    add_tests(tc);
    add_more_tests(tc);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
