/* cmd_units.c — os_services (systemd units read from the unit directories,
 * live state from systemctl when systemd runs) and os_autoruns (what starts
 * by itself: enabled systemd units, cron, rc scripts, shell profiles,
 * /etc/ld.so.preload). Works on hosts and containers without systemd. */
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/parse.h"
#include "shared/alloc.h"

/* Unit directories, highest precedence first (systemd.unit(5)). */
static const char *const unit_dirs[] = {"/etc/systemd/system", "/run/systemd/system",
                                        "/usr/local/lib/systemd/system", "/lib/systemd/system",
                                        "/usr/lib/systemd/system"};

struct unit_info {
  char description[PARSE_MAX_FIELD], exec[PARSE_MAX_FIELD], type[64];
  bool has_install;
};

static void unit_kv(void *user, const char *section, const char *key, const char *value) {
  struct unit_info *u = user;
  if (strcmp(section, "Install") == 0) u->has_install = true;
  if (strcmp(section, "Unit") == 0 && strcmp(key, "Description") == 0)
    snprintf(u->description, sizeof u->description, "%s", value);
  else if (strcmp(section, "Service") == 0 && strcmp(key, "ExecStart") == 0 && !u->exec[0])
    snprintf(u->exec, sizeof u->exec, "%s", value + strspn(value, "@-:+!"));
  else if (strcmp(section, "Service") == 0 && strcmp(key, "Type") == 0)
    snprintf(u->type, sizeof u->type, "%s", value);
}

static bool read_unit(const char *path, struct unit_info *u) {
  memset(u, 0, sizeof *u);
  char *buf;
  size_t n;
  if (cmd_util_read_file(path, CMD_UNITS_MAX_FILE_BYTES, &buf, &n, NULL)) return false;
  int rc = parse_kv_unit(buf, n, unit_kv, u, NULL);
  free(buf);
  return rc == 0;
}

/* First word of a command line (the executable). */
static json_t *first_word(const char *cmd) {
  size_t n = strcspn(cmd, " \t");
  return json_stringn(cmd, n);
}

static bool unit_wanted(const char *name) {
  glob_t g;
  char pat[512];
  snprintf(pat, sizeof pat, "/etc/systemd/system/*.wants/%s", name);
  bool yes = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
  globfree(&g);
  return yes;
}

/* systemctl's live view when systemd is PID 1; NULL otherwise. */
static json_t *systemctl_units(void) {
  struct stat st;
  if (stat("/run/systemd/system", &st) != 0) return NULL;
  FILE *f = popen("systemctl list-units --all --type=service --output=json --no-pager 2>/dev/null", "r");
  if (!f) return NULL;
  json_error_t je;
  json_t *arr = json_loadf(f, 0, &je);
  pclose(f);
  if (!json_is_array(arr)) {
    json_decref(arr);
    return NULL;
  }
  json_t *by = json_object(), *e;
  size_t i;
  json_array_foreach(arr, i, e) {
    const char *u = json_string_value(json_object_get(e, "unit"));
    if (u) json_object_set(by, u, e);
  }
  json_decref(arr);
  return by;
}

int cmd_units_services(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  json_t *live = systemctl_units();
  json_t *seen = json_object();
  struct cmd_list l;
  cmd_util_list_init(&l, c, "SVCS", CMD_UNITS_MAX);
  bool go = true;
  for (size_t d = 0; go && d < sizeof unit_dirs / sizeof unit_dirs[0]; d++) {
    DIR *dir = opendir(unit_dirs[d]);
    if (!dir) continue;
    struct dirent *de;
    while (go && (de = readdir(dir))) {
      size_t nl = strlen(de->d_name);
      if (nl < 9 || strcmp(de->d_name + nl - 8, ".service") != 0) continue;
      if (json_object_get(seen, de->d_name)) continue;
      json_object_set_new(seen, de->d_name, json_true());
      char path[VG_LIMIT_FILE_PATH_BYTES];
      snprintf(path, sizeof path, "%s/%s", unit_dirs[d], de->d_name);
      char target[VG_LIMIT_FILE_PATH_BYTES];
      ssize_t tn = readlink(path, target, sizeof target - 1);
      const char *enabled;
      struct unit_info u;
      bool ok = false;
      if (tn > 0 && (target[tn] = '\0', strcmp(target, "/dev/null") == 0)) {
        enabled = "masked";
        memset(&u, 0, sizeof u);
      } else {
        ok = read_unit(path, &u);
        enabled = unit_wanted(de->d_name) ? "enabled" : u.has_install ? "disabled" : "static";
      }
      json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "SVC_NAME", de->d_name, "SVC_DISPLAY_NAME",
                            u.description, "SVC_TYPE", u.type[0] ? u.type : "simple", "FILE_PATH", path,
                            "ENABLED", enabled);
      if (!o) continue;
      if (!ok && strcmp(enabled, "masked") != 0) json_object_set_new(o, "PARSE_ERROR", json_true());
      if (u.exec[0]) {
        json_object_set_new(o, "COMMAND_LINE", json_string(u.exec));
        json_object_set_new(o, "EXECUTABLE", first_word(u.exec));
      }
      json_t *lv = live ? json_object_get(live, de->d_name) : NULL;
      json_object_set_new(o, "SVC_STATE",
                          json_string(lv ? json_string_value(json_object_get(lv, "active"))
                                         : live ? "inactive" : "unknown"));
      if (lv) json_object_set_new(o, "SVC_SUB_STATE", json_copy(json_object_get(lv, "sub")));
      go = cmd_util_list_add(&l, o);
    }
    closedir(dir);
  }
  json_decref(seen);
  cmd_util_list_finish(&l, json_pack("{s:b}", "SYSTEMD_RUNNING", live != NULL));
  json_decref(live);
  return 0;
}

/* ---- autoruns ---- */

static bool add_run(struct cmd_list *l, const char *type, const char *path, const char *command) {
  json_t *o = json_pack("{s:s, s:s}", "TYPE", type, "FILE_PATH", path);
  if (!o) return true;
  if (command) {
    json_t *s = json_string(command);
    if (s) json_object_set_new(o, "COMMAND_LINE", s);
  }
  char h[65];
  struct stat st;
  const char *hashed = path;
  if (command && !strcmp(type, "systemd")) { /* hash the unit's executable */
    json_t *w = first_word(command);
    if (w && json_string_value(w)[0] == '/') {
      char *exe = vg_xstrdup(json_string_value(w));
      json_object_set_new(o, "EXECUTABLE", json_string(exe));
      if (stat(exe, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= CMD_UNITS_MAX_HASH_BYTES &&
          cmd_util_hash_file(exe, h, NULL, NULL, NULL) == 0)
        json_object_set_new(o, "HASH", json_string(h));
      free(exe);
      hashed = NULL;
    }
    json_decref(w);
  }
  if (hashed && stat(hashed, &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size <= CMD_UNITS_MAX_HASH_BYTES && cmd_util_hash_file(hashed, h, NULL, NULL, NULL) == 0)
    json_object_set_new(o, "HASH", json_string(h));
  return cmd_util_list_add(l, o);
}

static bool glob_files(struct cmd_list *l, const char *type, const char *pattern) {
  glob_t g;
  bool go = true;
  if (glob(pattern, 0, NULL, &g) == 0)
    for (size_t i = 0; go && i < g.gl_pathc; i++) {
      struct stat st;
      if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) go = add_run(l, type, g.gl_pathv[i], NULL);
    }
  globfree(&g);
  return go;
}

/* One entry per job line of a crontab (system crontabs have a user field). */
static bool cron_file(struct cmd_list *l, const char *path) {
  char *buf;
  size_t n;
  if (cmd_util_read_file(path, CMD_UNITS_MAX_FILE_BYTES, &buf, &n, NULL)) return true;
  bool go = true;
  for (char *line = strtok(buf, "\n"); go && line; line = strtok(NULL, "\n")) {
    line += strspn(line, " \t");
    if (!*line || *line == '#') continue;
    size_t k = strcspn(line, " \t=");
    if (line[k] == '=' || (k && strchr(line, '=') && !strchr(line, ' '))) continue; /* VAR=value */
    go = add_run(l, "cron", path, line);
  }
  free(buf);
  return go;
}

int cmd_units_autoruns(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 0, 0);
  if (rc) return rc;
  struct cmd_list l;
  cmd_util_list_init(&l, c, "AUTORUNS", CMD_UNITS_MAX);
  bool go = true;
  glob_t g;
  /* enabled systemd units: symlinks in *.wants / *.requires */
  if (glob("/etc/systemd/system/*.wants/*", 0, NULL, &g) == 0) {
    for (size_t i = 0; go && i < g.gl_pathc; i++) {
      struct unit_info u;
      read_unit(g.gl_pathv[i], &u);
      go = add_run(&l, "systemd", g.gl_pathv[i], u.exec[0] ? u.exec : NULL);
    }
  }
  globfree(&g);
  /* cron */
  const char *crontabs[] = {"/etc/crontab", "/etc/cron.d/*", "/var/spool/cron/crontabs/*",
                            "/var/spool/cron/*"};
  for (size_t k = 0; go && k < sizeof crontabs / sizeof crontabs[0]; k++) {
    if (glob(crontabs[k], 0, NULL, &g) == 0)
      for (size_t i = 0; go && i < g.gl_pathc; i++) {
        struct stat st;
        if (stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) go = cron_file(&l, g.gl_pathv[i]);
      }
    globfree(&g);
  }
  const char *scripts[][2] = {{"cron", "/etc/cron.hourly/*"},  {"cron", "/etc/cron.daily/*"},
                              {"cron", "/etc/cron.weekly/*"},  {"cron", "/etc/cron.monthly/*"},
                              {"rc", "/etc/rc.local"},         {"rc", "/etc/rc[2-5S].d/S*"},
                              {"profile", "/etc/profile"},     {"profile", "/etc/profile.d/*"},
                              {"profile", "/etc/bash.bashrc"}, {"profile", "/etc/environment"},
                              {"profile", "/root/.bashrc"},    {"profile", "/root/.profile"},
                              {"profile", "/root/.bash_profile"}, {"profile", "/home/*/.bashrc"},
                              {"profile", "/home/*/.profile"}, {"profile", "/home/*/.bash_profile"},
                              {"profile", "/home/*/.zshrc"},   {"xdg_autostart", "/etc/xdg/autostart/*.desktop"}};
  for (size_t k = 0; go && k < sizeof scripts / sizeof scripts[0]; k++)
    go = glob_files(&l, scripts[k][0], scripts[k][1]);
  /* ld.so.preload: one entry per library it forces into every process */
  char *buf;
  size_t n;
  if (go && cmd_util_read_file("/etc/ld.so.preload", CMD_UNITS_MAX_FILE_BYTES, &buf, &n, NULL) == 0) {
    for (char *tok = strtok(buf, " \t\n:"); go && tok; tok = strtok(NULL, " \t\n:"))
      if (*tok != '#') go = add_run(&l, "ld_preload", tok, NULL);
    free(buf);
  }
  cmd_util_list_finish(&l, NULL);
  return 0;
}
