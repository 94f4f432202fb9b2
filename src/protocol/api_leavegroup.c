/* LeaveGroup (key 13), versions 0-5, flexible from 4. */
#include "protocol/api_leavegroup.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h). Both arrays exist only in v3+. */
static size_t identity_min_wire(const struct kr_io *io)
{
    /* MemberId, GroupInstanceId, Reason (v5+) [, tags] */
    if (!io->flex)
        return 4;
    return io->v >= 5 ? 4 : 3;
}

static size_t member_response_min_wire(const struct kr_io *io)
{
    return io->flex ? 5 : 6; /* MemberId, GroupInstanceId, ErrorCode */
}

static void identity_io(struct kr_io *io,
                        struct kr_LeaveGroupRequestMemberIdentity *p)
{
    kr_io_str(io, &p->MemberId, false);
    kr_io_str(io, &p->GroupInstanceId, true);
    if (io->v >= 5)
        kr_io_str(io, &p->Reason, true);
    else if (kr_io_reading(io))
        p->Reason = (struct kr_str){NULL, -1};
    kr_io_tags(io, NULL, p);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_LeaveGroupRequest *m = msg;
    kr_io_str(io, &m->GroupId, false);
    if (io->v <= 2) {
        kr_io_str(io, &m->MemberId, false);
    } else {
        /* v3+ removes several members at once (KIP-345). */
        int32_t n = kr_io_array(io, (void **)&m->Members, &m->MembersCnt,
                                sizeof *m->Members, identity_min_wire(io),
                                false);
        for (int32_t i = 0; i < n; i++)
            identity_io(io, &m->Members[i]);
    }
    kr_io_tags(io, NULL, m);
}

static void member_response_io(struct kr_io *io,
                               struct kr_LeaveGroupResponseMemberResponse *p)
{
    kr_io_str(io, &p->MemberId, false);
    kr_io_str(io, &p->GroupInstanceId, true);
    kr_io_i16(io, &p->ErrorCode);
    kr_io_tags(io, NULL, p);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_LeaveGroupResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    if (io->v >= 3) {
        int32_t n = kr_io_array(io, (void **)&m->Members, &m->MembersCnt,
                                sizeof *m->Members,
                                member_response_min_wire(io), false);
        for (int32_t i = 0; i < n; i++)
            member_response_io(io, &m->Members[i]);
    }
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_LeaveGroup = {
    .key = KR_API_LeaveGroup,
    .name = "LeaveGroup",
    .min_ver = 0,
    .max_ver = 5,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_LeaveGroupRequest),
    .resp_size = sizeof(struct kr_LeaveGroupResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
