/* api_request.c — parse and validate one API request; parameter specs. */
#include "backend/api_request.h"

#include <string.h>

#include "shared/atom.h"
#include "shared/limits.h"

#define CURSOR_MAX_BYTES 512

/* Depth of v (a scalar is 0); stops counting past limit. */
static int depth_of(const json_t *v, int limit) {
  if (limit < 0) return 1;
  int d = 0;
  if (json_is_object(v)) {
    const char *k;
    const json_t *m;
    json_object_foreach((json_t *)v, k, m) {
      int x = depth_of(m, limit - 1);
      if (x > d) d = x;
      if (d > limit) break;
    }
    return d + 1;
  }
  if (json_is_array(v)) {
    size_t i;
    const json_t *m;
    json_array_foreach(v, i, m) {
      int x = depth_of(m, limit - 1);
      if (x > d) d = x;
      if (d > limit) break;
    }
    return d + 1;
  }
  return 0;
}

bool api_method_name_valid(const char *name) {
  if (!name) return false;
  size_t n = strlen(name);
  if (n == 0 || n > VG_LIMIT_API_METHOD_BYTES) return false;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'))
      return false;
  }
  return true;
}

int api_request_parse(const char *text, size_t len, struct api_request *req,
                      struct vg_err *err) {
  memset(req, 0, sizeof(*req));
  if (len > VG_LIMIT_API_MSG_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "message of %zu bytes exceeds %u", len,
                       VG_LIMIT_API_MSG_BYTES);
  json_error_t je;
  req->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!req->root)
    return vg_err_set(err, VG_EPARSE, NULL, je.line > 0 ? je.line : 0,
                      je.column > 0 ? je.column : 0, "malformed JSON: %s", je.text);
  if (!json_is_object(req->root))
    return vg_err_fail(err, VG_ETYPE, "a request is a JSON object");

  json_t *id = json_object_get(req->root, "id");
  if (json_is_integer(id) && json_integer_value(id) >= 0 &&
      json_integer_value(id) <= API_REQUEST_ID_MAX) {
    req->has_id = true;
    req->id = json_integer_value(id);
  }
  if (depth_of(req->root, VG_LIMIT_JSON_DEPTH) > VG_LIMIT_JSON_DEPTH)
    return vg_err_fail(err, VG_ELIMIT, "nesting deeper than %d", VG_LIMIT_JSON_DEPTH);

  const char *k;
  json_t *m;
  json_object_foreach(req->root, k, m) {
    if (strcmp(k, "id") && strcmp(k, "method") && strcmp(k, "params"))
      return vg_err_fail(err, VG_EUNKNOWN, "unknown member '%.64s' (a request has id, method, params)",
                         k);
  }
  if (!id) return vg_err_fail(err, VG_EMISSING, "id: required");
  if (!req->has_id)
    return vg_err_fail(err, VG_ETYPE, "id: an integer 0..2^53-1");

  json_t *method = json_object_get(req->root, "method");
  if (!method) return vg_err_fail(err, VG_EMISSING, "method: required");
  if (!json_is_string(method)) return vg_err_fail(err, VG_ETYPE, "method: a string");
  if (!api_method_name_valid(json_string_value(method)))
    return vg_err_fail(err, VG_EINVAL, "method: 1..%d characters of a-z 0-9 _ .",
                       VG_LIMIT_API_METHOD_BYTES);

  json_t *params = json_object_get(req->root, "params");
  if (params && !json_is_object(params)) return vg_err_fail(err, VG_ETYPE, "params: an object");
  if (!params) {
    params = json_object();
    json_object_set_new(req->root, "params", params);
  }
  req->method = json_string_value(method);
  req->params = params;
  return 0;
}

void api_request_cleanup(struct api_request *req) {
  if (!req) return;
  json_decref(req->root);
  memset(req, 0, sizeof(*req));
}

static const struct api_param *spec_find(const struct api_param *spec, const char *name) {
  for (; spec && spec->name; spec++)
    if (strcmp(spec->name, name) == 0) return spec;
  return NULL;
}

static int check_one(const struct api_param *p, const json_t *v, struct vg_err *err) {
  switch (p->type) {
  case API_P_STRING: {
    if (!json_is_string(v)) return vg_err_fail(err, VG_ETYPE, "params.%s: a string", p->name);
    size_t n = json_string_length(v);
    if ((int64_t)n < p->min)
      return vg_err_fail(err, VG_EINVAL, "params.%s: at least %lld bytes", p->name,
                         (long long)p->min);
    if ((int64_t)n > p->max)
      return vg_err_fail(err, VG_ELIMIT, "params.%s: at most %lld bytes", p->name,
                         (long long)p->max);
    return 0;
  }
  case API_P_CURSOR:
    if (!json_is_string(v) || json_string_length(v) == 0 ||
        json_string_length(v) > CURSOR_MAX_BYTES)
      return vg_err_fail(err, VG_ETYPE, "params.%s: a cursor string from a previous page",
                         p->name);
    return 0;
  case API_P_UUID:
    if (!json_is_string(v) || !vg_atom_uuid_valid(json_string_value(v)))
      return vg_err_fail(err, VG_EINVAL, "params.%s: a lower-case UUID", p->name);
    return 0;
  case API_P_INT:
    if (!json_is_integer(v)) return vg_err_fail(err, VG_ETYPE, "params.%s: an integer", p->name);
    if (json_integer_value(v) < p->min || json_integer_value(v) > p->max)
      return vg_err_fail(err, VG_ERANGE, "params.%s: %lld..%lld", p->name, (long long)p->min,
                         (long long)p->max);
    return 0;
  case API_P_BOOL:
    if (!json_is_boolean(v)) return vg_err_fail(err, VG_ETYPE, "params.%s: true or false", p->name);
    return 0;
  case API_P_STRINGS:
  case API_P_UUIDS: {
    if (!json_is_array(v))
      return vg_err_fail(err, VG_ETYPE, "params.%s: an array of strings", p->name);
    if ((int64_t)json_array_size(v) > p->max)
      return vg_err_fail(err, VG_ELIMIT, "params.%s: at most %lld items", p->name,
                         (long long)p->max);
    size_t i;
    const json_t *it;
    json_array_foreach(v, i, it) {
      if (!json_is_string(it))
        return vg_err_fail(err, VG_ETYPE, "params.%s[%zu]: a string", p->name, i);
      if (p->type == API_P_UUIDS && !vg_atom_uuid_valid(json_string_value(it)))
        return vg_err_fail(err, VG_EINVAL, "params.%s[%zu]: a lower-case UUID", p->name, i);
      size_t n = json_string_length(it);
      if (p->type == API_P_STRINGS && (n == 0 || n > p->item_max))
        return vg_err_fail(err, VG_ELIMIT, "params.%s[%zu]: 1..%zu bytes", p->name, i,
                           p->item_max);
    }
    return 0;
  }
  case API_P_OBJECTS: {
    if (!json_is_array(v))
      return vg_err_fail(err, VG_ETYPE, "params.%s: an array of objects", p->name);
    if ((int64_t)json_array_size(v) > p->max)
      return vg_err_fail(err, VG_ELIMIT, "params.%s: at most %lld items", p->name,
                         (long long)p->max);
    size_t i;
    const json_t *it;
    json_array_foreach(v, i, it) {
      if (!json_is_object(it))
        return vg_err_fail(err, VG_ETYPE, "params.%s[%zu]: an object", p->name, i);
    }
    return 0;
  }
  }
  return vg_err_fail(err, VG_EINTERNAL, "params.%s: bad spec", p->name);
}

int api_params_check(const json_t *params, const struct api_param *spec, struct vg_err *err) {
  if (!json_is_object(params)) return vg_err_fail(err, VG_ETYPE, "params: an object");
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)params, k, v) {
    const struct api_param *p = spec_find(spec, k);
    if (!p) return vg_err_fail(err, VG_EUNKNOWN, "params: unknown member '%.64s'", k);
    int r = check_one(p, v, err);
    if (r) return r;
  }
  for (const struct api_param *p = spec; p && p->name; p++)
    if (p->required && !json_object_get(params, p->name))
      return vg_err_fail(err, VG_EMISSING, "params.%s: required", p->name);
  return 0;
}

const char *api_param_str(const json_t *params, const char *name) {
  return json_string_value(json_object_get(params, name));
}

int64_t api_param_int(const json_t *params, const char *name, int64_t def) {
  json_t *v = json_object_get(params, name);
  return json_is_integer(v) ? json_integer_value(v) : def;
}

int api_param_bool(const json_t *params, const char *name, int def) {
  json_t *v = json_object_get(params, name);
  return json_is_boolean(v) ? json_is_true(v) : def;
}
