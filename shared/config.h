/* config.h — daemon configuration: one const options table drives defaults,
 * the YAML file, --set overrides, --help-config and the docs.
 *
 * A daemon declares its options and the struct they bind into:
 *
 *   struct vigild_config { char *api_listen; int64_t retention; bool tls; … };
 *   static const struct vg_config_opt vigild_opts[] = {
 *     {.key = "api.listen", .type = VG_CONFIG_STRING, .def = "127.0.0.1:7444",
 *      .help = "address:port of the client API",
 *      .offset = offsetof(struct vigild_config, api_listen)},
 *     {.key = "store.retention", .type = VG_CONFIG_DURATION, .def = "365d",
 *      .min = 86400, .max = 3650 * 86400, .help = "…",
 *      .offset = offsetof(struct vigild_config, retention)},
 *     {0}};
 *
 * Dotted keys are nested YAML mappings ("api.listen" is `api: {listen: …}`).
 * Value types and the C type each binds to:
 *   STRING, ENUM (one of .values)   char *  (owned: vg_config_cleanup frees)
 *   INT, DURATION (s), SIZE (bytes) int64_t
 *   BOOL                            bool
 *   LIST (YAML sequence; "a,b" in defaults and --set)  struct vg_strlist
 * Bounds (.min/.max) apply unless both are 0: values for numbers, length for
 * strings, count for lists. This is a thin layer over schema.h; see
 * docs/config.md. */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdint.h>
#include <stdio.h>

#include "shared/err.h"
#include "shared/schema.h"

enum vg_config_type {
  VG_CONFIG_STRING = VG_SCHEMA_STRING,
  VG_CONFIG_INT = VG_SCHEMA_INT,
  VG_CONFIG_BOOL = VG_SCHEMA_BOOL,
  VG_CONFIG_DURATION = VG_SCHEMA_DURATION,
  VG_CONFIG_SIZE = VG_SCHEMA_SIZE,
  VG_CONFIG_ENUM = VG_SCHEMA_ENUM,
  VG_CONFIG_LIST = VG_SCHEMA_STRLIST
};

struct vg_config_opt {
  const char *key;             /* dotted; NULL ends the table */
  enum vg_config_type type;
  const char *def;             /* default as text (as for --set), NULL = empty/0/false */
  int64_t min, max;            /* bounds, applied unless both are 0 */
  const char *const *values;   /* ENUM: allowed values, NULL-terminated */
  const char *help;            /* one line */
  size_t offset;               /* offsetof(struct …, member) */
};

/* Set every option of target to its default. target must be zeroed or hold
 * values from an earlier call (they are freed). 0, or -VG_EINTERNAL when a
 * default does not parse (a bug in the table; the unit test of the daemon's
 * table should call this). */
int vg_config_defaults(const struct vg_config_opt *table, void *target, struct vg_err *err);

/* Defaults, then the YAML file at path over them. An empty file leaves the
 * defaults. Errors are file:line:col: -VG_EIO (unreadable), -VG_EPARSE
 * (YAML), -VG_EUNKNOWN ("unknown key 'api.lisen' (did you mean
 * 'api.listen'?)"), -VG_ETYPE, -VG_ERANGE, -VG_ESCHEMA (a key set twice),
 * -VG_ELIMIT. On failure target holds a mix of defaults and file values; call
 * vg_config_cleanup either way. To reload safely (SIGHUP), load into a fresh
 * zeroed struct and swap it in only on success. */
int vg_config_load_file(const struct vg_config_opt *table, void *target, const char *path,
                        struct vg_err *err);

/* Override one option from text, as the command line's --set key=text does.
 * -VG_EUNKNOWN (with a "did you mean" hint), -VG_ETYPE, -VG_ERANGE; err
 * names the key. */
int vg_config_set(const struct vg_config_opt *table, void *target, const char *key,
                  const char *text, struct vg_err *err);

/* The same from one "key=text" argument; -VG_EINVAL without '='. */
int vg_config_set_arg(const struct vg_config_opt *table, void *target, const char *arg,
                      struct vg_err *err);

/* --help-config: every key with its type, bounds, default and help. */
void vg_config_help(const struct vg_config_opt *table, FILE *out);

/* The same as a markdown table, for docs/. */
void vg_config_markdown(const struct vg_config_opt *table, FILE *out);

/* Free the strings and lists bound in target and reset them. Safe on a zeroed
 * struct and after a failed load. */
void vg_config_cleanup(const struct vg_config_opt *table, void *target);

#endif
