/* keys.c — key names <-> key codes for keymap files and the help screen. */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

#include "tui/canvas.h"

static const char *const named[] = {
#define VK_NAME(e, n) n,
    KEYS_NAMED(VK_NAME)
#undef VK_NAME
};
#define NAMED_COUNT (sizeof named / sizeof named[0])

static const struct {
  const char *name;
  int key;
} aliases[] = {
    {"Enter", VK_ENTER}, {"Esc", VK_ESC}, {"Tab", VK_TAB},
    {"Space", ' '},      {"Hash", '#'},   {"BTab", VK_BTAB},
};

static int parse_base(const char *s, int *key) {
  for (size_t i = 0; i < NAMED_COUNT; i++)
    if (strcmp(s, named[i]) == 0) return *key = VK__FIRST + 1 + (int)i, 0;
  for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
    if (strcmp(s, aliases[i].name) == 0) return *key = aliases[i].key, 0;
  size_t n = strlen(s);
  if (n == 0) return -1;
  uint32_t cp;
  int l = canvas_utf8_decode(s, n, &cp);
  if ((size_t)l != n || cp == 0xFFFD || cp <= ' ' || cp == 0x7F) return -1;
  *key = (int)cp;
  return 0;
}

int keys_parse(const char *name, int *key) {
  if (!name || strlen(name) >= KEYS_NAME_BYTES) return -1;
  int meta = 0;
  if (strncmp(name, "M-", 2) == 0 && name[2]) meta = KEYS_META, name += 2;
  if (strncmp(name, "C-", 2) == 0 && name[2] && !name[3]) {
    char c = name[2];
    if (c >= 'a' && c <= 'z') return *key = meta | VK_CTRL(c), 0;
    if (c == ' ' || c == '@') return -1; /* NUL is not a key */
    return -1;
  }
  if (parse_base(name, key) < 0) return -1;
  *key |= meta;
  return 0;
}

const char *keys_name(int key, char *buf, size_t n) {
  const char *meta = (key & KEYS_META) ? "M-" : "";
  key &= ~KEYS_META;
  if (key > VK__FIRST && key < VK__LAST) {
    snprintf(buf, n, "%s%s", meta, named[key - VK__FIRST - 1]);
  } else if (key == VK_ENTER || key == '\n') {
    snprintf(buf, n, "%sEnter", meta);
  } else if (key == VK_ESC) {
    snprintf(buf, n, "%sEsc", meta);
  } else if (key == VK_TAB) {
    snprintf(buf, n, "%sTab", meta);
  } else if (key == ' ') {
    snprintf(buf, n, "%sSpace", meta);
  } else if (key > 0 && key < 32) {
    snprintf(buf, n, "%sC-%c", meta, 'a' + key - 1);
  } else if (key > ' ' && key < 0x110000) {
    char u[5] = {0};
    if (key < 0x80) {
      u[0] = (char)key;
    } else if (key < 0x800) {
      u[0] = (char)(0xC0 | (key >> 6)), u[1] = (char)(0x80 | (key & 0x3F));
    } else if (key < 0x10000) {
      u[0] = (char)(0xE0 | (key >> 12)), u[1] = (char)(0x80 | ((key >> 6) & 0x3F));
      u[2] = (char)(0x80 | (key & 0x3F));
    } else {
      u[0] = (char)(0xF0 | (key >> 18)), u[1] = (char)(0x80 | ((key >> 12) & 0x3F));
      u[2] = (char)(0x80 | ((key >> 6) & 0x3F)), u[3] = (char)(0x80 | (key & 0x3F));
    }
    snprintf(buf, n, "%s%s", meta, u);
  } else {
    snprintf(buf, n, "?");
  }
  return buf;
}
