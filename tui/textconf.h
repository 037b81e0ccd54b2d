/* textconf.h — the line format keymaps and themes share: one statement per
 * line, words separated by blanks, '#' at the start of a word begins a
 * comment, blank lines ignored. Errors name file:line (and the column of the
 * word). Bounded: TEXTCONF_MAX_BYTES per file, TEXTCONF_LINE_BYTES per line,
 * TEXTCONF_MAX_WORDS per line. */
#ifndef VIGIL_TUI_TEXTCONF_H
#define VIGIL_TUI_TEXTCONF_H

#include <stddef.h>

#include "shared/err.h"

#define TEXTCONF_MAX_BYTES (256u << 10)
#define TEXTCONF_LINE_BYTES 512
#define TEXTCONF_MAX_WORDS 8

struct textconf_line {
  const char *file;
  int line;
  int nwords;
  char *words[TEXTCONF_MAX_WORDS];
  int cols[TEXTCONF_MAX_WORDS]; /* 1-based column of each word */
};

/* Calls fn for every statement of text (len bytes, need not be NUL-terminated);
 * stops at the first non-zero return of fn and returns it. File name is
 * used in errors. -VG_ELIMIT / -VG_EPARSE (NUL byte, invalid UTF-8) with err. */
int textconf_parse(const char *file, const char *text, size_t len,
                   int (*fn)(const struct textconf_line *l, void *ctx, struct vg_err *err),
                   void *ctx, struct vg_err *err);

/* Read a whole file (at most TEXTCONF_MAX_BYTES) into a heap buffer;
 * -VG_ENOTFOUND if it does not exist, -VG_EIO, -VG_ELIMIT. */
int textconf_read_file(const char *path, char **out, size_t *len, struct vg_err *err);

/* Error at word i of l (i < 0: the line). Returns -code. */
int textconf_error(struct vg_err *err, int code, const struct textconf_line *l, int i,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
