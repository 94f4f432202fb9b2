/* SyncGroup (key 14), versions 0-5, flexible from 4. */
#include "protocol/api_syncgroup.h"

/* Smallest wire size of an assignment, checked against the bytes left
 * before the arena allocates (io.h): empty MemberId and Assignment, classic
 * (int16 + int32 lengths) or compact (one byte each, plus the tags). */
static size_t assignment_min_wire(const struct kr_io *io)
{
    return io->flex ? 3 : 6;
}

static void assignment_io(struct kr_io *io,
                          struct kr_SyncGroupRequestAssignment *p)
{
    kr_io_str(io, &p->MemberId, false);
    kr_io_bytes(io, &p->Assignment, false);
    kr_io_tags(io, NULL, p);
}

/* ProtocolType and ProtocolName (v5+, KIP-559), shared by both directions. */
static void protocol_io(struct kr_io *io, struct kr_str *type,
                        struct kr_str *name)
{
    if (io->v >= 5) {
        kr_io_str(io, type, true);
        kr_io_str(io, name, true);
    } else if (kr_io_reading(io)) {
        *type = (struct kr_str){NULL, -1};
        *name = (struct kr_str){NULL, -1};
    }
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_SyncGroupRequest *m = msg;
    kr_io_str(io, &m->GroupId, false);
    kr_io_i32(io, &m->GenerationId);
    kr_io_str(io, &m->MemberId, false);
    if (io->v >= 3)
        kr_io_str(io, &m->GroupInstanceId, true);
    else if (kr_io_reading(io))
        m->GroupInstanceId = (struct kr_str){NULL, -1};
    protocol_io(io, &m->ProtocolType, &m->ProtocolName);
    int32_t n = kr_io_array(io, (void **)&m->Assignments, &m->AssignmentsCnt,
                            sizeof *m->Assignments, assignment_min_wire(io),
                            false);
    for (int32_t i = 0; i < n; i++)
        assignment_io(io, &m->Assignments[i]);
    kr_io_tags(io, NULL, m);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_SyncGroupResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    protocol_io(io, &m->ProtocolType, &m->ProtocolName);
    kr_io_bytes(io, &m->Assignment, false);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_SyncGroup = {
    .key = KR_API_SyncGroup,
    .name = "SyncGroup",
    .min_ver = 0,
    .max_ver = 5,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_SyncGroupRequest),
    .resp_size = sizeof(struct kr_SyncGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
