/*
 * The consumer's internals.
 *
 *   I/O thread: the fetcher (fetcher.c) resolves start offsets
 *     (OffsetFetch, ListOffsets), sends one Fetch per leader at a time
 *     while the queue is under its cap, and queues each partition's
 *     Records blob as a chunk that references the kept response frame;
 *     the group (cgrp.c) joins, syncs, heartbeats and commits.
 *   krafka_consumer_poll (application thread, consumer.c): takes chunks
 *     off the queue and parses them in place into record sets (one per
 *     RecordBatch: an array of records sharing the frame or the
 *     decompressed buffer), serves rebalance and commit events.
 *
 * Locks: kr_consumer.lock guards the partition table, the queue and the
 * group's hand-over fields; it is a leaf (never held while calling into
 * the client, which takes its own locks, or into application callbacks).
 */
#ifndef KR_CONSUMER_CONSUMER_H
#define KR_CONSUMER_CONSUMER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "client/client.h"
#include "krafka/consumer.h"
#include "protocol/record_batch.h"

struct kr_cgrp;

enum kr_tp_state {
    KR_TP_NEED_OFFSET, /* fetch_pos is logical: look it up */
    KR_TP_LOOKUP,      /* OffsetFetch or ListOffsets in flight */
    KR_TP_ACTIVE,      /* fetching from fetch_pos */
    KR_TP_STOPPED,     /* an error event was given; waits for a seek */
};

/* An assigned partition. Owned by the consumer's table; chunks and record
 * sets hold references so the topic name outlives a removal. */
struct kr_toppar {
    struct kr_toppar *next;     /* in the table */
    char *topic;                /* owned */
    int32_t partition;
    atomic_int refs;
    /* Guarded by kr_consumer.lock. */
    bool assigned;              /* false once removed from the table */
    enum kr_tp_state state;
    int64_t fetch_pos;          /* next offset to fetch, or logical */
    int32_t fetch_epoch;        /* leader epoch of the last batch; -1 */
    int64_t lookup_ts;          /* ListOffsets timestamp (-2, -1, ms) */
    _Atomic uint32_t version;   /* bumped by seeks (under lock): older
                                 * chunks and records are dropped */
    bool paused;
    bool fetching;              /* in a Fetch in flight */
    bool md_wanted;             /* its topic's metadata was asked for */
    int32_t lead, lead_epoch;   /* leader for this fetcher pass; -1 */
    bool unknown_sent;          /* "topic does not exist" event given */
    /* The id (KIP-516) of the topic fetch_pos is an offset of, learnt
     * from the first answered fetch; zero until then. A topic deleted
     * and created again has a new id: the position means nothing there. */
    uint8_t topic_id[16];
    int64_t backoff_until_us;   /* no fetch before */
    int64_t hwm, lso, log_start;
    bool eof_sent;              /* PARTITION_EOF given at this position */
    int64_t stored;             /* offset to commit (store_offsets) */
    int32_t stored_epoch;
    int64_t committed;          /* last known committed offset */
    /* Written by poll, read anywhere. */
    _Atomic int64_t app_pos;    /* next offset poll returns; INVALID */
    _Atomic int32_t app_epoch;
    struct kr_gauge *lag;       /* its lag series; NULL: metrics off */
};

void kr_toppar_release(struct kr_toppar *tp);

/* A queued item: a partition's records from one fetch, or an event. */
enum kr_qitem_type {
    KR_QI_CHUNK,     /* records */
    KR_QI_EVENT,     /* an error/EOF record for the application */
    KR_QI_REBALANCE, /* serve the rebalance callback, then apply */
    KR_QI_COMMIT,    /* serve the offset commit callback */
};

struct kr_aborted { int64_t pid, first_offset; };

struct kr_qitem {
    struct kr_qitem *next;
    enum kr_qitem_type type;
    struct kr_toppar *tp;       /* owned reference, or NULL */
    uint32_t version;           /* tp->version when fetched */
    /* chunk */
    struct kr_rframe *frame;    /* owned reference */
    const uint8_t *blob;        /* borrowed: in frame */
    size_t blob_len;
    size_t rec_cnt;             /* records in its batches (metrics) */
    int64_t fetch_us;           /* when it arrived */
    struct kr_aborted *aborted; /* owned; read_committed */
    int32_t aborted_cnt;
    /* event: a record to return as is */
    struct krafka_record *ev;   /* owned */
    /* rebalance / commit */
    krafka_rebalance_t rb_event;
    krafka_err_t err;
    krafka_tp_list_t *tps;      /* owned */
    uint32_t rb_gen;            /* the group's rebalance sequence */
};

struct kr_recset;

/* A record as the application sees it, with what it points into. */
struct kr_rec {
    krafka_record_t pub;        /* first: the application's pointer */
    struct kr_recset *set;      /* NULL for an event */
    const uint8_t *hdrs;        /* encoded headers (validated) */
    size_t hdrs_len;
    char *owned_errstr;         /* events */
};

/* One RecordBatch's records. Freed when the parser and every record
 * handed out have let go. */
struct kr_recset {
    atomic_int refs;
    struct kr_rframe *frame;    /* owned reference (uncompressed data) */
    uint8_t *data;              /* owned: decompressed records, or NULL */
    struct kr_toppar *tp;       /* owned reference: the topic name */
    int32_t cap;
    struct kr_rec recs[];
};

#define KR_MAX_ABORTING 64

/* The chunk poll is parsing. Application (poll) thread only. */
struct kr_parse {
    struct kr_qitem *chunk;     /* owned, or NULL */
    struct kr_batch_reader rd;
    struct kr_batch batch;
    bool in_batch;
    /* batch is read but had no memory for its record set: the next poll
     * tries again, so that no record is skipped */
    bool set_pending;
    /* the reader stopped for want of memory before a batch: resumed by
     * the next poll */
    bool read_pending;
    struct kr_recset *set;      /* the current batch's, a reference */
    int32_t set_used;
    /* read_committed: producers inside an aborted transaction */
    int64_t aborting[KR_MAX_ABORTING];
    int32_t abort_cnt;
    int32_t abort_next;         /* next chunk->aborted entry to open */
};

/* Per broker: the fetch session (KIP-227) and whether a fetch is out. */
struct kr_fsess {
    int32_t broker;
    bool inflight;
    int32_t session_id;         /* 0: none (the next fetch is a full one) */
    int32_t epoch;              /* next request's SessionEpoch */
    /* The partitions the session holds, as last sent. */
    struct kr_fsess_part {
        struct kr_toppar *tp;   /* owned reference */
        int64_t offset;
        uint8_t topic_id[16];
    } *parts;
    int32_t part_cnt;
};

/* The consumer's metrics (docs/METRICS.md); NULLs with metrics off. */
struct kr_consumer_metrics {
    /* Poll thread only (kr_counter_add_owned). */
    struct kr_counter *records_received, *bytes_received;
    struct kr_counter *polls, *empty_polls;
    struct kr_latency *poll_latency;
    /* Any thread. */
    struct kr_counter *fetches, *commits, *commit_failures, *errors;
    struct kr_counter *rebalances;
    struct kr_latency *fetch_latency, *commit_latency, *rebalance_duration;
    /* Set by the refresh hook at export. */
    struct kr_gauge *assigned_partitions, *paused_partitions;
    struct kr_gauge *buffered_records, *buffered_bytes, *lag_max;
};

struct krafka_consumer {
    struct kr_client *c;        /* owned */
    struct kr_consumer_metrics m;
    struct krafka_conf *conf;   /* borrowed: c->conf */
    pthread_mutex_t lock;
    pthread_cond_t cond;        /* queue became non-empty */
    /* Guarded by lock. */
    struct kr_toppar *tps;      /* the assignment */
    struct kr_qitem *qhead, *qtail;
    size_t q_bytes;             /* chunk bytes queued */
    size_t q_records;           /* their records (metrics) */
    size_t q_cap;               /* queued.max.messages.kbytes */
    size_t fetch_reserved;      /* MaxBytes of the fetches in flight */
    bool fetch_blocked;         /* the fetcher waits for room */
    bool want_md;               /* a metadata refresh, once unlocked */
    /* Compare the partitions' topic ids with the metadata's on the next
     * fetcher run: set when metadata came, or a fetch learnt an id. */
    bool ids_check;
    struct kr_req *outbox;      /* requests to send, once unlocked */
    bool closing, closed;
    int64_t last_poll_us;
    /* I/O thread only. */
    struct kr_fsess *sess;      /* owned array */
    int32_t sess_cnt, sess_cap;
    struct kr_timer fetch_timer; /* backoffs */
    struct kr_timer commit_timer; /* auto commit */
    struct kr_cgrp *cg;         /* owned; NULL without group.id */
    /* Application (poll) thread. */
    struct kr_parse parse;
    _Atomic uint64_t polls;     /* poll calls (max.poll.interval.ms) */
    atomic_bool poll_expired;   /* left the group for not polling */
};

/* ---- consumer.c ---- */
/* Thread: any. Appends @it to the queue and wakes poll. Lock held. */
void kr_cons_enqueue_locked(struct krafka_consumer *k, struct kr_qitem *it);
void kr_cons_enqueue(struct krafka_consumer *k, struct kr_qitem *it);
void kr_qitem_free(struct kr_qitem *it);
/* Unlinks the queue's first item (NULL when empty). Lock held. */
struct kr_qitem *kr_cons_pop_locked(struct krafka_consumer *k);
/* Waits on the queue's condition until @until_us (monotonic, kr_now_us;
 * INT64_MAX: no limit) or a signal. Lock held. */
void kr_cons_wait_locked(struct krafka_consumer *k, int64_t until_us);
/* Drops a reference to a record set (any thread). */
void kr_recset_release(struct kr_recset *s);
/* An event record (error or EOF) for @tp (NULL: none). */
struct kr_qitem *kr_cons_event(struct kr_toppar *tp, krafka_err_t err,
                               int64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The table entry for @topic/@partition, or NULL. Lock held. */
struct kr_toppar *kr_cons_find_locked(struct krafka_consumer *k,
                                      const char *topic, int32_t partition);
/* Adds (or re-positions) @topic/@partition at @offset; removes. Lock
 * held. */
struct kr_toppar *kr_cons_add_locked(struct krafka_consumer *k,
                                     const char *topic, int32_t partition,
                                     int64_t offset, int32_t epoch);
void kr_cons_remove_locked(struct krafka_consumer *k, struct kr_toppar *tp);
/* LOCAL_INVALID_ARG for a list the application got wrong (it may build
 * one by hand): elems NULL with a count, or an element without a topic;
 * else NONE. @l is not NULL. Thread: any. */
krafka_err_t kr_tp_list_check(const krafka_tp_list_t *l);
/* Thread: any. Replaces (how 0), adds (1) or removes (-1) partitions of
 * the assignment. */
krafka_err_t kr_cons_assign(struct krafka_consumer *k,
                            const krafka_tp_list_t *tps, int how);
/* Sets a new fetch position (a seek): bumps the version; the topic id is
 * learnt again by the next answered fetch. Lock held. */
void kr_toppar_seek_locked(struct kr_toppar *tp, int64_t offset,
                           int32_t epoch);

/* ---- kmetrics.c ---- */
/* Registers the metrics and the refresh hook (lag, queue, partitions). */
void kr_consumer_metrics_init(struct krafka_consumer *k);
/* Stops the hook: before the consumer's state goes. */
void kr_consumer_metrics_detach(struct krafka_consumer *k);
/* Registers @tp's lag series. Lock held. */
void kr_consumer_metrics_toppar(struct krafka_consumer *k,
                                struct kr_toppar *tp);

/* ---- poll.c ---- */
void kr_poll_destroy(struct krafka_consumer *k);
/* Serves a rebalance or commit item: runs the application's callback (and
 * applies a rebalance). Thread: the one polling or closing. */
void kr_poll_serve(struct krafka_consumer *k, struct kr_qitem *it);

/* ---- fetcher.c (I/O thread) ---- */
void kr_fetcher_run(struct krafka_consumer *k);
void kr_fetcher_destroy(struct krafka_consumer *k);
void kr_fetcher_init(struct krafka_consumer *k);

/* ---- offsets.c ---- */
/* Sends an OffsetCommit of @offsets for the group (generation and member
 * from the group, or a simple commit without one) and, when done, either
 * wakes a sync waiter or queues a commit event. Thread: any. */
krafka_err_t kr_commit(struct krafka_consumer *k,
                       const krafka_tp_list_t *offsets, bool async,
                       int timeout_ms);
/* The stored (to-commit) offsets of the assignment, or of @only. */
krafka_tp_list_t *kr_cons_stored_offsets(struct krafka_consumer *k,
                                         const krafka_tp_list_t *only);
krafka_err_t kr_offset_fetch(struct krafka_consumer *k,
                             krafka_tp_list_t *tps, int timeout_ms);
krafka_err_t kr_list_offsets(struct krafka_consumer *k,
                             krafka_tp_list_t *tps, int timeout_ms);

#endif
