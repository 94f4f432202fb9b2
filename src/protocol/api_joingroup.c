/* JoinGroup (key 11), versions 2-9 (v0-1 removed by KIP-896), flexible
 * from 6. */
#include "protocol/api_joingroup.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h): two empty strings/bytes, classic
 * (int16 + int32 lengths) or compact (one byte each, plus the tags). */
static size_t protocol_min_wire(const struct kr_io *io)
{
    return io->flex ? 3 : 6; /* Name, Metadata [, tags] */
}

static size_t member_min_wire(const struct kr_io *io)
{
    /* MemberId, GroupInstanceId (v5+), Metadata [, tags] */
    if (io->flex)
        return 4;
    return io->v >= 5 ? 8 : 6;
}

static void protocol_io(struct kr_io *io,
                        struct kr_JoinGroupRequestProtocol *p)
{
    kr_io_str(io, &p->Name, false);
    kr_io_bytes(io, &p->Metadata, false);
    kr_io_tags(io, NULL, p);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_JoinGroupRequest *m = msg;
    kr_io_str(io, &m->GroupId, false);
    kr_io_i32(io, &m->SessionTimeoutMs);
    /* RebalanceTimeoutMs is v1+; every supported version has it. */
    kr_io_i32(io, &m->RebalanceTimeoutMs);
    kr_io_str(io, &m->MemberId, false);
    if (io->v >= 5)
        kr_io_str(io, &m->GroupInstanceId, true);
    else if (kr_io_reading(io))
        m->GroupInstanceId = (struct kr_str){NULL, -1};
    kr_io_str(io, &m->ProtocolType, false);
    int32_t n = kr_io_array(io, (void **)&m->Protocols, &m->ProtocolsCnt,
                            sizeof *m->Protocols, protocol_min_wire(io),
                            false);
    for (int32_t i = 0; i < n; i++)
        protocol_io(io, &m->Protocols[i]);
    if (io->v >= 8)
        kr_io_str(io, &m->Reason, true);
    else if (kr_io_reading(io))
        m->Reason = (struct kr_str){NULL, -1};
    kr_io_tags(io, NULL, m);
}

static void member_io(struct kr_io *io, struct kr_JoinGroupResponseMember *p)
{
    kr_io_str(io, &p->MemberId, false);
    if (io->v >= 5)
        kr_io_str(io, &p->GroupInstanceId, true);
    else if (kr_io_reading(io))
        p->GroupInstanceId = (struct kr_str){NULL, -1};
    kr_io_bytes(io, &p->Metadata, false);
    kr_io_tags(io, NULL, p);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_JoinGroupResponse *m = msg;
    /* ThrottleTimeMs is v2+; every supported version has it. */
    kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    kr_io_i32(io, &m->GenerationId);
    /* ProtocolType is sent back from v7 (KIP-559). */
    if (io->v >= 7)
        kr_io_str(io, &m->ProtocolType, true);
    else if (kr_io_reading(io))
        m->ProtocolType = (struct kr_str){NULL, -1};
    kr_io_str(io, &m->ProtocolName, io->v >= 7);
    kr_io_str(io, &m->Leader, false);
    if (io->v >= 9)
        kr_io_bool(io, &m->SkipAssignment);
    kr_io_str(io, &m->MemberId, false);
    int32_t n = kr_io_array(io, (void **)&m->Members, &m->MembersCnt,
                            sizeof *m->Members, member_min_wire(io), false);
    for (int32_t i = 0; i < n; i++)
        member_io(io, &m->Members[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_JoinGroup = {
    .key = KR_API_JoinGroup,
    .name = "JoinGroup",
    .min_ver = 2,
    .max_ver = 9,
    .flex_ver = 6,
    .req_size = sizeof(struct kr_JoinGroupRequest),
    .resp_size = sizeof(struct kr_JoinGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
