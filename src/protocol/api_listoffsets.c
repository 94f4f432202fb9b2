/* ListOffsets (key 2), versions 1-10, flexible from 6. */
#include "protocol/api_listoffsets.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h). */
#define TOPIC_MIN_WIRE 2          /* compact Name, compact Partitions */
#define REQ_PARTITION_MIN_WIRE 12 /* PartitionIndex, Timestamp */
#define RESP_PARTITION_MIN_WIRE 22 /* PartitionIndex, ErrorCode, 2 int64 */

static void req_partition_io(struct kr_io *io,
                             struct kr_ListOffsetsPartition *p)
{
    kr_io_i32(io, &p->PartitionIndex);
    if (io->v >= 4)
        kr_io_i32(io, &p->CurrentLeaderEpoch);
    else if (kr_io_reading(io))
        p->CurrentLeaderEpoch = -1;
    kr_io_i64(io, &p->Timestamp);
    kr_io_tags(io, NULL, p);
}

static void req_topic_io(struct kr_io *io, struct kr_ListOffsetsTopic *t)
{
    kr_io_str(io, &t->Name, false);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, REQ_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++)
        req_partition_io(io, &t->Partitions[i]);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ListOffsetsRequest *m = msg;
    kr_io_i32(io, &m->ReplicaId);
    if (io->v >= 2)
        kr_io_i8(io, &m->IsolationLevel);
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        req_topic_io(io, &m->Topics[i]);
    if (io->v >= 10)
        kr_io_i32(io, &m->TimeoutMs);
    kr_io_tags(io, NULL, m);
}

static void resp_partition_io(struct kr_io *io,
                              struct kr_ListOffsetsPartitionResponse *p)
{
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_i64(io, &p->Timestamp);
    kr_io_i64(io, &p->Offset);
    if (io->v >= 4)
        kr_io_i32(io, &p->LeaderEpoch);
    else if (kr_io_reading(io))
        p->LeaderEpoch = -1;
    kr_io_tags(io, NULL, p);
}

static void resp_topic_io(struct kr_io *io,
                          struct kr_ListOffsetsTopicResponse *t)
{
    kr_io_str(io, &t->Name, false);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, RESP_PARTITION_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++)
        resp_partition_io(io, &t->Partitions[i]);
    kr_io_tags(io, NULL, t);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ListOffsetsResponse *m = msg;
    if (io->v >= 2)
        kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        resp_topic_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_ListOffsets = {
    .key = KR_API_ListOffsets,
    .name = "ListOffsets",
    .min_ver = 1,
    .max_ver = 10,
    .flex_ver = 6,
    .req_size = sizeof(struct kr_ListOffsetsRequest),
    .resp_size = sizeof(struct kr_ListOffsetsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
