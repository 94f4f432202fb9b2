/* OffsetCommit (key 8), versions 2-10 (KIP-896 floor), flexible from 8.
 * v10 (latestVersionUnstable in Kafka 4.1) names topics by TopicId. */
#include "protocol/api_offsetcommit.h"

/* Smallest wire size of an array element over all versions, checked against
 * the bytes left before the arena allocates (io.h). */
#define REQ_TOPIC_MIN_WIRE 3      /* compact Name, compact Partitions, tags */
#define REQ_PARTITION_MIN_WIRE 14 /* v2: index, offset, int16 null metadata */
#define RESP_TOPIC_MIN_WIRE 3     /* compact Name, compact Partitions, tags */
#define RESP_PARTITION_MIN_WIRE 6 /* PartitionIndex, ErrorCode */

static void req_partition_io(struct kr_io *io,
                             struct kr_OffsetCommitRequestPartition *p)
{
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i64(io, &p->CommittedOffset);
    if (io->v >= 6)
        kr_io_i32(io, &p->CommittedLeaderEpoch);
    else if (kr_io_reading(io))
        p->CommittedLeaderEpoch = -1;
    kr_io_str(io, &p->CommittedMetadata, true);
    kr_io_tags(io, NULL, p);
}

static void req_topic_io(struct kr_io *io,
                         struct kr_OffsetCommitRequestTopic *t)
{
    if (io->v <= 9)
        kr_io_str(io, &t->Name, false);
    else
        kr_io_uuid(io, &t->TopicId);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, REQ_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++)
        req_partition_io(io, &t->Partitions[i]);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetCommitRequest *m = msg;
    kr_io_str(io, &m->GroupId, false);
    /* GenerationIdOrMemberEpoch and MemberId are v1+: always present from
     * the v2 floor. */
    kr_io_i32(io, &m->GenerationIdOrMemberEpoch);
    kr_io_str(io, &m->MemberId, false);
    if (io->v >= 7)
        kr_io_str(io, &m->GroupInstanceId, true);
    else if (kr_io_reading(io))
        m->GroupInstanceId = (struct kr_str){NULL, -1};
    /* RetentionTimeMs was dropped in v5 (KIP-211: the broker's
     * offsets.retention.minutes applies). */
    if (io->v <= 4)
        kr_io_i64(io, &m->RetentionTimeMs);
    else if (kr_io_reading(io))
        m->RetentionTimeMs = -1;
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, REQ_TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        req_topic_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

static void resp_topic_io(struct kr_io *io,
                          struct kr_OffsetCommitResponseTopic *t)
{
    if (io->v <= 9)
        kr_io_str(io, &t->Name, false);
    else
        kr_io_uuid(io, &t->TopicId);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, RESP_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetCommitResponsePartition *p = &t->Partitions[i];
        kr_io_i32(io, &p->PartitionIndex);
        kr_io_i16(io, &p->ErrorCode);
        kr_io_tags(io, NULL, p);
    }
    kr_io_tags(io, NULL, t);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetCommitResponse *m = msg;
    if (io->v >= 3)
        kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, RESP_TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        resp_topic_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_OffsetCommit = {
    .key = KR_API_OffsetCommit,
    .name = "OffsetCommit",
    .min_ver = 2,
    .max_ver = 10,
    .flex_ver = 8,
    .req_size = sizeof(struct kr_OffsetCommitRequest),
    .resp_size = sizeof(struct kr_OffsetCommitResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
