/* Sample ApiVersions messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_ApiVersionsRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ApiVersionsRequest *m = msg;
    (void)a;
    if (v >= 3) {
        m->ClientSoftwareName = kr_str_c("libkrafka");
        m->ClientSoftwareVersion = kr_str_c("0.1.0-test");
    }
}

static void sample_features(int16_t v, struct kr_ApiVersionsResponse *m,
                            struct kr_arena *a)
{
    if (v < 3)
        return;
    KR_SAMPLE_ARRAY(a, m->SupportedFeatures, m->SupportedFeaturesCnt, 2);
    m->SupportedFeatures[0] = (struct kr_SupportedFeatureKey){
        kr_str_c("metadata.version"), 1, 27};
    m->SupportedFeatures[1] = (struct kr_SupportedFeatureKey){
        kr_str_c("kraft.version"), 0, 1};
    m->FinalizedFeaturesEpoch = 4242;
    KR_SAMPLE_ARRAY(a, m->FinalizedFeatures, m->FinalizedFeaturesCnt, 2);
    m->FinalizedFeatures[0] = (struct kr_FinalizedFeatureKey){
        kr_str_c("metadata.version"), 25, 25};
    m->FinalizedFeatures[1] = (struct kr_FinalizedFeatureKey){
        kr_str_c("group.version"), 1, 0};
    m->ZkMigrationReady = true;
}

void kr_sample_ApiVersionsResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_ApiVersionsResponse *m = msg;
    /* KIP-511: ApiKeys is filled even with UNSUPPORTED_VERSION */
    m->ErrorCode = 35;
    KR_SAMPLE_ARRAY(a, m->ApiKeys, m->ApiKeysCnt, 3);
    m->ApiKeys[0] = (struct kr_ApiVersion){3, 0, 13};
    m->ApiKeys[1] = (struct kr_ApiVersion){12, 1, 4};
    m->ApiKeys[2] = (struct kr_ApiVersion){18, 2, 4};
    m->ThrottleTimeMs = v >= 1 ? 1500 : 0;
    m->FinalizedFeaturesEpoch = -1;
    sample_features(v, m, a);
}
