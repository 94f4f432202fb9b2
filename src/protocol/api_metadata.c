/* Metadata (key 3), versions 0-13, flexible from 9. */
#include "protocol/api_metadata.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h). */
#define REQ_TOPIC_MIN_WIRE 1  /* compact null name (v10+ has a uuid first) */
#define BROKER_MIN_WIRE 9     /* NodeId, empty compact Host, Port */
#define TOPIC_MIN_WIRE 4      /* ErrorCode, compact null Name, Partitions */
#define PARTITION_MIN_WIRE 12 /* ErrorCode, PartitionIndex, LeaderId, arrays */

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_MetadataRequest *m = msg;
    int32_t n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt,
                            sizeof *m->Topics, REQ_TOPIC_MIN_WIRE,
                            io->v >= 1);
    for (int32_t i = 0; i < n; i++) {
        struct kr_MetadataRequestTopic *t = &m->Topics[i];
        if (io->v >= 10)
            kr_io_uuid(io, &t->TopicId);
        kr_io_str(io, &t->Name, io->v >= 10);
        kr_io_tags(io, NULL, t);
    }
    if (io->v >= 4)
        kr_io_bool(io, &m->AllowAutoTopicCreation);
    else if (kr_io_reading(io))
        m->AllowAutoTopicCreation = true;
    /* IncludeClusterAuthorizedOperations moved to DescribeCluster in v11
     * (KIP-700). */
    if (io->v >= 8 && io->v <= 10)
        kr_io_bool(io, &m->IncludeClusterAuthorizedOperations);
    if (io->v >= 8)
        kr_io_bool(io, &m->IncludeTopicAuthorizedOperations);
    kr_io_tags(io, NULL, m);
}

static void broker_io(struct kr_io *io, struct kr_MetadataResponseBroker *b)
{
    kr_io_i32(io, &b->NodeId);
    kr_io_str(io, &b->Host, false);
    kr_io_i32(io, &b->Port);
    if (io->v >= 1)
        kr_io_str(io, &b->Rack, true);
    else if (kr_io_reading(io))
        b->Rack = (struct kr_str){NULL, -1};
    kr_io_tags(io, NULL, b);
}

/* An array of broker ids (int32). */
static void node_ids_io(struct kr_io *io, int32_t **ids, int32_t *cnt)
{
    int32_t n = kr_io_array(io, (void **)ids, cnt, sizeof **ids, 4, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_i32(io, &(*ids)[i]);
}

static void partition_io(struct kr_io *io,
                         struct kr_MetadataResponsePartition *p)
{
    kr_io_i16(io, &p->ErrorCode);
    kr_io_i32(io, &p->PartitionIndex);
    kr_io_i32(io, &p->LeaderId);
    if (io->v >= 7)
        kr_io_i32(io, &p->LeaderEpoch);
    else if (kr_io_reading(io))
        p->LeaderEpoch = -1;
    node_ids_io(io, &p->ReplicaNodes, &p->ReplicaNodesCnt);
    node_ids_io(io, &p->IsrNodes, &p->IsrNodesCnt);
    if (io->v >= 5)
        node_ids_io(io, &p->OfflineReplicas, &p->OfflineReplicasCnt);
    kr_io_tags(io, NULL, p);
}

static void topic_io(struct kr_io *io, struct kr_MetadataResponseTopic *t)
{
    kr_io_i16(io, &t->ErrorCode);
    kr_io_str(io, &t->Name, io->v >= 12);
    if (io->v >= 10)
        kr_io_uuid(io, &t->TopicId);
    if (io->v >= 1)
        kr_io_bool(io, &t->IsInternal);
    int32_t n = kr_io_array(io, (void **)&t->Partitions, &t->PartitionsCnt,
                            sizeof *t->Partitions, PARTITION_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        partition_io(io, &t->Partitions[i]);
    if (io->v >= 8)
        kr_io_i32(io, &t->TopicAuthorizedOperations);
    else if (kr_io_reading(io))
        t->TopicAuthorizedOperations = INT32_MIN;
    kr_io_tags(io, NULL, t);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_MetadataResponse *m = msg;
    if (io->v >= 3)
        kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = kr_io_array(io, (void **)&m->Brokers, &m->BrokersCnt,
                            sizeof *m->Brokers, BROKER_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        broker_io(io, &m->Brokers[i]);
    if (io->v >= 2)
        kr_io_str(io, &m->ClusterId, true);
    else if (kr_io_reading(io))
        m->ClusterId = (struct kr_str){NULL, -1};
    if (io->v >= 1)
        kr_io_i32(io, &m->ControllerId);
    else if (kr_io_reading(io))
        m->ControllerId = -1;
    n = kr_io_array(io, (void **)&m->Topics, &m->TopicsCnt, sizeof *m->Topics,
                    TOPIC_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        topic_io(io, &m->Topics[i]);
    /* ClusterAuthorizedOperations moved to DescribeCluster in v11
     * (KIP-700). */
    if (io->v >= 8 && io->v <= 10)
        kr_io_i32(io, &m->ClusterAuthorizedOperations);
    else if (kr_io_reading(io))
        m->ClusterAuthorizedOperations = INT32_MIN;
    if (io->v >= 13)
        kr_io_i16(io, &m->ErrorCode);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_Metadata = {
    .key = KR_API_Metadata,
    .name = "Metadata",
    .min_ver = 0,
    .max_ver = 13,
    .flex_ver = 9,
    .req_size = sizeof(struct kr_MetadataRequest),
    .resp_size = sizeof(struct kr_MetadataResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
