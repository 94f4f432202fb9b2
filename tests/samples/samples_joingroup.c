/* Sample JoinGroup messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

static const uint8_t metadata_a[] = {0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                                     0x00, 0x06, 'o',  'r',  'd',  'e',
                                     'r',  's'};
static const uint8_t metadata_b[] = {0xde, 0xad, 0xbe, 0xef};

static struct kr_bytes bytes_of(const uint8_t *p, size_t n)
{
    return (struct kr_bytes){p, (int32_t)n};
}

void kr_sample_JoinGroupRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_JoinGroupRequest *m = msg;
    m->GroupId = kr_str_c("group-1");
    m->SessionTimeoutMs = 45000;
    m->RebalanceTimeoutMs = 300000;
    m->MemberId = kr_str_c("member-1-0001");
    m->GroupInstanceId = kr_str_c(v >= 5 ? "instance-1" : NULL);
    m->ProtocolType = kr_str_c("consumer");
    KR_SAMPLE_ARRAY(a, m->Protocols, m->ProtocolsCnt, 2);
    m->Protocols[0].Name = kr_str_c("cooperative-sticky");
    m->Protocols[0].Metadata = bytes_of(metadata_a, sizeof metadata_a);
    m->Protocols[1].Name = kr_str_c("range");
    m->Protocols[1].Metadata = bytes_of(metadata_b, sizeof metadata_b);
    m->Reason = kr_str_c(v >= 8 ? "rebalance: topic metadata changed" : NULL);
}

void kr_sample_JoinGroupResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_JoinGroupResponse *m = msg;
    m->ThrottleTimeMs = 50;
    m->ErrorCode = 79; /* MEMBER_ID_REQUIRED */
    m->GenerationId = 12;
    m->ProtocolType = kr_str_c(v >= 7 ? "consumer" : NULL);
    m->ProtocolName = kr_str_c("cooperative-sticky");
    m->Leader = kr_str_c("member-1-0001");
    m->SkipAssignment = v >= 9;
    m->MemberId = kr_str_c("member-2-0002");
    KR_SAMPLE_ARRAY(a, m->Members, m->MembersCnt, 2);
    m->Members[0].MemberId = kr_str_c("member-1-0001");
    m->Members[0].GroupInstanceId = kr_str_c(v >= 5 ? "instance-1" : NULL);
    m->Members[0].Metadata = bytes_of(metadata_a, sizeof metadata_a);
    m->Members[1].MemberId = kr_str_c("member-2-0002");
    m->Members[1].GroupInstanceId = kr_str_c(NULL); /* dynamic member */
    m->Members[1].Metadata = bytes_of(metadata_b, sizeof metadata_b);
}
