/* Sample SaslHandshake messages. */
#include "samples.h"

void kr_sample_SaslHandshakeRequest(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_SaslHandshakeRequest *m = msg;
    (void)v;
    (void)a;
    m->Mechanism = kr_str_c("SCRAM-SHA-512");
}

void kr_sample_SaslHandshakeResponse(int16_t v, void *msg, struct kr_arena *a)
{
    struct kr_SaslHandshakeResponse *m = msg;
    (void)v;
    m->ErrorCode = 33; /* UNSUPPORTED_SASL_MECHANISM */
    KR_SAMPLE_ARRAY(a, m->Mechanisms, m->MechanismsCnt, 3);
    m->Mechanisms[0] = kr_str_c("PLAIN");
    m->Mechanisms[1] = kr_str_c("SCRAM-SHA-256");
    m->Mechanisms[2] = kr_str_c("OAUTHBEARER");
}
