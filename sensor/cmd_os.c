/* cmd_os.c — os_version, os_users, os_packages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/parse.h"

static void osrel_kv(void *user, const char *key, const char *value) {
  static const char *const keep[][2] = {{"NAME", "OS_NAME"},       {"VERSION", "OS_VERSION"},
                                        {"ID", "OS_ID"},           {"VERSION_ID", "OS_VERSION_ID"},
                                        {"PRETTY_NAME", "OS_PRETTY_NAME"},
                                        {"VERSION_CODENAME", "OS_CODENAME"}};
  for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
    if (strcmp(key, keep[i][0]) == 0) json_object_set_new(user, keep[i][1], json_string(value));
}

int cmd_os_version(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  struct utsname u;
  uname(&u);
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "KERNEL_NAME", u.sysname, "KERNEL_VERSION",
                        u.release, "KERNEL_BUILD", u.version, "ARCH", u.machine, "HOSTNAME", u.nodename);
  char *buf;
  size_t n;
  const char *src = "/etc/os-release";
  if (cmd_util_read_file(src, CMD_OS_MAX_FILE_BYTES, &buf, &n, NULL) != 0) {
    src = "/usr/lib/os-release";
    if (cmd_util_read_file(src, CMD_OS_MAX_FILE_BYTES, &buf, &n, NULL) != 0) src = NULL;
  }
  if (src) {
    struct vg_err e;
    if (parse_kv_osrelease(buf, n, osrel_kv, o, &e) != 0)
      json_object_set_new(o, "OS_RELEASE_ERROR", json_sprintf("%s: line %d: %s", src, e.line, e.msg));
    free(buf);
  }
  cmd_reply(c, o);
  return 0;
}

int cmd_os_users(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  char *buf;
  size_t n;
  if ((rc = cmd_util_read_file("/etc/passwd", CMD_OS_MAX_FILE_BYTES, &buf, &n, NULL)))
    return cmd_util_errno(c, -rc, "/etc/passwd");
  struct cmd_list l;
  cmd_util_list_init(&l, c, "USERS", CMD_OS_MAX_USERS);
  const char *p = buf, *end = buf + n;
  int lineno = 0, bad = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
    struct parse_passwd_entry e;
    lineno++;
    int r = parse_passwd_line(p, ln, &e, NULL);
    p += ln + (nl ? 1 : 0);
    if (r < 0) bad++;
    if (r) continue;
    json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:b}", "USER_NAME", e.name, "USER_ID",
                          (json_int_t)e.uid, "GROUP_ID", (json_int_t)e.gid, "FULL_NAME", e.gecos,
                          "HOME_DIRECTORY", e.home, "SHELL", e.shell, "CAN_LOGIN",
                          !(strstr(e.shell, "nologin") || strstr(e.shell, "/false")));
    if (!o) continue; /* not UTF-8 */
    if (!cmd_util_list_add(&l, o)) break;
  }
  free(buf);
  cmd_util_list_finish(&l, json_pack("{s:i}", "MALFORMED_LINES", bad));
  return 0;
}

static bool pkg_add(void *user, const struct parse_dpkg_pkg *p) {
  if (!strstr(p->status, "installed") || strstr(p->status, "not-installed")) return true;
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "NAME", p->name, "VERSION", p->version,
                        "ARCH", p->arch, "STATUS", p->status, "DESCRIPTION", p->description);
  return !o || cmd_util_list_add(user, o);
}

int cmd_os_packages(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  char *buf;
  size_t n;
  bool trunc;
  if ((rc = cmd_util_read_file(CMD_OS_DPKG_STATUS, CMD_OS_MAX_DPKG_BYTES, &buf, &n, &trunc))) {
    if (rc == -ENOENT)
      return cmd_error(c, -VG_EUNSUPPORTED, "%s: not found (only dpkg-based systems are supported)",
                       CMD_OS_DPKG_STATUS);
    return cmd_util_errno(c, -rc, CMD_OS_DPKG_STATUS);
  }
  struct cmd_list l;
  cmd_util_list_init(&l, c, "PACKAGES", CMD_OS_MAX_PACKAGES);
  struct vg_err e;
  rc = parse_dpkg(buf, n, pkg_add, &l, &e);
  free(buf);
  json_t *extra = json_pack("{s:s, s:s}", "PACKAGE_MANAGER", "dpkg", "SOURCE", CMD_OS_DPKG_STATUS);
  if (rc) json_object_set_new(extra, "PARSE_ERROR", json_sprintf("line %d: %s", e.line, e.msg));
  if (trunc) l.truncated = true;
  cmd_util_list_finish(&l, extra);
  return 0;
}
