/* OffsetFetch (key 9), versions 1-10 (KIP-896 floor), flexible from 6.
 * v8+ batches groups (KIP-709); v10 (latestVersionUnstable in Kafka 4.1)
 * names topics by TopicId. */
#include "protocol/api_offsetfetch.h"

/* Smallest wire size of an array element over all versions, checked against
 * the bytes left before the arena allocates (io.h). */
#define REQ_TOPIC_MIN_WIRE 3   /* compact Name, compact indexes, tags */
#define REQ_GROUP_MIN_WIRE 3   /* compact GroupId, compact Topics, tags */
#define RESP_TOPIC_MIN_WIRE 3  /* compact Name, compact Partitions, tags */
#define RESP_GROUP_MIN_WIRE 5  /* compact GroupId and Topics, ErrorCode, tags */
#define RESP_PARTITION_MIN_WIRE 16 /* v1: index, offset, null Metadata, error */
#define PARTITION_INDEX_WIRE 4

static void partition_indexes_io(struct kr_io *io, int32_t **idx,
                                 int32_t *cnt)
{
    int32_t n = kr_io_array(io, (void **)idx, cnt, sizeof **idx,
                            PARTITION_INDEX_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_i32(io, &(*idx)[i]);
}

/* The v0-7 single-group form. */
static void req_topics_v0_io(struct kr_io *io, struct kr_OffsetFetchRequest *m)
{
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, REQ_TOPIC_MIN_WIRE,
                            io->v >= 2);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetFetchRequestTopic *t = &m->Topics[i];
        kr_io_str(io, &t->Name, false);
        partition_indexes_io(io, &t->PartitionIndexes,
                             &t->PartitionIndexesCnt);
        kr_io_tags(io, NULL, t);
    }
}

static void req_group_io(struct kr_io *io,
                         struct kr_OffsetFetchRequestGroup *g)
{
    kr_io_str(io, &g->GroupId, false);
    if (io->v >= 9) {
        kr_io_str(io, &g->MemberId, true);
        kr_io_i32(io, &g->MemberEpoch);
    } else if (kr_io_reading(io)) {
        g->MemberId = (struct kr_str){NULL, -1};
        g->MemberEpoch = -1;
    }
    int32_t n = kr_io_array(io, (void **)&g->Topics, &g->TopicsCnt,
                            sizeof *g->Topics, REQ_TOPIC_MIN_WIRE, true);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetFetchRequestTopics *t = &g->Topics[i];
        if (io->v <= 9)
            kr_io_str(io, &t->Name, false);
        else
            kr_io_uuid(io, &t->TopicId);
        partition_indexes_io(io, &t->PartitionIndexes,
                             &t->PartitionIndexesCnt);
        kr_io_tags(io, NULL, t);
    }
    kr_io_tags(io, NULL, g);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetFetchRequest *m = msg;
    if (io->v <= 7) {
        kr_io_str(io, &m->GroupId, false);
        req_topics_v0_io(io, m);
    } else {
        int32_t n = kr_io_array(io, (void **)&m->Groups, &m->GroupsCnt,
                                sizeof *m->Groups, REQ_GROUP_MIN_WIRE, false);
        for (int32_t i = 0; i < n; i++)
            req_group_io(io, &m->Groups[i]);
    }
    if (io->v >= 7)
        kr_io_bool(io, &m->RequireStable);
    kr_io_tags(io, NULL, m);
}

static void resp_partition_v0_io(struct kr_io *io,
                                 struct kr_OffsetFetchResponsePartition *p)
{
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i64(io, &p->CommittedOffset);
    if (io->v >= 5)
        kr_io_i32(io, &p->CommittedLeaderEpoch);
    else if (kr_io_reading(io))
        p->CommittedLeaderEpoch = -1;
    kr_io_str(io, &p->Metadata, true);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_tags(io, NULL, p);
}

/* The v0-7 single-group form. */
static void resp_topics_v0_io(struct kr_io *io,
                              struct kr_OffsetFetchResponse *m)
{
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, RESP_TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetFetchResponseTopic *t = &m->Topics[i];
        kr_io_str(io, &t->Name, false);
        int32_t np = kr_io_array(io, (void **)&t->Partitions,
                                 &t->PartitionsCnt, sizeof *t->Partitions,
                                 RESP_PARTITION_MIN_WIRE, false);
        for (int32_t j = 0; j < np; j++)
            resp_partition_v0_io(io, &t->Partitions[j]);
        kr_io_tags(io, NULL, t);
    }
}

static void resp_partitions_io(struct kr_io *io,
                               struct kr_OffsetFetchResponsePartitions *p)
{
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i64(io, &p->CommittedOffset);
    kr_io_i32(io, &p->CommittedLeaderEpoch);
    kr_io_str(io, &p->Metadata, true);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_tags(io, NULL, p);
}

static void resp_group_io(struct kr_io *io,
                          struct kr_OffsetFetchResponseGroup *g)
{
    kr_io_str(io, &g->GroupId, false);
    int32_t n = kr_io_array(io, (void **)&g->Topics, &g->TopicsCnt,
                            sizeof *g->Topics, RESP_TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetFetchResponseTopics *t = &g->Topics[i];
        if (io->v <= 9)
            kr_io_str(io, &t->Name, false);
        else
            kr_io_uuid(io, &t->TopicId);
        int32_t np = kr_io_array(io, (void **)&t->Partitions,
                                 &t->PartitionsCnt, sizeof *t->Partitions,
                                 RESP_PARTITION_MIN_WIRE, false);
        for (int32_t j = 0; j < np; j++)
            resp_partitions_io(io, &t->Partitions[j]);
        kr_io_tags(io, NULL, t);
    }
    kr_io_i16(io, &g->ErrorCode);
    kr_io_tags(io, NULL, g);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetFetchResponse *m = msg;
    if (io->v >= 3)
        kr_io_i32(io, &m->ThrottleTimeMs);
    if (io->v <= 7)
        resp_topics_v0_io(io, m);
    if (io->v >= 2 && io->v <= 7)
        kr_io_i16(io, &m->ErrorCode);
    if (io->v >= 8) {
        int32_t n = kr_io_array(io, (void **)&m->Groups, &m->GroupsCnt,
                                sizeof *m->Groups, RESP_GROUP_MIN_WIRE,
                                false);
        for (int32_t i = 0; i < n; i++)
            resp_group_io(io, &m->Groups[i]);
    }
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_OffsetFetch = {
    .key = KR_API_OffsetFetch,
    .name = "OffsetFetch",
    .min_ver = 1,
    .max_ver = 10,
    .flex_ver = 6,
    .req_size = sizeof(struct kr_OffsetFetchRequest),
    .resp_size = sizeof(struct kr_OffsetFetchResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
