/* OffsetForLeaderEpoch (key 23), versions 2-4, flexible from 4. */
#include "protocol/api_offsetforleaderepoch.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h). */
#define TOPIC_MIN_WIRE 2           /* compact Topic, compact Partitions */
#define REQ_PARTITION_MIN_WIRE 12  /* Partition, CurrentLeaderEpoch, epoch */
#define RESP_PARTITION_MIN_WIRE 18 /* ErrorCode, Partition, epoch, offset */

static void req_topic_io(struct kr_io *io, struct kr_OffsetForLeaderTopic *t)
{
    kr_io_str(io, &t->Topic, false);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, REQ_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_OffsetForLeaderPartition *p = &t->Partitions[i];
        kr_io_i32(io, &p->Partition);
        kr_io_i32(io, &p->CurrentLeaderEpoch); /* v2+: every version */
        kr_io_i32(io, &p->LeaderEpoch);
        kr_io_tags(io, NULL, p);
    }
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetForLeaderEpochRequest *m = msg;
    if (io->v >= 3)
        kr_io_i32(io, &m->ReplicaId);
    else if (kr_io_reading(io))
        m->ReplicaId = -2;
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        req_topic_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

static void resp_topic_io(struct kr_io *io,
                          struct kr_OffsetForLeaderTopicResult *t)
{
    kr_io_str(io, &t->Topic, false);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, RESP_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_EpochEndOffset *p = &t->Partitions[i];
        kr_io_i16(io, &p->ErrorCode);
        kr_io_i32(io, &p->Partition);
        kr_io_i32(io, &p->LeaderEpoch); /* v1+: every version */
        kr_io_i64(io, &p->EndOffset);
        kr_io_tags(io, NULL, p);
    }
    kr_io_tags(io, NULL, t);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_OffsetForLeaderEpochResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs); /* v2+: every version */
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        resp_topic_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_OffsetForLeaderEpoch = {
    .key = KR_API_OffsetForLeaderEpoch,
    .name = "OffsetForLeaderEpoch",
    .min_ver = 2,
    .max_ver = 4,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_OffsetForLeaderEpochRequest),
    .resp_size = sizeof(struct kr_OffsetForLeaderEpochResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
