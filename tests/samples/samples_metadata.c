/* Sample Metadata messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

static const struct kr_uuid topic_id_a = {
    {0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
     0x0c, 0x0d, 0x0e, 0xa5}};
static const struct kr_uuid topic_id_b = {
    {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb,
     0xbc, 0xbd, 0xbe, 0xbf}};

void kr_sample_MetadataRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_MetadataRequest *m = msg;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    m->Topics[0].Name = kr_str_c("orders");
    if (v >= 10) {
        m->Topics[0].TopicId = topic_id_a;
        /* asked for by id only: the name is null (nullable v10+) */
        m->Topics[1].TopicId = topic_id_b;
        m->Topics[1].Name = kr_str_c(NULL);
    } else {
        m->Topics[1].Name = kr_str_c("payments");
    }
    m->AllowAutoTopicCreation = v < 4; /* v4+: non-default false */
    m->IncludeClusterAuthorizedOperations = v >= 8 && v <= 10;
    m->IncludeTopicAuthorizedOperations = v >= 8;
}

static void sample_ids(struct kr_arena *a, int32_t **ids, int32_t *cnt,
                       int32_t first, int32_t n)
{
    KR_SAMPLE_ARRAY(a, *ids, *cnt, n);
    for (int32_t i = 0; i < n; i++)
        (*ids)[i] = first + i;
}

static void sample_partitions(int16_t v, struct kr_MetadataResponseTopic *t,
                              struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, t->Partitions, t->PartitionsCnt, 2);
    for (int32_t i = 0; i < 2; i++) {
        struct kr_MetadataResponsePartition *p = &t->Partitions[i];
        p->ErrorCode = (int16_t)(i ? 9 : 0); /* REPLICA_NOT_AVAILABLE */
        p->PartitionIndex = i;
        p->LeaderId = 101 + i;
        p->LeaderEpoch = v >= 7 ? 17 + i : -1;
        sample_ids(a, &p->ReplicaNodes, &p->ReplicaNodesCnt, 101, 3);
        sample_ids(a, &p->IsrNodes, &p->IsrNodesCnt, 101 + i, 2);
        if (v >= 5)
            sample_ids(a, &p->OfflineReplicas, &p->OfflineReplicasCnt, 201,
                       2);
    }
}

static void sample_topics(int16_t v, struct kr_MetadataResponse *m,
                          struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
    struct kr_MetadataResponseTopic *t = m->Topics;
    t[0].ErrorCode = 0;
    t[0].Name = kr_str_c("orders");
    t[1].ErrorCode = 100; /* UNKNOWN_TOPIC_ID */
    t[1].Name = kr_str_c(v >= 12 ? NULL : "__consumer_offsets");
    for (int i = 0; i < 2; i++) {
        if (v >= 10)
            t[i].TopicId = i ? topic_id_b : topic_id_a;
        t[i].IsInternal = v >= 1 && i == 1;
        sample_partitions(v, &t[i], a);
        t[i].TopicAuthorizedOperations = v >= 8 ? 0x0df8 + i : INT32_MIN;
    }
}

void kr_sample_MetadataResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_MetadataResponse *m = msg;
    m->ThrottleTimeMs = v >= 3 ? 333 : 0;
    KR_SAMPLE_ARRAY(a, m->Brokers, m->BrokersCnt, 2);
    m->Brokers[0] = (struct kr_MetadataResponseBroker){
        101, kr_str_c("broker-a.example"), 9092,
        kr_str_c(v >= 1 ? "rack-1" : NULL)};
    m->Brokers[1] = (struct kr_MetadataResponseBroker){
        102, kr_str_c("broker-b.example"), 9093, kr_str_c(NULL)};
    m->ClusterId = kr_str_c(v >= 2 ? "cluster-xyz" : NULL);
    m->ControllerId = v >= 1 ? 102 : -1;
    sample_topics(v, m, a);
    m->ClusterAuthorizedOperations = v >= 8 && v <= 10 ? 0x0ff8 : INT32_MIN;
    m->ErrorCode = v >= 13 ? 31 : 0; /* CLUSTER_AUTHORIZATION_FAILED */
}
