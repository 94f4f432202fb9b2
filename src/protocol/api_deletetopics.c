/* DeleteTopics (key 20), versions 1-6 (0 was removed by KIP-896), flexible
 * from 4. Version 6 (KIP-516) names topics by name or topic ID. */
#include "protocol/api_deletetopics.h"

static void topic_state_io(struct kr_io *io, struct kr_DeleteTopicState *t)
{
    kr_io_str(io, &t->Name, true);
    kr_io_uuid(io, &t->TopicId);
    kr_io_tags(io, NULL, t);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_DeleteTopicsRequest *m = msg;
    if (io->v >= 6) {
        int32_t n = KR_IO_ARRAY(io, m->Topics, m->TopicsCnt, false);
        for (int32_t i = 0; i < n; i++)
            topic_state_io(io, &m->Topics[i]);
    } else {
        /* []string: an element takes at least its length prefix */
        int32_t n = kr_io_array(io, (void **)&m->TopicNames,
                                &m->TopicNamesCnt, sizeof *m->TopicNames,
                                kr_io_str_min(io), false);
        for (int32_t i = 0; i < n; i++)
            kr_io_str(io, &m->TopicNames[i], false);
    }
    kr_io_i32(io, &m->TimeoutMs);
    kr_io_tags(io, NULL, m);
}

static void result_io(struct kr_io *io, struct kr_DeletableTopicResult *r)
{
    kr_io_str(io, &r->Name, io->v >= 6);
    if (io->v >= 6)
        kr_io_uuid(io, &r->TopicId);
    kr_io_i16(io, &r->ErrorCode);
    if (io->v >= 5)
        kr_io_str(io, &r->ErrorMessage, true);
    else if (kr_io_reading(io))
        r->ErrorMessage = (struct kr_str){NULL, -1};
    kr_io_tags(io, NULL, r);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_DeleteTopicsResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs);
    int32_t n = KR_IO_ARRAY(io, m->Responses, m->ResponsesCnt, false);
    for (int32_t i = 0; i < n; i++)
        result_io(io, &m->Responses[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_DeleteTopics = {
    .key = KR_API_DeleteTopics,
    .name = "DeleteTopics",
    .min_ver = 1,
    .max_ver = 6,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_DeleteTopicsRequest),
    .resp_size = sizeof(struct kr_DeleteTopicsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
