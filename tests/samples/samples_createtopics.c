/* Sample CreateTopics messages. */
#include "samples.h"

static void fill_assignment(struct kr_CreatableReplicaAssignment *p,
                            int32_t partition, struct kr_arena *a)
{
    p->PartitionIndex = partition;
    KR_SAMPLE_ARRAY(a, p->BrokerIds, p->BrokerIdsCnt, 3);
    for (int32_t i = 0; i < 3; i++)
        p->BrokerIds[i] = 1 + (partition + i) % 3;
}

void kr_sample_CreateTopicsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_CreateTopicsRequest *m = msg;
    (void)v;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);

    /* a topic with broker-chosen placement and custom configs */
    struct kr_CreatableTopic *t = &m->Topics[0];
    t->Name = kr_str_c("orders");
    t->NumPartitions = 12;
    t->ReplicationFactor = 3;
    KR_SAMPLE_ARRAY(a, t->Configs, t->ConfigsCnt, 2);
    t->Configs[0].Name = kr_str_c("cleanup.policy");
    t->Configs[0].Value = kr_str_c("compact");
    t->Configs[1].Name = kr_str_c("retention.ms");
    t->Configs[1].Value = kr_str_c(NULL); /* null: use the default */

    /* a topic with a manual assignment */
    t = &m->Topics[1];
    t->Name = kr_str_c("payments");
    t->NumPartitions = -1;
    t->ReplicationFactor = -1;
    KR_SAMPLE_ARRAY(a, t->Assignments, t->AssignmentsCnt, 2);
    fill_assignment(&t->Assignments[0], 0, a);
    fill_assignment(&t->Assignments[1], 1, a);
    KR_SAMPLE_ARRAY(a, t->Configs, t->ConfigsCnt, 1);
    t->Configs[0].Name = kr_str_c("min.insync.replicas");
    t->Configs[0].Value = kr_str_c("2");

    m->timeoutMs = 30000;
    m->validateOnly = true;
}

static void fill_result_configs(struct kr_CreatableTopicResult *r,
                                struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, r->Configs, r->ConfigsCnt, 2);
    r->Configs[0] = (struct kr_CreatableTopicConfigs){
        .Name = kr_str_c("cleanup.policy"),
        .Value = kr_str_c("compact"),
        .ReadOnly = false,
        .ConfigSource = 1, /* DYNAMIC_TOPIC_CONFIG */
        .IsSensitive = false,
    };
    r->Configs[1] = (struct kr_CreatableTopicConfigs){
        .Name = kr_str_c("sasl.jaas.config"),
        .Value = kr_str_c(NULL), /* sensitive values are not returned */
        .ReadOnly = true,
        .ConfigSource = 5, /* DEFAULT_CONFIG */
        .IsSensitive = true,
    };
}

void kr_sample_CreateTopicsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_CreateTopicsResponse *m = msg;
    m->ThrottleTimeMs = 40;
    KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);

    struct kr_CreatableTopicResult *r = &m->Topics[0];
    r->Name = kr_str_c("orders");
    for (int i = 0; i < 16 && v >= 7; i++)
        r->TopicId.b[i] = (uint8_t)(0xA0 + i);
    r->ErrorCode = 0;
    r->ErrorMessage = kr_str_c(NULL);
    r->NumPartitions = v >= 5 ? 12 : -1;
    r->ReplicationFactor = v >= 5 ? 3 : -1;
    if (v >= 5)
        fill_result_configs(r, a);

    r = &m->Topics[1];
    r->Name = kr_str_c("payments");
    r->ErrorCode = 36; /* TOPIC_ALREADY_EXISTS */
    r->ErrorMessage = kr_str_c("Topic 'payments' already exists.");
    /* configs not returned: the reason goes in the tagged error code */
    r->TopicConfigErrorCode = v >= 5 ? 29 : 0; /* TOPIC_AUTHORIZATION_FAILED */
    r->NumPartitions = -1;
    r->ReplicationFactor = -1;
    r->ConfigsCnt = v >= 5 ? -1 : 0;
}
