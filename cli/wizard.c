/* wizard.c — IOCs, platforms and responses → a rule (wizard.h). */
#include "cli/wizard.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/limits.h"

static const char *const ioc_names[WIZARD_IOC_KINDS] = {"domain", "ip", "hash", "path suffix"};

void wizard_init(struct wizard *w) {
  memset(w, 0, sizeof *w);
  for (int k = 0; k < WIZARD_IOC_KINDS; k++) w->iocs[k] = json_array();
  w->tags = json_array();
  w->priority = 3;
}

void wizard_cleanup(struct wizard *w) {
  for (int k = 0; k < WIZARD_IOC_KINDS; k++) json_decref(w->iocs[k]);
  json_decref(w->tags);
  memset(w, 0, sizeof *w);
}

static size_t total(const struct wizard *w) {
  size_t n = 0;
  for (int k = 0; k < WIZARD_IOC_KINDS; k++) n += json_array_size(w->iocs[k]);
  return n;
}

static bool has(const json_t *arr, const char *s) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) if (!strcmp(json_string_value(v), s)) return true;
  return false;
}

static int bad(enum wizard_ioc kind, const char *value, const char *why, struct vg_err *err) {
  return vg_err_fail(err, VG_EINVAL, "%s '%.80s': %s", ioc_names[kind], value, why);
}

int wizard_add_ioc(struct wizard *w, enum wizard_ioc kind, const char *value, struct vg_err *err) {
  if (total(w) >= WIZARD_IOCS_MAX)
    return vg_err_fail(err, VG_ELIMIT, "more than %d indicators in one rule", WIZARD_IOCS_MAX);
  size_t n = strlen(value);
  char norm[VG_LIMIT_FILE_PATH_BYTES + 1];
  if (!n) return bad(kind, value, "empty", err);
  switch (kind) {
    case WIZARD_DOMAIN:
      if (n > WIZARD_DOMAIN_MAX) return bad(kind, value, "longer than 253 bytes", err);
      for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)value[i];
        if (!isalnum(ch) && ch != '.' && ch != '-' && ch != '_')
          return bad(kind, value, "only letters, digits, '.', '-' and '_'", err);
        norm[i] = (char)tolower(ch);
      }
      norm[n] = '\0';
      if (norm[0] == '.' || strstr(norm, "..")) return bad(kind, value, "an empty label", err);
      if (norm[n - 1] == '.') norm[n - 1] = '\0'; /* the root dot */
      break;
    case WIZARD_IP: {
      unsigned char a[16];
      int fam = strchr(value, ':') ? AF_INET6 : AF_INET;
      if (inet_pton(fam, value, a) != 1 || !inet_ntop(fam, a, norm, sizeof norm))
        return bad(kind, value, "not an IPv4 or IPv6 address", err);
      break;
    }
    case WIZARD_HASH:
      if (n != 64) return bad(kind, value, "a SHA-256 is 64 hex digits", err);
      for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)value[i])) return bad(kind, value, "a SHA-256 is 64 hex digits", err);
        norm[i] = (char)tolower((unsigned char)value[i]);
      }
      norm[n] = '\0';
      break;
    case WIZARD_PATH_SUFFIX:
    default:
      if (n > VG_LIMIT_FILE_PATH_BYTES) return bad(kind, value, "longer than a path may be", err);
      memcpy(norm, value, n + 1);
      break;
  }
  if (!has(w->iocs[kind], norm)) json_array_append_new(w->iocs[kind], json_string(norm));
  return 0;
}

int wizard_add_platform(struct wizard *w, const char *name, struct vg_err *err) {
  if (!strcmp(name, "linux")) w->platforms |= WIZARD_LINUX;
  else if (!strcmp(name, "windows")) w->platforms |= WIZARD_WINDOWS;
  else if (!strcmp(name, "macos") || !strcmp(name, "mac")) w->platforms |= WIZARD_MACOS;
  else return vg_err_fail(err, VG_EINVAL, "platform '%.40s': linux, windows or macos", name);
  return 0;
}

int wizard_add_response(struct wizard *w, const char *name, struct vg_err *err) {
  if (!strcmp(name, "report")) w->report = true;
  else if (!strcmp(name, "kill")) w->kill = true;
  else if (!strcmp(name, "isolate")) w->isolate = true;
  else if (!strncmp(name, "tag:", 4) && name[4] && strlen(name + 4) <= VG_LIMIT_TAG_BYTES) {
    if (!has(w->tags, name + 4)) json_array_append_new(w->tags, json_string(name + 4));
  } else {
    return vg_err_fail(err, VG_EINVAL, "response '%.40s': report, kill, isolate or tag:NAME", name);
  }
  return 0;
}

/* values: one string as itself, more as a list. */
static json_t *values(const json_t *arr) {
  return json_array_size(arr) == 1 ? json_incref(json_array_get(arr, 0)) : json_incref((json_t *)arr);
}

static json_t *node(json_t *events, const char *op, const char *path, const json_t *vals, bool nocase) {
  json_t *n = json_pack("{s:o, s:s, s:s, s:o}", "events", events, "op", op, "path", path, "value", values(vals));
  if (nocase) json_object_set_new(n, "case sensitive", json_false());
  return n;
}

json_t *wizard_rule(const struct wizard *w, struct vg_err *err) {
  if (!w->name || !*w->name) {
    vg_err_fail(err, VG_EINVAL, "a rule name is required (--name)");
    return NULL;
  }
  if (!total(w)) {
    vg_err_fail(err, VG_EINVAL, "no indicators: give --domain, --ip, --hash or --path-suffix");
    return NULL;
  }
  bool net = json_array_size(w->iocs[WIZARD_DOMAIN]) || json_array_size(w->iocs[WIZARD_IP]);
  bool proc = json_array_size(w->iocs[WIZARD_HASH]) || json_array_size(w->iocs[WIZARD_PATH_SUFFIX]);
  if (w->kill && net && proc) {
    vg_err_fail(err, VG_EINVAL,
                "kill over both process (--hash, --path-suffix) and network (--domain, --ip) indicators: the "
                "process to kill is routing/this for the first and routing/parent for the second; make two rules");
    return NULL;
  }
  json_t *any = json_array();
  const json_t *v = w->iocs[WIZARD_DOMAIN];
  if (json_array_size(v))
    json_array_append_new(any, node(json_pack("[s]", "DNS_REQUEST"), "is", "event/DOMAIN_NAME", v, true));
  v = w->iocs[WIZARD_IP];
  if (json_array_size(v)) {
    json_array_append_new(any, node(json_pack("[s,s,s,s]", "NEW_TCP4_CONNECTION", "NEW_UDP4_CONNECTION",
                                              "NEW_TCP6_CONNECTION", "NEW_UDP6_CONNECTION"),
                                    "is", "event/*/IP_ADDRESS", v, false));
    json_array_append_new(any, node(json_pack("[s]", "DNS_REQUEST"), "is", "event/IP_ADDRESSES", v, false));
  }
  v = w->iocs[WIZARD_HASH];
  if (json_array_size(v)) json_array_append_new(any, node(json_pack("[s]", "NEW_PROCESS"), "is", "event/HASH", v, true));
  v = w->iocs[WIZARD_PATH_SUFFIX];
  if (json_array_size(v))
    json_array_append_new(any, node(json_pack("[s]", "NEW_PROCESS"), "ends with", "event/FILE_PATH", v,
                                    w->platforms != WIZARD_LINUX));
  json_t *detect = json_array_size(any) == 1 ? json_incref(json_array_get(any, 0))
                                             : json_pack("{s:s, s:O}", "op", "or", "rules", any);
  json_decref(any);
  if (w->platforms) {
    static const char *const plat[] = {"linux", "windows", "macos"};
    json_t *ps = json_array();
    for (int i = 0; i < 3; i++)
      if (w->platforms & (1u << i)) json_array_append_new(ps, json_pack("{s:s, s:s}", "op", "is platform", "name", plat[i]));
    json_t *p = json_array_size(ps) == 1 ? json_incref(json_array_get(ps, 0)) : json_pack("{s:s, s:O}", "op", "or", "rules", ps);
    json_decref(ps);
    /* The IOC node first: the rule is indexed by its event types. */
    detect = json_pack("{s:s, s:[o,o]}", "op", "and", "rules", detect, p);
  }
  json_t *respond = json_array();
  /* Report unless only other responses were asked for. */
  if (w->report || (!w->kill && !w->isolate && !json_array_size(w->tags)))
    json_array_append_new(respond, json_pack("{s:s, s:s, s:i, s:{s:s}}", "action", "report", "name", w->name,
                                             "priority", w->priority, "metadata", "source", "wizard"));
  if (w->kill)
    json_array_append_new(respond, json_pack("{s:s, s:s}", "action", "task", "command",
                                             proc ? "os_kill_process -a <<routing/this>>"
                                                  : "os_kill_process -a <<routing/parent>>"));
  if (w->isolate) json_array_append_new(respond, json_pack("{s:s}", "action", "isolate network"));
  size_t i;
  json_t *t;
  json_array_foreach(w->tags, i, t)
    json_array_append_new(respond, json_pack("{s:s, s:O, s:i}", "action", "add tag", "tag", t, "ttl", WIZARD_TAG_TTL_S));
  return json_pack("{s:o, s:o}", "detect", detect, "respond", respond);
}
