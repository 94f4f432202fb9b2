/* Heartbeat (key 12), versions 0-4, flexible from 4. */
#include "protocol/api_heartbeat.h"

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_HeartbeatRequest *m = msg;
    kr_io_str(io, &m->GroupId, false);
    kr_io_i32(io, &m->GenerationId);
    kr_io_str(io, &m->MemberId, false);
    if (io->v >= 3)
        kr_io_str(io, &m->GroupInstanceId, true);
    else if (kr_io_reading(io))
        m->GroupInstanceId = (struct kr_str){NULL, -1};
    kr_io_tags(io, NULL, m);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_HeartbeatResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_Heartbeat = {
    .key = KR_API_Heartbeat,
    .name = "Heartbeat",
    .min_ver = 0,
    .max_ver = 4,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_HeartbeatRequest),
    .resp_size = sizeof(struct kr_HeartbeatResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
