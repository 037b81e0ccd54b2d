/* view_help.h — the help screen, generated from the action table and the
 * loaded keymap: every action with its keys and description, grouped by the
 * context it belongs to; `/` filters. */
#ifndef VIGIL_TUI_VIEW_HELP_H
#define VIGIL_TUI_VIEW_HELP_H

#include "tui/view.h"

struct view *view_help_create(struct app *a);

#endif
