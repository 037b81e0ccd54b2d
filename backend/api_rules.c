/* api_rules.c — rules.*, fp.*, feeds.*, detections.*: detection & response
 * for the caller's organisation (docs/api.md, docs/rules.md). Every call
 * names c->oid to backend/rules.c, so another organisation's rules,
 * feeds and detections are simply not found. */
#include "backend/api_int.h"
#include "backend/rules.h"
#include "backend/vigild.h"
#include "shared/limits.h"

#define DETECTIONS_PAGE_DEFAULT 100

const struct api_param api_rules_list_params[] = {
  {"namespace", API_P_STRING, false, 1, 16, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_rules_name_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {"namespace", API_P_STRING, false, 1, 16, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_rules_set_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {"namespace", API_P_STRING, false, 1, 16, 0},
  {"yaml", API_P_STRING, true, 1, VG_LIMIT_RULE_YAML_BYTES, 0},
  {"enabled", API_P_BOOL, false, 0, 0, 0},
  {"expire_on", API_P_INT, false, 0, INT64_C(253402300799), 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_rules_test_params[] = {
  {"yaml", API_P_STRING, true, 1, VG_LIMIT_RULE_YAML_BYTES, 0},
  {"events", API_P_OBJECTS, false, 0, 1000, 0},
  {NULL, 0, false, 0, 0, 0},
};

#define REPLAY_EVENTS_DEFAULT 1000
#define REPLAY_EVENTS_MAX 10000 /* events one rules.replay call renders and evaluates */

const struct api_param api_rules_replay_params[] = {
  {"yaml", API_P_STRING, false, 1, VG_LIMIT_RULE_YAML_BYTES, 0},
  {"name", API_P_STRING, false, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {"namespace", API_P_STRING, false, 1, 16, 0},
  {"sid", API_P_UUID, false, 0, 0, 0},
  {"from", API_P_INT, true, 0, INT64_MAX, 0},
  {"to", API_P_INT, true, 1, INT64_MAX, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {"limit", API_P_INT, false, 1, REPLAY_EVENTS_MAX, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_fp_set_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {"yaml", API_P_STRING, true, 1, VG_LIMIT_RULE_YAML_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_name_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_feeds_set_params[] = {
  {"name", API_P_STRING, true, 1, VG_LIMIT_RULE_NAME_BYTES, 0},
  {"file", API_P_STRING, true, 1, VG_LIMIT_FILE_PATH_BYTES, 0},
  {NULL, 0, false, 0, 0, 0},
};

#define FEEDS_LOOKUP_VALUES_MAX 256 /* values one feeds.lookup call probes */

const struct api_param api_feeds_lookup_params[] = {
  {"values", API_P_STRINGS, true, 1, FEEDS_LOOKUP_VALUES_MAX, VG_LIMIT_FEED_LINE_BYTES},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_detections_list_params[] = {
  {"from", API_P_INT, false, 0, INT64_MAX, 0},
  {"to", API_P_INT, false, 0, INT64_MAX, 0},
  {"cursor", API_P_CURSOR, false, 0, 0, 0},
  {"limit", API_P_INT, false, 1, VG_LIMIT_API_PAGE, 0},
  {NULL, 0, false, 0, 0, 0},
};

const struct api_param api_detections_get_params[] = {
  {"detect_id", API_P_UUID, true, 0, 0, 0},
  {NULL, 0, false, 0, 0, 0},
};

static const char *ns_of(const json_t *params, const char *def) {
  const char *ns = api_param_str(params, "namespace");
  return ns ? ns : def;
}

static int done(json_t *v, json_t **result, struct vg_err *err) {
  if (!v) return err && err->code ? -err->code : -VG_EINTERNAL;
  *result = v;
  return 0;
}

API_HANDLER(api_rules_list) {
  (void)err;
  *result = json_pack("{s:o}", "rules", rules_list(c->vd->rules, c->oid, ns_of(params, NULL)));
  return 0;
}

API_HANDLER(api_rules_get) {
  return done(rules_get(c->vd->rules, c->oid, ns_of(params, NULL), api_param_str(params, "name"), err),
              result, err);
}

API_HANDLER(api_rules_set) {
  return done(rules_set(c->vd->rules, c->oid, ns_of(params, "general"), api_param_str(params, "name"),
                        api_param_str(params, "yaml"), api_param_bool(params, "enabled", 1),
                        api_param_int(params, "expire_on", 0), err),
              result, err);
}

API_HANDLER(api_rules_delete) {
  const char *ns = ns_of(params, "general"), *name = api_param_str(params, "name");
  int r = rules_delete(c->vd->rules, c->oid, ns, name, err);
  if (r) return r;
  *result = json_pack("{s:s, s:s, s:b}", "name", name, "namespace", ns, "deleted", 1);
  return 0;
}

API_HANDLER(api_rules_enable) {
  return done(rules_enable(c->vd->rules, c->oid, ns_of(params, "general"),
                           api_param_str(params, "name"), true, err),
              result, err);
}

API_HANDLER(api_rules_disable) {
  return done(rules_enable(c->vd->rules, c->oid, ns_of(params, "general"),
                           api_param_str(params, "name"), false, err),
              result, err);
}

API_HANDLER(api_rules_test) {
  const json_t *evs = json_object_get(params, "events");
  json_t *empty = json_array();
  json_t *v = rules_test(c->vd->rules, c->oid, api_param_str(params, "yaml"), evs ? evs : empty, err);
  json_decref(empty);
  return done(v, result, err);
}

API_HANDLER(api_rules_replay) {
  const char *yaml = api_param_str(params, "yaml"), *name = api_param_str(params, "name");
  if (!yaml == !name) return vg_err_fail(err, VG_EINVAL, "params: give yaml or name (one of them)");
  return done(rules_replay(c->vd->rules, c->oid, yaml, ns_of(params, NULL), name,
                           api_param_str(params, "sid"), api_param_int(params, "from", 0),
                           api_param_int(params, "to", 0), api_param_str(params, "cursor"),
                           (size_t)api_param_int(params, "limit", REPLAY_EVENTS_DEFAULT), err),
              result, err);
}

API_HANDLER(api_fp_list) {
  (void)params, (void)err;
  *result = json_pack("{s:o}", "fp", rules_fp_list(c->vd->rules, c->oid));
  return 0;
}

API_HANDLER(api_fp_set) {
  return done(rules_fp_set(c->vd->rules, c->oid, api_param_str(params, "name"),
                           api_param_str(params, "yaml"), err),
              result, err);
}

API_HANDLER(api_fp_delete) {
  const char *name = api_param_str(params, "name");
  int r = rules_fp_delete(c->vd->rules, c->oid, name, err);
  if (r) return r;
  *result = json_pack("{s:s, s:b}", "name", name, "deleted", 1);
  return 0;
}

API_HANDLER(api_feeds_list) {
  (void)params, (void)err;
  *result = json_pack("{s:o}", "feeds", rules_feed_list(c->vd->rules, c->oid));
  return 0;
}

API_HANDLER(api_feeds_set) {
  return done(rules_feed_set(c->vd->rules, c->oid, api_param_str(params, "name"),
                             api_param_str(params, "file"), err),
              result, err);
}

API_HANDLER(api_feeds_delete) {
  const char *name = api_param_str(params, "name");
  int r = rules_feed_delete(c->vd->rules, c->oid, name, err);
  if (r) return r;
  *result = json_pack("{s:s, s:b}", "name", name, "deleted", 1);
  return 0;
}

API_HANDLER(api_feeds_lookup) {
  (void)err;
  *result = rules_feed_lookup(c->vd->rules, c->oid, json_object_get(params, "values"));
  return 0;
}

API_HANDLER(api_detections_list) {
  return done(rules_detections_list(c->vd->rules, c->oid, api_param_int(params, "from", 0),
                                    api_param_int(params, "to", 0), api_param_str(params, "cursor"),
                                    (size_t)api_param_int(params, "limit", DETECTIONS_PAGE_DEFAULT),
                                    err),
              result, err);
}

API_HANDLER(api_detections_get) {
  return done(rules_detection_get(c->vd->rules, c->oid, api_param_str(params, "detect_id"), err),
              result, err);
}

API_HANDLER(api_detections_subscribe) {
  (void)params;
  uint64_t sub = 0;
  int r = api_sub_open(c, API_SUB_TASK, NULL, &sub, err);
  if (r) return r;
  r = rules_detections_subscribe(c->vd->rules, c->oid, c->session_id, sub, err);
  if (r) {
    api_sub_close(c, sub, NULL);
    return r;
  }
  *result = json_pack("{s:I}", "sub", (json_int_t)sub);
  return 0;
}
