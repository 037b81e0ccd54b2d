/* settings.h — which keymap and theme the console uses: the built-in
 * default, a named built-in or a file (--keymap/--theme, $VIGIL_KEYMAP,
 * $VIGIL_THEME), then the user's overrides ~/.config/vigil/keymap and
 * ~/.config/vigil/theme ($XDG_CONFIG_HOME honoured). */
#ifndef VIGIL_TUI_SETTINGS_H
#define VIGIL_TUI_SETTINGS_H

#include <stddef.h>

#include "shared/err.h"
#include "tui/keymap.h"
#include "tui/theme.h"

/* The user config dir (~/.config/vigil) into buf; -1 without HOME. */
int settings_config_dir(char *buf, size_t n);
/* default + name (built-in name or path; NULL = none) + the user file. */
int settings_keymap(struct keymap *km, const char *name, struct vg_err *err);
/* name (built-in or path; NULL = "dark") + the user file. */
int settings_theme(struct theme *t, const char *name, struct vg_err *err);

#endif
