/*
 * krafka-soak: producers and a consumer group run against a real cluster
 * while scripts/soak injects broker faults; at the end a checker verifies
 * from what was consumed that nothing acknowledged was lost, duplicated or
 * reordered, that commits never ran ahead of processing and that the
 * group converged. Public API only (include/krafka/), like an application.
 *
 * Threads: main (schedule, stall monitor, drain, checker), one per
 * producer, one per consumer, one that waits for signals (SIGUSR1: restart
 * the next consumer; SIGINT/SIGTERM: end the run early).
 */
#ifndef KRAFKA_SOAK_H
#define KRAFKA_SOAK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "krafka/krafka.h"

#define SOAK_MAX_PARTS 64
#define SOAK_MAX_PRODUCERS 16
#define SOAK_MAX_CONSUMERS 8
#define SOAK_MAX_ERRS 16

struct soak_opts {
    const char *brokers, *topic, *group, *assignor;
    int producers, consumers, partitions;
    int duration_s, rate, drain_s, request_timeout_ms;
};

/* First member of every handle's conf opaque: names it in log lines. */
struct soak_who {
    char name[24];
};

/* A producer's view of one record, indexed by its sequence number. */
enum { SLOT_FREE = 0, SLOT_SENT, SLOT_ACKED, SLOT_FAILED };
struct soak_slot {
    int64_t offset;    /* from the delivery report; -1: none */
    int32_t partition; /* from the delivery report; -1: none */
    uint8_t state;     /* SLOT_* */
};

struct soak_errcount {
    krafka_err_t err;
    uint64_t n;
};

struct soak_producer {
    struct soak_who who; /* first */
    int id;
    pthread_t th;
    struct soak_slot *slots; /* owned; touched by this producer's thread */
    uint64_t cap;
    _Atomic uint64_t sent, acked, failed, send_errs, dup_reports;
    struct soak_errcount errs[SOAK_MAX_ERRS]; /* failed reports by error */
};

struct soak_member {
    struct soak_who who; /* first */
    int id;
    pthread_t th;
    _Atomic int restart;     /* set by main: close and come back */
    _Atomic uint64_t owned;  /* bit per partition, from rebalance events */
    _Atomic uint64_t restarts, polled, events;
    /* last offset this member processed per partition, -1: none since it
     * was assigned; member's thread only */
    int64_t last[SOAK_MAX_PARTS];
    uint64_t rewinds; /* a record at or before last[], no rebalance */
};

/* What the group consumed, per partition: the record seen at each
 * offset. Guarded by soak_log.mu. */
struct soak_entry {
    uint64_t seq;
    int32_t pid; /* producer id + 1; 0: offset not consumed */
};

struct soak_part {
    struct soak_entry *at; /* owned, indexed by offset */
    int64_t cap;
    int64_t processed_end; /* highest processed offset + 1 */
};

struct soak_log {
    pthread_mutex_t mu;
    struct soak_part parts[SOAK_MAX_PARTS];
    uint64_t consumed, redelivered, conflicts, garbage;
    uint64_t commits_ok, commits_failed, commit_ahead;
};

/* Everything shared; one instance, owned by main. */
struct soak {
    struct soak_opts o;
    struct soak_producer prod[SOAK_MAX_PRODUCERS];
    struct soak_member mem[SOAK_MAX_CONSUMERS];
    struct soak_log log;
    int64_t t0_ms, end_ms;
    _Atomic int stop_producing, stop_consuming, finish_consumers;
    _Atomic int64_t last_ack_ms, last_consume_ms;
    _Atomic uint64_t assigned_cbs, revoked_cbs, lost_cbs, restart_reqs;
    int64_t hwm[SOAK_MAX_PARTS];
    int64_t committed[SOAK_MAX_PARTS];
    bool converged;
};

extern struct soak g_soak;

int64_t soak_now_ms(void);
void soak_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void soak_log_cb(void *opaque, int level, const char *facility,
                 const char *message);
krafka_conf_t *soak_base_conf(const struct soak_opts *o);
bool soak_conf_set(krafka_conf_t *conf, const char *name, const char *value);

/* soak_produce.c */
void *soak_producer_main(void *arg);
/* Value of record @seq from producer @pid: "soak <pid> <seq> " + padding. */
int soak_value(char *buf, size_t size, int pid, uint64_t seq);
bool soak_parse_value(const void *v, size_t len, int *pid, uint64_t *seq);

/* soak_consume.c */
void *soak_member_main(void *arg);
/* High watermarks and committed offsets of every partition, asked with a
 * group-less consumer (committed: the group's, through OffsetFetch). */
bool soak_query_offsets(const struct soak_opts *o, int64_t *hwm,
                        int64_t *committed);

/* soak_check.c: returns the number of violations, after printing them
 * and the figures. */
uint64_t soak_check(struct soak *s, int64_t max_stall_ms[3],
                    int64_t stall_end_ms[3], uint64_t long_stalls);

#endif
