/* keymap.h — key bindings as data. A keymap file holds statements
 *   bind <context> <key> <action>
 *   unbind <context> <key>
 * (docs/keymaps.md). Loading a file on top of a keymap replaces bindings of
 * the same context and key, so a user file overrides the default. Unknown
 * contexts, keys and actions are errors with file:line:col. */
#ifndef VIGIL_TUI_KEYMAP_H
#define VIGIL_TUI_KEYMAP_H

#include <stddef.h>

#include "shared/err.h"
#include "tui/action.h"

#define KEYMAP_MAX_BINDINGS 1024

struct keymap_binding {
  enum context ctx;
  int key;
  enum action action;
};

struct keymap {
  struct keymap_binding b[KEYMAP_MAX_BINDINGS];
  int n;
};

void keymap_init(struct keymap *km); /* empty */
/* Apply text (a keymap file's contents) named file on top of km. On error km
 * keeps the statements before the bad line. 0 or -VG_EPARSE/-VG_EUNKNOWN/
 * -VG_ELIMIT with err at file:line:col. */
int keymap_load_text(struct keymap *km, const char *file, const char *text, size_t len,
                     struct vg_err *err);
/* Same from a file path; -VG_ENOTFOUND if it does not exist. */
int keymap_load_file(struct keymap *km, const char *path, struct vg_err *err);
/* The action key is bound to in ctx (no fallback), ACT_NONE if none. */
enum action keymap_lookup(const struct keymap *km, enum context ctx, int key);
/* Keys bound to action (in any context) as "k1/k2" into buf; "" if none. */
const char *keymap_keys_for(const struct keymap *km, enum action a, char *buf, size_t n);

/* The first key bound to action (in any context) into buf; "" if none. */
const char *keymap_first_key(const struct keymap *km, enum action a, char *buf, size_t n);

/* The keymaps built in (keymaps/default, vi, emacs, embedded at build time):
 * the text of name, or NULL. */
const char *keymap_builtin(const char *name);

#endif
