/* Record compression codecs (see compress.h). */
#define ZLIB_CONST /* next_in is const */
#include "protocol/compress.h"

#include <limits.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* xerial snappy framing (snappy-java SnappyOutputStream, used by Kafka's
 * Java producer): magic, then version and compatible version (int32 BE). */
static const uint8_t xerial_magic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
#define XERIAL_HEADER_LEN 16
#define XERIAL_BLOCK_LEN 32768 /* uncompressed bytes per block */

/* A raw snappy block expands at most 64 bytes per 3-byte copy element,
 * so a claimed length above 22x the input is a lie (checked before any
 * allocation). */
#define SNAPPY_MAX_RATIO 22

/* zstd's decoder allocates its window, whose size the frame header
 * declares: allow what its levels use without a known content size (8 MiB)
 * or what the cap needs, up to zstd's default limit of 128 MiB. */
#define ZSTD_WLOG_FLOOR 23
#define ZSTD_WLOG_CEIL 27

static inline size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* ---- output of a capped decompression ----
 * Output goes straight into the caller's kr_buf, grown geometrically but
 * never past @limit. Once the limit is reached, the codec is given a
 * one-byte probe instead: if it writes there, the output is too large. */
struct sink {
    struct kr_buf *b; /* borrowed: receives the output */
    size_t limit;     /* b->len never goes past this */
    size_t step;      /* growth request */
    bool probing;     /* the last room handed out was the probe */
    uint8_t probe[1];
};

static void sink_init(struct sink *s, struct kr_buf *b, size_t max_out,
                      size_t in_len)
{
    size_t room = b->max > b->len ? b->max - b->len : 0;
    s->b = b;
    s->limit = b->len + min_size(max_out, room);
    s->step = in_len < SIZE_MAX / 4 && in_len * 4 > 4096 ? in_len * 4 : 4096;
    s->probing = false;
}

/* Makes @n contiguous bytes free in b (n <= limit - len). */
static bool sink_reserve(struct sink *s, size_t n)
{
    struct kr_buf *b = s->b;
    size_t saved = b->max;
    b->max = s->limit; /* so kr_buf_grow's doubling stops at the cap */
    bool ok = kr_buf_reserve(b, n);
    b->max = saved;
    return ok;
}

/* Where the codec writes next: free room in the buffer, or the probe. */
static krafka_err_t sink_next(struct sink *s, uint8_t **p, size_t *room)
{
    struct kr_buf *b = s->b;
    if (b->len < s->limit && min_size(b->cap, s->limit) == b->len &&
        !sink_reserve(s, min_size(s->step, s->limit - b->len)))
        return b->err ? b->err : KRAFKA_ERR_LOCAL_NOMEM;
    size_t cap = min_size(b->cap, s->limit);
    s->probing = cap <= b->len;
    if (s->probing) {
        *p = s->probe;
        *room = sizeof s->probe;
    } else {
        *p = b->data + b->len;
        *room = cap - b->len;
    }
    return KRAFKA_ERR_NONE;
}

/* Accounts for @n bytes the codec wrote where sink_next said. */
static krafka_err_t sink_commit(struct sink *s, size_t n)
{
    if (s->probing)
        return n ? KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED : KRAFKA_ERR_NONE;
    s->b->len += n;
    return KRAFKA_ERR_NONE;
}

/* ---- none ---- */
static krafka_err_t copy_capped(const uint8_t *in, size_t n, struct sink *s)
{
    if (n > s->limit - s->b->len)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (!sink_reserve(s, n))
        return s->b->err;
    kr_buf_write(s->b, in, n);
    return KRAFKA_ERR_NONE;
}

/* ---- gzip ---- */
static krafka_err_t zlib_err(int zr)
{
    return zr == Z_MEM_ERROR ? KRAFKA_ERR_LOCAL_NOMEM
                             : KRAFKA_ERR_LOCAL_COMPRESSION;
}

/* Feeds zlib the next chunk of input (avail_in is 32-bit). */
static void zfeed(z_stream *zs, const uint8_t **in, size_t *left)
{
    if (zs->avail_in || !*left)
        return;
    size_t chunk = min_size(*left, UINT_MAX);
    zs->next_in = *in;
    zs->avail_in = (uInt)chunk;
    *in += chunk;
    *left -= chunk;
}

static krafka_err_t gzip_compress(int level, const uint8_t *in, size_t n,
                                  struct kr_buf *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 16: a gzip wrapper, as Java's GZIPOutputStream. */
    int zr = deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
                          Z_DEFAULT_STRATEGY);
    if (zr != Z_OK)
        return zlib_err(zr);
    krafka_err_t err = KRAFKA_ERR_NONE;
    size_t left = n;
    if (!kr_buf_reserve(out, deflateBound(&zs, (uLong)min_size(n, ULONG_MAX))))
        err = out->err;
    while (!err) {
        zfeed(&zs, &in, &left);
        if (out->cap == out->len && !kr_buf_reserve(out, 65536)) {
            err = out->err;
            break;
        }
        size_t room = min_size(out->cap - out->len, UINT_MAX);
        zs.next_out = out->data + out->len;
        zs.avail_out = (uInt)room;
        zr = deflate(&zs, left ? Z_NO_FLUSH : Z_FINISH);
        out->len += room - zs.avail_out;
        if (zr == Z_STREAM_END)
            break;
        if (zr != Z_OK)
            err = zlib_err(zr);
    }
    deflateEnd(&zs);
    return err;
}

/* After a member: another one follows when the next bytes are the gzip
 * magic. Anything else is ignored, as Java's GZIPInputStream does. */
static bool gzip_member_follows(const z_stream *zs)
{
    return zs->avail_in >= 2 && zs->next_in[0] == 0x1f &&
           zs->next_in[1] == 0x8b;
}

static krafka_err_t gzip_decompress(const uint8_t *in, size_t n,
                                    struct sink *s)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 15 + 32: gzip (or zlib) wrapper, detected. */
    int zr = inflateInit2(&zs, 15 + 32);
    if (zr != Z_OK)
        return zlib_err(zr);
    krafka_err_t err = KRAFKA_ERR_NONE;
    size_t left = n;
    for (;;) {
        zfeed(&zs, &in, &left);
        uint8_t *op;
        size_t room;
        if ((err = sink_next(s, &op, &room)))
            break;
        zs.next_out = op;
        zs.avail_out = (uInt)min_size(room, UINT_MAX);
        uInt before = zs.avail_out;
        zr = inflate(&zs, Z_NO_FLUSH);
        if ((err = sink_commit(s, before - zs.avail_out)))
            break;
        bool input_done = zs.avail_in == 0 && left == 0;
        if (zr == Z_STREAM_END) {
            zfeed(&zs, &in, &left);
            if (!gzip_member_follows(&zs))
                break;
            inflateReset(&zs);
            continue;
        }
        /* Z_BUF_ERROR: no progress possible, i.e. the input ran out. */
        if (zr == Z_BUF_ERROR || (zr == Z_OK && input_done && zs.avail_out)) {
            err = KRAFKA_ERR_LOCAL_COMPRESSION; /* truncated */
            break;
        }
        if (zr != Z_OK) {
            err = zlib_err(zr);
            break;
        }
    }
    inflateEnd(&zs);
    return err;
}

/* ---- snappy ---- */
static krafka_err_t snappy_compress_xerial(const uint8_t *in, size_t n,
                                           struct kr_buf *out)
{
    kr_buf_write(out, xerial_magic, sizeof xerial_magic);
    kr_buf_put_be32(out, 1); /* version */
    kr_buf_put_be32(out, 1); /* compatible version */
    for (size_t off = 0; off < n && !out->err; off += XERIAL_BLOCK_LEN) {
        size_t blk = min_size(n - off, XERIAL_BLOCK_LEN);
        size_t clen = snappy_max_compressed_length(blk);
        if (!kr_buf_reserve(out, 4 + clen))
            break;
        uint8_t *p = out->data + out->len;
        if (snappy_compress((const char *)in + off, blk, (char *)p + 4,
                            &clen) != SNAPPY_OK)
            return KRAFKA_ERR_LOCAL_COMPRESSION;
        out->len += 4;
        kr_buf_patch_be32(out, out->len - 4, (uint32_t)clen); /* length */
        out->len += clen;
    }
    return out->err;
}

static krafka_err_t snappy_raw_decompress(const uint8_t *in, size_t n,
                                          struct sink *s)
{
    size_t ulen;
    if (snappy_uncompressed_length((const char *)in, n, &ulen) != SNAPPY_OK ||
        ulen / SNAPPY_MAX_RATIO > n)
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    /* ulen was read from the input: checked against the cap first. */
    if (ulen > s->limit - s->b->len)
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (!sink_reserve(s, ulen))
        return s->b->err;
    size_t got = ulen;
    if (ulen &&
        (snappy_uncompress((const char *)in, n,
                           (char *)s->b->data + s->b->len,
                           &got) != SNAPPY_OK ||
         got != ulen))
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    if (!ulen && snappy_validate_compressed_buffer((const char *)in, n) !=
                     SNAPPY_OK)
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    s->b->len += ulen;
    return KRAFKA_ERR_NONE;
}

static bool is_xerial(const uint8_t *in, size_t n)
{
    return n >= XERIAL_HEADER_LEN &&
           memcmp(in, xerial_magic, sizeof xerial_magic) == 0;
}

static krafka_err_t snappy_decompress(const uint8_t *in, size_t n,
                                      struct sink *s)
{
    if (!is_xerial(in, n))
        return snappy_raw_decompress(in, n, s);
    size_t pos = XERIAL_HEADER_LEN; /* version fields are not checked */
    while (pos < n) {
        if (n - pos < 4)
            return KRAFKA_ERR_LOCAL_COMPRESSION;
        uint32_t blen = kr_load_be32(in + pos);
        pos += 4;
        if (blen > n - pos)
            return KRAFKA_ERR_LOCAL_COMPRESSION;
        krafka_err_t err = snappy_raw_decompress(in + pos, blen, s);
        if (err)
            return err;
        pos += blen;
    }
    return KRAFKA_ERR_NONE;
}

/* ---- lz4 ---- */
/* A decoder that ran out of memory is not corrupt data: NOMEM lets the
 * consumer try the batch again (the public API names the error only). */
static krafka_err_t lz4_err(size_t r)
{
    return strcmp(LZ4F_getErrorName(r), "ERROR_allocation_failed") == 0
               ? KRAFKA_ERR_LOCAL_NOMEM
               : KRAFKA_ERR_LOCAL_COMPRESSION;
}

static krafka_err_t lz4_compress(struct kr_codec_ctx *cx, int level,
                                 const uint8_t *in, size_t n,
                                 struct kr_buf *out)
{
    if (!cx->lz4_cctx &&
        LZ4F_isError(LZ4F_createCompressionContext(
            (LZ4F_cctx **)&cx->lz4_cctx, LZ4F_VERSION)))
        return KRAFKA_ERR_LOCAL_NOMEM;
    /* Independent 64 KiB blocks, no checksums: what Kafka's Java client
     * and librdkafka write. */
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB;
    prefs.frameInfo.blockMode = LZ4F_blockIndependent;
    prefs.compressionLevel = level < 0 ? 0 : level;
    size_t bound = LZ4F_compressFrameBound(n, &prefs);
    if (!kr_buf_reserve(out, bound))
        return out->err;
    uint8_t *dst = out->data + out->len;
    size_t pos = LZ4F_compressBegin(cx->lz4_cctx, dst, bound, &prefs);
    if (LZ4F_isError(pos))
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    size_t r = LZ4F_compressUpdate(cx->lz4_cctx, dst + pos, bound - pos, in,
                                   n, NULL);
    if (LZ4F_isError(r))
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    pos += r;
    r = LZ4F_compressEnd(cx->lz4_cctx, dst + pos, bound - pos, NULL);
    if (LZ4F_isError(r))
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    out->len += pos + r;
    return KRAFKA_ERR_NONE;
}

/* XXH32 with seed 0 of fewer than 16 bytes: all an LZ4 frame descriptor
 * (FLG, BD, optional ContentSize and DictID: at most 14 bytes) needs. */
static uint32_t xxh32_short(const uint8_t *p, size_t n)
{
    const uint32_t p1 = 2654435761u, p2 = 2246822519u, p3 = 3266489917u,
                   p4 = 668265263u, p5 = 374761393u;
    uint32_t h = p5 + (uint32_t)n;
    for (; n >= 4; p += 4, n -= 4) {
        uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        h += v * p3;
        h = ((h << 17) | (h >> 15)) * p4;
    }
    for (; n; p++, n--) {
        h += *p * p5;
        h = ((h << 11) | (h >> 21)) * p1;
    }
    h ^= h >> 15;
    h *= p2;
    h ^= h >> 13;
    h *= p3;
    h ^= h >> 16;
    return h;
}

#define LZ4_FRAME_HEADER_MAX 19 /* magic, FLG, BD, ContentSize, DictID, HC */

/* Kafka before 0.10 (MessageSet v0) wrote the LZ4 frame header checksum
 * HC over the frame magic too (KAFKA-3160). Feeds @d the frame header at
 * @in with HC recomputed from its descriptor, so whichever checksum it
 * carries is accepted; *used: the header bytes consumed (0 when @in does
 * not start with an LZ4 frame: the decoder then reports it). */
static krafka_err_t lz4_feed_fixed_header(LZ4F_dctx *d, const uint8_t *in,
                                          size_t n, size_t *used)
{
    static const uint8_t magic[4] = {0x04, 0x22, 0x4d, 0x18};
    *used = 0;
    if (n < 7 || memcmp(in, magic, sizeof magic) != 0)
        return KRAFKA_ERR_NONE;
    uint8_t flg = in[4];
    /* FLG bit 3: ContentSize (8 bytes), bit 0: DictID (4 bytes) */
    size_t hl = 4 + 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
    if (n < hl)
        return KRAFKA_ERR_NONE;
    uint8_t h[LZ4_FRAME_HEADER_MAX];
    memcpy(h, in, hl);
    h[hl - 1] = (uint8_t)(xxh32_short(h + 4, hl - 5) >> 8);
    uint8_t none[1];
    size_t dst = 0, src = hl;
    size_t r = LZ4F_decompress(d, none, &dst, h, &src, NULL);
    if (LZ4F_isError(r) || src != hl)
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    *used = hl;
    return KRAFKA_ERR_NONE;
}

static krafka_err_t lz4_decompress(struct kr_codec_ctx *cx, const uint8_t *in,
                                   size_t n, bool fix_hc, struct sink *s)
{
    if (!cx->lz4_dctx &&
        LZ4F_isError(LZ4F_createDecompressionContext(
            (LZ4F_dctx **)&cx->lz4_dctx, LZ4F_VERSION)))
        return KRAFKA_ERR_LOCAL_NOMEM;
    LZ4F_dctx *d = cx->lz4_dctx;
    LZ4F_resetDecompressionContext(d); /* a previous call may have failed */
    size_t pos = 0;
    if (fix_hc) {
        krafka_err_t err = lz4_feed_fixed_header(d, in, n, &pos);
        if (err)
            return err;
    }
    for (;;) {
        uint8_t *op;
        size_t room;
        krafka_err_t err = sink_next(s, &op, &room);
        if (err)
            return err;
        size_t dst = room, src = n - pos;
        size_t r = LZ4F_decompress(d, op, &dst, in + pos, &src, NULL);
        if (LZ4F_isError(r))
            return lz4_err(r);
        pos += src;
        if ((err = sink_commit(s, dst)))
            return err;
        if (r == 0 && pos == n)
            return KRAFKA_ERR_NONE; /* r == 0: frame done; another may follow */
        /* Output room left but no input: the frame is truncated. A call
         * that moves nothing would loop forever: treat it as corrupt. */
        if (r != 0 && ((pos == n && dst < room) || (src == 0 && dst == 0)))
            return KRAFKA_ERR_LOCAL_COMPRESSION;
    }
}

/* ---- zstd ---- */
static krafka_err_t zstd_compress(struct kr_codec_ctx *cx, int level,
                                  const uint8_t *in, size_t n,
                                  struct kr_buf *out)
{
    if (!cx->zstd_cctx && !(cx->zstd_cctx = ZSTD_createCCtx()))
        return KRAFKA_ERR_LOCAL_NOMEM;
    ZSTD_CCtx *c = cx->zstd_cctx;
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    if (ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel,
                                            level == -1 ? 3 : level)))
        return KRAFKA_ERR_LOCAL_INVALID_ARG;
    size_t bound = ZSTD_compressBound(n);
    if (ZSTD_isError(bound))
        return KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED;
    if (!kr_buf_reserve(out, bound))
        return out->err;
    size_t r = ZSTD_compress2(c, out->data + out->len, bound, in, n);
    if (ZSTD_isError(r))
        return KRAFKA_ERR_LOCAL_COMPRESSION;
    out->len += r;
    return KRAFKA_ERR_NONE;
}

static int zstd_window_log_max(size_t max_out)
{
    int wl = ZSTD_WLOG_FLOOR;
    while (wl < ZSTD_WLOG_CEIL && ((size_t)1 << wl) < max_out)
        wl++;
    return wl;
}

static krafka_err_t zstd_decompress(struct kr_codec_ctx *cx, const uint8_t *in,
                                    size_t n, size_t max_out, struct sink *s)
{
    if (!cx->zstd_dctx && !(cx->zstd_dctx = ZSTD_createDCtx()))
        return KRAFKA_ERR_LOCAL_NOMEM;
    ZSTD_DCtx *d = cx->zstd_dctx;
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax,
                           zstd_window_log_max(max_out));
    ZSTD_inBuffer ib = {in, n, 0};
    for (;;) {
        uint8_t *op;
        size_t room;
        krafka_err_t err = sink_next(s, &op, &room);
        if (err)
            return err;
        ZSTD_outBuffer ob = {op, room, 0};
        size_t r = ZSTD_decompressStream(d, &ob, &ib);
        if (ZSTD_isError(r))
            return ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation
                       ? KRAFKA_ERR_LOCAL_NOMEM
                       : KRAFKA_ERR_LOCAL_COMPRESSION;
        if ((err = sink_commit(s, ob.pos)))
            return err;
        if (r == 0 && ib.pos == ib.size)
            return KRAFKA_ERR_NONE; /* r == 0: frame done; another may follow */
        if (r != 0 && ib.pos == ib.size && ob.pos < ob.size)
            return KRAFKA_ERR_LOCAL_COMPRESSION; /* truncated */
    }
}

/* ---- public ---- */
void kr_codec_ctx_init(struct kr_codec_ctx *cx)
{
    memset(cx, 0, sizeof *cx);
}

void kr_codec_ctx_free(struct kr_codec_ctx *cx)
{
    ZSTD_freeCCtx(cx->zstd_cctx);
    ZSTD_freeDCtx(cx->zstd_dctx);
    if (cx->lz4_cctx)
        LZ4F_freeCompressionContext(cx->lz4_cctx);
    if (cx->lz4_dctx)
        LZ4F_freeDecompressionContext(cx->lz4_dctx);
    kr_codec_ctx_init(cx);
}

const char *kr_codec_name(int codec)
{
    switch (codec) {
    case KR_CODEC_NONE: return "none";
    case KR_CODEC_GZIP: return "gzip";
    case KR_CODEC_SNAPPY: return "snappy";
    case KR_CODEC_LZ4: return "lz4";
    case KR_CODEC_ZSTD: return "zstd";
    default: return "unknown";
    }
}

krafka_err_t kr_codec_check_level(int codec, int level)
{
    bool ok;
    switch (codec) {
    case KR_CODEC_NONE:
    case KR_CODEC_SNAPPY: ok = true; break;
    case KR_CODEC_GZIP: ok = level >= -1 && level <= 9; break;
    case KR_CODEC_LZ4: ok = level >= -1 && level <= 12; break;
    case KR_CODEC_ZSTD:
        ok = level >= ZSTD_minCLevel() && level <= ZSTD_maxCLevel();
        break;
    default: return KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION;
    }
    return ok ? KRAFKA_ERR_NONE : KRAFKA_ERR_LOCAL_INVALID_ARG;
}

static krafka_err_t compress_any(struct kr_codec_ctx *cx, int codec,
                                 int level, const uint8_t *in, size_t n,
                                 struct kr_buf *out)
{
    switch (codec) {
    case KR_CODEC_NONE: kr_buf_write(out, in, n); return out->err;
    case KR_CODEC_GZIP: return gzip_compress(level, in, n, out);
    case KR_CODEC_SNAPPY: return snappy_compress_xerial(in, n, out);
    case KR_CODEC_LZ4: return lz4_compress(cx, level, in, n, out);
    default: return zstd_compress(cx, level, in, n, out);
    }
}

krafka_err_t kr_compress_cx(struct kr_codec_ctx *cx, int codec, int level,
                            const uint8_t *in, size_t n, struct kr_buf *out)
{
    krafka_err_t err = kr_codec_check_level(codec, level);
    if (err)
        return err;
    if (out->err)
        return out->err;
    struct kr_codec_ctx tmp = {0};
    size_t start = out->len;
    err = compress_any(cx ? cx : &tmp, codec, level, in, n, out);
    if (err)
        out->len = start;
    kr_codec_ctx_free(&tmp);
    return err;
}

static krafka_err_t decompress_any(struct kr_codec_ctx *cx, int codec,
                                   bool lz4_fix_hc, const uint8_t *in,
                                   size_t n, size_t max_out, struct sink *s)
{
    switch (codec) {
    case KR_CODEC_NONE: return copy_capped(in, n, s);
    case KR_CODEC_GZIP: return gzip_decompress(in, n, s);
    case KR_CODEC_SNAPPY: return snappy_decompress(in, n, s);
    case KR_CODEC_LZ4: return lz4_decompress(cx, in, n, lz4_fix_hc, s);
    case KR_CODEC_ZSTD: return zstd_decompress(cx, in, n, max_out, s);
    default: return KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION;
    }
}

static krafka_err_t decompress(struct kr_codec_ctx *cx, int codec,
                               bool lz4_fix_hc, const uint8_t *in, size_t n,
                               size_t max_out, struct kr_buf *out)
{
    if (out->err)
        return out->err;
    if (!max_out)
        max_out = KR_DECOMPRESS_MAX_DEFAULT;
    struct kr_codec_ctx tmp = {0};
    struct sink s;
    sink_init(&s, out, max_out, n);
    size_t start = out->len;
    krafka_err_t err = decompress_any(cx ? cx : &tmp, codec, lz4_fix_hc, in,
                                      n, max_out, &s);
    if (err)
        out->len = start;
    kr_codec_ctx_free(&tmp);
    return err;
}

krafka_err_t kr_decompress_cx(struct kr_codec_ctx *cx, int codec,
                              const uint8_t *in, size_t n, size_t max_out,
                              struct kr_buf *out)
{
    return decompress(cx, codec, false, in, n, max_out, out);
}

krafka_err_t kr_decompress_legacy_cx(struct kr_codec_ctx *cx, int codec,
                                     int magic, const uint8_t *in, size_t n,
                                     size_t max_out, struct kr_buf *out)
{
    /* MessageSet v0/v1 Attributes know gzip, snappy and lz4 only. */
    if (codec > KR_CODEC_LZ4 || codec < KR_CODEC_NONE)
        return KRAFKA_ERR_LOCAL_UNSUPPORTED_COMPRESSION;
    return decompress(cx, codec, magic == 0, in, n, max_out, out);
}

krafka_err_t kr_compress(int codec, int level, const uint8_t *in, size_t n,
                         struct kr_buf *out)
{
    return kr_compress_cx(NULL, codec, level, in, n, out);
}

krafka_err_t kr_decompress(int codec, const uint8_t *in, size_t n,
                           size_t max_out, struct kr_buf *out)
{
    return kr_decompress_cx(NULL, codec, in, n, max_out, out);
}
