/* store_part.c — the map of event partitions (one column family per UTC day
 * of event time): lookup, creation on demand, dropping for retention. */
#include <stdlib.h>
#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/alloc.h"

size_t store_part_lower(const struct store *s, int32_t day) {
  size_t lo = 0, hi = s->nparts;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->parts[mid].day < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

rocksdb_column_family_handle_t *store_part_find(const struct store *s, int32_t day) {
  size_t i = store_part_lower(s, day);
  return i < s->nparts && s->parts[i].day == day ? s->parts[i].cf : NULL;
}

void store_part_add(struct store *s, int32_t day, rocksdb_column_family_handle_t *cf) {
  if (s->nparts == s->capparts) {
    s->capparts = s->capparts ? s->capparts * 2 : 64;
    s->parts = vg_xreallocarray(s->parts, s->capparts, sizeof(*s->parts));
  }
  size_t i = store_part_lower(s, day);
  memmove(s->parts + i + 1, s->parts + i, (s->nparts - i) * sizeof(*s->parts));
  s->parts[i] = (struct store_part){.day = day, .cf = cf};
  s->nparts++;
}

int store_part_ensure(struct store *s, int32_t day, struct vg_err *err) {
  pthread_rwlock_rdlock(&s->lock);
  bool have = store_part_find(s, day) != NULL;
  pthread_rwlock_unlock(&s->lock);
  if (have) return 0;
  int r = 0;
  pthread_rwlock_wrlock(&s->lock);
  if (!store_part_find(s, day)) {
    char name[32], *dberr = NULL;
    store_keys_part_name(day, name, sizeof(name));
    rocksdb_column_family_handle_t *cf =
        rocksdb_create_column_family(s->db, s->ev_opts, name, &dberr);
    if (dberr)
      r = store_db_fail(err, dberr, name);
    else
      store_part_add(s, day, cf);
  }
  pthread_rwlock_unlock(&s->lock);
  return r;
}

int store_part_drop_before(struct store *s, int32_t before_day, struct vg_err *err) {
  int dropped = 0, r = 0;
  pthread_rwlock_wrlock(&s->lock);
  while (s->nparts > 0 && s->parts[0].day < before_day) {
    char *dberr = NULL;
    rocksdb_drop_column_family(s->db, s->parts[0].cf, &dberr);
    if (dberr) {
      r = store_db_fail(err, dberr, "drop partition");
      break;
    }
    rocksdb_column_family_handle_destroy(s->parts[0].cf);
    memmove(s->parts, s->parts + 1, (s->nparts - 1) * sizeof(*s->parts));
    s->nparts--;
    dropped++;
  }
  pthread_rwlock_unlock(&s->lock);
  return r < 0 ? r : dropped;
}

void store_part_free_all(struct store *s) {
  for (size_t i = 0; i < s->nparts; i++) rocksdb_column_family_handle_destroy(s->parts[i].cf);
  free(s->parts);
  s->parts = NULL;
  s->nparts = s->capparts = 0;
}
