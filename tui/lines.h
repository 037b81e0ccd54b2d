/* lines.h — a scrollable pane of text lines built from replies: plain text,
 * pretty-printed JSON (highlighted by role when drawn) and tables made from
 * arrays of objects. The Console, Stream detail and Processes panes use it.
 * Each line remembers which item (a reply, a block) it belongs to, so a key
 * on a line can act on its item (fold, open). */
#ifndef VIGIL_TUI_LINES_H
#define VIGIL_TUI_LINES_H

#include <jansson.h>
#include <stdbool.h>

#include "tui/canvas.h"
#include "tui/list.h"

#define LINES_MAX 200000       /* lines in one pane; more are cut with a note */
#define LINES_CELL_MAX 48      /* widest table column but the last */
#define LINES_TABLE_SAMPLE 500 /* rows looked at to size the columns */

enum { LINE_TEXT, LINE_JSON };

struct line {
  char *text;
  unsigned char role, kind;
  int item, sub; /* whose line: the caller's numbering */
};

struct lines {
  struct line *v;
  int n, cap;
  bool cut; /* LINES_MAX was reached */
};

void lines_clear(struct lines *ls);
void lines_add(struct lines *ls, enum role role, int item, int sub, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* j pretty-printed (2-space indent, member order kept), each line indented. */
void lines_json(struct lines *ls, const json_t *j, int indent, int item, int sub);
/* One line: j compact, cut to max bytes. */
void lines_json_compact(struct lines *ls, const json_t *j, int indent, int item, int sub);
/* rows (an array of objects) as a table fitting width columns: a header of
 * the scalar members of the first row, then one line per row. */
void lines_table(struct lines *ls, const json_t *rows, int width, int indent, int item, int sub);
/* True if o has a member that is a non-empty array of objects; *name and
 * *rows get the first such (borrowed). */
bool lines_find_list(const json_t *o, const char **name, json_t **rows);
/* Draw from l->top in r; the selected row (l->sel) highlighted if show_sel. */
void lines_draw(const struct lines *ls, struct canvas *c, struct rect r, struct list_state *l,
                bool show_sel);
/* One JSON line with roles (keys, strings, numbers). */
void lines_draw_json(struct canvas *c, int x, int y, int w, const char *text, bool selected);

#endif
