/* view_live.h — the Live View of one sensor: a tab bar (1 Info, 2 Telemetry,
 * 3 Console, 4 Stream, 5 Processes, 6 Files), the active tab below, the
 * sensor record refreshed every LIVE_POLL_MS, and isolate/rejoin (with
 * confirmation) from any tab. */
#ifndef VIGIL_TUI_VIEW_LIVE_H
#define VIGIL_TUI_VIEW_LIVE_H

#include <jansson.h>

#include "tui/view.h"

#define LIVE_POLL_MS 3000

enum { VIEW_LIVE_TAG_SENSOR = 1, VIEW_LIVE_TAG_ISOLATION };

/* sensor (borrowed) is a sensors.list/sensors.get record. */
struct view *view_live_create(struct app *a, const json_t *sensor);
/* The sensor record (borrowed) and its sid, for the tabs. */
const json_t *view_live_sensor(const struct view *live);
const char *view_live_sid(const struct view *live);
/* Replace the record (borrowed, copied), e.g. after a tags call. */
void view_live_set_sensor(struct view *live, const json_t *sensor);
/* The tab view i (0-based) and the active tab index. */
struct view *view_live_tab(struct view *live, int i);
void view_live_select(struct view *live, struct app *a, int i);

#endif
