/* FindCoordinator (key 10), versions 0-6, flexible from 3. */
#include "protocol/api_findcoordinator.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h). Both arrays exist only in v4+, which
 * is flexible. */
#define KEY_MIN_WIRE 1          /* empty compact string */
#define COORDINATOR_MIN_WIRE 14 /* Key, NodeId, Host, Port, ErrorCode,
                                   ErrorMessage, tags */

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_FindCoordinatorRequest *m = msg;
    if (io->v <= 3)
        kr_io_str(io, &m->Key, false);
    if (io->v >= 1)
        kr_io_i8(io, &m->KeyType);
    /* v4+ batches several keys in one request (KIP-699). */
    if (io->v >= 4) {
        int32_t n = kr_io_array(io, (void **)&m->CoordinatorKeys,
                                &m->CoordinatorKeysCnt,
                                sizeof *m->CoordinatorKeys, KEY_MIN_WIRE,
                                false);
        for (int32_t i = 0; i < n; i++)
            kr_io_str(io, &m->CoordinatorKeys[i], false);
    }
    kr_io_tags(io, NULL, m);
}

static void coordinator_io(struct kr_io *io,
                           struct kr_FindCoordinatorResponseCoordinator *c)
{
    kr_io_str(io, &c->Key, false);
    kr_io_i32(io, &c->NodeId);
    kr_io_str(io, &c->Host, false);
    kr_io_i32(io, &c->Port);
    kr_io_i16(io, &c->ErrorCode);
    kr_io_str(io, &c->ErrorMessage, true);
    kr_io_tags(io, NULL, c);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_FindCoordinatorResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    if (io->v <= 3) {
        kr_io_i16(io, &m->ErrorCode);
        if (io->v >= 1)
            kr_io_str(io, &m->ErrorMessage, true);
        kr_io_i32(io, &m->NodeId);
        kr_io_str(io, &m->Host, false);
        kr_io_i32(io, &m->Port);
    } else {
        int32_t n = kr_io_array(io, (void **)&m->Coordinators,
                                &m->CoordinatorsCnt, sizeof *m->Coordinators,
                                COORDINATOR_MIN_WIRE, false);
        for (int32_t i = 0; i < n; i++)
            coordinator_io(io, &m->Coordinators[i]);
    }
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_FindCoordinator = {
    .key = KR_API_FindCoordinator,
    .name = "FindCoordinator",
    .min_ver = 0,
    .max_ver = 6,
    .flex_ver = 3,
    .req_size = sizeof(struct kr_FindCoordinatorRequest),
    .resp_size = sizeof(struct kr_FindCoordinatorResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
