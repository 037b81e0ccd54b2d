/* view_palette.h — the command palette: type to narrow the action table,
 * Enter runs the selected action on the view below. */
#ifndef VIGIL_TUI_VIEW_PALETTE_H
#define VIGIL_TUI_VIEW_PALETTE_H

#include "tui/view.h"

struct view *view_palette_create(struct app *a);
/* Open its input line (after it was pushed). */
void view_palette_start(struct view *v, struct app *a);

#endif
