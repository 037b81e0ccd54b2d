/* fuzz_keymap.c — the keymap and theme file parsers on arbitrary input: the
 * first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>

#include "tui/embedded.h"
#include "tui/keymap.h"
#include "tui/theme.h"

/* The fuzz build does not embed the data files. */
const struct embedded_file embedded_keymaps[] = {{"", ""}};
const size_t embedded_keymap_count = 0;
const struct embedded_file embedded_themes[] = {{"", ""}};
const size_t embedded_theme_count = 0;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct keymap km;
  struct theme t;
  struct vg_err e;
  if (size < 1) return 0;
  if (data[0] & 1) {
    keymap_init(&km);
    keymap_load_text(&km, "fuzz", (const char *)data + 1, size - 1, &e);
  } else {
    theme_init(&t);
    theme_load_text(&t, "fuzz", (const char *)data + 1, size - 1, &e);
  }
  return 0;
}
