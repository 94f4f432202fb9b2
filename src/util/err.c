/* Error tables generated from KRAFKA_ERR_MAP (include/krafka/errors.h). */
#include "krafka/krafka.h"

struct err_desc {
    krafka_err_t code;
    bool retriable;
    const char *name;
    const char *msg;
};

static const struct err_desc err_descs[] = {
#define ERR_DESC(name, code, retriable, msg)                                   \
    {KRAFKA_ERR_##name, retriable, #name, msg},
    KRAFKA_ERR_LOCAL_MAP(ERR_DESC) KRAFKA_ERR_BROKER_MAP(ERR_DESC)
#undef ERR_DESC
};

static const struct err_desc *err_find(krafka_err_t err)
{
    for (size_t i = 0; i < sizeof err_descs / sizeof err_descs[0]; i++)
        if (err_descs[i].code == err)
            return &err_descs[i];
    return NULL;
}

const char *krafka_err2str(krafka_err_t err)
{
    const struct err_desc *d = err_find(err);
    return d ? d->msg : "Unknown error code";
}

const char *krafka_err2name(krafka_err_t err)
{
    const struct err_desc *d = err_find(err);
    return d ? d->name : "UNKNOWN_CODE";
}

bool krafka_err_is_retriable(krafka_err_t err)
{
    const struct err_desc *d = err_find(err);
    return d ? d->retriable : false;
}

int krafka_version(void)
{
    return KRAFKA_VERSION;
}

const char *krafka_version_str(void)
{
    return KRAFKA_VERSION_STR;
}
