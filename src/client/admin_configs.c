/*
 * Configs through the admin handle: DescribeConfigs for one topic, a
 * blocking call sent to any broker. The answer is copied on the I/O thread
 * into one arena the result owns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "krafka/admin.h"
#include "protocol/apis.h"
#include "util/arena.h"

const char *krafka_config_source_name(krafka_config_source_t s)
{
    static const char *const names[] = {
        [KRAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC] = "DYNAMIC_TOPIC_CONFIG",
        [KRAFKA_CONFIG_SOURCE_DYNAMIC_BROKER] = "DYNAMIC_BROKER_CONFIG",
        [KRAFKA_CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER] =
            "DYNAMIC_DEFAULT_BROKER_CONFIG",
        [KRAFKA_CONFIG_SOURCE_STATIC_BROKER] = "STATIC_BROKER_CONFIG",
        [KRAFKA_CONFIG_SOURCE_DEFAULT] = "DEFAULT_CONFIG",
        [KRAFKA_CONFIG_SOURCE_DYNAMIC_BROKER_LOGGER] =
            "DYNAMIC_BROKER_LOGGER_CONFIG",
        [KRAFKA_CONFIG_SOURCE_CLIENT_METRICS] = "CLIENT_METRICS_CONFIG",
        [KRAFKA_CONFIG_SOURCE_GROUP] = "GROUP_CONFIG",
    };
    if ((int)s > 0 && (size_t)s < sizeof names / sizeof names[0] && names[s])
        return names[s];
    return "UNKNOWN";
}

/* A result and everything it points to, in one arena. */
struct ce_result {
    krafka_config_entries_t ce; /* first: what the user holds */
    struct kr_arena arena;
};

struct ce_call {
    struct kr_call call;
    struct kr_DescribeConfigsRequest msg;
    struct kr_DescribeConfigsResource res;
    char *topic;              /* owned */
    struct ce_result *result; /* owned until taken */
};

void krafka_config_entries_destroy(krafka_config_entries_t *ce)
{
    if (!ce)
        return;
    struct ce_result *r = (struct ce_result *)ce;
    kr_arena_destroy(&r->arena);
    free(r);
}

static bool copy_configs(struct ce_result *r,
                         const struct kr_DescribeConfigsResult *res)
{
    struct kr_arena *a = &r->arena;
    int32_t n = res->ConfigsCnt > 0 ? res->ConfigsCnt : 0;
    krafka_config_entry_t *e =
        n ? kr_arena_alloc(a, (size_t)n * sizeof *e) : NULL;
    if (n && !e)
        return false;
    for (int32_t i = 0; i < n; i++) {
        const struct kr_DescribeConfigsResourceResult *c = &res->Configs[i];
        int8_t src = c->ConfigSource;
        e[i] = (krafka_config_entry_t){
            .name = kr_str_arena_dup(a, c->Name),
            .value = c->IsSensitive ? NULL : kr_str_arena_dup(a, c->Value),
            .source = src > 0 ? (krafka_config_source_t)src
                              : KRAFKA_CONFIG_SOURCE_UNKNOWN,
            .is_default = src == KRAFKA_CONFIG_SOURCE_DEFAULT,
            .read_only = c->ReadOnly,
            .sensitive = c->IsSensitive};
        if (!e[i].name || (c->Value.len > 0 && !c->IsSensitive &&
                           !e[i].value))
            return false;
    }
    r->ce.entries = e;
    r->ce.cnt = n;
    return true;
}

static krafka_err_t ce_on_resp(struct kr_call *call, struct kr_client *c,
                               const void *resp, int16_t v)
{
    (void)c;
    (void)v;
    struct ce_call *cc = (struct ce_call *)call;
    const struct kr_DescribeConfigsResponse *res = resp;
    const struct kr_DescribeConfigsResult *mine = NULL;
    for (int32_t i = 0; i < res->ResultsCnt && !mine; i++)
        if (res->Results[i].ResourceType == KR_RESOURCE_TOPIC &&
            kr_str_eq(res->Results[i].ResourceName, cc->topic))
            mine = &res->Results[i];
    if (!mine) {
        snprintf(call->errstr, sizeof call->errstr,
                 "DescribeConfigs: the answer did not mention topic %s",
                 cc->topic);
        return KRAFKA_ERR_LOCAL_BAD_MSG;
    }
    if (mine->ErrorCode != 0) {
        if (mine->ErrorMessage.len > 0)
            snprintf(call->errstr, sizeof call->errstr, "%.*s",
                     (int)mine->ErrorMessage.len, mine->ErrorMessage.ptr);
        else
            snprintf(call->errstr, sizeof call->errstr, "%s",
                     krafka_err2str((krafka_err_t)mine->ErrorCode));
        return (krafka_err_t)mine->ErrorCode;
    }
    struct ce_result *r = calloc(1, sizeof *r);
    if (!r)
        return KRAFKA_ERR_LOCAL_NOMEM;
    kr_arena_init(&r->arena, KR_ARENA_MAX_DEFAULT);
    if (!copy_configs(r, mine)) {
        krafka_config_entries_destroy(&r->ce);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    cc->result = r;
    return KRAFKA_ERR_NONE;
}

static void ce_cleanup(struct kr_call *call)
{
    struct ce_call *cc = (struct ce_call *)call;
    krafka_config_entries_destroy(cc->result ? &cc->result->ce : NULL);
    free(cc->topic);
}

krafka_err_t krafka_admin_describe_topic_configs(
    krafka_admin_t *a, const char *topic, int timeout_ms,
    krafka_config_entries_t **out, char *errstr, size_t errstr_size)
{
    if (out)
        *out = NULL;
    if (!a || !out || !topic || !topic[0]) {
        if (errstr && errstr_size)
            snprintf(errstr, errstr_size,
                     "admin, topic and out must be given");
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    }
    struct ce_call *cc = (struct ce_call *)kr_call_new(sizeof *cc);
    if (!cc)
        return KRAFKA_ERR_LOCAL_NOMEM;
    cc->call.cleanup = ce_cleanup;
    cc->topic = strdup(topic);
    if (!cc->topic) {
        /* never submitted: drop both references */
        kr_call_release(&cc->call);
        kr_call_release(&cc->call);
        return KRAFKA_ERR_LOCAL_NOMEM;
    }
    cc->call.on_resp = ce_on_resp;
    cc->res = (struct kr_DescribeConfigsResource){
        .ResourceType = KR_RESOURCE_TOPIC,
        .ResourceName = kr_str_c(cc->topic),
        .ConfigurationKeysCnt = -1}; /* every key */
    cc->msg = (struct kr_DescribeConfigsRequest){.ResourcesCnt = 1,
                                                 .Resources = &cc->res};
    struct kr_client *c = kr_admin_client(a);
    cc->call.req = (struct kr_req){.api = &kr_api_DescribeConfigs,
                                   .msg = &cc->msg,
                                   .broker_id = KR_BROKER_ANY,
                                   .retry_transport = true};
    krafka_err_t err = kr_call_run(c, &cc->call, timeout_ms, errstr,
                                   errstr_size);
    if (err == KRAFKA_ERR_NONE) {
        *out = &cc->result->ce;
        cc->result = NULL;
    }
    kr_call_release(&cc->call);
    return err;
}
