/* history.h — persistent command history for the console
 * (~/.local/state/vigil/history or $XDG_STATE_HOME/vigil/history): one entry
 * per line, newest last, at most HISTORY_MAX entries kept; the file is
 * rewritten with those when it grows past 2 × HISTORY_MAX lines. */
#ifndef VIGIL_TUI_HISTORY_H
#define VIGIL_TUI_HISTORY_H

#include <stddef.h>

#define HISTORY_MAX 1000

struct history {
  char *items[HISTORY_MAX];
  int n;
  char *path; /* NULL: not persisted */
  int file_lines; /* lines in the file (read + appended) */
};

/* Load from path (NULL = memory only); a missing file is an empty history. */
struct history *history_open(const char *path);
void history_free(struct history *h);
/* Append (not if equal to the newest entry) and, with a path, append to the file. */
void history_add(struct history *h, const char *line);
/* Entry i counted from the newest (0); NULL past the end. */
const char *history_get(const struct history *h, int i);
/* The default path into buf; -1 if no HOME. */
int history_default_path(char *buf, size_t n);

#endif
