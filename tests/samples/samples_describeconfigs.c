/* Sample DescribeConfigs messages. */
#include "samples.h"

void kr_sample_DescribeConfigsRequest(int16_t v, void *msg,
                                      struct kr_arena *a)
{
    struct kr_DescribeConfigsRequest *m = msg;
    KR_SAMPLE_ARRAY(a, m->Resources, m->ResourcesCnt, 2);
    m->Resources[0].ResourceType = KR_RESOURCE_TOPIC;
    m->Resources[0].ResourceName = kr_str_c("orders");
    m->Resources[0].ConfigurationKeysCnt = -1; /* every key */
    m->Resources[1].ResourceType = KR_RESOURCE_BROKER;
    m->Resources[1].ResourceName = kr_str_c("1");
    KR_SAMPLE_ARRAY(a, m->Resources[1].ConfigurationKeys,
                    m->Resources[1].ConfigurationKeysCnt, 2);
    m->Resources[1].ConfigurationKeys[0] = kr_str_c("log.retention.ms");
    m->Resources[1].ConfigurationKeys[1] = kr_str_c("num.io.threads");
    m->IncludeSynonyms = true;
    m->IncludeDocumentation = v >= 3;
}

void kr_sample_DescribeConfigsResponse(int16_t v, void *msg,
                                       struct kr_arena *a)
{
    struct kr_DescribeConfigsResponse *m = msg;
    m->ThrottleTimeMs = 7;
    KR_SAMPLE_ARRAY(a, m->Results, m->ResultsCnt, 2);
    struct kr_DescribeConfigsResult *r = &m->Results[0];
    r->ErrorMessage = kr_str_c(NULL);
    r->ResourceType = KR_RESOURCE_TOPIC;
    r->ResourceName = kr_str_c("orders");
    KR_SAMPLE_ARRAY(a, r->Configs, r->ConfigsCnt, 2);
    struct kr_DescribeConfigsResourceResult *c = &r->Configs[0];
    c->Name = kr_str_c("retention.ms");
    c->Value = kr_str_c("3600000");
    c->ConfigSource = 1; /* DYNAMIC_TOPIC_CONFIG */
    KR_SAMPLE_ARRAY(a, c->Synonyms, c->SynonymsCnt, 2);
    c->Synonyms[0].Name = kr_str_c("retention.ms");
    c->Synonyms[0].Value = kr_str_c("3600000");
    c->Synonyms[0].Source = 1;
    c->Synonyms[1].Name = kr_str_c("log.retention.hours");
    c->Synonyms[1].Value = kr_str_c(NULL);
    c->Synonyms[1].Source = 5; /* DEFAULT_CONFIG */
    c->ConfigType = v >= 3 ? 5 : 0; /* LONG */
    c->Documentation = kr_str_c(v >= 3 ? "How long to keep a log." : NULL);
    c = &r->Configs[1];
    c->Name = kr_str_c("sasl.jaas.config");
    c->Value = kr_str_c(NULL);
    c->ReadOnly = true;
    c->ConfigSource = 4; /* STATIC_BROKER_CONFIG */
    c->IsSensitive = true;
    c->Documentation = kr_str_c(NULL);
    r = &m->Results[1];
    r->ErrorCode = 3; /* UNKNOWN_TOPIC_OR_PARTITION */
    r->ErrorMessage = kr_str_c("The topic 'gone' does not exist.");
    r->ResourceType = KR_RESOURCE_TOPIC;
    r->ResourceName = kr_str_c("gone");
}
