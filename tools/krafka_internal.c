/*
 * See krafka_cli_internal.h. The tool's registry (client_id "krafka-cli")
 * counts what the tool itself produced and consumed; once the clients
 * export their own registries (issue #7) they join it in the endpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/conf.h"
#include "krafka_cli_internal.h"
#include "metrics/metrics.h"
#include "util/buf.h"

char *cli_conf_doc(void)
{
    struct kr_buf doc;
    kr_buf_init(&doc, 0);
    kr_conf_doc_markdown(&doc);
    char *s = NULL;
    if (!doc.err && (s = malloc(doc.len + 1))) {
        memcpy(s, doc.data, doc.len);
        s[doc.len] = '\0';
    }
    kr_buf_free(&doc);
    return s;
}

static struct {
    krafka_metrics_t *reg;
    krafka_metrics_http_t *http;
    uint16_t port;
    struct kr_counter *prod_records, *prod_bytes, *cons_records, *cons_bytes;
} m;

int cli_metrics_start(int port)
{
    char errstr[256];
    m.reg = kr_metrics_registry_new("krafka-cli");
    if (!m.reg) {
        fprintf(stderr, "%% ERROR: metrics: out of memory\n");
        return -1;
    }
    m.prod_records = kr_metrics_counter(m.reg, "cli_produced_records",
        "Records the krafka tool handed to the producer", NULL, 0);
    m.prod_bytes = kr_metrics_counter(m.reg, "cli_produced_bytes",
        "Key and value bytes the krafka tool handed to the producer", NULL, 0);
    m.cons_records = kr_metrics_counter(m.reg, "cli_consumed_records",
        "Records the krafka tool wrote out", NULL, 0);
    m.cons_bytes = kr_metrics_counter(m.reg, "cli_consumed_bytes",
        "Key and value bytes of the records the krafka tool wrote out",
        NULL, 0);
    const krafka_metrics_t *regs[] = {m.reg};
    krafka_err_t err = krafka_metrics_http_serve(&m.http, regs, 1,
                                                 (uint16_t)port, errstr,
                                                 sizeof errstr);
    if (err) {
        fprintf(stderr, "%% ERROR: --metrics-port %d: %s\n", port, errstr);
        kr_metrics_registry_destroy(m.reg);
        m.reg = NULL;
        return -1;
    }
    m.port = krafka_metrics_http_port(m.http);
    fprintf(stderr, "%% Serving metrics on http://127.0.0.1:%u/metrics\n",
            (unsigned)m.port);
    return 0;
}

/* Restarts the endpoint on its port with the tool's registry and @client
 * (NULL: the tool's only). */
static void reserve(const krafka_metrics_t *client)
{
    if (!m.http)
        return;
    krafka_metrics_http_stop(m.http);
    m.http = NULL;
    const krafka_metrics_t *regs[] = {m.reg, client};
    char errstr[256];
    if (krafka_metrics_http_serve(&m.http, regs, client ? 2 : 1, m.port,
                                  errstr, sizeof errstr))
        fprintf(stderr, "%% ERROR: --metrics-port %u: %s\n",
                (unsigned)m.port, errstr);
}

void cli_metrics_attach(const struct krafka_metrics *client)
{
    reserve(client);
}

void cli_metrics_detach(void)
{
    reserve(NULL);
}

void cli_metrics_stop(void)
{
    krafka_metrics_http_stop(m.http);
    kr_metrics_registry_destroy(m.reg);
    memset(&m, 0, sizeof m);
}

void cli_metrics_produced(size_t bytes)
{
    if (m.prod_records) {
        kr_counter_inc(m.prod_records);
        kr_counter_add(m.prod_bytes, bytes);
    }
}

void cli_metrics_consumed(size_t bytes)
{
    if (m.cons_records) {
        kr_counter_inc(m.cons_records);
        kr_counter_add(m.cons_bytes, bytes);
    }
}
