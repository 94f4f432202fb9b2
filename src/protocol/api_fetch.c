/* Fetch (key 1), versions 4-18 (KIP-896 baseline 4), flexible from 12. */
#include "protocol/api_fetch.h"

/* Topic (v0-12) or TopicId (v13+), then the Partitions array. */
static size_t topic_min(const struct kr_io *io)
{
    return (io->v <= 12 ? kr_io_str_min(io) : 16) + kr_io_array_min(io) +
           kr_io_tags_min(io);
}

static void topic_key_io(struct kr_io *io, struct kr_str *name,
                         struct kr_uuid *id)
{
    if (io->v <= 12)
        kr_io_str(io, name, false);
    else
        kr_io_uuid(io, id);
}

/* ---- request ---- */

/* Tag 0 ReplicaDirectoryId (v17+), tag 1 HighWatermark (v18+). */
static bool partition_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    static const struct kr_uuid zero;
    struct kr_FetchPartition *p = obj;
    bool rd = kr_io_reading(io);
    if (tag == 0 && io->v >= 17) {
        if (!rd && !memcmp(&p->ReplicaDirectoryId, &zero, sizeof zero))
            return false;
        kr_io_uuid(io, &p->ReplicaDirectoryId);
        return true;
    }
    if (tag == 1 && io->v >= 18) {
        if (!rd && p->HighWatermark == INT64_MAX)
            return false;
        kr_io_i64(io, &p->HighWatermark);
        return true;
    }
    return false;
}

static void partition_io(struct kr_io *io, struct kr_FetchPartition *p)
{
    bool rd = kr_io_reading(io);
    kr_io_i32(io, &p->Partition);
    if (io->v >= 9)
        kr_io_i32(io, &p->CurrentLeaderEpoch);
    else if (rd)
        p->CurrentLeaderEpoch = -1;
    kr_io_i64(io, &p->FetchOffset);
    if (io->v >= 12)
        kr_io_i32(io, &p->LastFetchedEpoch);
    else if (rd)
        p->LastFetchedEpoch = -1;
    if (io->v >= 5)
        kr_io_i64(io, &p->LogStartOffset);
    else if (rd)
        p->LogStartOffset = -1;
    kr_io_i32(io, &p->PartitionMaxBytes);
    if (rd) /* an absent tag means the default */
        p->HighWatermark = INT64_MAX;
    kr_io_tags(io, partition_tag_io, p);
}

static size_t partition_min(const struct kr_io *io)
{
    size_t min = 4 + 8 + 4 + kr_io_tags_min(io);
    if (io->v >= 9)
        min += 4;
    if (io->v >= 12)
        min += 4;
    if (io->v >= 5)
        min += 8;
    return min;
}

static void topic_io(struct kr_io *io, struct kr_FetchTopic *t)
{
    topic_key_io(io, &t->Topic, &t->TopicId);
    int32_t n = KR_IO_ARRAY_MIN(io, t->Partitions, t->PartitionsCnt, false,
                                partition_min(io));
    for (int32_t i = 0; i < n; i++)
        partition_io(io, &t->Partitions[i]);
    kr_io_tags(io, NULL, t);
}

static void forgotten_io(struct kr_io *io, struct kr_ForgottenTopic *f)
{
    topic_key_io(io, &f->Topic, &f->TopicId);
    int32_t n = kr_io_array(io, (void **)&f->Partitions, &f->PartitionsCnt,
                            sizeof *f->Partitions, 4, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_i32(io, &f->Partitions[i]);
    kr_io_tags(io, NULL, f);
}

static void replica_state_io(struct kr_io *io,
                             struct kr_FetchRequestReplicaState *s)
{
    kr_io_i32(io, &s->ReplicaId);
    kr_io_i64(io, &s->ReplicaEpoch);
    kr_io_tags(io, NULL, s);
}

/* Tag 0 ClusterId (v12+), tag 1 ReplicaState (v15+). */
static bool request_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_FetchRequest *m = obj;
    bool rd = kr_io_reading(io);
    if (tag == 0) {
        if (!rd && m->ClusterId.len < 0)
            return false;
        kr_io_str(io, &m->ClusterId, true);
        return true;
    }
    if (tag == 1 && io->v >= 15) {
        if (!rd && m->ReplicaState.ReplicaId == -1 &&
            m->ReplicaState.ReplicaEpoch == -1)
            return false;
        replica_state_io(io, &m->ReplicaState);
        return true;
    }
    return false;
}

/* Topics, then ForgottenTopicsData (v7+). */
static void request_topics_io(struct kr_io *io, struct kr_FetchRequest *m)
{
    int32_t n = KR_IO_ARRAY_MIN(io, m->Topics, m->TopicsCnt, false,
                                topic_min(io));
    for (int32_t i = 0; i < n; i++)
        topic_io(io, &m->Topics[i]);
    if (io->v < 7)
        return;
    n = KR_IO_ARRAY_MIN(io, m->ForgottenTopicsData, m->ForgottenTopicsDataCnt,
                        false, topic_min(io));
    for (int32_t i = 0; i < n; i++)
        forgotten_io(io, &m->ForgottenTopicsData[i]);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_FetchRequest *m = msg;
    bool rd = kr_io_reading(io);
    if (io->v <= 14)
        kr_io_i32(io, &m->ReplicaId);
    else if (rd)
        m->ReplicaId = -1;
    kr_io_i32(io, &m->MaxWaitMs);
    kr_io_i32(io, &m->MinBytes);
    kr_io_i32(io, &m->MaxBytes);      /* v3+: always at v4+ */
    kr_io_i8(io, &m->IsolationLevel); /* v4+ */
    if (io->v >= 7) {
        kr_io_i32(io, &m->SessionId);
        kr_io_i32(io, &m->SessionEpoch);
    } else if (rd) {
        m->SessionEpoch = -1;
    }
    request_topics_io(io, m);
    if (io->v >= 11)
        kr_io_str(io, &m->RackId, false);
    else if (rd)
        m->RackId = (struct kr_str){"", 0};
    if (rd) { /* absent tags mean the defaults */
        m->ClusterId = (struct kr_str){NULL, -1};
        m->ReplicaState = (struct kr_FetchRequestReplicaState){-1, -1};
    }
    kr_io_tags(io, request_tag_io, m);
}

/* ---- response ---- */

static void diverging_epoch_io(struct kr_io *io,
                               struct kr_FetchResponseEpochEndOffset *e)
{
    kr_io_i32(io, &e->Epoch);
    kr_io_i64(io, &e->EndOffset);
    kr_io_tags(io, NULL, e);
}

static void leader_io(struct kr_io *io,
                      struct kr_FetchResponseLeaderIdAndEpoch *l)
{
    kr_io_i32(io, &l->LeaderId);
    kr_io_i32(io, &l->LeaderEpoch);
    kr_io_tags(io, NULL, l);
}

static void snapshot_id_io(struct kr_io *io,
                           struct kr_FetchResponseSnapshotId *s)
{
    kr_io_i64(io, &s->EndOffset);
    kr_io_i32(io, &s->Epoch);
    kr_io_tags(io, NULL, s);
}

/* Tags 0 DivergingEpoch, 1 CurrentLeader, 2 SnapshotId (all v12+). In write
 * mode a struct equal to its default {-1, -1} is not sent. */
static bool partition_data_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_FetchResponsePartitionData *p = obj;
    bool rd = kr_io_reading(io);
    if (tag == 0 && (rd || p->DivergingEpoch.Epoch != -1 ||
                     p->DivergingEpoch.EndOffset != -1)) {
        diverging_epoch_io(io, &p->DivergingEpoch);
        return true;
    }
    if (tag == 1 && (rd || p->CurrentLeader.LeaderId != -1 ||
                     p->CurrentLeader.LeaderEpoch != -1)) {
        leader_io(io, &p->CurrentLeader);
        return true;
    }
    if (tag == 2 && (rd || p->SnapshotId.EndOffset != -1 ||
                     p->SnapshotId.Epoch != -1)) {
        snapshot_id_io(io, &p->SnapshotId);
        return true;
    }
    return false;
}

static void aborted_io(struct kr_io *io,
                       struct kr_FetchResponseAbortedTransaction *a)
{
    kr_io_i64(io, &a->ProducerId);
    kr_io_i64(io, &a->FirstOffset);
    kr_io_tags(io, NULL, a);
}

static void partition_data_defaults(struct kr_FetchResponsePartitionData *p)
{
    p->DivergingEpoch = (struct kr_FetchResponseEpochEndOffset){-1, -1};
    p->CurrentLeader = (struct kr_FetchResponseLeaderIdAndEpoch){-1, -1};
    p->SnapshotId = (struct kr_FetchResponseSnapshotId){-1, -1};
    p->PreferredReadReplica = -1;
}

static void partition_data_io(struct kr_io *io,
                              struct kr_FetchResponsePartitionData *p)
{
    bool rd = kr_io_reading(io);
    if (rd) /* absent tags and pre-v11 PreferredReadReplica */
        partition_data_defaults(p);
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_i64(io, &p->HighWatermark);
    kr_io_i64(io, &p->LastStableOffset); /* v4+ */
    if (io->v >= 5)
        kr_io_i64(io, &p->LogStartOffset);
    else if (rd)
        p->LogStartOffset = -1;
    int32_t n = KR_IO_ARRAY_MIN(io, p->AbortedTransactions,
                                p->AbortedTransactionsCnt, true,
                                16 + kr_io_tags_min(io));
    for (int32_t i = 0; i < n; i++)
        aborted_io(io, &p->AbortedTransactions[i]);
    if (io->v >= 11)
        kr_io_i32(io, &p->PreferredReadReplica);
    kr_io_bytes(io, &p->Records, true); /* a view: zero copy */
    kr_io_tags(io, partition_data_tag_io, p);
}

static size_t partition_data_min(const struct kr_io *io)
{
    /* the fixed fields, AbortedTransactions, Records, tags */
    size_t min = 4 + 2 + 8 + 8 + kr_io_array_min(io) + kr_io_bytes_min(io) +
                 kr_io_tags_min(io);
    if (io->v >= 5)
        min += 8;
    if (io->v >= 11)
        min += 4;
    return min;
}

static void topic_response_io(struct kr_io *io,
                              struct kr_FetchableTopicResponse *t)
{
    topic_key_io(io, &t->Topic, &t->TopicId);
    int32_t n = KR_IO_ARRAY_MIN(io, t->Partitions, t->PartitionsCnt, false,
                                partition_data_min(io));
    for (int32_t i = 0; i < n; i++)
        partition_data_io(io, &t->Partitions[i]);
    kr_io_tags(io, NULL, t);
}

/* Tag 0 NodeEndpoints (v16+). */
static bool response_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_FetchResponse *m = obj;
    if (tag != 0 || io->v < 16)
        return false;
    return kr_node_endpoints_io(io, &m->NodeEndpointsCnt, &m->NodeEndpoints);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_FetchResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs); /* v1+ */
    if (io->v >= 7) {
        kr_io_i16(io, &m->ErrorCode);
        kr_io_i32(io, &m->SessionId);
    }
    int32_t n = KR_IO_ARRAY_MIN(io, m->Responses, m->ResponsesCnt, false,
                                topic_min(io));
    for (int32_t i = 0; i < n; i++)
        topic_response_io(io, &m->Responses[i]);
    kr_io_tags(io, response_tag_io, m);
}

const struct kr_api kr_api_Fetch = {
    .key = KR_API_Fetch,
    .name = "Fetch",
    .min_ver = 4,
    .max_ver = 18,
    .flex_ver = 12,
    .req_size = sizeof(struct kr_FetchRequest),
    .resp_size = sizeof(struct kr_FetchResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
