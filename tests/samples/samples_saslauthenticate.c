/* Sample SaslAuthenticate messages. */
#include "samples.h"

/* SCRAM client-first and server-first messages (RFC 5802 example) */
static const uint8_t client_first[] = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
static const uint8_t server_first[] =
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";

void kr_sample_SaslAuthenticateRequest(int16_t v, void *msg,
                                       struct kr_arena *a)
{
    struct kr_SaslAuthenticateRequest *m = msg;
    (void)v;
    (void)a;
    m->AuthBytes = (struct kr_bytes){client_first, sizeof client_first - 1};
}

void kr_sample_SaslAuthenticateResponse(int16_t v, void *msg,
                                        struct kr_arena *a)
{
    struct kr_SaslAuthenticateResponse *m = msg;
    (void)a;
    m->ErrorCode = 58; /* SASL_AUTHENTICATION_FAILED */
    m->ErrorMessage = kr_str_c("bad credentials");
    m->AuthBytes = (struct kr_bytes){server_first, sizeof server_first - 1};
    m->SessionLifetimeMs = v >= 1 ? 3600000 : 0;
}
