/* The table of sample fillers (see samples.h). */
#include "samples.h"

#define ENTRY(Name)                                                            \
    {KR_API_##Name, kr_sample_##Name##Request, kr_sample_##Name##Response}

static const struct kr_sample samples[] = {
    ENTRY(Produce),         ENTRY(Fetch),          ENTRY(ListOffsets),
    ENTRY(Metadata),        ENTRY(OffsetCommit),   ENTRY(OffsetFetch),
    ENTRY(FindCoordinator), ENTRY(JoinGroup),      ENTRY(Heartbeat),
    ENTRY(LeaveGroup),      ENTRY(SyncGroup),      ENTRY(DescribeGroups),
    ENTRY(ListGroups),      ENTRY(SaslHandshake),  ENTRY(ApiVersions),
    ENTRY(CreateTopics),    ENTRY(DeleteTopics),   ENTRY(InitProducerId),
    ENTRY(OffsetForLeaderEpoch), ENTRY(DescribeConfigs),
    ENTRY(SaslAuthenticate), ENTRY(CreatePartitions),
};

const struct kr_sample *kr_sample_find(int16_t key)
{
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        if (samples[i].key == key)
            return &samples[i];
    return NULL;
}
