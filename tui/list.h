/* list.h — selection and scrolling shared by every list and scrollable pane. */
#ifndef VIGIL_TUI_LIST_H
#define VIGIL_TUI_LIST_H

#include <stdbool.h>

#include "tui/action.h"

struct list_state {
  int n;   /* rows */
  int sel; /* selected row, 0 when empty */
  int top; /* first row shown */
  int page; /* rows shown last time drawn (page-up/down step) */
};

/* Apply a movement action; true if it was one. */
bool list_action(struct list_state *l, enum action act);
/* Clamp sel to n and scroll so sel is visible in height rows. */
void list_fit(struct list_state *l, int height);

#endif
