/* Shared state of the conformance suite: the broker's API ranges. */
#ifndef KR_TESTS_CONFORMANCE_H
#define KR_TESTS_CONFORMANCE_H

#include "kafka_conn.h"

struct kt_range {
    int16_t min, max; /* -1/-1: broker does not offer the API */
};

/* Fills @r (indexed by API key, 0..KT_MAX_KEY) from the broker's ApiVersions
 * answer; returns the ApiVersions version that was used. */
#define KT_MAX_KEY 128
int16_t kt_broker_ranges(struct kt_conn *c, struct kt_range *r);

/* Highest version of @api both the codec and the broker support; -1 when
 * the ranges do not intersect. */
int16_t kt_common_max(const struct kt_range *r, const struct kr_api *api);
int16_t kt_common_min(const struct kt_range *r, const struct kr_api *api);



#include <check.h>

/* "<prefix>-<pid>-<usec>": a topic or group name no other run uses. */
void kt_unique_name(char *out, size_t n, const char *prefix);
/* CreateTopics (replication 1) and wait until every partition has a
 * leader. */
void kt_create_topic(struct kt_conn *c, const struct kt_range *r,
                     const char *name, int32_t partitions);
void kt_wait_leaders(struct kt_conn *c, const struct kt_range *r,
                     const char *name, int32_t partitions,
                     struct kr_uuid *topic_id);
void kt_delete_topic(struct kt_conn *c, const struct kt_range *r,
                     const char *name);
/* Runs @s without forking (one broker connection per test) and returns
 * the exit status. */
int kt_run_suite(Suite *s);
#endif
