/* cmdlist.c — command-name and flag completion over the generated table. */
#include "tui/cmdlist.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct cmdlist_entry *cmdlist_find(const char *name, size_t len) {
  for (size_t i = 0; i < cmdlist_count; i++)
    if (strlen(cmdlist_table[i].name) == len && strncmp(cmdlist_table[i].name, name, len) == 0)
      return &cmdlist_table[i];
  return NULL;
}

int cmdlist_flags(const char *usage, char flags[][CMDLIST_FLAG_BYTES], int max) {
  int n = 0;
  for (const char *p = usage; *p && n < max; p++) {
    /* a flag starts a word or follows '[' '(' '|' */
    if (*p != '-' || (p > usage && !strchr(" [(|", p[-1]))) continue;
    size_t len = strspn(p, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    if (len < 2 || len >= CMDLIST_FLAG_BYTES) continue;
    bool dup = false;
    for (int i = 0; i < n && !dup; i++) dup = strlen(flags[i]) == len && !strncmp(flags[i], p, len);
    if (!dup) {
      memcpy(flags[n], p, len);
      flags[n++][len] = '\0';
    }
    p += len - 1;
  }
  return n;
}

int cmdlist_complete(void *ctx, const char *text, size_t cur, size_t *start, const char **cands,
                     int max) {
  struct cmdlist_completion *cc = ctx;
  size_t ws = cur;
  while (ws > 0 && text[ws - 1] != ' ') ws--;
  *start = ws;
  const char *word = text + ws;
  size_t wl = cur - ws;
  size_t first = strspn(text, " ");
  int n = 0;
  if (ws <= first) { /* the command name */
    for (size_t i = 0; i < cmdlist_count && n < max; i++)
      if (strncmp(cmdlist_table[i].name, word, wl) == 0) cands[n++] = cmdlist_table[i].name;
    return n;
  }
  size_t nl = strcspn(text + first, " ");
  const struct cmdlist_entry *e = cmdlist_find(text + first, nl);
  if (!e || (wl && word[0] != '-')) return 0;
  int nf = cmdlist_flags(e->usage, cc->flags, CMDLIST_MAX_FLAGS);
  for (int i = 0; i < nf && n < max; i++)
    if (strncmp(cc->flags[i], word, wl) == 0) cands[n++] = cc->flags[i];
  return n;
}
