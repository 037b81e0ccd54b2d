/* list.c — list selection and scrolling. */
#include "tui/list.h"

bool list_action(struct list_state *l, enum action act) {
  int page = l->page > 1 ? l->page - 1 : 1;
  switch (act) {
  case ACT_UP: l->sel--; break;
  case ACT_DOWN: l->sel++; break;
  case ACT_PAGE_UP: l->sel -= page; break;
  case ACT_PAGE_DOWN: l->sel += page; break;
  case ACT_TOP: l->sel = 0; break;
  case ACT_BOTTOM: l->sel = l->n - 1; break;
  default: return false;
  }
  if (l->sel >= l->n) l->sel = l->n - 1;
  if (l->sel < 0) l->sel = 0;
  return true;
}

void list_fit(struct list_state *l, int height) {
  if (height < 1) height = 1;
  l->page = height;
  if (l->sel >= l->n) l->sel = l->n - 1;
  if (l->sel < 0) l->sel = 0;
  if (l->sel < l->top) l->top = l->sel;
  if (l->sel >= l->top + height) l->top = l->sel - height + 1;
  if (l->top > l->n - height) l->top = l->n - height;
  if (l->top < 0) l->top = 0;
}
