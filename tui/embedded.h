/* embedded.h — the keymaps and themes dirs compiled into the binary (the C file
 * is generated at build time by cmake/VigilEmbed.cmake). */
#ifndef VIGIL_TUI_EMBEDDED_H
#define VIGIL_TUI_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
  const char *name; /* file name without directory: "default", "dark" */
  const char *text; /* NUL-terminated contents */
};

extern const struct embedded_file embedded_keymaps[];
extern const size_t embedded_keymap_count;
extern const struct embedded_file embedded_themes[];
extern const size_t embedded_theme_count;

#endif
