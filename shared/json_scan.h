/* json_scan.h — a validating JSON scanner that builds no tree: the ingest
 * hot path checks a sensor's batch and finds the spans it needs (the routing
 * members, the event payload) without allocating per value.
 *
 * It accepts exactly what the event codec's decoder accepts (jansson with
 * JSON_REJECT_DUPLICATES behind the codec's pre-scan): RFC 8259 syntax, valid
 * UTF-8, no \u0000, no duplicate key in any object (keys compared after
 * unescaping), integers within int64 and reals within double, container depth
 * and decoded string length bounded. tests/fuzz/fuzz_json_scan.c checks the
 * two agree on every input. Errors carry the byte offset of the offending
 * token (e->pos) and its line:col. */
#ifndef VIGIL_JSON_SCAN_H
#define VIGIL_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/err.h"

enum vg_jtype { VG_J_OBJECT = 1, VG_J_ARRAY, VG_J_STRING, VG_J_INT, VG_J_REAL, VG_J_TRUE,
                VG_J_FALSE, VG_J_NULL };

/* A scanned value: its kind and its bytes [off, off+len) in the input
 * (strings include their quotes). */
struct vg_jval {
  enum vg_jtype type;
  size_t off, len;
  bool escaped;  /* strings: contains a backslash escape */
  int64_t n;     /* VG_J_INT: the value */
};

struct vg_jscan_keys; /* duplicate-key detection state (internal) */

/* One scanner: reusable across inputs (its tables grow once and are kept).
 * Not thread-safe; one per thread. */
struct vg_jscan {
  const unsigned char *p;
  size_t len, i;
  size_t depth, depth_max;
  struct vg_err *e;
  struct vg_jscan_keys *keys;
  uint32_t obj; /* serial number of the current object, for the key table */
};

void vg_jscan_init(struct vg_jscan *s);
void vg_jscan_cleanup(struct vg_jscan *s);

/* Start on p[0..len); nesting may reach depth_max containers; errors go to e. */
void vg_jscan_reset(struct vg_jscan *s, const void *p, size_t len, size_t depth_max,
                    struct vg_err *e);

/* Validate the whole value at the current position (after whitespace) and
 * describe it in v. 0 or a negative code (EPARSE, ELIMIT, ERANGE). */
int vg_jscan_value(struct vg_jscan *s, struct vg_jval *v);

/* Container iteration, for callers that look inside one level:
 * vg_jscan_open(s, '{' or '[', &obj) enters the container at the current
 * position; then vg_jscan_next_member (objects) or vg_jscan_next_elem
 * (arrays) return 1 with the next key and/or value fully validated, 0 at the
 * closing bracket (consumed), or a negative code. */
int vg_jscan_open(struct vg_jscan *s, char bracket, uint32_t *obj);
int vg_jscan_next_member(struct vg_jscan *s, uint32_t obj, struct vg_jval *key,
                         struct vg_jval *val);
/* Half a member: the key and its ':' (1), leaving the scanner at the value
 * (after whitespace) for the caller to scan; 0 at '}'; negative. */
int vg_jscan_next_key(struct vg_jscan *s, uint32_t obj, struct vg_jval *key);
int vg_jscan_next_elem(struct vg_jscan *s, struct vg_jval *val);

/* Skip whitespace; true if the input is exhausted afterwards. */
bool vg_jscan_at_end(struct vg_jscan *s);

/* Decode the string value v (with its quotes) of input p into out[cap],
 * NUL-terminated; *olen = decoded length. -VG_ELIMIT if it does not fit.
 * The scanner has validated it, so this does not fail otherwise. */
int vg_jscan_string(const void *p, const struct vg_jval *v, char *out, size_t cap,
                    size_t *olen);

/* Fail at byte pos with a message (fills s->e with pos and line:col). */
int vg_jscan_fail(struct vg_jscan *s, int code, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
