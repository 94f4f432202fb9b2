/*
 * Record data against a real broker: RecordBatch v2 produced with every
 * compression codec (keys, null keys and values, headers, timestamps), read
 * back with ListOffsets and Fetch and compared field by field; Produce and
 * Fetch at every version both sides support; and a batch with a corrupted
 * CRC refused with CORRUPT_MESSAGE, which proves our CRC32C is the one the
 * broker checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conformance.h"
#include "protocol/record_batch.h"

static struct kt_range ranges[KT_MAX_KEY];

#define NREC 5
static const int64_t base_ts = 1700000000000;

static const struct kr_record_header hdrs[] = {
    {"traceparent", 11, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
     55},
    {"null-valued", 11, NULL, 0},
};

/* Record i: key "key-i" (null for i == 1), value (null for i == 3),
 * two headers on even records, timestamp base_ts + i * 7. */
static void record_parts(int i, int codec, char *key, size_t *klen,
                         char *val, size_t *vlen)
{
    *klen = (size_t)snprintf(key, 32, "key-%d", i);
    *vlen = (size_t)snprintf(val, 256,
                             "{\"codec\":%d,\"n\":%d,\"pad\":\"%s\"}", codec, i,
                             "compressible compressible compressible");
}

static void build_batch(struct kr_buf *out, int codec, int32_t n)
{
    struct kr_batch_writer w;
    kr_batch_writer_init(&w);
    struct kr_batch_params p = KR_BATCH_PARAMS_INIT;
    p.base_timestamp = base_ts;
    ck_assert_int_eq(kr_batch_begin(&w, out, &p), KRAFKA_ERR_NONE);
    for (int i = 0; i < n; i++) {
        char key[32], val[256];
        size_t kl, vl;
        record_parts(i, codec, key, &kl, val, &vl);
        ck_assert_int_eq(kr_batch_append(&w, base_ts + i * 7,
                                         i == 1 ? NULL : key, i == 1 ? 0 : kl,
                                         i == 3 ? NULL : val,
                                         i == 3 ? 0 : vl, hdrs,
                                         i % 2 == 0 ? 2 : 0),
                         KRAFKA_ERR_NONE);
    }
    ck_assert_int_eq(kr_batch_finish(&w, codec, -1), KRAFKA_ERR_NONE);
    kr_batch_writer_free(&w);
}

/* Produces @records to partition 0; returns the partition's error code and
 * sets *base to the BaseOffset. */
static int16_t produce(struct kt_conn *c, int16_t v, const char *topic,
                       struct kr_uuid id, const struct kr_buf *records,
                       int64_t *base)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_PartitionProduceData pd = {
        .Index = 0, .Records = {records->data, (int32_t)records->len}};
    struct kr_TopicProduceData td = {.Name = kr_str_c(topic), .TopicId = id,
                                     .PartitionDataCnt = 1,
                                     .PartitionData = &pd};
    struct kr_ProduceRequest req;
    kr_produce_request_init(&req);
    req.Acks = -1;
    req.TimeoutMs = 10000;
    req.TopicDataCnt = 1;
    req.TopicData = &td;
    struct kr_ProduceResponse resp;
    int16_t ec = 0;
    for (int attempt = 0; attempt < 50; attempt++) {
        ck_assert_int_eq(kt_call(c, &kr_api_Produce, v, &req, &resp, &a),
                         KRAFKA_ERR_NONE);
        ck_assert_int_eq(resp.ResponsesCnt, 1);
        ck_assert_int_eq(resp.Responses[0].PartitionResponsesCnt, 1);
        struct kr_PartitionProduceResponse *pr =
            &resp.Responses[0].PartitionResponses[0];
        ec = pr->ErrorCode;
        *base = pr->BaseOffset;
        if (!krafka_err_is_retriable(ec) || ec == KRAFKA_ERR_CORRUPT_MESSAGE)
            break;
        usleep(100 * 1000); /* a brand-new leader may not be ready yet */
    }
    kr_arena_destroy(&a);
    return ec;
}

/* Fetches partition 0 from @offset into @arena; returns the partition. */
static struct kr_FetchResponsePartitionData *
fetch(struct kt_conn *c, int16_t v, const char *topic, struct kr_uuid id,
      int64_t offset, struct kr_arena *a)
{
    struct kr_FetchPartition fp;
    kr_fetch_partition_init(&fp);
    fp.Partition = 0;
    fp.FetchOffset = offset;
    fp.PartitionMaxBytes = 1 << 20;
    struct kr_FetchTopic ft = {.Topic = kr_str_c(topic), .TopicId = id,
                               .PartitionsCnt = 1, .Partitions = &fp};
    struct kr_FetchRequest req;
    kr_fetch_request_init(&req);
    req.MaxWaitMs = 500;
    req.MinBytes = 1;
    req.MaxBytes = 4 << 20;
    req.TopicsCnt = 1;
    req.Topics = &ft;
    struct kr_FetchResponse *resp = kr_arena_alloc(a, sizeof *resp);
    ck_assert_int_eq(kt_call(c, &kr_api_Fetch, v, &req, resp, a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp->ErrorCode, 0);
    ck_assert_int_eq(resp->ResponsesCnt, 1);
    ck_assert_int_eq(resp->Responses[0].PartitionsCnt, 1);
    struct kr_FetchResponsePartitionData *pd =
        &resp->Responses[0].Partitions[0];
    ck_assert_msg(pd->ErrorCode == 0, "Fetch v%d: %s", v,
                  krafka_err2name(pd->ErrorCode));
    return pd;
}

static void check_headers(const struct kr_record *rec, int i)
{
    struct kr_header_iter it;
    struct kr_header_view h;
    kr_record_headers_begin(rec, &it);
    int n = 0;
    while (kr_record_headers_next(&it, &h)) {
        ck_assert_int_eq(h.key_len, (int32_t)hdrs[n].key_len);
        ck_assert(memcmp(h.key, hdrs[n].key, hdrs[n].key_len) == 0);
        if (hdrs[n].value) {
            ck_assert_int_eq(h.value_len, (int32_t)hdrs[n].value_len);
            ck_assert(memcmp(h.value, hdrs[n].value, hdrs[n].value_len) == 0);
        } else {
            ck_assert_int_eq(h.value_len, -1);
        }
        n++;
    }
    ck_assert_int_eq(n, i % 2 == 0 ? 2 : 0);
}

/* Reads the one batch at @base from @records and compares every field. */
static void check_records(struct kr_bytes records, int codec, int64_t base,
                          int32_t n)
{
    struct kr_batch_reader r;
    kr_batch_reader_init(&r);
    kr_batch_reader_reset(&r, records.ptr, (size_t)records.len);
    struct kr_batch b;
    bool found = false;
    while (kr_batch_reader_next(&r, &b)) {
        if (b.BaseOffset != base)
            continue;
        found = true;
        ck_assert_int_eq(b.codec, codec); /* the broker kept our codec */
        ck_assert_int_eq(b.RecordCount, n);
        ck_assert_int_eq(b.BaseTimestamp, base_ts);
        ck_assert_int_eq(b.MaxTimestamp, base_ts + (n - 1) * 7);
        struct kr_record rec;
        int i = 0;
        while (kr_batch_next_record(&b, &rec)) {
            char key[32], val[256];
            size_t kl, vl;
            record_parts(i, codec, key, &kl, val, &vl);
            ck_assert_int_eq(rec.offset, base + i);
            ck_assert_int_eq(rec.timestamp, base_ts + i * 7);
            if (i == 1) {
                ck_assert_int_eq(rec.key_len, -1);
            } else {
                ck_assert_int_eq(rec.key_len, (int32_t)kl);
                ck_assert(memcmp(rec.key, key, kl) == 0);
            }
            if (i == 3) {
                ck_assert_int_eq(rec.value_len, -1);
            } else {
                ck_assert_int_eq(rec.value_len, (int32_t)vl);
                ck_assert(memcmp(rec.value, val, vl) == 0);
            }
            check_headers(&rec, i);
            i++;
        }
        ck_assert_int_eq(b.err, KRAFKA_ERR_NONE);
        ck_assert_int_eq(i, n);
    }
    ck_assert_msg(r.err == KRAFKA_ERR_NONE || r.err == KRAFKA_ERR_LOCAL_PARTIAL,
                  "batch reader: %s", krafka_err2name(r.err));
    ck_assert_msg(found, "no batch at offset %lld", (long long)base);
    kr_batch_reader_free(&r);
}

static int64_t latest_offset(struct kt_conn *c, const char *topic)
{
    struct kr_arena a;
    kr_arena_init(&a, 0);
    struct kr_ListOffsetsPartition p = {0, -1, -1};
    struct kr_ListOffsetsTopic t = {kr_str_c(topic), 1, &p};
    struct kr_ListOffsetsRequest req = {.ReplicaId = -1, .TopicsCnt = 1,
                                        .Topics = &t, .TimeoutMs = 5000};
    struct kr_ListOffsetsResponse resp;
    ck_assert_int_eq(kt_call(c, &kr_api_ListOffsets,
                             kt_common_max(ranges, &kr_api_ListOffsets), &req,
                             &resp, &a),
                     KRAFKA_ERR_NONE);
    ck_assert_int_eq(resp.Topics[0].Partitions[0].ErrorCode, 0);
    int64_t off = resp.Topics[0].Partitions[0].Offset;
    kr_arena_destroy(&a);
    return off;
}

static void setup_topic(struct kt_conn *c, char *topic, size_t n,
                        const char *prefix, struct kr_uuid *id)
{
    ck_assert_int_eq(kt_connect(c, kt_env("KRAFKA_TEST_BOOTSTRAP")),
                     KRAFKA_ERR_NONE);
    kt_broker_ranges(c, ranges);
    kt_unique_name(topic, n, prefix);
    kt_create_topic(c, ranges, topic, 1);
    kt_wait_leaders(c, ranges, topic, 1, id);
}

START_TEST(every_codec_produces_and_fetches_back_every_field)
{
    struct kt_conn c;
    char topic[96];
    struct kr_uuid id;
    setup_topic(&c, topic, sizeof topic, "conf-codecs", &id);
    int16_t pv = kt_common_max(ranges, &kr_api_Produce);
    int16_t fv = kt_common_max(ranges, &kr_api_Fetch);
    int64_t expect = 0;
    for (int codec = 0; codec <= 4; codec++) {
        struct kr_buf batch;
        kr_buf_init(&batch, 0);
        build_batch(&batch, codec, NREC);
        int64_t base = -1;
        int16_t ec = produce(&c, pv, topic, id, &batch, &base);
        ck_assert_msg(ec == 0, "Produce v%d %s: %s", pv, kr_codec_name(codec),
                      krafka_err2name(ec));
        ck_assert_int_eq(base, expect);
        expect += NREC;
        ck_assert_int_eq(latest_offset(&c, topic), expect);
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_FetchResponsePartitionData *pd =
            fetch(&c, fv, topic, id, base, &a);
        ck_assert_int_eq(pd->HighWatermark, expect);
        check_records(pd->Records, codec, base, NREC);
        kr_arena_destroy(&a);
        kr_buf_free(&batch);
    }
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}
END_TEST

START_TEST(produce_and_fetch_at_every_common_version)
{
    struct kt_conn c;
    char topic[96];
    struct kr_uuid id;
    setup_topic(&c, topic, sizeof topic, "conf-versions", &id);
    int64_t expect = 0;
    for (int16_t v = kt_common_min(ranges, &kr_api_Produce);
         v <= kt_common_max(ranges, &kr_api_Produce); v++) {
        struct kr_buf batch;
        kr_buf_init(&batch, 0);
        int codec = v % 5;
        int64_t base = -1;
        int16_t ec;
        if (v < kr_codec_min_produce_version(codec)) {
            /* zstd below Produce v7 is refused (KIP-110) */
            build_batch(&batch, codec, 2);
            ec = produce(&c, v, topic, id, &batch, &base);
            ck_assert_int_eq(ec, KRAFKA_ERR_UNSUPPORTED_COMPRESSION_TYPE);
            kr_buf_reset(&batch);
            codec = KR_CODEC_NONE;
        }
        build_batch(&batch, codec, 2);
        ec = produce(&c, v, topic, id, &batch, &base);
        ck_assert_msg(ec == 0, "Produce v%d: %s", v, krafka_err2name(ec));
        ck_assert_int_eq(base, expect);
        expect += 2;
        kr_buf_free(&batch);
    }
    for (int16_t v = kt_common_min(ranges, &kr_api_Fetch);
         v <= kt_common_max(ranges, &kr_api_Fetch); v++) {
        struct kr_arena a;
        kr_arena_init(&a, 0);
        struct kr_FetchResponsePartitionData *pd =
            fetch(&c, v, topic, id, 0, &a);
        ck_assert_int_eq(pd->HighWatermark, expect);
        if (v >= 4)
            ck_assert_int_eq(pd->LastStableOffset, expect);
        if (v >= 5)
            ck_assert_int_eq(pd->LogStartOffset, 0);
        int first = kt_common_min(ranges, &kr_api_Produce) % 5;
        if (kt_common_min(ranges, &kr_api_Produce) <
            kr_codec_min_produce_version(first))
            first = KR_CODEC_NONE;
        check_records(pd->Records, first, 0, 2);
        kr_arena_destroy(&a);
    }
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}
END_TEST

START_TEST(corrupted_crc_is_refused_with_corrupt_message)
{
    struct kt_conn c;
    char topic[96];
    struct kr_uuid id;
    setup_topic(&c, topic, sizeof topic, "conf-crc", &id);
    int16_t pv = kt_common_max(ranges, &kr_api_Produce);
    struct kr_buf batch;
    kr_buf_init(&batch, 0);
    build_batch(&batch, 0, NREC);
    int64_t base;
    /* the intact batch is accepted: the broker agrees with our CRC32C */
    ck_assert_int_eq(produce(&c, pv, topic, id, &batch, &base), 0);
    batch.data[batch.len - 3] ^= 0x01; /* a bit in the last record */
    ck_assert_int_eq(produce(&c, pv, topic, id, &batch, &base),
                     KRAFKA_ERR_CORRUPT_MESSAGE);
    batch.data[batch.len - 3] ^= 0x01;
    batch.data[17] ^= 0x80; /* a bit of the CRC field itself */
    ck_assert_int_eq(produce(&c, pv, topic, id, &batch, &base),
                     KRAFKA_ERR_CORRUPT_MESSAGE);
    ck_assert_int_eq(latest_offset(&c, topic), NREC); /* nothing appended */
    kr_buf_free(&batch);
    kt_delete_topic(&c, ranges, topic);
    kt_close(&c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("conformance_data");
    TCase *tc = tcase_create("records");
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, every_codec_produces_and_fetches_back_every_field);
    tcase_add_test(tc, produce_and_fetch_at_every_common_version);
    tcase_add_test(tc, corrupted_crc_is_refused_with_corrupt_message);
    suite_add_tcase(s, tc);
    return kt_run_suite(s);
}
