/* history.c — persistent console history. */
#include "tui/history.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "shared/alloc.h"
#include "tui/input.h"

static void push(struct history *h, const char *line) {
  if (h->n == HISTORY_MAX) {
    free(h->items[0]);
    memmove(h->items, h->items + 1, sizeof h->items[0] * (HISTORY_MAX - 1));
    h->n--;
  }
  h->items[h->n++] = vg_xstrdup(line);
}

struct history *history_open(const char *path) {
  struct history *h = vg_xcalloc(1, sizeof *h);
  if (!path) return h;
  h->path = vg_xstrdup(path);
  FILE *f = fopen(path, "r");
  if (!f) return h;
  char line[INPUT_BYTES + 2];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    h->file_lines++;
    if (line[0]) push(h, line);
  }
  fclose(f);
  return h;
}

void history_free(struct history *h) {
  if (!h) return;
  for (int i = 0; i < h->n; i++) free(h->items[i]);
  free(h->path);
  free(h);
}

static void mkdirs(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0700) < 0 && errno != EEXIST) return;
    *p = '/';
  }
}

void history_add(struct history *h, const char *line) {
  if (!line[0] || strchr(line, '\n')) return;
  if (h->n && strcmp(h->items[h->n - 1], line) == 0) return;
  push(h, line);
  if (!h->path) return;
  mkdirs(h->path);
  if (h->file_lines + 1 > 2 * HISTORY_MAX) { /* keep the file bounded: rewrite it */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", h->path);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    for (int i = 0; i < h->n; i++) fprintf(f, "%s\n", h->items[i]);
    if (fclose(f) == 0 && rename(tmp, h->path) == 0) h->file_lines = h->n;
    return;
  }
  FILE *f = fopen(h->path, "a");
  if (!f) return;
  fprintf(f, "%s\n", line);
  fclose(f);
  h->file_lines++;
}

const char *history_get(const struct history *h, int i) {
  return i >= 0 && i < h->n ? h->items[h->n - 1 - i] : NULL;
}

int history_default_path(char *buf, size_t n) {
  const char *state = getenv("XDG_STATE_HOME");
  if (state && state[0] == '/') {
    snprintf(buf, n, "%s/vigil/history", state);
    return 0;
  }
  const char *home = getenv("HOME");
  if (!home || !home[0]) return -1;
  snprintf(buf, n, "%s/.local/state/vigil/history", home);
  return 0;
}
