/* ApiVersions (key 18), versions 0-4, flexible from 3. */
#include "protocol/api_apiversions.h"

/* Smallest wire size of an array element, checked against the bytes left
 * before the arena allocates (io.h): three int16 (+ a tag byte when
 * flexible); a compact name byte, two int16 and a tag byte. */
#define API_VERSION_MIN_WIRE 6
#define FEATURE_KEY_MIN_WIRE 6

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_ApiVersionsRequest *m = msg;
    if (io->v >= 3) {
        kr_io_str(io, &m->ClientSoftwareName, false);
        kr_io_str(io, &m->ClientSoftwareVersion, false);
    }
    kr_io_tags(io, NULL, m);
}

static void api_version_io(struct kr_io *io, struct kr_ApiVersion *k)
{
    kr_io_i16(io, &k->ApiKey);
    kr_io_i16(io, &k->MinVersion);
    kr_io_i16(io, &k->MaxVersion);
    kr_io_tags(io, NULL, k);
}

static void supported_features_io(struct kr_io *io,
                                  struct kr_ApiVersionsResponse *m)
{
    int32_t n = kr_io_array(io, (void **)&m->SupportedFeatures,
                            &m->SupportedFeaturesCnt,
                            sizeof *m->SupportedFeatures, FEATURE_KEY_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_SupportedFeatureKey *f = &m->SupportedFeatures[i];
        kr_io_str(io, &f->Name, false);
        kr_io_i16(io, &f->MinVersion);
        kr_io_i16(io, &f->MaxVersion);
        kr_io_tags(io, NULL, f);
    }
}

static void finalized_features_io(struct kr_io *io,
                                  struct kr_ApiVersionsResponse *m)
{
    int32_t n = kr_io_array(io, (void **)&m->FinalizedFeatures,
                            &m->FinalizedFeaturesCnt,
                            sizeof *m->FinalizedFeatures, FEATURE_KEY_MIN_WIRE,
                            false);
    for (int32_t i = 0; i < n; i++) {
        struct kr_FinalizedFeatureKey *f = &m->FinalizedFeatures[i];
        kr_io_str(io, &f->Name, false);
        kr_io_i16(io, &f->MaxVersionLevel);
        kr_io_i16(io, &f->MinVersionLevel);
        kr_io_tags(io, NULL, f);
    }
}

/* Top-level tags 0-3 (v3+): written only when they differ from their
 * defaults (empty, -1, empty, false). */
static bool response_tag_io(struct kr_io *io, uint32_t tag, void *obj)
{
    struct kr_ApiVersionsResponse *m = obj;
    bool writing = !kr_io_reading(io);
    switch (tag) {
    case 0:
        if (writing && m->SupportedFeaturesCnt == 0)
            return false;
        supported_features_io(io, m);
        return true;
    case 1:
        if (writing && m->FinalizedFeaturesEpoch == -1)
            return false;
        kr_io_i64(io, &m->FinalizedFeaturesEpoch);
        return true;
    case 2:
        if (writing && m->FinalizedFeaturesCnt == 0)
            return false;
        finalized_features_io(io, m);
        return true;
    case 3:
        if (writing && !m->ZkMigrationReady)
            return false;
        kr_io_bool(io, &m->ZkMigrationReady);
        return true;
    default:
        return false;
    }
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_ApiVersionsResponse *m = msg;
    kr_io_i16(io, &m->ErrorCode);
    int32_t n = kr_io_array(io, (void **)&m->ApiKeys, &m->ApiKeysCnt,
                            sizeof *m->ApiKeys, API_VERSION_MIN_WIRE, false);
    for (int32_t i = 0; i < n; i++)
        api_version_io(io, &m->ApiKeys[i]);
    if (io->v >= 1)
        kr_io_i32(io, &m->ThrottleTimeMs);
    /* Default of the tagged FinalizedFeaturesEpoch, kept when the tag is
     * absent and in v0-2, which have no tags. */
    if (kr_io_reading(io))
        m->FinalizedFeaturesEpoch = -1;
    kr_io_tags(io, response_tag_io, m);
}

const struct kr_api kr_api_ApiVersions = {
    .key = KR_API_ApiVersions,
    .name = "ApiVersions",
    .min_ver = 0,
    .max_ver = 4,
    .flex_ver = 3,
    .req_size = sizeof(struct kr_ApiVersionsRequest),
    .resp_size = sizeof(struct kr_ApiVersionsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
