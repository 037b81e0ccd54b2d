/* keymap.c — the keymap file parser and lookups. */
#include "tui/keymap.h"

#include <stdlib.h>
#include <string.h>

#include "tui/embedded.h"
#include "tui/keys.h"
#include "tui/textconf.h"

void keymap_init(struct keymap *km) { km->n = 0; }

static void set(struct keymap *km, enum context ctx, int key, enum action a) {
  for (int i = 0; i < km->n; i++) {
    if (km->b[i].ctx == ctx && km->b[i].key == key) {
      if (a == ACT_NONE) {
        km->b[i] = km->b[--km->n];
      } else {
        km->b[i].action = a;
      }
      return;
    }
  }
  if (a != ACT_NONE) km->b[km->n++] = (struct keymap_binding){ctx, key, a};
}

static int statement(const struct textconf_line *l, void *ctx, struct vg_err *err) {
  struct keymap *km = ctx;
  const char *verb = l->words[0];
  int nargs;
  if (strcmp(verb, "bind") == 0) {
    nargs = 3;
  } else if (strcmp(verb, "unbind") == 0) {
    nargs = 2;
  } else {
    return textconf_error(err, VG_EUNKNOWN, l, 0,
                          "unknown statement '%s' (expected bind or unbind)", verb);
  }
  if (l->nwords != nargs + 1)
    return textconf_error(err, VG_EPARSE, l, -1, "%s takes %d words: %s", verb, nargs,
                          nargs == 3 ? "bind <context> <key> <action>" : "unbind <context> <key>");
  int c = context_by_name(l->words[1]);
  if (c < 0) return textconf_error(err, VG_EUNKNOWN, l, 1, "unknown context '%s'", l->words[1]);
  int key;
  if (keys_parse(l->words[2], &key) < 0)
    return textconf_error(err, VG_EUNKNOWN, l, 2, "unknown key '%s'", l->words[2]);
  enum action a = ACT_NONE;
  if (nargs == 3) {
    a = action_by_name(l->words[3]);
    if (a == ACT_NONE)
      return textconf_error(err, VG_EUNKNOWN, l, 3, "unknown action '%s'", l->words[3]);
    if (km->n == KEYMAP_MAX_BINDINGS && keymap_lookup(km, (enum context)c, key) == ACT_NONE)
      return textconf_error(err, VG_ELIMIT, l, -1, "more than %d bindings",
                            KEYMAP_MAX_BINDINGS);
  }
  set(km, (enum context)c, key, a);
  return 0;
}

int keymap_load_text(struct keymap *km, const char *file, const char *text, size_t len,
                     struct vg_err *err) {
  return textconf_parse(file, text, len, statement, km, err);
}

int keymap_load_file(struct keymap *km, const char *path, struct vg_err *err) {
  char *text;
  size_t len;
  int rc = textconf_read_file(path, &text, &len, err);
  if (rc) return rc;
  rc = keymap_load_text(km, path, text, len, err);
  free(text);
  return rc;
}

enum action keymap_lookup(const struct keymap *km, enum context ctx, int key) {
  for (int i = 0; i < km->n; i++)
    if (km->b[i].ctx == ctx && km->b[i].key == key) return km->b[i].action;
  return ACT_NONE;
}

const char *keymap_keys_for(const struct keymap *km, enum action a, char *buf, size_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (int i = 0; i < km->n; i++) {
    if (km->b[i].action != a) continue;
    char name[KEYS_NAME_BYTES];
    keys_name(km->b[i].key, name, sizeof name);
    /* the same key in several contexts is listed once */
    int dup = 0;
    for (int j = 0; j < i; j++)
      if (km->b[j].action == a && km->b[j].key == km->b[i].key) dup = 1;
    if (dup) continue;
    size_t need = strlen(name) + (used ? 1 : 0);
    if (used + need + 1 > n) break;
    if (used) buf[used++] = '/';
    memcpy(buf + used, name, strlen(name) + 1);
    used += strlen(name);
  }
  return buf;
}

const char *keymap_first_key(const struct keymap *km, enum action a, char *buf, size_t n) {
  buf[0] = '\0';
  for (int i = 0; i < km->n; i++)
    if (km->b[i].action == a) return keys_name(km->b[i].key, buf, n);
  return buf;
}

const char *keymap_builtin(const char *name) {
  for (size_t i = 0; i < embedded_keymap_count; i++)
    if (strcmp(embedded_keymaps[i].name, name) == 0) return embedded_keymaps[i].text;
  return NULL;
}
