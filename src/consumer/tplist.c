/* krafka_tp_list_t: the topic-partition lists of the consumer API. */
#include <stdlib.h>
#include <string.h>

#include "consumer/consumer.h"
#include "krafka/consumer.h"

krafka_tp_list_t *krafka_tp_list_new(size_t size_hint)
{
    krafka_tp_list_t *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (size_hint > 0 && size_hint < ((size_t)1 << 24)) {
        l->elems = calloc(size_hint, sizeof *l->elems);
        if (!l->elems) {
            free(l);
            return NULL;
        }
        l->cap = size_hint;
    }
    return l;
}

void krafka_tp_list_destroy(krafka_tp_list_t *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->cnt; i++) {
        free(l->elems[i].topic);
        free(l->elems[i].metadata);
    }
    free(l->elems);
    free(l);
}

krafka_topic_partition_t *krafka_tp_list_add(krafka_tp_list_t *l,
                                             const char *topic,
                                             int32_t partition)
{
    if (!l || !topic)
        return NULL;
    if (l->cnt == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        krafka_topic_partition_t *e = realloc(l->elems, cap * sizeof *e);
        if (!e)
            return NULL;
        l->elems = e;
        l->cap = cap;
    }
    char *t = strdup(topic);
    if (!t)
        return NULL;
    krafka_topic_partition_t *e = &l->elems[l->cnt++];
    *e = (krafka_topic_partition_t){.topic = t,
                                    .partition = partition,
                                    .offset = KRAFKA_OFFSET_INVALID,
                                    .leader_epoch = -1};
    return e;
}

krafka_err_t kr_tp_list_check(const krafka_tp_list_t *l)
{
    if (l->cnt && !l->elems)
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    for (size_t i = 0; i < l->cnt; i++)
        if (!l->elems[i].topic)
            return KRAFKA_ERR_LOCAL_INVALID_ARG;
    return KRAFKA_ERR_NONE;
}

krafka_topic_partition_t *krafka_tp_list_find(const krafka_tp_list_t *l,
                                              const char *topic,
                                              int32_t partition)
{
    if (!l || !topic)
        return NULL;
    for (size_t i = 0; i < l->cnt; i++)
        if (l->elems[i].partition == partition &&
            strcmp(l->elems[i].topic, topic) == 0)
            return &l->elems[i];
    return NULL;
}
