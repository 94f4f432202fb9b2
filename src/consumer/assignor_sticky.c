/*
 * "cooperative-sticky": a balanced assignment that keeps each partition
 * with its current owner as far as balance allows, under the incremental
 * (cooperative, KIP-429) rebalance protocol.
 *
 * The result agrees with the Java client's CooperativeStickyAssignor and
 * librdkafka's on what matters to the other members (the rules below),
 * not necessarily partition for partition: only the leader runs it.
 *
 * 1. Claims. A member's OwnedPartitions count for stickiness only when
 *    its generation (GenerationId, v2+, else the one in its UserData) is
 *    the highest any member reports: claims from older generations are
 *    stale and ignored (the Java client does the same). A partition two
 *    members of that generation both claim is kept by neither. Claims on
 *    topics the member no longer subscribes to, unknown topics or
 *    partitions that do not exist are ignored.
 * 2. Every valid claim is kept. The other partitions, those with the
 *    fewest possible consumers first, go one by one to the subscriber
 *    with the fewest partitions.
 * 3. Balance: while a partition's holder has at least two more than some
 *    other subscriber of its topic, and no holder of that topic has more,
 *    it moves to the least loaded one;
 *    partitions that are not kept claims move first, so claims move only
 *    when balance needs it. With equal subscriptions this ends with
 *    max - min <= 1 and moves the fewest claimed partitions possible.
 * 4. Cooperative rule: a partition given to a member that does not claim
 *    it, while some other member does (stale claims included: that
 *    member may still be fetching it), is left out of this round. Its
 *    owner revokes it when it sees its assignment and rejoins; the next
 *    rebalance hands it out.
 */
#include <stdlib.h>
#include <string.h>

#include "consumer/assignor_int.h"
#include "protocol/io.h"

#define CLAIM_NONE (-1)
#define CLAIM_DUP (-2) /* claimed twice in the newest generation */

#define RAW_CLAIMED 1u /* some member claims it, whatever its generation */
#define RAW_MINE 2u    /* the member it is given to claims it */

struct sticky {
    struct kr_aw w;
    int32_t *gen;     /* per member */
    int32_t *count;   /* per member: partitions held */
    int32_t *claim;   /* per partition: valid claimer or CLAIM_* */
    int32_t *topic;   /* per partition: its topic */
    uint8_t *raw;     /* per partition: RAW_* bits */
    int32_t *held;    /* per member and topic: partitions of it held */
    int32_t max_gen;  /* the newest generation any member reports */
};

/* Older members carry their generation in UserData: the Java client's
 * CooperativeStickyAssignor writes one int32 "generation"; librdkafka's
 * sticky assignors write StickyAssignorUserData v1, [Topic [Partition]]
 * then int32 generation. Anything else: unknown (-1). */
static int32_t user_data_generation(const uint8_t *p, int32_t len)
{
    if (!p || len < 4)
        return -1;
    if (len == 4)
        return (int32_t)kr_load_be32(p);
    struct kr_rd rd;
    kr_rd_init(&rd, p, (size_t)len);
    int32_t n = (int32_t)kr_rd_be32(&rd);
    for (int32_t i = 0; i < n && !rd.err; i++) {
        int16_t sl = (int16_t)kr_rd_be16(&rd);
        kr_rd_take(&rd, sl < 0 ? SIZE_MAX : (size_t)sl);
        int32_t pc = (int32_t)kr_rd_be32(&rd);
        kr_rd_take(&rd, pc < 0 ? SIZE_MAX : (size_t)pc * 4);
    }
    int32_t gen = (int32_t)kr_rd_be32(&rd);
    if (rd.err || n < 0 || kr_rd_left(&rd) != 0)
        return -1;
    return gen;
}

int32_t kr_sticky_member_generation(const struct kr_cp_subscription *sub)
{
    if (sub->version >= 2)
        return sub->generation_id;
    return user_data_generation(sub->user_data, sub->user_data_len);
}

bool kr_sticky_user_data(struct kr_buf *out, const struct kr_cp_topic *owned,
                         int32_t owned_cnt, int32_t generation_id)
{
    /* The Java client's COOPERATIVE_STICKY_ASSIGNOR_USER_DATA_V0: one
     * int32 "generation" (the owned partitions travel in the
     * Subscription's OwnedPartitions). */
    (void)owned;
    (void)owned_cnt;
    kr_buf_put_be32(out, (uint32_t)generation_id);
    return !out->err;
}

/* Calls @fn for every existing partition member @m claims. */
static void each_claim(struct sticky *s, int32_t m,
                       void (*fn)(struct sticky *, int32_t m, int32_t t,
                                  int32_t p))
{
    const struct kr_cp_subscription *sub = s->w.in->members[m].sub;
    for (int32_t i = 0; sub->owned && i < sub->owned_cnt; i++) {
        const struct kr_cp_topic *ot = &sub->owned[i];
        int32_t t = kr_aw_topic(&s->w, ot->topic);
        for (int32_t j = 0; t >= 0 && ot->partitions && j < ot->partition_cnt;
             j++) {
            int32_t q = ot->partitions[j];
            if (q >= 0 && q < s->w.part_cnt[t])
                fn(s, m, t, s->w.first[t] + q);
        }
    }
}

static void note_claim(struct sticky *s, int32_t m, int32_t t, int32_t p)
{
    s->raw[p] |= RAW_CLAIMED;
    if (s->gen[m] != s->max_gen || !kr_aw_subscribes(&s->w, m, t))
        return;
    if (s->claim[p] == CLAIM_NONE)
        s->claim[p] = m;
    else if (s->claim[p] != m)
        s->claim[p] = CLAIM_DUP;
}

static void note_mine(struct sticky *s, int32_t m, int32_t t, int32_t p)
{
    (void)t;
    if (s->w.owner[p] == m)
        s->raw[p] |= RAW_MINE;
}

/* Step 1 and the kept claims of step 2. */
static void take_claims(struct sticky *s)
{
    int32_t n = s->w.member_cnt;
    s->max_gen = -1;
    for (int32_t m = 0; m < n; m++) {
        s->gen[m] = kr_sticky_member_generation(s->w.in->members[m].sub);
        if (s->gen[m] > s->max_gen)
            s->max_gen = s->gen[m];
    }
    for (int32_t m = 0; m < n; m++)
        each_claim(s, m, note_claim);
    for (int32_t p = 0; p < s->w.total; p++) {
        if (s->claim[p] >= 0) {
            s->w.owner[p] = s->claim[p];
            s->count[s->claim[p]]++;
        }
    }
}

/* The subscriber of topic @t holding the fewest partitions (the first in
 * member order on a tie), or -1 when nobody subscribes. */
static int32_t least_loaded(const struct sticky *s, int32_t t)
{
    int32_t best = -1;
    for (int32_t i = s->w.tsub_off[t]; i < s->w.tsub_off[t + 1]; i++) {
        int32_t m = s->w.tsub[i];
        if (best < 0 || s->count[m] < s->count[best])
            best = m;
    }
    return best;
}

/* The most partitions held by a member holding some of topic @t. */
static int32_t most_loaded_holder(const struct sticky *s, int32_t t)
{
    int32_t most = 0;
    for (int32_t i = s->w.tsub_off[t]; i < s->w.tsub_off[t + 1]; i++) {
        int32_t m = s->w.tsub[i];
        if (s->held[(size_t)m * (size_t)s->w.topic_cnt + (size_t)t] > 0 &&
            s->count[m] > most)
            most = s->count[m];
    }
    return most;
}

/* An unclaimed partition waiting for a member, with its sort key. */
struct pending {
    int32_t consumers; /* subscribers of its topic */
    int32_t p;
};

/* Fewest possible consumers first (they have the least choice), then
 * partition order. */
static int pending_cmp(const void *pa, const void *pb)
{
    const struct pending *a = pa, *b = pb;
    if (a->consumers != b->consumers)
        return a->consumers < b->consumers ? -1 : 1;
    return a->p < b->p ? -1 : a->p > b->p;
}

/* Step 2: the partitions nobody validly claims, to the least loaded
 * subscriber each. */
static bool assign_unclaimed(struct sticky *s)
{
    const struct kr_aw *w = &s->w;
    struct pending *pd = malloc((w->total > 0 ? (size_t)w->total : 1) *
                                sizeof *pd);
    if (!pd)
        return false;
    size_t n = 0;
    for (int32_t p = 0; p < w->total; p++) {
        int32_t t = s->topic[p];
        int32_t c = w->tsub_off[t + 1] - w->tsub_off[t];
        if (w->owner[p] < 0 && c > 0)
            pd[n++] = (struct pending){.consumers = c, .p = p};
    }
    qsort(pd, n, sizeof *pd, pending_cmp);
    for (size_t i = 0; i < n; i++) {
        int32_t m = least_loaded(s, s->topic[pd[i].p]);
        w->owner[pd[i].p] = m;
        s->count[m]++;
    }
    free(pd);
    return true;
}

/* One step 3 pass over the partitions that are (@kept) or are not kept
 * claims. Only the most loaded give partitions away: moving from a
 * member that is merely two above the least loaded one would take more
 * claims than balance needs (12 claims held 6/6 plus a new member must
 * move 2 from each, not 3 from the first). Returns whether anything
 * moved. */
static bool balance_pass(struct sticky *s, bool kept)
{
    bool moved = false;
    for (int32_t p = 0; p < s->w.total; p++) {
        int32_t a = s->w.owner[p];
        int32_t t = s->topic[p];
        if (a < 0 || (s->claim[p] == a) != kept ||
            s->count[a] < most_loaded_holder(s, t))
            continue;
        int32_t b = least_loaded(s, t);
        if (s->count[a] - s->count[b] >= 2) {
            s->w.owner[p] = b;
            s->count[a]--;
            s->count[b]++;
            s->held[(size_t)a * (size_t)s->w.topic_cnt + (size_t)t]--;
            s->held[(size_t)b * (size_t)s->w.topic_cnt + (size_t)t]++;
            moved = true;
        }
    }
    return moved;
}

/* Step 3. Each move lowers the sum of squared loads, so it ends. */
static void balance(struct sticky *s)
{
    for (int32_t p = 0; p < s->w.total; p++)
        if (s->w.owner[p] >= 0)
            s->held[(size_t)s->w.owner[p] * (size_t)s->w.topic_cnt +
                    (size_t)s->topic[p]]++;
    for (;;) {
        bool moved = balance_pass(s, false);
        if (!balance_pass(s, true) && !moved)
            break;
    }
}

/* Step 4. */
static void withhold_transfers(struct sticky *s)
{
    for (int32_t m = 0; m < s->w.member_cnt; m++)
        each_claim(s, m, note_mine);
    for (int32_t p = 0; p < s->w.total; p++)
        if (s->w.owner[p] >= 0 && (s->raw[p] & RAW_CLAIMED) &&
            !(s->raw[p] & RAW_MINE))
            s->w.owner[p] = -1;
}

static void sticky_free(struct sticky *s)
{
    free(s->gen);
    free(s->count);
    free(s->claim);
    free(s->topic);
    free(s->raw);
    free(s->held);
    kr_aw_free(&s->w);
}

static bool sticky_alloc(struct sticky *s)
{
    size_t m = s->w.member_cnt ? (size_t)s->w.member_cnt : 1;
    size_t p = s->w.total ? (size_t)s->w.total : 1;
    s->gen = calloc(m, sizeof *s->gen);
    s->count = calloc(m, sizeof *s->count);
    s->claim = malloc(p * sizeof *s->claim);
    s->topic = malloc(p * sizeof *s->topic);
    s->raw = calloc(p, 1);
    s->held = calloc(m * (s->w.topic_cnt ? (size_t)s->w.topic_cnt : 1),
                     sizeof *s->held);
    if (!s->gen || !s->count || !s->claim || !s->topic || !s->raw ||
        !s->held)
        return false;
    for (int32_t t = 0; t < s->w.topic_cnt; t++)
        for (int32_t q = 0; q < s->w.part_cnt[t]; q++) {
            s->topic[s->w.first[t] + q] = t;
            s->claim[s->w.first[t] + q] = CLAIM_NONE;
        }
    return true;
}

krafka_err_t kr_sticky_assign(const struct kr_assign_input *in,
                              struct kr_assign_output *out, char *errstr,
                              size_t errstr_size)
{
    struct sticky s;
    memset(&s, 0, sizeof s);
    krafka_err_t err = kr_aw_init(&s.w, in, errstr, errstr_size);
    if (err)
        return err;
    if (!sticky_alloc(&s)) {
        sticky_free(&s);
        return kr_aw_error(KRAFKA_ERR_LOCAL_NOMEM, errstr, errstr_size,
                           "assignor: out of memory");
    }
    take_claims(&s);
    bool ok = assign_unclaimed(&s);
    if (ok) {
        balance(&s);
        withhold_transfers(&s);
        err = kr_aw_output(&s.w, out, errstr, errstr_size);
    } else {
        err = kr_aw_error(KRAFKA_ERR_LOCAL_NOMEM, errstr, errstr_size,
                          "assignor: out of memory");
    }
    sticky_free(&s);
    return err;
}
