/*
 * Record compression codecs of Kafka (RecordBatch Attributes bits 0-2).
 *
 *   gzip    zlib deflate with the gzip wrapper; decoding accepts several
 *           concatenated members (and the zlib wrapper) and, like Java's
 *           GZIPInputStream, ignores bytes after a member that do not start
 *           another one.
 *   snappy  written in the xerial framing Kafka's Java producer uses
 *           (16-byte header, then [int32 BE length][raw snappy block] per
 *           32 KiB of input); decoding accepts xerial or one raw block.
 *   lz4     the standard LZ4 frame format (KIP-57, magic v1+), independent
 *           64 KiB blocks; decoding accepts concatenated frames.
 *   zstd    a zstd frame (KIP-110); decoding streams, so the content size a
 *           frame header claims is never trusted; concatenated frames are
 *           accepted.
 *
 * Decompression is capped (STYLE.md 1.2): it never makes @out hold more
 * than max_out new bytes and never allocates for more, whatever sizes the
 * input declares; output beyond the cap is KRAFKA_ERR_LOCAL_LIMIT_EXCEEDED.
 *
 * Thread-safety: the functions are reentrant; a struct kr_codec_ctx is owned
 * by one thread at a time.
 */
#ifndef KR_PROTOCOL_COMPRESS_H
#define KR_PROTOCOL_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/errors.h"
#include "util/buf.h"

/* Codec ids: the values of RecordBatch Attributes bits 0-2. */
enum kr_codec {
    KR_CODEC_NONE = 0,
    KR_CODEC_GZIP = 1,
    KR_CODEC_SNAPPY = 2,
    KR_CODEC_LZ4 = 3,
    KR_CODEC_ZSTD = 4,
};

/* Level meaning "the codec's default" for every codec: gzip 6, lz4 0 (the
 * fast compressor), zstd 3. Accepted levels: gzip -1..9, lz4 -1..12, zstd
 * ZSTD_minCLevel()..ZSTD_maxCLevel() (-1 is the default, not zstd's fast
 * level -1); none and snappy ignore the level. */
#define KR_COMPRESS_LEVEL_DEFAULT (-1)

/* Default cap of one decompression: 100 MiB. */
#define KR_DECOMPRESS_MAX_DEFAULT ((size_t)100 << 20)

/*
 * Codec contexts kept between calls, so a batch writer or reader does not
 * allocate a compressor per batch. Zero-initialise (or kr_codec_ctx_init),
 * pass to the *_cx functions, free with kr_codec_ctx_free. Contexts are
 * created on first use. Owner: one thread at a time.
 */
struct kr_codec_ctx {
    void *zstd_cctx; /* owned: ZSTD_CCtx */
    void *zstd_dctx; /* owned: ZSTD_DCtx */
    void *lz4_cctx;  /* owned: LZ4F_cctx */
    void *lz4_dctx;  /* owned: LZ4F_dctx */
};

void kr_codec_ctx_init(struct kr_codec_ctx *cx);
void kr_codec_ctx_free(struct kr_codec_ctx *cx); /* re-initialises @cx */

/* "none", "gzip", "snappy", "lz4", "zstd", or "unknown" (static). */
const char *kr_codec_name(int codec);

/* Lowest Produce version that may carry batches of @codec: brokers refuse
 * zstd below Produce v7 (KIP-110) with UNSUPPORTED_COMPRESSION_TYPE. */
static inline int16_t kr_codec_min_produce_version(int codec)
{
    return codec == KR_CODEC_ZSTD ? 7 : 0;
}

/* KRAFKA_ERR_NONE when @level is valid for @codec, LOCAL_INVALID_ARG when
 * not, LOCAL_UNSUPPORTED_COMPRESSION for an unknown codec. */
krafka_err_t kr_codec_check_level(int codec, int level);

/*
 * Appends @in[0..n) compressed with @codec at @level to @out.
 * Returns KRAFKA_ERR_NONE; LOCAL_UNSUPPORTED_COMPRESSION (unknown codec),
 * LOCAL_INVALID_ARG (bad level), LOCAL_COMPRESSION, or @out's error
 * (LOCAL_LIMIT_EXCEEDED / LOCAL_NOMEM). On error out->len is unchanged.
 * @cx may be NULL (temporary contexts).
 */
krafka_err_t kr_compress_cx(struct kr_codec_ctx *cx, int codec, int level,
                            const uint8_t *in, size_t n, struct kr_buf *out);

/*
 * Appends the decompression of @in[0..n) to @out, producing at most
 * @max_out bytes (0: KR_DECOMPRESS_MAX_DEFAULT) and never allocating more
 * than that (nor past out->max).
 * Returns KRAFKA_ERR_NONE; LOCAL_LIMIT_EXCEEDED when the output would be
 * larger; LOCAL_COMPRESSION for corrupt or truncated input;
 * LOCAL_UNSUPPORTED_COMPRESSION for an unknown codec; LOCAL_NOMEM.
 * On error out->len is unchanged. @cx may be NULL (temporary contexts).
 */
krafka_err_t kr_decompress_cx(struct kr_codec_ctx *cx, int codec,
                              const uint8_t *in, size_t n, size_t max_out,
                              struct kr_buf *out);

/*
 * kr_decompress_cx for the Value of a MessageSet v0/v1 wrapper message of
 * @magic (0 or 1). Kafka before 0.10 wrote the LZ4 frame header checksum of
 * magic 0 wrappers wrongly (KAFKA-3160: computed over the frame magic too),
 * so for magic 0 that checksum is recomputed, i.e. not checked, before
 * decoding. zstd (and any codec above lz4) is not a MessageSet codec:
 * LOCAL_UNSUPPORTED_COMPRESSION. Otherwise as kr_decompress_cx.
 */
krafka_err_t kr_decompress_legacy_cx(struct kr_codec_ctx *cx, int codec,
                                     int magic, const uint8_t *in, size_t n,
                                     size_t max_out, struct kr_buf *out);

/* kr_compress_cx / kr_decompress_cx with temporary contexts. */
krafka_err_t kr_compress(int codec, int level, const uint8_t *in, size_t n,
                         struct kr_buf *out);
krafka_err_t kr_decompress(int codec, const uint8_t *in, size_t n,
                           size_t max_out, struct kr_buf *out);

#endif
