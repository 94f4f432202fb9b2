/*
 * log_sink - a structured logger whose sink is a Kafka topic.
 *
 * What it shows:
 *   - a small logging API (log_event()) that renders each event as one JSON
 *     object and sends it with the severity name as the record key;
 *   - partitioning by severity: an application partitioner
 *     (krafka_conf_set_partitioner_cb) sends "error" to partition 0, "warn"
 *     to 1, "info" to 2 and "debug" to 3 (modulo the partition count), so a
 *     consumer that only cares about errors reads one partition. Without -S
 *     the default partitioner hashes the key (murmur2), which also keeps one
 *     severity on one partition, just not a chosen one;
 *   - two delivery modes:
 *       async  fire-and-forget: krafka_producer_send() returns at once, the
 *              outcome arrives later in the delivery report callback, which
 *              runs inside krafka_producer_poll()/_flush() on this thread;
 *       sync   krafka_producer_send_sync() waits for the broker's ack and
 *              returns the outcome (partition and offset) directly;
 *   - errors are never swallowed: a send() refused at once, a record that
 *     failed later and records still unconfirmed at exit are all printed to
 *     stderr and make the exit code non-zero.
 *
 * Run it (a local broker: tests/kafka/harness start single):
 *   build/tools/krafka topics create -b 127.0.0.1:19092 --partitions 4 logs
 *   build/examples/log_sink -b 127.0.0.1:19092 -t logs -n 100 -S
 *   build/examples/log_sink -b 127.0.0.1:19092 -t logs -n 10 -m sync -v
 *   build/tools/krafka -b 127.0.0.1:19092 -t logs -C -e -f '%p %k %s\n'
 *
 * Without -n it logs one event every -i milliseconds until interrupted
 * (Ctrl-C), then flushes what is pending and exits.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <krafka/krafka.h>

enum severity { SEV_ERROR, SEV_WARN, SEV_INFO, SEV_DEBUG, SEV_CNT };
static const char *const sev_names[SEV_CNT] = {"error", "warn", "info",
                                               "debug"};

/* The logger: a producer, a topic and the counters the delivery report
 * callback keeps. */
struct log_sink {
    krafka_producer_t *producer;
    const char *topic;
    const char *service;
    bool sync;
    bool verbose;
    unsigned long long sent;      /* accepted by send() */
    unsigned long long delivered; /* confirmed by the broker */
    unsigned long long failed;    /* refused at once or failed later */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* Severity partitioner: the key is the severity name. Unknown keys (and
 * keyless records) go to the last severity's partition. */
static int32_t severity_partitioner(const char *topic, const void *key,
                                    size_t keylen, int32_t partition_cnt,
                                    void *opaque)
{
    (void)topic;
    (void)opaque;
    int32_t sev = SEV_DEBUG;
    for (int32_t i = 0; i < SEV_CNT; i++)
        if (key && keylen == strlen(sev_names[i]) &&
            memcmp(key, sev_names[i], keylen) == 0)
            sev = i;
    return sev % partition_cnt;
}

/* Delivery report callback (async mode): runs on the thread that calls
 * krafka_producer_poll() or _flush(), once per record send() accepted. */
static void on_delivery(krafka_producer_t *p, const krafka_delivery_t *dr,
                        void *conf_opaque)
{
    (void)p;
    struct log_sink *s = conf_opaque;
    if (dr->err != KRAFKA_ERR_NONE) {
        s->failed++;
        fprintf(stderr, "log_sink: event to %s failed: %s (%s)\n",
                dr->topic, krafka_err2name(dr->err), dr->errstr);
        return;
    }
    s->delivered++;
    if (s->verbose)
        fprintf(stderr, "log_sink: delivered to %s [%d] at offset %lld "
                "(%.1f ms)\n", dr->topic, (int)dr->partition,
                (long long)dr->offset, (double)dr->latency_us / 1000.0);
}

/* Appends @s to @out as a JSON string body (no quotes). */
static size_t json_escape(char *out, size_t cap, size_t len, const char *s)
{
    for (; *s && len + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[len++] = '\\';
            out[len++] = (char)c;
        } else if (c < 0x20) {
            len += (size_t)snprintf(out + len, cap - len, "\\u%04x", c);
        } else {
            out[len++] = (char)c;
        }
    }
    out[len] = '\0';
    return len;
}

/* Logs one event: renders it as JSON and sends it keyed by severity.
 * Returns 0, or -1 when the event could not be handed over (reported). */
static int log_event(struct log_sink *s, enum severity sev,
                     unsigned long long seq, const char *fmt, ...)
{
    char msg[512], json[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    long long now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    size_t len = (size_t)snprintf(json, sizeof json,
                                  "{\"ts\":%lld,\"level\":\"%s\","
                                  "\"service\":\"", now_ms, sev_names[sev]);
    len = json_escape(json, sizeof json, len, s->service);
    len += (size_t)snprintf(json + len, sizeof json - len,
                            "\",\"seq\":%llu,\"msg\":\"", seq);
    len = json_escape(json, sizeof json, len, msg);
    len += (size_t)snprintf(json + len, sizeof json - len, "\"}");

    krafka_msg_t m = {
        .topic = s->topic,
        .partition = KRAFKA_PARTITION_ANY,
        .key = sev_names[sev],
        .key_len = strlen(sev_names[sev]),
        .value = json,
        .value_len = len,
        .timestamp = now_ms,
    };

    if (s->sync) {
        /* Waits for the ack; the outcome is the return value. */
        krafka_delivery_t res;
        krafka_err_t err = krafka_producer_send_sync(s->producer, &m, 30000,
                                                     &res);
        s->sent++;
        if (err != KRAFKA_ERR_NONE) {
            s->failed++;
            fprintf(stderr, "log_sink: event %llu failed: %s (%s)\n", seq,
                    krafka_err2name(err), krafka_err2str(err));
            return -1;
        }
        s->delivered++;
        if (s->verbose)
            fprintf(stderr, "log_sink: event %llu acked at [%d] offset "
                    "%lld\n", seq, (int)res.partition,
                    (long long)res.offset);
        return 0;
    }

    /* Fire-and-forget: the library copies the record. When its queue is
     * full, serve delivery reports (which frees room) and try again. */
    for (;;) {
        krafka_err_t err = krafka_producer_send(s->producer, &m, NULL);
        if (err == KRAFKA_ERR_NONE) {
            s->sent++;
            break;
        }
        if (err == KRAFKA_ERR_LOCAL_QUEUE_FULL && !stop) {
            krafka_producer_poll(s->producer, 100);
            continue;
        }
        s->failed++;
        fprintf(stderr, "log_sink: event %llu refused: %s (%s)\n", seq,
                krafka_err2name(err), krafka_err2str(err));
        return -1;
    }
    krafka_producer_poll(s->producer, 0); /* serve reports that are due */
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

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s -b brokers -t topic [options]\n"
            "Sends JSON log events keyed by severity (error, warn, info,\n"
            "debug) to a topic.\n"
            "  -b brokers   bootstrap servers, host:port[,...]\n"
            "  -t topic     topic to log to (must exist)\n"
            "  -m mode      async (default: fire-and-forget with delivery\n"
            "               reports) or sync (wait for each ack)\n"
            "  -n count     log this many events, then exit (default: until\n"
            "               SIGINT/SIGTERM)\n"
            "  -i ms        pause between events (default 0 with -n, else 500)\n"
            "  -S           partition by severity: error->0, warn->1, info->2,\n"
            "               debug->3 (modulo the partition count)\n"
            "  -s service   service name in every event (default log_sink)\n"
            "  -X prop=val  any libkrafka property (repeatable)\n"
            "  -v           print every delivery\n"
            "Exit: 0 every event delivered, 1 some failed, 2 usage or\n"
            "configuration error.\n",
            prog);
}

int main(int argc, char **argv)
{
    const char *brokers = NULL, *mode = "async";
    struct log_sink s = {.service = "log_sink"};
    long long count = -1, interval_ms = -1;
    bool by_severity = false;
    char errstr[512];

    krafka_conf_t *conf = krafka_conf_new();
    if (!conf) {
        fprintf(stderr, "log_sink: out of memory\n");
        return 2;
    }
    int opt;
    while ((opt = getopt(argc, argv, "b:t:m:n:i:Ss:X:vh")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': s.topic = optarg; break;
        case 'm': mode = optarg; break;
        case 'n':
        case 'i':
            if (parse_num("log_sink", opt, optarg, 0,
                          opt == 'n' ? &count : &interval_ms) != 0) {
                krafka_conf_destroy(conf);
                return 2;
            }
            break;
        case 'S': by_severity = true; break;
        case 's': s.service = optarg; break;
        case 'v': s.verbose = true; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "log_sink: -X %s: expected prop=value\n",
                        optarg);
                krafka_conf_destroy(conf);
                return 2;
            }
            *eq = '\0';
            if (krafka_conf_set(conf, optarg, eq + 1, errstr,
                                sizeof errstr) != KRAFKA_ERR_NONE) {
                fprintf(stderr, "log_sink: %s\n", errstr);
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
    if (!brokers || !s.topic || optind != argc ||
        (strcmp(mode, "async") != 0 && strcmp(mode, "sync") != 0)) {
        usage(argv[0]);
        krafka_conf_destroy(conf);
        return 2;
    }
    s.sync = strcmp(mode, "sync") == 0;
    if (interval_ms < 0)
        interval_ms = count >= 0 ? 0 : 500;

    if (krafka_conf_set(conf, "bootstrap.servers", brokers, errstr,
                        sizeof errstr) != KRAFKA_ERR_NONE) {
        fprintf(stderr, "log_sink: %s\n", errstr);
        krafka_conf_destroy(conf);
        return 2;
    }
    krafka_conf_set_opaque(conf, &s);
    krafka_conf_set_dr_cb(conf, on_delivery);
    if (by_severity)
        krafka_conf_set_partitioner_cb(conf, severity_partitioner, NULL);

    krafka_err_t err = krafka_producer_new(&s.producer, conf, errstr,
                                           sizeof errstr);
    krafka_conf_destroy(conf); /* the producer keeps its own copy */
    if (err != KRAFKA_ERR_NONE) {
        fprintf(stderr, "log_sink: cannot create the producer: %s\n",
                errstr);
        return 2;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    /* The events: a deterministic mix, one severity after the other. */
    static const char *const what[SEV_CNT] = {
        "payment %llu declined by the bank",
        "request %llu took longer than its budget",
        "user logged in, request %llu",
        "cache lookup for request %llu",
    };
    for (unsigned long long seq = 0;
         !stop && (count < 0 || seq < (unsigned long long)count); seq++) {
        enum severity sev = (enum severity)(seq % SEV_CNT);
        log_event(&s, sev, seq, what[sev], seq);
        if (interval_ms > 0) {
            struct timespec d = {.tv_sec = interval_ms / 1000,
                                 .tv_nsec = (interval_ms % 1000) * 1000000};
            nanosleep(&d, NULL);
        }
    }

    /* Wait for the outstanding reports; whatever is still not confirmed
     * when the flush gives up is an error too. */
    if (krafka_producer_flush(s.producer, 30000) != KRAFKA_ERR_NONE) {
        int left = krafka_producer_outq_len(s.producer);
        fprintf(stderr, "log_sink: flush timed out, %d events not "
                "confirmed\n", left);
    }
    /* destroy() reports anything left as purged, through on_delivery. */
    krafka_producer_destroy(s.producer);

    fprintf(stderr, "log_sink: %llu events sent, %llu delivered, %llu "
            "failed (%s mode)\n", s.sent, s.delivered, s.failed, mode);
    return s.failed == 0 && s.delivered == s.sent ? 0 : 1;
}
