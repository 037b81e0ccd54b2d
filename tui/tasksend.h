/* tasksend.h — sending a sensor command from a Live View tab (task.send to
 * the tab's sensor) and reading the pushes of its subscription: each reply
 * event, then a final {done, timeout, replies}. docs/api.md, task.send. */
#ifndef VIGIL_TUI_TASKSEND_H
#define VIGIL_TUI_TASKSEND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/view.h"

#define TASKSEND_TIMEOUT_S 60 /* seconds vigild waits for replies */

/* task.send {sid of v's Live View, command, timeout}; the result (with sub)
 * comes to v->ops->result(tag); the caller registers sub (app_sub_register). */
void tasksend(struct app *a, struct view *v, int tag, const char *command, int timeout_s);
/* s quoted for a sensor command line when it needs it ("a b" → "\"a b\""). */
const char *tasksend_quote(const char *s, char *buf, size_t n);
/* The parts of a push: its subscription, its reply event's type and body
 * (borrowed, NULL when the push is not an event), whether it is the final push. */
int64_t tasksend_sub(const json_t *push);
const char *tasksend_type(const json_t *push);
json_t *tasksend_body(const json_t *push);
bool tasksend_done(const json_t *push);
/* vigild ends a task's subscription only at its deadline (it cannot know
 * when a sensor is finished), so the console decides: a push is the last
 * when it is a reply of command's own reply type (shared/event_types.h)
 * without MORE: true, or an error of that type. */
bool tasksend_final(const char *command, const json_t *push);
/* Stop following sub: forget it and ask vigild to close it
 * (stream.unsubscribe works for task subscriptions; its answer comes back
 * with tag TASKSEND_TAG_UNSUB, which the tabs ignore). */
#define TASKSEND_TAG_UNSUB 999
void tasksend_close(struct app *a, struct view *v, int64_t sub);
/* A reply body's error as "ENOTFOUND: /x: No such file", or NULL if ERROR is 0. */
const char *tasksend_error(const json_t *body, char *buf, size_t n);

#endif
