#include "hostile_client.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "protocol/record_batch.h"
#include "util/crc32c.h"
#include "util/time.h"

/* ---- captured log lines ---- */

#define LOG_MAX 2048
#define LOG_LINE 512

static struct {
    pthread_mutex_t lock;
    int cnt;
    int level[LOG_MAX];
    char line[LOG_MAX][LOG_LINE]; /* "FACILITY message" */
} logs;

static void log_cb(void *opaque, int level, const char *fac, const char *msg)
{
    (void)opaque;
    pthread_mutex_lock(&logs.lock);
    if (logs.cnt < LOG_MAX) {
        logs.level[logs.cnt] = level;
        snprintf(logs.line[logs.cnt], LOG_LINE, "%s %s", fac, msg);
        logs.cnt++;
    }
    pthread_mutex_unlock(&logs.lock);
    if (getenv("HOSTILE_VERBOSE"))
        fprintf(stderr, "log %d %s %s\n", level, fac, msg);
}

void hc_logs_setup(void)
{
    memset(&logs, 0, sizeof logs);
    pthread_mutex_init(&logs.lock, NULL);
}

bool hc_log_find(int max_level, const char *s, const char *s2, char *out,
                 size_t n)
{
    bool found = false;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt && !found; i++) {
        if (logs.level[i] > max_level || !strstr(logs.line[i], s) ||
            (s2 && !strstr(logs.line[i], s2)))
            continue;
        if (out)
            snprintf(out, n, "%s", logs.line[i]);
        found = true;
    }
    pthread_mutex_unlock(&logs.lock);
    return found;
}

bool hc_log_wait(int max_level, const char *s, const char *s2,
                 int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 5) {
        if (hc_log_find(max_level, s, s2, NULL, 0))
            return true;
        usleep(5000);
    }
    return hc_log_find(max_level, s, s2, NULL, 0);
}

const char *hc_log_dump(void)
{
    static char dump[16384];
    size_t off = 0;
    pthread_mutex_lock(&logs.lock);
    for (int i = 0; i < logs.cnt && off + 2 < sizeof dump; i++) {
        int n = snprintf(dump + off, sizeof dump - off, "%d %s\n",
                         logs.level[i], logs.line[i]);
        if (n < 0)
            break;
        off += (size_t)n;
    }
    dump[off < sizeof dump ? off : sizeof dump - 1] = '\0';
    pthread_mutex_unlock(&logs.lock);
    return dump;
}

/* ---- clients ---- */

static void conf_set(krafka_conf_t *conf, const char *name, const char *val)
{
    char errstr[512];
    ck_assert_msg(krafka_conf_set(conf, name, val, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s=%s: %s", name, val, errstr);
}

krafka_conf_t *hc_conf(const struct hs *s, int node,
                       const char *const *props)
{
    krafka_conf_t *conf = krafka_conf_new();
    ck_assert_ptr_nonnull(conf);
    char boot[64];
    hs_addr(s, node, boot, sizeof boot);
    conf_set(conf, "bootstrap.servers", boot);
    conf_set(conf, "request.timeout.ms", "1000");
    conf_set(conf, "socket.connection.setup.timeout.ms", "1000");
    conf_set(conf, "reconnect.backoff.ms", "20");
    conf_set(conf, "reconnect.backoff.max.ms", "200");
    for (; props && props[0]; props += 2)
        conf_set(conf, props[0], props[1]);
    krafka_conf_set_log_cb(conf, log_cb);
    return conf;
}

krafka_admin_t *hc_admin(const struct hs *s, const char *const *props)
{
    krafka_conf_t *conf = hc_conf(s, 0, props);
    krafka_admin_t *a = NULL;
    char errstr[512];
    ck_assert_msg(krafka_admin_new(&a, conf, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    return a;
}

krafka_producer_t *hc_producer(const struct hs *s, const char *const *props)
{
    krafka_conf_t *conf = hc_conf(s, 0, props);
    krafka_producer_t *p = NULL;
    char errstr[512];
    ck_assert_msg(krafka_producer_new(&p, conf, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    return p;
}

krafka_consumer_t *hc_consumer(const struct hs *s, const char *const *props)
{
    krafka_conf_t *conf = hc_conf(s, 0, props);
    conf_set(conf, "fetch.wait.max.ms", "100");
    conf_set(conf, "fetch.error.backoff.ms", "50");
    conf_set(conf, "isolation.level", "read_uncommitted");
    for (; props && props[0]; props += 2) /* over the defaults above */
        conf_set(conf, props[0], props[1]);
    krafka_consumer_t *c = NULL;
    char errstr[512];
    ck_assert_msg(krafka_consumer_new(&c, conf, errstr, sizeof errstr) ==
                      KRAFKA_ERR_NONE,
                  "%s", errstr);
    krafka_conf_destroy(conf);
    krafka_tp_list_t *l = krafka_tp_list_new(HS_NODES);
    for (int i = 0; i < s->node_cnt; i++)
        krafka_tp_list_add(l, HS_TOPIC, i)->offset = 0;
    ck_assert_int_eq(krafka_consumer_assign(c, l), KRAFKA_ERR_NONE);
    krafka_tp_list_destroy(l);
    return c;
}

krafka_err_t hc_metadata(krafka_admin_t *a, int timeout_ms, char *errstr,
                         size_t n, int64_t *elapsed_ms)
{
    krafka_metadata_t *md = NULL;
    int64_t t0 = kr_now_us();
    errstr[0] = '\0';
    krafka_err_t err = krafka_admin_metadata(a, HS_TOPIC, timeout_ms, &md,
                                             errstr, n);
    if (elapsed_ms)
        *elapsed_ms = (kr_now_us() - t0) / 1000;
    if (err == KRAFKA_ERR_NONE)
        ck_assert_ptr_nonnull(md);
    else
        ck_assert_ptr_null(md);
    krafka_metadata_destroy(md);
    return err;
}

static void seen_record(struct hc_seen *seen, const krafka_record_t *r)
{
    if (r->err) {
        if (seen->events < 8) {
            seen->event_err[seen->events] = r->err;
            seen->event_part[seen->events] = r->partition;
            snprintf(seen->event_str[seen->events], 256, "%s", r->errstr);
        }
        seen->events++;
        return;
    }
    ck_assert_int_ge(r->partition, 0);
    ck_assert_int_lt(r->partition, HS_NODES);
    int p = r->partition;
    if (seen->records[p] > 0 && r->offset <= seen->last_off[p])
        seen->dup_or_backwards = true;
    /* Values are "v<offset>" (hc_records): a record is whole. */
    char want[32];
    snprintf(want, sizeof want, "v%lld", (long long)r->offset);
    ck_assert_uint_eq(r->value_len, strlen(want));
    ck_assert(memcmp(r->value, want, r->value_len) == 0);
    seen->records[p]++;
    seen->last_off[p] = r->offset;
}

bool hc_consume(krafka_consumer_t *c, struct hc_seen *seen, int32_t part,
                int records, bool want_event, int timeout_ms)
{
    int64_t until = kr_now_us() + (int64_t)timeout_ms * 1000;
    while (kr_now_us() < until) {
        if (seen->records[part] >= records && (!want_event || seen->events))
            return true;
        krafka_record_t *r = krafka_consumer_poll(c, 50);
        if (r) {
            seen_record(seen, r);
            krafka_record_destroy(r);
        }
    }
    return seen->records[part] >= records && (!want_event || seen->events);
}

/* ---- record batches ---- */

void hc_records(struct kr_buf *out, int64_t first, int cnt)
{
    struct kr_batch_writer w;
    struct kr_buf b;
    kr_batch_writer_init(&w);
    kr_buf_init(&b, 1 << 20);
    struct kr_batch_params bp = KR_BATCH_PARAMS_INIT;
    ck_assert_int_eq(kr_batch_begin(&w, &b, &bp), KRAFKA_ERR_NONE);
    for (int i = 0; i < cnt; i++) {
        char v[32];
        /* offsetDelta i: the record at offset first + i */
        int n = snprintf(v, sizeof v, "v%lld", (long long)(first + i));
        ck_assert_int_eq(kr_batch_append(&w, 1000 + i, NULL, 0, v,
                                         (size_t)n, NULL, 0),
                         KRAFKA_ERR_NONE);
    }
    ck_assert_int_eq(kr_batch_finish(&w, KR_CODEC_NONE, -1),
                     KRAFKA_ERR_NONE);
    kr_buf_write(out, b.data + KR_BATCH_HEADER_LEN,
                 b.len - KR_BATCH_HEADER_LEN);
    kr_buf_free(&b);
    kr_batch_writer_free(&w);
}

void hc_batch_raw(struct kr_buf *out, int64_t base, int8_t magic,
                  int16_t attrs, int32_t last_offset_delta, int32_t count,
                  const void *recs, size_t recs_len)
{
    size_t s = out->len;
    kr_buf_put_be64(out, (uint64_t)base);                /* BaseOffset */
    kr_buf_put_be32(out, (uint32_t)(KR_BATCH_HEADER_LEN - 12 + recs_len));
    kr_buf_put_be32(out, 0);                             /* LeaderEpoch */
    kr_buf_put_u8(out, (uint8_t)magic);                  /* Magic */
    kr_buf_put_be32(out, 0);                             /* CRC, below */
    kr_buf_put_be16(out, (uint16_t)attrs);               /* Attributes */
    kr_buf_put_be32(out, (uint32_t)last_offset_delta);   /* LastOffsetDelta */
    kr_buf_put_be64(out, 1000);                          /* BaseTimestamp */
    kr_buf_put_be64(out, 1000);                          /* MaxTimestamp */
    kr_buf_put_be64(out, (uint64_t)-1);                  /* ProducerId */
    kr_buf_put_be16(out, (uint16_t)-1);                  /* ProducerEpoch */
    kr_buf_put_be32(out, (uint32_t)-1);                  /* BaseSequence */
    kr_buf_put_be32(out, (uint32_t)count);               /* RecordCount */
    kr_buf_write(out, recs, recs_len);
    ck_assert_int_eq(out->err, KRAFKA_ERR_NONE);
    kr_buf_patch_be32(out, s + 17,
                      kr_crc32c(0, out->data + s + 21, out->len - s - 21));
}

void hc_batch(struct kr_buf *out, int64_t base, int cnt)
{
    struct kr_buf recs;
    kr_buf_init(&recs, 1 << 20);
    hc_records(&recs, base, cnt);
    hc_batch_raw(out, base, KR_BATCH_MAGIC, 0, cnt - 1, cnt, recs.data,
                 recs.len);
    kr_buf_free(&recs);
}

void hc_fill_log(struct hs *s, int node, int cnt)
{
    struct kr_buf b;
    kr_buf_init(&b, HS_LOG_MAX);
    hc_batch(&b, 0, cnt);
    pthread_mutex_lock(&s->lock);
    memcpy(s->log[node], b.data, b.len);
    s->log_len[node] = b.len;
    s->log_next[node] = cnt;
    pthread_mutex_unlock(&s->lock);
    kr_buf_free(&b);
}

long hc_peak_rss_mib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}
