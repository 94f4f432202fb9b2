/* PLACEHOLDER sample SaslHandshake messages - being written. */
#include "samples.h"

void kr_sample_SaslHandshakeRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SaslHandshakeRequest *)msg)->Placeholder = 1;
}

void kr_sample_SaslHandshakeResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SaslHandshakeResponse *)msg)->Placeholder = 2;
}
