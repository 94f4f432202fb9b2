/*
 * traced_pipeline - distributed tracing through Kafka with libkrafka's
 * interceptor hooks and a W3C Trace Context `traceparent` header.
 *
 * What it shows:
 *   - producer interceptors (krafka_conf_set_interceptors):
 *       on_send  runs inside krafka_producer_send() and adds a header
 *                "traceparent: 00-<trace id>-<span id>-01" to the record,
 *                naming the record's "send" span;
 *       on_ack   runs on the producer's I/O thread when the broker answers
 *                and ends the "send" span with the partition, the offset and
 *                the outcome;
 *   - the consumer interceptor (krafka_conf_set_consume_interceptor):
 *       on_consume runs inside krafka_consumer_poll() before the record is
 *                returned; it reads the traceparent header and starts a
 *                "receive" span in the same trace, a child of the producer's
 *                "send" span, lasting as long as the record waited in the
 *                consumer's queue;
 *   - the application's own "process" span, a child of "receive", around
 *     the work it does with the record.
 *
 * Spans are printed as JSON lines (stderr, or the file given with -o):
 *   {"trace_id":"...","span_id":"...","parent_id":"..."|null,"name":"send",
 *    "kind":"producer","client_id":"...","topic":"...","partition":0,
 *    "offset":42,"key":"...","start_us":...,"duration_us":...,
 *    "status":"ok"}
 * which an OpenTelemetry collector (or jq) can turn into a trace tree.
 *
 * Each record's span is the opaque given to send(): on_send gets it (and
 * starts the span, adding its traceparent), on_ack gets it back in
 * dr->opaque (and ends it).
 *
 * Run it (a local broker: tests/kafka/harness start single):
 *   build/tools/krafka topics create -b 127.0.0.1:19092 --partitions 3 orders
 *   build/examples/traced_pipeline -b 127.0.0.1:19092 -t orders -n 10
 *   # or producer and consumer as two processes:
 *   build/examples/traced_pipeline -b ... -t orders -m consume -g billing &
 *   build/examples/traced_pipeline -b ... -t orders -m produce -n 10
 *
 * Modes (-m): both (default) produces -n records, then reads exactly those
 * back with a manually assigned consumer; produce only produces; consume
 * joins consumer group -g and processes records until -n were processed or
 * -T seconds passed.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <krafka/krafka.h>

#define MAX_PARTITIONS 1024
#define TRACEPARENT_LEN 55 /* "00-" 32 "-" 16 "-01" */

/* ---- ids and time ------------------------------------------------------ */

struct trace_ctx {
    uint8_t trace_id[16];
    uint8_t span_id[8];
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Random ids: a per-thread splitmix64 seeded from /dev/urandom. */
static uint64_t rand64(void)
{
    static _Thread_local uint64_t state;
    static _Thread_local bool seeded;
    if (!seeded) {
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f || fread(&state, sizeof state, 1, f) != 1)
            state = (uint64_t)now_us() ^ (uint64_t)(uintptr_t)&state;
        if (f)
            fclose(f);
        seeded = true;
    }
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void random_id(uint8_t *id, size_t len)
{
    do {
        for (size_t i = 0; i < len; i += 8) {
            uint64_t r = rand64();
            memcpy(id + i, &r, len - i < 8 ? len - i : 8);
        }
    } while (id[0] == 0 && memcmp(id, id + 1, len - 1) == 0); /* not 0 */
}

static void hex(char *out, const uint8_t *id, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[id[i] >> 4];
        out[2 * i + 1] = digits[id[i] & 15];
    }
    out[2 * len] = '\0';
}

static int unhex(uint8_t *id, const char *s, size_t len)
{
    for (size_t i = 0; i < 2 * len; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        id[i / 2] = (uint8_t)(i % 2 ? (id[i / 2] | v) : v << 4);
    }
    return 0;
}

/* Parses "00-<32 hex>-<16 hex>-<2 hex>" (W3C Trace Context, version 00). */
static bool parse_traceparent(const void *value, size_t len,
                              struct trace_ctx *out)
{
    const char *s = value;
    if (!s || len != TRACEPARENT_LEN || memcmp(s, "00-", 3) != 0 ||
        s[35] != '-' || s[52] != '-')
        return false;
    static const uint8_t zero[16];
    return unhex(out->trace_id, s + 3, 16) == 0 &&
           unhex(out->span_id, s + 36, 8) == 0 &&
           memcmp(out->trace_id, zero, 16) != 0 &&
           memcmp(out->span_id, zero, 8) != 0;
}

static void format_traceparent(char *out, const struct trace_ctx *c)
{
    char t[33], s[17];
    hex(t, c->trace_id, 16);
    hex(s, c->span_id, 8);
    snprintf(out, TRACEPARENT_LEN + 1, "00-%s-%s-01", t, s);
}

/* ---- span output -------------------------------------------------------- */

struct span {
    struct trace_ctx ctx;
    uint8_t parent_id[8];
    bool has_parent;
    const char *name, *kind, *client_id, *topic;
    int32_t partition;
    int64_t offset;
    char key[64];
    size_t key_len;
    int64_t start_us, duration_us;
    krafka_err_t err;
    char traceparent[TRACEPARENT_LEN + 1]; /* header value (producer) */
};

static FILE *span_out;
static pthread_mutex_t span_lock = PTHREAD_MUTEX_INITIALIZER;

static void json_str(FILE *f, const char *s, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* Writes @s as one JSON line. Called from the I/O thread (on_ack) and the
 * application's threads, hence the lock. */
static void emit(const struct span *s)
{
    char trace[33], id[17], parent[17];
    hex(trace, s->ctx.trace_id, 16);
    hex(id, s->ctx.span_id, 8);
    hex(parent, s->parent_id, 8);
    pthread_mutex_lock(&span_lock);
    fprintf(span_out, "{\"trace_id\":\"%s\",\"span_id\":\"%s\","
            "\"parent_id\":", trace, id);
    if (s->has_parent)
        fprintf(span_out, "\"%s\"", parent);
    else
        fputs("null", span_out);
    fprintf(span_out, ",\"name\":\"%s\",\"kind\":\"%s\",\"client_id\":",
            s->name, s->kind);
    json_str(span_out, s->client_id, strlen(s->client_id));
    fputs(",\"topic\":", span_out);
    json_str(span_out, s->topic, strlen(s->topic));
    fprintf(span_out, ",\"partition\":%" PRId32 ",\"offset\":%" PRId64
            ",\"key\":", s->partition, s->offset);
    json_str(span_out, s->key, s->key_len);
    fprintf(span_out, ",\"start_us\":%" PRId64 ",\"duration_us\":%" PRId64
            ",\"status\":\"%s\"}\n", s->start_us, s->duration_us,
            s->err ? krafka_err2name(s->err) : "ok");
    fflush(span_out);
    pthread_mutex_unlock(&span_lock);
}

static void set_key(struct span *s, const void *key, size_t len)
{
    s->key_len = len < sizeof s->key ? len : sizeof s->key;
    if (key)
        memcpy(s->key, key, s->key_len);
}

/* ---- producer side ------------------------------------------------------ */

struct pipeline {
    const char *topic;
    char producer_id[128], consumer_id[128];
    /* Filled by on_ack (I/O thread), read after the flush. */
    pthread_mutex_t lock;
    int64_t first_offset[MAX_PARTITIONS]; /* -1: nothing acked there */
    long acked, failed;
};

static size_t on_send(const krafka_msg_t *msg, void *opaque,
                      krafka_header_t *add, size_t max_add, void *ic_opaque)
{
    (void)ic_opaque;
    struct span *s = opaque; /* NULL: not sent through traced_send() */
    if (!s || max_add < 1)
        return 0;
    /* A record that already carries a traceparent (the application is
     * inside a trace) gets a send span in that trace; else a new trace. */
    struct trace_ctx parent;
    const krafka_header_t *tp = NULL;
    for (size_t i = 0; i < msg->header_cnt; i++)
        if (strcmp(msg->headers[i].key, "traceparent") == 0)
            tp = &msg->headers[i];
    if (tp && parse_traceparent(tp->value, tp->value_len, &parent)) {
        memcpy(s->ctx.trace_id, parent.trace_id, 16);
        memcpy(s->parent_id, parent.span_id, 8);
        s->has_parent = true;
    } else {
        random_id(s->ctx.trace_id, 16);
    }
    random_id(s->ctx.span_id, 8);
    format_traceparent(s->traceparent, &s->ctx);
    add[0] = (krafka_header_t){.key = "traceparent", .value = s->traceparent,
                               .value_len = TRACEPARENT_LEN};
    return 1;
}

static void on_ack(const krafka_delivery_t *dr, void *ic_opaque)
{
    struct pipeline *pl = ic_opaque;
    struct span *s = dr->opaque;
    if (!s)
        return; /* not sent through traced_send() */
    s->partition = dr->partition;
    s->offset = dr->offset;
    s->err = dr->err;
    s->duration_us = now_us() - s->start_us;
    emit(s);
    pthread_mutex_lock(&pl->lock);
    if (dr->err) {
        pl->failed++;
    } else {
        pl->acked++;
        if (dr->partition >= 0 && dr->partition < MAX_PARTITIONS &&
            (pl->first_offset[dr->partition] < 0 ||
             dr->offset < pl->first_offset[dr->partition]))
            pl->first_offset[dr->partition] = dr->offset;
    }
    pthread_mutex_unlock(&pl->lock);
    free(s);
}

/* Sends @msg with a "send" span; the span ends in on_ack, or here when
 * send() refuses the record. */
static krafka_err_t traced_send(krafka_producer_t *p, struct pipeline *pl,
                                const krafka_msg_t *msg)
{
    struct span *s = calloc(1, sizeof *s);
    if (!s)
        return KRAFKA_ERR_LOCAL_NOMEM;
    *s = (struct span){.name = "send", .kind = "producer",
                       .client_id = pl->producer_id, .topic = msg->topic,
                       .partition = msg->partition, .offset = -1,
                       .start_us = now_us()};
    set_key(s, msg->key, msg->key_len);
    krafka_err_t err;
    for (;;) {
        err = krafka_producer_send(p, msg, s);
        if (err != KRAFKA_ERR_LOCAL_QUEUE_FULL)
            break;
        krafka_producer_poll(p, 100);
    }
    if (err != KRAFKA_ERR_NONE) {
        s->err = err;
        s->duration_us = now_us() - s->start_us;
        emit(s);
        free(s);
    }
    return err;
}

static int run_producer(krafka_conf_t *base, struct pipeline *pl, long n)
{
    char errstr[512];
    krafka_conf_t *conf = krafka_conf_dup(base);
    if (!conf)
        return -1;
    size_t id_size = sizeof pl->producer_id;
    if (krafka_conf_get(conf, "client.id", pl->producer_id, &id_size) !=
            KRAFKA_ERR_NONE ||
        strcmp(pl->producer_id, "krafka") == 0) {
        krafka_conf_set(conf, "client.id", "traced-pipeline-producer", NULL,
                        0);
        snprintf(pl->producer_id, sizeof pl->producer_id, "%s",
                 "traced-pipeline-producer");
    }
    krafka_conf_set_interceptors(conf, on_send, on_ack, pl);
    krafka_producer_t *p;
    krafka_err_t err = krafka_producer_new(&p, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (err) {
        fprintf(stderr, "traced_pipeline: producer: %s\n", errstr);
        return -1;
    }
    int rc = 0;
    for (long i = 0; i < n; i++) {
        char key[32], value[64];
        int kl = snprintf(key, sizeof key, "customer-%ld", i % 7);
        int vl = snprintf(value, sizeof value, "{\"order\":%ld,\"amount\":%ld}",
                          i, 10 + i % 90);
        krafka_msg_t m = {.topic = pl->topic,
                          .partition = KRAFKA_PARTITION_ANY,
                          .key = key, .key_len = (size_t)kl,
                          .value = value, .value_len = (size_t)vl};
        err = traced_send(p, pl, &m);
        if (err) {
            fprintf(stderr, "traced_pipeline: send: %s\n",
                    krafka_err2str(err));
            rc = -1;
            break;
        }
        krafka_producer_poll(p, 0);
    }
    if (krafka_producer_flush(p, 30000) != KRAFKA_ERR_NONE)
        fprintf(stderr, "traced_pipeline: flush timed out\n");
    krafka_producer_destroy(p);
    if (pl->failed > 0) {
        fprintf(stderr, "traced_pipeline: %ld of %ld records failed\n",
                pl->failed, n);
        rc = -1;
    }
    return rc;
}

/* ---- consumer side ------------------------------------------------------ */

/* The receive span of each record on_consume saw, found again by the
 * processing code by partition and offset. on_consume and the processing
 * code both run on the thread that polls: no lock. */
#define RECEIVED_SLOTS 256
struct received {
    int32_t partition;
    int64_t offset;
    struct trace_ctx ctx; /* the receive span */
    bool valid;
};
static struct received received[RECEIVED_SLOTS];

static size_t slot_of(int32_t partition, int64_t offset)
{
    return ((size_t)partition * 31 + (size_t)offset) % RECEIVED_SLOTS;
}

static void on_consume(const krafka_record_t *rec, int64_t queued_us,
                       void *ic_opaque)
{
    struct pipeline *pl = ic_opaque;
    const void *v;
    size_t vlen;
    struct trace_ctx parent;
    struct span s = {.name = "receive", .kind = "consumer",
                     .client_id = pl->consumer_id, .topic = rec->topic,
                     .partition = rec->partition, .offset = rec->offset,
                     .duration_us = queued_us};
    s.start_us = now_us() - queued_us;
    set_key(&s, rec->key, rec->key_len);
    if (krafka_record_header_last(rec, "traceparent", &v, &vlen) ==
            KRAFKA_ERR_NONE && parse_traceparent(v, vlen, &parent)) {
        memcpy(s.ctx.trace_id, parent.trace_id, 16);
        memcpy(s.parent_id, parent.span_id, 8);
        s.has_parent = true;
    } else {
        random_id(s.ctx.trace_id, 16); /* an untraced record: new trace */
    }
    random_id(s.ctx.span_id, 8);
    emit(&s);
    struct received *r = &received[slot_of(rec->partition, rec->offset)];
    *r = (struct received){.partition = rec->partition,
                           .offset = rec->offset, .ctx = s.ctx,
                           .valid = true};
}

/* The application's work on one record, in a "process" span. */
static void process(struct pipeline *pl, const krafka_record_t *rec,
                    unsigned long *checksum)
{
    struct span s = {.name = "process", .kind = "internal",
                     .client_id = pl->consumer_id, .topic = rec->topic,
                     .partition = rec->partition, .offset = rec->offset,
                     .start_us = now_us()};
    set_key(&s, rec->key, rec->key_len);
    struct received *r = &received[slot_of(rec->partition, rec->offset)];
    if (r->valid && r->partition == rec->partition &&
        r->offset == rec->offset) {
        memcpy(s.ctx.trace_id, r->ctx.trace_id, 16);
        memcpy(s.parent_id, r->ctx.span_id, 8);
        s.has_parent = true;
        r->valid = false;
    } else {
        random_id(s.ctx.trace_id, 16);
    }
    random_id(s.ctx.span_id, 8);
    /* The "work": a checksum of the value. */
    const unsigned char *b = rec->value;
    for (size_t i = 0; i < rec->value_len; i++)
        *checksum = *checksum * 31 + b[i];
    s.duration_us = now_us() - s.start_us;
    emit(&s);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* @group NULL: assign the partitions on_ack saw, from the first offset
 * acked in each (mode both); else subscribe in @group. */
static int run_consumer(krafka_conf_t *base, struct pipeline *pl,
                        const char *group, long n, int seconds)
{
    char errstr[512];
    krafka_conf_t *conf = krafka_conf_dup(base);
    if (!conf)
        return -1;
    size_t id_size = sizeof pl->consumer_id;
    if (krafka_conf_get(conf, "client.id", pl->consumer_id, &id_size) !=
            KRAFKA_ERR_NONE ||
        strcmp(pl->consumer_id, "krafka") == 0) {
        krafka_conf_set(conf, "client.id", "traced-pipeline-consumer", NULL,
                        0);
        snprintf(pl->consumer_id, sizeof pl->consumer_id, "%s",
                 "traced-pipeline-consumer");
    }
    if (group &&
        (krafka_conf_set(conf, "group.id", group, errstr, sizeof errstr) ||
         krafka_conf_set(conf, "auto.offset.reset", "earliest", errstr,
                         sizeof errstr))) {
        fprintf(stderr, "traced_pipeline: %s\n", errstr);
        krafka_conf_destroy(conf);
        return -1;
    }
    krafka_conf_set_consume_interceptor(conf, on_consume, pl);
    krafka_consumer_t *c;
    krafka_err_t err = krafka_consumer_new(&c, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (err) {
        fprintf(stderr, "traced_pipeline: consumer: %s\n", errstr);
        return -1;
    }
    if (group) {
        const char *topics[] = {pl->topic};
        err = krafka_consumer_subscribe(c, topics, 1);
    } else {
        krafka_tp_list_t *tps = krafka_tp_list_new(4);
        for (int32_t i = 0; tps && i < MAX_PARTITIONS; i++)
            if (pl->first_offset[i] >= 0) {
                krafka_topic_partition_t *tp =
                    krafka_tp_list_add(tps, pl->topic, i);
                if (tp)
                    tp->offset = pl->first_offset[i];
            }
        err = tps ? krafka_consumer_assign(c, tps) : KRAFKA_ERR_LOCAL_NOMEM;
        krafka_tp_list_destroy(tps);
    }
    if (err) {
        fprintf(stderr, "traced_pipeline: %s: %s\n",
                group ? "subscribe" : "assign", krafka_err2str(err));
        krafka_consumer_destroy(c);
        return -1;
    }

    long done = 0;
    unsigned long checksum = 0;
    int64_t deadline = now_us() + (int64_t)seconds * 1000000;
    while (!stop && (n < 0 || done < n) && now_us() < deadline) {
        krafka_record_t *rec = krafka_consumer_poll(c, 200);
        if (!rec)
            continue;
        if (rec->err) {
            fprintf(stderr, "traced_pipeline: consumer event: %s: %s\n",
                    krafka_err2name(rec->err), rec->errstr);
        } else {
            process(pl, rec, &checksum);
            done++;
        }
        krafka_record_destroy(rec);
    }
    krafka_consumer_close(c);
    krafka_consumer_destroy(c);
    fprintf(stderr, "traced_pipeline: processed %ld records (checksum "
            "%lx)\n", done, checksum);
    if (n >= 0 && done < n) {
        fprintf(stderr, "traced_pipeline: only %ld of %ld records within "
                "%d s\n", done, n, seconds);
        return -1;
    }
    return 0;
}

/* Parses a whole decimal number >= @min, or prints why not and returns -1. */
static int parse_num(const char *prog, int opt, const char *s, long long min,
                     long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min) {
        fprintf(stderr, "%s: -%c %s: expected a number >= %lld\n", prog, opt,
                s, min);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- main --------------------------------------------------------------- */

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s -b brokers -t topic [options]\n"
            "  -m mode       both (default), produce or consume\n"
            "  -n count      records to produce / to process (default 10;\n"
            "                consume: -1 means until -T or a signal)\n"
            "  -g group      consumer group for -m consume (default\n"
            "                traced_pipeline)\n"
            "  -T seconds    longest time the consumer runs (default 30)\n"
            "  -o file       write spans there (default stderr)\n"
            "  -X prop=val   a libkrafka property for both clients\n"
            "                (repeatable; client.id is used in spans)\n"
            "Exit: 0 ok, 1 a record failed or did not arrive in time, 2 "
            "usage.\n",
            prog);
}

int main(int argc, char **argv)
{
    const char *brokers = NULL, *mode = "both", *group = "traced_pipeline";
    const char *out_path = NULL;
    long n = 10;
    int seconds = 30;
    char errstr[512];
    struct pipeline pl = {.lock = PTHREAD_MUTEX_INITIALIZER};
    for (int i = 0; i < MAX_PARTITIONS; i++)
        pl.first_offset[i] = -1;

    krafka_conf_t *conf = krafka_conf_new();
    if (!conf)
        return 1;
    int opt;
    while ((opt = getopt(argc, argv, "b:t:m:n:g:T:o:X:h")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': pl.topic = optarg; break;
        case 'm': mode = optarg; break;
        case 'n':
        case 'T': {
            long long v;
            if (parse_num("traced_pipeline", opt, optarg, -1, &v) != 0 ||
                v > INT32_MAX) {
                krafka_conf_destroy(conf);
                return 2;
            }
            if (opt == 'n')
                n = (long)v;
            else
                seconds = (int)v;
            break;
        }
        case 'g': group = optarg; break;
        case 'o': out_path = optarg; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (eq)
                *eq = '\0';
            if (!eq || krafka_conf_set(conf, optarg, eq + 1, errstr,
                                       sizeof errstr)) {
                fprintf(stderr, "traced_pipeline: -X %s: %s\n", optarg,
                        eq ? errstr : "expected prop=value");
                krafka_conf_destroy(conf);
                return 2;
            }
            break;
        }
        case 'h':
            usage(argv[0]);
            krafka_conf_destroy(conf);
            return 0;
        default:
            usage(argv[0]);
            krafka_conf_destroy(conf);
            return 2;
        }
    }
    bool produce = strcmp(mode, "both") == 0 || strcmp(mode, "produce") == 0;
    bool consume = strcmp(mode, "both") == 0 || strcmp(mode, "consume") == 0;
    if (!brokers || !pl.topic || optind != argc || (!produce && !consume) ||
        (produce && n < 0) || seconds <= 0) {
        usage(argv[0]);
        krafka_conf_destroy(conf);
        return 2;
    }
    if (krafka_conf_set(conf, "bootstrap.servers", brokers, errstr,
                        sizeof errstr)) {
        fprintf(stderr, "traced_pipeline: %s\n", errstr);
        krafka_conf_destroy(conf);
        return 2;
    }
    span_out = stderr;
    if (out_path && !(span_out = fopen(out_path, "w"))) {
        perror(out_path);
        krafka_conf_destroy(conf);
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = 0;
    if (produce)
        rc = run_producer(conf, &pl, n);
    if (rc == 0 && consume)
        rc = run_consumer(conf, &pl, produce ? NULL : group,
                          produce ? pl.acked : n, seconds);
    krafka_conf_destroy(conf);
    if (span_out != stderr)
        fclose(span_out);
    return rc == 0 ? 0 : 1;
}
