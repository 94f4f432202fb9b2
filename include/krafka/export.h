/* libkrafka - symbol visibility. Only KRAFKA_API symbols are exported. */
#ifndef KRAFKA_EXPORT_H
#define KRAFKA_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define KRAFKA_API __attribute__((visibility("default")))
#else
#define KRAFKA_API
#endif

#endif
