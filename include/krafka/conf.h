/*
 * Configuration: one object of string properties with librdkafka's names
 * (and their Java aliases), handed to krafka_admin_new(), the producer and
 * the consumer, which each take a copy. docs/CONFIGURATION.md lists every
 * property; it is generated from the same table that parses them.
 */
#ifndef KRAFKA_CONF_H
#define KRAFKA_CONF_H

#include <stddef.h>

#include "krafka/errors.h"
#include "krafka/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct krafka_conf krafka_conf_t; /* opaque */

/** Syslog levels, as the `log_level` property and the log callback use. */
enum krafka_log_level {
    KRAFKA_LOG_EMERG = 0,
    KRAFKA_LOG_ALERT = 1,
    KRAFKA_LOG_CRIT = 2,
    KRAFKA_LOG_ERR = 3,
    KRAFKA_LOG_WARNING = 4,
    KRAFKA_LOG_NOTICE = 5,
    KRAFKA_LOG_INFO = 6,
    KRAFKA_LOG_DEBUG = 7,
};

/** A log line. @facility is a short upper-case tag ("CONNECT", "SASL",
 *  "METADATA"); @message has no trailing newline. Both are borrowed until
 *  the callback returns. Called from the client's I/O thread or from the
 *  thread of an API call, never concurrently for one client; it must not
 *  call back into the client that logs. */
typedef void (*krafka_log_cb)(void *opaque, int level, const char *facility,
                              const char *message);

/** Creates a configuration with every property at its default.
 *  Returns NULL only when memory runs out. Thread-safety: any thread. */
KRAFKA_API krafka_conf_t *krafka_conf_new(void);

/** Copies @conf (properties, callbacks and the opaque pointer).
 *  Returns NULL only when memory runs out. Thread-safety: any thread, as
 *  long as no other thread modifies @conf. */
KRAFKA_API krafka_conf_t *krafka_conf_dup(const krafka_conf_t *conf);

/** Frees @conf. NULL is a no-op. Thread-safety: any thread; @conf must not
 *  be in use elsewhere. */
KRAFKA_API void krafka_conf_destroy(krafka_conf_t *conf);

/** Sets property @name to @value (a string; numbers in decimal, booleans as
 *  true/false). Returns KRAFKA_ERR_NONE, or LOCAL_UNKNOWN_PROPERTY for an
 *  unknown name and LOCAL_INVALID_CONF for a bad or out-of-range value, with
 *  a message naming the property in @errstr (may be NULL). @value NULL
 *  resets the property to its default.
 *  Thread-safety: one thread at a time per @conf. */
KRAFKA_API krafka_err_t krafka_conf_set(krafka_conf_t *conf, const char *name,
                                        const char *value, char *errstr,
                                        size_t errstr_size);

/** Writes the value of property @name as a NUL-terminated string to @dest.
 *  *@dest_size is the size of @dest on input and the size needed (with the
 *  NUL) on output; @dest NULL just asks for the size. Returns
 *  KRAFKA_ERR_NONE, LOCAL_UNKNOWN_PROPERTY, or LOCAL_INVALID_ARG when @dest
 *  is too small. Thread-safety: any thread, as long as no other thread
 *  modifies @conf. */
KRAFKA_API krafka_err_t krafka_conf_get(const krafka_conf_t *conf,
                                        const char *name, char *dest,
                                        size_t *dest_size);

/** Sets the log callback; NULL restores the default, which writes to
 *  stderr. Thread-safety: one thread at a time per @conf. */
KRAFKA_API void krafka_conf_set_log_cb(krafka_conf_t *conf, krafka_log_cb cb);

/** Sets the opaque pointer passed to every callback. Borrowed: it must
 *  outlive the handles created from @conf. Thread-safety: one thread at a
 *  time per @conf. */
KRAFKA_API void krafka_conf_set_opaque(krafka_conf_t *conf, void *opaque);

#ifdef __cplusplus
}
#endif
#endif
