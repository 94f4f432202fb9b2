/*
 * krafka: a kcat-compatible command-line client on libkrafka.
 *
 *   krafka -b BROKERS -P -t TOPIC [-k KEY] [-K DELIM] [-H n=v] [file..]
 *   krafka -b BROKERS -C -t TOPIC [-p N] [-o OFFSET] [-e] [-f FMT | -J]
 *   krafka -b BROKERS -G GROUP TOPIC..
 *   krafka -b BROKERS -L [-t TOPIC] [-J]
 *   krafka -b BROKERS -Q -t TOPIC:PARTITION:TIMESTAMP..
 *   krafka topics|groups ...            (see krafka_admin.c)
 *
 * Flags, output and messages follow kcat 1.7 (docs/CLI.md lists the
 * differences). Everything runs on the main thread; SIGINT/SIGTERM stop
 * the current loop cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "krafka.h"
#include "krafka_cli_internal.h"

volatile sig_atomic_t cli_run = 1;
int cli_verbosity = 1;

#define MAX_HEADERS 64
#define MAX_QUERY 1024

static struct {
    char mode; /* P C G L Q, 0 until chosen */
    const char *prog;
    const char *topic;
    const char *brokers;
    const char *group;
    int32_t partition;   /* KRAFKA_PARTITION_ANY: all / partitioner */
    krafka_conf_t *conf; /* owned */
    const char *delim_arg, *key_delim_arg;
    char *delim, *key_delim; /* owned, decoded */
    size_t delim_len, key_delim_len;
    const char *fixed_key;
    krafka_header_t headers[MAX_HEADERS];
    size_t header_cnt;
    bool tee, exit_eof, json, null_str, line_mode;
    const char *fmt_arg;
    struct fmt fmt;
    bool offset_set;
    int64_t offset;    /* logical or absolute; see tail */
    int64_t tail;      /* -o -N: N */
    int64_t start_ts;  /* -o s@ms; 0: none */
    int64_t stop_ts;   /* -o e@ms; 0: none */
    long long msg_cnt; /* -c; 0: no limit */
    int md_timeout_ms; /* -m seconds */
    int metrics_port;  /* --metrics-port; -1: off */
    /* -Q */
    char *q_topic[MAX_QUERY];
    int32_t q_part[MAX_QUERY];
    int64_t q_ts[MAX_QUERY];
    size_t q_cnt;
    bool auto_create_set; /* -X allow.auto.create.topics given */
    int exitcode;
} cf = {.partition = KRAFKA_PARTITION_ANY, .md_timeout_ms = 5000,
        .metrics_port = -1};

/* ---- messages ---- */

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%% ERROR: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
}

void cli_info(int level, const char *fmt, ...)
{
    if (cli_verbosity < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%% ");
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int cli_exit_code(krafka_err_t err)
{
    switch (err) {
    case KRAFKA_ERR_NONE:
        return CLI_EXIT_OK;
    case KRAFKA_ERR_LOCAL_TIMED_OUT:
    case KRAFKA_ERR_LOCAL_TRANSPORT:
    case KRAFKA_ERR_LOCAL_RESOLVE:
        return CLI_EXIT_UNREACHABLE;
    case KRAFKA_ERR_LOCAL_AUTHENTICATION:
    case KRAFKA_ERR_LOCAL_SSL:
    case KRAFKA_ERR_SASL_AUTHENTICATION_FAILED:
    case KRAFKA_ERR_UNSUPPORTED_SASL_MECHANISM:
    case KRAFKA_ERR_ILLEGAL_SASL_STATE:
    case KRAFKA_ERR_TOPIC_AUTHORIZATION_FAILED:
    case KRAFKA_ERR_GROUP_AUTHORIZATION_FAILED:
    case KRAFKA_ERR_CLUSTER_AUTHORIZATION_FAILED:
        return CLI_EXIT_AUTH;
    case KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION:
    case KRAFKA_ERR_LOCAL_UNKNOWN_TOPIC:
    case KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION:
        return CLI_EXIT_NO_TOPIC;
    default:
        return CLI_EXIT_FAIL;
    }
}

/* A fatal error: message, exit code from @err. */
static void __attribute__((noreturn, format(printf, 2, 3)))
fatal(krafka_err_t err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%% ERROR: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    fflush(stdout);
    exit(err == KRAFKA_ERR_NONE ? CLI_EXIT_FAIL : cli_exit_code(err));
}

static void on_signal(int sig)
{
    (void)sig;
    cli_run = 0;
}

/* The library's log lines go to stderr unless -q. */
static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    (void)opaque;
    if (cli_verbosity == 0 && level > KRAFKA_LOG_ERR)
        return;
    fprintf(stderr, "%%%d|%s|%s\n", level, fac, msg);
}

/* ---- usage ---- */

static void usage(FILE *out)
{
    fprintf(out,
"Usage: %s <options> [file1 file2 .. | topic1 topic2 ..]]\n"
"       %s topics|groups <command> [options]   (%s topics -h)\n"
"krafka - Apache Kafka producer and consumer tool (kcat-compatible)\n"
"libkrafka %s\n"
"\n"
"Mode:\n"
"  -P                 Producer\n"
"  -C                 Consumer\n"
"  -G <group-id>      High-level balanced consumer (consumer groups)\n"
"  -L                 Metadata List\n"
"  -Q                 Query mode\n"
"\n"
"General options for most modes:\n"
"  -t <topic>         Topic to consume from, produce to, or list\n"
"  -p <partition>     Partition\n"
"  -b <brokers,..>    Bootstrap broker(s) (host[:port])\n"
"  -D <delim>         Message delimiter string:\n"
"                     a-z | \\r | \\n | \\t | \\xNN ..\n"
"                     Default: \\n\n"
"  -K <delim>         Key delimiter (same format as -D)\n"
"  -c <cnt>           Limit message count\n"
"  -m <seconds>       Metadata (et.al.) request timeout. Default: 5 seconds.\n"
"  -F <config-file>   Read configuration properties from file,\n"
"                     file format is \"property=value\".\n"
"  -X list            List available libkrafka configuration properties\n"
"  -X prop=val        Set libkrafka configuration property.\n"
"  -d <dbg1,...>      Enable libkrafka debugging (the debug property)\n"
"  -q                 Be quiet (verbosity set to 0)\n"
"  -v                 Increase verbosity\n"
"  -E                 Do not exit on non-fatal error\n"
"  -V                 Print version\n"
"  -h                 Print usage help\n"
"  --metrics-port <N> Serve Prometheus metrics on 127.0.0.1:N/metrics\n"
"\n"
"Producer options:\n"
"  -z snappy|gzip|lz4|zstd Message compression. Default: none\n"
"  -p -1              Use the partitioner\n"
"  -D <delim>         Delimiter to split input into messages\n"
"  -K <delim>         Delimiter to split input key and message\n"
"  -k <str>           Use a fixed key for all messages.\n"
"                     If combined with -K, per-message keys\n"
"                     takes precendence.\n"
"  -H <header=value>  Add Message Headers (may be specified multiple times)\n"
"  -l                 Send messages from a file separated by\n"
"                     delimiter, as with stdin. (only one file allowed)\n"
"  -T                 Output sent messages to stdout, acting like tee.\n"
"  -c <cnt>           Exit after producing this number of messages\n"
"  -Z                 Send empty messages as NULL messages\n"
"  file1 file2..      Read messages from files.\n"
"                     With -l, only one file permitted.\n"
"                     Otherwise, the entire file contents will\n"
"                     be sent as one single message.\n"
"\n"
"Consumer options:\n"
"  -o <offset>        Offset to start consuming from:\n"
"                     beginning | end | stored |\n"
"                     <value>  (absolute offset) |\n"
"                     -<value> (relative offset from end)\n"
"                     s@<value> (timestamp in ms to start at)\n"
"                     e@<value> (timestamp in ms to stop at (not included))\n"
"  -e                 Exit successfully when last message received\n"
"  -f <fmt..>         Output formatting string, see below.\n"
"                     Takes precedence over -D and -K.\n"
"  -J                 Output with JSON envelope\n"
"  -D <delim>         Delimiter to separate messages on output\n"
"  -K <delim>         Print message keys prefixing the message\n"
"                     with specified delimiter.\n"
"  -c <cnt>           Exit after consuming this number of messages\n"
"  -Z                 Print NULL values and keys as \"NULL\" instead of empty.\n"
"  -u                 Unbuffered output\n"
"\n"
"Metadata options (-L):\n"
"  -t <topic>         Topic to query (optional)\n"
"\n"
"Query options (-Q):\n"
"  -t <t>:<p>:<ts>    Get offset for topic <t>,\n"
"                     partition <p>, timestamp <ts>.\n"
"                     Multiple -t .. are allowed but a partition\n"
"                     must only occur once.\n"
"\n"
"Format string tokens:\n"
"  %%s                 Message payload\n"
"  %%S                 Message payload length (or -1 for NULL)\n"
"  %%R                 Message payload length (or -1 for NULL) serialized\n"
"                     as a binary big endian 32-bit signed integer\n"
"  %%k                 Message key\n"
"  %%K                 Message key length (or -1 for NULL)\n"
"  %%T                 Message timestamp (milliseconds since epoch UTC)\n"
"  %%h                 Message headers (n=v CSV)\n"
"  %%t                 Topic\n"
"  %%p                 Partition\n"
"  %%o                 Message offset\n"
"  \\n \\r \\t           Newlines, tab\n"
"  \\xXX \\xNNN         Any ASCII character\n"
" Example:\n"
"  -f 'Topic %%t [%%p] at offset %%o: key %%k: %%s\\n'\n"
"\n"
"Exit codes: 0 ok, 1 failed, 2 usage error, 3 brokers unreachable,\n"
"            4 authentication/authorization/TLS failure, 5 unknown topic\n"
"            or partition.\n",
            cf.prog, cf.prog, cf.prog, krafka_version_str());
}

static void __attribute__((noreturn)) usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "Error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n\nUsage: %s <options> [file1 file2 .. | topic1 "
                    "topic2 ..]]\nTry '%s -h' for more information.\n",
            cf.prog, cf.prog);
    va_end(ap);
    exit(CLI_EXIT_USAGE);
}

/* ---- configuration ---- */

static void conf_set(const char *name, const char *val, const char *where)
{
    char errstr[512];
    if (krafka_conf_set(cf.conf, name, val, errstr, sizeof errstr)) {
        if (where)
            fatal(KRAFKA_ERR_NONE, "%s: %s", where, errstr);
        fprintf(stderr, "%% ERROR: %s\n", errstr);
        exit(CLI_EXIT_USAGE);
    }
}

/* kcat's config file: property=value lines, # comments, \: and \=. */
static void read_conf_file(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        fatal(KRAFKA_ERR_NONE, "Failed to open %s: %s", path,
              strerror(errno));
    cli_info(2, "Reading configuration from file %s\n", path);
    char buf[4096];
    int line = 0;
    while (fgets(buf, sizeof buf, fp)) {
        line++;
        char *s = buf;
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        char *t = s + strlen(s);
        while (t > s && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r' ||
                         t[-1] == '\n'))
            *--t = '\0';
        if (!*s || *s == '#')
            continue;
        for (char *e; (e = strstr(s, "\\:")) || (e = strstr(s, "\\="));)
            memmove(e, e + 1, strlen(e + 1) + 1);
        char *eq = strchr(s, '=');
        if (!eq || eq == s) {
            fclose(fp);
            fatal(KRAFKA_ERR_NONE, "%s:%d: expected property=value", path,
                  line);
        }
        *eq = '\0';
        char where[600];
        snprintf(where, sizeof where, "%s:%d", path, line);
        /* Java's endpoint identification switch has no equivalent. */
        if (!strcmp(s, "ssl.endpoint.identification.algorithm"))
            continue;
        conf_set(s, eq + 1, where);
    }
    fclose(fp);
}

static void add_header(const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (eq == arg || !*arg)
        fatal(KRAFKA_ERR_NONE,
              "Expected -H \"name=value..\" or -H \"name\"");
    if (cf.header_cnt == MAX_HEADERS)
        fatal(KRAFKA_ERR_NONE, "Too many headers (at most %d)", MAX_HEADERS);
    char *name = eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg);
    if (!name)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    cf.headers[cf.header_cnt++] = (krafka_header_t){
        .key = name, .value = eq ? eq + 1 : NULL,
        .value_len = eq ? strlen(eq + 1) : 0};
}

static bool parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

static void add_query(char *arg)
{
    char *c1 = strchr(arg, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    int64_t p, ts;
    if (!c2)
        usage_error("-t: expected \"topic:partition:offset_or_timestamp\"");
    *c1 = '\0';
    *c2 = '\0';
    if (!parse_i64(c1 + 1, &p) || p < 0 || p > INT32_MAX ||
        !parse_i64(c2 + 1, &ts) || !*arg)
        usage_error("-t: expected \"topic:partition:offset_or_timestamp\"");
    if (cf.q_cnt == MAX_QUERY)
        usage_error("-t: at most %d partitions", MAX_QUERY);
    cf.q_topic[cf.q_cnt] = arg;
    cf.q_part[cf.q_cnt] = (int32_t)p;
    cf.q_ts[cf.q_cnt] = ts;
    cf.q_cnt++;
}

static void parse_offset(const char *arg)
{
    int64_t v;
    cf.offset_set = true;
    if (!strcmp(arg, "end"))
        cf.offset = KRAFKA_OFFSET_END;
    else if (!strcmp(arg, "beginning"))
        cf.offset = KRAFKA_OFFSET_BEGINNING;
    else if (!strcmp(arg, "stored"))
        cf.offset = KRAFKA_OFFSET_STORED;
    else if (!strncmp(arg, "s@", 2) && parse_i64(arg + 2, &v) && v >= 0)
        cf.start_ts = v, cf.offset_set = false;
    else if (!strncmp(arg, "e@", 2) && parse_i64(arg + 2, &v) && v >= 0)
        cf.stop_ts = v, cf.offset_set = false;
    else if (parse_i64(arg, &v) && v >= 0)
        cf.offset = v;
    else if (parse_i64(arg, &v) && v < 0 && v > INT64_MIN)
        cf.tail = -v, cf.offset = KRAFKA_OFFSET_END;
    else
        usage_error("-o: invalid offset \"%s\"", arg);
}

static void set_mode(char m)
{
    if (cf.mode && cf.mode != m)
        fatal(KRAFKA_ERR_NONE, "Do not mix modes: -%c seen when -%c already set",
              m, cf.mode);
    cf.mode = m;
}

static void print_properties(void)
{
    char *doc = cli_conf_doc();
    if (!doc)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    fputs(doc, stdout);
    free(doc);
    exit(CLI_EXIT_OK);
}

static void parse_args(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"metrics-port", required_argument, NULL, 1000},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0}};
    int opt;
    int64_t v;
    opterr = 0;
    while ((opt = getopt_long(argc, argv,
                              ":PCG:LQt:p:b:z:o:eED:K:k:H:Od:qvF:X:c:Tuf:"
                              "ZlVhs:r:Jm:",
                              longopts, NULL)) != -1) {
        switch (opt) {
        case 'P':
        case 'C':
        case 'L':
        case 'Q':
            set_mode((char)opt);
            break;
        case 'G':
            set_mode('G');
            cf.group = optarg;
            conf_set("group.id", optarg, NULL);
            break;
        case 't':
            if (cf.mode == 'Q')
                add_query(optarg);
            else
                cf.topic = optarg;
            break;
        case 'p':
            if (!parse_i64(optarg, &v) || v < -1 || v > INT32_MAX)
                usage_error("-p: invalid partition \"%s\"", optarg);
            cf.partition = (int32_t)v;
            break;
        case 'b':
            cf.brokers = optarg;
            break;
        case 'z':
            conf_set("compression.codec", optarg, NULL);
            break;
        case 'o':
            parse_offset(optarg);
            break;
        case 'e':
            cf.exit_eof = true;
            break;
        case 'E':
        case 'O':
            break; /* accepted for kcat compatibility */
        case 'D':
            cf.delim_arg = optarg;
            break;
        case 'K':
            cf.key_delim_arg = optarg;
            break;
        case 'k':
            cf.fixed_key = optarg;
            break;
        case 'H':
            add_header(optarg);
            break;
        case 'l':
            cf.line_mode = true;
            break;
        case 'd':
            conf_set("debug", optarg, NULL);
            break;
        case 'q':
            cli_verbosity = 0;
            break;
        case 'v':
            cli_verbosity++;
            break;
        case 'T':
            cf.tee = true;
            break;
        case 'u':
            setvbuf(stdout, NULL, _IONBF, 0);
            break;
        case 'f':
            cf.fmt_arg = optarg;
            break;
        case 'Z':
            cf.null_str = true;
            break;
        case 'J':
            cf.json = true;
            break;
        case 'c':
            if (!parse_i64(optarg, &v) || v < 0)
                usage_error("-c: invalid count \"%s\"", optarg);
            cf.msg_cnt = v;
            break;
        case 'm':
            if (!parse_i64(optarg, &v) || v <= 0 || v > 86400)
                usage_error("-m: invalid timeout \"%s\"", optarg);
            cf.md_timeout_ms = (int)v * 1000;
            break;
        case 'F':
            if (strcmp(optarg, "-") && strcmp(optarg, "none"))
                read_conf_file(optarg);
            break;
        case 'X': {
            if (!strcmp(optarg, "list") || !strcmp(optarg, "help"))
                print_properties();
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr,
                        "%% Expected -X property=value, not %s, use -X list "
                        "to display available properties\n",
                        optarg);
                exit(CLI_EXIT_USAGE);
            }
            *eq = '\0';
            conf_set(optarg, eq + 1, NULL);
            if (!strcmp(optarg, "allow.auto.create.topics"))
                cf.auto_create_set = true;
            if (!strcmp(optarg, "bootstrap.servers") ||
                !strcmp(optarg, "metadata.broker.list"))
                cf.brokers = eq + 1;
            break;
        }
        case 's':
        case 'r':
            usage_error("-%c (deserializers, schema registry) is not "
                        "supported by krafka",
                        opt);
        case 'V':
            printf("krafka - Apache Kafka producer and consumer tool "
                   "(kcat-compatible)\nlibkrafka %s\n",
                   krafka_version_str());
            exit(CLI_EXIT_OK);
        case 'h':
            usage(stdout);
            exit(CLI_EXIT_OK);
        case 1000:
            if (!parse_i64(optarg, &v) || v < 0 || v > 65535)
                usage_error("--metrics-port: invalid port \"%s\"", optarg);
            cf.metrics_port = (int)v;
            break;
        case ':':
            usage_error("option -%c requires an argument", optopt);
        default:
            if (optopt)
                usage_error("unknown argument -%c", optopt);
            usage_error("unknown argument %s", argv[optind - 1]);
        }
    }
    if (!cf.brokers)
        usage_error("-b <broker,..> missing");
    if (!cf.mode) {
        cf.mode = isatty(STDIN_FILENO) ? 'C' : 'P';
        cli_info(1, "Auto-selecting %s mode (use -P or -C to override)\n",
                 cf.mode == 'C' ? "Consumer" : "Producer");
    }
    if (!strchr("GLQ", cf.mode) && !cf.topic)
        usage_error("-t <topic> missing");
    if (cf.mode == 'Q' && !cf.q_cnt)
        usage_error("-t <topic>:<partition>:<offset_or_timestamp> missing");
    if (optind < argc && !strchr("PG", cf.mode))
        usage_error("file/topic list only allowed in producer(-P)/"
                    "kafkaconsumer(-G) mode");
    if (cf.mode == 'G' && optind >= argc)
        usage_error("-G <group-id> needs one or more topics");
    if (cf.mode == 'G' && cf.start_ts)
        fatal(KRAFKA_ERR_NONE, "-o ..@ timestamps can't be used with -G mode");
    conf_set("bootstrap.servers", cf.brokers, NULL);

    char err[256];
    if (cf.key_delim_arg &&
        !(cf.key_delim = parse_delim(cf.key_delim_arg, &cf.key_delim_len,
                                     err, sizeof err)))
        fatal(KRAFKA_ERR_NONE, "%s", err);
    if (!(cf.delim = parse_delim(cf.delim_arg ? cf.delim_arg : "\\n",
                                 &cf.delim_len, err, sizeof err)))
        fatal(KRAFKA_ERR_NONE, "%s", err);
    if (strchr("GC", cf.mode)) {
        const char *f = cf.fmt_arg;
        char *tmp = NULL;
        if (!f && cf.json) {
            f = cf.delim;
        } else if (!f) {
            size_t n = cf.key_delim_len + cf.delim_len + 8;
            tmp = malloc(n);
            if (!tmp)
                fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
            /* kcat builds the default format with printf's %s: the
             * delimiters end at a NUL. */
            if (cf.key_delim)
                snprintf(tmp, n, "%%k%s%%s%s", cf.key_delim, cf.delim);
            else
                snprintf(tmp, n, "%%s%s", cf.delim);
            f = tmp;
        }
        cf.fmt.json = cf.json;
        cf.fmt.null_str = cf.null_str;
        err[0] = '\0';
        if (fmt_parse(&cf.fmt, f, err, sizeof err)) {
            cli_error("%s", err[0] ? err : "out of memory");
            exit(err[0] ? CLI_EXIT_USAGE : CLI_EXIT_FAIL);
        }
        free(tmp);
    } else if (cf.mode == 'P' && cf.delim_len == 0) {
        fatal(KRAFKA_ERR_NONE,
              "Message delimiter -D must not be empty when producing");
    }
}

/* ---- metadata helpers ---- */

static krafka_admin_t *admin_new(void)
{
    char errstr[512];
    krafka_admin_t *a;
    krafka_err_t err = krafka_admin_new(&a, cf.conf, errstr, sizeof errstr);
    if (err)
        fatal(err, "Failed to create client: %s", errstr);
    return a;
}

/* The host:port of broker @id in @md ("" if absent). */
static void broker_name(const krafka_metadata_t *md, int32_t id, char *out,
                        size_t n)
{
    out[0] = '\0';
    for (int i = 0; i < md->broker_cnt; i++)
        if (md->brokers[i].id == id)
            snprintf(out, n, "%s:%d", md->brokers[i].host,
                     md->brokers[i].port);
}

/* Metadata of @topic (must exist, with partitions) or a fatal error in
 * kcat's words. */
static krafka_metadata_t *topic_metadata(krafka_admin_t *a, const char *topic,
                                         bool wait_create)
{
    char errstr[512];
    krafka_metadata_t *md;
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        krafka_err_t err =
            krafka_admin_metadata(a, topic, cf.md_timeout_ms, &md, errstr,
                                  sizeof errstr);
        if (err)
            fatal(err, "Failed to query metadata for topic %s: %s", topic,
                  errstr[0] ? errstr : cli_err2str(err));
        /* A topic the broker creates on demand answers UNKNOWN_TOPIC or
         * LEADER_NOT_AVAILABLE until it is ready. */
        krafka_err_t terr = md->topic_cnt ? md->topics[0].err
                                          : KRAFKA_ERR_NONE;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - t0.tv_sec) * 1000 +
                  (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (!wait_create || ms >= cf.md_timeout_ms || !cli_run ||
            (terr != KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION &&
             terr != KRAFKA_ERR_LEADER_NOT_AVAILABLE))
            break;
        krafka_metadata_destroy(md);
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (md->topic_cnt == 0)
        fatal(KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION,
              "No such topic in cluster: %s", topic);
    if (md->topics[0].err)
        fatal(md->topics[0].err, "Topic %s error: %s", topic,
              cli_err2str(md->topics[0].err));
    if (md->topics[0].partition_cnt == 0)
        fatal(KRAFKA_ERR_NONE, "Topic %s has no partitions", topic);
    return md;
}

static int32_t leader_of(const krafka_metadata_t *md, int32_t partition)
{
    const krafka_metadata_topic_t *t = &md->topics[0];
    for (int i = 0; i < t->partition_cnt; i++)
        if (t->partitions[i].id == partition)
            return t->partitions[i].leader;
    return -1;
}

/* ---- -L ---- */

static int mdpart_cmp(const void *x, const void *y)
{
    const krafka_metadata_partition_t *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

/* librdkafka lists a topic's partitions by id; brokers need not. */
static void sort_partitions(krafka_metadata_t *md)
{
    for (int i = 0; i < md->topic_cnt; i++)
        if (md->topics[i].partition_cnt > 1)
            qsort((krafka_metadata_partition_t *)md->topics[i].partitions,
                  (size_t)md->topics[i].partition_cnt,
                  sizeof *md->topics[i].partitions, mdpart_cmp);
}

static void metadata_print(const krafka_metadata_t *md)
{
    char name[300];
    broker_name(md, md->orig_broker_id, name, sizeof name);
    printf("Metadata for %s (from broker %" PRId32 ": %s/%" PRId32 "):\n",
           cf.topic ? cf.topic : "all topics", md->orig_broker_id, name,
           md->orig_broker_id);
    printf(" %i brokers:\n", md->broker_cnt);
    for (int i = 0; i < md->broker_cnt; i++)
        printf("  broker %" PRId32 " at %s:%i%s\n", md->brokers[i].id,
               md->brokers[i].host, md->brokers[i].port,
               md->controller_id == md->brokers[i].id ? " (controller)" : "");
    printf(" %i topics:\n", md->topic_cnt);
    for (int i = 0; i < md->topic_cnt; i++) {
        const krafka_metadata_topic_t *t = &md->topics[i];
        printf("  topic \"%s\" with %i partitions:", t->topic,
               t->partition_cnt);
        if (t->err) {
            printf(" %s", cli_err2str(t->err));
            if (t->err == KRAFKA_ERR_LEADER_NOT_AVAILABLE)
                printf(" (try again)");
        }
        printf("\n");
        for (int j = 0; j < t->partition_cnt; j++) {
            const krafka_metadata_partition_t *p = &t->partitions[j];
            printf("    partition %" PRId32 ", leader %" PRId32
                   ", replicas: ",
                   p->id, p->leader);
            for (int k = 0; k < p->replica_cnt; k++)
                printf("%s%" PRId32, k ? "," : "", p->replicas[k]);
            printf(", isrs: ");
            for (int k = 0; k < p->isr_cnt; k++)
                printf("%s%" PRId32, k ? "," : "", p->isrs[k]);
            if (p->err)
                printf(", %s\n", cli_err2str(p->err));
            else
                printf("\n");
        }
    }
}

static void metadata_print_json(const krafka_metadata_t *md)
{
    struct jbuf b = {0};
    char name[320], bn[300];
    broker_name(md, md->orig_broker_id, bn, sizeof bn);
    snprintf(name, sizeof name, "%s/%" PRId32, bn, md->orig_broker_id);
    jb_raw(&b, "{", 1);
    jb_key(&b, "originating_broker");
    jb_raw(&b, "{", 1);
    jb_key(&b, "id");
    jb_i64(&b, md->orig_broker_id);
    jb_key(&b, "name");
    jb_cstr(&b, name);
    jb_raw(&b, "}", 1);
    jb_key(&b, "query");
    jb_raw(&b, "{", 1);
    jb_key(&b, "topic");
    jb_cstr(&b, cf.topic ? cf.topic : "*");
    jb_raw(&b, "}", 1);
    jb_key(&b, "controllerid");
    jb_i64(&b, md->controller_id);
    jb_key(&b, "brokers");
    jb_raw(&b, "[", 1);
    for (int i = 0; i < md->broker_cnt; i++) {
        snprintf(bn, sizeof bn, "%s:%d", md->brokers[i].host,
                 md->brokers[i].port);
        jb_raw(&b, i ? ",{" : "{", i ? 2 : 1);
        jb_key(&b, "id");
        jb_i64(&b, md->brokers[i].id);
        jb_key(&b, "name");
        jb_cstr(&b, bn);
        jb_raw(&b, "}", 1);
    }
    jb_raw(&b, "]", 1);
    jb_key(&b, "topics");
    jb_raw(&b, "[", 1);
    for (int i = 0; i < md->topic_cnt; i++) {
        const krafka_metadata_topic_t *t = &md->topics[i];
        jb_raw(&b, i ? ",{" : "{", i ? 2 : 1);
        jb_key(&b, "topic");
        jb_cstr(&b, t->topic);
        if (t->err) {
            jb_key(&b, "error");
            jb_cstr(&b, cli_err2str(t->err));
        }
        jb_key(&b, "partitions");
        jb_raw(&b, "[", 1);
        for (int j = 0; j < t->partition_cnt; j++) {
            const krafka_metadata_partition_t *p = &t->partitions[j];
            jb_raw(&b, j ? ",{" : "{", j ? 2 : 1);
            jb_key(&b, "partition");
            jb_i64(&b, p->id);
            if (p->err) {
                jb_key(&b, "error");
                jb_cstr(&b, cli_err2str(p->err));
            }
            jb_key(&b, "leader");
            jb_i64(&b, p->leader);
            jb_key(&b, "replicas");
            jb_raw(&b, "[", 1);
            for (int k = 0; k < p->replica_cnt; k++) {
                jb_raw(&b, k ? ",{" : "{", k ? 2 : 1);
                jb_key(&b, "id");
                jb_i64(&b, p->replicas[k]);
                jb_raw(&b, "}", 1);
            }
            jb_raw(&b, "]", 1);
            jb_key(&b, "isrs");
            jb_raw(&b, "[", 1);
            for (int k = 0; k < p->isr_cnt; k++) {
                jb_raw(&b, k ? ",{" : "{", k ? 2 : 1);
                jb_key(&b, "id");
                jb_i64(&b, p->isrs[k]);
                jb_raw(&b, "}", 1);
            }
            jb_raw(&b, "]", 1);
            jb_raw(&b, "}", 1);
        }
        jb_raw(&b, "]", 1);
        jb_raw(&b, "}", 1);
    }
    jb_raw(&b, "]}", 2);
    if (b.oom)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    /* kcat writes no newline after the object. */
    fwrite(b.p, b.len, 1, stdout);
    jb_free(&b);
}

static int run_list(void)
{
    krafka_admin_t *a = admin_new();
    char errstr[512];
    krafka_metadata_t *md;
    krafka_err_t err = krafka_admin_metadata(a, cf.topic, cf.md_timeout_ms,
                                             &md, errstr, sizeof errstr);
    if (err)
        fatal(err, "Failed to acquire metadata: %s%s",
              errstr[0] ? errstr : cli_err2str(err),
              cli_exit_code(err) == CLI_EXIT_UNREACHABLE
                  ? " (Are the brokers reachable? Also try increasing the "
                    "metadata timeout with -m <timeout>?)"
                  : "");
    sort_partitions(md);
    if (cf.json)
        metadata_print_json(md);
    else
        metadata_print(md);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
    return CLI_EXIT_OK;
}

/* ---- -Q ---- */

static int tp_cmp(const void *x, const void *y)
{
    const krafka_topic_partition_t *a = x, *b = y;
    int c = strcmp(a->topic, b->topic);
    return c ? c : (a->partition > b->partition) - (a->partition < b->partition);
}

static krafka_consumer_t *consumer_new(krafka_conf_t *conf)
{
    char errstr[512];
    krafka_consumer_t *k;
    krafka_err_t err = krafka_consumer_new(&k, conf, errstr, sizeof errstr);
    if (err)
        fatal(err, "Failed to create consumer: %s", errstr);
    cli_metrics_attach(krafka_consumer_metrics(k));
    return k;
}

static void consumer_free(krafka_consumer_t *k)
{
    cli_metrics_detach();
    krafka_consumer_destroy(k);
}

static int run_query(void)
{
    /* Check every topic first, so that an unreachable cluster says so
     * and a partition the topic lacks gets its own error (as in kcat). */
    krafka_admin_t *a = admin_new();
    krafka_tp_list_t *l = krafka_tp_list_new(cf.q_cnt);
    krafka_tp_list_t *bad = krafka_tp_list_new(cf.q_cnt);
    if (!l || !bad)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    for (size_t i = 0; i < cf.q_cnt; i++) {
        char errstr[512];
        krafka_metadata_t *md;
        krafka_err_t err =
            krafka_admin_metadata(a, cf.q_topic[i], cf.md_timeout_ms, &md,
                                  errstr, sizeof errstr);
        if (err)
            fatal(err, "offsets_for_times failed: %s",
                  errstr[0] ? errstr : cli_err2str(err));
        krafka_err_t perr = md->topic_cnt && md->topics[0].err
                                ? md->topics[0].err
                                : KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION;
        for (int j = 0; md->topic_cnt && !md->topics[0].err &&
                        j < md->topics[0].partition_cnt;
             j++)
            if (md->topics[0].partitions[j].id == cf.q_part[i])
                perr = KRAFKA_ERR_NONE;
        krafka_metadata_destroy(md);
        krafka_topic_partition_t *e =
            krafka_tp_list_add(perr ? bad : l, cf.q_topic[i], cf.q_part[i]);
        if (!e)
            fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
        e->offset = cf.q_ts[i];
        e->err = perr;
    }
    krafka_admin_destroy(a);
    krafka_consumer_t *k = consumer_new(cf.conf);
    /* librdkafka gives offsets_for_times 10 s in kcat's -Q. */
    krafka_err_t err =
        l->cnt ? krafka_consumer_offsets_for_times(k, l, 10000) : 0;
    if (err)
        fatal(err, "offsets_for_times failed: %s", cli_err2str(err));
    for (size_t i = 0; i < bad->cnt; i++) {
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, bad->elems[i].topic, bad->elems[i].partition);
        if (!e)
            fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
        e->offset = bad->elems[i].offset;
        e->err = bad->elems[i].err;
    }
    krafka_tp_list_destroy(bad);
    qsort(l->elems, l->cnt, sizeof *l->elems, tp_cmp);
    if (cf.json) {
        struct jbuf b = {0};
        const char *last = NULL;
        jb_raw(&b, "{", 1);
        for (size_t i = 0; i < l->cnt; i++) {
            const krafka_topic_partition_t *p = &l->elems[i];
            if (!last || strcmp(last, p->topic)) {
                if (last)
                    jb_raw(&b, "}", 1);
                jb_key(&b, p->topic);
                jb_raw(&b, "{", 1);
                jb_key(&b, "topic");
                jb_cstr(&b, p->topic);
                last = p->topic;
            }
            char ps[16];
            snprintf(ps, sizeof ps, "%" PRId32, p->partition);
            jb_key(&b, ps);
            jb_raw(&b, "{", 1);
            jb_key(&b, "partition");
            jb_i64(&b, p->partition);
            jb_key(&b, "offset");
            jb_i64(&b, p->offset);
            if (p->err) {
                jb_key(&b, "error");
                jb_cstr(&b, cli_err2str(p->err));
            }
            jb_raw(&b, "}", 1);
        }
        if (last)
            jb_raw(&b, "}", 1);
        jb_raw(&b, "}", 1);
        if (!b.oom)
            fwrite(b.p, b.len, 1, stdout);
        jb_free(&b);
    } else {
        for (size_t i = 0; i < l->cnt; i++) {
            const krafka_topic_partition_t *p = &l->elems[i];
            printf("%s [%" PRId32 "] offset %" PRId64 "%s", p->topic,
                   p->partition, p->offset, p->err ? "" : "\n");
            if (p->err)
                printf(": %s\n", cli_err2str(p->err));
        }
    }
    krafka_tp_list_destroy(l);
    consumer_free(k);
    return CLI_EXIT_OK;
}

/* ---- -C and -G ---- */

struct pstate {
    int32_t partition;
    bool eof;     /* -e: reached the end (kcat stops such a partition) */
    bool stopped; /* e@: reached the stop timestamp */
};

static struct {
    krafka_metadata_t *md; /* -C: the topic's metadata */
    struct pstate *ps;
    size_t ps_cnt;
    size_t done_cnt;       /* partitions eof or stopped */
    long long rx;
    krafka_tp_list_t *assignment; /* -G: owned copy */
} cs;

static struct pstate *pstate_find(int32_t partition)
{
    for (size_t i = 0; i < cs.ps_cnt; i++)
        if (cs.ps[i].partition == partition)
            return &cs.ps[i];
    return NULL;
}

/* -G: eof flags live in the assignment copy's err fields. */
static krafka_topic_partition_t *asg_find(const char *topic, int32_t p)
{
    return cs.assignment ? krafka_tp_list_find(cs.assignment, topic, p)
                         : NULL;
}

static size_t asg_eof_cnt(void)
{
    size_t n = 0;
    for (size_t i = 0; cs.assignment && i < cs.assignment->cnt; i++)
        n += cs.assignment->elems[i].err == KRAFKA_ERR_LOCAL_PARTITION_EOF;
    return n;
}

static void at_eof(const krafka_record_t *r)
{
    if (cf.mode == 'C' && cf.exit_eof) {
        struct pstate *s = pstate_find(r->partition);
        if (s && !s->eof && !s->stopped) {
            s->eof = true;
            if (++cs.done_cnt >= cs.ps_cnt)
                cli_run = 0;
        }
    } else if (cf.mode == 'G' && cf.exit_eof) {
        krafka_topic_partition_t *e = asg_find(r->topic, r->partition);
        if (e && e->err != KRAFKA_ERR_LOCAL_PARTITION_EOF) {
            e->err = KRAFKA_ERR_LOCAL_PARTITION_EOF;
            if (asg_eof_cnt() == cs.assignment->cnt)
                cli_run = 0;
        }
    }
    cli_info(1, "Reached end of topic %s [%" PRId32 "] at offset %" PRId64
                "%s\n",
             r->topic, r->partition, r->offset, !cli_run ? ": exiting" : "");
}

static void not_eof(const krafka_record_t *r)
{
    if (cf.mode != 'G' || !cf.exit_eof)
        return;
    krafka_topic_partition_t *e = asg_find(r->topic, r->partition);
    if (e && e->err == KRAFKA_ERR_LOCAL_PARTITION_EOF)
        e->err = KRAFKA_ERR_NONE;
}

/* Handles one poll result; false to stop. */
static void consume_one(krafka_consumer_t *k, const krafka_record_t *r)
{
    if (r->err == KRAFKA_ERR_LOCAL_PARTITION_EOF) {
        at_eof(r);
        return;
    }
    if (r->err) {
        if (krafka_err_is_retriable(r->err)) {
            cli_info(1, "%s%s [%" PRId32 "] error: %s\n",
                     r->topic ? "Topic " : "Consumer error",
                     r->topic ? r->topic : "", r->partition,
                     r->errstr && r->errstr[0] ? r->errstr
                                               : cli_err2str(r->err));
            return;
        }
        if (r->topic)
            fatal(r->err, "Topic %s [%" PRId32 "] error: %s", r->topic,
                  r->partition,
                  r->errstr && r->errstr[0] ? r->errstr
                                            : cli_err2str(r->err));
        fatal(r->err, "Consumer error: %s",
              r->errstr && r->errstr[0] ? r->errstr : cli_err2str(r->err));
    }
    not_eof(r);
    if (cf.stop_ts && r->timestamp >= cf.stop_ts) {
        struct pstate *s = cf.mode == 'C' ? pstate_find(r->partition) : NULL;
        if (s && !s->stopped) {
            s->stopped = true;
            krafka_tp_list_t *one = krafka_tp_list_new(1);
            if (one && krafka_tp_list_add(one, r->topic, r->partition))
                krafka_consumer_pause(k, one);
            krafka_tp_list_destroy(one);
            if (!s->eof && ++cs.done_cnt >= cs.ps_cnt)
                cli_run = 0;
        }
        cli_info(1, "Reached stop timestamp for topic %s [%" PRId32
                    "] at offset %" PRId64 "%s\n",
                 r->topic, r->partition, r->offset,
                 !cli_run ? ": exiting" : "");
        return;
    }
    int32_t broker = cs.md ? leader_of(cs.md, r->partition) : -1;
    if (fmt_record(stdout, &cf.fmt, r, broker)) {
        if (errno == EPIPE) {
            cli_run = 0;
            return;
        }
        fatal(KRAFKA_ERR_NONE,
              "Write error for message of %zu bytes in %s [%" PRId32
              "] at offset %" PRId64 ": %s",
              r->value_len, r->topic, r->partition, r->offset,
              strerror(errno));
    }
    cli_metrics_consumed(r->key_len + r->value_len);
    if (++cs.rx == cf.msg_cnt)
        cli_run = 0;
}

static void poll_loop(krafka_consumer_t *k)
{
    while (cli_run) {
        krafka_record_t *r = krafka_consumer_poll(k, 100);
        if (!r)
            continue;
        consume_one(k, r);
        krafka_record_destroy(r);
    }
    fflush(stdout);
}

/* -o -N: N records before each partition's end (not before its start). */
static int64_t tail_offset(krafka_consumer_t *k, int32_t partition)
{
    int64_t lo, hi;
    krafka_err_t err = krafka_consumer_query_watermark_offsets(
        k, cf.topic, partition, &lo, &hi, cf.md_timeout_ms);
    if (err)
        fatal(err, "Failed to query watermarks of %s [%" PRId32 "]: %s",
              cf.topic, partition, cli_err2str(err));
    return hi - cf.tail < lo ? lo : hi - cf.tail;
}

static int run_consume(void)
{
    krafka_admin_t *a = admin_new();
    cs.md = topic_metadata(a, cf.topic, false);
    krafka_admin_destroy(a);
    const krafka_metadata_topic_t *t = &cs.md->topics[0];
    cs.ps = calloc((size_t)t->partition_cnt, sizeof *cs.ps);
    if (!cs.ps)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    for (int i = 0; i < t->partition_cnt; i++) {
        int32_t id = t->partitions[i].id;
        if (cf.partition == KRAFKA_PARTITION_ANY || cf.partition == id)
            cs.ps[cs.ps_cnt++].partition = id;
    }
    if (!cs.ps_cnt)
        fatal(KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION,
              "Topic %s (with partitions 0..%i): partition %i does not "
              "exist",
              cf.topic, t->partition_cnt - 1, (int)cf.partition);

    krafka_conf_t *conf = krafka_conf_dup(cf.conf);
    if (!conf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    char errstr[512];
    krafka_conf_set(conf, "enable.partition.eof", "true", errstr,
                    sizeof errstr);
    krafka_consumer_t *k = consumer_new(conf);
    krafka_conf_destroy(conf);

    krafka_tp_list_t *l = krafka_tp_list_new(cs.ps_cnt);
    if (!l)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    for (size_t i = 0; i < cs.ps_cnt; i++) {
        krafka_topic_partition_t *e =
            krafka_tp_list_add(l, cf.topic, cs.ps[i].partition);
        if (!e)
            fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
        e->offset = cf.start_ts ? cf.start_ts
                    : cf.tail   ? tail_offset(k, cs.ps[i].partition)
                    : cf.offset_set ? cf.offset
                                    : KRAFKA_OFFSET_BEGINNING;
    }
    if (cf.start_ts) {
        krafka_err_t err =
            krafka_consumer_offsets_for_times(k, l, cf.md_timeout_ms);
        if (err)
            fatal(err, "offsets_for_times failed: %s", cli_err2str(err));
    }
    krafka_err_t err = krafka_consumer_assign(k, l);
    if (err)
        fatal(err, "Failed to start consuming topic %s: %s", cf.topic,
              cli_err2str(err));
    krafka_tp_list_destroy(l);
    poll_loop(k);
    consumer_free(k);
    krafka_metadata_destroy(cs.md);
    free(cs.ps);
    return cf.exitcode;
}

static void print_tps(const krafka_tp_list_t *l)
{
    for (size_t i = 0; i < l->cnt; i++)
        fprintf(stderr, "%s%s [%" PRId32 "]", i ? ", " : "",
                l->elems[i].topic, l->elems[i].partition);
    fprintf(stderr, "\n");
}

static void rebalance_cb(krafka_consumer_t *k, krafka_rebalance_t ev,
                         const krafka_tp_list_t *parts, void *opaque)
{
    (void)opaque;
    cli_info(1, "Group %s rebalanced: ", cf.group);
    if (ev == KRAFKA_REBALANCE_ASSIGNED) {
        if (cli_verbosity >= 1) {
            fprintf(stderr, "assigned: ");
            print_tps(parts);
        }
        if (!cs.assignment)
            cs.assignment = krafka_tp_list_new(parts->cnt);
        for (size_t i = 0; i < parts->cnt; i++) {
            const krafka_topic_partition_t *p = &parts->elems[i];
            if (cs.assignment &&
                !krafka_tp_list_find(cs.assignment, p->topic, p->partition))
                krafka_tp_list_add(cs.assignment, p->topic, p->partition);
            if (!cf.offset_set && !cf.tail)
                continue;
            int64_t off = cf.offset;
            if (cf.tail) {
                int64_t lo, hi;
                if (krafka_consumer_query_watermark_offsets(
                        k, p->topic, p->partition, &lo, &hi,
                        cf.md_timeout_ms))
                    continue;
                off = hi - cf.tail < lo ? lo : hi - cf.tail;
            }
            if (off != KRAFKA_OFFSET_STORED)
                krafka_consumer_seek(k, p->topic, p->partition, off);
        }
    } else {
        if (cli_verbosity >= 1) {
            fprintf(stderr, "%s: ",
                    ev == KRAFKA_REBALANCE_LOST ? "lost" : "revoked");
            print_tps(parts);
        }
        /* Rebuild the copy without the revoked partitions. */
        krafka_tp_list_t *keep = krafka_tp_list_new(8);
        for (size_t i = 0; keep && cs.assignment && i < cs.assignment->cnt;
             i++) {
            const krafka_topic_partition_t *e = &cs.assignment->elems[i];
            if (krafka_tp_list_find(parts, e->topic, e->partition))
                continue;
            krafka_topic_partition_t *n =
                krafka_tp_list_add(keep, e->topic, e->partition);
            if (n)
                n->err = e->err;
        }
        krafka_tp_list_destroy(cs.assignment);
        cs.assignment = keep;
    }
}

static int run_group(char **topics, int cnt)
{
    krafka_conf_t *conf = krafka_conf_dup(cf.conf);
    if (!conf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    char errstr[512];
    krafka_conf_set(conf, "enable.partition.eof", "true", errstr,
                    sizeof errstr);
    krafka_conf_set_rebalance_cb(conf, rebalance_cb);
    /* Unreachable brokers: say so within the metadata timeout. */
    krafka_admin_t *a = admin_new();
    krafka_metadata_t *md;
    krafka_err_t err = krafka_admin_metadata(a, topics[0], cf.md_timeout_ms,
                                             &md, errstr, sizeof errstr);
    if (err)
        fatal(err, "Failed to query metadata: %s", errstr);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);
    krafka_consumer_t *k = consumer_new(conf);
    krafka_conf_destroy(conf);
    err = krafka_consumer_subscribe(k, (const char *const *)topics,
                                    (size_t)cnt);
    if (err)
        fatal(err, "Failed to subscribe to %d topics: %s", cnt,
              cli_err2str(err));
    cli_info(1, "Waiting for group rebalance\n");
    poll_loop(k);
    err = krafka_consumer_close(k);
    if (err && err != KRAFKA_ERR_LOCAL_NO_OFFSET)
        cli_error("Failed to close consumer: %s", cli_err2str(err));
    consumer_free(k);
    krafka_tp_list_destroy(cs.assignment);
    return cf.exitcode;
}

/* ---- -P ---- */

static struct {
    long long tx, tx_err_dr, delivered;
} ps;

static void dr_cb(krafka_producer_t *p, const krafka_delivery_t *dr,
                  void *opaque)
{
    (void)p;
    (void)opaque;
    if (dr->err) {
        cli_info(1, "Delivery failed for message: %s\n",
                 dr->errstr && dr->errstr[0] ? dr->errstr
                                             : cli_err2str(dr->err));
        ps.tx_err_dr++;
        return;
    }
    cli_info(3,
             "Message delivered to partition %" PRId32 " (offset %" PRId64
             ")\n",
             dr->partition, dr->offset);
    ps.delivered++;
}

static void produce(krafka_producer_t *p, const void *val, size_t len,
                    const void *key, size_t key_len)
{
    krafka_msg_t m = {.topic = cf.topic, .partition = cf.partition,
                      .key = key, .key_len = key_len, .value = val,
                      .value_len = len, .headers = cf.headers,
                      .header_cnt = cf.header_cnt};
    for (;;) {
        if (!cli_run)
            fatal(KRAFKA_ERR_NONE,
                  "Program terminated while producing message of %zu bytes",
                  len);
        krafka_err_t err = krafka_producer_send(p, &m, NULL);
        if (!err)
            break;
        if (err != KRAFKA_ERR_LOCAL_QUEUE_FULL)
            fatal(err, "Failed to produce message (%zu bytes): %s", len,
                  cli_err2str(err));
        krafka_producer_poll(p, 5);
    }
    ps.tx++;
    cli_metrics_produced(key_len + len);
    krafka_producer_poll(p, 0);
}

/* Reads @fp split at @delim; calls produce for each non-empty piece. */
static void produce_stream(krafka_producer_t *p, FILE *fp, size_t max)
{
    size_t cap = 65536, len = 0, start = 0;
    char *buf = malloc(cap);
    bool eof = false;
    if (!buf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    while (cli_run) {
        char *d = len > start ? memmem(buf + start, len - start, cf.delim,
                                       cf.delim_len)
                              : NULL;
        if (!d && !eof) {
            if (start > 0) {
                memmove(buf, buf + start, len - start);
                len -= start;
                start = 0;
            }
            if (len == cap) {
                if (cap >= max + cf.delim_len + 65536)
                    fatal(KRAFKA_ERR_LOCAL_MSG_SIZE_TOO_LARGE,
                          "Input message larger than %zu bytes "
                          "(message.max.bytes)",
                          max);
                char *nb = realloc(buf, cap * 2);
                if (!nb)
                    fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
                buf = nb;
                cap *= 2;
            }
            size_t n = fread(buf + len, 1, cap - len, fp);
            if (n == 0) {
                if (ferror(fp))
                    fatal(KRAFKA_ERR_NONE, "Unable to read message: %s",
                          strerror(errno));
                eof = true;
            }
            len += n;
            continue;
        }
        if (!d && start == len)
            break; /* end of input */
        char *msg = buf + start;
        size_t mlen = d ? (size_t)(d - msg) : len - start;
        start = d ? start + mlen + cf.delim_len : len;
        if (mlen == 0)
            continue;
        const char *val = msg, *key = NULL;
        size_t vlen = mlen, klen = 0;
        if (cf.key_delim) {
            char *kd = cf.key_delim_len
                           ? memmem(msg, mlen, cf.key_delim, cf.key_delim_len)
                           : NULL;
            if (kd) {
                key = msg;
                klen = (size_t)(kd - msg);
                val = kd + cf.key_delim_len;
                vlen = mlen - klen - cf.key_delim_len;
                if (cf.null_str) {
                    if (vlen == 0)
                        val = NULL;
                    if (klen == 0)
                        key = NULL;
                }
            }
        }
        if (!key && cf.fixed_key) {
            key = cf.fixed_key;
            klen = strlen(cf.fixed_key);
        }
        produce(p, val, vlen, key, klen);
        /* kcat's -T writes the piece without its delimiter. */
        if (cf.tee && fwrite(msg, mlen, 1, stdout) != 1)
            fatal(KRAFKA_ERR_NONE, "Tee write error for message of %zu "
                                   "bytes: %s",
                  mlen, strerror(errno));
        if (cf.msg_cnt && ps.tx == cf.msg_cnt)
            break;
    }
    free(buf);
}

/* A whole file as one message; the size, or -1. */
static long long produce_file(krafka_producer_t *p, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        cli_info(1, "Failed to open %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode)) {
        cli_info(1, "Failed to stat %s: %s\n", path,
                 errno ? strerror(errno) : "not a regular file");
        fclose(fp);
        return -1;
    }
    if (st.st_size == 0) {
        cli_info(3, "Skipping empty file %s\n", path);
        fclose(fp);
        return 0;
    }
    char *buf = malloc((size_t)st.st_size);
    if (!buf || fread(buf, 1, (size_t)st.st_size, fp) != (size_t)st.st_size) {
        cli_info(1, "Failed to read %s: %s\n", path,
                 buf ? strerror(errno) : "out of memory");
        free(buf);
        fclose(fp);
        return -1;
    }
    fclose(fp);
    produce(p, buf, (size_t)st.st_size, cf.fixed_key,
            cf.fixed_key ? strlen(cf.fixed_key) : 0);
    free(buf);
    return st.st_size;
}

static int run_produce(char **files, int file_cnt)
{
    /* Metadata first: an unreachable cluster or a missing topic fails
     * within the metadata timeout instead of message.timeout.ms. The
     * producer creates topics as librdkafka's does, where the broker
     * allows it. */
    char errstr[512];
    krafka_conf_t *conf = krafka_conf_dup(cf.conf);
    if (!conf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    krafka_conf_set_dr_cb(conf, dr_cb);
    krafka_conf_t *mdconf = krafka_conf_dup(cf.conf);
    char v[16];
    size_t vn = sizeof v;
    if (!mdconf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    if (krafka_conf_get(cf.conf, "allow.auto.create.topics", v, &vn) == 0 &&
        !strcmp(v, "false") && !cf.auto_create_set)
        krafka_conf_set(mdconf, "allow.auto.create.topics", "true", NULL, 0);
    krafka_admin_t *a;
    krafka_err_t err = krafka_admin_new(&a, mdconf, errstr, sizeof errstr);
    krafka_conf_destroy(mdconf);
    if (err)
        fatal(err, "Failed to create producer: %s", errstr);
    krafka_metadata_t *md = topic_metadata(a, cf.topic, true);
    if (cf.partition != KRAFKA_PARTITION_ANY &&
        cf.partition >= md->topics[0].partition_cnt)
        fatal(KRAFKA_ERR_LOCAL_UNKNOWN_PARTITION,
              "Topic %s (with partitions 0..%i): partition %i does not "
              "exist",
              cf.topic, md->topics[0].partition_cnt - 1, (int)cf.partition);
    krafka_metadata_destroy(md);
    krafka_admin_destroy(a);

    size_t max = 1000000;
    vn = sizeof v;
    if (krafka_conf_get(cf.conf, "message.max.bytes", v, &vn) == 0)
        max = strtoul(v, NULL, 10);
    krafka_producer_t *p;
    err = krafka_producer_new(&p, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (err)
        fatal(err, "Failed to create producer: %s", errstr);
    cli_metrics_attach(krafka_producer_metrics(p));
    if (file_cnt > 0 && !cf.line_mode) {
        int good = 0;
        for (int i = 0; i < file_cnt; i++)
            good += produce_file(p, files[i]) != -1;
        if (!good)
            cf.exitcode = CLI_EXIT_FAIL;
        else if (good < file_cnt)
            cli_info(1, "Failed to produce from %i/%i files\n",
                     file_cnt - good, file_cnt);
    } else {
        FILE *in = stdin;
        if (file_cnt > 1)
            fatal(KRAFKA_ERR_NONE, "Only one file allowed for line mode (-l)");
        if (file_cnt == 1 && !(in = fopen(files[0], "r")))
            fatal(KRAFKA_ERR_NONE, "Cannot open %s: %s", files[0],
                  strerror(errno));
        produce_stream(p, in, max);
        if (in != stdin)
            fclose(in);
    }
    if (cf.tee)
        fflush(stdout);
    /* Wait for every delivery report (Ctrl-C stops waiting). */
    cli_run = 1;
    while (cli_run && krafka_producer_outq_len(p) > 0)
        krafka_producer_flush(p, 100);
    cli_metrics_detach();
    krafka_producer_destroy(p);
    if (ps.tx_err_dr) {
        cli_error("%lld of %lld messages failed delivery", ps.tx_err_dr,
                  ps.tx);
        cf.exitcode = CLI_EXIT_FAIL;
    }
    return cf.exitcode;
}

/* ---- main ---- */

int main(int argc, char **argv)
{
    cf.prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (argc > 1 && !strcmp(argv[1], "topics"))
        return cli_topics(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "groups"))
        return cli_groups(argc - 1, argv + 1);
    cf.conf = krafka_conf_new();
    if (!cf.conf)
        fatal(KRAFKA_ERR_LOCAL_NOMEM, "out of memory");
    krafka_conf_set_log_cb(cf.conf, log_cb);
    parse_args(argc, argv);

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (cf.metrics_port >= 0 && cli_metrics_start(cf.metrics_port))
        exit(CLI_EXIT_FAIL);

    int rc;
    switch (cf.mode) {
    case 'P':
        rc = run_produce(argv + optind, argc - optind);
        break;
    case 'C':
        rc = run_consume();
        break;
    case 'G':
        rc = run_group(argv + optind, argc - optind);
        break;
    case 'L':
        rc = run_list();
        break;
    default:
        rc = run_query();
        break;
    }
    fflush(stdout);
    cli_metrics_stop();
    for (size_t i = 0; i < cf.header_cnt; i++)
        free((char *)cf.headers[i].key);
    fmt_free(&cf.fmt);
    free(cf.delim);
    free(cf.key_delim);
    krafka_conf_destroy(cf.conf);
    return rc;
}
