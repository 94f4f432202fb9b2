/*
 * SASL client mechanisms: PLAIN (RFC 4616) and SCRAM-SHA-256/512
 * (RFC 5802, RFC 7677) as Kafka uses them (KIP-84, KIP-152).
 *
 * Server messages are hostile: each one is at most SCRAM_MSG_MAX bytes,
 * holds no NUL, and is parsed attribute by attribute in the order the
 * RFC 5802 grammar fixes. The password and every key derived from it are
 * wiped with OPENSSL_cleanse once no longer needed, and no error message
 * ever quotes the password.
 *
 * Not done: SASLprep (RFC 4013) of the username and password; like the
 * Java client, the bytes are used as given.
 */
#include "net/sasl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* A real server message is ~100 bytes; anything longer is refused. */
#define SCRAM_MSG_MAX 4096
/* Kafka's ScramMechanism minimum iteration count. */
#define SCRAM_ITER_MIN 4096
/* Kafka's default maximum is 16384; 1,000,000 PBKDF2 rounds already take
 * about a second, so a server asking for more is refused. */
#define SCRAM_ITER_MAX 1000000
#define SCRAM_ITER_MAX_DIGITS 7
/* 24 random bytes: a 32-character base64 nonce (192 bits). */
#define SCRAM_NONCE_RAW 24
#define SCRAM_NONCE_MAX 128
/* Largest salt a SCRAM_MSG_MAX message can carry, decoded. */
#define SCRAM_SALT_MAX (SCRAM_MSG_MAX / 4 * 3)
/* Base64 of the largest digest (SHA-512: 64 bytes) plus NUL. */
#define SCRAM_B64_DIGEST_MAX ((EVP_MAX_MD_SIZE + 2) / 3 * 4 + 1)
/* Credentials longer than this are a configuration mistake. */
#define SASL_CRED_MAX 1024
/* At most this much of a server's error text is quoted in errstr. */
#define SASL_QUOTE_MAX 128

enum sasl_state {
    ST_START,      /* nothing sent yet */
    ST_WAIT_FIRST, /* SCRAM client-first sent, server-first due */
    ST_WAIT_FINAL, /* SCRAM client-final sent, server-final due */
    ST_DONE,
    ST_FAILED,
};

struct kr_sasl {
    enum kr_sasl_mech mech;
    enum sasl_state state;
    char *user; /* owned */
    char *pass; /* owned; wiped on destroy */
    size_t user_len, pass_len;
    char nonce[SCRAM_NONCE_MAX + 1]; /* client nonce; "" until chosen */
    bool nonce_bad;                  /* kr_sasl_set_nonce got a bad one */
    uint8_t *first_bare;             /* owned: client-first-message-bare */
    size_t first_bare_len;
    size_t md_len;                       /* digest size of the mechanism */
    uint8_t server_sig[EVP_MAX_MD_SIZE]; /* expected; wiped on destroy */
};

/* A borrowed span of a server message. */
struct view {
    const char *p;
    size_t n;
};

/* Reads a server message attribute by attribute. */
struct cursor {
    const char *pos, *end; /* borrowed: the server message */
};

/* ---- errors ---- */

static krafka_err_t verr(char *errstr, size_t size, const char *fmt,
                         va_list ap)
{
    if (errstr && size)
        vsnprintf(errstr, size, fmt, ap);
    return KRAFKA_ERR_LOCAL_AUTHENTICATION;
}

__attribute__((format(printf, 3, 4))) static krafka_err_t
set_err(char *errstr, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    krafka_err_t err = verr(errstr, size, fmt, ap);
    va_end(ap);
    return err;
}

/* Fails the exchange for good: every later step is refused. */
__attribute__((format(printf, 4, 5))) static krafka_err_t
fail(struct kr_sasl *s, char *errstr, size_t size, const char *fmt, ...)
{
    s->state = ST_FAILED;
    va_list ap;
    va_start(ap, fmt);
    krafka_err_t err = verr(errstr, size, fmt, ap);
    va_end(ap);
    return err;
}

/* Copies server text into @dst for an error message: bounded, and every
 * byte outside printable ASCII becomes '?'. */
static const char *quote(struct view v, char *dst, size_t cap)
{
    size_t n = v.n < cap - 1 ? v.n : cap - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)v.p[i];
        dst[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
    }
    dst[n] = '\0';
    return dst;
}

/* ---- base64 (RFC 4648, padded, strict) ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encodes @n bytes into @out as NUL-terminated padded base64. Returns the
 * length, or 0 when @cap can't hold it. */
static size_t b64_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
    if (n > (SIZE_MAX - 1) / 4 * 3 - 2 || cap <= (n + 2) / 3 * 4)
        return 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64_alphabet[v >> 18 & 63];
        out[o++] = b64_alphabet[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64_alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes one group of four characters, the last @pad of which are '='. */
static bool b64_quad(const char *q, size_t pad, uint32_t *out)
{
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
        int d = k < 4 - pad ? b64_value(q[k]) : 0;
        if (d < 0)
            return false;
        v = v << 6 | (uint32_t)d;
    }
    /* The bits under the padding must be zero (canonical encoding). */
    *out = v;
    return pad == 0 || (v & (pad == 1 ? 0xffu : 0xffffu)) == 0;
}

/* Strict decode: non-empty, length a multiple of 4, '=' only as the last
 * one or two characters. Fails when the result would exceed @cap. */
static bool b64_decode(struct view in, uint8_t *out, size_t cap,
                       size_t *out_len)
{
    if (in.n == 0 || in.n % 4 != 0)
        return false;
    size_t pad = in.p[in.n - 1] != '=' ? 0 : in.p[in.n - 2] == '=' ? 2 : 1;
    size_t len = in.n / 4 * 3 - pad;
    if (len > cap)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < in.n; i += 4) {
        size_t qpad = i + 4 == in.n ? pad : 0;
        uint32_t v;
        if (!b64_quad(in.p + i, qpad, &v))
            return false;
        uint8_t b[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
        memcpy(out + o, b, 3 - qpad);
        o += 3 - qpad;
    }
    *out_len = len;
    return true;
}

/* ---- creation ---- */

const char *kr_sasl_mech_name(enum kr_sasl_mech mech)
{
    switch (mech) {
    case KR_SASL_PLAIN:
        return "PLAIN";
    case KR_SASL_SCRAM_SHA_256:
        return "SCRAM-SHA-256";
    case KR_SASL_SCRAM_SHA_512:
        return "SCRAM-SHA-512";
    }
    return "UNKNOWN";
}

static const EVP_MD *scram_md(enum kr_sasl_mech mech)
{
    return mech == KR_SASL_SCRAM_SHA_512 ? EVP_sha512() : EVP_sha256();
}

static krafka_err_t check_creds(enum kr_sasl_mech mech, const char *user,
                                const char *pass, char *errstr, size_t size)
{
    const char *why = NULL;
    if (mech != KR_SASL_PLAIN && mech != KR_SASL_SCRAM_SHA_256 &&
        mech != KR_SASL_SCRAM_SHA_512)
        why = "sasl.mechanism is not supported";
    else if (!user || !*user)
        why = "sasl.username is required";
    else if (!pass || !*pass)
        why = "sasl.password is required";
    else if (strlen(user) > SASL_CRED_MAX)
        why = "sasl.username is too long";
    else if (strlen(pass) > SASL_CRED_MAX)
        why = "sasl.password is too long";
    if (!why)
        return KRAFKA_ERR_NONE;
    set_err(errstr, size, "%s", why);
    return KRAFKA_ERR_LOCAL_INVALID_CONF;
}

krafka_err_t kr_sasl_new(struct kr_sasl **out, enum kr_sasl_mech mech,
                         const char *user, const char *pass, char *errstr,
                         size_t errstr_size)
{
    *out = NULL;
    krafka_err_t err = check_creds(mech, user, pass, errstr, errstr_size);
    if (err)
        return err;
    struct kr_sasl *s = calloc(1, sizeof *s);
    if (!s || !(s->user = strdup(user)) || !(s->pass = strdup(pass))) {
        kr_sasl_destroy(s);
        set_err(errstr, errstr_size, "out of memory");
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    s->mech = mech;
    s->user_len = strlen(user);
    s->pass_len = strlen(pass);
    if (mech != KR_SASL_PLAIN)
        s->md_len = (size_t)EVP_MD_size(scram_md(mech));
    *out = s;
    return KRAFKA_ERR_NONE;
}

/* A nonce character: printable ASCII except ',' (RFC 5802 "printable"). */
static bool nonce_char(unsigned char c)
{
    return c >= 0x21 && c <= 0x7e && c != ',';
}

void kr_sasl_set_nonce(struct kr_sasl *s, const char *nonce)
{
    if (s->state != ST_START)
        return; /* the nonce of a running exchange can't change */
    size_t n = nonce ? strlen(nonce) : 0;
    s->nonce_bad = n == 0 || n > SCRAM_NONCE_MAX;
    for (size_t i = 0; i < n && !s->nonce_bad; i++)
        s->nonce_bad = !nonce_char((unsigned char)nonce[i]);
    if (!s->nonce_bad)
        memcpy(s->nonce, nonce, n + 1);
}

void kr_sasl_destroy(struct kr_sasl *s)
{
    if (!s)
        return;
    if (s->pass)
        OPENSSL_cleanse(s->pass, s->pass_len);
    free(s->pass);
    free(s->user);
    free(s->first_bare);
    OPENSSL_cleanse(s, sizeof *s);
    free(s);
}

/* ---- client messages ---- */

/* Checks @out after writes; its error (NOMEM, LIMIT_EXCEEDED) fails. */
static krafka_err_t out_status(struct kr_sasl *s, const struct kr_buf *out,
                               char *errstr, size_t size)
{
    if (!out->err)
        return KRAFKA_ERR_NONE;
    fail(s, errstr, size, "SASL: cannot write the client message: %s",
         krafka_err2str(out->err));
    return out->err;
}

/* PLAIN (RFC 4616): [authzid] NUL authcid NUL passwd, authzid empty. */
static krafka_err_t plain_step(struct kr_sasl *s, struct kr_buf *out,
                               bool *done, char *errstr, size_t size)
{
    kr_buf_put_u8(out, 0);
    kr_buf_write(out, s->user, s->user_len);
    kr_buf_put_u8(out, 0);
    kr_buf_write(out, s->pass, s->pass_len);
    krafka_err_t err = out_status(s, out, errstr, size);
    if (err)
        return err;
    s->state = ST_DONE;
    *done = true;
    return KRAFKA_ERR_NONE;
}

/* saslname (RFC 5802 5.1): '=' as "=3D" and ',' as "=2C". */
static void put_saslname(struct kr_buf *b, const char *user, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (user[i] == '=')
            kr_buf_write(b, "=3D", 3);
        else if (user[i] == ',')
            kr_buf_write(b, "=2C", 3);
        else
            kr_buf_put_u8(b, (uint8_t)user[i]);
    }
}

static bool pick_nonce(struct kr_sasl *s)
{
    if (s->nonce[0])
        return true;
    uint8_t raw[SCRAM_NONCE_RAW];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    /* Base64 has no ',': every character is a valid nonce character. */
    return b64_encode(raw, sizeof raw, s->nonce, sizeof s->nonce) > 0;
}

/* client-first-message: gs2-header "n,," (no channel binding, no
 * authzid) then client-first-message-bare "n=<saslname>,r=<nonce>". */
static krafka_err_t scram_first(struct kr_sasl *s, struct kr_buf *out,
                                char *errstr, size_t size)
{
    if (s->nonce_bad)
        return fail(s, errstr, size, "SCRAM: invalid client nonce");
    if (!pick_nonce(s))
        return fail(s, errstr, size, "SCRAM: random nonce generation failed");
    struct kr_buf bare;
    kr_buf_init(&bare, 4 * SASL_CRED_MAX + 2 * SCRAM_NONCE_MAX);
    kr_buf_write(&bare, "n=", 2);
    put_saslname(&bare, s->user, s->user_len);
    kr_buf_write(&bare, ",r=", 3);
    kr_buf_write(&bare, s->nonce, strlen(s->nonce));
    if (bare.err) {
        kr_buf_free(&bare);
        return fail(s, errstr, size, "SCRAM: out of memory");
    }
    kr_buf_write(out, "n,,", 3);
    kr_buf_write(out, bare.data, bare.len);
    s->first_bare = kr_buf_steal(&bare, &s->first_bare_len);
    krafka_err_t err = out_status(s, out, errstr, size);
    if (!err)
        s->state = ST_WAIT_FIRST;
    return err;
}

/* ---- server message parsing ---- */

/* Reads "<name>=<value>" up to the next ',' or the end; the value must be
 * non-empty. On a mismatch the cursor does not move. */
static bool cur_attr(struct cursor *c, char name, struct view *v)
{
    if (c->end - c->pos < 2 || c->pos[0] != name || c->pos[1] != '=')
        return false;
    const char *start = c->pos + 2;
    const char *comma = memchr(start, ',', (size_t)(c->end - start));
    const char *stop = comma ? comma : c->end;
    if (stop == start)
        return false;
    *v = (struct view){start, (size_t)(stop - start)};
    c->pos = comma ? comma + 1 : c->end;
    return true;
}

/* extensions = attr-val *("," attr-val), attr-val = ALPHA "=" value.
 * Unknown optional extensions are ignored, but a name RFC 5802 already
 * defines (a repeated s=, a late e=, ...) is not an extension. */
static bool cur_extensions(struct cursor *c)
{
    while (c->pos < c->end) {
        char name = *c->pos;
        bool alpha = (name >= 'a' && name <= 'z') ||
                     (name >= 'A' && name <= 'Z');
        struct view v;
        if (!alpha || strchr("aceimnprsv", name) || !cur_attr(c, name, &v))
            return false;
    }
    return true;
}

/* Bounds every server message before any parsing. */
static krafka_err_t check_server_msg(struct kr_sasl *s, const uint8_t *in,
                                     size_t n, char *errstr, size_t size)
{
    if (!in || n == 0)
        return fail(s, errstr, size, "SCRAM: empty server message");
    if (n > SCRAM_MSG_MAX)
        return fail(s, errstr, size,
                    "SCRAM: server message of %zu bytes exceeds %d", n,
                    SCRAM_MSG_MAX);
    if (memchr(in, '\0', n))
        return fail(s, errstr, size, "SCRAM: server message contains NUL");
    /* A trailing ',' would announce an empty attribute. */
    if (in[n - 1] == ',')
        return fail(s, errstr, size, "SCRAM: malformed server message");
    return KRAFKA_ERR_NONE;
}

/* The server's e= attribute, if the message starts with one. */
static krafka_err_t server_error(struct kr_sasl *s, struct cursor *c,
                                 const char *which, char *errstr,
                                 size_t size)
{
    struct view v;
    char q[SASL_QUOTE_MAX];
    if (!cur_attr(c, 'e', &v))
        return KRAFKA_ERR_NONE;
    return fail(s, errstr, size, "SCRAM: server error in %s: %s", which,
                quote(v, q, sizeof q));
}

/* The combined nonce: the client nonce, extended, printable. */
static krafka_err_t check_nonce(struct kr_sasl *s, struct view r,
                                char *errstr, size_t size)
{
    size_t cn = strlen(s->nonce);
    if (r.n < cn || memcmp(r.p, s->nonce, cn) != 0)
        return fail(s, errstr, size,
                    "SCRAM: server nonce does not start with the client "
                    "nonce");
    if (r.n == cn)
        return fail(s, errstr, size,
                    "SCRAM: server nonce does not extend the client nonce");
    for (size_t i = 0; i < r.n; i++)
        if (!nonce_char((unsigned char)r.p[i]))
            return fail(s, errstr, size,
                        "SCRAM: server nonce has an invalid character");
    return KRAFKA_ERR_NONE;
}

/* iteration-count = posit-number: no sign, no leading zero. */
static krafka_err_t parse_iter(struct kr_sasl *s, struct view v,
                               uint32_t *iter, char *errstr, size_t size)
{
    if (v.p[0] < '1' || v.p[0] > '9')
        return fail(s, errstr, size, "SCRAM: malformed iteration count");
    uint32_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return fail(s, errstr, size, "SCRAM: malformed iteration count");
        if (i < SCRAM_ITER_MAX_DIGITS)
            n = n * 10 + (uint32_t)(v.p[i] - '0');
    }
    if (v.n > SCRAM_ITER_MAX_DIGITS || n > SCRAM_ITER_MAX)
        return fail(s, errstr, size,
                    "SCRAM: iteration count above the maximum %d",
                    SCRAM_ITER_MAX);
    if (n < SCRAM_ITER_MIN)
        return fail(s, errstr, size,
                    "SCRAM: iteration count %u below the minimum %d",
                    (unsigned)n, SCRAM_ITER_MIN);
    *iter = n;
    return KRAFKA_ERR_NONE;
}

struct server_first {
    struct view nonce; /* borrowed: the server-first-message */
    uint8_t salt[SCRAM_SALT_MAX];
    size_t salt_len;
    uint32_t iter;
};

/* server-first-message = [reserved-mext ","] nonce "," salt ","
 *                        iteration-count ["," extensions] */
static krafka_err_t parse_server_first(struct kr_sasl *s, struct view m,
                                       struct server_first *f, char *errstr,
                                       size_t size)
{
    struct cursor c = {m.p, m.p + m.n};
    struct view v;
    krafka_err_t err = server_error(s, &c, "server-first-message", errstr,
                                    size);
    if (err)
        return err;
    if (cur_attr(&c, 'm', &v))
        return fail(s, errstr, size,
                    "SCRAM: server requires an unsupported mandatory "
                    "extension (m=)");
    if (!cur_attr(&c, 'r', &f->nonce))
        return fail(s, errstr, size, "SCRAM: server-first-message has no "
                                     "nonce (r=)");
    if ((err = check_nonce(s, f->nonce, errstr, size)))
        return err;
    if (!cur_attr(&c, 's', &v))
        return fail(s, errstr, size, "SCRAM: server-first-message has no "
                                     "salt (s=)");
    if (!b64_decode(v, f->salt, sizeof f->salt, &f->salt_len))
        return fail(s, errstr, size, "SCRAM: salt is not valid base64");
    if (!cur_attr(&c, 'i', &v))
        return fail(s, errstr, size, "SCRAM: server-first-message has no "
                                     "iteration count (i=)");
    if ((err = parse_iter(s, v, &f->iter, errstr, size)))
        return err;
    if (!cur_extensions(&c))
        return fail(s, errstr, size,
                    "SCRAM: malformed server-first-message extension");
    return KRAFKA_ERR_NONE;
}

/* ---- SCRAM computations (RFC 5802 section 3) ---- */

static bool hmac(const EVP_MD *md, const uint8_t *key, size_t key_len,
                 const void *data, size_t n, uint8_t *out)
{
    unsigned int len = 0;
    return HMAC(md, key, (int)key_len, data, n, out, &len) != NULL;
}

/* Computes ClientProof into @proof and keeps the expected
 * ServerSignature. Every intermediate key is wiped before returning. */
static bool scram_keys(struct kr_sasl *s, const struct server_first *f,
                       const struct kr_buf *auth, uint8_t *proof)
{
    const EVP_MD *md = scram_md(s->mech);
    size_t n = s->md_len;
    uint8_t salted[EVP_MAX_MD_SIZE], ckey[EVP_MAX_MD_SIZE];
    uint8_t stored[EVP_MAX_MD_SIZE], csig[EVP_MAX_MD_SIZE];
    uint8_t skey[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    /* SaltedPassword = Hi(password, salt, i), Hi being PBKDF2. */
    bool ok = PKCS5_PBKDF2_HMAC(s->pass, (int)s->pass_len, f->salt,
                                (int)f->salt_len, (int)f->iter, md, (int)n,
                                salted) == 1 &&
              hmac(md, salted, n, "Client Key", 10, ckey) &&
              EVP_Digest(ckey, n, stored, &len, md, NULL) == 1 &&
              hmac(md, stored, n, auth->data, auth->len, csig) &&
              hmac(md, salted, n, "Server Key", 10, skey) &&
              hmac(md, skey, n, auth->data, auth->len, s->server_sig);
    for (size_t i = 0; ok && i < n; i++)
        proof[i] = ckey[i] ^ csig[i];
    OPENSSL_cleanse(salted, sizeof salted);
    OPENSSL_cleanse(ckey, sizeof ckey);
    OPENSSL_cleanse(stored, sizeof stored);
    OPENSSL_cleanse(csig, sizeof csig);
    OPENSSL_cleanse(skey, sizeof skey);
    return ok;
}

/* client-final-message-without-proof: "c=biws,r=<server nonce>", where
 * biws = base64("n,,"), the gs2-header of the client-first-message. */
static void put_final_without_proof(struct kr_buf *b, struct view nonce)
{
    kr_buf_write(b, "c=biws,r=", 9);
    kr_buf_write(b, nonce.p, nonce.n);
}

/* AuthMessage = client-first-message-bare "," server-first-message ","
 *               client-final-message-without-proof */
static void put_auth_message(struct kr_buf *b, const struct kr_sasl *s,
                             struct view server_first, struct view nonce)
{
    kr_buf_write(b, s->first_bare, s->first_bare_len);
    kr_buf_put_u8(b, ',');
    kr_buf_write(b, server_first.p, server_first.n);
    kr_buf_put_u8(b, ',');
    put_final_without_proof(b, nonce);
}

/* Writes client-final-message: without-proof "," "p=" base64(proof). */
static krafka_err_t put_client_final(struct kr_sasl *s, struct view nonce,
                                     const uint8_t *proof, struct kr_buf *out,
                                     char *errstr, size_t size)
{
    char p64[SCRAM_B64_DIGEST_MAX];
    size_t n = b64_encode(proof, s->md_len, p64, sizeof p64);
    put_final_without_proof(out, nonce);
    kr_buf_write(out, ",p=", 3);
    kr_buf_write(out, p64, n);
    return out_status(s, out, errstr, size);
}

/* Handles the server-first-message: answers with the client-final. */
static krafka_err_t scram_final(struct kr_sasl *s, struct view m,
                                struct kr_buf *out, char *errstr,
                                size_t size)
{
    struct server_first f;
    krafka_err_t err = parse_server_first(s, m, &f, errstr, size);
    if (err)
        return err;
    struct kr_buf auth;
    kr_buf_init(&auth, s->first_bare_len + 2 * SCRAM_MSG_MAX + 64);
    put_auth_message(&auth, s, m, f.nonce);
    uint8_t proof[EVP_MAX_MD_SIZE];
    bool ok = !auth.err && scram_keys(s, &f, &auth, proof);
    kr_buf_free(&auth);
    if (!ok)
        return fail(s, errstr, size, "SCRAM: key computation failed");
    err = put_client_final(s, f.nonce, proof, out, errstr, size);
    OPENSSL_cleanse(proof, sizeof proof);
    if (!err)
        s->state = ST_WAIT_FINAL;
    return err;
}

/* server-final-message = (server-error / verifier) ["," extensions] */
static krafka_err_t scram_verify(struct kr_sasl *s, struct view m,
                                 bool *done, char *errstr, size_t size)
{
    struct cursor c = {m.p, m.p + m.n};
    struct view v;
    krafka_err_t err = server_error(s, &c, "server-final-message", errstr,
                                    size);
    if (err)
        return err;
    uint8_t sig[SCRAM_MSG_MAX];
    size_t sig_len = 0;
    if (!cur_attr(&c, 'v', &v) || !b64_decode(v, sig, sizeof sig, &sig_len))
        return fail(s, errstr, size,
                    "SCRAM: server-final-message has no valid verifier "
                    "(v=)");
    if (!cur_extensions(&c))
        return fail(s, errstr, size,
                    "SCRAM: malformed server-final-message extension");
    if (sig_len != s->md_len ||
        CRYPTO_memcmp(sig, s->server_sig, s->md_len) != 0)
        return fail(s, errstr, size,
                    "SCRAM: server signature mismatch: the server does not "
                    "know the credentials");
    s->state = ST_DONE;
    *done = true;
    return KRAFKA_ERR_NONE;
}

/* ---- the step ---- */

static krafka_err_t step_start(struct kr_sasl *s, size_t in_len,
                               struct kr_buf *out, bool *done, char *errstr,
                               size_t size)
{
    if (in_len)
        return fail(s, errstr, size,
                    "SASL: server message before the client's first");
    if (s->mech == KR_SASL_PLAIN)
        return plain_step(s, out, done, errstr, size);
    return scram_first(s, out, errstr, size);
}

krafka_err_t kr_sasl_step(struct kr_sasl *s, const uint8_t *in, size_t in_len,
                          struct kr_buf *out, bool *done, char *errstr,
                          size_t errstr_size)
{
    *done = false;
    if (s->state == ST_DONE)
        return set_err(errstr, errstr_size, "SASL exchange already finished");
    if (s->state == ST_FAILED)
        return set_err(errstr, errstr_size, "SASL exchange already failed");
    if (s->state == ST_START)
        return step_start(s, in_len, out, done, errstr, errstr_size);
    krafka_err_t err = check_server_msg(s, in, in_len, errstr, errstr_size);
    if (err)
        return err;
    struct view m = {(const char *)in, in_len};
    if (s->state == ST_WAIT_FIRST)
        return scram_final(s, m, out, errstr, errstr_size);
    return scram_verify(s, m, done, errstr, errstr_size);
}
