/* golden.h — the golden-screen helpers: an app with no backend, a fixed
 * clock and the default keymap, fixtures from tests/tui/fixtures, and the
 * comparison with tests/golden/<name>_<W>x<H>.txt (VIGIL_GOLDEN_UPDATE=1
 * rewrites the files instead; docs/console.md). */
#ifndef VIGIL_TESTS_GOLDEN_H
#define VIGIL_TESTS_GOLDEN_H

#include <jansson.h>

#include "tui/app.h"

#define GOLDEN_NOW_MS 1764340000000LL /* 2025-11-28 14:26:40 UTC */

void golden_app(struct app *a, struct keymap *km);
json_t *golden_fixture(const char *name);
/* Render a at w×h and compare with (or write) tests/golden/<name>_<w>x<h>.txt. */
void golden_check(struct app *a, const char *name, int w, int h);

#endif
