/*
 * SASL client: PLAIN bytes, SCRAM-SHA-256 against the RFC 7677 example,
 * SCRAM-SHA-512 against a reference computed here with OpenSSL's
 * EVP_KDF/EVP_MAC (a different path from the implementation's), strict
 * parsing of every server attribute, and mutated server messages that must
 * fail cleanly. No error message may contain the password.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "kt_check.h"
#include "net/sasl.h"

/* RFC 7677 section 3. */
#define PASS "pencil"
#define CNONCE "rOprNGfwEbeRWgbNEkqO"
#define SNONCE CNONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define SALT "W22ZaJ0SNY7soEsUEjb6gQ=="
#define SFIRST "r=" SNONCE ",s=" SALT ",i=4096"
#define CFINAL                                                              \
    "c=biws,r=" SNONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define SIG "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
#define SFINAL "v=" SIG

/* One exchange as a connection would drive it. */
struct run {
    struct kr_sasl *s;
    struct kr_buf out;
    bool done;
    char err[512];
};

/* Creates the exchange and sends the client's first message. */
static void run_start(struct run *r, enum kr_sasl_mech mech,
                      const char *user, const char *pass, const char *nonce)
{
    memset(r, 0, sizeof *r);
    kr_buf_init(&r->out, 0);
    ck_assert_int_eq(
        kr_sasl_new(&r->s, mech, user, pass, r->err, sizeof r->err),
        KRAFKA_ERR_NONE);
    if (nonce)
        kr_sasl_set_nonce(r->s, nonce);
    ck_assert_int_eq(kr_sasl_step(r->s, NULL, 0, &r->out, &r->done, r->err,
                                  sizeof r->err),
                     KRAFKA_ERR_NONE);
}

static krafka_err_t run_bytes(struct run *r, const void *p, size_t n)
{
    kr_buf_reset(&r->out);
    r->err[0] = '\0';
    return kr_sasl_step(r->s, p, n, &r->out, &r->done, r->err,
                        sizeof r->err);
}

static krafka_err_t run_step(struct run *r, const char *msg)
{
    return run_bytes(r, msg, strlen(msg));
}

static void run_end(struct run *r)
{
    kr_sasl_destroy(r->s);
    kr_buf_free(&r->out);
}

static void assert_out(const struct run *r, const char *want)
{
    size_t n = strlen(want);
    ck_assert_uint_eq(r->out.len, n);
    ck_assert_mem_eq(r->out.data, want, n);
}

/* A failed step: LOCAL_AUTHENTICATION, @why in the message, no password,
 * nothing written, not done, and every later step refused. */
static void assert_failed(struct run *r, krafka_err_t rc, const char *why)
{
    ck_assert_int_eq(rc, KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert_msg(strstr(r->err, why), "\"%s\" lacks \"%s\"", r->err, why);
    ck_assert_ptr_null(strstr(r->err, PASS));
    ck_assert(!r->done);
    ck_assert_uint_eq(r->out.len, 0);
    ck_assert_int_eq(run_step(r, SFINAL), KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert_str_eq(r->err, "SASL exchange already failed");
}

/* Feeds @server_first to a fresh RFC 7677 exchange; expects a failure. */
static void expect_first_error(const char *server_first, const char *why)
{
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    assert_failed(&r, run_step(&r, server_first), why);
    run_end(&r);
}

/* Runs the RFC 7677 exchange up to the server-final-message. */
static void rfc_until_final(struct run *r)
{
    run_start(r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert_int_eq(run_step(r, SFIRST), KRAFKA_ERR_NONE);
    ck_assert(!r->done);
    assert_out(r, CFINAL);
}

/* The RFC 7677 exchange with @sfinal as the server-final-message. */
static krafka_err_t rfc_final(struct run *r, const char *sfinal)
{
    rfc_until_final(r);
    return run_step(r, sfinal);
}

/* ---- independent SCRAM reference (OpenSSL 3 EVP_KDF/EVP_MAC) ---- */

static size_t ref_hmac(const char *digest, const uint8_t *key, size_t klen,
                       const void *data, size_t n, uint8_t *out)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(
                          OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
                      OSSL_PARAM_construct_end()};
    size_t len = 0;
    ck_assert(ctx && EVP_MAC_init(ctx, key, klen, p));
    ck_assert(EVP_MAC_update(ctx, data, n));
    ck_assert(EVP_MAC_final(ctx, out, &len, EVP_MAX_MD_SIZE));
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return len;
}

static void ref_pbkdf2(const char *digest, const char *pass,
                       const uint8_t *salt, size_t salt_len, unsigned iter,
                       uint8_t *out, size_t n)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "PBKDF2", NULL);
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    int pkcs5 = 1; /* no SP 800-132 lower bounds: RFC parameters */
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          (void *)pass, strlen(pass)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt,
                                          salt_len),
        OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                         (char *)digest, 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
        OSSL_PARAM_construct_end()};
    ck_assert(ctx && EVP_KDF_derive(ctx, out, n, p) == 1);
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
}

struct ref {
    char proof[128];  /* base64 ClientProof */
    char server[128]; /* base64 ServerSignature */
};

/* RFC 5802 section 3, written out step by step. */
static void ref_scram(const char *digest, const char *pass,
                      const uint8_t *salt, size_t salt_len, unsigned iter,
                      const char *auth, struct ref *out)
{
    uint8_t salted[64], ckey[64], stored[64], csig[64], proof[64];
    uint8_t skey[64], ssig[64];
    size_t n = strcmp(digest, "SHA512") == 0 ? 64 : 32, len = 0;
    ref_pbkdf2(digest, pass, salt, salt_len, iter, salted, n);
    ck_assert_uint_eq(ref_hmac(digest, salted, n, "Client Key", 10, ckey), n);
    ck_assert(EVP_Q_digest(NULL, digest, NULL, ckey, n, stored, &len));
    ck_assert_uint_eq(len, n);
    ref_hmac(digest, stored, n, auth, strlen(auth), csig);
    for (size_t i = 0; i < n; i++)
        proof[i] = ckey[i] ^ csig[i];
    ref_hmac(digest, salted, n, "Server Key", 10, skey);
    ref_hmac(digest, skey, n, auth, strlen(auth), ssig);
    EVP_EncodeBlock((unsigned char *)out->proof, proof, (int)n);
    EVP_EncodeBlock((unsigned char *)out->server, ssig, (int)n);
}

/* ---- tests ---- */

START_TEST(mechanism_names_are_the_wire_names)
{
    ck_assert_str_eq(kr_sasl_mech_name(KR_SASL_PLAIN), "PLAIN");
    ck_assert_str_eq(kr_sasl_mech_name(KR_SASL_SCRAM_SHA_256),
                     "SCRAM-SHA-256");
    ck_assert_str_eq(kr_sasl_mech_name(KR_SASL_SCRAM_SHA_512),
                     "SCRAM-SHA-512");
}
END_TEST

START_TEST(missing_user_or_password_is_invalid_conf)
{
    struct kr_sasl *s = (struct kr_sasl *)&s;
    char err[256];
    ck_assert_int_eq(kr_sasl_new(&s, KR_SASL_PLAIN, NULL, PASS, err,
                                 sizeof err),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err, "sasl.username"));
    ck_assert_int_eq(
        kr_sasl_new(&s, KR_SASL_SCRAM_SHA_256, "", PASS, err, sizeof err),
        KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(
        kr_sasl_new(&s, KR_SASL_SCRAM_SHA_256, "u", NULL, err, sizeof err),
        KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_nonnull(strstr(err, "sasl.password"));
    ck_assert_int_eq(
        kr_sasl_new(&s, KR_SASL_SCRAM_SHA_512, "u", "", err, sizeof err),
        KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_int_eq(kr_sasl_new(&s, (enum kr_sasl_mech)42, "u", PASS, err,
                                 sizeof err),
                     KRAFKA_ERR_LOCAL_INVALID_CONF);
    ck_assert_ptr_null(strstr(err, PASS));
}
END_TEST

START_TEST(plain_message_is_nul_user_nul_password_and_done)
{
    struct run r;
    run_start(&r, KR_SASL_PLAIN, "alice", PASS, NULL);
    ck_assert(r.done);
    ck_assert_uint_eq(r.out.len, 13);
    ck_assert_mem_eq(r.out.data, "\0alice\0pencil", 13);
    run_end(&r);
}
END_TEST

START_TEST(step_after_plain_is_done_is_an_error)
{
    struct run r;
    run_start(&r, KR_SASL_PLAIN, "alice", PASS, NULL);
    ck_assert_int_eq(run_bytes(&r, NULL, 0), KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert_str_eq(r.err, "SASL exchange already finished");
    ck_assert(!r.done);
    ck_assert_uint_eq(r.out.len, 0);
    run_end(&r);
}
END_TEST

START_TEST(scram_client_first_is_gs2_header_username_and_nonce)
{
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert(!r.done);
    assert_out(&r, "n,,n=user,r=" CNONCE);
    run_end(&r);
}
END_TEST

START_TEST(username_equals_and_comma_are_escaped)
{
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_512, "a=b,c==,", PASS, "xyz");
    assert_out(&r, "n,,n=a=3Db=2Cc=3D=3D=2C,r=xyz");
    run_end(&r);
}
END_TEST

START_TEST(random_nonce_is_base64_and_differs_between_exchanges)
{
    struct run a, b;
    run_start(&a, KR_SASL_SCRAM_SHA_256, "u", PASS, NULL);
    run_start(&b, KR_SASL_SCRAM_SHA_256, "u", PASS, NULL);
    const size_t head = strlen("n,,n=u,r=");
    ck_assert_uint_eq(a.out.len, head + 32);
    ck_assert_uint_eq(b.out.len, head + 32);
    ck_assert(memcmp(a.out.data + head, b.out.data + head, 32) != 0);
    for (size_t i = head; i < a.out.len; i++)
        ck_assert(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789+/",
                         a.out.data[i]));
    run_end(&a);
    run_end(&b);
}
END_TEST

START_TEST(scram_sha256_matches_rfc7677_example)
{
    struct run r;
    ck_assert_int_eq(rfc_final(&r, SFINAL), KRAFKA_ERR_NONE);
    ck_assert(r.done);
    ck_assert_uint_eq(r.out.len, 0);
    run_end(&r);
}
END_TEST

START_TEST(reference_computation_reproduces_rfc7677_proof)
{
    uint8_t salt[16];
    ck_assert_int_eq(EVP_DecodeBlock(salt, (const unsigned char *)SALT, 24),
                     18); /* EVP_DecodeBlock counts the padding */
    struct ref ref;
    ref_scram("SHA256", PASS, salt, 16, 4096,
              "n=user,r=" CNONCE "," SFIRST ",c=biws,r=" SNONCE, &ref);
    ck_assert_str_eq(ref.proof,
                     "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    ck_assert_str_eq(ref.server,
                     "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}
END_TEST

/* A SCRAM-SHA-512 exchange for "alice" with a fixed nonce and salt, and
 * the messages the reference computation expects. */
struct sha512_case {
    char sfirst[256], cfinal[512], sfinal[256];
};

static void sha512_case(struct sha512_case *c)
{
    static const char salt_text[] = "QSXCR+Q6sek8bf92";
    const uint8_t *salt = (const uint8_t *)salt_text;
    const size_t salt_len = sizeof salt_text - 1;
    char salt64[32], auth[1024];
    EVP_EncodeBlock((unsigned char *)salt64, salt, (int)salt_len);
    const char *nonce = "fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
    snprintf(c->sfirst, sizeof c->sfirst, "r=%s,s=%s,i=4096", nonce,
             salt64);
    snprintf(auth, sizeof auth, "n=alice,r=fyko+d2lbbFgONRv9qkxdawL,%s,"
             "c=biws,r=%s", c->sfirst, nonce);
    struct ref ref;
    ref_scram("SHA512", "S3cret!" PASS, salt, salt_len, 4096, auth, &ref);
    snprintf(c->cfinal, sizeof c->cfinal, "c=biws,r=%s,p=%s", nonce,
             ref.proof);
    snprintf(c->sfinal, sizeof c->sfinal, "v=%s", ref.server);
}

START_TEST(scram_sha512_full_exchange_matches_independent_computation)
{
    struct sha512_case c;
    sha512_case(&c);
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_512, "alice", "S3cret!" PASS,
              "fyko+d2lbbFgONRv9qkxdawL");
    assert_out(&r, "n,,n=alice,r=fyko+d2lbbFgONRv9qkxdawL");
    ck_assert_int_eq(run_step(&r, c.sfirst), KRAFKA_ERR_NONE);
    ck_assert(!r.done);
    assert_out(&r, c.cfinal);
    ck_assert_uint_eq(strlen(c.cfinal) - strlen("c=biws,r=,p=") - 42, 88);
    ck_assert_int_eq(run_step(&r, c.sfinal), KRAFKA_ERR_NONE);
    ck_assert(r.done);
    ck_assert_uint_eq(r.out.len, 0);
    run_end(&r);
}
END_TEST

START_TEST(scram_sha512_wrong_server_signature_is_an_error)
{
    struct sha512_case c;
    sha512_case(&c);
    c.sfinal[5] = c.sfinal[5] == 'A' ? 'B' : 'A';
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_512, "alice", "S3cret!" PASS,
              "fyko+d2lbbFgONRv9qkxdawL");
    ck_assert_int_eq(run_step(&r, c.sfirst), KRAFKA_ERR_NONE);
    assert_failed(&r, run_step(&r, c.sfinal), "signature mismatch");
    run_end(&r);
}
END_TEST

START_TEST(sha256_signature_is_refused_by_sha512_exchange)
{
    struct sha512_case c;
    sha512_case(&c);
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_512, "alice", "S3cret!" PASS,
              "fyko+d2lbbFgONRv9qkxdawL");
    ck_assert_int_eq(run_step(&r, c.sfirst), KRAFKA_ERR_NONE);
    /* A correct length matters: a 32-byte verifier is a mismatch. */
    assert_failed(&r, run_step(&r, SFINAL), "signature mismatch");
    run_end(&r);
}
END_TEST

START_TEST(server_nonce_with_a_wrong_prefix_is_an_error)
{
    expect_first_error("r=rOprNGfwEbeRWgbNEkqX%hvYDpW,s=" SALT ",i=4096",
                       "does not start with the client nonce");
    expect_first_error("r=rOprNGfw,s=" SALT ",i=4096",
                       "does not start with the client nonce");
    expect_first_error("r=X" SNONCE ",s=" SALT ",i=4096",
                       "does not start with the client nonce");
}
END_TEST

START_TEST(server_nonce_equal_to_the_client_nonce_is_an_error)
{
    expect_first_error("r=" CNONCE ",s=" SALT ",i=4096",
                       "does not extend the client nonce");
}
END_TEST

START_TEST(server_nonce_with_unprintable_characters_is_an_error)
{
    expect_first_error("r=" CNONCE "ab\x7f,s=" SALT ",i=4096",
                       "invalid character");
    expect_first_error("r=" CNONCE "a b,s=" SALT ",i=4096",
                       "invalid character");
    expect_first_error("r=" CNONCE "\xc3\xa9,s=" SALT ",i=4096",
                       "invalid character");
}
END_TEST

START_TEST(iteration_count_below_4096_is_an_error)
{
    expect_first_error("r=" SNONCE ",s=" SALT ",i=100",
                       "iteration count 100 below the minimum 4096");
    expect_first_error("r=" SNONCE ",s=" SALT ",i=4095", "below the minimum");
    expect_first_error("r=" SNONCE ",s=" SALT ",i=1", "below the minimum");
}
END_TEST

START_TEST(iteration_count_above_the_cap_or_malformed_is_an_error)
{
    const char *big[] = {"1000001", "9999999", "10000000",
                         "99999999999999999999999999"};
    const char *bad[] = {"0", "04096", "+4096", "-4096", "4096x", " 4096",
                         "4096 ", "0x1000", "4e3", "4\t096"};
    char msg[256];
    for (size_t i = 0; i < sizeof big / sizeof *big; i++) {
        snprintf(msg, sizeof msg, "r=%s,s=" SALT ",i=%s", SNONCE, big[i]);
        expect_first_error(msg, "above the maximum 1000000");
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(msg, sizeof msg, "r=%s,s=" SALT ",i=%s", SNONCE, bad[i]);
        expect_first_error(msg, "malformed iteration count");
    }
    expect_first_error("r=" SNONCE ",s=" SALT ",i=", "no iteration count");
    expect_first_error("r=" SNONCE ",s=" SALT, "no iteration count");
}
END_TEST

START_TEST(missing_or_misplaced_attributes_are_errors)
{
    expect_first_error("r=" SNONCE ",i=4096", "no salt");
    expect_first_error("r=" SNONCE ",s=,i=4096", "no salt");
    expect_first_error("s=" SALT ",r=" SNONCE ",i=4096", "no nonce");
    expect_first_error("r=" SNONCE ",i=4096,s=" SALT, "no salt");
    expect_first_error("r=" SNONCE ",s=" SALT ",i=4096,s=" SALT,
                       "malformed server-first-message extension");
    expect_first_error("R=" SNONCE ",s=" SALT ",i=4096", "no nonce");
    expect_first_error(SFIRST ",e=late", "extension");
    expect_first_error(SFIRST ",m=late", "extension");
}
END_TEST

START_TEST(bad_base64_salt_is_an_error)
{
    const char *bad[] = {
        "W22ZaJ0SNY7soEsUEjb6gQ=",   /* length not a multiple of 4 */
        "W22ZaJ0SNY7soEsUEjb6gQ",    /* padding missing */
        "W22Z*J0SNY7soEsUEjb6gQ==",  /* not in the alphabet */
        "W22ZaJ0S=Y7soEsUEjb6gQ==",  /* '=' inside */
        "W22ZaJ0SNY7soEsUEjb6g===",  /* three '=' */
        "W22ZaJ0SNY7soEsUEjb6gR==",  /* non-zero bits under the padding */
        "W22ZaJ0SNY7soEsUEjb6gQ=A",  /* data after padding */
        "W22ZaJ0SNY7soEsUEjb6gQ==\t" /* trailing whitespace */
    };
    char msg[256];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(msg, sizeof msg, "r=%s,s=%s,i=4096", SNONCE, bad[i]);
        expect_first_error(msg, "salt is not valid base64");
    }
}
END_TEST

START_TEST(mandatory_extension_is_an_error)
{
    expect_first_error("m=future,r=" SNONCE ",s=" SALT ",i=4096",
                       "mandatory extension (m=)");
}
END_TEST

START_TEST(optional_extensions_after_the_iteration_count_are_accepted)
{
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    /* Extension names are one letter. */
    ck_assert_int_eq(run_step(&r, SFIRST ",x=1,tokenauth=true"),
                     KRAFKA_ERR_LOCAL_AUTHENTICATION);
    run_end(&r);
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert_int_eq(run_step(&r, SFIRST ",x=1,y=a=b"), KRAFKA_ERR_NONE);
    ck_assert_uint_eq(r.out.len, strlen(CFINAL));
    /* The extension is part of AuthMessage, so the proof differs. */
    ck_assert(memcmp(r.out.data, CFINAL, r.out.len) != 0);
    run_end(&r);
}
END_TEST

START_TEST(server_first_error_attribute_is_reported)
{
    expect_first_error("e=unknown-user", "server error in "
                                         "server-first-message: unknown-user");
    expect_first_error("e=bad\x01text", "bad?text");
}
END_TEST

START_TEST(server_final_error_is_reported_with_its_text)
{
    struct run r;
    assert_failed(&r, rfc_final(&r, "e=invalid-proof"),
                  "server-final-message: invalid-proof");
    run_end(&r);
}
END_TEST

START_TEST(long_server_error_text_is_truncated)
{
    char msg[2048] = "e=";
    memset(msg + 2, 'x', sizeof msg - 3);
    msg[sizeof msg - 1] = '\0';
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert_int_eq(run_step(&r, msg), KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert_uint_lt(strlen(r.err), 256);
    run_end(&r);
}
END_TEST

START_TEST(wrong_server_signature_is_an_error)
{
    struct run r;
    const char *wrong = "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    assert_failed(&r, rfc_final(&r, wrong), "signature mismatch");
    run_end(&r);
}
END_TEST

START_TEST(truncated_or_garbage_server_final_is_an_error)
{
    const char *bad[] = {"v=",
                         "v",
                         SIG,
                         "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4",
                         "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G",
                         "x=abcd",
                         "e=",
                         SFINAL ",",
                         SFINAL ",,x=1",
                         SFINAL ",1=x",
                         SFINAL ",v=" SIG,
                         SFINAL ",e=other",
                         SFINAL "AAAA"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct run r;
        assert_failed(&r, rfc_final(&r, bad[i]), "SCRAM: ");
        run_end(&r);
    }
}
END_TEST

START_TEST(server_final_with_optional_extension_is_accepted)
{
    struct run r;
    ck_assert_int_eq(rfc_final(&r, SFINAL ",z=ok"), KRAFKA_ERR_NONE);
    ck_assert(r.done);
    run_end(&r);
}
END_TEST

START_TEST(truncated_or_garbage_server_first_is_an_error)
{
    const char *bad[] = {"r", "r=", ",", "garbage", "r=" CNONCE "x",
                         "r=" CNONCE "x,", "r=" CNONCE "x,s=" SALT,
                         "r=" CNONCE "x,s=" SALT ",", SFIRST ",",
                         SFIRST ",,x=1", SFIRST ",1=x", SFIRST ",x",
                         SFIRST ",x=", "=,=,=", ",r=" SNONCE};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_first_error(bad[i], "SCRAM: ");
}
END_TEST

START_TEST(empty_server_message_is_an_error)
{
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    assert_failed(&r, run_bytes(&r, NULL, 0), "empty server message");
    run_end(&r);
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    assert_failed(&r, run_bytes(&r, "", 0), "empty server message");
    run_end(&r);
}
END_TEST

/* SFIRST plus an extension padding it to @n bytes. */
static char *padded_first(size_t n)
{
    char *m = malloc(n + 1);
    ck_assert_ptr_nonnull(m);
    size_t head = strlen(SFIRST ",x=");
    memcpy(m, SFIRST ",x=", head);
    memset(m + head, 'p', n - head);
    m[n] = '\0';
    return m;
}

START_TEST(server_message_over_4096_bytes_is_an_error)
{
    char *ok = padded_first(4096), *big = padded_first(4097);
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert_int_eq(run_step(&r, ok), KRAFKA_ERR_NONE);
    run_end(&r);
    expect_first_error(big, "4097 bytes exceeds 4096");
    free(ok);
    free(big);
}
END_TEST

START_TEST(server_message_with_embedded_nul_is_an_error)
{
    static const char first[] = "r=" SNONCE "\0,s=" SALT ",i=4096";
    static const char final[] = SFINAL "\0";
    struct run r;
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    assert_failed(&r, run_bytes(&r, first, sizeof first - 1), "NUL");
    run_end(&r);
    run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
    ck_assert_int_eq(run_step(&r, SFIRST), KRAFKA_ERR_NONE);
    assert_failed(&r, run_bytes(&r, final, sizeof final - 1), "NUL");
    run_end(&r);
}
END_TEST

START_TEST(step_after_scram_is_done_is_an_error)
{
    struct run r;
    ck_assert_int_eq(rfc_final(&r, SFINAL), KRAFKA_ERR_NONE);
    ck_assert_int_eq(run_step(&r, SFINAL), KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert_str_eq(r.err, "SASL exchange already finished");
    ck_assert(!r.done);
    run_end(&r);
}
END_TEST

START_TEST(server_message_before_the_client_first_is_an_error)
{
    struct run r;
    memset(&r, 0, sizeof r);
    kr_buf_init(&r.out, 0);
    ck_assert_int_eq(kr_sasl_new(&r.s, KR_SASL_SCRAM_SHA_256, "user", PASS,
                                 r.err, sizeof r.err),
                     KRAFKA_ERR_NONE);
    assert_failed(&r, run_step(&r, SFIRST), "before the client's first");
    run_end(&r);
}
END_TEST

START_TEST(unusable_test_nonce_fails_the_first_step)
{
    const char *bad[] = {"", "a,b", "a b", "\x01", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct run r;
        memset(&r, 0, sizeof r);
        kr_buf_init(&r.out, 0);
        ck_assert_int_eq(kr_sasl_new(&r.s, KR_SASL_SCRAM_SHA_256, "u", PASS,
                                     r.err, sizeof r.err),
                         KRAFKA_ERR_NONE);
        kr_sasl_set_nonce(r.s, bad[i]);
        assert_failed(&r, run_bytes(&r, NULL, 0), "invalid client nonce");
        run_end(&r);
    }
}
END_TEST

START_TEST(full_output_buffer_is_reported)
{
    struct kr_sasl *s;
    struct kr_buf out;
    bool done;
    char err[256];
    kr_buf_init(&out, 8);
    ck_assert_int_eq(
        kr_sasl_new(&s, KR_SASL_PLAIN, "alice", PASS, err, sizeof err),
        KRAFKA_ERR_NONE);
    ck_assert_int_eq(kr_sasl_step(s, NULL, 0, &out, &done, err, sizeof err),
                     KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED);
    ck_assert(!done);
    ck_assert_ptr_null(strstr(err, PASS));
    kr_sasl_destroy(s);
    kr_buf_free(&out);
}
END_TEST

START_TEST(destroy_null_is_a_noop)
{
    kr_sasl_destroy(NULL);
}
END_TEST

/* ---- hostile input ---- */

static uint64_t prng(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Applies 1-3 random edits (replace, delete, insert, truncate, insert a
 * separator) to @m of length *@n, which has room for 3 more bytes. */
static void mutate(char *m, size_t *n, uint64_t *x)
{
    static const char seps[] = ",=rsimev0123456789";
    for (int k = (int)(prng(x) % 3); k >= 0; k--) {
        size_t at = *n ? prng(x) % *n : 0;
        switch (prng(x) % 5) {
        case 0:
            if (*n)
                m[at] = (char)prng(x);
            break;
        case 1:
            if (*n) {
                memmove(m + at, m + at + 1, *n - at - 1);
                (*n)--;
            }
            break;
        case 4:
            *n = at;
            break;
        default:
            memmove(m + at + 1, m + at, *n - at);
            m[at] = prng(x) % 2 ? (char)prng(x)
                                : seps[prng(x) % (sizeof seps - 1)];
            (*n)++;
        }
    }
}

/* A step on hostile input either succeeds or fails cleanly. */
static void assert_sane(struct run *r, krafka_err_t rc)
{
    if (rc == KRAFKA_ERR_NONE)
        return;
    ck_assert_int_eq(rc, KRAFKA_ERR_LOCAL_AUTHENTICATION);
    ck_assert(r->err[0] != '\0');
    ck_assert_ptr_null(strstr(r->err, PASS));
    ck_assert(!r->done);
}

START_TEST(mutated_server_first_messages_fail_cleanly)
{
    uint64_t x = 0x5eed5a51u;
    size_t ok = 0;
    for (int i = 0; i < 3000; i++) {
        char m[sizeof SFIRST + 3];
        size_t n = sizeof SFIRST - 1;
        memcpy(m, SFIRST, n);
        mutate(m, &n, &x);
        struct run r;
        run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
        krafka_err_t rc = run_bytes(&r, m, n);
        assert_sane(&r, rc);
        if (rc == KRAFKA_ERR_NONE) {
            ok++;
            ck_assert_mem_eq(r.out.data, "c=biws,r=" CNONCE, 29);
        }
        run_end(&r);
    }
    /* Some mutants stay valid (e.g. in the server's nonce part). */
    ck_assert_uint_gt(ok, 0);
    ck_assert_uint_lt(ok, 3000);
}
END_TEST

START_TEST(mutated_server_final_messages_fail_cleanly)
{
    uint64_t x = 0xf1a1u;
    for (int i = 0; i < 500; i++) {
        char m[sizeof SFINAL + 3];
        size_t n = sizeof SFINAL - 1;
        memcpy(m, SFINAL, n);
        mutate(m, &n, &x);
        struct run r;
        rfc_until_final(&r);
        krafka_err_t rc = run_bytes(&r, m, n);
        assert_sane(&r, rc);
        /* Only the exact signature (plus extensions) may pass. */
        if (rc == KRAFKA_ERR_NONE)
            ck_assert_mem_eq(m, SFINAL, sizeof SFINAL - 1);
        run_end(&r);
    }
}
END_TEST

START_TEST(random_attribute_soup_fails_cleanly)
{
    static const char *parts[] = {"r=", "s=", "i=", "m=", "e=", "v=", ",",
                                  "=", CNONCE, "abc", SALT, "4096", "\x80",
                                  "\0", "==", "A"};
    uint64_t x = 0xc0ffee;
    for (int i = 0; i < 2000; i++) {
        char m[512];
        size_t n = 0;
        for (int k = (int)(prng(&x) % 12); k >= 0; k--) {
            const char *p = parts[prng(&x) % (sizeof parts / sizeof *parts)];
            size_t len = *p ? strlen(p) : 1;
            memcpy(m + n, p, len);
            n += len;
        }
        struct run r;
        run_start(&r, KR_SASL_SCRAM_SHA_256, "user", PASS, CNONCE);
        assert_sane(&r, run_bytes(&r, m, n));
        run_end(&r);
    }
}
END_TEST

static TCase *tcase(const char *name, Suite *s)
{
    TCase *tc = tcase_create(name);
    suite_add_tcase(s, tc);
    return tc;
}

static void add_message_tests(Suite *s)
{
    TCase *tc = tcase("messages", s);
    tcase_add_test(tc, mechanism_names_are_the_wire_names);
    tcase_add_test(tc, missing_user_or_password_is_invalid_conf);
    tcase_add_test(tc, plain_message_is_nul_user_nul_password_and_done);
    tcase_add_test(tc, step_after_plain_is_done_is_an_error);
    tcase_add_test(tc, scram_client_first_is_gs2_header_username_and_nonce);
    tcase_add_test(tc, username_equals_and_comma_are_escaped);
    tcase_add_test(tc, random_nonce_is_base64_and_differs_between_exchanges);
    tcase_add_test(tc, scram_sha256_matches_rfc7677_example);
    tcase_add_test(tc, reference_computation_reproduces_rfc7677_proof);
    tcase_add_test(tc,
                   scram_sha512_full_exchange_matches_independent_computation);
    tcase_add_test(tc, scram_sha512_wrong_server_signature_is_an_error);
    tcase_add_test(tc, sha256_signature_is_refused_by_sha512_exchange);
}

static void add_server_first_tests(Suite *s)
{
    TCase *tc = tcase("server-first", s);
    tcase_add_test(tc, server_nonce_with_a_wrong_prefix_is_an_error);
    tcase_add_test(tc, server_nonce_equal_to_the_client_nonce_is_an_error);
    tcase_add_test(tc, server_nonce_with_unprintable_characters_is_an_error);
    tcase_add_test(tc, iteration_count_below_4096_is_an_error);
    tcase_add_test(tc, iteration_count_above_the_cap_or_malformed_is_an_error);
    tcase_add_test(tc, missing_or_misplaced_attributes_are_errors);
    tcase_add_test(tc, bad_base64_salt_is_an_error);
    tcase_add_test(tc, mandatory_extension_is_an_error);
    tcase_add_test(tc,
                   optional_extensions_after_the_iteration_count_are_accepted);
    tcase_add_test(tc, server_first_error_attribute_is_reported);
    tcase_add_test(tc, truncated_or_garbage_server_first_is_an_error);
}

static void add_server_final_tests(Suite *s)
{
    TCase *tc = tcase("server-final", s);
    tcase_add_test(tc, server_final_error_is_reported_with_its_text);
    tcase_add_test(tc, long_server_error_text_is_truncated);
    tcase_add_test(tc, wrong_server_signature_is_an_error);
    tcase_add_test(tc, truncated_or_garbage_server_final_is_an_error);
    tcase_add_test(tc, server_final_with_optional_extension_is_accepted);
}

static void add_robustness_tests(Suite *s)
{
    TCase *tc = tcase("robustness", s);
    tcase_add_test(tc, empty_server_message_is_an_error);
    tcase_add_test(tc, server_message_over_4096_bytes_is_an_error);
    tcase_add_test(tc, server_message_with_embedded_nul_is_an_error);
    tcase_add_test(tc, step_after_scram_is_done_is_an_error);
    tcase_add_test(tc, server_message_before_the_client_first_is_an_error);
    tcase_add_test(tc, unusable_test_nonce_fails_the_first_step);
    tcase_add_test(tc, full_output_buffer_is_reported);
    tcase_add_test(tc, destroy_null_is_a_noop);
    tc = tcase("hostile", s);
    tcase_add_test(tc, mutated_server_first_messages_fail_cleanly);
    tcase_add_test(tc, mutated_server_final_messages_fail_cleanly);
    tcase_add_test(tc, random_attribute_soup_fails_cleanly);
}

int main(void)
{
    Suite *s = suite_create("sasl");
    add_message_tests(s);
    add_server_first_tests(s);
    add_server_final_tests(s);
    add_robustness_tests(s);
    return kt_run(s);
}
