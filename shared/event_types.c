/* event_types.c — the event-type registry table, its name index, and type
 * name validation. */
#include "shared/event_types.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shared/hash.h"
#include "shared/limits.h"

static const struct vg_event_type type_table[] = {
#define VG_EVENT_TYPE_ROW(id, name, flags, cmd) {id, #name, flags, cmd},
    VG_EVENT_TYPES(VG_EVENT_TYPE_ROW)
#undef VG_EVENT_TYPE_ROW
};

#define TYPE_COUNT (sizeof(type_table) / sizeof(type_table[0]))

/* Names → types: an open-addressing table (vg_hash64 of the name), built
 * once. Ingest looks up every event's type here: one hash and, nearly
 * always, one strcmp (a binary search took seven). */
#define TYPE_SLOTS 256 /* a power of two, at least twice TYPE_COUNT */
_Static_assert(TYPE_SLOTS >= 2 * TYPE_COUNT, "type name table too small");
static const struct vg_event_type *type_slots[TYPE_SLOTS];
static pthread_once_t type_index_once = PTHREAD_ONCE_INIT;

static size_t name_hash(const char *name) { return (size_t)vg_hash64(name, strlen(name)); }

static void type_index_build(void) {
  for (size_t i = 0; i < TYPE_COUNT; i++) {
    size_t j = name_hash(type_table[i].name) & (TYPE_SLOTS - 1);
    while (type_slots[j]) j = (j + 1) & (TYPE_SLOTS - 1);
    type_slots[j] = &type_table[i];
  }
}

const struct vg_event_type *vg_event_type_table(size_t *n) {
  if (n) *n = TYPE_COUNT;
  return type_table;
}

const struct vg_event_type *vg_event_type_by_name(const char *name) {
  if (!name) return NULL;
  pthread_once(&type_index_once, type_index_build);
  for (size_t j = name_hash(name) & (TYPE_SLOTS - 1); type_slots[j];
       j = (j + 1) & (TYPE_SLOTS - 1))
    if (strcmp(type_slots[j]->name, name) == 0) return type_slots[j];
  return NULL;
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
