/*
 * The parts of the krafka tool that use libkrafka's internals (it links
 * the internal static library): the property table for `-X list`, and the
 * tool's own metrics registry served by --metrics-port.
 *
 * Thread: cli_metrics_produced/consumed may be called from any thread
 * (lock-free counters); the rest from the main thread.
 */
#ifndef KRAFKA_CLI_INTERNAL_H
#define KRAFKA_CLI_INTERNAL_H

#include <stddef.h>

struct krafka_metrics;

/* The property reference (docs/CONFIGURATION.md's text), malloc'd; NULL
 * when out of memory. */
char *cli_conf_doc(void);

/* Serves the tool's metrics on 127.0.0.1:@port (0: any free port, printed
 * on stderr). Returns 0, or -1 after printing why. */
int cli_metrics_start(int port);
/* Serves @client's registry too (a producer's or consumer's, from
 * krafka_producer_metrics() / krafka_consumer_metrics()), from now until
 * cli_metrics_detach(), which must come before the client is destroyed.
 * The endpoint is restarted on the same port for each. No-ops when not
 * started. */
void cli_metrics_attach(const struct krafka_metrics *client);
void cli_metrics_detach(void);
void cli_metrics_stop(void); /* no-op when not started */
void cli_metrics_produced(size_t bytes);
void cli_metrics_consumed(size_t bytes);

#endif
