/* keys.h — keys as the console sees them, independent of curses: a Unicode
 * code point for characters (control keys are 1..31), KEYS_SPECIAL + n for
 * named keys, KEYS_META for Alt/Meta. Names are those of keymap files
 * (docs/keymaps.md): "q", "?", "C-n", "M-x", "Enter", "Esc", "Tab",
 * "S-Tab", "Up", "PgDn", "F1", "Space". */
#ifndef VIGIL_TUI_KEYS_H
#define VIGIL_TUI_KEYS_H

#include <stddef.h>

#define KEYS_NAME_BYTES 32

#define KEYS_SPECIAL 0x200000
#define KEYS_META 0x1000000

#define KEYS_NAMED(X)                 \
  X(UP, "Up")                         \
  X(DOWN, "Down")                     \
  X(LEFT, "Left")                     \
  X(RIGHT, "Right")                   \
  X(PGUP, "PgUp")                     \
  X(PGDN, "PgDn")                     \
  X(HOME, "Home")                     \
  X(END, "End")                       \
  X(INSERT, "Insert")                 \
  X(DELETE, "Delete")                 \
  X(BACKSPACE, "Backspace")           \
  X(BTAB, "S-Tab")                    \
  X(RESIZE, "Resize")                 \
  X(MOUSE, "Mouse")                   \
  X(F1, "F1") X(F2, "F2") X(F3, "F3") X(F4, "F4") X(F5, "F5") X(F6, "F6") \
  X(F7, "F7") X(F8, "F8") X(F9, "F9") X(F10, "F10") X(F11, "F11") X(F12, "F12")

enum {
  VK__FIRST = KEYS_SPECIAL,
#define VK_ENUM(e, n) VK_##e,
  KEYS_NAMED(VK_ENUM)
#undef VK_ENUM
  VK__LAST
};

#define VK_ENTER 13
#define VK_TAB 9
#define VK_ESC 27
#define VK_CTRL(c) ((c) & 0x1F)

/* Parse a key name; 0 and *key, or -1 if the name is not a key. */
int keys_parse(const char *name, int *key);
/* Name of key into buf (n >= KEYS_NAME_BYTES); returns buf. */
const char *keys_name(int key, char *buf, size_t n);

#endif
