/* CreatePartitions (key 37), versions 0-3, flexible from 2. */
#include "protocol/api_createpartitions.h"

static void assignment_io(struct kr_io *io,
                          struct kr_CreatePartitionsAssignment *a)
{
    int32_t n = kr_io_array(io, (void **)&a->BrokerIds, &a->BrokerIdsCnt,
                            sizeof *a->BrokerIds, 4, false);
    for (int32_t i = 0; i < n; i++)
        kr_io_i32(io, &a->BrokerIds[i]);
    kr_io_tags(io, NULL, a);
}

static void topic_io(struct kr_io *io, struct kr_CreatePartitionsTopic *t)
{
    kr_io_str(io, &t->Name, false);
    kr_io_i32(io, &t->Count);
    int32_t n = KR_IO_ARRAY_MIN(io, t->Assignments, t->AssignmentsCnt, true,
                                kr_io_array_min(io));
    for (int32_t i = 0; i < n; i++)
        assignment_io(io, &t->Assignments[i]);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_CreatePartitionsRequest *m = msg;
    int32_t n = KR_IO_ARRAY(io, m->Topics, m->TopicsCnt, false);
    for (int32_t i = 0; i < n; i++)
        topic_io(io, &m->Topics[i]);
    kr_io_i32(io, &m->TimeoutMs);
    kr_io_bool(io, &m->ValidateOnly);
    kr_io_tags(io, NULL, m);
}

static void result_io(struct kr_io *io,
                      struct kr_CreatePartitionsTopicResult *r)
{
    kr_io_str(io, &r->Name, false);
    kr_io_i16(io, &r->ErrorCode);
    kr_io_str(io, &r->ErrorMessage, true);
    kr_io_tags(io, NULL, r);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_CreatePartitionsResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = KR_IO_ARRAY(io, m->Results, m->ResultsCnt, false);
    for (int32_t i = 0; i < n; i++)
        result_io(io, &m->Results[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_CreatePartitions = {
    .key = KR_API_CreatePartitions,
    .name = "CreatePartitions",
    .min_ver = 0,
    .max_ver = 3,
    .flex_ver = 2,
    .req_size = sizeof(struct kr_CreatePartitionsRequest),
    .resp_size = sizeof(struct kr_CreatePartitionsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
