/* settings.c — keymap and theme selection. */
#include "tui/settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int settings_config_dir(char *buf, size_t n) {
  const char *x = getenv("XDG_CONFIG_HOME");
  if (x && x[0] == '/') {
    snprintf(buf, n, "%s/vigil", x);
    return 0;
  }
  const char *home = getenv("HOME");
  if (!home || !home[0]) return -1;
  snprintf(buf, n, "%s/.config/vigil", home);
  return 0;
}

static int user_file(const char *leaf, char *buf, size_t n) {
  char dir[2048];
  if (settings_config_dir(dir, sizeof dir) < 0) return -1;
  snprintf(buf, n, "%s/%s", dir, leaf);
  return 0;
}

int settings_keymap(struct keymap *km, const char *name, struct vg_err *err) {
  keymap_init(km);
  const char *def = keymap_builtin("default");
  int rc = keymap_load_text(km, "keymaps/default", def, strlen(def), err);
  if (rc) return rc;
  if (name && name[0] && strcmp(name, "default") != 0) {
    const char *b = keymap_builtin(name);
    char file[128];
    snprintf(file, sizeof file, "keymaps/%s", name);
    rc = b ? keymap_load_text(km, file, b, strlen(b), err) : keymap_load_file(km, name, err);
    if (rc) return rc;
  }
  char path[4096];
  if (user_file("keymap", path, sizeof path) == 0) {
    rc = keymap_load_file(km, path, err);
    if (rc && rc != -VG_ENOTFOUND) return rc;
  }
  vg_err_clear(err);
  return 0;
}

int settings_theme(struct theme *t, const char *name, struct vg_err *err) {
  theme_init(t);
  if (!name || !name[0]) name = "dark";
  const char *b = theme_builtin(name);
  char file[128];
  snprintf(file, sizeof file, "themes/%s", name);
  int rc = b ? theme_load_text(t, file, b, strlen(b), err) : theme_load_file(t, name, err);
  if (rc) return rc;
  char path[4096];
  if (user_file("theme", path, sizeof path) == 0) {
    rc = theme_load_file(t, path, err);
    if (rc && rc != -VG_ENOTFOUND) return rc;
  }
  vg_err_clear(err);
  return 0;
}
