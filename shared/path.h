/* path.h — path selectors over JSON events: "event/FILE_PATH",
 * "event/?/USER_NAME", "*\/IP_ADDRESS". Compiled once, evaluated many times.
 *
 * Syntax: segments separated by '/'. A segment is
 *   ?        exactly one level: any key of an object, any element of an array;
 *   *        any number of levels, zero included;
 *   digits   on an array, the element at that index (0-based); on an object,
 *            the key with that name;
 *   other    a literal key of an object.
 * Arrays are transparent to literal (non-numeric) segments: a literal applied
 * to an array applies to each of its elements, so
 * "event/NETWORK_ACTIVITY/SOURCE/IP_ADDRESS" finds the address of every entry.
 * The first segment applies to the keys of the root value. Wildcards must be
 * whole segments ("a*" is an error); keys containing '/' cannot be named.
 *
 * Results: every matching value, in document order (pre-order, object keys in
 * their stored order), each position at most once however many ways the
 * pattern matches it. Evaluation walks the tree once carrying the set of
 * pattern positions reached, so it costs O(nodes × segments) at worst, never
 * exponential in the number of '*'. The walk descends at most
 * VG_LIMIT_PATH_DEPTH levels below the root. Full grammar and examples:
 * docs/paths.md. */
#ifndef VIGIL_PATH_H
#define VIGIL_PATH_H

#include <jansson.h>
#include <stddef.h>

#include "shared/err.h"

struct vg_path;

/* Compile expr (NUL-terminated). Returns a new path the caller frees with
 * vg_path_free, or NULL with err filled: -VG_EINVAL for a NULL expr,
 * -VG_EPARSE for a malformed expression (empty, empty segment as in "a//b",
 * leading or trailing '/', "**", a wildcard inside a segment) with err->col
 * the 1-based column in expr (err->line is 1), -VG_ELIMIT past
 * VG_LIMIT_PATH_BYTES bytes or VG_LIMIT_PATH_SEGMENTS segments. */
struct vg_path *vg_path_compile(const char *expr, struct vg_err *err);

/* NULL is a no-op. */
void vg_path_free(struct vg_path *p);

/* The expression the path was compiled from (owned by p). */
const char *vg_path_expr(const struct vg_path *p);

/* Store the matches of p in root into out[0..], in document order, and return
 * how many were stored: at most min(max, VG_LIMIT_PATH_MATCHES); the walk stops
 * there. The values are borrowed from root (no references taken). root NULL
 * or max 0 → 0. */
size_t vg_path_select(const struct vg_path *p, json_t *root, json_t **out, size_t max);

/* The first match in document order (borrowed), or NULL. */
json_t *vg_path_first(const struct vg_path *p, json_t *root);

#endif
