/* api_table.c — THE table of client API methods (docs/api.md).
 * Adding a method: a handler in backend/api_<area>.c, its params spec, one
 * row here, a section in docs/api.md. Rows are grouped by minimum role so
 * who may do what reads off the table:
 *   viewer   reads the organisation's sensors, their settings and telemetry
 *   analyst  also tasks, tags, isolates, changes telemetry, streams
 *   admin    also deletes sensors, manages API keys and installation keys,
 *            reads the audit trail, changes detection & response rules,
 *            false-positive rules, feeds and outputs (they act unattended, with the
 *            power of every response, long after the caller has gone)
 * API_AUDIT marks state-changing methods: every call to them, allowed or
 * not, is appended to the audit stream. */
#include <string.h>

#include "backend/api_int.h"

const struct api_method api_methods[] = {
  /* name                        min role      handler                          flags       params */
  {"session.auth",               AUTH_NONE,    api_session_auth,                API_NOAUTH, api_session_auth_params},

  {"org.info",                   AUTH_VIEWER,  api_org_info,                    0,          NULL},
  {"sensors.list",               AUTH_VIEWER,  api_sensors_list,                0,          api_sensors_list_params},
  {"sensors.get",                AUTH_VIEWER,  api_sensors_get,                 0,          api_sid_params},
  {"sensors.events.get",         AUTH_VIEWER,  api_sensors_events_get,          0,          api_sid_params},
  {"insight.timeline",           AUTH_VIEWER,  api_insight_timeline,            0,          api_insight_timeline_params},
  {"insight.histogram",          AUTH_VIEWER,  api_insight_histogram,           0,          api_insight_histogram_params},
  {"insight.atom",               AUTH_VIEWER,  api_insight_atom,                0,          api_insight_atom_params},
  {"insight.children",           AUTH_VIEWER,  api_insight_children,            0,          api_insight_children_params},
  {"insight.parents",            AUTH_VIEWER,  api_insight_parents,             0,          api_insight_parents_params},
  {"insight.search",             AUTH_VIEWER,  api_insight_search,              0,          api_insight_search_params},
  {"insight.export",             AUTH_VIEWER,  api_insight_export,              0,          api_insight_search_params},
  {"insight.objects",            AUTH_VIEWER,  api_insight_objects,             0,          api_insight_objects_params},
  {"rules.list",                 AUTH_VIEWER,  api_rules_list,                  0,          api_rules_list_params},
  {"rules.get",                  AUTH_VIEWER,  api_rules_get,                   0,          api_rules_name_params},
  {"fp.list",                    AUTH_VIEWER,  api_fp_list,                     0,          NULL},
  {"feeds.list",                 AUTH_VIEWER,  api_feeds_list,                  0,          NULL},
  {"feeds.lookup",               AUTH_VIEWER,  api_feeds_lookup,                0,          api_feeds_lookup_params},
  {"vt.lookup",                  AUTH_VIEWER,  api_vt_lookup,                   0,          api_vt_lookup_params},
  {"detections.list",            AUTH_VIEWER,  api_detections_list,             0,          api_detections_list_params},
  {"detections.get",             AUTH_VIEWER,  api_detections_get,              0,          api_detections_get_params},
  {"outputs.list",               AUTH_VIEWER,  api_outputs_list,                0,          NULL},

  {"sensors.tags.add",           AUTH_ANALYST, api_sensors_tags_add,            API_AUDIT,  api_sensors_tags_add_params},
  {"sensors.tags.remove",        AUTH_ANALYST, api_sensors_tags_remove,         API_AUDIT,  api_sensors_tags_remove_params},
  {"sensors.events.set",         AUTH_ANALYST, api_sensors_events_set,          API_AUDIT,  api_sensors_events_set_params},
  {"sensors.isolation.set",      AUTH_ANALYST, api_sensors_isolation_set,       API_AUDIT,  api_sensors_isolation_set_params},
  {"task.send",                  AUTH_ANALYST, api_task_send,                   API_AUDIT,  api_task_send_params},
  {"stream.subscribe",           AUTH_ANALYST, api_stream_subscribe,            0,          api_stream_subscribe_params},
  {"stream.unsubscribe",         AUTH_ANALYST, api_stream_unsubscribe,          0,          api_stream_unsubscribe_params},
  {"rules.test",                 AUTH_ANALYST, api_rules_test,                  0,          api_rules_test_params},
  {"rules.replay",               AUTH_ANALYST, api_rules_replay,                0,          api_rules_replay_params},
  {"detections.subscribe",       AUTH_ANALYST, api_detections_subscribe,        0,          NULL},

  {"sensors.delete",             AUTH_ADMIN,   api_sensors_delete,              API_AUDIT,  api_sid_params},
  {"keys.list",                  AUTH_ADMIN,   api_keys_list,                   0,          NULL},
  {"keys.create",                AUTH_ADMIN,   api_keys_create,                 API_AUDIT,  api_keys_create_params},
  {"keys.revoke",                AUTH_ADMIN,   api_keys_revoke,                 API_AUDIT,  api_keys_revoke_params},
  {"installation_keys.list",     AUTH_ADMIN,   api_installation_keys_list,      0,          NULL},
  {"installation_keys.create",   AUTH_ADMIN,   api_installation_keys_create,    API_AUDIT,  api_installation_keys_create_params},
  {"installation_keys.revoke",   AUTH_ADMIN,   api_installation_keys_revoke,    API_AUDIT,  api_installation_keys_revoke_params},
  {"audit.list",                 AUTH_ADMIN,   api_audit_list,                  0,          api_audit_list_params},
  {"rules.set",                  AUTH_ADMIN,   api_rules_set,                   API_AUDIT,  api_rules_set_params},
  {"rules.delete",               AUTH_ADMIN,   api_rules_delete,                API_AUDIT,  api_rules_name_params},
  {"rules.enable",               AUTH_ADMIN,   api_rules_enable,                API_AUDIT,  api_rules_name_params},
  {"rules.disable",              AUTH_ADMIN,   api_rules_disable,               API_AUDIT,  api_rules_name_params},
  {"fp.set",                     AUTH_ADMIN,   api_fp_set,                      API_AUDIT,  api_fp_set_params},
  {"fp.delete",                  AUTH_ADMIN,   api_fp_delete,                   API_AUDIT,  api_name_params},
  {"feeds.set",                  AUTH_ADMIN,   api_feeds_set,                   API_AUDIT,  api_feeds_set_params},
  {"feeds.delete",               AUTH_ADMIN,   api_feeds_delete,                API_AUDIT,  api_name_params},
  {"outputs.set",                AUTH_ADMIN,   api_outputs_set,                 API_AUDIT,  api_outputs_set_params},
  {"outputs.delete",             AUTH_ADMIN,   api_outputs_delete,              API_AUDIT,  api_outputs_name_params},

  {NULL, AUTH_NONE, NULL, 0, NULL},
};

const struct api_method *api_method_find(const char *name) {
  for (const struct api_method *m = api_methods; name && m->name; m++)
    if (strcmp(m->name, name) == 0) return m;
  return NULL;
}
