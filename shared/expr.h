/* expr.h — the expression engine: a small tree of operator nodes compiled
 * once (from rule YAML, or built by code: the Insight query language and the
 * console's filters use the builder) and evaluated many times against a
 * decoded event and its routing. Language reference: docs/rules.md.
 *
 * A node has an operator (enum vg_expr_op, one row of the operator table in
 * expr_ops.c) and common modifiers: an event-type filter, a path (shared/
 * path.h) whose every match is tested (the node holds if any value does),
 * values (literal text, a <<lookback>> path into the same event, or a
 * [[sensor variable]]), not, case-insensitivity, file name / sub domain
 * transforms, and operator parameters (count, max, re, cidr, …).
 *
 * Ownership: a node owns its children, paths, values and regex. Compiled
 * trees are read-only during evaluation, so one tree may be evaluated from
 * several threads at once, EXCEPT the stateful root (with child / with
 * descendant), whose process-tree state lives in the struct vg_expr_state
 * the caller passes (one per tree and evaluating thread). */
#ifndef VIGIL_EXPR_H
#define VIGIL_EXPR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"
#include "shared/yaml_tree.h"

struct vg_routing;

enum vg_expr_op {
  VG_OP_AND = 1,
  VG_OP_OR,
  VG_OP_IS,
  VG_OP_EXISTS,
  VG_OP_CONTAINS,
  VG_OP_STARTS_WITH,
  VG_OP_ENDS_WITH,
  VG_OP_GREATER,
  VG_OP_LOWER,
  VG_OP_MATCHES,
  VG_OP_STRING_DISTANCE,
  VG_OP_IS_WINDOWS,
  VG_OP_IS_LINUX,
  VG_OP_IS_MAC,
  VG_OP_IS_CHROME,
  VG_OP_IS_32BIT,
  VG_OP_IS_64BIT,
  VG_OP_IS_ARM,
  VG_OP_IS_PLATFORM,
  VG_OP_IS_TAGGED,
  VG_OP_LOOKUP,
  VG_OP_EXTERNAL,
  VG_OP_CIDR,
  VG_OP_IS_PUBLIC,
  VG_OP_IS_PRIVATE,
  VG_OP_SCOPE,
  VG_OP_TRUE, /* always holds: a bare `event:` filter, or `*` in a query */
};

/* Node flags (vg_expr_set_flag). */
enum {
  VG_EXPR_NOT = 1u << 0,          /* invert the node's result */
  VG_EXPR_NOCASE = 1u << 1,       /* case sensitive: false */
  VG_EXPR_FILE_NAME = 1u << 2,    /* compare the basename of each value */
  VG_EXPR_LENGTH_OF = 1u << 3,    /* greater/lower: compare the length */
  VG_EXPR_TRUTHY = 1u << 4,       /* exists: null and "" count as absent */
  VG_EXPR_STATELESS = 1u << 5,    /* inside with child: one event matches the subtree */
  VG_EXPR_REPORT_LATEST = 1u << 6 /* stateful: report the child, not the parent */
};

/* Integer parameters (vg_expr_set_int). */
enum vg_expr_param { VG_EXPR_COUNT, VG_EXPR_MAX, VG_EXPR_WITHIN };

struct vg_expr;

/* What an evaluation may ask of its caller. Every callback may be NULL (then
 * the operator that needs it is false). */
struct vg_expr_env {
  void *user;
  /* Values of sensor variable name on the event's sensor: a JSON array of
   * strings (borrowed until the evaluation ends) or NULL. */
  const json_t *(*var)(void *user, const struct vg_routing *r, const char *name);
  /* Look value up in resource (the name after lcr://lookup/, hive://lookup/
   * or vigil://lookup/, or "api/vt"). true if found; *mtd may receive
   * borrowed metadata for metadata_rules (NULL = none). */
  bool (*lookup)(void *user, const char *resource, const char *value, const json_t **mtd);
  /* Evaluate the stored rule `name` (resource lcr://detection/<name>) on the
   * same event. depth is the splice depth, for the caller's bound. */
  bool (*external)(void *user, const char *name, const json_t *ev, const struct vg_routing *r,
                   int depth);
  int depth; /* external recursion depth of this evaluation (0 at the top) */
};

/* ---- builder (what the YAML compiler and other front ends use) ---- */

/* A new node of op with no parameters. */
struct vg_expr *vg_expr_new(enum vg_expr_op op);
/* NULL-safe; frees the whole subtree and any stateful state bookkeeping. */
void vg_expr_free(struct vg_expr *e);
/* Append kid (taken over) to an and / or node, or set the one sub-rule of
 * scope / lookup (metadata_rules). -VG_ELIMIT past VG_LIMIT_EXPR_CHILDREN. */
int vg_expr_add(struct vg_expr *e, struct vg_expr *kid, struct vg_err *err);
/* Compile and set the path. Errors as vg_path_compile (err->col into text). */
int vg_expr_set_path(struct vg_expr *e, const char *text, struct vg_err *err);
/* Add a comparison value: "<<path>>" is a lookback, "[[name]]" a sensor
 * variable, anything else literal text. */
int vg_expr_add_value(struct vg_expr *e, const char *text, struct vg_err *err);
/* Flags: VG_EXPR_*. */
void vg_expr_set_flag(struct vg_expr *e, unsigned flag, bool on);
void vg_expr_set_int(struct vg_expr *e, enum vg_expr_param p, int64_t v);
/* Event-type filter: add one type (a node with types holds only on them). */
int vg_expr_add_event_type(struct vg_expr *e, const char *type, struct vg_err *err);
/* matches: compile re with PCRE2 (UTF-8, match and depth limits); honours
 * VG_EXPR_NOCASE set BEFORE this call. -VG_EPARSE naming the offset. */
int vg_expr_set_re(struct vg_expr *e, const char *re, struct vg_err *err);
/* sub domain: a Python-style slice over dot-separated labels ("-2:", "0",
 * ":" = each label on its own). -VG_EPARSE. */
int vg_expr_set_subdomain(struct vg_expr *e, const char *slice, struct vg_err *err);
/* cidr: "10.0.0.0/8", "fd00::/8". -VG_EPARSE. */
int vg_expr_set_cidr(struct vg_expr *e, const char *cidr, struct vg_err *err);
/* is platform: name; is tagged: tag; lookup / external: resource. */
int vg_expr_set_name(struct vg_expr *e, const char *name, struct vg_err *err);
/* Stateful root: with child (descendant false) or with descendant; nested
 * is taken over. The node itself must match a NEW_PROCESS event. */
void vg_expr_set_with(struct vg_expr *e, struct vg_expr *nested, bool descendant);

/* ---- YAML front end (expr_yaml.c) ---- */

/* Compile a detect node. Errors name file:line:col of the offending key or
 * value and the key: unknown op / key, wrong type, missing path, bad regex,
 * path or cidr. NULL with err filled on failure. */
struct vg_expr *vg_expr_compile_yaml(const struct vg_yaml_node *n, struct vg_err *err);
/* Parse text (file names it) and compile its root. */
struct vg_expr *vg_expr_compile_text(const char *text, size_t len, const char *file,
                                     struct vg_err *err);

/* ---- queries ---- */

/* The operator table: name as written in YAML ("starts with") of op. */
const char *vg_expr_op_name(enum vg_expr_op op);
/* Look an op up by its YAML name. 0 if unknown. */
enum vg_expr_op vg_expr_op_find(const char *name);
enum vg_expr_op vg_expr_op_of(const struct vg_expr *e);

/* The event types the tree can match, for indexing: writes up to max borrowed
 * names and returns how many, or -1 when any type may match (no filter, or a
 * stateful root, which must see the children's events). */
int vg_expr_event_types(const struct vg_expr *e, const char **out, size_t max);
/* True if the tree's root carries with child / with descendant. */
bool vg_expr_is_stateful(const struct vg_expr *e);

/* ---- evaluation ---- */

/* Per-tree state of a stateful root: per sensor, a bounded map of recent
 * process atoms (this → parent) and of armed parents. Not thread-safe. */
struct vg_expr_state;
struct vg_expr_state *vg_expr_state_new(void);
void vg_expr_state_free(struct vg_expr_state *s);

/* Evaluate e on ev (an envelope {routing, event}) with its routing r (the
 * routing the caller trusts: platform, tags and atoms come from r). env may
 * be NULL. For a stateful root, st must be non-NULL; when the chain
 * completes, *report (if report is non-NULL) receives a new reference to the
 * event to report (the parent's, or the child's with report latest event),
 * and true is returned. For other trees *report is not touched. */
bool vg_expr_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                  const struct vg_expr_env *env, struct vg_expr_state *st, json_t **report);

#endif
