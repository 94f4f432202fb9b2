/*
 * SASL client mechanisms: PLAIN (RFC 4616) and SCRAM-SHA-256/512
 * (RFC 5802, RFC 7677). Pure message logic, no socket: the connection
 * carries the bytes in SaslAuthenticate requests (KIP-152).
 *
 * Thread: a struct kr_sasl belongs to one connection, used by the I/O
 * thread only.
 */
#ifndef KR_NET_SASL_H
#define KR_NET_SASL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conf.h"
#include "krafka/errors.h"
#include "util/buf.h"

struct kr_sasl;

/* The mechanism's name on the wire: "PLAIN", "SCRAM-SHA-256", ... */
const char *kr_sasl_mech_name(enum kr_sasl_mech mech);

/* Starts an exchange for @user/@pass (copied; the copy of the password is
 * wiped on destroy). Returns NONE, or LOCAL_INVALID_CONF for a missing
 * user or password, with a message in @errstr. */
krafka_err_t kr_sasl_new(struct kr_sasl **out, enum kr_sasl_mech mech,
                         const char *user, const char *pass, char *errstr,
                         size_t errstr_size);

/* Tests only: use @nonce (printable, no ',') instead of a random one. */
void kr_sasl_set_nonce(struct kr_sasl *s, const char *nonce);

/* One step. @in/@in_len is the server's last message (NULL/0 on the first
 * call). Appends the next client message to @out, which may be empty when
 * the exchange needs no more client bytes. Sets *@done once the exchange is
 * complete on the client side (PLAIN: after the first message; SCRAM: after
 * the server-final-message's signature verified). Returns NONE, or
 * LOCAL_AUTHENTICATION with a message (never containing the password) for a
 * malformed server message, a bad nonce, a too small iteration count, a
 * server error (e=...) or a wrong server signature. */
krafka_err_t kr_sasl_step(struct kr_sasl *s, const uint8_t *in, size_t in_len,
                          struct kr_buf *out, bool *done, char *errstr,
                          size_t errstr_size);

void kr_sasl_destroy(struct kr_sasl *s); /* NULL: no-op */

#endif
