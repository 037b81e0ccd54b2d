/* api_int.h — what the API's method files share with the protocol (api.c)
 * and the method table (api_table.c). Not for the rest of the daemon.
 *
 * A method is one row of api_methods[] (api_table.c): name, minimum role,
 * handler, flags, parameter spec. The protocol authenticates, checks the role
 * and the params against the spec, calls the handler on the service thread,
 * writes the response, and appends state-changing calls (API_AUDIT) to the
 * audit stream whatever their outcome. Handlers act only inside c->oid. */
#ifndef VIGILD_API_INT_H
#define VIGILD_API_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "backend/api_request.h"
#include "backend/auth.h"
#include "shared/atom.h"
#include "shared/buf.h"
#include "shared/err.h"

struct api;
struct vigild;

/* One call in progress (service thread). */
struct api_call {
  struct api *api;
  struct vigild *vd;
  uint64_t session_id;
  char oid[VG_UUID_STR_LEN + 1]; /* the session's organisation; "" before auth */
  enum auth_role role;           /* AUTH_NONE before auth */
  char key_id[17];               /* the API key in use; "" before auth */
  /* A handler may hand over one member of its result as JSON text instead of
   * a tree (api_call_raw): it is spliced into the response as is, so stored
   * events go out without being parsed and printed again. */
  const char *raw_key;
  struct vg_buf *raw;
};

/* Set result member key to the JSON text in *raw (taken over: the response
 * frees it). The text must be valid JSON (e.g. rendered stored events). */
void api_call_raw(struct api_call *c, const char *key, struct vg_buf *raw);

/* A handler: params were checked against the row's spec. 0 with *result (a
 * new reference, never NULL on success), or a negative VG code with err set
 * (the message goes to the client: never put a secret in it). */
typedef int (*api_handler)(struct api_call *c, const json_t *params, json_t **result,
                           struct vg_err *err);

enum {
  API_NOAUTH = 1u << 0, /* callable before session.auth (only session.auth is) */
  API_AUDIT = 1u << 1,  /* state-changing: every call goes to the audit stream */
};

struct api_method {
  const char *name;
  enum auth_role min_role;
  api_handler handler;
  unsigned flags;
  const struct api_param *params; /* {NULL}-terminated; NULL = no params */
};

/* The table, and lookup by exact name (NULL if unknown). */
extern const struct api_method api_methods[];
const struct api_method *api_method_find(const char *name);

/* --- services api.c offers the handlers (service thread) --- */

/* Mark the session authenticated (session.auth). */
void api_session_set_auth(struct api_call *c, const char *oid, enum auth_role role,
                          const char *key_id);
/* Count a failed session.auth; true when the session has used up its tries
 * (it is then closed after the response). */
bool api_session_auth_failed(struct api_call *c);

/* A stream filter (stream.subscribe). Arrays are new references or NULL
 * (= any). */
struct api_stream_filter {
  json_t *sids, *event_types, *tags;
};
struct vg_routing;
/* True if an event of routing r (already known to be of the filter's
 * organisation) passes f. Pure (api_stream.c). */
bool api_stream_match(const struct api_stream_filter *f, const struct vg_routing *r);

enum api_sub_kind { API_SUB_STREAM = 1, API_SUB_TASK = 2 };

/* Open a subscription on the session: a stream (f is taken over: its arrays
 * are released by the API) or a task (f NULL). Writes its id. -VG_ELIMIT
 * past VG_LIMIT_API_SUBS. */
int api_sub_open(struct api_call *c, enum api_sub_kind kind, struct api_stream_filter *f,
                 uint64_t *sub_id, struct vg_err *err);
/* Close one of the session's subscriptions. -VG_ENOTFOUND. */
int api_sub_close(struct api_call *c, uint64_t sub_id, struct vg_err *err);

/* Close every other session of oid authenticated with key_id (revoked key). */
void api_close_key_sessions(struct api_call *c, const char *key_id);

/* --- handlers (one file per area) --- */
#define API_HANDLER(fn) int fn(struct api_call *c, const json_t *params, json_t **result, \
                               struct vg_err *err)
API_HANDLER(api_session_auth);
API_HANDLER(api_org_info);
API_HANDLER(api_sensors_list);
API_HANDLER(api_sensors_get);
API_HANDLER(api_sensors_delete);
API_HANDLER(api_sensors_tags_add);
API_HANDLER(api_sensors_tags_remove);
API_HANDLER(api_sensors_events_get);
API_HANDLER(api_sensors_events_set);
API_HANDLER(api_sensors_isolation_set);
API_HANDLER(api_task_send);
API_HANDLER(api_stream_subscribe);
API_HANDLER(api_stream_unsubscribe);
API_HANDLER(api_insight_timeline);
API_HANDLER(api_insight_histogram);
API_HANDLER(api_insight_atom);
API_HANDLER(api_insight_children);
API_HANDLER(api_insight_parents);
API_HANDLER(api_insight_search);
API_HANDLER(api_insight_export);
API_HANDLER(api_insight_objects);
API_HANDLER(api_keys_list);
API_HANDLER(api_keys_create);
API_HANDLER(api_keys_revoke);
API_HANDLER(api_installation_keys_list);
API_HANDLER(api_installation_keys_create);
API_HANDLER(api_installation_keys_revoke);
API_HANDLER(api_audit_list);
API_HANDLER(api_rules_list);
API_HANDLER(api_rules_get);
API_HANDLER(api_rules_set);
API_HANDLER(api_rules_delete);
API_HANDLER(api_rules_enable);
API_HANDLER(api_rules_disable);
API_HANDLER(api_rules_test);
API_HANDLER(api_rules_replay);
API_HANDLER(api_fp_list);
API_HANDLER(api_fp_set);
API_HANDLER(api_fp_delete);
API_HANDLER(api_feeds_list);
API_HANDLER(api_feeds_set);
API_HANDLER(api_feeds_delete);
API_HANDLER(api_feeds_lookup);
API_HANDLER(api_vt_lookup);
API_HANDLER(api_outputs_list);
API_HANDLER(api_outputs_set);
API_HANDLER(api_outputs_delete);
API_HANDLER(api_detections_list);
API_HANDLER(api_detections_get);
API_HANDLER(api_detections_subscribe);

/* Parameter specs, beside their handlers. */
extern const struct api_param api_session_auth_params[], api_sensors_list_params[],
    api_sid_params[], api_sensors_tags_add_params[], api_sensors_tags_remove_params[],
    api_sensors_events_set_params[], api_sensors_isolation_set_params[], api_task_send_params[],
    api_stream_subscribe_params[], api_stream_unsubscribe_params[], api_keys_create_params[],
    api_keys_revoke_params[], api_installation_keys_create_params[],
    api_installation_keys_revoke_params[], api_audit_list_params[],
    api_insight_timeline_params[], api_insight_histogram_params[], api_insight_atom_params[],
    api_insight_children_params[], api_insight_parents_params[], api_insight_search_params[],
    api_insight_objects_params[];
/* api_rules.c */
extern const struct api_param api_rules_list_params[], api_rules_name_params[],
    api_rules_set_params[], api_rules_test_params[], api_rules_replay_params[], api_fp_set_params[], api_name_params[],
    api_feeds_set_params[], api_feeds_lookup_params[], api_detections_list_params[], api_detections_get_params[],
    api_outputs_set_params[], api_outputs_name_params[];
/* api_vt.c */
extern const struct api_param api_vt_lookup_params[];

#endif
