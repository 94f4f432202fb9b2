/* The property table: every configuration property, its aliases, type,
 * field, range, default and one-line description. Names are librdkafka's,
 * aliases its Java equivalents (or older librdkafka names). Parsing,
 * defaults and docs/CONFIGURATION.md all come from this table. */
#include "client/conf_props.h"

#include <string.h>

#include "producer/partitioner.h"

/* Enum fields are stored as 4-byte integers. */
_Static_assert(sizeof(enum kr_security_protocol) == 4, "enum size");
_Static_assert(sizeof(enum kr_sasl_mech) == 4, "enum size");
_Static_assert(sizeof(enum kr_compression) == 4, "enum size");
_Static_assert(sizeof(enum kr_addr_family) == 4, "enum size");
_Static_assert(sizeof(enum kr_offset_reset) == 4, "enum size");
_Static_assert(sizeof(enum kr_isolation) == 4, "enum size");
_Static_assert(sizeof(int) == 4, "int size");
_Static_assert(sizeof(bool) == 1, "bool size");

/* Offset and size of field @f, which must have type @T: a mismatch is a
 * compile error (no _Generic association matches). */
#define FIELD(f, T)                                                            \
    .off = offsetof(struct krafka_conf, f) +                                   \
           0 * sizeof(_Generic(((struct krafka_conf *)0)->f, T : 1)),          \
    .size = sizeof(T)

#define I32(f) .type = KR_PT_INT, FIELD(f, int32_t)
#define BOOL(f) .type = KR_PT_BOOL, FIELD(f, bool)
#define STR(f) .type = KR_PT_STR, FIELD(f, char *)
#define ENUM(f, T, v) .type = KR_PT_ENUM, FIELD(f, T), .vals = v

#define GLOBAL .scope = KR_SCOPE_GLOBAL
#define PRODUCER .scope = KR_SCOPE_PRODUCER
#define CONSUMER .scope = KR_SCOPE_CONSUMER

#define INT32_MAX_STR "2147483647"

static const struct kr_prop_val addr_family_vals[] = {
    {"any", KR_AF_ANY}, {"v4", KR_AF_V4}, {"v6", KR_AF_V6}, {NULL, 0}};

/* "all" first: _get() prints it instead of every single context. */
static const struct kr_prop_val debug_vals[] = {
    {"all", KR_DBG_ALL},           {"generic", KR_DBG_GENERIC},
    {"broker", KR_DBG_BROKER},     {"topic", KR_DBG_TOPIC},
    {"metadata", KR_DBG_METADATA}, {"protocol", KR_DBG_PROTOCOL},
    {"security", KR_DBG_SECURITY}, {"msg", KR_DBG_MSG},
    {"queue", KR_DBG_QUEUE},       {"producer", KR_DBG_PRODUCER},
    {"consumer", KR_DBG_CONSUMER}, {"cgrp", KR_DBG_CGRP},
    {"fetch", KR_DBG_FETCH},       {"admin", KR_DBG_ADMIN},
    {"conf", KR_DBG_CONF},         {NULL, 0}};

static const struct kr_prop_val security_protocol_vals[] = {
    {"plaintext", KR_SEC_PLAINTEXT},
    {"ssl", KR_SEC_SSL},
    {"sasl_plaintext", KR_SEC_SASL_PLAINTEXT},
    {"sasl_ssl", KR_SEC_SASL_SSL},
    {NULL, 0}};

static const struct kr_prop_val sasl_mechanism_vals[] = {
    {"PLAIN", KR_SASL_PLAIN},
    {"SCRAM-SHA-256", KR_SASL_SCRAM_SHA_256},
    {"SCRAM-SHA-512", KR_SASL_SCRAM_SHA_512},
    {NULL, 0}};

static const struct kr_prop_val endpoint_identification_vals[] = {
    {"https", true}, {"none", false}, {NULL, 0}};

static const struct kr_prop_val acks_vals[] = {{"all", -1}, {NULL, 0}};

static const struct kr_prop_val compression_vals[] = {
    {"none", KR_COMPRESSION_NONE}, {"gzip", KR_COMPRESSION_GZIP},
    {"snappy", KR_COMPRESSION_SNAPPY}, {"lz4", KR_COMPRESSION_LZ4},
    {"zstd", KR_COMPRESSION_ZSTD}, {NULL, 0}};

/* kr_partitioner_parse()'s names, from the same list. */
static const struct kr_prop_val partitioner_vals[] = {
#define PARTITIONER_VAL(n, t) {n, t},
    KR_PARTITIONER_NAMES(PARTITIONER_VAL)
#undef PARTITIONER_VAL
    {NULL, 0}};

/* Assignor names; the values only tell eager (0) from cooperative (1). */
static const struct kr_prop_val assignor_vals[] = {
    {"range", 0}, {"roundrobin", 0}, {"cooperative-sticky", 1}, {NULL, 0}};

static const struct kr_prop_val offset_reset_vals[] = {
    {"earliest", KR_RESET_EARLIEST}, {"smallest", KR_RESET_EARLIEST},
    {"beginning", KR_RESET_EARLIEST}, {"latest", KR_RESET_LATEST},
    {"largest", KR_RESET_LATEST},     {"end", KR_RESET_LATEST},
    {"error", KR_RESET_ERROR},        {"none", KR_RESET_ERROR},
    {NULL, 0}};

static const struct kr_prop_val isolation_vals[] = {
    {"read_uncommitted", KR_READ_UNCOMMITTED},
    {"read_committed", KR_READ_COMMITTED},
    {NULL, 0}};

/* clang-format off */
const struct kr_prop kr_props[] = {
    /* ---- global ---- */
    {.name = "bootstrap.servers", .aliases = {"metadata.broker.list"},
     STR(bootstrap_servers), GLOBAL,
     .desc = "Initial brokers as a comma-separated list of host:port; "
             "required"},
    {.name = "client.id", STR(client_id), GLOBAL, .def = "krafka",
     .desc = "Client identifier sent to brokers in every request"},
    {.name = "message.max.bytes", .aliases = {"max.request.size"},
     I32(message_max_bytes), GLOBAL,
     .min = 1000, .max = 1000000000, .def = "1000000",
     .desc = "Largest record batch the producer sends, in bytes"},
    {.name = "receive.message.max.bytes", I32(receive_message_max_bytes),
     GLOBAL, .min = 1000, .max = INT32_MAX, .def = "100000000",
     .desc = "Largest response accepted from a broker, in bytes"},
    {.name = "max.in.flight.requests.per.connection",
     .aliases = {"max.in.flight"}, I32(max_in_flight), GLOBAL,
     .min = 1, .max = 1000000, .def = "1000000",
     .desc = "Most requests sent to one broker without a response yet"},
    {.name = "request.timeout.ms", I32(request_timeout_ms), GLOBAL,
     .min = 1, .max = 900000, .def = "30000",
     .desc = "How long a broker has to answer a request"},
    {.name = "socket.timeout.ms", I32(socket_timeout_ms), GLOBAL,
     .min = 10, .max = 300000, .def = "60000",
     .desc = "Timeout of network operations such as metadata requests"},
    {.name = "socket.connection.setup.timeout.ms",
     I32(socket_connection_setup_timeout_ms), GLOBAL,
     .min = 1000, .max = INT32_MAX, .def = "30000",
     .desc = "How long resolving, connecting, TLS and SASL to a broker "
             "may take"},
    {.name = "socket.send.buffer.bytes", I32(socket_send_buffer_bytes),
     GLOBAL, .min = 0, .max = 100000000, .def = "0",
     .desc = "SO_SNDBUF of broker sockets; 0: the system default"},
    {.name = "socket.receive.buffer.bytes", I32(socket_receive_buffer_bytes),
     GLOBAL, .min = 0, .max = 100000000, .def = "0",
     .desc = "SO_RCVBUF of broker sockets; 0: the system default"},
    {.name = "socket.keepalive.enable", BOOL(socket_keepalive_enable),
     GLOBAL, .def = "false",
     .desc = "Enable TCP keep-alives (SO_KEEPALIVE) on broker sockets"},
    {.name = "socket.nagle.disable", BOOL(socket_nagle_disable), GLOBAL,
     .def = "true",
     .desc = "Disable Nagle's algorithm (TCP_NODELAY) on broker sockets"},
    {.name = "reconnect.backoff.ms", I32(reconnect_backoff_ms), GLOBAL,
     .min = 0, .max = 3600000, .def = "100",
     .desc = "First wait before reconnecting to a broker; doubles per "
             "failure"},
    {.name = "reconnect.backoff.max.ms", I32(reconnect_backoff_max_ms),
     GLOBAL, .min = 0, .max = 3600000, .def = "10000",
     .desc = "Longest wait before reconnecting to a broker"},
    {.name = "broker.address.family",
     ENUM(broker_address_family, enum kr_addr_family, addr_family_vals),
     GLOBAL, .def = "any",
     .desc = "Address family used to connect to brokers"},
    {.name = "metadata.max.age.ms", I32(metadata_max_age_ms), GLOBAL,
     .min = 1, .max = 86400000, .def = "900000",
     .desc = "Age after which cached metadata is no longer used"},
    {.name = "topic.metadata.refresh.interval.ms",
     I32(topic_metadata_refresh_interval_ms), GLOBAL,
     .min = -1, .max = 3600000, .def = "300000",
     .desc = "Period of the metadata refresh; -1: no periodic refresh"},
    {.name = "topic.metadata.refresh.fast.interval.ms",
     I32(topic_metadata_refresh_fast_interval_ms), GLOBAL,
     .min = 1, .max = 60000, .def = "100",
     .desc = "Shortest interval between metadata refreshes after an error"},
    {.name = "allow.auto.create.topics", BOOL(allow_auto_create_topics),
     GLOBAL, .def = "false",
     .desc = "Let the broker create topics that a metadata request names"},
    {.name = "debug", .type = KR_PT_FLAGS, FIELD(debug, uint32_t),
     .vals = debug_vals, GLOBAL,
     .desc = "Comma-separated debug contexts to log at level 7"},
    {.name = "log_level", I32(log_level), GLOBAL,
     .min = 0, .max = 7, .def = "6",
     .desc = "Highest syslog level logged (0 emerg .. 7 debug)"},
    {.name = "statistics.interval.ms", I32(statistics_interval_ms), GLOBAL,
     .min = 0, .max = 86400000, .def = "0",
     .desc = "How often the statistics callback (krafka_conf_set_stats_cb) "
             "gets the metrics as JSON, served by poll; 0: never"},
    {.name = "enable.metrics", BOOL(enable_metrics), GLOBAL, .def = "true",
     .desc = "Keep the client's metrics (docs/METRICS.md); false leaves "
             "its registry empty and skips every update"},

    /* ---- global: security ---- */
    {.name = "security.protocol",
     ENUM(security_protocol, enum kr_security_protocol,
          security_protocol_vals), GLOBAL, .def = "plaintext",
     .desc = "Protocol used to talk to brokers (case-insensitive)"},
    {.name = "sasl.mechanism", .aliases = {"sasl.mechanisms"},
     ENUM(sasl_mechanism, enum kr_sasl_mech, sasl_mechanism_vals), GLOBAL,
     .def = "PLAIN",
     .desc = "SASL mechanism for sasl_plaintext and sasl_ssl"},
    {.name = "sasl.username", STR(sasl_username), GLOBAL,
     .desc = "SASL user name"},
    {.name = "sasl.password", STR(sasl_password), GLOBAL, .sensitive = true,
     .desc = "SASL password"},
    {.name = "ssl.ca.location", STR(ssl_ca_location), GLOBAL,
     .desc = "File or directory of CA certificates to verify brokers with"},
    {.name = "ssl.ca.pem", STR(ssl_ca_pem), GLOBAL,
     .desc = "CA certificates in PEM, instead of ssl.ca.location"},
    {.name = "ssl.certificate.location", STR(ssl_certificate_location),
     GLOBAL, .desc = "File of the client's certificate (PEM)"},
    {.name = "ssl.certificate.pem", STR(ssl_certificate_pem), GLOBAL,
     .desc = "The client's certificate in PEM"},
    {.name = "ssl.key.location", STR(ssl_key_location), GLOBAL,
     .desc = "File of the client's private key (PEM)"},
    {.name = "ssl.key.pem", STR(ssl_key_pem), GLOBAL, .sensitive = true,
     .desc = "The client's private key in PEM"},
    {.name = "ssl.key.password", STR(ssl_key_password), GLOBAL,
     .sensitive = true, .desc = "Passphrase of the client's private key"},
    {.name = "ssl.cipher.suites", STR(ssl_cipher_suites), GLOBAL,
     .desc = "TLS 1.2 cipher list in OpenSSL syntax; unset: OpenSSL's"},
    {.name = "ssl.endpoint.identification.algorithm",
     ENUM(ssl_endpoint_identification, bool, endpoint_identification_vals),
     GLOBAL, .def = "https",
     .desc = "https: check the broker's host name against its certificate"},
    {.name = "enable.ssl.certificate.verification",
     BOOL(enable_ssl_certificate_verification), GLOBAL, .def = "true",
     .desc = "Verify the broker's certificate chain"},

    /* ---- producer ---- */
    {.name = "acks", .aliases = {"request.required.acks"}, I32(acks),
     .vals = acks_vals, PRODUCER, .min = -1, .max = 1000, .def = "-1",
     .desc = "Acknowledgements the leader waits for: 0 none, 1 leader, "
             "-1 (all) every in-sync replica"},
    {.name = "compression.type", .aliases = {"compression.codec"},
     ENUM(compression, enum kr_compression, compression_vals), PRODUCER,
     .def = "none", .desc = "Codec that compresses record batches"},
    {.name = "compression.level", I32(compression_level), PRODUCER,
     .min = -1, .max = 12, .def = "-1",
     .desc = "Codec-specific compression level; -1: the codec's default"},
    {.name = "linger.ms", .aliases = {"queue.buffering.max.ms"},
     I32(linger_ms), PRODUCER, .min = 0, .max = 900000, .def = "5",
     .desc = "How long a batch waits for more records before it is sent"},
    {.name = "batch.size", I32(batch_size), PRODUCER,
     .min = 1, .max = INT32_MAX, .def = "1000000",
     .desc = "Largest record batch in bytes"},
    {.name = "batch.num.messages", I32(batch_num_messages), PRODUCER,
     .min = 1, .max = 1000000, .def = "10000",
     .desc = "Most records in one batch"},
    {.name = "queue.buffering.max.messages",
     I32(queue_buffering_max_messages), PRODUCER,
     .min = 1, .max = INT32_MAX, .def = "100000",
     .desc = "Most records waiting to be sent; more fail with queue full"},
    {.name = "queue.buffering.max.kbytes", I32(queue_buffering_max_kbytes),
     PRODUCER, .min = 1, .max = INT32_MAX, .def = "1048576",
     .desc = "Most KiB of records waiting to be sent"},
    /* the same field in bytes; its default is the one above, times 1024 */
    {.name = "buffer.memory", I32(queue_buffering_max_kbytes), PRODUCER,
     .min = 1, .max = (int64_t)INT32_MAX * 1024, .scale = 1024,
     .def = "1073741824",
     .desc = "The Java client's name for queue.buffering.max.kbytes, in "
             "bytes (rounded up to whole KiB)"},
    {.name = "retries", .aliases = {"message.send.max.retries"},
     I32(retries), PRODUCER, .min = 0, .max = INT32_MAX,
     .def = INT32_MAX_STR,
     .desc = "How often a failed batch is retried"},
    {.name = "retry.backoff.ms", I32(retry_backoff_ms), PRODUCER,
     .min = 1, .max = 300000, .def = "100",
     .desc = "First wait before a retry; doubles per retry"},
    {.name = "retry.backoff.max.ms", I32(retry_backoff_max_ms), PRODUCER,
     .min = 1, .max = 300000, .def = "1000",
     .desc = "Longest wait before a retry"},
    {.name = "message.timeout.ms", .aliases = {"delivery.timeout.ms"},
     I32(message_timeout_ms), PRODUCER, .min = 0, .max = INT32_MAX,
     .def = "300000",
     .desc = "Time limit for delivering a record, retries included; "
             "0: none"},
    {.name = "partitioner", ENUM(partitioner, int, partitioner_vals),
     PRODUCER, .def = KRAFKA_PARTITIONER_DEFAULT,
     .desc = "Partitioner for records without a partition (see "
             "krafka/partitioner.h)"},
    {.name = "sticky.partitioning.linger.ms",
     I32(sticky_partitioning_linger_ms), PRODUCER,
     .min = 0, .max = 900000, .def = "10",
     .desc = "How long keyless records stick to one partition"},
    {.name = "enable.idempotence", BOOL(enable_idempotence), PRODUCER,
     .def = "true",
     .desc = "Exactly-once, in-order delivery per partition (KIP-98). On "
             "by default, as in the Java client: then acks=all and at most "
             "5 requests in flight; if the application sets acks or "
             "max.in.flight to values idempotence can't use without setting "
             "this property, idempotence is turned off"},
    {.name = "delivery.report.only.error", BOOL(dr_only_error), PRODUCER,
     .def = "false",
     .desc = "Report only records that failed to the delivery report "
             "callback"},
    {.name = "max.block.ms", I32(max_block_ms), PRODUCER, .min = 0,
     .max = 300000, .def = "0",
     .desc = "How long send() waits for room when the queue is full; 0: "
             "fail at once with LOCAL_QUEUE_FULL (as librdkafka)"},
    {.name = "close.timeout.ms", I32(close_timeout_ms), PRODUCER, .min = 0,
     .max = 3600000, .def = "30000",
     .desc = "How long destroy() flushes before failing what is left "
             "(libkrafka)"},

    /* ---- consumer ---- */
    {.name = "group.id", STR(group_id), CONSUMER,
     .desc = "Consumer group; required to subscribe and commit"},
    {.name = "group.instance.id", STR(group_instance_id), CONSUMER,
     .desc = "Static group membership id (KIP-345)"},
    {.name = "client.rack", STR(client_rack), CONSUMER,
     .desc = "Rack of the client, for fetching from the closest replica "
             "(KIP-392)"},
    {.name = "session.timeout.ms", I32(session_timeout_ms), CONSUMER,
     .min = 1, .max = 3600000, .def = "45000",
     .desc = "Time without heartbeats after which the member is removed"},
    {.name = "heartbeat.interval.ms", I32(heartbeat_interval_ms), CONSUMER,
     .min = 1, .max = 3600000, .def = "3000",
     .desc = "Interval between group heartbeats"},
    {.name = "default.api.timeout.ms", I32(default_api_timeout_ms), CONSUMER,
     .min = 1, .max = 86400000, .def = "60000",
     .desc = "Longest wait of a blocking call without a timeout argument "
             "(a synchronous commit), retries included"},
    {.name = "max.poll.interval.ms", I32(max_poll_interval_ms), CONSUMER,
     .min = 1, .max = 86400000, .def = "300000",
     .desc = "Longest time between polls before the member leaves the "
             "group"},
    {.name = "partition.assignment.strategy", .type = KR_PT_LIST,
     FIELD(partition_assignment_strategy, char *), .vals = assignor_vals,
     CONSUMER, .def = "range,roundrobin",
     .desc = "Assignors in order of preference; cooperative-sticky "
             "cannot be mixed with the others"},
    {.name = "enable.auto.commit", BOOL(enable_auto_commit), CONSUMER,
     .def = "true", .desc = "Commit stored offsets periodically"},
    {.name = "auto.commit.interval.ms", I32(auto_commit_interval_ms),
     CONSUMER, .min = 0, .max = 86400000, .def = "5000",
     .desc = "Period of automatic commits"},
    {.name = "enable.auto.offset.store", BOOL(enable_auto_offset_store),
     CONSUMER, .def = "true",
     .desc = "Store the offset of each record handed to the application"},
    {.name = "auto.offset.reset",
     ENUM(auto_offset_reset, enum kr_offset_reset, offset_reset_vals),
     CONSUMER, .def = "latest",
     .desc = "Where to start without a valid committed offset; error: "
             "report it"},
    {.name = "isolation.level",
     ENUM(isolation_level, enum kr_isolation, isolation_vals), CONSUMER,
     .def = "read_committed",
     .desc = "Whether records of open or aborted transactions are read"},
    {.name = "fetch.min.bytes", I32(fetch_min_bytes), CONSUMER,
     .min = 1, .max = 100000000, .def = "1",
     .desc = "Least data a broker waits for before answering a fetch"},
    {.name = "fetch.max.bytes", I32(fetch_max_bytes), CONSUMER,
     .min = 0, .max = 2147483135, .def = "52428800",
     .desc = "Most data a fetch response may hold"},
    {.name = "max.partition.fetch.bytes",
     .aliases = {"fetch.message.max.bytes"}, I32(max_partition_fetch_bytes),
     CONSUMER, .min = 1, .max = 1000000000, .def = "1048576",
     .desc = "Most data fetched per partition in one fetch"},
    {.name = "fetch.wait.max.ms", .aliases = {"fetch.max.wait.ms"},
     I32(fetch_wait_max_ms), CONSUMER, .min = 0, .max = 300000,
     .def = "500",
     .desc = "Longest time a broker waits for fetch.min.bytes"},
    {.name = "fetch.error.backoff.ms", I32(fetch_error_backoff_ms),
     CONSUMER, .min = 0, .max = 300000, .def = "500",
     .desc = "Wait before fetching a partition again after an error"},
    {.name = "queued.min.messages", I32(queued_min_messages), CONSUMER,
     .min = 1, .max = 10000000, .def = "100000",
     .desc = "Records per partition the consumer tries to keep fetched"},
    {.name = "queued.max.messages.kbytes", I32(queued_max_messages_kbytes),
     CONSUMER, .min = 1, .max = 2097151, .def = "65536",
     .desc = "Most KiB of fetched records held in the local queue"},
    {.name = "check.crcs", BOOL(check_crcs), CONSUMER, .def = "false",
     .desc = "Verify the CRC32C of fetched record batches"},
    {.name = "enable.partition.eof", BOOL(enable_partition_eof), CONSUMER,
     .def = "false",
     .desc = "Report reaching the end of a partition as an event"},
};
/* clang-format on */

const size_t kr_props_cnt = sizeof kr_props / sizeof kr_props[0];
_Static_assert(sizeof kr_props / sizeof kr_props[0] <= 128,
               "struct krafka_conf.user_set has 128 bits");

const struct kr_prop *kr_prop_find(const char *name)
{
    for (size_t i = 0; i < kr_props_cnt; i++) {
        const struct kr_prop *p = &kr_props[i];
        if (strcmp(p->name, name) == 0)
            return p;
        for (size_t a = 0; a < KR_PROP_ALIASES_MAX && p->aliases[a]; a++)
            if (strcmp(p->aliases[a], name) == 0)
                return p;
    }
    return NULL;
}

size_t kr_conf_prop_cnt(void)
{
    return kr_props_cnt;
}

const char *kr_conf_prop_name(size_t i)
{
    return i < kr_props_cnt ? kr_props[i].name : NULL;
}

const char *kr_conf_prop_default(size_t i)
{
    return i < kr_props_cnt ? kr_props[i].def : NULL;
}
