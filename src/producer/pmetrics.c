/* The producer's metrics: registration and the gauges set at export. */
#include "producer/producer.h"

/* Export-time gauges: the queue bounded by queue.buffering.max.*. */
static void refresh(void *arg)
{
    struct krafka_producer *p = arg;
    int64_t b;
    int64_t n = kr_producer_queued(p, &b);
    kr_gauge_set(p->m.buffered_records, n > 0 ? (uint64_t)n : 0);
    kr_gauge_set(p->m.buffered_bytes, b > 0 ? (uint64_t)b : 0);
}

void kr_producer_metrics_init(struct krafka_producer *p)
{
    if (!p->c->met.on)
        return;
    krafka_metrics_t *r = p->c->met.reg;
    struct kr_producer_metrics *m = &p->m;
    m->records_sent = kr_metrics_counter(
        r, "records_sent", "Records the brokers acknowledged", NULL, 0);
    m->bytes_sent = kr_metrics_counter(
        r, "bytes_sent", "Key and value bytes of the records acknowledged",
        NULL, 0);
    m->batches_sent = kr_metrics_counter(
        r, "batches_sent", "Record batches the brokers acknowledged", NULL,
        0);
    m->errors = kr_metrics_counter(
        r, "errors",
        "Failed produce attempts, per batch (retried or not)", NULL, 0);
    m->retries = kr_metrics_counter(r, "retries",
                                    "Batches scheduled to be sent again",
                                    NULL, 0);
    m->records_dropped = kr_metrics_counter(
        r, "records_dropped",
        "Records that failed for good (not timed out): error, purge, "
        "fatal",
        NULL, 0);
    m->records_expired = kr_metrics_counter(
        r, "records_expired",
        "Records not delivered within message.timeout.ms", NULL, 0);
    m->buffered_records = kr_metrics_gauge(
        r, "buffered_records",
        "Records from send() until their report is served", NULL, 0);
    m->buffered_bytes = kr_metrics_gauge(
        r, "buffered_bytes",
        "Bytes counted against queue.buffering.max.kbytes", NULL, 0);
    m->batch_records = kr_metrics_histogram(
        r, "batch_records", "Records per batch, when closed", 1, NULL, 0);
    m->batch_bytes = kr_metrics_histogram(
        r, "batch_bytes", "Bytes per batch as sent (compressed)", 1, NULL,
        0);
    m->compression_ratio = kr_metrics_histogram(
        r, "compression_ratio",
        "Uncompressed / compressed size per compressed batch", 1000, NULL,
        0);
    m->request_records = kr_metrics_histogram(
        r, "request_records", "Records per ProduceRequest", 1, NULL, 0);
    m->send_latency = kr_metrics_latency(
        r, "send_latency", "send() to the broker's acknowledgement, per record",
        NULL, 0);
    m->queue_time = kr_metrics_latency(
        r, "queue_time",
        "A batch's first record queued to the batch first sent", NULL, 0);
    m->throttle_time = kr_metrics_latency(
        r, "throttle_time", "Broker throttling of produce responses (when > 0)",
        NULL, 0);
    if (m->buffered_records && m->buffered_bytes)
        kr_metrics_set_refresh(r, refresh, p);
}

void kr_producer_metrics_detach(struct krafka_producer *p)
{
    kr_metrics_set_refresh(p->c->met.reg, NULL, NULL);
}

krafka_metrics_t *krafka_producer_metrics(krafka_producer_t *p)
{
    return p ? p->c->met.reg : NULL;
}
