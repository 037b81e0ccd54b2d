/* fim.h — file integrity monitoring patterns: globs (fnmatch(3) without
 * FNM_PATHNAME, so '*' also crosses '/') over absolute paths. A created,
 * modified, renamed or deleted file whose path matches gives FIM_HIT.
 * Persisted one pattern per line in <state_dir>/fim.patterns (written to a
 * temporary file and renamed). Thread-safe (one mutex). */
#ifndef VIGIL_SENSOR_FIM_H
#define VIGIL_SENSOR_FIM_H

#include <jansson.h>
#include <stdbool.h>

#include "shared/err.h"

struct sensor_fim;

/* Load the patterns of state_dir (NULL: in memory only; a missing file is an
 * empty set). Bad lines are skipped with a warning. Never NULL. */
struct sensor_fim *fim_create(const char *state_dir);
void fim_free(struct sensor_fim *f); /* NULL is a no-op */

/* Add / remove one pattern and persist. 0; -VG_EINVAL (empty, not starting
 * with '/' or '*', a control character), -VG_ELIMIT (too long, too many),
 * -VG_EEXIST (already there), -VG_ENOTFOUND (fim_del of an unknown one),
 * -VG_EIO (could not persist; the change is kept in memory). err names it. */
int fim_add(struct sensor_fim *f, const char *pattern, struct vg_err *err);
int fim_del(struct sensor_fim *f, const char *pattern, struct vg_err *err);

/* The first pattern path matches, copied into out (n bytes); false if none.
 * Cheap when no pattern is set. */
bool fim_match(struct sensor_fim *f, const char *path, char *out, size_t n);

/* A new JSON array of the patterns, in the order they were added. */
json_t *fim_list(struct sensor_fim *f);

#endif
