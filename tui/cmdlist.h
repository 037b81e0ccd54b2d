/* cmdlist.h — the sensor commands the console completes: name and usage of
 * every row of sensor/cmd_table.c, generated at build time
 * (cmake/VigilCmdList.cmake → cmdlist_gen.c), and completion of a command
 * line's first word (names) and later words (the flags of its usage). */
#ifndef VIGIL_TUI_CMDLIST_H
#define VIGIL_TUI_CMDLIST_H

#include <stddef.h>

#define CMDLIST_MAX_FLAGS 8
#define CMDLIST_FLAG_BYTES 24

struct cmdlist_entry {
  const char *name;
  const char *usage; /* "file_get [-o OFFSET] [-s MAXSIZE] PATH" */
};

extern const struct cmdlist_entry cmdlist_table[];
extern const size_t cmdlist_count;

/* The row named name (the whole first word), or NULL. */
const struct cmdlist_entry *cmdlist_find(const char *name, size_t len);
/* The flags ("-o", "--pattern") of a usage string, in order, without
 * repeats; returns how many (at most max). */
int cmdlist_flags(const char *usage, char flags[][CMDLIST_FLAG_BYTES], int max);

/* Completion for input.h: candidates for the word before cur in text. The
 * strings live in ctx (a struct cmdlist_completion) until the next call. */
struct cmdlist_completion {
  char flags[CMDLIST_MAX_FLAGS][CMDLIST_FLAG_BYTES];
};
int cmdlist_complete(void *ctx, const char *text, size_t cur, size_t *start, const char **cands,
                     int max);

#endif
