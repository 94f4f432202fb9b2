/* ListGroups (key 16), versions 0-5, flexible from 3. */
#include "protocol/api_listgroups.h"

/* Smallest wire size of a ListedGroup over all versions, checked against the
 * bytes left before the arena allocates (io.h). */
#define GROUP_MIN_WIRE 3 /* v3: compact GroupId and ProtocolType, tags */

/* An array of non-null strings. */
static void str_array_io(struct kr_io *io, struct kr_str **arr, int32_t *cnt)
{
    /* an empty string: 2 bytes, or 1 when compact */
    int32_t n = kr_io_array(io, (void **)arr, cnt, sizeof **arr,
                            kr_io_str_min(io), false);
    for (int32_t i = 0; i < n; i++)
        kr_io_str(io, &(*arr)[i], false);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ListGroupsRequest *m = msg;
    if (io->v >= 4)
        str_array_io(io, &m->StatesFilter, &m->StatesFilterCnt);
    if (io->v >= 5)
        str_array_io(io, &m->TypesFilter, &m->TypesFilterCnt);
    kr_io_tags(io, NULL, m);
}

static void group_io(struct kr_io *io, struct kr_ListedGroup *g)
{
    kr_io_str(io, &g->GroupId, false);
    kr_io_str(io, &g->ProtocolType, false);
    if (io->v >= 4)
        kr_io_str(io, &g->GroupState, false);
    if (io->v >= 5)
        kr_io_str(io, &g->GroupType, false);
    kr_io_tags(io, NULL, g);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ListGroupsResponse *m = msg;
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    kr_io_i16(io, &m->ErrorCode);
    int32_t n = kr_io_array(io, (void **)&m->Groups, &m->GroupsCnt,
                            sizeof *m->Groups, GROUP_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        group_io(io, &m->Groups[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_ListGroups = {
    .key = KR_API_ListGroups,
    .name = "ListGroups",
    .min_ver = 0,
    .max_ver = 5,
    .flex_ver = 3,
    .req_size = sizeof(struct kr_ListGroupsRequest),
    .resp_size = sizeof(struct kr_ListGroupsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
