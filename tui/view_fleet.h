/* view_fleet.h — the fleet: every sensor of the organisation with hostname,
 * platform, online state, last seen, IPs, tags and isolation; sort, text
 * filter, tag filter; polled (sensors.list) every FLEET_POLL_MS; Enter opens
 * the Live View. */
#ifndef VIGIL_TUI_VIEW_FLEET_H
#define VIGIL_TUI_VIEW_FLEET_H

#include "tui/view.h"

#define FLEET_POLL_MS 2000

enum { VIEW_FLEET_TAG_LIST = 1 }; /* result: a sensors.list page */

struct view *view_fleet_create(struct app *a);

#endif
