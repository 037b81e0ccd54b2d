/* selection.h — which event types the sensor sends (the rest go to the
 * history ring): the backend's selection (welcome.selection, `selection`
 * messages) plus local additions made with exfil_add (each with an optional
 * expiry). Lifecycle and reply types are always sent. Not thread-safe: the
 * runtime holds its lock around every call. */
#ifndef VIGIL_SENSOR_SELECTION_H
#define VIGIL_SENSOR_SELECTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/err.h"

#define SELECTION_MAX_LOCAL 256 /* exfil_add additions */

struct selection;

/* Until the backend says otherwise, everything is selected. */
struct selection *selection_create(void);
void selection_free(struct selection *s);

/* Replace the backend's part: types is an array of type names (invalid
 * members are ignored), or NULL for "every type". */
void selection_set_backend(struct selection *s, const json_t *types);
/* The backend's part as a new array, or NULL meaning every type. */
json_t *selection_get_backend(const struct selection *s);

/* Add name locally until expire_ms (0 = never). 0, -VG_EINVAL (not a type
 * name), -VG_ELIMIT (SELECTION_MAX_LOCAL reached). */
int selection_local_add(struct selection *s, const char *name, int64_t expire_ms);
/* 0 or -VG_ENOTFOUND. */
int selection_local_del(struct selection *s, const char *name);
/* {"NAME": expiry_ms or 0, …} of the additions live at now_ms (new ref);
 * expired ones are removed. */
json_t *selection_local_get(struct selection *s, int64_t now_ms);

/* True if events of type are sent at now_ms. */
bool selection_wants(struct selection *s, const char *type, int64_t now_ms);

/* True for the types that are sent whatever the selection says: replies,
 * RECEIPT, STARTING_UP, SHUTTING_DOWN, CONNECTED, DATA_DROPPED. */
bool selection_always(const char *type);

#endif
