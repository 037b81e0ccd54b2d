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

static size_t skip_ws(const char *p, size_t i, size_t n) {
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
  return i;
}

/* Past the string starting at p[i] == '"'; *esc set if it holds an escape. */
static size_t skip_str(const char *p, size_t i, size_t n, bool *esc) {
  for (i++; i < n; i++) {
    if (p[i] == '\\') {
      *esc = true;
      i++;
    } else if (p[i] == '"') {
      return i + 1;
    }
  }
  return n;
}

/* Past the value at p[i] (already valid JSON). */
static size_t skip_value(const char *p, size_t i, size_t n) {
  bool esc = false;
  if (p[i] == '"') return skip_str(p, i, n, &esc);
  if (p[i] != '{' && p[i] != '[') {
    while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']') i++;
    return i;
  }
  int depth = 0;
  for (; i < n; i++) {
    if (p[i] == '"') i = skip_str(p, i, n, &esc) - 1;
    else if (p[i] == '{' || p[i] == '[') depth++;
    else if ((p[i] == '}' || p[i] == ']') && --depth == 0) return i + 1;
  }
  return n;
}

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

void ingest_objects_extract(const char *p, size_t n, struct store_event *se) {
  se->nobjs = 0;
  size_t i = skip_ws(p, 0, n);
  if (i >= n || p[i] != '{') return;
  i++;
  for (;;) {
    i = skip_ws(p, i, n);
    if (i >= n || p[i] != '"') return;
    bool esc = false;
    size_t k = i;
    i = skip_str(p, i, n, &esc);
    size_t klen = i - k;
    i = skip_ws(p, i, n);
    if (i >= n || p[i] != ':') return;
    i = skip_ws(p, i + 1, n);
    if (i >= n) return;
    size_t v = i;
    esc = false;
    if (p[i] == '"') {
      i = skip_str(p, i, n, &esc);
      for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
        if (klen == keys[j].len && memcmp(p + k, keys[j].key, klen) == 0)
          add(se, keys[j].type, p, v, i - v, esc);
    } else {
      i = skip_value(p, i, n);
    }
    i = skip_ws(p, i, n);
    if (i >= n || p[i] != ',') return;
    i++;
  }
}

void ingest_objects_from_span(const char *data, const struct vg_event_span *sp,
                              struct store_event *se) {
  if (sp->str_more) {
    ingest_objects_extract(data + sp->ev_off, sp->ev_len, se);
    return;
  }
  se->nobjs = 0;
  for (size_t m = 0; m < sp->nstr; m++) {
    const struct vg_jval *k = &sp->str[m].key, *v = &sp->str[m].val;
    for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
      if (k->len == keys[j].len && memcmp(data + k->off, keys[j].key, k->len) == 0)
        add(se, keys[j].type, data, v->off, v->len, v->escaped);
  }
}
