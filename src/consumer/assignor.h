/*
 * Consumer group assignment: the "consumer" embedded protocol (the
 * ConsumerProtocolSubscription and ConsumerProtocolAssignment blobs that
 * JoinGroup and SyncGroup carry as opaque bytes) and the client-side
 * assignors with their standard names, so a group can mix libkrafka,
 * librdkafka and Java members: "range", "roundrobin",
 * "cooperative-sticky".
 *
 * Everything here is pure: no I/O, no threads, no global state. Decoders
 * take hostile bytes (another member wrote them) and are bounded.
 */
#ifndef KR_CONSUMER_ASSIGNOR_H
#define KR_CONSUMER_ASSIGNOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"
#include "util/buf.h"

/* One topic and some of its partitions. */
struct kr_cp_topic {
    char *topic;          /* owned, NUL-terminated */
    int32_t *partitions;  /* owned */
    int32_t partition_cnt;
};

/* ConsumerProtocolSubscription, versions 0-3 (decoders also read the
 * known prefix of higher versions). */
struct kr_cp_subscription {
    int16_t version;
    char **topics;                /* owned */
    int32_t topic_cnt;
    uint8_t *user_data;           /* owned; NULL: null */
    int32_t user_data_len;        /* -1: null */
    struct kr_cp_topic *owned;    /* v1+: OwnedPartitions; owned */
    int32_t owned_cnt;
    int32_t generation_id;        /* v2+; -1 when absent */
    char *rack_id;                /* v3+; owned; NULL: null */
};

/* ConsumerProtocolAssignment, versions 0-3. */
struct kr_cp_assignment {
    int16_t version;
    struct kr_cp_topic *topics;   /* owned: AssignedPartitions */
    int32_t topic_cnt;
    uint8_t *user_data;           /* owned; NULL: null */
    int32_t user_data_len;        /* -1: null */
};

/* Encoders append to @out at @version (0..3); false on allocation
 * failure, or (out->err LOCAL_INVALID_ARG) a version outside 0..3, a
 * NULL topic name or a string longer than 32767 bytes. */
bool kr_cp_subscription_write(struct kr_buf *out,
                              const struct kr_cp_subscription *s,
                              int16_t version);
bool kr_cp_assignment_write(struct kr_buf *out,
                            const struct kr_cp_assignment *a,
                            int16_t version);
/* Decoders: NONE, or LOCAL_BAD_MSG with a message in @errstr (a
 * truncated blob, a count larger than the bytes left, a negative
 * version, ...), or LOCAL_NOMEM. An empty blob (0 bytes) decodes as an
 * empty subscription/assignment, as the Java client does. Like Java, a
 * version above 3 is read with the v3 fields and bytes after the known
 * fields are ignored; out->version is the blob's own version. On error
 * *out is left empty (nothing to free). */
krafka_err_t kr_cp_subscription_read(struct kr_cp_subscription *out,
                                     const uint8_t *p, size_t len,
                                     char *errstr, size_t errstr_size);
krafka_err_t kr_cp_assignment_read(struct kr_cp_assignment *out,
                                   const uint8_t *p, size_t len,
                                   char *errstr, size_t errstr_size);
void kr_cp_subscription_free(struct kr_cp_subscription *s);
void kr_cp_assignment_free(struct kr_cp_assignment *a);

/* ---- assignors (run by the member the coordinator elects leader) ---- */

/* A member of the group, as the leader sees it in JoinGroupResponse. */
struct kr_assign_member {
    const char *member_id;          /* borrowed */
    const char *group_instance_id;  /* borrowed; NULL: dynamic member */
    const struct kr_cp_subscription *sub; /* borrowed, decoded */
};

/* A topic some member subscribes to, with its partition count from the
 * leader's metadata (0 or less: unknown, its partitions are not
 * assigned). */
struct kr_assign_topic {
    const char *topic;   /* borrowed */
    int32_t partition_cnt;
};

struct kr_assign_input {
    const struct kr_assign_member *members; /* borrowed */
    int32_t member_cnt;
    const struct kr_assign_topic *topics;   /* borrowed */
    int32_t topic_cnt;
    int32_t generation_id; /* the JoinGroupResponse's GenerationId */
};

/* Per member (same order as the input), the partitions it gets and the
 * UserData to send it (NULL/-1 for none). Topics sorted by name,
 * partitions ascending. */
struct kr_assign_output {
    struct kr_cp_assignment *assignments; /* owned, member_cnt of them */
    int32_t member_cnt;
};
void kr_assign_output_free(struct kr_assign_output *out);

struct kr_assignor {
    const char *name;        /* JoinGroup protocol name */
    bool cooperative;        /* incremental (KIP-429) rebalancing */
    /* Computes the assignment; every partition of every subscribed topic
     * goes to exactly one member subscribed to its topic, except that a
     * cooperative assignor leaves out, for this round, a partition it
     * moves away from a member that still claims it (KIP-429: the owner
     * revokes it first; the next rebalance assigns it). NONE, or an
     * error with a message (LOCAL_INVALID_ARG, LOCAL_NOMEM,
     * LOCAL_LIMIT_EXCEEDED). */
    krafka_err_t (*assign)(const struct kr_assign_input *in,
                           struct kr_assign_output *out, char *errstr,
                           size_t errstr_size);
    /* The Subscription UserData this assignor wants a member to send
     * (cooperative-sticky: as the Java client writes it, one int32
     * generation; librdkafka reads the v2+ GenerationId instead), or
     * NULL. @owned/@generation: the member's current assignment. Appends
     * to @out; false on allocation failure. */
    bool (*user_data)(struct kr_buf *out, const struct kr_cp_topic *owned,
                      int32_t owned_cnt, int32_t generation_id);
};

/* By name ("range", "roundrobin", "cooperative-sticky"), or NULL. */
const struct kr_assignor *kr_assignor_find(const char *name);

#endif
