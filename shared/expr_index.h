/* expr_index.h — a value index over many compiled detect trees, so that an
 * event costs one hash probe per distinct (event type, path) instead of one
 * evaluation per rule (docs/rules.md, "How rules are evaluated").
 *
 * Each tree added gets a guard when it has one: a set of leaves of which at
 * least one must hold for the tree to hold. A leaf qualifies when it is
 * `is` / `starts with` / `ends with` on a path with literal values only (no
 * numbers for `is`), optionally `case sensitive: false` and `file name`, and
 * no `not` / `sub domain`. The guard of an `and` is the guard of one of its
 * children; of an `or`, the union of its children's guards (every child must
 * have one); a `not`, stateful root or any other operator has none. Leaves
 * of the same (event type, path, op, case, file name) share one hash set of
 * their values (case-folded when the leaf is case-insensitive); `starts
 * with` / `ends with` probe once per distinct value length.
 *
 * Candidates are a superset of the trees that hold: trees without a guard
 * for the event's type are always candidates; guarded trees only when a
 * value probe hit. The caller then evaluates the candidates in full
 * (vg_expr_eval), so results are exactly those of evaluating every tree.
 *
 * Trees are borrowed: they must outlive the index. vg_expr_index_candidates
 * uses scratch space inside the index: one caller at a time. */
#ifndef VIGIL_EXPR_INDEX_H
#define VIGIL_EXPR_INDEX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/expr.h"

struct vg_routing;
struct vg_expr_index;

struct vg_expr_index *vg_expr_index_new(void);
/* NULL-safe. Does not free the trees. */
void vg_expr_index_free(struct vg_expr_index *x);
/* Index tree e under id (ids need not be dense; candidates come out in
 * ascending id order, so give rules their evaluation order). Adding the same
 * id twice is a bug. */
void vg_expr_index_add(struct vg_expr_index *x, uint32_t id, const struct vg_expr *e);
/* 1 + the largest id added (0 if none): the capacity candidates may need. */
size_t vg_expr_index_span(const struct vg_expr_index *x);
/* True if some tree may match events of type (one that is a candidate
 * without looking at the event, or a guarded one). */
bool vg_expr_index_covers(const struct vg_expr_index *x, const char *type);
/* The candidate ids for ev (envelope) of routing r, ascending, at most max
 * (max >= vg_expr_index_span never truncates). Returns how many. */
size_t vg_expr_index_candidates(struct vg_expr_index *x, const json_t *ev,
                                const struct vg_routing *r, uint32_t *out, size_t max);
/* How many trees were added, and how many of them got a guard. */
void vg_expr_index_stats(const struct vg_expr_index *x, size_t *trees, size_t *guarded);

#endif
