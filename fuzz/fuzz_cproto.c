/*
 * libFuzzer target: the consumer protocol blobs (consumer/cproto.c).
 * Byte 0 bit 0 picks ConsumerProtocolSubscription (0) or
 * ConsumerProtocolAssignment (1); the rest is the blob.
 *
 * Beyond "no crash, no leak, no overread": a failed decode is
 * LOCAL_BAD_MSG (or NOMEM) and leaves the result empty; a blob that
 * decodes re-encodes at every version 0..3 and decodes back to the same
 * fields that version carries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consumer/assignor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

static bool bytes_eq(const uint8_t *a, int32_t an, const uint8_t *b,
                     int32_t bn)
{
    if (an != bn)
        return false;
    if (an < 0)
        return !a && !b;
    return an == 0 || !memcmp(a, b, (size_t)an);
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool topics_eq(const struct kr_cp_topic *a, int32_t an,
                      const struct kr_cp_topic *b, int32_t bn)
{
    if (an != bn)
        return false;
    for (int32_t i = 0; i < an; i++) {
        if (!str_eq(a[i].topic, b[i].topic) ||
            a[i].partition_cnt != b[i].partition_cnt)
            return false;
        for (int32_t j = 0; j < a[i].partition_cnt; j++)
            if (a[i].partitions[j] != b[i].partitions[j])
                return false;
    }
    return true;
}

/* @b decoded from @a written at @v: the fields of v match, the others
 * have their defaults. */
static bool sub_eq(const struct kr_cp_subscription *a,
                   const struct kr_cp_subscription *b, int v)
{
    if (a->topic_cnt != b->topic_cnt || b->version != v)
        return false;
    for (int32_t i = 0; i < a->topic_cnt; i++)
        if (!str_eq(a->topics[i], b->topics[i]))
            return false;
    if (!bytes_eq(a->user_data, a->user_data_len, b->user_data,
                  b->user_data_len))
        return false;
    if (v >= 1 ? !topics_eq(a->owned, a->owned_cnt, b->owned, b->owned_cnt)
               : b->owned_cnt != 0)
        return false;
    if (b->generation_id != (v >= 2 ? a->generation_id : -1))
        return false;
    return str_eq(b->rack_id, v >= 3 ? a->rack_id : NULL);
}

static void sub_roundtrips(const struct kr_cp_subscription *s)
{
    for (int v = 0; v <= 3; v++) {
        struct kr_buf b;
        struct kr_cp_subscription again;
        kr_buf_init(&b, 64 << 20);
        check(kr_cp_subscription_write(&b, s, (int16_t)v));
        check(kr_cp_subscription_read(&again, b.data, b.len, NULL, 0) ==
              KRAFKA_ERR_NONE);
        check(sub_eq(s, &again, v));
        kr_cp_subscription_free(&again);
        kr_buf_free(&b);
    }
}

static void asg_roundtrips(const struct kr_cp_assignment *a)
{
    for (int v = 0; v <= 3; v++) {
        struct kr_buf b;
        struct kr_cp_assignment again;
        kr_buf_init(&b, 64 << 20);
        check(kr_cp_assignment_write(&b, a, (int16_t)v));
        check(kr_cp_assignment_read(&again, b.data, b.len, NULL, 0) ==
              KRAFKA_ERR_NONE);
        check(again.version == v &&
              topics_eq(a->topics, a->topic_cnt, again.topics,
                        again.topic_cnt) &&
              bytes_eq(a->user_data, a->user_data_len, again.user_data,
                       again.user_data_len));
        kr_cp_assignment_free(&again);
        kr_buf_free(&b);
    }
}

/* Every assignor gives each partition to at most one member, and only
 * partitions that exist. */
static void assignors_cope(const struct kr_cp_subscription *s)
{
    struct kr_assign_topic topics[8];
    int32_t n = s->topic_cnt < 8 ? s->topic_cnt : 8;
    for (int32_t i = 0; i < n; i++)
        topics[i] = (struct kr_assign_topic){s->topics[i], i % 4 * 3};
    struct kr_assign_member m[2] = {{"a", NULL, s}, {"b", "b-1", s}};
    struct kr_assign_input in = {m, 2, topics, n, 7};
    static const char *const names[] = {"range", "roundrobin",
                                        "cooperative-sticky"};
    for (int k = 0; k < 3; k++) {
        struct kr_assign_output out;
        check(kr_assignor_find(names[k])->assign(&in, &out, NULL, 0) ==
              KRAFKA_ERR_NONE);
        check(out.member_cnt == 2);
        int32_t total = 0;
        for (int i = 0; i < 2; i++)
            for (int32_t t = 0; t < out.assignments[i].topic_cnt; t++)
                total += out.assignments[i].topics[t].partition_cnt;
        int32_t max = 0;
        for (int32_t i = 0; i < n; i++)
            max += topics[i].partition_cnt;
        check(total <= max); /* duplicate topic names count once */
        kr_assign_output_free(&out);
    }
}

static void failed_ok(krafka_err_t err, const char *errstr)
{
    check(err == KRAFKA_ERR_LOCAL_BAD_MSG || err == KRAFKA_ERR_LOCAL_NOMEM);
    check(errstr[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char errstr[256] = "";
    if ((data[0] & 1) == 0) {
        struct kr_cp_subscription s;
        krafka_err_t err = kr_cp_subscription_read(&s, data + 1, size - 1,
                                                   errstr, sizeof errstr);
        if (err == KRAFKA_ERR_NONE) {
            sub_roundtrips(&s);
            assignors_cope(&s);
        }
        else
            check(!s.topics && !s.owned && !s.user_data && !s.rack_id);
        if (err)
            failed_ok(err, errstr);
        kr_cp_subscription_free(&s);
    } else {
        struct kr_cp_assignment a;
        krafka_err_t err = kr_cp_assignment_read(&a, data + 1, size - 1,
                                                 errstr, sizeof errstr);
        if (err == KRAFKA_ERR_NONE)
            asg_roundtrips(&a);
        else
            check(!a.topics && !a.user_data);
        if (err)
            failed_ok(err, errstr);
        kr_cp_assignment_free(&a);
    }
    return 0;
}
