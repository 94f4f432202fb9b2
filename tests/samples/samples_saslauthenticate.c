/* PLACEHOLDER sample SaslAuthenticate messages - being written. */
#include "samples.h"

void kr_sample_SaslAuthenticateRequest(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SaslAuthenticateRequest *)msg)->Placeholder = 1;
}

void kr_sample_SaslAuthenticateResponse(int16_t v, void *msg, struct kr_arena *a)
{
    (void)v;
    (void)a;
    ((struct kr_SaslAuthenticateResponse *)msg)->Placeholder = 2;
}
