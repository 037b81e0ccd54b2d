/* sensor_sim_fs.h — answer a simulated sensor's tasks from this host's real
 * files and processes (file_info, dir_list, dir_find_hash, yara_scan) on a
 * thread of its own, until stopped. sensor_sim_fs.c lists the reply shapes. */
#ifndef VIGIL_SENSOR_SIM_FS_H
#define VIGIL_SENSOR_SIM_FS_H

#include <stdint.h>

#include "tests/harness/sensor_sim.h"

struct sensor_sim_fs;

/* Start answering s's tasks (s must be connected); batches from first_seq. */
struct sensor_sim_fs *sensor_sim_fs_start(struct sensor_sim *s, uint64_t first_seq);
/* Tasks answered so far. */
int sensor_sim_fs_answered(struct sensor_sim_fs *f);
/* Stop and join (before disconnecting s). NULL is a no-op. */
void sensor_sim_fs_stop(struct sensor_sim_fs *f);

#endif
