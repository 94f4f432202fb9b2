/* CreateTopics (key 19), versions 2-7 (0-1 were removed by KIP-896),
 * flexible from 5. */
#include "protocol/api_createtopics.h"

static void assignment_io(struct kr_io *io,
                          struct kr_CreatableReplicaAssignment *a)
{
    kr_io_i32(io, &a->PartitionIndex);
    int32_t n = kr_io_array(io, (void **)&a->BrokerIds, &a->BrokerIdsCnt,
                            sizeof *a->BrokerIds, 4, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_i32(io, &a->BrokerIds[i]);
    kr_io_tags(io, NULL, a);
}

static void topic_config_io(struct kr_io *io, struct kr_CreatableTopicConfig *c)
{
    kr_io_str(io, &c->Name, false);
    kr_io_str(io, &c->Value, true);
    kr_io_tags(io, NULL, c);
}

static void topic_io(struct kr_io *io, struct kr_CreatableTopic *t)
{
    kr_io_str(io, &t->Name, false);
    kr_io_i32(io, &t->NumPartitions);
    kr_io_i16(io, &t->ReplicationFactor);
    int32_t n = KR_IO_ARRAY(io, t->Assignments, t->AssignmentsCnt, false);
    for (int32_t i = 0; i < n; i++)
        assignment_io(io, &t->Assignments[i]);
    n = KR_IO_ARRAY(io, t->Configs, t->ConfigsCnt, false);
    for (int32_t i = 0; i < n; i++)
        topic_config_io(io, &t->Configs[i]);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_CreateTopicsRequest *m = msg;
    int32_t n = KR_IO_ARRAY(io, m->Topics, m->TopicsCnt, false);
    for (int32_t i = 0; i < n; i++)
        topic_io(io, &m->Topics[i]);
    kr_io_i32(io, &m->timeoutMs);
    kr_io_bool(io, &m->validateOnly); /* v1+: every supported version */
    kr_io_tags(io, NULL, m);
}

static void result_config_io(struct kr_io *io,
                             struct kr_CreatableTopicConfigs *c)
{
    kr_io_str(io, &c->Name, false);
    kr_io_str(io, &c->Value, true);
    kr_io_bool(io, &c->ReadOnly);
    kr_io_i8(io, &c->ConfigSource);
    kr_io_bool(io, &c->IsSensitive);
    kr_io_tags(io, NULL, c);
}

/* Tag 0: TopicConfigErrorCode (v5+), default 0. */
static bool result_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_CreatableTopicResult *r = obj;
    if (tag != 0 || (!kr_io_reading(io) && r->TopicConfigErrorCode == 0))
        return false;
    kr_io_i16(io, &r->TopicConfigErrorCode);
    return true;
}

static void result_io(struct kr_io *io, struct kr_CreatableTopicResult *r)
{
    kr_io_str(io, &r->Name, false);
    if (io->v >= 7)
        kr_io_uuid(io, &r->TopicId);
    kr_io_i16(io, &r->ErrorCode);
    kr_io_str(io, &r->ErrorMessage, true); /* v1+: every supported version */
    if (io->v >= 5) {
        kr_io_i32(io, &r->NumPartitions);
        kr_io_i16(io, &r->ReplicationFactor);
        int32_t n = KR_IO_ARRAY(io, r->Configs, r->ConfigsCnt, true);
        for (int32_t i = 0; i < n; i++)
            result_config_io(io, &r->Configs[i]);
    } else if (kr_io_reading(io)) {
        r->NumPartitions = -1;
        r->ReplicationFactor = -1;
    }
    kr_io_tags(io, result_tag_io, r);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_CreateTopicsResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = KR_IO_ARRAY(io, m->Topics, m->TopicsCnt, false);
    for (int32_t i = 0; i < n; i++)
        result_io(io, &m->Topics[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_CreateTopics = {
    .key = KR_API_CreateTopics,
    .name = "CreateTopics",
    .min_ver = 2,
    .max_ver = 7,
    .flex_ver = 5,
    .req_size = sizeof(struct kr_CreateTopicsRequest),
    .resp_size = sizeof(struct kr_CreateTopicsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
