/* input.h — the one-line editor used for the filter, the palette, prompts
 * and the Live View console: UTF-8 text, a cursor, an optional history and
 * completion. */
#ifndef VIGIL_TUI_INPUT_H
#define VIGIL_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/action.h"
#include "tui/canvas.h"

#define INPUT_BYTES 4096 /* = a task command line */

struct history;

struct input {
  char label[64];     /* "/", ":", "tag> " */
  char buf[INPUT_BYTES];
  size_t len, cur;    /* bytes; cur is at a character boundary */
  struct history *hist; /* may be NULL */
  int hist_pos;       /* -1 = editing a new line */
  char saved[INPUT_BYTES]; /* the new line while browsing history */
  /* Completion: fills up to max candidates for the text before the cursor
   * and returns how many; *start gets the byte offset of the word replaced. */
  int (*complete)(void *ctx, const char *text, size_t cur, size_t *start,
                  const char **cands, int max);
  void *complete_ctx;
  char note[256];     /* shown after the line: completion candidates */
};

void input_init(struct input *in, const char *label, const char *text);
/* Apply an input-context action; true if it was one. */
bool input_action(struct input *in, enum action act);
/* Insert a typed character (code point). */
void input_insert(struct input *in, int cp);
/* Draw label + text in row y of width w; places the canvas cursor. */
void input_draw(const struct input *in, struct canvas *c, int x, int y, int w);

#endif
