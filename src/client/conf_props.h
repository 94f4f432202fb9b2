/*
 * The property table behind krafka_conf_set()/_get(): one entry per
 * property (conf_props.c), read by the parser, the formatter, _new()'s
 * defaults and the generated docs/CONFIGURATION.md (conf.c).
 *
 * Thread: the table is constant; any thread.
 */
#ifndef KR_CLIENT_CONF_PROPS_H
#define KR_CLIENT_CONF_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conf.h"

enum kr_prop_type {
    KR_PT_INT,   /* int32_t field; decimal in [min, max] or a named value */
    KR_PT_BOOL,  /* bool field; true/false/1/0 */
    KR_PT_STR,   /* char * field, owned by the conf; "" stores NULL */
    KR_PT_ENUM,  /* enum (or bool) field; one of vals, case-insensitive */
    KR_PT_FLAGS, /* uint32_t field; comma list of vals, OR'ed together */
    KR_PT_LIST,  /* char * field; comma list, each item one of vals */
};

enum kr_prop_scope {
    KR_SCOPE_GLOBAL, /* every client: producer, consumer, admin */
    KR_SCOPE_PRODUCER,
    KR_SCOPE_CONSUMER,
};

/* A named value of an enum, flag or list property, or a name an integer
 * property also accepts ("all" for acks). The first name of a value is the
 * one _get() returns. */
struct kr_prop_val {
    const char *name;
    int64_t val;
};

#define KR_PROP_ALIASES_MAX 2

struct kr_prop {
    const char *name;
    const char *aliases[KR_PROP_ALIASES_MAX]; /* unused slots NULL */
    enum kr_prop_type type;
    enum kr_prop_scope scope;
    size_t off;  /* offsetof(struct krafka_conf, field) */
    size_t size; /* sizeof the field: 1 (bool), 4 or sizeof(char *) */
    int64_t min, max;               /* KR_PT_INT only */
    /* KR_PT_INT: the value is written in a unit @scale times smaller than
     * the field's (buffer.memory: bytes, into queue.buffering.max.kbytes'
     * KiB field), stored rounded up and printed multiplied back; min, max
     * and def are in the written unit. 0: the field's own unit. */
    int32_t scale;
    const char *def;                /* default as a string; NULL: unset */
    const struct kr_prop_val *vals; /* ends with {NULL, 0}; or NULL */
    bool sensitive; /* a secret: wiped on free, no default in the doc */
    const char *desc; /* one line, for the doc */
};

/* The table, in documentation order. */
extern const struct kr_prop kr_props[];
extern const size_t kr_props_cnt;

/* The entry named @name or having @name as an alias; NULL if none. */
const struct kr_prop *kr_prop_find(const char *name);

#endif
