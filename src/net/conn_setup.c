/*
 * Connection setup after TCP (and TLS): ApiVersions negotiation, then for
 * SASL listeners SaslHandshake v1 and SaslAuthenticate rounds (KIP-152).
 */
#include <stdio.h>
#include <string.h>

#include "krafka/krafka.h"
#include "net/conn.h"
#include "net/sasl.h"

static void setup_req(struct kr_conn *conn, const struct kr_api *api,
                      int16_t min_ver, const void *msg, kr_req_done_fn done)
{
    struct kr_req *r = &conn->setup;
    *r = (struct kr_req){.api = api, .msg = msg, .done = done,
                         .min_ver = min_ver,
                         .opaque = conn, .broker_id = conn->b->id,
                         .deadline_us = INT64_MAX};
    kr_timer_init(&r->timer, NULL, r);
    kr_conn_send_setup(conn);
}

static void sasl_auth_send(struct kr_conn *conn);

/* ---- SASL ---- */

static void sasl_fail(struct kr_conn *conn, const char *what,
                      const char *msg)
{
    kr_conn_fail(conn, KRAFKA_ERR_LOCAL_AUTHENTICATION, true,
                 "SASL %s authentication with %s failed: %s%s%s",
                 kr_sasl_mech_name(conn->c->conf->sasl_mechanism),
                 conn->addr, what, msg && *msg ? ": " : "", msg ? msg : "");
}

static void sasl_next_done(struct kr_conn *conn)
{
    kr_dbg(&conn->c->log, KR_DBG_SECURITY, "SASL",
           "%s: authenticated as \"%s\" with %s", conn->b->name,
           conn->c->conf->sasl_username,
           kr_sasl_mech_name(conn->c->conf->sasl_mechanism));
    kr_sasl_destroy(conn->sasl);
    conn->sasl = NULL;
    kr_conn_set_up(conn);
}

/* Feeds the server's bytes to the mechanism and sends the next message,
 * or finishes when the mechanism is done and has nothing more to say. */
static void sasl_next(struct kr_conn *conn, const uint8_t *in, size_t len)
{
    char errstr[256];
    kr_buf_reset(&conn->sasl_out);
    krafka_err_t err =
        kr_sasl_step(conn->sasl, in, len, &conn->sasl_out,
                     &conn->sasl_client_done, errstr, sizeof errstr);
    if (err != KRAFKA_ERR_NONE) {
        sasl_fail(conn, "", errstr);
        return;
    }
    if (conn->sasl_out.len == 0 && !conn->sasl_client_done) {
        sasl_fail(conn, "", "the mechanism has no message to send");
        return;
    }
    if (conn->sasl_out.len == 0) {
        sasl_next_done(conn);
        return;
    }
    sasl_auth_send(conn);
}

static void sasl_auth_done(struct kr_client *c, struct kr_req *r,
                           krafka_err_t err, const char *errstr,
                           const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct kr_conn *conn = r->opaque;
    if (err != KRAFKA_ERR_NONE) {
        sasl_fail(conn, "", errstr);
        return;
    }
    const struct kr_SaslAuthenticateResponse *res = resp;
    if (res->ErrorCode != 0) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s (%.*s)",
                 krafka_err2name((krafka_err_t)res->ErrorCode),
                 res->ErrorMessage.len > 0 ? (int)res->ErrorMessage.len : 0,
                 res->ErrorMessage.len > 0 ? res->ErrorMessage.ptr : "");
        sasl_fail(conn, "broker refused", msg);
        return;
    }
    /* PLAIN is done once the broker accepted its one message; SCRAM is
     * done after verifying the server-final-message in sasl_next(). */
    if (conn->sasl_client_done) {
        kr_buf_reset(&conn->sasl_out);
        sasl_next_done(conn);
        return;
    }
    sasl_next(conn, res->AuthBytes.ptr,
              res->AuthBytes.len > 0 ? (size_t)res->AuthBytes.len : 0);
}

static void sasl_auth_send(struct kr_conn *conn)
{
    conn->setup_msg.auth.AuthBytes = (struct kr_bytes){
        conn->sasl_out.data, (int32_t)conn->sasl_out.len};
    setup_req(conn, &kr_api_SaslAuthenticate, 0, &conn->setup_msg.auth,
              sasl_auth_done);
}

static void mechanisms_list(const struct kr_SaslHandshakeResponse *res,
                            char *out, size_t n)
{
    size_t off = 0;
    out[0] = '\0';
    for (int32_t i = 0; i < res->MechanismsCnt && off < n; i++) {
        int w = snprintf(out + off, n - off, "%s%.*s", i ? ", " : "",
                         (int)res->Mechanisms[i].len,
                         res->Mechanisms[i].ptr ? res->Mechanisms[i].ptr
                                                : "");
        if (w < 0)
            break;
        off += (size_t)w;
    }
}

static void sasl_handshake_done(struct kr_client *c, struct kr_req *r,
                                krafka_err_t err, const char *errstr,
                                const void *resp, int16_t v)
{
    (void)v;
    struct kr_conn *conn = r->opaque;
    if (err != KRAFKA_ERR_NONE) {
        sasl_fail(conn, "", errstr);
        return;
    }
    const struct kr_SaslHandshakeResponse *res = resp;
    if (res->ErrorCode != 0) {
        char mechs[200], msg[300];
        mechanisms_list(res, mechs, sizeof mechs);
        snprintf(msg, sizeof msg, "%s; the broker enables: %s",
                 krafka_err2name((krafka_err_t)res->ErrorCode), mechs);
        sasl_fail(conn, "handshake", msg);
        return;
    }
    char es[256];
    const struct krafka_conf *cf = c->conf;
    conn->sasl_client_done = false;
    if (kr_sasl_new(&conn->sasl, cf->sasl_mechanism, cf->sasl_username,
                    cf->sasl_password, es, sizeof es) != KRAFKA_ERR_NONE) {
        sasl_fail(conn, "", es);
        return;
    }
    sasl_next(conn, NULL, 0);
}

static void sasl_start(struct kr_conn *conn)
{
    conn->state = KR_CONN_SASL;
    if (kr_conn_api_version(conn, &kr_api_SaslAuthenticate, 0, 2) < 0) {
        sasl_fail(conn, "", "the broker does not support SaslAuthenticate");
        return;
    }
    conn->setup_msg.hs.Mechanism =
        kr_str_c(kr_sasl_mech_name(conn->c->conf->sasl_mechanism));
    /* v1: the exchange continues in SaslAuthenticate requests. */
    setup_req(conn, &kr_api_SaslHandshake, 1, &conn->setup_msg.hs,
              sasl_handshake_done);
}

/* ---- ApiVersions ---- */

static void apiversions_send(struct kr_conn *conn);

static void apiversions_store(struct kr_conn *conn,
                              const struct kr_ApiVersionsResponse *res)
{
    for (int i = 0; i < KR_API_KEY_MAX; i++) {
        conn->api_min[i] = 0;
        conn->api_max[i] = -1;
    }
    for (int32_t i = 0; i < res->ApiKeysCnt; i++) {
        const struct kr_ApiVersion *a = &res->ApiKeys[i];
        if (a->ApiKey < 0 || a->ApiKey >= KR_API_KEY_MAX ||
            a->MinVersion < 0 || a->MaxVersion < a->MinVersion)
            continue;
        conn->api_min[a->ApiKey] = a->MinVersion;
        conn->api_max[a->ApiKey] = a->MaxVersion;
    }
}

/* UNSUPPORTED_VERSION: retry at the broker's highest ApiVersions version
 * (from its v0 answer), or v0 when it gives none (KIP-511). */
static void apiversions_downgrade(struct kr_conn *conn,
                                  const struct kr_ApiVersionsResponse *res)
{
    int16_t next = 0;
    for (int32_t i = 0; i < res->ApiKeysCnt; i++)
        if (res->ApiKeys[i].ApiKey == KR_API_ApiVersions)
            next = res->ApiKeys[i].MaxVersion;
    if (next >= conn->apiversions_ver || next < 0)
        next = 0;
    if (conn->apiversions_ver == 0) {
        kr_conn_fail(conn, KRAFKA_ERR_UNSUPPORTED_VERSION, false,
                     "broker refuses ApiVersions v0");
        return;
    }
    kr_dbg(&conn->c->log, KR_DBG_PROTOCOL, "APIVERSION",
           "%s: ApiVersions v%d unsupported, retrying with v%d",
           conn->b->name, conn->apiversions_ver, next);
    conn->apiversions_ver = next;
    apiversions_send(conn);
}

static void apiversions_done(struct kr_client *c, struct kr_req *r,
                             krafka_err_t err, const char *errstr,
                             const void *resp, int16_t v)
{
    (void)v;
    struct kr_conn *conn = r->opaque;
    if (err != KRAFKA_ERR_NONE) {
        kr_conn_fail(conn, err, false, "ApiVersions failed: %s", errstr);
        return;
    }
    const struct kr_ApiVersionsResponse *res = resp;
    if (res->ErrorCode == KRAFKA_ERR_UNSUPPORTED_VERSION) {
        apiversions_downgrade(conn, res);
        return;
    }
    if (res->ErrorCode != 0) {
        kr_conn_fail(conn, (krafka_err_t)res->ErrorCode, false,
                     "ApiVersions failed: %s",
                     krafka_err2str((krafka_err_t)res->ErrorCode));
        return;
    }
    apiversions_store(conn, res);
    enum kr_security_protocol sp = c->conf->security_protocol;
    if (sp == KR_SEC_SASL_PLAINTEXT || sp == KR_SEC_SASL_SSL)
        sasl_start(conn);
    else
        kr_conn_set_up(conn);
}

static void apiversions_send(struct kr_conn *conn)
{
    conn->setup_msg.av = (struct kr_ApiVersionsRequest){
        .ClientSoftwareName = kr_str_c("krafka"),
        .ClientSoftwareVersion = kr_str_c(KRAFKA_VERSION_STR),
    };
    setup_req(conn, &kr_api_ApiVersions, 0, &conn->setup_msg.av,
              apiversions_done);
}

void kr_conn_setup_start(struct kr_conn *conn)
{
    conn->state = KR_CONN_APIVERSION;
    conn->apiversions_ver = kr_api_ApiVersions.max_ver;
    apiversions_send(conn);
}
