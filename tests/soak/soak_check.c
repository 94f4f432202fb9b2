/* krafka-soak checker: compares what the producers were told with what
 * the group consumed, prints the figures and every violation. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

struct verdict {
    uint64_t lost, misplaced, dups, reorders, holes, unreported;
    uint64_t failed_but_written, commit_behind_end, commit_ahead;
};

/* Where each producer's record was first seen: seen[pid][seq], -1: not. */
struct seen {
    int64_t *offset;
    int32_t *partition;
};

static bool alloc_seen(struct soak *s, struct seen *sn)
{
    for (int i = 0; i < s->o.producers; i++) {
        uint64_t n = s->prod[i].cap;
        sn[i].offset = malloc((n ? n : 1) * sizeof *sn[i].offset);
        sn[i].partition = malloc((n ? n : 1) * sizeof *sn[i].partition);
        if (!sn[i].offset || !sn[i].partition)
            return false;
        for (uint64_t k = 0; k < n; k++)
            sn[i].offset[k] = -1;
    }
    return true;
}

/* One partition in offset order: every offset below the high watermark
 * consumed, each producer's sequence increasing, no record twice. */
static void walk_partition(struct soak *s, int p, struct seen *sn,
                           struct verdict *v)
{
    const struct soak_part *pt = &s->log.parts[p];
    uint64_t last[SOAK_MAX_PRODUCERS];
    bool any[SOAK_MAX_PRODUCERS] = {false};
    for (int64_t off = 0; off < s->hwm[p]; off++) {
        const struct soak_entry *e = off < pt->cap ? &pt->at[off] : NULL;
        if (!e || e->pid == 0) {
            if (v->holes++ < 10)
                soak_say("VIOLATION %d@%" PRId64 " never consumed", p, off);
            continue;
        }
        int pid = e->pid - 1;
        if (pid >= s->o.producers || e->seq >= s->prod[pid].cap) {
            if (v->holes++ < 10)
                soak_say("VIOLATION %d@%" PRId64 " holds unknown %d/%" PRIu64,
                         p, off, pid, e->seq);
            continue;
        }
        if (any[pid] && e->seq <= last[pid] && v->reorders++ < 10)
            soak_say("VIOLATION reorder: %d@%" PRId64 " has %d/%" PRIu64
                     " after %d/%" PRIu64, p, off, pid, e->seq, pid,
                     last[pid]);
        any[pid] = true;
        last[pid] = e->seq;
        if (sn[pid].offset[e->seq] >= 0) {
            if (v->dups++ < 10)
                soak_say("VIOLATION duplicate: %d/%" PRIu64 " at %d@%" PRId64
                         " and %d@%" PRId64, pid, e->seq,
                         (int)sn[pid].partition[e->seq],
                         sn[pid].offset[e->seq], p, off);
            continue;
        }
        sn[pid].offset[e->seq] = off;
        sn[pid].partition[e->seq] = p;
    }
}

/* Every acknowledged record consumed, where its report said. */
static void check_reports(struct soak *s, struct seen *sn, struct verdict *v)
{
    for (int i = 0; i < s->o.producers; i++) {
        const struct soak_producer *sp = &s->prod[i];
        for (uint64_t k = 0; k < sp->cap; k++) {
            const struct soak_slot *sl = &sp->slots[k];
            bool found = sn[i].offset[k] >= 0;
            if (sl->state == SLOT_SENT && v->unreported++ < 10)
                soak_say("VIOLATION %d/%" PRIu64 " never reported", i, k);
            if (sl->state == SLOT_FAILED && found)
                v->failed_but_written++;
            if (sl->state != SLOT_ACKED)
                continue;
            if (!found) {
                if (v->lost++ < 10)
                    soak_say("VIOLATION lost: %d/%" PRIu64 " acked at %d@%"
                             PRId64 ", never consumed", i, k,
                             (int)sl->partition, sl->offset);
            } else if (sl->partition != sn[i].partition[k] ||
                       (sl->offset >= 0 && sl->offset != sn[i].offset[k])) {
                if (v->misplaced++ < 10)
                    soak_say("VIOLATION %d/%" PRIu64 " acked at %d@%" PRId64
                             ", consumed at %d@%" PRId64, i, k,
                             (int)sl->partition, sl->offset,
                             (int)sn[i].partition[k], sn[i].offset[k]);
            }
        }
    }
}

static void check_commits(struct soak *s, struct verdict *v)
{
    for (int p = 0; p < s->o.partitions; p++) {
        int64_t c = s->committed[p], end = s->log.parts[p].processed_end;
        if (c > end) {
            v->commit_ahead++;
            soak_say("VIOLATION final commit %d@%" PRId64 " > processed "
                     "end %" PRId64, p, c, end);
        }
        if (c != s->hwm[p]) {
            v->commit_behind_end++;
            soak_say("VIOLATION final commit %d@%" PRId64 " != high "
                     "watermark %" PRId64, p, c, s->hwm[p]);
        }
    }
}

static void print_producers(struct soak *s)
{
    uint64_t sent = 0, acked = 0, failed = 0, serr = 0, dupr = 0;
    for (int i = 0; i < s->o.producers; i++) {
        const struct soak_producer *sp = &s->prod[i];
        sent += sp->sent;
        acked += sp->acked;
        failed += sp->failed;
        serr += sp->send_errs;
        dupr += sp->dup_reports;
        for (int k = 0; k < SOAK_MAX_ERRS && sp->errs[k].n; k++)
            printf("  producer-%d failed with %s: %" PRIu64 "\n", i,
                   krafka_err2name(sp->errs[k].err), sp->errs[k].n);
    }
    printf("records sent:          %" PRIu64 "\n", sent);
    printf("records acknowledged:  %" PRIu64 "\n", acked);
    printf("records failed:        %" PRIu64 "\n", failed);
    printf("send() errors:         %" PRIu64 "\n", serr);
    printf("unexpected reports:    %" PRIu64 "\n", dupr);
}

static uint64_t print_figures(struct soak *s, const struct verdict *v,
                              int64_t max_stall_ms[3], int64_t end_ms[3],
                              uint64_t long_stalls)
{
    const struct soak_log *lg = &s->log;
    uint64_t restarts = 0, unique = 0, rewinds = 0;
    for (int i = 0; i < s->o.consumers; i++) {
        restarts += s->mem[i].restarts;
        rewinds += s->mem[i].rewinds;
    }
    for (int p = 0; p < s->o.partitions; p++)
        unique += (uint64_t)(s->hwm[p] > 0 ? s->hwm[p] : 0);
    print_producers(s);
    printf("records in the log:    %" PRIu64 " (high watermarks)\n", unique);
    printf("records consumed:      %" PRIu64 " (%" PRIu64 " redelivered)\n",
           lg->consumed, lg->redelivered);
    printf("failed but written:    %" PRIu64 "\n", v->failed_but_written);
    printf("consumer restarts:     %" PRIu64 "\n", restarts);
    printf("rewinds:               %" PRIu64 " (a member read a partition "
           "back without a rebalance)\n", rewinds);
    printf("rebalances:            %" PRIu64 " assigned, %" PRIu64
           " revoked, %" PRIu64 " lost callbacks\n",
           (uint64_t)s->assigned_cbs, (uint64_t)s->revoked_cbs,
           (uint64_t)s->lost_cbs);
    printf("commits:               %" PRIu64 " ok, %" PRIu64 " failed "
           "(async, per partition)\n", lg->commits_ok, lg->commits_failed);
    printf("max stall:             %" PRId64 " ms (ended at +%.1f s); "
           "acks %" PRId64 " ms (+%.1f s), consumption %" PRId64
           " ms (+%.1f s)\n", max_stall_ms[0], (double)end_ms[0] / 1000,
           max_stall_ms[1], (double)end_ms[1] / 1000, max_stall_ms[2],
           (double)end_ms[2] / 1000);
    printf("stalls of 2 s or more: %" PRIu64 "\n", long_stalls);
    printf("group converged:       %s\n", s->converged ? "yes" : "NO");
    uint64_t total = v->lost + v->misplaced + v->dups + v->reorders +
                     v->holes + v->unreported + v->commit_ahead +
                     v->commit_behind_end + lg->conflicts + lg->garbage +
                     lg->commit_ahead + !s->converged + rewinds;
    printf("violations:            %" PRIu64 ": lost %" PRIu64
           ", duplicates %" PRIu64 ", reorders %" PRIu64 ", misplaced %"
           PRIu64 ", holes %" PRIu64 ", unreported %" PRIu64
           ", conflicting reads %" PRIu64 ", unreadable %" PRIu64
           ", commits ahead %" PRIu64 ", final commit != end %" PRIu64
           ", rewinds %" PRIu64 "\n",
           total, v->lost, v->dups, v->reorders, v->misplaced, v->holes,
           v->unreported, lg->conflicts, lg->garbage,
           lg->commit_ahead + v->commit_ahead, v->commit_behind_end,
           rewinds);
    printf("soak: %s\n", total ? "FAILED" : "PASSED");
    fflush(stdout);
    return total;
}

/* KRAFKA_SOAK_CORRUPT=1 damages what was recorded before the check, to
 * show that the checker sees each kind of violation: a record lost, one
 * copied over another partition's, two of a producer swapped, a commit
 * past the processed end. */
static void corrupt(struct soak *s)
{
    struct soak_part *p0 = &s->log.parts[0], *p1 = &s->log.parts[1];
    int64_t n0 = s->hwm[0], n1 = s->hwm[1];
    if (s->o.partitions < 2 || n0 < 100 || n1 < 100)
        return;
    p0->at[n0 / 2].pid = 0; /* lost */
    p1->at[n1 / 2] = p0->at[n0 / 4]; /* duplicate */
    for (int64_t b = 11; b < n0 / 4; b++) { /* reorder */
        if (p0->at[b].pid == p0->at[10].pid) {
            struct soak_entry t = p0->at[10];
            p0->at[10] = p0->at[b];
            p0->at[b] = t;
            break;
        }
    }
    s->committed[2] = s->log.parts[2].processed_end + 1; /* ahead */
    soak_say("KRAFKA_SOAK_CORRUPT: damaged the records before the check");
}

uint64_t soak_check(struct soak *s, int64_t max_stall_ms[3],
                    int64_t stall_end_ms[3], uint64_t long_stalls)
{
    struct verdict v = {0};
    struct seen sn[SOAK_MAX_PRODUCERS] = {{0}};
    if (!alloc_seen(s, sn)) {
        fprintf(stderr, "krafka-soak: out of memory in the checker\n");
        return 1;
    }
    if (getenv("KRAFKA_SOAK_CORRUPT"))
        corrupt(s);
    for (int p = 0; p < s->o.partitions; p++)
        walk_partition(s, p, sn, &v);
    check_reports(s, sn, &v);
    check_commits(s, &v);
    uint64_t total = print_figures(s, &v, max_stall_ms, stall_end_ms,
                                   long_stalls);
    for (int i = 0; i < s->o.producers; i++) {
        free(sn[i].offset);
        free(sn[i].partition);
    }
    return total;
}
