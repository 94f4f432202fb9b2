/*
 * krafka: a kcat-compatible command-line client on libkrafka (see
 * docs/CLI.md). This header is shared by its files:
 *   krafka.c        - command line, modes -P -C -G -L -Q, exit codes
 *   krafka_fmt.c    - output formats (-f, -J), delimiters, JSON strings,
 *                     kcat's wording of errors
 *   krafka_admin.c  - the `topics` and `groups` subcommands
 *
 * Thread: the tool runs on one thread (the library has its own I/O
 * threads); the SIGINT/SIGTERM handler only clears cli_run.
 */
#ifndef KRAFKA_CLI_H
#define KRAFKA_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "krafka/krafka.h"

/* Exit codes (docs/CLI.md). kcat exits 1 on every failure; krafka keeps 1
 * for "the operation failed" and says more with the others. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_FAIL = 1,        /* an operation failed (kcat's code) */
    CLI_EXIT_USAGE = 2,       /* bad flags or arguments */
    CLI_EXIT_UNREACHABLE = 3, /* no broker answered in time */
    CLI_EXIT_AUTH = 4,        /* authentication, authorization or TLS */
    CLI_EXIT_NO_TOPIC = 5,    /* unknown topic or partition */
};

/* ---- output formats (krafka_fmt.c) ---- */

enum fmt_type {
    FMT_STR, FMT_OFFSET, FMT_KEY, FMT_KEY_LEN, FMT_VALUE, FMT_VALUE_LEN,
    FMT_VALUE_LEN_BINARY, FMT_TOPIC, FMT_PARTITION, FMT_TIMESTAMP,
    FMT_HEADERS,
};

struct fmt_item {
    enum fmt_type type;
    char *str; /* FMT_STR: owned, escapes decoded */
    size_t len;
};

struct fmt {
    struct fmt_item *items; /* owned */
    size_t cnt;
    bool json;              /* -J: the JSON envelope, then items[0].str */
    bool null_str;          /* -Z: "NULL" for a null key/value */
};

/* Parses a -f format string (kcat's tokens and backslash escapes).
 * Returns 0, or -1 with a message in @err. */
int fmt_parse(struct fmt *f, const char *spec, char *err, size_t errn);
void fmt_free(struct fmt *f);

/* Writes @rec as @f says; @broker is the id of the leader it came from.
 * Returns 0, or -1 on a write error (errno set). */
int fmt_record(FILE *out, const struct fmt *f, const krafka_record_t *rec,
               int32_t broker);

/* kcat's -D/-K syntax: \n, \t and \xNN decoded. Returns a malloc'd string
 * (NULL when out of memory or on a bad \x, with a message in @err); its
 * length in *@len. */
char *parse_delim(const char *in, size_t *len, char *err, size_t errn);

/* A growable byte buffer for JSON. */
struct jbuf {
    char *p;
    size_t len, cap;
    bool oom;
};
void jb_raw(struct jbuf *b, const void *s, size_t n);
void jb_str(struct jbuf *b, const void *s, size_t n); /* quoted, escaped */
void jb_cstr(struct jbuf *b, const char *s);           /* NULL: null */
void jb_i64(struct jbuf *b, int64_t v);
void jb_key(struct jbuf *b, const char *k);            /* "k": */
void jb_free(struct jbuf *b);

/* The message librdkafka (and so kcat) prints for @err; librdkafka's
 * wording for broker codes, krafka_err2str() otherwise. */
const char *cli_err2str(krafka_err_t err);

/* ---- shared helpers (krafka.c) ---- */

extern volatile sig_atomic_t cli_run;
extern int cli_verbosity;

/* "% ERROR: ..." on stderr (kcat's format). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "% ..." on stderr when the verbosity is at least @level. */
void cli_info(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The exit code for a failure with @err. */
int cli_exit_code(krafka_err_t err);

/* ---- subcommands (krafka_admin.c) ---- */

/* `krafka topics ...` and `krafka groups ...`: argv[0] is the subcommand
 * name. Returns the exit code. */
int cli_topics(int argc, char **argv);
int cli_groups(int argc, char **argv);

#endif
