/* DescribeConfigs (key 32), versions 1-4 (0 was removed by KIP-896),
 * flexible from 4. */
#include "protocol/api_describeconfigs.h"

static void resource_io(struct kr_io *io,
                        struct kr_DescribeConfigsResource *r)
{
    kr_io_i8(io, &r->ResourceType);
    kr_io_str(io, &r->ResourceName, false);
    /* []string: an element takes at least its length prefix */
    int32_t n = kr_io_array(io, (void **)&r->ConfigurationKeys,
                            &r->ConfigurationKeysCnt,
                            sizeof *r->ConfigurationKeys, kr_io_str_min(io),
                            true);
    for (int32_t i = 0; i < n; i++)
        kr_io_str(io, &r->ConfigurationKeys[i], false);
    kr_io_tags(io, NULL, r);
}

static void request_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeConfigsRequest *m = msg;
    /* ResourceType, ResourceName, ConfigurationKeys, tags */
    size_t min = 1 + kr_io_str_min(io) + kr_io_array_min(io) +
                 kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, m->Resources, m->ResourcesCnt, false, min);
    for (int32_t i = 0; i < n; i++)
        resource_io(io, &m->Resources[i]);
    kr_io_bool(io, &m->IncludeSynonyms); /* v1+: every supported version */
    if (io->v >= 3)
        kr_io_bool(io, &m->IncludeDocumentation);
    kr_io_tags(io, NULL, m);
}

static void synonym_io(struct kr_io *io, struct kr_DescribeConfigsSynonym *s)
{
    kr_io_str(io, &s->Name, false);
    kr_io_str(io, &s->Value, true);
    kr_io_i8(io, &s->Source);
    kr_io_tags(io, NULL, s);
}

static void config_io(struct kr_io *io,
                      struct kr_DescribeConfigsResourceResult *c)
{
    kr_io_str(io, &c->Name, false);
    kr_io_str(io, &c->Value, true);
    kr_io_bool(io, &c->ReadOnly);
    kr_io_i8(io, &c->ConfigSource); /* v1+: every supported version */
    kr_io_bool(io, &c->IsSensitive);
    /* Name, Value, Source, tags */
    size_t min = 2 * kr_io_str_min(io) + 1 + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, c->Synonyms, c->SynonymsCnt, false, min);
    for (int32_t i = 0; i < n; i++)
        synonym_io(io, &c->Synonyms[i]);
    if (io->v >= 3) {
        kr_io_i8(io, &c->ConfigType);
        kr_io_str(io, &c->Documentation, true);
    } else if (kr_io_reading(io)) {
        c->Documentation = kr_str_c(NULL);
    }
    kr_io_tags(io, NULL, c);
}

/* Name, Value, ReadOnly, ConfigSource, IsSensitive, Synonyms, tags (v3+:
 * ConfigType and Documentation). */
static size_t config_min(const struct kr_io *io)
{
    return 2 * kr_io_str_min(io) + 3 + kr_io_array_min(io) +
           (io->v >= 3 ? 1 + kr_io_str_min(io) : 0) + kr_io_tags_min(io);
}

static void result_io(struct kr_io *io, struct kr_DescribeConfigsResult *r)
{
    kr_io_i16(io, &r->ErrorCode);
    kr_io_str(io, &r->ErrorMessage, true);
    kr_io_i8(io, &r->ResourceType);
    kr_io_str(io, &r->ResourceName, false);
    int32_t n = KR_IO_ARRAY_MIN(io, r->Configs, r->ConfigsCnt, false,
                                config_min(io));
    for (int32_t i = 0; i < n; i++)
        config_io(io, &r->Configs[i]);
    kr_io_tags(io, NULL, r);
}

static void response_io(struct kr_io *io, void *msg)
{
    struct kr_DescribeConfigsResponse *m = msg;
    kr_io_i32(io, &m->ThrottleTimeMs);
    /* ErrorCode, ErrorMessage, ResourceType, ResourceName, Configs, tags */
    size_t min = 2 + 2 * kr_io_str_min(io) + 1 + kr_io_array_min(io) +
                 kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, m->Results, m->ResultsCnt, false, min);
    for (int32_t i = 0; i < n; i++)
        result_io(io, &m->Results[i]);
    kr_io_tags(io, NULL, m);
}

const struct kr_api kr_api_DescribeConfigs = {
    .key = KR_API_DescribeConfigs,
    .name = "DescribeConfigs",
    .min_ver = 1,
    .max_ver = 4,
    .flex_ver = 4,
    .req_size = sizeof(struct kr_DescribeConfigsRequest),
    .resp_size = sizeof(struct kr_DescribeConfigsResponse),
    .req_io = request_io,
    .resp_io = response_io,
};
