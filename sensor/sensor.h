/* sensor.h — the interface between vigil-sensor's runtime and its parts.
 *
 * The runtime (sensor_main.c, conn.c, spool.c, …) owns the connection to the
 * gateway, the spool, sequence numbers, the event selection and the history
 * ring. Collectors (collect_<name>.c, table in collectors.c) and command
 * handlers (cmd_<name>.c, table in cmd_table.c) know nothing of those: they
 * build envelopes (vg_event_new) and hand them to a struct sensor_sink.
 *
 * Every sink is thread-safe: collectors emit from their own threads. */
#ifndef VIGIL_SENSOR_H
#define VIGIL_SENSOR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "shared/atom.h"
#include "shared/err.h"

struct sensor_docs;   /* document cache (collect_file.c) */
struct sensor_fim;    /* FIM patterns (collect_file.c) */

/* Where events go. emit takes ownership of ev, a full envelope
 * {"routing": {...}, "event": {...}} from vg_event_new; the runtime fills
 * seq, the sensor's own routing (iid, hostname, plat, arch, int_ip) and
 * applies the event selection (unselected types go to the history ring). */
struct sensor_sink {
  void (*emit)(void *user, json_t *ev);
  void *user;
};

/* What every part may ask of the sensor. Filled by the runtime before any
 * collector starts; read-only afterwards (the pointers' targets are
 * thread-safe themselves). */
struct sensor_ctx {
  struct sensor_sink sink;
  /* The atom (routing/this of its NEW_PROCESS / EXISTING_PROCESS) of the
   * running process pid into out; false if the pid is unknown. Thread-safe.
   * Set by the process collector; NULL until it runs. */
  bool (*proc_atom)(void *user, pid_t pid, char out[VG_ATOM_HEX_LEN + 1]);
  /* The pid of the running process whose atom is atom (32 hex), or -1 if
   * none (exited or unknown). Thread-safe; set with proc_atom. */
  pid_t (*atom_pid)(void *user, const char *atom);
  void *proc_user;
  /* Handle what the process collector has received but not handled yet, so
   * an attribution that follows sees every exec the kernel reported before
   * it: with eBPF the exec record and, say, the connection the new image
   * makes come through different ring buffers read by different threads.
   * Called by collect_util_atom before each lookup; NULL when not needed. */
  void (*proc_sync)(void *user);
  void *proc_sync_user;
  pid_t self_pid;          /* the sensor's own pid: collectors filter it out */
  const char *state_dir;   /* the sensor's state directory */
  const char *backend_host;/* the gateway (network isolation keeps it open) */
  int backend_port;
  struct sensor_docs *docs;/* NULL when the file collector is not running */
  struct sensor_fim *fim;
  void *runtime;           /* struct sensor_rt *, for runtime-owned commands */
};

static inline void sensor_emit(const struct sensor_ctx *c, json_t *ev) {
  c->sink.emit(c->sink.user, ev);
}

#endif
