/* spotcheck_check.c — spotcheck's checks (spotcheck_check.h). */
#include "cli/spotcheck_check.h"

#include <errno.h>
#include <fnmatch.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "shared/alloc.h"
#include "shared/pki.h"

#define SENSOR_ERROR_NOT_FOUND 2 /* EDR-REFERENCE §2: ERROR 2 = not found */

const struct spotcheck_kind spotcheck_kinds[] = {
    {"file", "f", 1, "PATH", false},
    {"file-pattern", "fp", 3, "DIR PATTERN DEPTH", false},
    {"file-hash", "fh", 4, "DIR PATTERN DEPTH SHA256", false},
    {"yara", "y", 1, "SIGFILE", false},
    {"yara-file", "yf", 4, "SIGFILE DIR PATTERN DEPTH", false},
    {"yara-process", "yp", 2, "SIGFILE PROCESS_PATTERN", false},
    {"registry-key", "rk", 1, "KEY", true},
    {"registry-value", "rv", 2, "KEY VALUE", true},
    {NULL, NULL, 0, NULL, false},
};

const struct spotcheck_kind *spotcheck_check_kind(const char *a) {
  for (const struct spotcheck_kind *k = spotcheck_kinds; k->flag; k++)
    if ((a[0] == '-' && a[1] == '-' && !strcmp(a + 2, k->flag)) ||
        (a[0] == '-' && a[1] != '-' && !strcmp(a + 1, k->alias)))
      return k;
  return NULL;
}

/* One argument for the sensor's command-line splitter: double quotes, with
 * " \ $ ` escaped. */
static void quote(char **cmd, const char *arg) {
  size_t n = strlen(*cmd), extra = 3;
  for (const char *p = arg; *p; p++) extra += strchr("\"\\$`", *p) ? 2 : 1;
  *cmd = vg_xrealloc(*cmd, n + extra + 1);
  char *o = *cmd + n;
  *o++ = ' ';
  *o++ = '"';
  for (const char *p = arg; *p; p++) {
    if (strchr("\"\\$`", *p)) *o++ = '\\';
    *o++ = *p;
  }
  *o++ = '"';
  *o = '\0';
}

static bool depth_ok(const char *s) {
  char *e;
  errno = 0;
  long v = strtol(s, &e, 10);
  return !errno && e != s && !*e && v >= 0 && v <= 64;
}

/* The rule file as one base64 word (heap), or NULL after an error. */
static char *rule_b64(const char *path) {
  char *text;
  struct vg_err e;
  if (vg_pki_read_file(path, &text, &e)) {
    cli_usage("spotcheck", "YARA file %s: %s", path, e.msg);
    return NULL;
  }
  size_t n = strlen(text);
  if (n == 0 || n > SPOTCHECK_RULE_BYTES) {
    cli_usage("spotcheck", "YARA file %s: %s", path, n ? "too large" : "empty");
    free(text);
    return NULL;
  }
  char *out = vg_xmalloc(4 * ((n + 2) / 3) + 1);
  EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)text, (int)n);
  free(text);
  return out;
}

int spotcheck_check_init(struct spotcheck_check *c, const struct spotcheck_kind *k, char **a) {
  memset(c, 0, sizeof(*c));
  c->kind = k;
  const char *f = k->flag;
  char *cmd = NULL, *rule = NULL;
  if (!strcmp(f, "file-pattern") || !strcmp(f, "file-hash") || !strcmp(f, "yara-file")) {
    const char *depth = a[!strcmp(f, "yara-file") ? 3 : 2];
    if (!depth_ok(depth)) return cli_usage("spotcheck", "--%s: DEPTH '%s' is not 0..64", f, depth), -1;
  }
  if (!strcmp(f, "file-hash") && (strlen(a[3]) != 64 || strspn(a[3], "0123456789abcdefABCDEF") != 64))
    return cli_usage("spotcheck", "--file-hash: '%s' is not a SHA-256 (64 hex digits)", a[3]), -1;
  if (!strncmp(f, "yara", 4) && !(rule = rule_b64(a[0]))) return -1;
  if (!strcmp(f, "file")) {
    cmd = vg_xstrdup("file_info");
    quote(&cmd, a[0]);
    c->followup = vg_xstrdup("file_hash");
    quote(&c->followup, a[0]);
  } else if (!strcmp(f, "file-pattern")) {
    cmd = vg_xasprintf("dir_list -d %s", a[2]);
    quote(&cmd, a[0]);
    quote(&cmd, a[1]);
  } else if (!strcmp(f, "file-hash")) {
    cmd = vg_xstrdup("dir_find_hash");
    quote(&cmd, a[0]);
    quote(&cmd, a[1]);
    char *tail = vg_xasprintf("%s %s %s", cmd, a[2], a[3]);
    free(cmd);
    cmd = tail;
  } else if (!strcmp(f, "yara")) {
    cmd = vg_xasprintf("yara_scan %s", rule);
  } else if (!strcmp(f, "yara-file")) {
    cmd = vg_xstrdup("yara_scan -d");
    quote(&cmd, a[1]);
    quote(&cmd, a[2]);
    char *tail = vg_xasprintf("%s %s %s", cmd, a[3], rule);
    free(cmd);
    cmd = tail;
  } else if (!strcmp(f, "yara-process")) { /* the sensor scans every process; vigilctl keeps the pattern's */
    cmd = vg_xasprintf("yara_scan %s", rule);
    c->proc_pattern = vg_xstrdup(a[1]);
  } else { /* registry-key, registry-value */
    cmd = vg_xstrdup("reg_list");
    quote(&cmd, a[0]);
    if (!strcmp(f, "registry-value")) c->value = vg_xstrdup(a[1]);
  }
  free(rule);
  c->command = cmd;
  return 0;
}

void spotcheck_check_cleanup(struct spotcheck_check *c) {
  free(c->command);
  free(c->value);
  free(c->followup);
  free(c->proc_pattern);
  memset(c, 0, sizeof(*c));
}

static void add_hit(json_t *hits, const char *flag, const json_t *entry) {
  json_t *h = json_pack("{s:s}", "check", flag);
  json_object_update(h, (json_t *)entry);
  json_object_del(h, "ERROR");
  json_array_append_new(hits, h);
}

void spotcheck_check_hits(const struct spotcheck_check *c, const json_t *ev, json_t *hits, char **error) {
  *error = NULL;
  const char *type = json_string_value(json_object_get(json_object_get(ev, "routing"), "event_type"));
  const json_t *body = json_object_get(ev, "event");
  if (!type || !strcmp(type, "RECEIPT")) return;
  json_int_t code = json_integer_value(json_object_get(body, "ERROR"));
  if (code == SENSOR_ERROR_NOT_FOUND) return;
  if (code) {
    const char *m = json_string_value(json_object_get(body, "ERROR_MESSAGE"));
    const char *n = json_string_value(json_object_get(body, "ERROR_CODE"));
    *error = vg_xasprintf("--%s: %s: %s%s%s", c->kind->flag, type, n ? n : "", n ? " " : "",
                          m ? m : "sensor error");
    return;
  }
  const char *f = c->kind->flag;
  size_t i;
  json_t *e;
  if (!strcmp(type, "FILE_INFO_REP")) {
    add_hit(hits, f, body);
  } else if (!strcmp(type, "DIR_LIST_REP")) {
    json_array_foreach(json_object_get(body, "DIRECTORY_LIST"), i, e) add_hit(hits, f, e);
  } else if (!strcmp(type, "DIR_FINDHASH_REP")) {
    json_array_foreach(json_object_get(body, "FILES"), i, e) add_hit(hits, f, e);
  } else if (!strcmp(type, "YARA_DETECTION")) {
    const char *pn = json_string_value(json_object_get(json_object_get(body, "PROCESS"), "PROCESS_NAME"));
    if (!c->proc_pattern || (pn && fnmatch(c->proc_pattern, pn, 0) == 0)) add_hit(hits, f, body);
  } else if (!strcmp(type, "REGISTRY_LIST_REP")) {
    if (!c->value) {
      add_hit(hits, f, body);
    } else {
      char *s = json_dumps(body, JSON_COMPACT);
      if (s && strstr(s, c->value)) add_hit(hits, f, body);
      free(s);
    }
  }
}

void spotcheck_check_merge(const json_t *ev, json_t *hit) {
  const char *type = json_string_value(json_object_get(json_object_get(ev, "routing"), "event_type"));
  const json_t *body = json_object_get(ev, "event");
  if (!type || strcmp(type, "FILE_HASH_REP") || json_integer_value(json_object_get(body, "ERROR"))) return;
  static const char *const keys[] = {"HASH", "HASH_SHA1", "HASH_MD5"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    json_t *v = json_object_get(body, keys[i]);
    if (v) json_object_set(hit, keys[i], v);
  }
}
