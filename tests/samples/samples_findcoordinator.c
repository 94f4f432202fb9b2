/* Sample FindCoordinator messages. Fields a version lacks keep their schema
 * defaults, so a decoded sample equals the filled one field by field. */
#include "samples.h"

void kr_sample_FindCoordinatorRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_FindCoordinatorRequest *m = msg;
    if (v <= 3) {
        m->Key = kr_str_c("txn-app-1");
    } else {
        KR_SAMPLE_ARRAY(a, m->CoordinatorKeys, m->CoordinatorKeysCnt, 2);
        m->CoordinatorKeys[0] = kr_str_c("txn-app-1");
        m->CoordinatorKeys[1] = kr_str_c("txn-app-2");
    }
    m->KeyType = v >= 1 ? 1 : 0; /* transaction */
}

static void sample_coordinators(struct kr_FindCoordinatorResponse *m,
                                struct kr_arena *a)
{
    KR_SAMPLE_ARRAY(a, m->Coordinators, m->CoordinatorsCnt, 2);
    struct kr_FindCoordinatorResponseCoordinator *c = m->Coordinators;
    c[0].Key = kr_str_c("txn-app-1");
    c[0].NodeId = 3;
    c[0].Host = kr_str_c("broker-3.example");
    c[0].Port = 9093;
    c[0].ErrorCode = 0;
    c[0].ErrorMessage = kr_str_c(NULL);
    c[1].Key = kr_str_c("txn-app-2");
    c[1].NodeId = -1;
    c[1].Host = kr_str_c("");
    c[1].Port = -1;
    c[1].ErrorCode = 15; /* COORDINATOR_NOT_AVAILABLE */
    c[1].ErrorMessage = kr_str_c("coordinator not available");
}

void kr_sample_FindCoordinatorResponse(int16_t v, void *msg,
                                       struct kr_arena *a)
{
    struct kr_FindCoordinatorResponse *m = msg;
    m->ThrottleTimeMs = v >= 1 ? 120 : 0;
    if (v >= 4) {
        sample_coordinators(m, a);
        return;
    }
    m->ErrorCode = 14; /* COORDINATOR_LOAD_IN_PROGRESS */
    if (v >= 1)
        m->ErrorMessage = kr_str_c("coordinator loading");
    m->NodeId = 3;
    m->Host = kr_str_c("broker-3.example");
    m->Port = 9093;
}
