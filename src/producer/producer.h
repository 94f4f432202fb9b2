/*
 * The producer's internals.
 *
 *   krafka_producer_send (any thread)
 *     -> topic (metadata known: partition now; else parked in pending)
 *     -> partitioner -> kr_accum_append: encoded straight into the
 *        partition's open RecordBatch under the partition's lock
 *     -> a full batch is closed (compressed) and the I/O thread woken once
 *   sender (I/O thread): closes lingering batches, drains ready batches per
 *     leader into ProduceRequests, handles answers: delivery reports,
 *     retries with backoff, idempotent sequence numbers (KIP-98)
 *   delivery reports queue -> krafka_producer_poll (application thread)
 *
 * Locks: kr_ppart.lock, kr_producer.topics_lock, kr_drq.lock are leaves
 * except that topics_lock may be held while taking a kr_ppart.lock.
 */
#ifndef KR_PRODUCER_PRODUCER_H
#define KR_PRODUCER_PRODUCER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "krafka/producer.h"
#include "producer/partitioner.h"
#include "protocol/record_batch.h"
#include "util/lock.h"
#include "util/time.h"

#define KR_BUF_POOL_MAX 16

struct kr_sync;     /* a send_sync() waiter */
struct produce_req; /* a ProduceRequest in flight (sender.c) */

/* A record's bookkeeping in its batch. */
struct kr_pmsg {
    void *opaque;         /* the application's, borrowed */
    int64_t timestamp;    /* ms, CreateTime */
    int64_t enq_us;       /* when send() queued it */
    uint32_t size;        /* accounted bytes */
    uint32_t kv_bytes;    /* key + value bytes (bytes_sent metric) */
    struct kr_sync *sync; /* owned reference, or NULL */
};

struct kr_ppart;

/* A RecordBatch and its records' bookkeeping. */
struct kr_pbatch {
    struct kr_pbatch *next;  /* in a partition's ready queue */
    struct kr_ppart *part;   /* borrowed */
    struct kr_buf buf;       /* owned: the encoded batch */
    struct kr_pmsg *msgs;    /* owned */
    int32_t cnt, cap;
    bool syncs;              /* a record has a send_sync() waiter */
    int64_t first_us;        /* first record appended (linger) */
    int64_t deadline_us;     /* oldest record + message.timeout.ms */
    uint64_t order;          /* the partition's batches, in close order */
    int32_t base_seq;        /* -1 until first sent (idempotence) */
    int64_t pid;             /* producer id it was stamped with */
    int16_t epoch;           /* producer epoch it was sent with */
    int attempts;            /* sends so far */
    int64_t retry_at_us;     /* not before (retry backoff) */
    bool purged;             /* reported already; ignore its answer */
    krafka_err_t encode_err; /* could not be finished: fail, don't send */
    /* owned: its report entry, reserved when the batch opens so that the
     * report never waits on an allocation; NULL once reported */
    struct kr_dr *dr;
};

struct kr_ptopic;

struct kr_ppart {
    struct kr_lock lock;         /* util/lock.h: taken once per record */
    struct kr_ptopic *topic;     /* borrowed: the owner */
    int32_t id;
    /* Guarded by lock. */
    struct kr_pbatch *open;      /* being filled, or NULL */
    struct kr_batch_writer w;    /* writes the open batch */
    struct kr_pbatch *ready, *ready_tail; /* closed, to send, in order */
    uint64_t closed;             /* batches closed so far (their order) */
    /* I/O thread only. */
    int inflight;                /* batches sent, not answered */
    int32_t next_seq;            /* idempotence: next BaseSequence */
    bool retrying;               /* a batch waits for its retry */
    bool acked;                  /* a batch of this producer id was acked */
};

/* A record that waits for its topic's metadata (copied). */
struct kr_pending {
    struct kr_pending *next;
    int32_t partition;           /* or KRAFKA_PARTITION_ANY */
    int64_t timestamp;
    int64_t enq_us;
    void *opaque;
    struct kr_sync *sync;
    uint8_t *key;                /* NULL: null; points into data */
    size_t key_len;
    uint8_t *value;
    size_t value_len;
    struct kr_record_header *hdrs; /* into data */
    size_t hdr_cnt;
    uint32_t size;
    struct kr_dr *dr;            /* owned: its report, reserved up front */
    struct kr_pmsg *dr_msg;      /* owned: the report's record */
    /* headers first (struct kr_record_header[]), then the bytes */
    _Alignas(max_align_t) uint8_t data[];
};

#define KR_PCHUNK0 16
#define KR_PCHUNKS 24 /* room for 16 * (2^24 - 1) partitions */

struct kr_ptopic {
    struct krafka_producer *p;   /* borrowed: the owner */
    char *name;                  /* owned */
    atomic_int partition_cnt;    /* -1 until the metadata is known */
    /* The partitions, in chunks that never move (a topic can grow while
     * other threads use its partitions): chunk k holds KR_PCHUNK0 << k
     * partitions, allocated when partition_cnt first reaches it; see
     * kr_ptopic_part(). Written under lock before partition_cnt grows. */
    struct kr_ppart *chunks[KR_PCHUNKS];
    pthread_mutex_t lock;        /* guards pending */
    struct kr_pending *pending, *pending_tail;
    /* Set (under lock) once the partitions are known and nothing is
     * parked: only then may send() place records itself; until then they
     * queue behind the parked ones, which keeps their order. */
    atomic_bool direct;
    int64_t first_seen_us;
    struct kr_sticky sticky;     /* keyless records' partition (KIP-480) */
};

/* Partition @i (< the partition_cnt the caller loaded) of @t. */
static inline struct kr_ppart *kr_ptopic_part(struct kr_ptopic *t, int32_t i)
{
    uint32_t q = (uint32_t)i / KR_PCHUNK0 + 1;
    int k = 31 - __builtin_clz(q);
    return &t->chunks[k][(uint32_t)i - KR_PCHUNK0 * ((1u << k) - 1)];
}

/* One report batch: the outcome of a whole RecordBatch (or one record). */
struct kr_dr {
    struct kr_dr *next;
    struct kr_ptopic *topic;     /* borrowed */
    int32_t partition;
    int64_t base_offset;         /* -1: none */
    int64_t log_append_time;     /* -1: CreateTime */
    krafka_err_t err;
    char *errstr;                /* owned, or NULL */
    struct kr_pmsg *msgs;        /* owned */
    int32_t cnt;
    int64_t ack_us;
};

/* The producer's metrics (docs/METRICS.md); NULLs with metrics off. */
struct kr_producer_metrics {
    struct kr_counter *records_sent, *bytes_sent, *batches_sent;
    struct kr_counter *errors, *retries, *records_dropped, *records_expired;
    struct kr_gauge *buffered_records, *buffered_bytes; /* by refresh */
    struct kr_latency *batch_records, *batch_bytes; /* histograms */
    struct kr_latency *compression_ratio, *request_records;
    struct kr_latency *send_latency, *queue_time, *throttle_time;
};

struct krafka_producer {
    struct kr_client *c;             /* owned */
    struct kr_producer_metrics m;
    const struct krafka_conf *conf;  /* = c->conf */
    struct kr_partitioner partitioner;

    pthread_rwlock_t topics_lock;    /* guards the topics array */
    struct kr_ptopic **topics;       /* owned */
    size_t topic_cnt, topic_cap;
    /* The topic send() found last: checked before topics_lock is taken.
     * Topics live until the producer is destroyed, so the pointer stays
     * valid without the lock. */
    _Atomic(struct kr_ptopic *) last_topic;

    /* Memory bound (queue.buffering.max.*): records and bytes from send()
     * until their report is served. When queue.buffering.max.messages is
     * at most KR_Q_PACKED_MAX, both live in q_word (bytes in the low
     * KR_Q_BYTE_BITS bits, records above), so send() reserves them with
     * one atomic add; otherwise q_word counts records and q_bytes bytes. */
    atomic_uint_fast64_t q_word;
    atomic_int_fast64_t q_bytes;
    bool q_packed;
    pthread_mutex_t room_lock;       /* max.block.ms waiters */
    pthread_cond_t room_cond;

    /* Delivery reports, served by poll. */
    pthread_mutex_t dr_lock;
    pthread_cond_t dr_cond;
    struct kr_dr *dr_head, *dr_tail;

    atomic_int flushing;             /* flush() calls in progress */
    /* Wall clock minus monotonic clock, refreshed by the sender each
     * second: a record's CreateTime costs no second clock read. */
    atomic_int_fast64_t wall_offset_us;
    /* send()'s clock (enqueue times): the TSC where the kernel uses it,
     * fitted by the sender's passes (util/time.h). */
    struct kr_fastclock clock;
    int64_t wall_offset_at_us;       /* I/O thread: last refresh */
    atomic_int_fast64_t wake_at_us;  /* sender timer asked by senders */
    /* A send found the queue full, and no record has left it since:
     * memory is short, so open batches go without waiting for linger.ms
     * (set by send, cleared when records are released). */
    atomic_bool room_short;

    /* I/O thread only. */
    struct kr_timer sender_timer;
    int64_t producer_id;             /* -1 until InitProducerId */
    int16_t producer_epoch;
    bool pid_inflight;
    int64_t pid_retry_us;
    struct produce_req *reqs;        /* ProduceRequests in flight */
    bool sender_running;             /* in sender_run() (reentrancy) */
    bool sender_again;               /* a nested run was asked for */

    /* Buffers of delivered batches, reused by new ones: no page faults
     * and no growth copies on the hot path. */
    pthread_mutex_t pool_lock;
    struct kr_buf pool[KR_BUF_POOL_MAX];
    int pool_cnt;
};

/* accum.c (any thread unless noted) */
void kr_ppart_init(struct kr_ppart *pp, struct kr_ptopic *t, int32_t id);
void kr_ppart_destroy(struct kr_ppart *pp);
/* Appends a record; returns NONE or an error (nothing was queued). Sets
 * *@ready when a batch became ready to send. */
krafka_err_t kr_accum_append(struct krafka_producer *p, struct kr_ppart *pp,
                             const struct kr_pmsg *m, const void *key,
                             size_t key_len, const void *value,
                             size_t value_len,
                             const struct kr_record_header *hdrs,
                             size_t hdr_cnt, bool *ready);
/* Under pp->lock: closes (compresses) the open batch into the ready
 * queue. */
void kr_accum_close(struct krafka_producer *p, struct kr_ppart *pp);
void kr_pbatch_free(struct kr_pbatch *b);

/* dr.c */
/* Thread: io (or destroy). Reports every record of @msgs[0..cnt) with one
 * outcome, in the entry @dr (from kr_dr_new(): reserved before the records
 * were accepted, so a report never depends on an allocation); takes
 * ownership of @dr and @msgs. @syncs: some record has a send_sync()
 * waiter (else the records need no look before poll). */
void kr_dr_batch(struct krafka_producer *p, struct kr_dr *dr,
                 struct kr_ptopic *t,
                 int32_t partition, struct kr_pmsg *msgs, int32_t cnt,
                 bool syncs,
                 int64_t base_offset, int64_t log_append_time,
                 krafka_err_t err, const char *errstr);
/* Reports batch @b's records with one outcome: takes its records and its
 * report entry, leaving @b empty (still the caller's). */
void kr_dr_take_batch(struct krafka_producer *p, struct kr_pbatch *b,
                      int64_t base_offset, int64_t log_append_time,
                      krafka_err_t err, const char *errstr);
/* Fails a whole batch (takes its records; frees the batch). */
void kr_dr_fail_batch(struct krafka_producer *p, struct kr_pbatch *b,
                      krafka_err_t err, const char *errstr);
/* An empty report entry, or NULL without memory; kr_dr_free() frees one
 * that was not used. Thread: any. */
struct kr_dr *kr_dr_new(void);
void kr_dr_free(struct kr_dr *dr);
int kr_dr_serve(struct krafka_producer *p, int timeout_ms);
void kr_sync_release(struct kr_sync *s);

struct kr_sync {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    atomic_int refs;
    bool done;
    krafka_delivery_t result;
};

/* sender.c (I/O thread) */
void kr_sender_wake(struct kr_client *c, void *arg);     /* on_wake hook */
void kr_sender_metadata(struct kr_client *c, void *arg); /* on_metadata */
void kr_sender_init(struct krafka_producer *p);
/* Any thread: makes the sender run by @at_us (linger). */
void kr_sender_want(struct krafka_producer *p, int64_t at_us);
/* The queue is full: wakes the sender (once, until records leave the
 * queue) to send the open batches now instead of after linger.ms.
 * Thread: any. */
void kr_sender_room_short(struct krafka_producer *p);
/* Thread: io. Fails queued (and with @inflight, in-flight) batches. */
void kr_sender_purge(struct krafka_producer *p, bool queued, bool inflight);
/* Thread: io. Fails every queued (not in flight) batch with @err. */
void kr_sender_fail_queued(struct krafka_producer *p, krafka_err_t err,
                           const char *errstr);
/* Thread: io. The client's on_fatal hook. */
void kr_sender_fatal(struct kr_client *c, krafka_err_t err,
                     const char *errstr, void *arg);

/* producer.c */
/* Thread: io. Learns @t's partitions from the cache and moves the records
 * parked for it into partitions, or fails those past message.timeout.ms;
 * without memory to place one, it and those behind it stay parked.
 * Returns when it must run again for them (INT64_MAX: never). */
int64_t kr_producer_unpark(struct krafka_producer *p, struct kr_ptopic *t);
/* Thread: io. Fails every parked record (purge, destroy). */
void kr_producer_purge_parked(struct krafka_producer *p);
/* Thread: io; topics_lock held. Fails every parked record with @err. */
void kr_producer_fail_parked(struct krafka_producer *p, krafka_err_t err,
                             const char *errstr);
/* Recomputes wall_offset_us. Thread: any. */
void kr_producer_wall_sync(struct krafka_producer *p);
/* pmetrics.c: registers the metrics and the refresh hook; detach stops
 * the hook (before the producer is freed). */
void kr_producer_metrics_init(struct krafka_producer *p);
void kr_producer_metrics_detach(struct krafka_producer *p);

/* Releases the accounting of @n records of @bytes bytes. */
void kr_producer_release(struct krafka_producer *p, int64_t n, int64_t bytes);

/* The packed queue accounting word (see krafka_producer.q_word): bytes
 * get 42 bits (queue.buffering.max.kbytes is at most 2^31 KiB = 2^41
 * bytes, plus room for racing reservations of records of at most
 * message.max.bytes each), records the top 22. A bound of 2^21 records
 * leaves as many again for reservations racing past it. */
#define KR_Q_BYTE_BITS 42
#define KR_Q_PACKED_MAX (1 << 21)

/* A packed word's records; its bytes into *@bytes. */
static inline int64_t kr_q_unpack(uint64_t w, int64_t *bytes)
{
    *bytes = (int64_t)(w & ((UINT64_C(1) << KR_Q_BYTE_BITS) - 1));
    return (int64_t)(w >> KR_Q_BYTE_BITS);
}

/* Records and bytes queued (send() until the report is served). */
static inline int64_t kr_producer_queued(struct krafka_producer *p,
                                         int64_t *bytes)
{
    int64_t b = 0;
    uint64_t w = atomic_load_explicit(&p->q_word, memory_order_relaxed);
    int64_t n = p->q_packed ? kr_q_unpack(w, &b) : (int64_t)w;
    if (bytes)
        *bytes = p->q_packed ? b
                             : atomic_load_explicit(&p->q_bytes,
                                                    memory_order_relaxed);
    return n;
}

#endif
