/* yaml_tree.h — YAML loader, pass one of two: libyaml events → a small
 * read-only tree in which every node keeps its 1-based line and column.
 * Pass two (schema.h, the rule compiler, …) walks the tree and reports errors
 * as file:line:col.
 *
 * Accepted: one document (or none: an empty input has a NULL root) of
 * mappings, sequences and scalars. Rejected with file:line:col and
 * -VG_EPARSE: syntax errors, anchors and aliases (billion laughs), tags, more
 * than one document, non-scalar mapping keys, duplicate keys in a mapping;
 * with -VG_ELIMIT: inputs past VG_LIMIT_YAML_BYTES, nesting past
 * VG_LIMIT_YAML_DEPTH, more than VG_LIMIT_YAML_NODES nodes, a scalar past
 * VG_LIMIT_YAML_SCALAR_BYTES. docs/config.md describes the whole pipeline. */
#ifndef VIGIL_YAML_TREE_H
#define VIGIL_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

enum vg_yaml_kind { VG_YAML_SCALAR, VG_YAML_MAP, VG_YAML_SEQ };

struct vg_yaml_pair;

/* A node. Read-only for users; owned by its document. */
struct vg_yaml_node {
  enum vg_yaml_kind kind;
  int line, col;              /* 1-based position of the node's first character */
  const char *file;           /* the document's name, for errors; never NULL */
  /* VG_YAML_SCALAR */
  const char *text;           /* NUL-terminated; may hold NULs, len is exact */
  size_t len;
  bool quoted;                /* not plain: '…', "…", | or > — so "yes" is a string */
  /* VG_YAML_MAP: pairs in document order, keys unique scalars */
  struct vg_yaml_pair *pairs;
  size_t npairs;
  /* VG_YAML_SEQ */
  struct vg_yaml_node **items;
  size_t nitems;
};

struct vg_yaml_pair {
  struct vg_yaml_node *key;   /* always a scalar, with its own position */
  struct vg_yaml_node *value;
};

struct vg_yaml_doc;

/* Parse len bytes of buf; file names the input in errors (NULL → "<input>").
 * On success *out is a new document the caller frees with vg_yaml_free and 0
 * is returned; on failure *out is NULL, err is filled and -VG_E… returned. */
int vg_yaml_parse(const char *buf, size_t len, const char *file,
                  struct vg_yaml_doc **out, struct vg_err *err);

/* Read and parse the file at path (its name in errors). -VG_EIO (with
 * strerror) if it cannot be read, -VG_ELIMIT if larger than
 * VG_LIMIT_YAML_BYTES, else as vg_yaml_parse. */
int vg_yaml_load_file(const char *path, struct vg_yaml_doc **out, struct vg_err *err);

/* NULL is a no-op. Every node of the document dies with it. */
void vg_yaml_free(struct vg_yaml_doc *doc);

/* The root node, NULL for an empty document (no content, only comments). */
const struct vg_yaml_node *vg_yaml_root(const struct vg_yaml_doc *doc);
/* The name given at parse time (owned by doc). */
const char *vg_yaml_file(const struct vg_yaml_doc *doc);

/* "scalar", "mapping", "sequence". */
const char *vg_yaml_kind_name(enum vg_yaml_kind kind);

/* Value of key in mapping map; NULL if map is NULL, not a mapping, or has no
 * such key. */
const struct vg_yaml_node *vg_yaml_get(const struct vg_yaml_node *map, const char *key);

/* A plain scalar written ~, null, Null, NULL or nothing at all. */
bool vg_yaml_is_null(const struct vg_yaml_node *n);

/* Fill err with n's position (file:line:col) and a formatted message; return
 * -code. n may be NULL (no position). For pass-two compilers. */
int vg_yaml_fail(const struct vg_yaml_node *n, struct vg_err *err, int code,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Typed readers. Each writes *out only on success and returns 0; otherwise
 * fills err at n's position and returns -VG_ETYPE (not a scalar, or not of
 * that type) or -VG_ERANGE (outside [min, max] or overflow). Syntax of the
 * text: scalar.h. Booleans and integers must be plain: "yes" and "10" in
 * quotes are strings. */
int vg_yaml_int(const struct vg_yaml_node *n, int64_t min, int64_t max, int64_t *out,
                struct vg_err *err);
int vg_yaml_bool(const struct vg_yaml_node *n, bool *out, struct vg_err *err);
/* Seconds, from 30s / 5m / 12h / 7d / 2w. */
int vg_yaml_duration(const struct vg_yaml_node *n, int64_t *out, struct vg_err *err);
/* Bytes, from 512 / 10MB / 64KiB. */
int vg_yaml_size(const struct vg_yaml_node *n, int64_t *out, struct vg_err *err);
/* The text of a scalar that is not null (borrowed from the document). */
int vg_yaml_str(const struct vg_yaml_node *n, const char **out, struct vg_err *err);

#endif
