/*
 * The consumer group (classic protocol): FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup on the I/O thread; the rebalance
 * callback on the application's poll thread. Shaped so that the KIP-848
 * protocol (ConsumerGroupHeartbeat) can sit beside it: the rest of the
 * consumer only sees subscribe/unsubscribe, rebalance events and the
 * commit identity below.
 */
#ifndef KR_CONSUMER_CGRP_H
#define KR_CONSUMER_CGRP_H

#include "consumer/consumer.h"

struct kr_cgrp *kr_cgrp_new(struct krafka_consumer *k);
/* Thread: any but io, after the I/O thread stopped: the timers, then
 * (after the client is gone) the rest. */
void kr_cgrp_stop_timers(struct kr_cgrp *g);
void kr_cgrp_destroy(struct kr_cgrp *g);

/* Thread: any. Replaces the subscription (copies @topics) and
 * (re)joins. */
krafka_err_t kr_cgrp_subscribe(struct krafka_consumer *k,
                               const char *const *topics, size_t cnt);
krafka_err_t kr_cgrp_unsubscribe(struct krafka_consumer *k);
/* Thread: any. The subscription as a list (partition -1), or NULL. */
krafka_tp_list_t *kr_cgrp_subscription(struct krafka_consumer *k);
/* Thread: any. True while a subscription is active. */
bool kr_cgrp_subscribed(struct krafka_consumer *k);

/* Thread: poll. Runs the rebalance callback for @it and applies the
 * change to the assignment. */
void kr_cgrp_apply_rebalance(struct krafka_consumer *k, struct kr_qitem *it);
/* Thread: poll. The application served rebalance event @rb_gen (the
 * callback ran and the change was applied). */
void kr_cgrp_rebalance_done(struct krafka_consumer *k, uint32_t rb_gen);
/* Thread: poll. The application polled (max.poll.interval.ms). */
void kr_cgrp_polled(struct krafka_consumer *k);

/* Thread: any. The generation and member id to commit with (-1 and "" for
 * a consumer that is not subscribed: a manual assignment commits without
 * them). REBALANCE_IN_PROGRESS when the consumer is subscribed but not in
 * a generation (joining, or its partitions were lost): the commit is
 * refused without a request, as Java's consumer does; polling rejoins. */
krafka_err_t kr_cgrp_commit_identity(struct krafka_consumer *k, int32_t *gen,
                             char *member_id, size_t member_id_size,
                             char *instance_id, size_t instance_id_size);
/* Thread: io. Metadata changed (regex subscriptions, partition counts). */
void kr_cgrp_metadata(struct krafka_consumer *k);
/* Thread: io. After every wakeup of the I/O thread. */
void kr_cgrp_wake(struct krafka_consumer *k);
/* Thread: any. Coordinator @node failed a request: look it up again,
 * unless another node is the coordinator by now (a late failure of a
 * request to the old one). @node < 0: whichever is the coordinator. */
void kr_cgrp_coordinator_dead(struct krafka_consumer *k, int32_t node,
                              const char *why);
/* Thread: any. The coordinator's node id, or -1 when not known. */
int32_t kr_cgrp_coordinator(struct kr_cgrp *g);

/* Thread: any but io. Leaves the group: revoke (served through the
 * application's rebalance callback on this thread), commit when
 * auto commit is on, LeaveGroup; waits at most @timeout_ms. */
krafka_err_t kr_cgrp_close(struct krafka_consumer *k, int timeout_ms);

#endif
