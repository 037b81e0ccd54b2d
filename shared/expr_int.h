/* expr_int.h — the node layout shared by the expression engine's files
 * (expr.c builder and dispatch, expr_ops.c operators, expr_net.c addresses,
 * expr_yaml.c the YAML front end, expr_state.c stateful roots). */
#ifndef VIGIL_EXPR_INT_H
#define VIGIL_EXPR_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "shared/expr.h"
#include "shared/path.h"

enum vg_expr_vkind { VG_VAL_TEXT, VG_VAL_LOOKBACK, VG_VAL_VAR };

struct vg_expr_value {
  enum vg_expr_vkind kind;
  char *text;            /* literal text, or the variable name */
  size_t len;
  struct vg_path *path;  /* lookback */
  bool is_num;           /* literal parses as a number */
  double num;
};

struct vg_expr {
  enum vg_expr_op op;
  unsigned flags;
  char **types;
  size_t ntypes;
  struct vg_path *path;
  struct vg_expr_value *values;
  size_t nvalues;
  pcre2_code *re;
  pcre2_match_context *mctx;
  int64_t count, max, within;
  /* sub domain slice: has_sub; each = ":" (every label alone) */
  bool has_sub, sub_each, sub_has_lo, sub_has_hi, sub_single;
  int64_t sub_lo, sub_hi;
  char *name;                  /* platform name, tag, resource */
  uint32_t plat_code;          /* is platform */
  uint8_t net[16];             /* cidr */
  int net_bits, net_family;
  struct vg_expr **kids;
  size_t nkids;
  struct vg_expr *with;        /* stateful nested rule */
  bool descendant;
};

/* One value under test, as text (numbers rendered) with its JSON origin. */
struct vg_expr_subject {
  const json_t *j;
  const char *s; /* NUL-terminated text (transformed), or NULL if not text-like */
  size_t len;
};

/* JSON scalar → text (strings borrowed, others rendered into buf of n
 * bytes); NULL for objects and arrays. expr_ops.c. */
const char *vg_expr_render(const json_t *j, char *buf, size_t n, size_t *len);

/* Evaluation of one node's operator (no not / event filter), expr_ops.c. */
bool vg_expr_op_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                     const struct vg_expr_env *env);
/* The whole node: event filter, operator, not. expr.c. */
bool vg_expr_node_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                       const struct vg_expr_env *env);

/* expr_net.c: parse an address; 4 or 6 into *family, 16 bytes (v4 in the
 * first 4). false if s is not an address. */
bool vg_expr_net_parse(const char *s, uint8_t out[16], int *family);
bool vg_expr_net_in(const uint8_t a[16], int fam, const uint8_t net[16], int nfam, int bits);
bool vg_expr_net_private(const uint8_t a[16], int fam);

/* expr_state.c: the stateful root. */
bool vg_expr_state_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                        const struct vg_expr_env *env, struct vg_expr_state *st,
                        json_t **report);

#endif
