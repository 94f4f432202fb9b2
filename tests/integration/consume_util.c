/* Reading a topic-partition back with Fetch (see consume_util.h). */
#include "consume_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conformance.h"
#include "protocol/record_batch.h"

#define KU_PART_MAX_BYTES (8 << 20)
#define KU_FETCH_WAIT_MS 200

/* A connection to the leader of one partition. */
struct ku_leader {
    struct kt_conn conn; /* owned; open when .open */
    bool open;
    struct kt_range ranges[KT_MAX_KEY];
    struct kr_uuid topic_id;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void leader_close(struct ku_leader *l)
{
    if (l->open)
        kt_close(&l->conn);
    l->open = false;
}

/* Connects to the first broker of the comma-separated @bootstrap that
 * answers. */
static bool connect_any(struct kt_conn *c, const char *bootstrap)
{
    const char *p = bootstrap;
    while (p && *p) {
        krafka_err_t err = kt_connect(c, p); /* the first address of p */
        if (err == KRAFKA_ERR_NONE)
            return true;
        if (err == KRAFKA_ERR_LOCAL_TRANSPORT) /* c was set up */
            kt_close(c);
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return false;
}

/* The leader of @partition and its address from a Metadata answer;
 * false when there is none yet. */
static bool leader_address(const struct kr_MetadataResponse *md,
                           int32_t partition, char *addr, size_t n,
                           struct kr_uuid *topic_id)
{
    if (md->TopicsCnt != 1 || md->Topics[0].ErrorCode != 0)
        return false;
    const struct kr_MetadataResponseTopic *t = &md->Topics[0];
    int32_t leader = -1;
    for (int32_t i = 0; i < t->PartitionsCnt; i++)
        if (t->Partitions[i].PartitionIndex == partition &&
            t->Partitions[i].ErrorCode == 0)
            leader = t->Partitions[i].LeaderId;
    for (int32_t i = 0; leader >= 0 && i < md->BrokersCnt; i++) {
        const struct kr_MetadataResponseBroker *b = &md->Brokers[i];
        if (b->NodeId != leader)
            continue;
        snprintf(addr, n, "%.*s:%d", (int)b->Host.len, b->Host.ptr,
                 (int)b->Port);
        *topic_id = t->TopicId;
        return true;
    }
    return false;
}

/* Asks any broker of @bootstrap for the leader's address. */
static bool find_leader(const char *bootstrap, const char *topic,
                        int32_t partition, char *addr, size_t n,
                        struct kr_uuid *topic_id)
{
    struct kt_conn c;
    struct kt_range r[KT_MAX_KEY];
    if (!connect_any(&c, bootstrap))
        return false;
    kt_broker_ranges(&c, r);
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_MetadataRequestTopic t = {.Name = kr_str_c(topic)};
    struct kr_MetadataRequest req = {.TopicsCnt = 1, .Topics = &t};
    struct kr_MetadataResponse resp;
    bool ok = kt_call(&c, &kr_api_Metadata, kt_common_max(r, &kr_api_Metadata),
                      &req, &resp, &a) == KRAFKA_ERR_NONE &&
              leader_address(&resp, partition, addr, n, topic_id);
    kr_arena_destroy(&a);
    kt_close(&c);
    return ok;
}

/* (Re)connects @l to the partition's leader, retrying until @deadline. */
static krafka_err_t leader_open(struct ku_leader *l, const char *bootstrap,
                                const char *topic, int32_t partition,
                                int64_t deadline, char *errstr, size_t n)
{
    char addr[300];
    leader_close(l);
    while (now_ms() < deadline) {
        if (find_leader(bootstrap, topic, partition, addr, sizeof addr,
                        &l->topic_id)) {
            krafka_err_t err = kt_connect(&l->conn, addr);
            if (err == KRAFKA_ERR_NONE) {
                l->open = true;
                kt_broker_ranges(&l->conn, l->ranges);
                return KRAFKA_ERR_NONE;
            }
            if (err == KRAFKA_ERR_LOCAL_TRANSPORT) /* conn was set up */
                kt_close(&l->conn);
        }
        usleep(200 * 1000);
    }
    snprintf(errstr, n, "no leader for %s [%d] reachable", topic,
             (int)partition);
    return KRAFKA_ERR_LOCAL_TIMED_OUT;
}

/* ListOffsets latest on the leader: the high watermark, or -1. */
static int64_t leader_hwm(struct ku_leader *l, const char *topic,
                          int32_t partition, krafka_err_t *err)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_ListOffsetsPartition p = {partition, -1, -1};
    struct kr_ListOffsetsTopic t = {kr_str_c(topic), 1, &p};
    struct kr_ListOffsetsRequest req = {.ReplicaId = -1, .TopicsCnt = 1,
                                        .Topics = &t, .TimeoutMs = 5000};
    struct kr_ListOffsetsResponse resp;
    int64_t off = -1;
    *err = kt_call(&l->conn, &kr_api_ListOffsets,
                   kt_common_max(l->ranges, &kr_api_ListOffsets), &req, &resp,
                   &a);
    if (!*err && (resp.TopicsCnt != 1 || resp.Topics[0].PartitionsCnt != 1))
        *err = KRAFKA_ERR_LOCAL_BAD_MSG;
    if (!*err)
        *err = resp.Topics[0].Partitions[0].ErrorCode;
    if (!*err)
        off = resp.Topics[0].Partitions[0].Offset;
    kr_arena_destroy(&a);
    return off;
}

/* Errors after which the leader is looked up again. */
static bool leader_moved(krafka_err_t err)
{
    return err == KRAFKA_ERR_LOCAL_TRANSPORT ||
           err == KRAFKA_ERR_NOT_LEADER_OR_FOLLOWER ||
           err == KRAFKA_ERR_LEADER_NOT_AVAILABLE ||
           err == KRAFKA_ERR_UNKNOWN_LEADER_EPOCH ||
           err == KRAFKA_ERR_FENCED_LEADER_EPOCH ||
           err == KRAFKA_ERR_REPLICA_NOT_AVAILABLE ||
           err == KRAFKA_ERR_OFFSET_NOT_AVAILABLE ||
           err == KRAFKA_ERR_KAFKA_STORAGE_ERROR ||
           err == KRAFKA_ERR_UNKNOWN_TOPIC_ID ||
           err == KRAFKA_ERR_REQUEST_TIMED_OUT;
}

static krafka_err_t hwm_until(struct ku_leader *l, const char *bootstrap,
                              const char *topic, int32_t partition,
                              int64_t deadline, int64_t *hwm, char *errstr,
                              size_t n)
{
    krafka_err_t err = KRAFKA_ERR_LOCAL_TRANSPORT;
    while (leader_moved(err)) {
        err = leader_open(l, bootstrap, topic, partition, deadline, errstr,
                          n);
        if (err)
            return err;
        *hwm = leader_hwm(l, topic, partition, &err);
        if (leader_moved(err) && now_ms() >= deadline)
            break;
    }
    if (err)
        snprintf(errstr, n, "ListOffsets %s [%d]: %s", topic, (int)partition,
                 krafka_err2name(err));
    return err;
}

int64_t ku_high_watermark(const char *bootstrap, const char *topic,
                          int32_t partition, int timeout_ms, char *errstr,
                          size_t errstr_size)
{
    struct ku_leader l = {.open = false};
    int64_t hwm = -1;
    krafka_err_t err = hwm_until(&l, bootstrap, topic, partition,
                                 now_ms() + timeout_ms, &hwm, errstr,
                                 errstr_size);
    leader_close(&l);
    return err ? -1 : hwm;
}

/* ---- storage ---------------------------------------------------- */

static bool grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 1024;
    while (ncap < need)
        ncap *= 2;
    void *np = realloc(*p, ncap * elem);
    if (!np)
        return false;
    *p = np;
    *cap = ncap;
    return true;
}

/* Copies @len bytes (none when @len < 0) to the blob; returns the offset
 * or SIZE_MAX when memory ran out. */
static size_t blob_put(struct ku_records *r, const uint8_t *p, int32_t len)
{
    size_t off = r->blob_len;
    if (len <= 0)
        return off;
    if (!grow((void **)&r->blob, &r->blob_cap, off + (size_t)len, 1))
        return SIZE_MAX;
    memcpy(r->blob + off, p, (size_t)len);
    r->blob_len += (size_t)len;
    return off;
}

static bool copy_headers(struct ku_records *r, const struct kr_record *rec)
{
    struct kr_header_iter it;
    struct kr_header_view h;
    kr_record_headers_begin(rec, &it);
    while (kr_record_headers_next(&it, &h)) {
        if (!grow((void **)&r->hdrs, &r->hdr_cap, r->hdr_cnt + 1,
                  sizeof *r->hdrs))
            return false;
        struct ku_header *kh = &r->hdrs[r->hdr_cnt++];
        *kh = (struct ku_header){.key_len = h.key_len,
                                 .value_len = h.value_len};
        kh->key_off = blob_put(r, h.key, h.key_len);
        kh->value_off = blob_put(r, h.value, h.value_len);
        if (kh->key_off == SIZE_MAX || kh->value_off == SIZE_MAX)
            return false;
    }
    return true;
}

static bool copy_record(struct ku_records *r, const struct kr_record *rec,
                        int codec)
{
    if (!grow((void **)&r->recs, &r->cap, r->cnt + 1, sizeof *r->recs))
        return false;
    struct ku_record *k = &r->recs[r->cnt];
    *k = (struct ku_record){.offset = rec->offset,
                            .timestamp = rec->timestamp,
                            .codec = codec,
                            .key_len = rec->key_len,
                            .value_len = rec->value_len,
                            .header_cnt = rec->header_cnt,
                            .hdr_first = r->hdr_cnt};
    k->key_off = blob_put(r, rec->key, rec->key_len);
    k->value_off = blob_put(r, rec->value, rec->value_len);
    if (k->key_off == SIZE_MAX || k->value_off == SIZE_MAX ||
        !copy_headers(r, rec))
        return false;
    r->cnt++;
    return true;
}

/* Turns the storage offsets into pointers once nothing grows any more. */
static void fix_pointers(struct ku_records *r)
{
    for (size_t i = 0; i < r->hdr_cnt; i++) {
        struct ku_header *h = &r->hdrs[i];
        h->key = r->blob + h->key_off;
        h->value = h->value_len < 0 ? NULL : r->blob + h->value_off;
    }
    for (size_t i = 0; i < r->cnt; i++) {
        struct ku_record *k = &r->recs[i];
        k->key = k->key_len < 0 ? NULL : r->blob + k->key_off;
        k->value = k->value_len < 0 ? NULL : r->blob + k->value_off;
        k->headers = r->hdrs + k->hdr_first;
    }
}

void ku_records_free(struct ku_records *r)
{
    free(r->recs);
    free(r->blob);
    free(r->hdrs);
    memset(r, 0, sizeof *r);
}

/* ---- fetching --------------------------------------------------- */

/* Copies the records of @blob in [*next, end) and advances *next. */
static krafka_err_t take_records(struct ku_records *out, struct kr_bytes blob,
                                 int64_t *next, int64_t end)
{
    struct kr_batch_reader rd;
    struct kr_batch b;
    struct kr_record rec;
    krafka_err_t err = KRAFKA_ERR_NONE;
    kr_batch_reader_init(&rd);
    kr_batch_reader_reset(&rd, blob.ptr, blob.len > 0 ? (size_t)blob.len : 0);
    while (!err && *next < end && kr_batch_reader_next(&rd, &b)) {
        out->batches++;
        while (!b.is_control && kr_batch_next_record(&b, &rec)) {
            if (rec.offset < *next)
                continue;
            if (rec.offset >= end)
                break;
            if (!copy_record(out, &rec, b.codec)) {
                err = KRAFKA_ERR_LOCAL_NOMEM;
                break;
            }
        }
        if (!err && b.err)
            err = b.err;
        int64_t after = kr_batch_next_offset(&b);
        if (after > *next)
            *next = after < end ? after : end;
    }
    if (!err && rd.err && rd.err != KRAFKA_ERR_LOCAL_PARTIAL)
        err = rd.err;
    kr_batch_reader_free(&rd);
    return err;
}

static void fetch_request(struct kr_FetchRequest *req, struct kr_FetchTopic *t,
                          struct kr_FetchPartition *fp, const char *topic,
                          struct kr_uuid id, int32_t partition, int64_t next)
{
    kr_fetch_partition_init(fp);
    fp->Partition = partition;
    fp->FetchOffset = next;
    fp->PartitionMaxBytes = KU_PART_MAX_BYTES;
    *t = (struct kr_FetchTopic){.Topic = kr_str_c(topic), .TopicId = id,
                                .PartitionsCnt = 1, .Partitions = fp};
    kr_fetch_request_init(req);
    req->MaxWaitMs = KU_FETCH_WAIT_MS;
    req->MinBytes = 1;
    req->MaxBytes = 2 * KU_PART_MAX_BYTES;
    req->TopicsCnt = 1;
    req->Topics = t;
}

/* One Fetch from *next; copies what it got. */
static krafka_err_t fetch_once(struct ku_leader *l, const char *topic,
                               int32_t partition, int64_t *next, int64_t end,
                               struct ku_records *out)
{
    struct kr_FetchRequest req;
    struct kr_FetchTopic t;
    struct kr_FetchPartition fp;
    fetch_request(&req, &t, &fp, topic, l->topic_id, partition, *next);
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_FetchResponse *resp = kr_arena_alloc(&a, sizeof *resp);
    krafka_err_t err =
        resp ? kt_call(&l->conn, &kr_api_Fetch,
                       kt_common_max(l->ranges, &kr_api_Fetch), &req, resp, &a)
             : KRAFKA_ERR_LOCAL_NOMEM;
    if (!err)
        err = resp->ErrorCode;
    if (!err && (resp->ResponsesCnt != 1 ||
                 resp->Responses[0].PartitionsCnt != 1))
        err = KRAFKA_ERR_LOCAL_BAD_MSG;
    if (!err)
        err = resp->Responses[0].Partitions[0].ErrorCode;
    if (!err)
        err = take_records(out, resp->Responses[0].Partitions[0].Records,
                           next, end);
    kr_arena_destroy(&a);
    return err;
}

struct ku_read {
    const char *bootstrap, *topic;
    int32_t partition;
    int64_t end, next, deadline;
    struct ku_leader l;
};

static krafka_err_t read_loop(struct ku_read *s, struct ku_records *out,
                              char *errstr, size_t n)
{
    krafka_err_t err = KRAFKA_ERR_NONE;
    while (s->next < s->end && now_ms() < s->deadline) {
        err = fetch_once(&s->l, s->topic, s->partition, &s->next, s->end,
                         out);
        if (leader_moved(err)) {
            err = leader_open(&s->l, s->bootstrap, s->topic, s->partition,
                              s->deadline, errstr, n);
            if (err)
                return err;
        } else if (err) {
            snprintf(errstr, n, "Fetch %s [%d] at %lld: %s", s->topic,
                     (int)s->partition, (long long)s->next,
                     krafka_err2name(err));
            return err;
        }
    }
    if (s->next >= s->end)
        return KRAFKA_ERR_NONE;
    snprintf(errstr, n, "%s [%d]: read up to offset %lld of %lld in time",
             s->topic, (int)s->partition, (long long)s->next,
             (long long)s->end);
    return KRAFKA_ERR_LOCAL_TIMED_OUT;
}

krafka_err_t ku_read_partition(const char *bootstrap, const char *topic,
                               int32_t partition, int64_t end, int timeout_ms,
                               struct ku_records *out, char *errstr,
                               size_t errstr_size)
{
    struct ku_read s = {.bootstrap = bootstrap, .topic = topic,
                        .partition = partition, .end = end,
                        .deadline = now_ms() + timeout_ms};
    krafka_err_t err = KRAFKA_ERR_NONE;
    errstr[0] = '\0';
    if (s.end < 0)
        err = hwm_until(&s.l, bootstrap, topic, partition, s.deadline,
                        &s.end, errstr, errstr_size);
    else
        err = leader_open(&s.l, bootstrap, topic, partition, s.deadline,
                          errstr, errstr_size);
    if (!err)
        err = read_loop(&s, out, errstr, errstr_size);
    out->end = s.next;
    fix_pointers(out);
    leader_close(&s.l);
    return err;
}
