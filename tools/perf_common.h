/*
 * What krafka-perf (tools/krafka_perf.c) and its librdkafka twin
 * (bench/rdkafka_perf.c) share, so both run the same measurement: the
 * command line, the record generator, the pacing, the timed region and
 * the JSON line, for `produce` and for `consume`. Only the calls into the
 * client differ.
 *
 * Thread: everything here runs on the application thread; delivery
 * reports are served there too (poll/flush), so no locks are needed.
 */
#ifndef KRAFKA_PERF_COMMON_H
#define KRAFKA_PERF_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>

#define PERF_MAX_PROPS 64
#define PERF_KEY_LEN 10

enum perf_mode {
    PERF_PRODUCE,
    PERF_CONSUME,
    PERF_DELETE, /* delete the topic (krafka-perf only, for scripts) */
};

/** The command line: `produce -b BOOTSTRAP -t TOPIC -n COUNT -s SIZE
 *  [-k] [-X prop=value ...] [--rate N] [--partitions P]`, or `consume -b
 *  BOOTSTRAP -t TOPIC -n COUNT [-X ...] [--group G] [--batch N]
 *  [--offset O] [--prefill S] [-q]`. */
struct perf_opts {
    enum perf_mode mode;
    const char *bootstrap; /* borrowed: argv */
    const char *topic;     /* borrowed: argv */
    long count;
    size_t size;
    bool keys;       /* 10-byte keys */
    long rate;       /* records/s; 0: as fast as the client takes them */
    int partitions;  /* of the topic, if it has to be created */
    int timeout_s;   /* bound on the final flush / on a consumer's wait */
    bool no_create;  /* the topic exists (e.g. on the mock cluster) */
    const char *group; /* consume: subscribe in this group; NULL: assign */
    long batch;        /* consume: records per poll_batch; 1: poll */
    long prefill_s;    /* consume: sleep before the first poll */
    long long offset;  /* consume: where to start each partition;
                        * -2: the beginning (logical) */
    bool quiet;        /* no progress lines or summary on stderr */
    long metrics_port; /* krafka-perf: serve /metrics here; -1: don't */
    bool metrics_dump; /* krafka-perf: Prometheus text to stderr at end */
    int prop_cnt;
    char *prop_name[PERF_MAX_PROPS];  /* owned, freed by perf_opts_free */
    char *prop_value[PERF_MAX_PROPS]; /* point into prop_name[i]'s block */
};

#define PERF_LAT_BUCKETS 256

/** One run: the generated records and what the reports told. */
struct perf_run {
    const struct perf_opts *opts; /* borrowed */
    uint8_t *values;   /* owned: pool of distinct values, values_n of them */
    size_t values_n;
    char *keys;        /* owned: values_n keys of PERF_KEY_LEN (+NUL) */
    uint32_t *lat_us;  /* owned: the client's send-to-ack latency */
    uint32_t *e2e_us;  /* owned, --rate only: send() to our report */
    int64_t *sent_ns;  /* owned, --rate only: when each record was sent */
    long lat_n, e2e_n;
    long sent, delivered, errors;
    /* progress lines: latency so far in log2 buckets of 8 steps (cheap
     * per report, no sort), and the last line's figures */
    uint32_t lat_hist[PERF_LAT_BUCKETS];
    int64_t tick_ns;
    long tick_delivered;
    char first_err[256];
    int64_t t0_ns, t1_ns;
    struct rusage ru0, ru1;
};

/** Parses argv; returns 0, or an exit code after printing usage/why. */
int perf_opts_parse(struct perf_opts *o, int argc, char **argv,
                    const char *prog);
void perf_opts_free(struct perf_opts *o);

/** Builds the records (before the timed region); exits when out of
 *  memory. */
void perf_run_init(struct perf_run *r, const struct perf_opts *o);
void perf_run_free(struct perf_run *r);

/** Value and key (NULL without -k) of record @i; borrowed from @r. */
const void *perf_value(const struct perf_run *r, long i);
const char *perf_key(const struct perf_run *r, long i);

/** Opens the timed region (just before the first send). */
void perf_start(struct perf_run *r);
/** Closes it (just after the last delivery report). */
void perf_stop(struct perf_run *r);

/** With --rate, sleeps until record @i is due and notes its send time. */
void perf_pace(struct perf_run *r, long i);

/** Records the outcome of record @i (the opaque given to the send is
 *  i + 1, so that warm-up records, opaque NULL, are told apart). */
void perf_delivered(struct perf_run *r, long i, bool failed,
                    int64_t latency_us, const char *errstr);
void perf_send_failed(struct perf_run *r, const char *errstr);

/** Prints the JSON line to stdout. */
void perf_report(struct perf_run *r, const char *client,
                 const char *version);

int64_t perf_now_ns(void);

/** One consumer run: what poll returned, and when. */
struct perf_crun {
    const struct perf_opts *opts; /* borrowed */
    long records, errors;
    uint64_t bytes;     /* key + value */
    int partitions;     /* assigned (0 with --group) */
    char first_err[256];
    int64_t t0_ns, t1_ns;
    int64_t first_ns;   /* the first record */
    int64_t last_ns;    /* the last poll that returned a record */
    int64_t max_stall_ns;
    int64_t idle_since_ns;
    int64_t tick_ns;    /* the last progress line */
    long tick_records;
    uint64_t tick_bytes;
    struct rusage ru0, ru1;
};

/** The properties both consumers get before the -X ones: name, value,
 *  name, value, ..., NULL. */
const char *const *perf_consume_defaults(const struct perf_opts *o);

void perf_crun_init(struct perf_crun *r, const struct perf_opts *o);
/** Sleeps --prefill seconds (the fetcher fills the queue meanwhile), then
 *  opens the timed region (just before the first poll). */
void perf_cstart(struct perf_crun *r);
/** Counts a record of the given sizes, up to COUNT. */
static inline void perf_consumed(struct perf_crun *r, size_t key_len,
                                 size_t value_len)
{
    if (r->records < r->opts->count) {
        r->records++;
        r->bytes += key_len + value_len;
    }
}
/** Counts an event (a poll result with an error). */
void perf_cevent(struct perf_crun *r, const char *errstr);
/** After each poll (and after destroying what it returned): @before is
 *  r->records before the poll. Closes the timed region once COUNT records
 *  came; returns whether to poll again (false when done, or after
 *  --timeout seconds without a record). */
bool perf_cpolled(struct perf_crun *r, long before);
/** Prints the JSON line to stdout. */
void perf_creport(struct perf_crun *r, const char *client,
                  const char *version);

#endif
