/* routing.h — the routing half of an event as a typed struct, and the one
 * validator of a routing object (DESIGN.md §3, docs/events.md).
 *
 * Routing keys and their rules (all optional unless marked):
 *   oid sid iid event_id   UUID text, 8-4-4-4-12 lower-case hex
 *   hostname               string <= VG_LIMIT_HOSTNAME_BYTES
 *   event_type (required)  vg_event_type_valid_name()
 *   event_time (required)  integer >= 0, milliseconds since the epoch
 *   int_ip ext_ip          "" or an IPv4/IPv6 address in text form
 *   plat arch moduleid     integer 0..UINT32_MAX
 *   this parent target     atom, 32 lower-case hex
 *   investigation_id       string <= VG_LIMIT_INVESTIGATION_ID_BYTES
 *   tags                   array (<= VG_LIMIT_TAGS) of non-empty strings
 *                          (<= VG_LIMIT_TAG_BYTES)
 * Other keys are kept untouched and not validated (newer sensors, "did"). */
#ifndef VIGIL_ROUTING_H
#define VIGIL_ROUTING_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared/atom.h"
#include "shared/err.h"
#include "shared/json_scan.h"
#include "shared/limits.h"

/* One bit per routing key, for vg_routing.present and vg_routing_set(). */
enum vg_routing_bit {
  VG_RT_OID = 1u << 0,
  VG_RT_SID = 1u << 1,
  VG_RT_IID = 1u << 2,
  VG_RT_HOSTNAME = 1u << 3,
  VG_RT_EVENT_TYPE = 1u << 4,
  VG_RT_EVENT_TIME = 1u << 5,
  VG_RT_EVENT_ID = 1u << 6,
  VG_RT_INT_IP = 1u << 7,
  VG_RT_EXT_IP = 1u << 8,
  VG_RT_PLAT = 1u << 9,
  VG_RT_ARCH = 1u << 10,
  VG_RT_THIS = 1u << 11,
  VG_RT_PARENT = 1u << 12,
  VG_RT_TARGET = 1u << 13,
  VG_RT_INVESTIGATION_ID = 1u << 14,
  VG_RT_TAGS = 1u << 15,
  VG_RT_MODULEID = 1u << 16,
  VG_RT_ALL = (1u << 17) - 1,
};

/* Strings are NUL-terminated and "" when absent; `present` says which fields
 * hold a value. Embed it or put it on the stack (about 5 KiB, mostly tags). */
struct vg_routing {
  unsigned present; /* VG_RT_* bits */
  char oid[VG_UUID_STR_LEN + 1];
  char sid[VG_UUID_STR_LEN + 1];
  char iid[VG_UUID_STR_LEN + 1];
  char hostname[VG_LIMIT_HOSTNAME_BYTES + 1];
  char event_type[VG_LIMIT_EVENT_TYPE_BYTES + 1];
  int64_t event_time; /* ms since the epoch */
  char event_id[VG_UUID_STR_LEN + 1];
  char int_ip[VG_LIMIT_IP_BYTES + 1];
  char ext_ip[VG_LIMIT_IP_BYTES + 1];
  uint32_t plat, arch;
  char this_atom[VG_ATOM_HEX_LEN + 1];   /* routing/this */
  char parent_atom[VG_ATOM_HEX_LEN + 1]; /* routing/parent */
  char target_atom[VG_ATOM_HEX_LEN + 1]; /* routing/target */
  char investigation_id[VG_LIMIT_INVESTIGATION_ID_BYTES + 1];
  size_t ntags;
  char tags[VG_LIMIT_TAGS][VG_LIMIT_TAG_BYTES + 1];
  uint32_t moduleid;
};

/* Empty r (present = 0). */
void vg_routing_init(struct vg_routing *r);

/* Validate a routing object in one pass over its keys. 0, or a negative code
 * with e (may be NULL) naming the key, e.g. "routing/this: not an atom":
 * -VG_ETYPE (wrong JSON type), -VG_ESCHEMA (bad value), -VG_ELIMIT (too long /
 * too many), -VG_ERANGE (number out of range), -VG_EMISSING (event_type or
 * event_time absent). */
int vg_routing_check(const json_t *routing, struct vg_err *e);

/* Fill r from the routing object of an event envelope (validating exactly as
 * vg_routing_check). On failure r is left in an unspecified state. */
int vg_routing_get(const json_t *event, struct vg_routing *r, struct vg_err *e);

/* The scanner's form of the same checks: one member (key, val) of a routing
 * object in src, validated as vg_routing_check would and stored into r
 * (present updated). Returns the field's VG_RT_* bit, 0 for a key that is
 * not a routing field (kept untouched, not validated), or a negative code. */
int vg_routing_put_scanned(struct vg_routing *r, const char *src, const struct vg_jval *key,
                           const struct vg_jval *val, struct vg_err *e);
/* After the members: event_type and event_time must be present. */
int vg_routing_require(const struct vg_routing *r, struct vg_err *e);

/* Write the fields of r named by `fields` (VG_RT_* bits) into the event's
 * routing object (created if missing), overwriting what is there; a named
 * field that r does not hold (bit clear in r->present) is removed. Every value
 * is validated first: on failure the event is unchanged. 0 or negative code
 * as for vg_routing_check (-VG_EINVAL if event is not an object). */
int vg_routing_set(json_t *event, const struct vg_routing *r, unsigned fields,
                   struct vg_err *e);

#endif
