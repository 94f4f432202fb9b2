/* Helpers for the client integration tests: configurations for each
 * listener of the harness's brokers, and a log callback that keeps the
 * lines so tests can look for them. */
#ifndef KR_TESTS_CLIENT_UTIL_H
#define KR_TESTS_CLIENT_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "krafka/krafka.h"

/* The value of an environment variable the harness writes; fails the test
 * when it is missing. */
const char *kc_env(const char *name);

/* A configuration with bootstrap.servers = @bootstrap, the capturing log
 * callback, and each "name", "value" pair of the NULL-terminated list. */
krafka_conf_t *kc_conf(const char *bootstrap, ...);

/* Captured log lines ("LEVEL|FAC|message"), oldest first. */
struct kc_logline {
    int64_t at_us; /* monotonic */
    int level;
    char fac[16];
    char msg[400];
};
/* Copies up to @max captured lines whose message contains @needle (NULL:
 * all) into @out; returns how many. */
int kc_log_find(const char *needle, struct kc_logline *out, int max);
void kc_log_clear(void);
/* True when no captured line contains @s (e.g. a password). */
bool kc_log_lacks(const char *s);

/* A new admin handle; fails the test on error. */
krafka_admin_t *kc_admin(krafka_conf_t *conf);

/* Metadata for all topics, asserting success. */
void kc_metadata_ok(krafka_admin_t *a, int timeout_ms);

int64_t kc_now_ms(void);

/* A unique topic name. */
void kc_topic_name(char *out, size_t n, const char *prefix);

/* Creates @topic and waits (up to 30 s) until every partition has a
 * leader. */
void kc_create_topic(krafka_admin_t *a, const char *topic, int32_t parts,
                     int16_t rf);
void kc_delete_topic(krafka_admin_t *a, const char *topic);

/* The same through a temporary admin handle on @bootstrap: names @topic
 * after @prefix (NULL: @topic is already named), creates it with @parts
 * partitions and replication factor @rf; deletes it. */
void kc_new_topic(const char *bootstrap, char *topic, size_t n,
                  const char *prefix, int32_t parts, int16_t rf);
void kc_drop_topic(const char *bootstrap, const char *topic);

/* Raises @topic's partition count to @parts (CreatePartitions) and waits
 * (up to 30 s) until every partition has a leader. */
void kc_grow_topic(const char *bootstrap, const char *topic, int32_t parts);

/* Resumes every paused node of the cluster and restarts every dead one, so
 * that a test that failed half-way leaves a whole cluster to the next. */
void kc_heal_cluster(void);

/* Runs the harness: "kill 2", "resume 1", ... Fails the test on error. */
void kc_harness(const char *args);

#endif
