/* tabs.h — the Live View tabs (tab_<name>.c), each a struct view whose
 * parent is the Live View (view_live.h gives it the sensor). */
#ifndef VIGIL_TUI_TABS_H
#define VIGIL_TUI_TABS_H

#include "tui/view.h"

enum { LIVE_TAB_INFO, LIVE_TAB_TELEMETRY, LIVE_TAB_CONSOLE, LIVE_TAB_STREAM,
       LIVE_TAB_PROCESSES, LIVE_TAB_FILES, LIVE_TABS };

struct view *tab_info_create(struct app *a, struct view *live);
struct view *tab_telemetry_create(struct app *a, struct view *live);
struct view *tab_console_create(struct app *a, struct view *live);
struct view *tab_stream_create(struct app *a, struct view *live);
struct view *tab_processes_create(struct app *a, struct view *live);
struct view *tab_files_create(struct app *a, struct view *live);

#endif
