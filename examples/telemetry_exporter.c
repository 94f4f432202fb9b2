/*
 * telemetry_exporter - ships newline-delimited records from stdin to a
 * Kafka topic, the last hop of an observability pipeline (metrics, traces
 * or logs already serialized one per line, e.g. OTLP/JSON or Influx line
 * protocol).
 *
 * What it shows:
 *   - the producer properties such a pipeline tunes, as command-line flags
 *     that map one to one to libkrafka properties (librdkafka's names):
 *       --acks none|one|all        acks
 *       --compression CODEC        compression.type
 *       --linger-ms N              linger.ms
 *       --batch-size BYTES         batch.size
 *       --batch-records N          batch.num.messages
 *       --retries N                retries
 *       --retry-backoff-ms N       retry.backoff.ms
 *       --message-timeout-ms N     message.timeout.ms
 *       --partitioner NAME         partitioner
 *       --idempotence true|false   enable.idempotence
 *       --security-protocol P      security.protocol
 *       --sasl-mechanism M         sasl.mechanism
 *       --sasl-username U          sasl.username
 *       --sasl-password P          sasl.password
 *       --ssl-ca FILE              ssl.ca.location
 *       --ssl-cert FILE            ssl.certificate.location
 *       --ssl-key FILE             ssl.key.location
 *       --ssl-key-password P       ssl.key.password
 *     and -X prop=value for any other property (docs/CONFIGURATION.md);
 *   - backpressure: when the producer's queue is full, serve delivery
 *     reports and retry instead of dropping the record;
 *   - accounting: every line read is either confirmed by the broker or
 *     counted and reported as failed, with the reason;
 *   - exit codes a supervisor can act on (see usage()).
 *
 * Run it (a local broker: tests/kafka/harness start single):
 *   build/tools/krafka topics create -b 127.0.0.1:19092 --partitions 3 otel
 *   seq 1 100000 | sed 's/^/cpu.load host=a value=/' |
 *     build/examples/telemetry_exporter -b 127.0.0.1:19092 -t otel \
 *       --acks all --compression zstd --linger-ms 20
 *   # over SASL_SSL:
 *   ... --security-protocol sasl_ssl --sasl-mechanism SCRAM-SHA-256 \
 *       --sasl-username u --sasl-password p --ssl-ca ca.pem
 *
 * Lines are sent without their newline; empty lines are skipped. With
 * -K c the text before the first c is the record key.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include <krafka/krafka.h>

/* Exit codes. */
enum {
    EXIT_OK = 0,       /* every record read was delivered */
    EXIT_PARTIAL = 1,  /* some records failed (reported on stderr) */
    EXIT_USAGE = 2,    /* bad flags or property values */
    EXIT_CLIENT = 3,   /* the producer could not be created */
    EXIT_INPUT = 4,    /* reading stdin failed */
};

#define MAX_ERR_KINDS 16
#define MAX_ERR_PRINTED 10

struct exporter {
    bool verbose;
    unsigned long long lines, skipped, sent, delivered, failed;
    unsigned long long bytes;
    /* Failures by error code, for the summary. */
    struct {
        krafka_err_t err;
        unsigned long long cnt;
    } kinds[MAX_ERR_KINDS];
    size_t kind_cnt;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void count_failure(struct exporter *x, krafka_err_t err,
                          const char *detail)
{
    if (x->failed++ < MAX_ERR_PRINTED)
        fprintf(stderr, "telemetry_exporter: record failed: %s: %s\n",
                krafka_err2name(err), detail);
    else if (x->failed == MAX_ERR_PRINTED + 1)
        fprintf(stderr, "telemetry_exporter: (further failures are only "
                "counted)\n");
    for (size_t i = 0; i < x->kind_cnt; i++)
        if (x->kinds[i].err == err) {
            x->kinds[i].cnt++;
            return;
        }
    if (x->kind_cnt < MAX_ERR_KINDS) {
        x->kinds[x->kind_cnt].err = err;
        x->kinds[x->kind_cnt++].cnt = 1;
    }
}

static void on_delivery(krafka_producer_t *p, const krafka_delivery_t *dr,
                        void *conf_opaque)
{
    (void)p;
    struct exporter *x = conf_opaque;
    if (dr->err != KRAFKA_ERR_NONE)
        count_failure(x, dr->err, dr->errstr);
    else
        x->delivered++;
}

/* The library's own log lines, prefixed so they stand out. */
static void on_log(void *opaque, int level, const char *facility,
                   const char *message)
{
    (void)opaque;
    fprintf(stderr, "telemetry_exporter: krafka %d %s: %s\n", level,
            facility, message);
}

static void usage(FILE *out, const char *prog)
{
    fprintf(out,
        "usage: %s -b brokers -t topic [options] < records\n"
        "Exports newline-delimited records from stdin to a Kafka topic.\n"
        "\n"
        "  -b, --brokers LIST          bootstrap servers host:port[,...]\n"
        "  -t, --topic NAME            destination topic\n"
        "  -K, --key-delimiter C       text before the first C is the key\n"
        "  -n, --max-records N         stop after reading N lines\n"
        "  -a, --acks none|one|all     broker acknowledgements (default all)\n"
        "  -z, --compression CODEC     none gzip snappy lz4 zstd\n"
        "  -l, --linger-ms N           batch wait (default 5)\n"
        "      --batch-size BYTES      largest batch\n"
        "      --batch-records N       most records per batch\n"
        "  -r, --retries N             retries of a failed batch\n"
        "      --retry-backoff-ms N    first wait before a retry\n"
        "  -T, --message-timeout-ms N  give up on a record after N ms\n"
        "  -p, --partitioner NAME      murmur2_random (default), murmur2,\n"
        "                              consistent, consistent_random,\n"
        "                              random, fnv1a, fnv1a_random\n"
        "      --idempotence BOOL      enable.idempotence (default true)\n"
        "      --security-protocol P   plaintext ssl sasl_plaintext sasl_ssl\n"
        "      --sasl-mechanism M      PLAIN SCRAM-SHA-256 SCRAM-SHA-512\n"
        "      --sasl-username U       --sasl-password P\n"
        "      --ssl-ca FILE           CA certificates to verify brokers\n"
        "      --ssl-cert FILE         client certificate (mTLS)\n"
        "      --ssl-key FILE          client key; --ssl-key-password P\n"
        "  -X, --property PROP=VALUE   any libkrafka property (repeatable)\n"
        "  -v, --verbose               library logs and progress on stderr\n"
        "  -h, --help                  this text\n"
        "\n"
        "Exit codes: 0 every record delivered; 1 some records failed (each\n"
        "reason on stderr); 2 bad flags or property; 3 the producer could\n"
        "not be created; 4 reading stdin failed.\n",
        prog);
}

enum {
    OPT_BATCH_SIZE = 256, OPT_BATCH_RECORDS, OPT_RETRY_BACKOFF,
    OPT_IDEMPOTENCE, OPT_SEC_PROTO, OPT_SASL_MECH, OPT_SASL_USER,
    OPT_SASL_PASS, OPT_SSL_CA, OPT_SSL_CERT, OPT_SSL_KEY, OPT_SSL_KEY_PASS,
};

static const struct option long_opts[] = {
    {"brokers", required_argument, NULL, 'b'},
    {"topic", required_argument, NULL, 't'},
    {"key-delimiter", required_argument, NULL, 'K'},
    {"max-records", required_argument, NULL, 'n'},
    {"acks", required_argument, NULL, 'a'},
    {"compression", required_argument, NULL, 'z'},
    {"linger-ms", required_argument, NULL, 'l'},
    {"batch-size", required_argument, NULL, OPT_BATCH_SIZE},
    {"batch-records", required_argument, NULL, OPT_BATCH_RECORDS},
    {"retries", required_argument, NULL, 'r'},
    {"retry-backoff-ms", required_argument, NULL, OPT_RETRY_BACKOFF},
    {"message-timeout-ms", required_argument, NULL, 'T'},
    {"partitioner", required_argument, NULL, 'p'},
    {"idempotence", required_argument, NULL, OPT_IDEMPOTENCE},
    {"security-protocol", required_argument, NULL, OPT_SEC_PROTO},
    {"sasl-mechanism", required_argument, NULL, OPT_SASL_MECH},
    {"sasl-username", required_argument, NULL, OPT_SASL_USER},
    {"sasl-password", required_argument, NULL, OPT_SASL_PASS},
    {"ssl-ca", required_argument, NULL, OPT_SSL_CA},
    {"ssl-cert", required_argument, NULL, OPT_SSL_CERT},
    {"ssl-key", required_argument, NULL, OPT_SSL_KEY},
    {"ssl-key-password", required_argument, NULL, OPT_SSL_KEY_PASS},
    {"property", required_argument, NULL, 'X'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The property a flag sets, NULL for flags that are not properties. */
static const char *flag_property(int opt)
{
    switch (opt) {
    case 'b': return "bootstrap.servers";
    case 'a': return "acks";
    case 'z': return "compression.type";
    case 'l': return "linger.ms";
    case OPT_BATCH_SIZE: return "batch.size";
    case OPT_BATCH_RECORDS: return "batch.num.messages";
    case 'r': return "retries";
    case OPT_RETRY_BACKOFF: return "retry.backoff.ms";
    case 'T': return "message.timeout.ms";
    case 'p': return "partitioner";
    case OPT_IDEMPOTENCE: return "enable.idempotence";
    case OPT_SEC_PROTO: return "security.protocol";
    case OPT_SASL_MECH: return "sasl.mechanism";
    case OPT_SASL_USER: return "sasl.username";
    case OPT_SASL_PASS: return "sasl.password";
    case OPT_SSL_CA: return "ssl.ca.location";
    case OPT_SSL_CERT: return "ssl.certificate.location";
    case OPT_SSL_KEY: return "ssl.key.location";
    case OPT_SSL_KEY_PASS: return "ssl.key.password";
    default: return NULL;
    }
}

static int set_prop(krafka_conf_t *conf, const char *name, const char *value)
{
    char errstr[512];
    if (krafka_conf_set(conf, name, value, errstr, sizeof errstr) !=
        KRAFKA_ERR_NONE) {
        fprintf(stderr, "telemetry_exporter: %s\n", errstr);
        return -1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    struct exporter x = {0};
    const char *topic = NULL;
    int key_delim = -1;
    long long max_records = -1;
    bool have_brokers = false;
    char errstr[512];

    krafka_conf_t *conf = krafka_conf_new();
    if (!conf) {
        fprintf(stderr, "telemetry_exporter: out of memory\n");
        return EXIT_CLIENT;
    }
    int opt;
    while ((opt = getopt_long(argc, argv, "b:t:K:n:a:z:l:r:T:p:X:vh",
                              long_opts, NULL)) != -1) {
        const char *prop = flag_property(opt);
        const char *value = optarg;
        if (opt == 'a') {
            /* none/one/all, or the numbers themselves. */
            if (strcmp(optarg, "none") == 0)
                value = "0";
            else if (strcmp(optarg, "one") == 0)
                value = "1";
        }
        if (prop) {
            if (set_prop(conf, prop, value) != 0)
                goto usage_error;
            if (opt == 'b')
                have_brokers = true;
            continue;
        }
        switch (opt) {
        case 't': topic = optarg; break;
        case 'K':
            if (strlen(optarg) != 1) {
                fprintf(stderr, "telemetry_exporter: -K takes one "
                        "character\n");
                goto usage_error;
            }
            key_delim = (unsigned char)optarg[0];
            break;
        case 'n': {
            char *end;
            max_records = strtoll(optarg, &end, 10);
            if (*end || max_records < 0) {
                fprintf(stderr, "telemetry_exporter: -n %s: not a "
                        "count\n", optarg);
                goto usage_error;
            }
            break;
        }
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "telemetry_exporter: -X %s: expected "
                        "prop=value\n", optarg);
                goto usage_error;
            }
            *eq = '\0';
            if (set_prop(conf, optarg, eq + 1) != 0)
                goto usage_error;
            if (strcmp(optarg, "bootstrap.servers") == 0 ||
                strcmp(optarg, "metadata.broker.list") == 0)
                have_brokers = true;
            break;
        }
        case 'v': x.verbose = true; break;
        case 'h':
            usage(stdout, argv[0]);
            krafka_conf_destroy(conf);
            return EXIT_OK;
        default:
            goto usage_error;
        }
    }
    if (!have_brokers || !topic || optind != argc) {
        fprintf(stderr, "telemetry_exporter: %s\n",
                optind != argc ? "unexpected arguments"
                               : "-b brokers and -t topic are required");
        goto usage_error;
    }

    krafka_conf_set_opaque(conf, &x);
    krafka_conf_set_dr_cb(conf, on_delivery);
    if (x.verbose)
        krafka_conf_set_log_cb(conf, on_log);
    else
        set_prop(conf, "log_level", "3"); /* errors only */

    /* Flush for a while longer than a record may take. */
    char val[32];
    size_t val_size = sizeof val;
    long long flush_ms = 60000;
    if (krafka_conf_get(conf, "message.timeout.ms", val, &val_size) ==
            KRAFKA_ERR_NONE && strtoll(val, NULL, 10) > 0)
        flush_ms = strtoll(val, NULL, 10) + 5000;

    krafka_producer_t *p;
    krafka_err_t err = krafka_producer_new(&p, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (err != KRAFKA_ERR_NONE) {
        fprintf(stderr, "telemetry_exporter: cannot create the producer: "
                "%s\n", errstr);
        return EXIT_CLIENT;
    }

    /* No SA_RESTART: a signal interrupts the blocking read of stdin. */
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int rc = EXIT_OK;
    int64_t start = now_ms(), last_progress = start;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (!stop && (max_records < 0 ||
                     x.lines < (unsigned long long)max_records)) {
        errno = 0;
        len = getline(&line, &cap, stdin);
        if (len < 0) {
            if (errno && errno != EINTR) {
                perror("telemetry_exporter: reading stdin");
                rc = EXIT_INPUT;
            }
            break;
        }
        x.lines++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len == 0) {
            x.skipped++;
            continue;
        }
        krafka_msg_t m = {.topic = topic, .partition = KRAFKA_PARTITION_ANY,
                          .value = line, .value_len = (size_t)len};
        char *sep = key_delim >= 0 ? memchr(line, key_delim, (size_t)len)
                                   : NULL;
        if (sep) {
            m.key = line;
            m.key_len = (size_t)(sep - line);
            m.value = sep + 1;
            m.value_len = (size_t)(len - (sep - line) - 1);
        }
        for (;;) {
            err = krafka_producer_send(p, &m, NULL);
            if (err != KRAFKA_ERR_LOCAL_QUEUE_FULL || stop)
                break;
            krafka_producer_poll(p, 100); /* backpressure */
        }
        if (err == KRAFKA_ERR_NONE) {
            x.sent++;
            x.bytes += (unsigned long long)len;
        } else {
            count_failure(&x, err, krafka_err2str(err));
        }
        krafka_producer_poll(p, 0);
        if (x.verbose && now_ms() - last_progress >= 1000) {
            last_progress = now_ms();
            fprintf(stderr, "telemetry_exporter: %llu read, %llu "
                    "delivered, %llu failed, %d in flight\n", x.lines,
                    x.delivered, x.failed, krafka_producer_outq_len(p));
        }
    }
    free(line);

    if (krafka_producer_flush(p, (int)flush_ms) != KRAFKA_ERR_NONE)
        fprintf(stderr, "telemetry_exporter: flush timed out with %d "
                "records unconfirmed\n", krafka_producer_outq_len(p));
    krafka_producer_destroy(p); /* reports anything left as purged */

    double secs = (double)(now_ms() - start) / 1000.0;
    fprintf(stderr, "telemetry_exporter: %llu lines read (%llu empty), "
            "%llu delivered, %llu failed, %llu bytes in %.2f s%s\n",
            x.lines, x.skipped, x.delivered, x.failed, x.bytes, secs,
            stop ? " (interrupted)" : "");
    for (size_t i = 0; i < x.kind_cnt; i++)
        fprintf(stderr, "telemetry_exporter:   %llu x %s: %s\n",
                x.kinds[i].cnt, krafka_err2name(x.kinds[i].err),
                krafka_err2str(x.kinds[i].err));
    if (rc == EXIT_OK && (x.failed > 0 || x.delivered != x.sent))
        rc = EXIT_PARTIAL;
    return rc;

usage_error:
    fprintf(stderr, "Try '%s --help'.\n", argv[0]);
    krafka_conf_destroy(conf);
    return EXIT_USAGE;
}
