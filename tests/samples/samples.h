/*
 * Sample messages for the codec tests, the fuzz seed generator and the
 * benches: for every API, a filler per direction that sets every field the
 * version has to a distinctive non-default value (arrays of two or more
 * elements, non-null nullable fields where the version allows, tagged fields
 * set to non-defaults where the version has them).
 *
 * A filler gets a zeroed message struct of the API at version @v; memory for
 * arrays comes from @a.
 */
#ifndef KR_TESTS_SAMPLES_H
#define KR_TESTS_SAMPLES_H

#include "protocol/apis.h"

typedef void (*kr_sample_fn)(int16_t v, void *msg, struct kr_arena *a);

struct kr_sample {
    int16_t key;
    kr_sample_fn req;
    kr_sample_fn resp;
};

/* The fillers of @key, or NULL. */
const struct kr_sample *kr_sample_find(int16_t key);

/* Arena-backed array helper for fillers. */
#define KR_SAMPLE_ARRAY(a, arr, cnt, n)                                        \
    ((cnt) = (n), (arr) = kr_arena_alloc((a), sizeof *(arr) * (size_t)(n)))

#define KR_SAMPLE_FNS(Name)                                                    \
    void kr_sample_##Name##Request(int16_t v, void *msg, struct kr_arena *a); \
    void kr_sample_##Name##Response(int16_t v, void *msg, struct kr_arena *a)

KR_SAMPLE_FNS(Produce);
KR_SAMPLE_FNS(Fetch);
KR_SAMPLE_FNS(ListOffsets);
KR_SAMPLE_FNS(Metadata);
KR_SAMPLE_FNS(OffsetCommit);
KR_SAMPLE_FNS(OffsetFetch);
KR_SAMPLE_FNS(FindCoordinator);
KR_SAMPLE_FNS(JoinGroup);
KR_SAMPLE_FNS(Heartbeat);
KR_SAMPLE_FNS(LeaveGroup);
KR_SAMPLE_FNS(SyncGroup);
KR_SAMPLE_FNS(DescribeGroups);
KR_SAMPLE_FNS(ListGroups);
KR_SAMPLE_FNS(SaslHandshake);
KR_SAMPLE_FNS(ApiVersions);
KR_SAMPLE_FNS(CreateTopics);
KR_SAMPLE_FNS(DeleteTopics);
KR_SAMPLE_FNS(InitProducerId);
KR_SAMPLE_FNS(OffsetForLeaderEpoch);
KR_SAMPLE_FNS(DescribeConfigs);
KR_SAMPLE_FNS(SaslAuthenticate);
KR_SAMPLE_FNS(CreatePartitions);

#endif
