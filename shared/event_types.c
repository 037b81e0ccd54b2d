/* event_types.c — the event-type registry table, its name index, and type
 * name validation. */
#include "shared/event_types.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shared/limits.h"

static const struct vg_event_type type_table[] = {
#define VG_EVENT_TYPE_ROW(id, name, flags, cmd) {id, #name, flags, cmd},
    VG_EVENT_TYPES(VG_EVENT_TYPE_ROW)
#undef VG_EVENT_TYPE_ROW
};

#define TYPE_COUNT (sizeof(type_table) / sizeof(type_table[0]))

/* Pointers into type_table sorted by name, built once. */
static const struct vg_event_type *type_by_name[TYPE_COUNT];
static pthread_once_t type_index_once = PTHREAD_ONCE_INIT;

static int type_cmp_entries(const void *a, const void *b) {
  const struct vg_event_type *const *x = a, *const *y = b;
  return strcmp((*x)->name, (*y)->name);
}

static int type_cmp_key(const void *key, const void *elem) {
  const struct vg_event_type *const *e = elem;
  return strcmp(key, (*e)->name);
}

static void type_index_build(void) {
  for (size_t i = 0; i < TYPE_COUNT; i++) type_by_name[i] = &type_table[i];
  qsort(type_by_name, TYPE_COUNT, sizeof(type_by_name[0]), type_cmp_entries);
}

const struct vg_event_type *vg_event_type_table(size_t *n) {
  if (n) *n = TYPE_COUNT;
  return type_table;
}

const struct vg_event_type *vg_event_type_by_name(const char *name) {
  if (!name) return NULL;
  pthread_once(&type_index_once, type_index_build);
  const struct vg_event_type *const *hit =
      bsearch(name, type_by_name, TYPE_COUNT, sizeof(type_by_name[0]), type_cmp_key);
  return hit ? *hit : NULL;
}

const struct vg_event_type *vg_event_type_by_id(uint32_t id) {
  return id >= 1 && id <= TYPE_COUNT ? &type_table[id - 1] : NULL;
}

const struct vg_event_type *vg_event_type_by_command(const char *command) {
  if (!command) return NULL;
  for (size_t i = 0; i < TYPE_COUNT; i++)
    if (type_table[i].command && strcmp(type_table[i].command, command) == 0)
      return &type_table[i];
  return NULL;
}

uint32_t vg_event_type_id(const char *name) {
  const struct vg_event_type *t = vg_event_type_by_name(name);
  return t ? t->id : 0;
}

const char *vg_event_type_name(uint32_t id) {
  const struct vg_event_type *t = vg_event_type_by_id(id);
  return t ? t->name : NULL;
}

bool vg_event_type_is_reply(uint32_t id) {
  const struct vg_event_type *t = vg_event_type_by_id(id);
  return t && (t->flags & VG_EVENT_TYPE_REPLY);
}

static bool type_upper_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool type_rule_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '.' || c == ':' || c == '-';
}

bool vg_event_type_valid_name(const char *name) {
  if (!name || !name[0]) return false;
  size_t n = strnlen(name, VG_LIMIT_EVENT_TYPE_BYTES + 1);
  if (n > VG_LIMIT_EVENT_TYPE_BYTES) return false;
  if (name[0] == '_') {
    if (n < 2) return false;
    for (size_t i = 1; i < n; i++)
      if (!type_rule_char(name[i])) return false;
    return true;
  }
  for (size_t i = 0; i < n; i++)
    if (!type_upper_char(name[i])) return false;
  return true;
}

bool vg_event_type_is_detection(const char *name) {
  return name && name[0] == '_' && vg_event_type_valid_name(name);
}
