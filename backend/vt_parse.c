/* vt_parse.c — VirusTotal v3 answers (untrusted network input): the file
 * report of GET /files/{hash} and the error body of other statuses. */
#include "backend/vt.h"

#include <stdio.h>
#include <string.h>

static const char *const stat_keys[] = {"malicious", "suspicious", "undetected", "harmless",
                                        "timeout", "type-unsupported", "failure", NULL};

json_t *vt_parse_report(const char *body, size_t len, struct vg_err *err) {
  if (len > VT_BODY_MAX) {
    vg_err_fail(err, VG_ELIMIT, "VirusTotal report: %zu bytes, more than %d", len, VT_BODY_MAX);
    return NULL;
  }
  json_error_t je;
  json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    vg_err_fail(err, VG_EPARSE, "VirusTotal report: not JSON (line %d column %d: %s)", je.line,
                je.column, je.text);
    return NULL;
  }
  json_t *out = NULL;
  json_t *attr = json_object_get(json_object_get(root, "data"), "attributes");
  if (!json_is_object(attr)) {
    vg_err_fail(err, VG_EPARSE, "VirusTotal report: data.attributes: missing or not an object");
    goto done;
  }
  json_t *stats_in = json_object_get(attr, "last_analysis_stats");
  json_t *results = json_object_get(attr, "last_analysis_results");
  if (!json_is_object(stats_in)) {
    vg_err_fail(err, VG_EPARSE,
                "VirusTotal report: data.attributes.last_analysis_stats: missing or not an object");
    goto done;
  }
  if (results && !json_is_object(results)) {
    vg_err_fail(err, VG_EPARSE,
                "VirusTotal report: data.attributes.last_analysis_results: not an object");
    goto done;
  }
  if (json_object_size(results) > VT_ENGINES_MAX) {
    vg_err_fail(err, VG_ELIMIT, "VirusTotal report: last_analysis_results: %zu engines, more than %d",
                json_object_size(results), VT_ENGINES_MAX);
    goto done;
  }
  json_t *stats = json_object();
  for (int i = 0; stat_keys[i]; i++) {
    json_t *v = json_object_get(stats_in, stat_keys[i]);
    if (!v) continue;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > VT_ENGINES_MAX) {
      json_decref(stats);
      vg_err_fail(err, VG_EPARSE,
                  "VirusTotal report: last_analysis_stats.%s: not an integer in 0..%d",
                  stat_keys[i], VT_ENGINES_MAX);
      goto done;
    }
    json_object_set(stats, stat_keys[i], v);
  }
  json_t *engines = json_object();
  const char *name;
  json_t *r;
  json_object_foreach(results, name, r) {
    const char *cat = json_string_value(json_object_get(r, "category"));
    if (!json_is_object(r) || !cat) {
      json_decref(stats);
      json_decref(engines);
      vg_err_fail(err, VG_EPARSE,
                  "VirusTotal report: last_analysis_results.%.64s: no category string", name);
      goto done;
    }
    if (strcmp(cat, "malicious")) continue;
    if (strlen(name) > VT_FIELD_BYTES) {
      json_decref(stats);
      json_decref(engines);
      vg_err_fail(err, VG_ELIMIT, "VirusTotal report: engine name longer than %d bytes",
                  VT_FIELD_BYTES);
      goto done;
    }
    const char *res = json_string_value(json_object_get(r, "result"));
    char cut[VT_FIELD_BYTES + 1];
    snprintf(cut, sizeof(cut), "%s", res ? res : "");
    json_t *s = json_string(cut);
    json_object_set_new(engines, name, s ? s : json_string("")); /* a cut UTF-8 sequence */
  }
  out = json_pack("{s:o, s:o}", "engines", engines, "stats", stats);
done:
  json_decref(root);
  return out;
}

void vt_parse_error(const char *body, size_t len, char *out, size_t outlen) {
  json_t *root = len <= VT_BODY_MAX ? json_loadb(body, len, 0, NULL) : NULL;
  json_t *e = json_object_get(root, "error");
  const char *code = json_string_value(json_object_get(e, "code"));
  const char *msg = json_string_value(json_object_get(e, "message"));
  if (code || msg) snprintf(out, outlen, "%.64s%s%.200s", code ? code : "", code && msg ? ": " : "",
                            msg ? msg : "");
  else snprintf(out, outlen, "no VirusTotal error body");
  json_decref(root);
}
