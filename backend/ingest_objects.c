/* ingest_objects.c — extract the indexed objects of an event (ingest_objects.h). */
#include "backend/ingest_objects.h"

#include <string.h>

#include "backend/store_objects.h"
#include "shared/event_scan.h"
#include "shared/json_scan.h"
#include "shared/limits.h"

static const struct {
  const char *key; /* with its quotes */
  size_t len;
  enum store_obj_type type;
} keys[] = {
  {"\"DOMAIN_NAME\"", 13, STORE_OBJ_DOMAIN}, {"\"IP_ADDRESS\"", 12, STORE_OBJ_IP},
  {"\"HASH\"", 6, STORE_OBJ_HASH},           {"\"FILE_PATH\"", 11, STORE_OBJ_FILE_PATH},
  {"\"USER_NAME\"", 11, STORE_OBJ_USER},
};

static void add(struct store_event *se, enum store_obj_type t, const char *p, size_t off,
                size_t len, bool esc) {
  if (se->nobjs >= STORE_EVENT_OBJECTS || len <= 2) return;
  if (!esc) {
    se->objs[se->nobjs].hash = store_objects_hash(t, p + off + 1, len - 2);
  } else {
    char buf[VG_LIMIT_EXPR_STR_BYTES + 1];
    size_t dl;
    struct vg_jval v = {VG_J_STRING, off, len, true, 0};
    if (vg_jscan_string(p, &v, buf, sizeof(buf), &dl)) return; /* too long to be an object */
    se->objs[se->nobjs].hash = store_objects_hash(t, buf, dl);
  }
  se->objs[se->nobjs++].type = (uint8_t)t;
}

static bool key_is(const char *p, const struct vg_jval *k, const char *quoted, size_t len) {
  return k->len == len && memcmp(p + k->off, quoted, len) == 0;
}

/* A connection's endpoint (SOURCE or DESTINATION of NEW_TCP4_CONNECTION and
 * the like: {"IP_ADDRESS": ..., "PORT": ...}): its IP address is indexed. */
static void endpoint(struct store_event *se, const char *p, const struct vg_jval *v) {
  struct vg_jscan s;
  vg_jscan_init(&s);
  vg_jscan_reset(&s, p + v->off, v->len, VG_LIMIT_JSON_DEPTH, NULL);
  uint32_t obj;
  struct vg_jval k, x;
  if (vg_jscan_open(&s, '{', &obj) == 0)
    while (vg_jscan_next_member(&s, obj, &k, &x) == 1)
      if (x.type == VG_J_STRING && key_is(p + v->off, &k, "\"IP_ADDRESS\"", 12))
        add(se, STORE_OBJ_IP, p + v->off, x.off, x.len, x.escaped);
  vg_jscan_cleanup(&s);
}

/* One payload member: indexed if its key is one of keys[] and its value a
 * string; an object under SOURCE or DESTINATION is an endpoint. */
static void member(struct store_event *se, const char *p, const struct vg_jval *k,
                   const struct vg_jval *v) {
  if (v->type == VG_J_OBJECT) {
    if (key_is(p, k, "\"SOURCE\"", 8) || key_is(p, k, "\"DESTINATION\"", 13)) endpoint(se, p, v);
    return;
  }
  if (v->type != VG_J_STRING) return;
  for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
    if (key_is(p, k, keys[j].key, keys[j].len)) add(se, keys[j].type, p, v->off, v->len, v->escaped);
}

void ingest_objects_extract(const char *p, size_t n, struct store_event *se) {
  se->nobjs = 0;
  struct vg_jscan s;
  vg_jscan_init(&s);
  vg_jscan_reset(&s, p, n, VG_LIMIT_JSON_DEPTH, NULL);
  uint32_t obj;
  struct vg_jval k, v;
  if (vg_jscan_open(&s, '{', &obj) == 0)
    while (vg_jscan_next_member(&s, obj, &k, &v) == 1) member(se, p, &k, &v);
  vg_jscan_cleanup(&s);
}

void ingest_objects_from_span(const char *data, const struct vg_event_span *sp,
                              struct store_event *se) {
  if (sp->str_more) {
    ingest_objects_extract(data + sp->ev_off, sp->ev_len, se);
    return;
  }
  se->nobjs = 0;
  for (size_t m = 0; m < sp->nstr; m++) member(se, data, &sp->str[m].key, &sp->str[m].val);
}
