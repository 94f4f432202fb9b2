/* Sample Fetch messages (every field of the version set, see samples.h).
 * Fields a version lacks hold their schema defaults, which is what decoding
 * gives back, so a test can compare a decoded sample with the original. */
#include "samples.h"

/* Opaque stand-in for a RecordBatch: the codec never looks inside. */
static const uint8_t batch[] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                0x2a, 0xde, 0xad, 0xbe, 0xef};

static struct kr_uuid sample_uuid(uint8_t seed)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(seed + i);
    return u;
}

static void sample_fetch_partition(int16_t v, struct kr_FetchPartition *p,
                                   int32_t i)
{
    kr_fetch_partition_init(p);
    p->Partition = i;
    p->FetchOffset = 5000 + i;
    p->PartitionMaxBytes = 1048576 + i;
    if (v >= 9)
        p->CurrentLeaderEpoch = 11 + i;
    if (v >= 12)
        p->LastFetchedEpoch = 10 + i;
    if (v >= 5)
        p->LogStartOffset = 100 + i;
    if (v >= 17)
        p->ReplicaDirectoryId = sample_uuid((uint8_t)(0x80 + i));
    if (v >= 18)
        p->HighWatermark = 6000 + i;
}

static void sample_fetch_topics(int16_t v, struct kr_FetchRequest *m,
                                struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_FetchTopic *t = &m->Topics[i];
        if (v <= 12)
            t->Topic = kr_str_c(i == 0 ? "orders" : "payments");
        else
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int32_t j = 0; j < 2; j++)
            sample_fetch_partition(v, &t->Partitions[j], 2 * i + j);
    }
}

static void sample_forgotten(int16_t v, struct kr_FetchRequest *m,
                             struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->ForgottenTopicsData, m->ForgottenTopicsDataCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_ForgottenTopic *f = &m->ForgottenTopicsData[i];
        if (v <= 12)
            f->Topic = kr_str_c(i == 0 ? "old-orders" : "old-payments");
        else
            f->TopicId = sample_uuid((uint8_t)(0x50 + 0x10 * i));
        KR_SAMPLE_ARRAY(a, f->Partitions, f->PartitionsCnt, 3);
        for (int32_t j = 0; j < 3; j++)
            f->Partitions[j] = 7 * i + j;
    }
}

void kr_sample_FetchRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_FetchRequest *m = msg;
    kr_fetch_request_init(m);
    if (v >= 12)
        m->ClusterId = kr_str_c("cluster-xyz");
    if (v <= 14)
        m->ReplicaId = 3;
    else
        m->ReplicaState = (struct kr_FetchRequestReplicaState){3, 42};
    m->MaxWaitMs = 500;
    m->MinBytes = 1;
    m->MaxBytes = 52428800;
    m->IsolationLevel = 1; /* read_committed */
    if (v >= 7) {
        m->SessionId = 123456;
        m->SessionEpoch = 9;
        sample_forgotten(v, m, a);
    }
    sample_fetch_topics(v, m, a);
    if (v >= 11)
        m->RackId = kr_str_c("rack-a");
}

static void sample_aborted(struct kr_FetchResponsePartitionData *p,
                           struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, p->AbortedTransactions, p->AbortedTransactionsCnt, 2);
    p->AbortedTransactions[0] =
        (struct kr_FetchResponseAbortedTransaction){4001, 120};
    p->AbortedTransactions[1] =
        (struct kr_FetchResponseAbortedTransaction){4002, 130};
}

/* Partition @i: even ones carry records, aborted transactions and the
 * tagged fields; odd ones keep the nulls and the tag defaults. */
static void sample_partition_data(int16_t v,
                                  struct kr_FetchResponsePartitionData *p,
                                  int32_t i, struct kr_arena *a)
{
    bool full = i % 2 == 0;
    p->PartitionIndex = i;
    p->ErrorCode = (int16_t)(full ? 0 : 6); /* NOT_LEADER_OR_FOLLOWER */
    p->HighWatermark = 200 + i;
    p->LastStableOffset = 190 + i;
    p->LogStartOffset = v >= 5 ? 10 + i : -1;
    p->DivergingEpoch = (struct kr_FetchResponseEpochEndOffset){-1, -1};
    p->CurrentLeader = (struct kr_FetchResponseLeaderIdAndEpoch){-1, -1};
    p->SnapshotId = (struct kr_FetchResponseSnapshotId){-1, -1};
    if (v >= 12 && full) {
        p->DivergingEpoch = (struct kr_FetchResponseEpochEndOffset){5, 180};
        p->CurrentLeader = (struct kr_FetchResponseLeaderIdAndEpoch){2, 6};
        p->SnapshotId = (struct kr_FetchResponseSnapshotId){150, 4};
    }
    p->AbortedTransactionsCnt = -1; /* null */
    if (full)
        sample_aborted(p, a);
    p->PreferredReadReplica = v >= 11 ? 2 : -1;
    p->Records = full ? (struct kr_bytes){batch, sizeof batch}
                      : (struct kr_bytes){NULL, -1};
}

static void sample_node_endpoints(struct kr_FetchResponse *m,
                                  struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->NodeEndpoints, m->NodeEndpointsCnt, 2);
    m->NodeEndpoints[0] = (struct kr_NodeEndpoint){
        2, kr_str_c("broker-2.example"), 9092, kr_str_c("rack-b")};
    m->NodeEndpoints[1] = (struct kr_NodeEndpoint){
        3, kr_str_c("broker-3.example"), 9093, kr_str_c(NULL)};
}

void kr_sample_FetchResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_FetchResponse *m = msg;
    m->ThrottleTimeMs = 75;
    if (v >= 7) {
        m->ErrorCode = 70; /* FETCH_SESSION_ID_NOT_FOUND */
        m->SessionId = 123456;
    }
    KR_SAMPLE_ARRAY(a, m->Responses, m->ResponsesCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_FetchableTopicResponse *t = &m->Responses[i];
        if (v <= 12)
            t->Topic = kr_str_c(i == 0 ? "orders" : "payments");
        else
            t->TopicId = sample_uuid((uint8_t)(0x10 * (i + 1)));
        KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
        for (int32_t j = 0; j < 2; j++)
            sample_partition_data(v, &t->Partitions[j], 2 * i + j, a);
    }
    if (v >= 16)
        sample_node_endpoints(m, a);
}
