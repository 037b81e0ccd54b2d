/* schema.h — table-driven validation of YAML trees (pass two of the YAML
 * pipeline, see yaml_tree.h and docs/config.md).
 *
 * A schema is a const table of struct vg_schema_field ended by a row whose key
 * is NULL. One table drives validation (unknown keys with a "did you mean"
 * hint, missing required keys, kinds, ranges, enum values), defaults, binding
 * into a C struct, --help text and markdown docs. Keys may be dotted:
 * "api.listen" is key "listen" of the mapping at key "api" (a file may also
 * write the dotted key literally). Config, rules, keymaps and themes all
 * describe their files with such tables; config.h is a thin layer over it.
 *
 * Binding: when a target is given, every scalar or list field (including
 * those of nested VG_SCHEMA_MAP tables) is stored at target + offset:
 *   STRING, ENUM            char *            (owned; vg_schema_cleanup frees)
 *   INT, DURATION, SIZE     int64_t           (durations in seconds, sizes in bytes)
 *   BOOL                    bool
 *   STRLIST                 struct vg_strlist (owned)
 * MAP, SEQ and ANY fields, and everything under a SEQ, are validated only;
 * compilers walk the tree themselves afterwards. */
#ifndef VIGIL_SCHEMA_H
#define VIGIL_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared/err.h"
#include "shared/yaml_tree.h"

enum vg_schema_type {
  VG_SCHEMA_STRING,   /* a non-null scalar; min/max bound its length in bytes */
  VG_SCHEMA_INT,      /* plain decimal integer; min/max bound the value */
  VG_SCHEMA_BOOL,     /* plain true/false/yes/no/on/off */
  VG_SCHEMA_DURATION, /* 30s, 5m, 12h, 7d, 2w → seconds; min/max in seconds */
  VG_SCHEMA_SIZE,     /* 512, 64KiB, 10MB → bytes; min/max in bytes */
  VG_SCHEMA_ENUM,     /* a scalar equal to one of values[] */
  VG_SCHEMA_STRLIST,  /* a sequence of non-null scalars; min/max bound the count */
  VG_SCHEMA_MAP,      /* a mapping checked against fields[] (any mapping if NULL) */
  VG_SCHEMA_SEQ,      /* a sequence whose items match *elem (anything if NULL);
                         min/max bound the count */
  VG_SCHEMA_ANY       /* any node; the caller checks it */
};

/* A bound list of strings. */
struct vg_strlist {
  char **v;  /* n owned strings */
  size_t n;
};

struct vg_schema_field {
  const char *key;                       /* dotted; NULL ends the table */
  enum vg_schema_type type;
  bool required;                         /* absent → -VG_EMISSING at the mapping */
  const char *def;                       /* default as text (see vg_schema_set_text), or NULL */
  int64_t min, max;                      /* bounds, applied unless both are 0 */
  const char *const *values;             /* ENUM: allowed values, NULL-terminated */
  const struct vg_schema_field *fields;  /* MAP: nested table */
  const struct vg_schema_field *elem;    /* SEQ: every item (its key is ignored) */
  const char *help;                      /* one line for --help and docs */
  size_t offset;                         /* binding: offsetof(struct …, member) */
};

/* "string", "int", "bool", "duration", "size", "enum", "list", "map", "seq", "any". */
const char *vg_schema_type_name(enum vg_schema_type type);

/* Check mapping node map against table and, if target is not NULL, bind the
 * values it sets (only those: call vg_schema_defaults first for the rest).
 * map NULL (an empty document) only checks that nothing is required. Returns
 * 0, or fills err at the offending node (file:line:col) and returns
 * -VG_EUNKNOWN (unknown key, with "did you mean 'x'?" when one is close),
 * -VG_EMISSING (required key absent; position of the mapping), -VG_ETYPE
 * (wrong kind or unparseable value), -VG_ERANGE (out of bounds, not an allowed
 * enum value) or -VG_ESCHEMA (same key set twice, e.g. "a.b" and a: {b}). On
 * failure target may hold some of the new values; it stays cleanable. */
int vg_schema_check(const struct vg_schema_field *table, const struct vg_yaml_node *map,
                    void *target, struct vg_err *err);

/* Bind every field's default (NULL def: NULL string, 0, false, empty list),
 * recursing into MAP tables. target must be zeroed or hold values bound
 * earlier (they are freed). A default that does not parse is a bug in the
 * table: -VG_EINTERNAL naming the key. */
int vg_schema_defaults(const struct vg_schema_field *table, void *target, struct vg_err *err);

/* Parse text as field f's value (the syntax of defaults and --set): strings
 * and enums verbatim, numbers/bools/durations/sizes as scalar.h, lists as
 * comma-separated items with surrounding spaces trimmed ("" = empty). Checks
 * bounds and binds into target. 0, -VG_ETYPE, -VG_ERANGE, or -VG_EINVAL for
 * MAP/SEQ/ANY fields; err names the key, without a position. */
int vg_schema_set_text(const struct vg_schema_field *f, void *target, const char *text,
                       struct vg_err *err);

/* The field whose full dotted key is key, looking into nested MAP tables;
 * NULL if none. */
const struct vg_schema_field *vg_schema_find(const struct vg_schema_field *table,
                                             const char *key);

/* The full key of the table closest to key by edit distance, if close enough
 * to be a likely typo (distance ≤ 2 and at most half the key); else NULL.
 * Writes into buf (n bytes) and returns it. */
const char *vg_schema_suggest(const struct vg_schema_field *table, const char *key,
                              char *buf, size_t n);

/* Free the strings and lists bound in target and reset them (NULL, n = 0). */
void vg_schema_cleanup(const struct vg_schema_field *table, void *target);

/* Plain-text reference of every key: type, default, bounds, help. */
void vg_schema_help(const struct vg_schema_field *table, FILE *out);
/* The same as a markdown table (| key | type | default | bounds | description |). */
void vg_schema_markdown(const struct vg_schema_field *table, FILE *out);

/* Edit distance (Levenshtein plus adjacent transpositions, "optimal string
 * alignment") of a[0..an) and b[0..bn), capped at 255; only
 * short strings (≤ 64 bytes) are compared, longer ones give 255. */
unsigned vg_schema_distance(const char *a, size_t an, const char *b, size_t bn);

#endif
