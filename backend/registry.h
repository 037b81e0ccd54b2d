/* registry.h — the sensor registry: every enrolled sensor of every
 * organisation, in memory (guarded by one mutex) and persisted in the store's
 * meta column family (kind STORE_META_SENSOR, id = the sid's 16 bytes).
 *
 * A record is a JSON object (what sensors.get returns):
 *   {"sid","oid","iid","hostname","plat","arch","int_ip","ext_ip","version",
 *    "collectors":[…],"machine_id","first_seen","last_connect","last_disconnect",
 *    "online":bool,"isolated":bool,"tags":{"tag":expiry_ms|0},
 *    "selection":["NEW_PROCESS",…],"acked":seq}
 * Times are ms since the epoch. "tags" maps a tag to its expiry (0 = never).
 * Every function is thread-safe. ids are UUID strings. */
#ifndef VIGILD_REGISTRY_H
#define VIGILD_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/err.h"
#include "shared/atom.h"
#include "shared/limits.h"

struct store;
struct registry;

/* Load every sensor of every organisation. NULL on failure. */
struct registry *registry_open(struct store *st, struct vg_err *err);
void registry_free(struct registry *r);

/* A new sensor in oid (enrollment). Writes the new sid into sid_out. */
int registry_create(struct registry *r, const char *oid, const char *iid, const char *hostname,
                    uint32_t plat, uint32_t arch, const char *machine_id,
                    char sid_out[VG_UUID_STR_LEN + 1], struct vg_err *err);

/* Forget a sensor: its certificate is refused from now on. -VG_ENOTFOUND. */
int registry_delete(struct registry *r, const char *oid, const char *sid, struct vg_err *err);

/* True if the sensor exists in oid. */
bool registry_exists(struct registry *r, const char *oid, const char *sid);

/* A connection came up. hello is the sensor's hello message (hostname, plat,
 * arch, int_ip, version, collectors); ext_ip is the TCP peer. Returns a new
 * reference to the record (selection, isolated, acked for the welcome). */
json_t *registry_connected(struct registry *r, const char *oid, const char *sid,
                           const json_t *hello, const char *ext_ip, struct vg_err *err);
void registry_disconnected(struct registry *r, const char *oid, const char *sid);

/* Highest sequence number durably stored (persisted lazily; a lower value
 * after a crash only causes a harmless resend). */
void registry_set_acked(struct registry *r, const char *oid, const char *sid, uint64_t seq);

/* The backend-owned routing fields of a sensor, for ingest. */
struct registry_routing {
  char iid[VG_UUID_STR_LEN + 1];
  char hostname[VG_LIMIT_HOSTNAME_BYTES + 1];
  char ext_ip[VG_LIMIT_IP_BYTES + 1];
  size_t ntags;
  char tags[VG_LIMIT_TAGS][VG_LIMIT_TAG_BYTES + 1];
  uint32_t plat, arch; /* 0 = unknown */
};
int registry_routing(struct registry *r, const char *oid, const char *sid,
                     struct registry_routing *out);

/* A copy of one record (new reference) or NULL (-VG_ENOTFOUND in err). */
json_t *registry_get(struct registry *r, const char *oid, const char *sid, struct vg_err *err);

/* Records of oid matching the filter (any field may be NULL/negative for
 * "any"): tag present, platform code, online state, hostname substring
 * (case-insensitive). New array reference, sorted by hostname then sid. */
struct registry_filter {
  const char *tag;
  int64_t plat;     /* -1 = any */
  int online;       /* -1 = any, 0, 1 */
  const char *hostname;
};
json_t *registry_list(struct registry *r, const char *oid, const struct registry_filter *f);

/* Tags: add with a TTL in seconds (0 = no expiry), remove. -VG_ENOTFOUND,
 * -VG_ELIMIT (too many/too long), -VG_EINVAL (empty). */
int registry_tag_add(struct registry *r, const char *oid, const char *sid, const char *tag,
                     int64_t ttl_s, struct vg_err *err);
int registry_tag_remove(struct registry *r, const char *oid, const char *sid, const char *tag,
                        struct vg_err *err);
/* Drop expired tags; returns how many were dropped. */
int registry_expire_tags(struct registry *r, int64_t now_ms);

/* Event selection (types the sensor sends). types is an array of event type
 * names; each must be a valid name. */
int registry_set_selection(struct registry *r, const char *oid, const char *sid,
                           const json_t *types, struct vg_err *err);
/* New reference to the selection array, or NULL. */
json_t *registry_get_selection(struct registry *r, const char *oid, const char *sid);

/* Isolation (persistent; re-applied when the sensor reconnects). */
int registry_set_isolated(struct registry *r, const char *oid, const char *sid, bool on,
                          struct vg_err *err);

/* The default selection for a new sensor (every telemetry type). New ref. */
json_t *registry_default_selection(void);

#endif
