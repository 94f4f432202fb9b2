/*
 * The table of Kafka APIs the codec speaks, and the entry points that frame,
 * encode and decode whole requests and responses.
 *
 * Each API lives in src/protocol/api_<name>.c and defines its wire structs
 * (struct kr_<Name>Request / kr_<Name>Response, field names as in Kafka's
 * JSON schemas), one walker per struct (see io.h), and a `const struct
 * kr_api kr_api_<Name>` descriptor. The version range of each descriptor is
 * what libkrafka supports; the client negotiates the highest version both
 * it and the broker support (ApiVersions).
 */
#ifndef KR_PROTOCOL_API_H
#define KR_PROTOCOL_API_H

#include "protocol/io.h"

/* Kafka API keys (the protocol's values). */
enum kr_api_key {
    KR_API_Produce = 0,
    KR_API_Fetch = 1,
    KR_API_ListOffsets = 2,
    KR_API_Metadata = 3,
    KR_API_OffsetCommit = 8,
    KR_API_OffsetFetch = 9,
    KR_API_FindCoordinator = 10,
    KR_API_JoinGroup = 11,
    KR_API_Heartbeat = 12,
    KR_API_LeaveGroup = 13,
    KR_API_SyncGroup = 14,
    KR_API_DescribeGroups = 15,
    KR_API_ListGroups = 16,
    KR_API_SaslHandshake = 17,
    KR_API_ApiVersions = 18,
    KR_API_CreateTopics = 19,
    KR_API_DeleteTopics = 20,
    KR_API_InitProducerId = 22,
    KR_API_OffsetForLeaderEpoch = 23,
    KR_API_DescribeConfigs = 32,
    KR_API_SaslAuthenticate = 36,
    KR_API_CreatePartitions = 37,
};

typedef void (*kr_msg_io_fn)(struct kr_io *io, void *msg);

/* NodeEndpoints element of the Fetch (v16+) and Produce (v10+) responses,
 * a tagged field (KIP-951): where the partitions' new leaders are. */
struct kr_NodeEndpoint {
    int32_t NodeId;
    struct kr_str Host;
    int32_t Port;
    struct kr_str Rack; /* nullable; default null */
};

/* Walks a response's NodeEndpoints tag. In write mode an empty array (the
 * default) is not sent: returns false. */
bool kr_node_endpoints_io(struct kr_io *io, int32_t *cnt,
                          struct kr_NodeEndpoint **eps);

struct kr_api {
    int16_t key;
    const char *name;       /* "Metadata" */
    int16_t min_ver;        /* lowest version supported (KIP-896 baseline) */
    int16_t max_ver;        /* highest version supported */
    int16_t flex_ver;       /* first flexible version; INT16_MAX if none */
    size_t req_size;        /* sizeof(struct kr_<Name>Request) */
    size_t resp_size;       /* sizeof(struct kr_<Name>Response) */
    kr_msg_io_fn req_io;    /* walks the request body; version in io->v */
    kr_msg_io_fn resp_io;   /* walks the response body */
};

/* All supported APIs, in key order. */
extern const struct kr_api *const kr_apis[];
extern const size_t kr_apis_cnt;

/* The descriptor of @key, or NULL. */
const struct kr_api *kr_api_find(int16_t key);

static inline bool kr_api_is_flexible(const struct kr_api *api, int16_t v)
{
    return v >= api->flex_ver;
}

static inline bool kr_api_supports(const struct kr_api *api, int16_t v)
{
    return v >= api->min_ver && v <= api->max_ver;
}

/* Request header v1/v2 (RequestHeader.json). ClientId is never compact. */
struct kr_RequestHeader {
    int16_t RequestApiKey;
    int16_t RequestApiVersion;
    int32_t CorrelationId;
    struct kr_str ClientId; /* nullable */
};

/* ---- body level: no size prefix, no header ---- */

/* Appends the body of a request (@response false) or response (true) of
 * @api at version @v to @out. Returns LOCAL_UNSUPPORTED_FEATURE for a version
 * outside the range, LOCAL_INVALID_ARG for a message the version can't
 * carry, LOCAL_LIMIT_EXCEEDED when @out's maximum is reached. */
krafka_err_t kr_msg_write(struct kr_buf *out, const struct kr_api *api,
                          int16_t v, bool response, const void *msg);

/* Decodes a body from @p/@len into @msg (api->req_size or resp_size bytes,
 * zeroed first). Arrays come from @arena; strings and bytes are views into
 * @p, which must outlive @msg. Returns LOCAL_BAD_MSG for malformed input. */
krafka_err_t kr_msg_read(const struct kr_api *api, int16_t v, bool response,
                         const void *p, size_t len, struct kr_arena *arena,
                         void *msg);

/* ---- frame level: int32 size prefix + header + body ---- */

/* Appends a whole request frame. @client_id may be NULL. */
krafka_err_t kr_request_write(struct kr_buf *out, const struct kr_api *api,
                              int16_t v, int32_t correlation_id,
                              const char *client_id, const void *req);

/* kr_request_write, except that records fields of KR_REF_MIN bytes or more
 * are appended to @refs (NULL: copied) instead of copied: the frame is
 * @out's new bytes with those spans inserted (kr_refs_iov), and its Length
 * counts them. The message's records are borrowed until it is written. */
krafka_err_t kr_request_write_refs(struct kr_buf *out, struct kr_refs *refs,
                                   const struct kr_api *api, int16_t v,
                                   int32_t correlation_id,
                                   const char *client_id, const void *req);

/* Appends a whole response frame (used by tests and the fake brokers). */
krafka_err_t kr_response_write(struct kr_buf *out, const struct kr_api *api,
                               int16_t v, int32_t correlation_id,
                               const void *resp);

/* Reads the CorrelationId that starts every response frame body (after the
 * size prefix), so the caller can find the request it answers. */
krafka_err_t kr_response_peek_correlation(const void *p, size_t len,
                                          int32_t *correlation_id);

/* Decodes a response frame body (after the size prefix): the response
 * header of the version @api/@v implies, then the body. */
krafka_err_t kr_response_read(const struct kr_api *api, int16_t v,
                              const void *p, size_t len,
                              struct kr_arena *arena, void *resp,
                              int32_t *correlation_id);

/* Decodes a request frame body (after the size prefix): header and body.
 * Fails with LOCAL_UNSUPPORTED_FEATURE for an unknown API or version. */
krafka_err_t kr_request_read(const void *p, size_t len,
                             struct kr_arena *arena,
                             struct kr_RequestHeader *hdr,
                             const struct kr_api **api, void **req);

#endif
