/*
 * `krafka topics create|delete|list|describe` and
 * `krafka groups list|describe`: what kcat lacks, on the admin handle.
 * Text output is a table for people; -J prints one JSON object.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "krafka.h"

#define MAX_NAMES 256
#define MAX_CONFIGS 128

struct aopts {
    const char *prog;
    const char *cmd;
    const char *brokers;
    krafka_conf_t *conf;
    const char *names[MAX_NAMES];
    size_t name_cnt;
    int32_t partitions;
    int16_t rf;
    const char *configs[2 * MAX_CONFIGS];
    size_t config_cnt;
    bool json, all, if_not_exists;
    int timeout_ms;
};

static void admin_usage(FILE *out, const char *what)
{
    if (!strcmp(what, "topics"))
        fprintf(out,
"Usage: krafka topics list     -b <brokers> [-a] [-J]\n"
"       krafka topics describe -b <brokers> [-J] <topic>..\n"
"       krafka topics create   -b <brokers> [--partitions N]\n"
"                              [--replication-factor R]\n"
"                              [--config name=value].. [--if-not-exists]\n"
"                              <topic>..\n"
"       krafka topics delete   -b <brokers> <topic>..\n"
"       krafka topics alter    -b <brokers> --partitions N <topic>..\n"
"                              (raises the partition count to N)\n"
"Options: -X prop=value, -F <config-file>, -m <seconds> (timeout,\n"
"         default 30), -t <topic> (same as a topic argument), -q, -J JSON,\n"
"         -a list internal topics too.\n");
    else
        fprintf(out,
"Usage: krafka groups list     -b <brokers> [-J]\n"
"       krafka groups describe -b <brokers> [-J] <group>..\n"
"Options: -X prop=value, -F <config-file>, -m <seconds> (timeout,\n"
"         default 30), -q.\n");
}

static int ausage_error(const char *what, const char *msg, const char *arg)
{
    fprintf(stderr, "Error: %s%s%s\n\n", msg, arg ? " " : "",
            arg ? arg : "");
    admin_usage(stderr, what);
    return CLI_EXIT_USAGE;
}

static void alog_cb(void *opaque, int level, const char *fac,
                    const char *msg)
{
    (void)opaque;
    if (cli_verbosity == 0 && level > KRAFKA_LOG_ERR)
        return;
    fprintf(stderr, "%%%d|%s|%s\n", level, fac, msg);
}

static int conf_file(struct aopts *o, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        cli_error("Failed to open %s", path);
        return -1;
    }
    char buf[4096], errstr[512];
    int line = 0, rc = 0;
    while (!rc && fgets(buf, sizeof buf, fp)) {
        line++;
        char *s = buf + strspn(buf, " \t\r\n");
        char *t = s + strlen(s);
        while (t > s && strchr(" \t\r\n", t[-1]))
            *--t = '\0';
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq || eq == s) {
            cli_error("%s:%d: expected property=value", path, line);
            rc = -1;
            break;
        }
        *eq = '\0';
        if (krafka_conf_set(o->conf, s, eq + 1, errstr, sizeof errstr)) {
            cli_error("%s:%d: %s", path, line, errstr);
            rc = -1;
        }
    }
    fclose(fp);
    return rc;
}

/* Parses the options after `topics|groups <cmd>`; returns -1 when done
 * (ok), or an exit code. */
static int aparse(struct aopts *o, int argc, char **argv, const char *what)
{
    static const struct option longopts[] = {
        {"partitions", required_argument, NULL, 1000},
        {"replication-factor", required_argument, NULL, 1001},
        {"config", required_argument, NULL, 1002},
        {"if-not-exists", no_argument, NULL, 1003},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    char errstr[512];
    int opt;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":b:X:F:m:t:qvJah", longopts,
                              NULL)) != -1) {
        char *end;
        long v;
        switch (opt) {
        case 'b':
            o->brokers = optarg;
            break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq)
                return ausage_error(what, "expected -X property=value, not",
                                    optarg);
            *eq = '\0';
            if (krafka_conf_set(o->conf, optarg, eq + 1, errstr,
                                sizeof errstr)) {
                cli_error("%s", errstr);
                return CLI_EXIT_USAGE;
            }
            if (!strcmp(optarg, "bootstrap.servers"))
                o->brokers = eq + 1;
            break;
        }
        case 'F':
            if (conf_file(o, optarg))
                return CLI_EXIT_USAGE;
            break;
        case 'm':
            v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v <= 0 || v > 86400)
                return ausage_error(what, "-m: invalid timeout", optarg);
            o->timeout_ms = (int)v * 1000;
            break;
        case 't':
            if (o->name_cnt == MAX_NAMES)
                return ausage_error(what, "too many names", NULL);
            o->names[o->name_cnt++] = optarg;
            break;
        case 'q':
            cli_verbosity = 0;
            break;
        case 'v':
            cli_verbosity++;
            break;
        case 'J':
            o->json = true;
            break;
        case 'a':
            o->all = true;
            break;
        case 'h':
            admin_usage(stdout, what);
            exit(CLI_EXIT_OK);
        case 1000:
            v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < -1 || v == 0 || v > 1000000)
                return ausage_error(what, "--partitions: invalid count",
                                    optarg);
            o->partitions = (int32_t)v;
            break;
        case 1001:
            v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < -1 || v == 0 || v > 32767)
                return ausage_error(what,
                                    "--replication-factor: invalid value",
                                    optarg);
            o->rf = (int16_t)v;
            break;
        case 1002: {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg)
                return ausage_error(what, "--config: expected name=value, not",
                                    optarg);
            if (o->config_cnt == MAX_CONFIGS)
                return ausage_error(what, "too many --config", NULL);
            *eq = '\0';
            o->configs[2 * o->config_cnt] = optarg;
            o->configs[2 * o->config_cnt + 1] = eq + 1;
            o->config_cnt++;
            break;
        }
        case 1003:
            o->if_not_exists = true;
            break;
        case ':':
            return ausage_error(what, "option requires an argument:",
                                argv[optind - 1]);
        default:
            return ausage_error(what, "unknown argument",
                                argv[optind - 1]);
        }
    }
    for (; optind < argc; optind++) {
        if (o->name_cnt == MAX_NAMES)
            return ausage_error(what, "too many names", NULL);
        o->names[o->name_cnt++] = argv[optind];
    }
    if (!o->brokers)
        return ausage_error(what, "-b <broker,..> missing", NULL);
    if (krafka_conf_set(o->conf, "bootstrap.servers", o->brokers, errstr,
                        sizeof errstr)) {
        cli_error("%s", errstr);
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static krafka_admin_t *anew(struct aopts *o, int *rc)
{
    char errstr[512];
    krafka_admin_t *a;
    krafka_err_t err = krafka_admin_new(&a, o->conf, errstr, sizeof errstr);
    if (err) {
        cli_error("Failed to create client: %s", errstr);
        *rc = cli_exit_code(err);
        return NULL;
    }
    return a;
}

static int md_fail(krafka_err_t err, const char *errstr)
{
    cli_error("Failed to acquire metadata: %s%s",
              errstr[0] ? errstr : cli_err2str(err),
              cli_exit_code(err) == CLI_EXIT_UNREACHABLE
                  ? " (Are the brokers reachable?)"
                  : "");
    return cli_exit_code(err);
}

static void jb_flush(struct jbuf *b)
{
    if (!b->oom) {
        fwrite(b->p, b->len, 1, stdout);
        fputc('\n', stdout);
    }
    jb_free(b);
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- topics ---- */

static int topics_list(krafka_admin_t *a, struct aopts *o)
{
    char errstr[512];
    krafka_metadata_t *md;
    krafka_err_t err =
        krafka_admin_metadata(a, NULL, o->timeout_ms, &md, errstr,
                              sizeof errstr);
    if (err)
        return md_fail(err, errstr);
    const char **names = calloc((size_t)md->topic_cnt + 1, sizeof *names);
    size_t n = 0;
    for (int i = 0; names && i < md->topic_cnt; i++)
        if (o->all || !md->topics[i].is_internal)
            names[n++] = md->topics[i].topic;
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    if (o->json) {
        struct jbuf b = {0};
        jb_raw(&b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            if (i)
                jb_raw(&b, ",", 1);
            jb_cstr(&b, names[i]);
        }
        jb_raw(&b, "]", 1);
        jb_flush(&b);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", names[i]);
    }
    free(names);
    krafka_metadata_destroy(md);
    return CLI_EXIT_OK;
}

static void ids_text(const int32_t *ids, int n)
{
    for (int k = 0; k < n; k++)
        printf("%s%" PRId32, k ? "," : "", ids[k]);
}

static void ids_json(struct jbuf *b, const int32_t *ids, int n)
{
    jb_raw(b, "[", 1);
    for (int k = 0; k < n; k++) {
        if (k)
            jb_raw(b, ",", 1);
        jb_i64(b, ids[k]);
    }
    jb_raw(b, "]", 1);
}

static void topic_id_str(const uint8_t id[16], char out[40])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[id[i] >> 4];
        out[o++] = hex[id[i] & 15];
    }
    out[o] = '\0';
}

static int part_cmp(const void *x, const void *y)
{
    const krafka_metadata_partition_t *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

static int entry_cmp(const void *x, const void *y)
{
    const krafka_config_entry_t *const *a = x, *const *b = y;
    return strcmp((*a)->name, (*b)->name);
}

/* The entries of @ce whose source is not DEFAULT_CONFIG, sorted by name
 * (free()d by the caller; NULL when none). */
static const krafka_config_entry_t **
nondefault_configs(const krafka_config_entries_t *ce, size_t *n)
{
    *n = 0;
    const krafka_config_entry_t **v =
        ce && ce->cnt ? calloc((size_t)ce->cnt, sizeof *v) : NULL;
    for (int i = 0; v && i < ce->cnt; i++)
        if (!ce->entries[i].is_default)
            v[(*n)++] = &ce->entries[i];
    if (*n > 1)
        qsort(v, *n, sizeof *v, entry_cmp);
    return v;
}

static void configs_json(struct jbuf *b, const krafka_config_entry_t **v,
                         size_t n)
{
    jb_key(b, "configs");
    jb_raw(b, "{", 1);
    for (size_t k = 0; k < n; k++) {
        jb_key(b, v[k]->name); /* adds the comma */
        if (v[k]->value)
            jb_cstr(b, v[k]->value);
        else
            jb_raw(b, "null", 4);
    }
    jb_raw(b, "}", 1);
}

static void configs_text(const krafka_config_entry_t **v, size_t n)
{
    if (!n)
        return;
    printf("\tConfigs: ");
    for (size_t k = 0; k < n; k++)
        printf("%s%s=%s", k ? "," : "", v[k]->name,
               v[k]->value ? v[k]->value : "");
    printf("\n");
}

static int topics_describe(krafka_admin_t *a, struct aopts *o)
{
    if (!o->name_cnt)
        return ausage_error("topics", "describe needs one or more topics",
                            NULL);
    int rc = CLI_EXIT_OK;
    struct jbuf b = {0};
    if (o->json)
        jb_raw(&b, "[", 1);
    for (size_t i = 0; i < o->name_cnt; i++) {
        char errstr[512];
        krafka_metadata_t *md;
        krafka_err_t err = krafka_admin_metadata(
            a, o->names[i], o->timeout_ms, &md, errstr, sizeof errstr);
        if (err) {
            jb_free(&b);
            return md_fail(err, errstr);
        }
        const krafka_metadata_topic_t *t =
            md->topic_cnt ? &md->topics[0] : NULL;
        if (t && t->partition_cnt > 1)
            qsort((krafka_metadata_partition_t *)t->partitions,
                  (size_t)t->partition_cnt, sizeof *t->partitions, part_cmp);
        krafka_err_t terr =
            !t ? KRAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION : t->err;
        int rf = t && t->partition_cnt ? t->partitions[0].replica_cnt : 0;
        char id[40];
        if (t)
            topic_id_str(t->topic_id, id);
        if (terr) {
            cli_error("Topic %s: %s", o->names[i], cli_err2str(terr));
            rc = cli_exit_code(terr);
        }
        krafka_config_entries_t *ce = NULL;
        if (!terr) {
            krafka_err_t cerr = krafka_admin_describe_topic_configs(
                a, o->names[i], o->timeout_ms, &ce, errstr, sizeof errstr);
            if (cerr) {
                cli_error("Topic %s: configs: %s", o->names[i], errstr);
                rc = cli_exit_code(cerr);
            }
        }
        size_t ncfg;
        const krafka_config_entry_t **cfg = nondefault_configs(ce, &ncfg);
        if (o->json) {
            if (i)
                jb_raw(&b, ",", 1);
            jb_raw(&b, "{", 1);
            jb_key(&b, "topic");
            jb_cstr(&b, o->names[i]);
            if (terr) {
                jb_key(&b, "error");
                jb_cstr(&b, cli_err2str(terr));
            } else {
                jb_key(&b, "topic_id");
                jb_cstr(&b, id);
                jb_key(&b, "internal");
                jb_raw(&b, t->is_internal ? "true" : "false",
                       t->is_internal ? 4 : 5);
                jb_key(&b, "partition_count");
                jb_i64(&b, t->partition_cnt);
                jb_key(&b, "replication_factor");
                jb_i64(&b, rf);
                jb_key(&b, "partitions");
                jb_raw(&b, "[", 1);
                for (int j = 0; j < t->partition_cnt; j++) {
                    const krafka_metadata_partition_t *p = &t->partitions[j];
                    jb_raw(&b, j ? ",{" : "{", j ? 2 : 1);
                    jb_key(&b, "partition");
                    jb_i64(&b, p->id);
                    jb_key(&b, "leader");
                    jb_i64(&b, p->leader);
                    jb_key(&b, "replicas");
                    ids_json(&b, p->replicas, p->replica_cnt);
                    jb_key(&b, "isrs");
                    ids_json(&b, p->isrs, p->isr_cnt);
                    if (p->err) {
                        jb_key(&b, "error");
                        jb_cstr(&b, cli_err2str(p->err));
                    }
                    jb_raw(&b, "}", 1);
                }
                jb_raw(&b, "]", 1);
                if (ce)
                    configs_json(&b, cfg, ncfg);
            }
            jb_raw(&b, "}", 1);
        } else if (!terr) {
            printf("Topic: %s\tTopicId: %s\tPartitionCount: %d\t"
                   "ReplicationFactor: %d%s\n",
                   t->topic, id, t->partition_cnt, rf,
                   t->is_internal ? "\tInternal: true" : "");
            for (int j = 0; j < t->partition_cnt; j++) {
                const krafka_metadata_partition_t *p = &t->partitions[j];
                printf("\tTopic: %s\tPartition: %" PRId32
                       "\tLeader: %" PRId32 "\tReplicas: ",
                       t->topic, p->id, p->leader);
                ids_text(p->replicas, p->replica_cnt);
                printf("\tIsr: ");
                ids_text(p->isrs, p->isr_cnt);
                if (p->err)
                    printf("\tError: %s", cli_err2str(p->err));
                printf("\n");
            }
            configs_text(cfg, ncfg);
        }
        free(cfg);
        krafka_config_entries_destroy(ce);
        krafka_metadata_destroy(md);
    }
    if (o->json) {
        jb_raw(&b, "]", 1);
        jb_flush(&b);
    }
    return rc;
}

/* What a create, delete or alter call says: the call's error, else each
 * topic's outcome. A topic whose error is @ok_too (NONE: none) counts as
 * done, with @ok_too_msg. Returns the exit code. */
static int topic_results(const struct aopts *o, const char *verb,
                         krafka_err_t err, const char *errstr,
                         const krafka_topic_result_t *res,
                         const char *done_msg, krafka_err_t ok_too,
                         const char *ok_too_msg)
{
    if (err) {
        cli_error("Failed to %s topics: %s", verb,
                  errstr[0] ? errstr : cli_err2str(err));
        return cli_exit_code(err);
    }
    int rc = CLI_EXIT_OK;
    for (size_t i = 0; i < o->name_cnt; i++) {
        if (!res[i].err || (ok_too && res[i].err == ok_too)) {
            cli_info(1, "Topic %s %s\n", o->names[i],
                     res[i].err ? ok_too_msg : done_msg);
            continue;
        }
        cli_error("Topic %s: %s: %s", o->names[i],
                  krafka_err2name(res[i].err), res[i].errstr);
        rc = cli_exit_code(res[i].err);
    }
    return rc;
}

static int topics_create(krafka_admin_t *a, struct aopts *o)
{
    if (!o->name_cnt)
        return ausage_error("topics", "create needs one or more topics",
                            NULL);
    krafka_new_topic_t *nt = calloc(o->name_cnt, sizeof *nt);
    krafka_topic_result_t *res = calloc(o->name_cnt, sizeof *res);
    if (!nt || !res) {
        free(nt);
        free(res);
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < o->name_cnt; i++)
        nt[i] = (krafka_new_topic_t){.topic = o->names[i],
                                     .num_partitions = o->partitions,
                                     .replication_factor = o->rf,
                                     .configs = o->configs,
                                     .config_cnt = o->config_cnt};
    char errstr[512];
    krafka_err_t err = krafka_admin_create_topics(
        a, nt, o->name_cnt, o->timeout_ms, res, errstr, sizeof errstr);
    int rc = topic_results(o, "create", err, errstr, res, "created",
                           o->if_not_exists ? KRAFKA_ERR_TOPIC_ALREADY_EXISTS
                                            : KRAFKA_ERR_NONE,
                           "already exists");
    free(nt);
    free(res);
    return rc;
}

static int topics_delete(krafka_admin_t *a, struct aopts *o)
{
    if (!o->name_cnt)
        return ausage_error("topics", "delete needs one or more topics",
                            NULL);
    krafka_topic_result_t *res = calloc(o->name_cnt, sizeof *res);
    if (!res) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    char errstr[512];
    krafka_err_t err = krafka_admin_delete_topics(
        a, o->names, o->name_cnt, o->timeout_ms, res, errstr, sizeof errstr);
    int rc = topic_results(o, "delete", err, errstr, res, "deleted",
                           KRAFKA_ERR_NONE, NULL);
    free(res);
    return rc;
}

static int topics_alter(krafka_admin_t *a, struct aopts *o)
{
    if (!o->name_cnt || o->partitions < 1)
        return ausage_error("topics",
                            "alter needs --partitions N and one or more "
                            "topics",
                            NULL);
    krafka_topic_result_t *res = calloc(o->name_cnt, sizeof *res);
    krafka_new_partitions_t *np = calloc(o->name_cnt, sizeof *np);
    if (!res || !np) {
        free(res);
        free(np);
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    for (size_t i = 0; i < o->name_cnt; i++)
        np[i] = (krafka_new_partitions_t){.topic = o->names[i],
                                          .total_count = o->partitions};
    char errstr[512];
    krafka_err_t err = krafka_admin_create_partitions(
        a, np, o->name_cnt, o->timeout_ms, res, errstr, sizeof errstr);
    char done[64];
    snprintf(done, sizeof done, "now has %d partitions", (int)o->partitions);
    int rc = topic_results(o, "alter", err, errstr, res, done,
                           KRAFKA_ERR_NONE, NULL);
    free(np);
    free(res);
    return rc;
}

/* ---- groups ---- */

static int groups_list(krafka_admin_t *a, struct aopts *o)
{
    char errstr[512];
    krafka_group_list_t *l;
    krafka_err_t err =
        krafka_admin_list_groups(a, o->timeout_ms, &l, errstr, sizeof errstr);
    if (err) {
        cli_error("Failed to list groups: %s",
                  errstr[0] ? errstr : cli_err2str(err));
        return cli_exit_code(err);
    }
    if (o->json) {
        struct jbuf b = {0};
        jb_raw(&b, "[", 1);
        for (size_t i = 0; i < l->group_cnt; i++) {
            const krafka_group_listing_t *g = &l->groups[i];
            jb_raw(&b, i ? ",{" : "{", i ? 2 : 1);
            jb_key(&b, "group");
            jb_cstr(&b, g->group_id);
            jb_key(&b, "state");
            jb_cstr(&b, g->state);
            jb_key(&b, "protocol_type");
            jb_cstr(&b, g->protocol_type);
            jb_key(&b, "type");
            jb_cstr(&b, g->type);
            jb_key(&b, "coordinator");
            jb_i64(&b, g->coordinator_id);
            jb_raw(&b, "}", 1);
        }
        jb_raw(&b, "]", 1);
        jb_flush(&b);
    } else {
        printf("%-40s %-20s %-14s %s\n", "GROUP", "STATE", "PROTOCOL-TYPE",
               "COORDINATOR");
        for (size_t i = 0; i < l->group_cnt; i++) {
            const krafka_group_listing_t *g = &l->groups[i];
            printf("%-40s %-20s %-14s %" PRId32 "\n", g->group_id,
                   g->state[0] ? g->state : "-",
                   g->protocol_type[0] ? g->protocol_type : "-",
                   g->coordinator_id);
        }
    }
    int rc = CLI_EXIT_OK;
    if (l->failed_broker_cnt) {
        cli_error("%zu broker(s) did not answer: %s", l->failed_broker_cnt,
                  l->first_errstr);
        rc = cli_exit_code(l->first_err);
    }
    krafka_group_list_destroy(l);
    return rc;
}

/* The member that has @topic/@partition assigned, or NULL. */
static const krafka_group_member_t *
owner_of(const krafka_group_description_t *d, const char *topic,
         int32_t partition)
{
    for (size_t m = 0; m < d->member_cnt; m++)
        for (size_t i = 0; i < d->members[m].assignment_cnt; i++)
            if (d->members[m].assignment[i].partition == partition &&
                !strcmp(d->members[m].assignment[i].topic, topic))
                return &d->members[m];
    return NULL;
}

static void group_json(struct jbuf *b, const krafka_group_description_t *d)
{
    jb_raw(b, "{", 1);
    jb_key(b, "group");
    jb_cstr(b, d->group_id);
    if (d->err) {
        jb_key(b, "error");
        jb_cstr(b, d->errstr);
        jb_raw(b, "}", 1);
        return;
    }
    jb_key(b, "state");
    jb_cstr(b, d->state);
    jb_key(b, "protocol_type");
    jb_cstr(b, d->protocol_type);
    jb_key(b, "protocol");
    jb_cstr(b, d->protocol);
    jb_key(b, "coordinator");
    jb_i64(b, d->coordinator_id);
    jb_key(b, "members");
    jb_raw(b, "[", 1);
    for (size_t m = 0; m < d->member_cnt; m++) {
        const krafka_group_member_t *mb = &d->members[m];
        jb_raw(b, m ? ",{" : "{", m ? 2 : 1);
        jb_key(b, "member_id");
        jb_cstr(b, mb->member_id);
        jb_key(b, "group_instance_id");
        jb_cstr(b, mb->group_instance_id);
        jb_key(b, "client_id");
        jb_cstr(b, mb->client_id);
        jb_key(b, "client_host");
        jb_cstr(b, mb->client_host);
        jb_key(b, "assignment");
        jb_raw(b, "[", 1);
        for (size_t i = 0; i < mb->assignment_cnt; i++) {
            jb_raw(b, i ? ",{" : "{", i ? 2 : 1);
            jb_key(b, "topic");
            jb_cstr(b, mb->assignment[i].topic);
            jb_key(b, "partition");
            jb_i64(b, mb->assignment[i].partition);
            jb_raw(b, "}", 1);
        }
        jb_raw(b, "]}", 2);
    }
    jb_raw(b, "]", 1);
    jb_key(b, "offsets");
    jb_raw(b, "[", 1);
    for (size_t i = 0; i < d->offset_cnt; i++) {
        const krafka_group_offset_t *of = &d->offsets[i];
        const krafka_group_member_t *mb =
            owner_of(d, of->topic, of->partition);
        jb_raw(b, i ? ",{" : "{", i ? 2 : 1);
        jb_key(b, "topic");
        jb_cstr(b, of->topic);
        jb_key(b, "partition");
        jb_i64(b, of->partition);
        jb_key(b, "committed");
        jb_i64(b, of->committed);
        jb_key(b, "log_end");
        jb_i64(b, of->log_end);
        jb_key(b, "lag");
        jb_i64(b, of->lag);
        jb_key(b, "member_id");
        jb_cstr(b, mb ? mb->member_id : NULL);
        if (of->err) {
            jb_key(b, "error");
            jb_cstr(b, cli_err2str(of->err));
        }
        jb_raw(b, "}", 1);
    }
    jb_raw(b, "]}", 2);
}

static void group_text(const krafka_group_description_t *d)
{
    if (d->err) {
        printf("Group %s: error: %s\n\n", d->group_id, d->errstr);
        return;
    }
    printf("Group %s: state %s, protocol %s/%s, %zu member(s), "
           "coordinator %" PRId32 "\n",
           d->group_id, d->state[0] ? d->state : "-",
           d->protocol_type[0] ? d->protocol_type : "-",
           d->protocol[0] ? d->protocol : "-", d->member_cnt,
           d->coordinator_id);
    for (size_t m = 0; m < d->member_cnt; m++) {
        const krafka_group_member_t *mb = &d->members[m];
        printf("  member %s client-id %s host %s%s%s assigned: ",
               mb->member_id, mb->client_id, mb->client_host,
               mb->group_instance_id ? " instance " : "",
               mb->group_instance_id ? mb->group_instance_id : "");
        for (size_t i = 0; i < mb->assignment_cnt; i++)
            printf("%s%s [%" PRId32 "]", i ? ", " : "",
                   mb->assignment[i].topic, mb->assignment[i].partition);
        printf("%s\n", mb->assignment_cnt ? "" : "-");
    }
    printf("  %-30s %-9s %-14s %-14s %-8s %s\n", "TOPIC", "PARTITION",
           "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID");
    for (size_t i = 0; i < d->offset_cnt; i++) {
        const krafka_group_offset_t *of = &d->offsets[i];
        const krafka_group_member_t *mb =
            owner_of(d, of->topic, of->partition);
        char c[24] = "-", e[24] = "-", l[24] = "-";
        if (of->committed >= 0)
            snprintf(c, sizeof c, "%" PRId64, of->committed);
        if (of->log_end >= 0)
            snprintf(e, sizeof e, "%" PRId64, of->log_end);
        if (of->lag >= 0)
            snprintf(l, sizeof l, "%" PRId64, of->lag);
        printf("  %-30s %-9" PRId32 " %-14s %-14s %-8s %s%s%s\n", of->topic,
               of->partition, c, e, l, mb ? mb->member_id : "-",
               of->err ? " error: " : "",
               of->err ? cli_err2str(of->err) : "");
    }
    printf("\n");
}

static int groups_describe(krafka_admin_t *a, struct aopts *o)
{
    if (!o->name_cnt)
        return ausage_error("groups", "describe needs one or more groups",
                            NULL);
    char errstr[512];
    krafka_group_descriptions_t *ds;
    krafka_err_t err = krafka_admin_describe_groups(
        a, o->names, o->name_cnt, o->timeout_ms, &ds, errstr, sizeof errstr);
    if (err) {
        cli_error("Failed to describe groups: %s",
                  errstr[0] ? errstr : cli_err2str(err));
        return cli_exit_code(err);
    }
    int rc = CLI_EXIT_OK;
    struct jbuf b = {0};
    if (o->json)
        jb_raw(&b, "[", 1);
    for (size_t i = 0; i < ds->group_cnt; i++) {
        const krafka_group_description_t *d = &ds->groups[i];
        if (d->err) {
            cli_error("Group %s: %s", d->group_id, d->errstr);
            rc = cli_exit_code(d->err);
        }
        if (o->json) {
            if (i)
                jb_raw(&b, ",", 1);
            group_json(&b, d);
        } else {
            group_text(d);
        }
    }
    if (o->json) {
        jb_raw(&b, "]", 1);
        jb_flush(&b);
    }
    krafka_group_descriptions_destroy(ds);
    return rc;
}

/* ---- entry points ---- */

static int run_sub(int argc, char **argv, const char *what)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        admin_usage(argc < 2 ? stderr : stdout, what);
        return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    struct aopts o = {.cmd = argv[1], .partitions = -1, .rf = -1,
                      .timeout_ms = 30000};
    bool topics = !strcmp(what, "topics");
    if (topics ? strcmp(o.cmd, "list") && strcmp(o.cmd, "describe") &&
                     strcmp(o.cmd, "create") && strcmp(o.cmd, "delete") &&
                     strcmp(o.cmd, "alter")
               : strcmp(o.cmd, "list") && strcmp(o.cmd, "describe"))
        return ausage_error(what, "unknown command", o.cmd);
    o.conf = krafka_conf_new();
    if (!o.conf) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    krafka_conf_set_log_cb(o.conf, alog_cb);
    int rc = aparse(&o, argc - 1, argv + 1, what);
    if (rc >= 0) {
        krafka_conf_destroy(o.conf);
        return rc;
    }
    krafka_admin_t *a = anew(&o, &rc);
    if (a) {
        if (topics && !strcmp(o.cmd, "list"))
            rc = topics_list(a, &o);
        else if (topics && !strcmp(o.cmd, "describe"))
            rc = topics_describe(a, &o);
        else if (topics && !strcmp(o.cmd, "create"))
            rc = topics_create(a, &o);
        else if (topics && !strcmp(o.cmd, "alter"))
            rc = topics_alter(a, &o);
        else if (topics)
            rc = topics_delete(a, &o);
        else if (!strcmp(o.cmd, "list"))
            rc = groups_list(a, &o);
        else
            rc = groups_describe(a, &o);
        krafka_admin_destroy(a);
    }
    fflush(stdout);
    krafka_conf_destroy(o.conf);
    return rc;
}

int cli_topics(int argc, char **argv)
{
    return run_sub(argc, argv, "topics");
}

int cli_groups(int argc, char **argv)
{
    return run_sub(argc, argv, "groups");
}
