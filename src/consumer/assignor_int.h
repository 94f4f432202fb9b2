/*
 * Internal to the assignors: the leader's view of a group, indexed once
 * so every assignor works on plain arrays. Partitions of all topics are
 * numbered 0..total-1, topic by topic in name order, so a per-partition
 * array in that order is also the output order (topics sorted by name,
 * partitions ascending).
 */
#ifndef KR_CONSUMER_ASSIGNOR_INT_H
#define KR_CONSUMER_ASSIGNOR_INT_H

#include "consumer/assignor.h"

/* Most partitions one assignment may cover (all topics together). */
#define KR_ASSIGN_MAX_PARTITIONS ((int32_t)1 << 24)

struct kr_aw {
    const struct kr_assign_input *in; /* borrowed */
    int32_t member_cnt;
    /* Member indices in the Java client's MemberInfo order: static
     * members (group.instance.id) first, by instance id, then dynamic
     * ones by member id. */
    int32_t *order; /* owned */
    /* Topics with partitions, deduplicated, sorted by name. */
    int32_t topic_cnt;
    const char **topics;  /* owned array; names borrowed from in */
    int32_t *part_cnt;    /* owned, per topic */
    int32_t *first;       /* owned, per topic: number of its partition 0 */
    int32_t total;        /* partitions of all topics */
    /* Per topic, its subscribers in `order`: tsub[tsub_off[t] ..
     * tsub_off[t+1]). Per member, its topics ascending: msub[msub_off[m]
     * .. msub_off[m+1]). Unknown topics are left out of both. */
    int32_t *tsub, *tsub_off; /* owned */
    int32_t *msub, *msub_off; /* owned */
    int32_t *owner; /* owned, per partition: the member given it, or -1 */
};

/* Indexes @in (borrowed for the life of @w). NONE, LOCAL_INVALID_ARG for
 * a malformed input, LOCAL_NOMEM, LOCAL_LIMIT_EXCEEDED. */
krafka_err_t kr_aw_init(struct kr_aw *w, const struct kr_assign_input *in,
                        char *errstr, size_t errstr_size);
void kr_aw_free(struct kr_aw *w);
/* The topic index of @name, or -1. */
int32_t kr_aw_topic(const struct kr_aw *w, const char *name);
/* Whether member @m subscribes to topic @t. */
bool kr_aw_subscribes(const struct kr_aw *w, int32_t m, int32_t t);
/* Builds @out (one assignment per member, input order) from w->owner. */
krafka_err_t kr_aw_output(const struct kr_aw *w, struct kr_assign_output *out,
                          char *errstr, size_t errstr_size);
/* snprintf into errstr when there is one; returns @err. */
krafka_err_t kr_aw_error(krafka_err_t err, char *errstr, size_t errstr_size,
                         const char *msg);

krafka_err_t kr_sticky_assign(const struct kr_assign_input *in,
                              struct kr_assign_output *out, char *errstr,
                              size_t errstr_size);
bool kr_sticky_user_data(struct kr_buf *out, const struct kr_cp_topic *owned,
                         int32_t owned_cnt, int32_t generation_id);
/* The generation a member's OwnedPartitions belong to: GenerationId
 * (v2+), else the one its UserData carries, else -1. */
int32_t kr_sticky_member_generation(const struct kr_cp_subscription *sub);

#endif
