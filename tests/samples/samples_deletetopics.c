/* Sample DeleteTopics messages. */
#include "samples.h"

static struct kr_uuid sample_uuid(uint8_t seed)
{
    struct kr_uuid u;
    for (int i = 0; i < 16; i++)
        u.b[i] = (uint8_t)(seed + i);
    return u;
}

void kr_sample_DeleteTopicsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_DeleteTopicsRequest *m = msg;
    if (v >= 6) {
        KR_SAMPLE_ARRAY(a, m->Topics, m->TopicsCnt, 2);
        m->Topics[0].Name = kr_str_c("orders");
        m->Topics[1].Name = kr_str_c(NULL); /* by topic ID only */
        m->Topics[1].TopicId = sample_uuid(0x40);
    } else {
        KR_SAMPLE_ARRAY(a, m->TopicNames, m->TopicNamesCnt, 2);
        m->TopicNames[0] = kr_str_c("orders");
        m->TopicNames[1] = kr_str_c("payments");
    }
    m->TimeoutMs = 15000;
}

void kr_sample_DeleteTopicsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_DeleteTopicsResponse *m = msg;
    m->ThrottleTimeMs = 20;
    KR_SAMPLE_ARRAY(a, m->Responses, m->ResponsesCnt, 2);

    struct kr_DeletableTopicResult *r = &m->Responses[0];
    r->Name = kr_str_c("orders");
    if (v >= 6)
        r->TopicId = sample_uuid(0x10);
    r->ErrorCode = 0;
    r->ErrorMessage = kr_str_c(NULL);

    r = &m->Responses[1];
    r->Name = kr_str_c(v >= 6 ? NULL : "payments");
    if (v >= 6)
        r->TopicId = sample_uuid(0x40);
    r->ErrorCode = 3; /* UNKNOWN_TOPIC_OR_PARTITION */
    r->ErrorMessage = kr_str_c(v >= 5 ? "This server does not host this "
                                        "topic ID."
                                      : NULL);
}
