/*
 * A minimal blocking Kafka connection for the codec conformance tests: one
 * request at a time, socket timeouts, bounded frames. Not the client's
 * connection pool (that is src/net).
 */
#ifndef KR_TESTS_KAFKA_CONN_H
#define KR_TESTS_KAFKA_CONN_H

#include "protocol/apis.h"

struct kt_conn {
    int fd;
    int32_t next_corr;
    struct kr_buf rx; /* the last response frame (owned) */
};

/* Connects to "host:port" (the first of a comma-separated list). */
krafka_err_t kt_connect(struct kt_conn *c, const char *bootstrap);
void kt_close(struct kt_conn *c);

/* Sends @req of @api at @v and decodes the answer into @resp (memory from
 * @a, views into c->rx: valid until the next call). */
krafka_err_t kt_call(struct kt_conn *c, const struct kr_api *api, int16_t v,
                     const void *req, void *resp, struct kr_arena *a);

/* Sends raw frame bytes and reads one raw response frame into c->rx. */
krafka_err_t kt_roundtrip_raw(struct kt_conn *c, const uint8_t *frame,
                              size_t len);

/* The bootstrap address from the environment variable @var, or aborts the
 * test with a message that says how to start Kafka. */
const char *kt_env(const char *var);

#endif
