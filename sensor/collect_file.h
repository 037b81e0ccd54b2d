/* collect_file.h — the fanotify file collector (collect_file.c). Its start
 * creates ctx->docs and ctx->fim when they are NULL (and its stop frees
 * them and sets them back to NULL): commands that use them must have
 * stopped before the collector stops. */
#ifndef VIGIL_SENSOR_COLLECT_FILE_H
#define VIGIL_SENSOR_COLLECT_FILE_H

#include "sensor/sensor.h"

extern const char *const collect_file_events[];
/* 0, -VG_EUNSUPPORTED (no fanotify with FAN_REPORT_DFID_NAME, or no
 * filesystem accepts a mark), -VG_EPERM (not root). */
int collect_file_start(struct sensor_ctx *ctx, void **state, struct vg_err *err);
void collect_file_stop(void *state);

#endif
