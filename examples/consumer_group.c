/*
 * consumer_group - a consumer group member with a rebalance callback and
 * manual offset commits: at-least-once processing that does not re-read
 * what it already processed when partitions move or the process stops.
 *
 * What it shows:
 *   - krafka_consumer_subscribe() and the rebalance callback
 *     (krafka_conf_set_rebalance_cb): ASSIGNED, REVOKED (commit what was
 *     processed before the partitions go to another member) and LOST (the
 *     partitions already belong to someone else: do not commit them);
 *   - manual commits: enable.auto.commit=false and
 *     enable.auto.offset.store=false; each record's offset is stored with
 *     krafka_consumer_store_record() once it is processed, and the stored
 *     offsets are committed synchronously every -i milliseconds, on
 *     REVOKED and at shutdown;
 *   - what a failed commit means: REBALANCE_IN_PROGRESS says the member is
 *     between generations (its partitions were revoked or lost); it polls
 *     on, rejoins, and what it then owns is committed by the next commit;
 *   - clean shutdown on SIGINT/SIGTERM: a last commit, then
 *     krafka_consumer_close() (which leaves the group) and _destroy();
 *   - optionally: an assignor (-s), static membership (-I) and exiting at
 *     the end of the assigned partitions (-e, enable.partition.eof).
 *
 * Records are printed to stdout as "topic<TAB>partition<TAB>offset<TAB>key
 * <TAB>value" lines (-q: not printed); what the group does goes to stderr.
 *
 * Run it (a local broker: tests/kafka/harness start single):
 *   build/tools/krafka topics create -b 127.0.0.1:19092 --partitions 4 jobs
 *   seq 1 1000 | build/tools/krafka -b 127.0.0.1:19092 -t jobs -P
 *   build/examples/consumer_group -b 127.0.0.1:19092 -g workers jobs &
 *   build/examples/consumer_group -b 127.0.0.1:19092 -g workers jobs
 *   # (the first member gives half its partitions to the second), then
 *   build/tools/krafka groups describe -b 127.0.0.1:19092 workers
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <krafka/krafka.h>

/* One assigned partition, for -e (has it reached its end?). */
struct owned {
    char topic[256];
    int32_t partition;
    bool at_end;
};

struct member {
    bool quiet;
    struct owned *owned;
    size_t owned_cnt, owned_cap;
    unsigned long long records, commits, uncommitted;
    int commit_errors;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line, even while the library logs to stderr from its own thread:
 * the stream stays locked until the line is complete. */
static void print_partitions(const char *what, const krafka_tp_list_t *l)
{
    flockfile(stderr);
    fprintf(stderr, "consumer_group: %s:", what);
    for (size_t i = 0; i < l->cnt; i++)
        fprintf(stderr, " %s[%d]", l->elems[i].topic,
                (int)l->elems[i].partition);
    fprintf(stderr, "%s\n", l->cnt ? "" : " (none)");
    funlockfile(stderr);
}

/* Commits the stored offsets synchronously; says what happened. */
static void commit(krafka_consumer_t *c, struct member *m, const char *why)
{
    krafka_err_t err = krafka_consumer_commit(c, NULL, false);
    switch (err) {
    case KRAFKA_ERR_NONE:
        m->commits++;
        m->uncommitted = 0;
        fprintf(stderr, "consumer_group: committed (%s)\n", why);
        break;
    case KRAFKA_ERR_LOCAL_NO_OFFSET:
        m->uncommitted = 0; /* nothing new since the last commit */
        break;
    case KRAFKA_ERR_REBALANCE_IN_PROGRESS:
        /* Not in a generation now: the partitions these offsets belong
         * to were revoked or lost. Keep polling to rejoin; whatever this
         * member then owns and processes is committed later. */
        fprintf(stderr, "consumer_group: commit (%s) refused: the group "
                "is rebalancing\n", why);
        break;
    default:
        m->commit_errors++;
        fprintf(stderr, "consumer_group: commit (%s) failed: %s: %s\n", why,
                krafka_err2name(err), krafka_err2str(err));
        break;
    }
}

static struct owned *find_owned(struct member *m, const char *topic,
                                int32_t partition)
{
    for (size_t i = 0; i < m->owned_cnt; i++)
        if (m->owned[i].partition == partition &&
            strcmp(m->owned[i].topic, topic) == 0)
            return &m->owned[i];
    return NULL;
}

static void on_rebalance(krafka_consumer_t *c, krafka_rebalance_t event,
                         const krafka_tp_list_t *parts, void *conf_opaque)
{
    struct member *m = conf_opaque;
    switch (event) {
    case KRAFKA_REBALANCE_ASSIGNED:
        /* The library has assigned them already and will start from the
         * committed offsets (or auto.offset.reset) once this returns. */
        print_partitions("assigned", parts);
        for (size_t i = 0; i < parts->cnt; i++) {
            if (find_owned(m, parts->elems[i].topic,
                           parts->elems[i].partition))
                continue;
            if (m->owned_cnt == m->owned_cap) {
                size_t cap = m->owned_cap ? 2 * m->owned_cap : 16;
                struct owned *o = realloc(m->owned, cap * sizeof *o);
                if (!o)
                    break;
                m->owned = o;
                m->owned_cap = cap;
            }
            struct owned *o = &m->owned[m->owned_cnt++];
            snprintf(o->topic, sizeof o->topic, "%s", parts->elems[i].topic);
            o->partition = parts->elems[i].partition;
            o->at_end = false;
        }
        break;
    case KRAFKA_REBALANCE_REVOKED:
        /* Last chance to commit these partitions' progress: another
         * member starts from our committed offsets. */
        print_partitions("revoked", parts);
        commit(c, m, "partitions revoked");
        break;
    case KRAFKA_REBALANCE_LOST:
        /* The session expired: the partitions may already be consumed
         * by another member, and a commit would be refused anyway. */
        print_partitions("lost (not committing)", parts);
        break;
    }
    if (event != KRAFKA_REBALANCE_ASSIGNED)
        for (size_t i = 0; i < parts->cnt; i++) {
            struct owned *o = find_owned(m, parts->elems[i].topic,
                                         parts->elems[i].partition);
            if (o)
                *o = m->owned[--m->owned_cnt];
        }
}

static bool all_at_end(const struct member *m)
{
    if (m->owned_cnt == 0)
        return false;
    for (size_t i = 0; i < m->owned_cnt; i++)
        if (!m->owned[i].at_end)
            return false;
    return true;
}

static void print_record(const krafka_record_t *rec)
{
    printf("%s\t%d\t%lld\t%.*s\t%.*s\n", rec->topic, (int)rec->partition,
           (long long)rec->offset, (int)rec->key_len,
           rec->key ? (const char *)rec->key : "", (int)rec->value_len,
           rec->value ? (const char *)rec->value : "");
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
            "usage: %s -b brokers -g group [options] topic...\n"
            "  -b brokers    bootstrap servers host:port[,...]\n"
            "  -g group      consumer group id\n"
            "  -i ms         commit interval (default 1000)\n"
            "  -n count      exit after processing this many records\n"
            "  -T seconds    exit after this long\n"
            "  -e            exit when every assigned partition is at its end\n"
            "  -o reset      earliest (default) or latest: where to start\n"
            "                without a committed offset\n"
            "  -s assignor   range, roundrobin or cooperative-sticky\n"
            "  -I id         static membership: group.instance.id\n"
            "  -X prop=val   any libkrafka property (repeatable)\n"
            "  -q            don't print records\n"
            "Exit: 0 ok, 1 a commit failed, 2 usage or setup error.\n",
            prog);
}

static int set(krafka_conf_t *conf, const char *name, const char *value)
{
    char errstr[512];
    if (krafka_conf_set(conf, name, value, errstr, sizeof errstr)) {
        fprintf(stderr, "consumer_group: %s\n", errstr);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct member m = {0};
    const char *brokers = NULL, *group = NULL;
    long long max_records = -1, seconds = -1, interval_ms = 1000;
    bool exit_at_end = false;
    char errstr[512];

    krafka_conf_t *conf = krafka_conf_new();
    if (!conf)
        return 2;
    /* Manual commits of processed records only. */
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    set(conf, "auto.offset.reset", "earliest");
    int opt, bad = 0;
    while ((opt = getopt(argc, argv, "b:g:i:n:T:eo:s:I:X:qh")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 'g': group = optarg; break;
        case 'i':
            bad |= parse_num("consumer_group", opt, optarg, 0, &interval_ms);
            break;
        case 'n':
            bad |= parse_num("consumer_group", opt, optarg, 0, &max_records);
            break;
        case 'T':
            bad |= parse_num("consumer_group", opt, optarg, 0, &seconds);
            break;
        case 'e': exit_at_end = true; break;
        case 'o': bad |= set(conf, "auto.offset.reset", optarg); break;
        case 's':
            bad |= set(conf, "partition.assignment.strategy", optarg);
            break;
        case 'I': bad |= set(conf, "group.instance.id", optarg); break;
        case 'q': m.quiet = true; break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) {
                fprintf(stderr, "consumer_group: -X %s: expected "
                        "prop=value\n", optarg);
                bad = -1;
                break;
            }
            *eq = '\0';
            bad |= set(conf, optarg, eq + 1);
            break;
        }
        case 'h':
            usage(argv[0]);
            krafka_conf_destroy(conf);
            return 0;
        default:
            usage(argv[0]);
            bad = -1;
            break;
        }
    }
    if (bad || !brokers || !group || optind >= argc || interval_ms < 0) {
        if (!bad)
            usage(argv[0]);
        krafka_conf_destroy(conf);
        return 2;
    }
    if (set(conf, "bootstrap.servers", brokers) ||
        set(conf, "group.id", group) ||
        (exit_at_end && set(conf, "enable.partition.eof", "true"))) {
        krafka_conf_destroy(conf);
        return 2;
    }
    krafka_conf_set_opaque(conf, &m);
    krafka_conf_set_rebalance_cb(conf, on_rebalance);

    krafka_consumer_t *c;
    krafka_err_t err = krafka_consumer_new(&c, conf, errstr, sizeof errstr);
    krafka_conf_destroy(conf);
    if (err) {
        fprintf(stderr, "consumer_group: cannot create the consumer: %s\n",
                errstr);
        return 2;
    }
    err = krafka_consumer_subscribe(c, (const char *const *)&argv[optind],
                                    (size_t)(argc - optind));
    if (err) {
        fprintf(stderr, "consumer_group: subscribe: %s\n",
                krafka_err2str(err));
        krafka_consumer_destroy(c);
        return 2;
    }

    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* One line per processed record, visible at once even in a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    int64_t start = now_ms(), last_commit = start;
    while (!stop) {
        if (max_records >= 0 && m.records >= (unsigned long long)max_records)
            break;
        if (seconds >= 0 && now_ms() - start >= seconds * 1000)
            break;
        if (exit_at_end && all_at_end(&m))
            break;
        if (m.uncommitted > 0 && now_ms() - last_commit >= interval_ms) {
            commit(c, &m, "periodic");
            last_commit = now_ms();
        }

        krafka_record_t *rec = krafka_consumer_poll(c, 100);
        if (!rec)
            continue;
        if (rec->err == KRAFKA_ERR_LOCAL_PARTITION_EOF) {
            struct owned *o = find_owned(&m, rec->topic, rec->partition);
            if (o)
                o->at_end = true;
        } else if (rec->err) {
            fprintf(stderr, "consumer_group: %s: %s\n",
                    krafka_err2name(rec->err), rec->errstr);
        } else {
            /* "Process" the record, then mark it done: its offset is
             * committed by the next commit. */
            if (!m.quiet)
                print_record(rec);
            krafka_consumer_store_record(c, rec);
            m.records++;
            m.uncommitted++;
            struct owned *o = find_owned(&m, rec->topic, rec->partition);
            if (o)
                o->at_end = false;
        }
        krafka_record_destroy(rec);
    }
    fflush(stdout);

    /* Shutdown: commit what was processed, then leave the group (close()
     * revokes the assignment through on_rebalance first). */
    if (m.uncommitted > 0)
        commit(c, &m, "shutdown");
    err = krafka_consumer_close(c);
    if (err && err != KRAFKA_ERR_LOCAL_NO_OFFSET)
        fprintf(stderr, "consumer_group: close: %s\n", krafka_err2str(err));
    krafka_consumer_destroy(c);
    free(m.owned);
    fprintf(stderr, "consumer_group: %llu records processed, %llu commits%s"
            "\n", m.records, m.commits, stop ? " (signal)" : "");
    return m.commit_errors ? 1 : 0;
}
