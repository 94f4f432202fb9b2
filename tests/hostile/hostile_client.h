/*
 * Client side of the hostile broker tests: captured log lines, clients
 * configured for a hostile server, a consumer of both partitions, record
 * batches to serve, and the checks every scenario makes.
 */
#ifndef KR_TESTS_HOSTILE_CLIENT_H
#define KR_TESTS_HOSTILE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostile_server.h"
#include "krafka/admin.h"
#include "krafka/consumer.h"
#include "krafka/producer.h"

/* ---- captured log lines ---- */

/* Resets the capture (a Check fixture: each test runs in its own fork). */
void hc_logs_setup(void);
/* The first line at @max_level or more severe containing @s (and @s2
 * when not NULL), copied to @out; false when there is none. */
bool hc_log_find(int max_level, const char *s, const char *s2, char *out,
                 size_t n);
/* hc_log_find() until the line shows up; false after @timeout_ms. */
bool hc_log_wait(int max_level, const char *s, const char *s2,
                 int timeout_ms);
/* Every captured line, for failure messages (static buffer). */
const char *hc_log_dump(void);

/* ---- clients ---- */

/* A configuration for the hostile server's node @node as bootstrap, the
 * log captured, short timeouts, and @props: name, value, ..., NULL. */
krafka_conf_t *hc_conf(const struct hs *s, int node,
                       const char *const *props);
krafka_admin_t *hc_admin(const struct hs *s, const char *const *props);
krafka_producer_t *hc_producer(const struct hs *s, const char *const *props);
/* A consumer (no group) assigned every partition of HS_TOPIC at offset 0. */
krafka_consumer_t *hc_consumer(const struct hs *s, const char *const *props);

/* krafka_admin_metadata() for HS_TOPIC: the error, errstr, elapsed ms. */
krafka_err_t hc_metadata(krafka_admin_t *a, int timeout_ms, char *errstr,
                         size_t n, int64_t *elapsed_ms);

/* What a consumer saw while polling. */
struct hc_seen {
    int records[HS_NODES];      /* per partition */
    int64_t last_off[HS_NODES]; /* -1: none */
    bool dup_or_backwards;      /* an offset came twice or went back */
    int events;
    krafka_err_t event_err[8];
    int32_t event_part[8];
    char event_str[8][256];
};

/* Polls @c until partition @part has @records records and (if
 * @want_event) an event came, or @timeout_ms passed; true if both. */
bool hc_consume(krafka_consumer_t *c, struct hc_seen *seen, int32_t part,
                int records, bool want_event, int timeout_ms);

/* ---- record batches ---- */

/* Appends a valid uncompressed batch of @cnt records (values "v<offset>")
 * at @base to @out. */
void hc_batch(struct kr_buf *out, int64_t base, int cnt);
/* Appends a batch with every header field given and @recs as its
 * records section (compressed or not as @attrs says), CRC computed. */
void hc_batch_raw(struct kr_buf *out, int64_t base, int8_t magic,
                  int16_t attrs, int32_t last_offset_delta, int32_t count,
                  const void *recs, size_t recs_len);
/* The records section (no batch header) of @cnt valid records for a batch
 * at @first (values "v<first + i>"). */
void hc_records(struct kr_buf *out, int64_t first, int cnt);
/* Fills node @node's partition log with @cnt valid records. */
void hc_fill_log(struct hs *s, int node, int cnt);

/* Peak resident memory of this process, in MiB. */
long hc_peak_rss_mib(void);

#endif
