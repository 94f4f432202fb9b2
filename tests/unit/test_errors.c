/*
 * The error table: lookups by code, the shape of the table (unique codes and
 * names, local codes below -100, broker codes contiguous up to Kafka 4.1's
 * highest), and the retriable flags against Kafka's RetriableException set.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "krafka/errors.h"
#include "kt_check.h"

struct entry {
    int code;
    int retriable;
    const char *name;
    const char *msg;
};

#define ENTRY(name, code, retriable, msg) {code, retriable, #name, msg},
static const struct entry local_entries[] = {KRAFKA_ERR_LOCAL_MAP(ENTRY)};
static const struct entry broker_entries[] = {KRAFKA_ERR_BROKER_MAP(ENTRY)};
#undef ENTRY

#define N_LOCAL (sizeof local_entries / sizeof local_entries[0])
#define N_BROKER (sizeof broker_entries / sizeof broker_entries[0])

/* The highest code of Kafka 4.1's Errors (SHARE_SESSION_LIMIT_REACHED). */
#define BROKER_MAX 133


/* The protocol values are the enum values (STYLE.md section 4). */
_Static_assert(KRAFKA_ERR_NONE == 0, "NONE is 0");
_Static_assert(KRAFKA_ERR_UNKNOWN_SERVER_ERROR == -1, "UNKNOWN_SERVER_ERROR");
_Static_assert(KRAFKA_ERR_NOT_LEADER_OR_FOLLOWER == 6, "NOT_LEADER");
_Static_assert(KRAFKA_ERR_UNSUPPORTED_VERSION == 35, "UNSUPPORTED_VERSION");
_Static_assert(KRAFKA_ERR_SHARE_SESSION_LIMIT_REACHED == BROKER_MAX, "max");

/* Codes Kafka never assigned between -1 and BROKER_MAX. Kafka 4.1 has no
 * gap; a later Kafka that leaves a hole gets a `case` here. */
static bool is_gap(int code)
{
    switch (code) {
    default:
        return false;
    }
}

START_TEST(none_is_success_and_not_retriable)
{
    ck_assert_str_eq(krafka_err2name(KRAFKA_ERR_NONE), "NONE");
    ck_assert_str_eq(krafka_err2str(KRAFKA_ERR_NONE), "Success");
    ck_assert(!krafka_err_is_retriable(KRAFKA_ERR_NONE));
}
END_TEST

START_TEST(not_leader_or_follower_is_code_6_and_retriable)
{
    krafka_err_t err = (krafka_err_t)6;
    ck_assert_str_eq(krafka_err2name(err), "NOT_LEADER_OR_FOLLOWER");
    ck_assert_str_eq(krafka_err2str(err), "Broker: not leader or follower");
    ck_assert(krafka_err_is_retriable(err));
}
END_TEST

START_TEST(unsupported_version_is_code_35_and_not_retriable)
{
    krafka_err_t err = (krafka_err_t)35;
    ck_assert_str_eq(krafka_err2name(err), "UNSUPPORTED_VERSION");
    ck_assert_str_eq(krafka_err2str(err), "Broker: unsupported version");
    ck_assert(!krafka_err_is_retriable(err));
}
END_TEST

START_TEST(highest_code_is_share_session_limit_reached)
{
    krafka_err_t err = (krafka_err_t)BROKER_MAX;
    ck_assert_str_eq(krafka_err2name(err), "SHARE_SESSION_LIMIT_REACHED");
    ck_assert_str_eq(krafka_err2str(err),
                     "Broker: share session limit reached");
    ck_assert(krafka_err_is_retriable(err));
    int max = -1;
    for (size_t i = 0; i < N_BROKER; i++)
        if (broker_entries[i].code > max)
            max = broker_entries[i].code;
    ck_assert_int_eq(max, BROKER_MAX);
}
END_TEST

START_TEST(local_codes_resolve_to_their_names)
{
    ck_assert_str_eq(krafka_err2name(KRAFKA_ERR_LOCAL_BAD_MSG),
                     "LOCAL_BAD_MSG");
    ck_assert_str_eq(krafka_err2str(KRAFKA_ERR_LOCAL_BAD_MSG),
                     "Local: malformed message");
    ck_assert(!krafka_err_is_retriable(KRAFKA_ERR_LOCAL_BAD_MSG));
    ck_assert(krafka_err_is_retriable(KRAFKA_ERR_LOCAL_TRANSPORT));
}
END_TEST

START_TEST(unknown_codes_are_unknown_code_and_not_retriable)
{
    static const int unknown[] = {BROKER_MAX + 1, 999, 32767, -2, -100,
                                  -200, -32768};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        krafka_err_t err = (krafka_err_t)unknown[i];
        ck_assert_str_eq(krafka_err2name(err), "UNKNOWN_CODE");
        ck_assert_ptr_nonnull(krafka_err2str(err));
        ck_assert(!krafka_err_is_retriable(err));
    }
}
END_TEST

START_TEST(every_entry_has_a_unique_code_and_name)
{
    const struct entry *all[N_LOCAL + N_BROKER];
    size_t n = 0;
    for (size_t i = 0; i < N_LOCAL; i++)
        all[n++] = &local_entries[i];
    for (size_t i = 0; i < N_BROKER; i++)
        all[n++] = &broker_entries[i];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            ck_assert_msg(all[i]->code != all[j]->code, "%s and %s share %d",
                          all[i]->name, all[j]->name, all[i]->code);
            ck_assert_msg(strcmp(all[i]->name, all[j]->name) != 0,
                          "name %s twice", all[i]->name);
        }
        /* and the lookups find this very entry */
        ck_assert_str_eq(krafka_err2name((krafka_err_t)all[i]->code),
                         all[i]->name);
        ck_assert_str_eq(krafka_err2str((krafka_err_t)all[i]->code),
                         all[i]->msg);
        ck_assert_int_eq(krafka_err_is_retriable((krafka_err_t)all[i]->code),
                         all[i]->retriable);
    }
}
END_TEST

START_TEST(local_codes_are_below_minus_100_and_named_local)
{
    for (size_t i = 0; i < N_LOCAL; i++) {
        ck_assert_int_lt(local_entries[i].code, -100);
        ck_assert(strncmp(local_entries[i].name, "LOCAL_", 6) == 0);
        ck_assert(strncmp(local_entries[i].msg, "Local: ", 7) == 0);
    }
}
END_TEST

START_TEST(broker_codes_are_contiguous_from_minus_1_to_the_max)
{
    bool seen[BROKER_MAX + 2] = {false}; /* index code + 1 */
    for (size_t i = 0; i < N_BROKER; i++) {
        int code = broker_entries[i].code;
        ck_assert_int_ge(code, -1);
        ck_assert_int_le(code, BROKER_MAX);
        ck_assert(strncmp(broker_entries[i].name, "LOCAL_", 6) != 0);
        if (code != 0)
            ck_assert(strncmp(broker_entries[i].msg, "Broker: ", 8) == 0);
        seen[code + 1] = true;
    }
    size_t gaps = 0;
    for (int code = -1; code <= BROKER_MAX; code++) {
        ck_assert_msg(seen[code + 1] != is_gap(code),
                      "code %d: present %d, listed as gap %d", code,
                      seen[code + 1], is_gap(code));
        gaps += is_gap(code);
    }
    /* no duplicates either: one entry per assigned code */
    ck_assert_uint_eq(N_BROKER, BROKER_MAX + 2 - gaps);
}
END_TEST

/* Kafka 4.1's codes whose exception class is a RetriableException (directly,
 * or through InvalidMetadataException / RefreshRetriableException). */
static const int kafka_retriable[] = {
    2,  /* CORRUPT_MESSAGE */
    3,  /* UNKNOWN_TOPIC_OR_PARTITION */
    5,  /* LEADER_NOT_AVAILABLE */
    6,  /* NOT_LEADER_OR_FOLLOWER */
    7,  /* REQUEST_TIMED_OUT */
    9,  /* REPLICA_NOT_AVAILABLE */
    13, /* NETWORK_EXCEPTION */
    14, /* COORDINATOR_LOAD_IN_PROGRESS */
    15, /* COORDINATOR_NOT_AVAILABLE */
    16, /* NOT_COORDINATOR */
    19, /* NOT_ENOUGH_REPLICAS */
    20, /* NOT_ENOUGH_REPLICAS_AFTER_APPEND */
    41, /* NOT_CONTROLLER */
    51, /* CONCURRENT_TRANSACTIONS (retriable since Kafka 3.4) */
    56, /* KAFKA_STORAGE_ERROR */
    70, /* FETCH_SESSION_ID_NOT_FOUND */
    71, /* INVALID_FETCH_SESSION_EPOCH */
    72, /* LISTENER_NOT_FOUND */
    74, /* FENCED_LEADER_EPOCH */
    75, /* UNKNOWN_LEADER_EPOCH */
    78, /* OFFSET_NOT_AVAILABLE */
    80, /* PREFERRED_LEADER_NOT_AVAILABLE */
    83, /* ELIGIBLE_LEADERS_NOT_AVAILABLE */
    84, /* ELECTION_NOT_NEEDED */
    88, /* UNSTABLE_OFFSET_COMMIT */
    89, /* THROTTLING_QUOTA_EXCEEDED */
    100, /* UNKNOWN_TOPIC_ID */
    103, /* INCONSISTENT_TOPIC_ID */
    106, /* FETCH_SESSION_TOPIC_ID_ERROR */
    122, /* SHARE_SESSION_NOT_FOUND */
    123, /* INVALID_SHARE_SESSION_EPOCH */
    133, /* SHARE_SESSION_LIMIT_REACHED */
};

START_TEST(broker_retriable_flags_match_kafka)
{
    size_t n = sizeof kafka_retriable / sizeof kafka_retriable[0];
    for (size_t i = 0; i < N_BROKER; i++) {
        bool want = false;
        for (size_t j = 0; j < n; j++)
            want = want || kafka_retriable[j] == broker_entries[i].code;
        ck_assert_msg(broker_entries[i].retriable == (want ? 1 : 0),
                      "%s (%d): retriable %d", broker_entries[i].name,
                      broker_entries[i].code, broker_entries[i].retriable);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, none_is_success_and_not_retriable);
    tcase_add_test(tc, not_leader_or_follower_is_code_6_and_retriable);
    tcase_add_test(tc, unsupported_version_is_code_35_and_not_retriable);
    tcase_add_test(tc, highest_code_is_share_session_limit_reached);
    tcase_add_test(tc, local_codes_resolve_to_their_names);
    tcase_add_test(tc, unknown_codes_are_unknown_code_and_not_retriable);
    tcase_add_test(tc, every_entry_has_a_unique_code_and_name);
    tcase_add_test(tc, local_codes_are_below_minus_100_and_named_local);
    tcase_add_test(tc, broker_codes_are_contiguous_from_minus_1_to_the_max);
    tcase_add_test(tc, broker_retriable_flags_match_kafka);
    suite_add_tcase(s, tc);
    return kt_run(s);
}
