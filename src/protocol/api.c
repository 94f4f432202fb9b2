/* API table, headers and framing (see api.h). */
#include "protocol/api.h"

#include "protocol/apis.h"

const struct kr_api *const kr_apis[] = {
    &kr_api_Produce,        &kr_api_Fetch,
    &kr_api_ListOffsets,    &kr_api_Metadata,
    &kr_api_OffsetCommit,   &kr_api_OffsetFetch,
    &kr_api_FindCoordinator, &kr_api_JoinGroup,
    &kr_api_Heartbeat,      &kr_api_LeaveGroup,
    &kr_api_SyncGroup,      &kr_api_DescribeGroups,
    &kr_api_ListGroups,     &kr_api_SaslHandshake,
    &kr_api_ApiVersions,    &kr_api_CreateTopics,
    &kr_api_DeleteTopics,   &kr_api_InitProducerId,
    &kr_api_OffsetForLeaderEpoch, &kr_api_DescribeConfigs,
    &kr_api_SaslAuthenticate, &kr_api_CreatePartitions,
};
const size_t kr_apis_cnt = sizeof kr_apis / sizeof kr_apis[0];

const struct kr_api *kr_api_find(int16_t key)
{
    for (size_t i = 0; i < kr_apis_cnt; i++)
        if (kr_apis[i]->key == key)
            return kr_apis[i];
    return NULL;
}

/* ApiVersions responses always use header v0 (so that a client can parse
 * the answer to a version the broker does not know, KIP-511). */
static bool resp_header_flexible(const struct kr_api *api, int16_t v)
{
    return api->key != KR_API_ApiVersions && kr_api_is_flexible(api, v);
}

/* kr_msg_write, with records referenced in @refs (NULL: copied). */
static krafka_err_t msg_write(struct kr_buf *out, struct kr_refs *refs,
                              const struct kr_api *api, int16_t v,
                              bool response, const void *msg)
{
    if (!kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    struct kr_io io;
    kr_io_init_write(&io, v, kr_api_is_flexible(api, v), out);
    io.refs = refs;
    /* The walker only reads the message in write mode. */
    (response ? api->resp_io : api->req_io)(&io, (void *)msg);
    kr_io_ok(&io);
    return io.err;
}

krafka_err_t kr_msg_write(struct kr_buf *out, const struct kr_api *api,
                          int16_t v, bool response, const void *msg)
{
    return msg_write(out, NULL, api, v, response, msg);
}

krafka_err_t kr_msg_read(const struct kr_api *api, int16_t v, bool response,
                         const void *p, size_t len, struct kr_arena *arena,
                         void *msg)
{
    if (!kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    memset(msg, 0, response ? api->resp_size : api->req_size);
    struct kr_io io;
    kr_io_init_read(&io, v, kr_api_is_flexible(api, v), p, len, arena);
    (response ? api->resp_io : api->req_io)(&io, msg);
    kr_io_ok(&io);
    return io.err;
}

static void request_header_io(struct kr_io *io, struct kr_RequestHeader *h)
{
    bool flex = io->flex;
    kr_io_i16(io, &h->RequestApiKey);
    kr_io_i16(io, &h->RequestApiVersion);
    kr_io_i32(io, &h->CorrelationId);
    io->flex = false; /* ClientId is never a compact string */
    kr_io_str(io, &h->ClientId, true);
    io->flex = flex;
    kr_io_tags(io, NULL, h); /* header v2 only */
}

krafka_err_t kr_request_write(struct kr_buf *out, const struct kr_api *api,
                              int16_t v, int32_t correlation_id,
                              const char *client_id, const void *req)
{
    return kr_request_write_refs(out, NULL, api, v, correlation_id,
                                 client_id, req);
}

krafka_err_t kr_request_write_refs(struct kr_buf *out, struct kr_refs *refs,
                                   const struct kr_api *api, int16_t v,
                                   int32_t correlation_id,
                                   const char *client_id, const void *req)
{
    if (!kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    size_t start = out->len;
    size_t ref_cnt = refs ? refs->cnt : 0, ref_bytes = refs ? refs->bytes : 0;
    kr_buf_put_be32(out, 0); /* Length: patched below */
    struct kr_RequestHeader h = {api->key, v, correlation_id,
                                 kr_str_c(client_id)};
    struct kr_io io;
    kr_io_init_write(&io, v, kr_api_is_flexible(api, v), out);
    request_header_io(&io, &h);
    krafka_err_t err = kr_io_ok(&io) ? KRAFKA_ERR_NONE : io.err;
    if (!err)
        err = msg_write(out, refs, api, v, false, req);
    /* The frame is the buffer plus what it references; out->max bounds
     * the whole of it, as when everything was copied. */
    size_t len = out->len - start - 4 + (refs ? refs->bytes - ref_bytes : 0);
    if (!err && (len > INT32_MAX || len + 4 > out->max))
        err = KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (err) {
        out->len = start;
        if (refs) {
            refs->cnt = ref_cnt;
            refs->bytes = ref_bytes;
        }
        return err;
    }
    kr_buf_patch_be32(out, start, (uint32_t)len); /* Length */
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_response_write(struct kr_buf *out, const struct kr_api *api,
                               int16_t v, int32_t correlation_id,
                               const void *resp)
{
    if (!kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    size_t start = out->len;
    kr_buf_put_be32(out, 0); /* Length: patched below */
    struct kr_io io;
    kr_io_init_write(&io, v, resp_header_flexible(api, v), out);
    kr_io_i32(&io, &correlation_id);
    kr_io_tags(&io, NULL, NULL); /* response header v1 only */
    if (!kr_io_ok(&io))
        return io.err;
    krafka_err_t err = kr_msg_write(out, api, v, true, resp);
    if (!err && out->len - start - 4 > INT32_MAX)
        err = KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (err) {
        out->len = start;
        return err;
    }
    kr_buf_patch_be32(out, start, (uint32_t)(out->len - start - 4));
    return KRAFKA_ERR_NONE;
}

krafka_err_t kr_response_peek_correlation(const void *p, size_t len,
                                          int32_t *correlation_id)
{
    struct kr_rd rd;
    kr_rd_init(&rd, p, len);
    *correlation_id = (int32_t)kr_rd_be32(&rd);
    return rd.err;
}

krafka_err_t kr_response_read(const struct kr_api *api, int16_t v,
                              const void *p, size_t len,
                              struct kr_arena *arena, void *resp,
                              int32_t *correlation_id)
{
    if (!kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    struct kr_io io;
    int32_t corr = 0;
    kr_io_init_read(&io, v, resp_header_flexible(api, v), p, len, arena);
    kr_io_i32(&io, &corr);
    kr_io_tags(&io, NULL, NULL);
    if (!kr_io_ok(&io))
        return io.err;
    if (correlation_id)
        *correlation_id = corr;
    size_t hdr_len = (size_t)(io.rd.pos - (const uint8_t *)p);
    return kr_msg_read(api, v, true, (const uint8_t *)p + hdr_len,
                       len - hdr_len, arena, resp);
}

krafka_err_t kr_request_read(const void *p, size_t len,
                             struct kr_arena *arena,
                             struct kr_RequestHeader *hdr,
                             const struct kr_api **apip, void **reqp)
{
    struct kr_rd rd;
    kr_rd_init(&rd, p, len);
    int16_t key = (int16_t)kr_rd_be16(&rd);
    int16_t v = (int16_t)kr_rd_be16(&rd);
    if (rd.err)
        return rd.err;
    const struct kr_api *api = kr_api_find(key);
    if (!api || !kr_api_supports(api, v))
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_FEATURE;
    struct kr_io io;
    kr_io_init_read(&io, v, kr_api_is_flexible(api, v), p, len, arena);
    memset(hdr, 0, sizeof *hdr);
    request_header_io(&io, hdr);
    if (!kr_io_ok(&io))
        return io.err;
    void *req = kr_arena_alloc(arena, api->req_size);
    if (!req)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    size_t hdr_len = (size_t)(io.rd.pos - (const uint8_t *)p);
    krafka_err_t err = kr_msg_read(api, v, false, (const uint8_t *)p + hdr_len,
                                   len - hdr_len, arena, req);
    if (err)
        return err;
    *apip = api;
    *reqp = req;
    return KRAFKA_ERR_NONE;
}

static void node_endpoint_io(struct kr_io *io, struct kr_NodeEndpoint *e)
{
    kr_io_i32(io, &e->NodeId);
    kr_io_str(io, &e->Host, false);
    kr_io_i32(io, &e->Port);
    kr_io_str(io, &e->Rack, true);
    kr_io_tags(io, NULL, e);
}

bool kr_node_endpoints_io(struct kr_io *io, int32_t *cnt,
                          struct kr_NodeEndpoint **eps)
{
    if (!kr_io_reading(io) && *cnt <= 0)
        return false;
    size_t min =
        4 + kr_io_str_min(io) + 4 + kr_io_str_min(io) + kr_io_tags_min(io);
    int32_t n = KR_IO_ARRAY_MIN(io, *eps, *cnt, false, min);
    for (int32_t i = 0; i < n; i++)
        node_endpoint_io(io, &(*eps)[i]);
    return true;
}
