/*
 * libkrafka - a Kafka client library in C.
 *
 * Include this header for the whole public API.
 */
#ifndef KRAFKA_KRAFKA_H
#define KRAFKA_KRAFKA_H

#include <stddef.h>
#include <stdint.h>

#include "krafka/export.h"
#include "krafka/errors.h"
#include "krafka/partitioner.h"
#include "krafka/conf.h"
#include "krafka/admin.h"
#include "krafka/producer.h"
#include "krafka/consumer.h"
#include "krafka/metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KRAFKA_VERSION_MAJOR 0
#define KRAFKA_VERSION_MINOR 1
#define KRAFKA_VERSION_PATCH 0
#define KRAFKA_VERSION_STR "0.1.0"
/** Version as one integer: 0xMMmmpp00. */
#define KRAFKA_VERSION                                                         \
    ((KRAFKA_VERSION_MAJOR << 24) | (KRAFKA_VERSION_MINOR << 16) |             \
     (KRAFKA_VERSION_PATCH << 8))

/** Library version of the linked libkrafka as 0xMMmmpp00.
 *  Thread-safety: any thread. */
KRAFKA_API int krafka_version(void);

/** Library version of the linked libkrafka as a static string, "0.1.0".
 *  Thread-safety: any thread. */
KRAFKA_API const char *krafka_version_str(void);

#ifdef __cplusplus
}
#endif
#endif
