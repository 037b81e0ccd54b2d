/* isolate.h — network isolation: one nftables table (inet ISOLATE_TABLE, hooks
 * input/output/forward at priority ISOLATE_PRIORITY, policy drop) that lets
 * only loopback and the backend connection pass. Applied atomically through
 * libnftables; persisted in <state_dir>/ISOLATE_STATE_FILE so the runtime can
 * re-apply it at start (isolate_reapply) after a restart or a reboot.
 * Inbound, the backend's packets pass unless they open a connection (a bare
 * SYN): stateless on purpose, so a connection made before conntrack ran in
 * this namespace keeps flowing (a mid-stream pickup is ct state "new"). Other
 * tables are never touched: removing ours restores exactly what was there
 * (a drop in another table still wins; nftables evaluates every base chain). */
#ifndef VIGIL_SENSOR_ISOLATE_H
#define VIGIL_SENSOR_ISOLATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sensor/sensor.h"
#include "shared/buf.h"

#define ISOLATE_TABLE "vigil_isolation"
#define ISOLATE_PRIORITY (-300) /* before the usual filter (0) and NAT (-100) chains */
#define ISOLATE_STATE_FILE "isolation.json"
#define ISOLATE_MAX_ADDRS 16    /* backend addresses kept open */
#define ISOLATE_RULESET_MAX (16u << 10)

/* The ruleset text for addrs (numeric IPv4/IPv6, validated) and port: it
 * replaces any previous table of ours in one transaction. Pure. 0 or
 * -VG_EINVAL (bad address) / -VG_ELIMIT with err. */
int isolate_ruleset(const char *const *addrs, size_t n, int port, struct vg_buf *out,
                    struct vg_err *err);

/* Resolve host, apply the table, persist the state. *info (may be NULL)
 * gets {"BACKEND_HOST","BACKEND_PORT","ALLOWED_ADDRESSES":[..]}. */
int isolate_apply(const char *state_dir, const char *host, int port, json_t **info,
                  struct vg_err *err);
/* Delete our table (if present) and the state file; *was (may be NULL) says
 * whether the table existed. */
int isolate_remove(const char *state_dir, bool *was, struct vg_err *err);
/* At sensor start: if the state file says isolated, apply the table again
 * with the persisted addresses (plus the backend's current ones when it still
 * resolves). 0 when not isolated or re-applied. */
int isolate_reapply(const struct sensor_ctx *ctx, struct vg_err *err);
/* True if the state file says isolated (CONNECTED's IS_SEGREGATED). */
bool isolate_active(const char *state_dir);

#endif
