/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * Kafka's RecordBatch v2 (KIP-98).
 *
 * kr_crc32c() uses the SSE4.2 crc32 instruction when the CPU has it (three
 * interleaved streams, combined with precomputed shift tables) and a
 * slicing-by-8 table otherwise. The choice is made once, on first use, under
 * call_once, so every function here may be called from any thread.
 */
#ifndef KR_UTIL_CRC32C_H
#define KR_UTIL_CRC32C_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Incremental CRC-32C: start with crc = 0, pass the previous result to
 * continue, so kr_crc32c(kr_crc32c(0, a, n), b, m) == CRC of a||b.
 * Thread-safety: any thread. */
uint32_t kr_crc32c(uint32_t crc, const void *p, size_t n);

/* The two implementations behind kr_crc32c(), exposed for tests and the
 * benchmark. kr_crc32c_hw() may only be called when
 * kr_crc32c_hw_available() is true (on other targets it is the software
 * one). */
uint32_t kr_crc32c_sw(uint32_t crc, const void *p, size_t n);
uint32_t kr_crc32c_hw(uint32_t crc, const void *p, size_t n);
bool kr_crc32c_hw_available(void);

#endif
