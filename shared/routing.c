/* routing.c — validate routing objects and convert them to/from struct
 * vg_routing. One field table drives check, get and set. */
#include "shared/routing.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "shared/event_types.h"

enum rt_kind { RT_UUID, RT_STR, RT_TYPE, RT_TIME, RT_IP, RT_U32, RT_ATOM, RT_TAGS };

struct rt_field {
  const char *key;
  unsigned bit;
  enum rt_kind kind;
  size_t off; /* of the member in struct vg_routing */
  size_t cap; /* char arrays: sizeof the member (with the NUL); else 0 */
};

#define RT_MEMBER_SIZE(m) sizeof(((struct vg_routing *)0)->m)
#define RT_S(key, bit, kind, m) {key, bit, kind, offsetof(struct vg_routing, m), RT_MEMBER_SIZE(m)}
#define RT_N(key, bit, kind, m) {key, bit, kind, offsetof(struct vg_routing, m), 0}

static const struct rt_field rt_fields[] = {
    RT_S("oid", VG_RT_OID, RT_UUID, oid),
    RT_S("sid", VG_RT_SID, RT_UUID, sid),
    RT_S("iid", VG_RT_IID, RT_UUID, iid),
    RT_S("hostname", VG_RT_HOSTNAME, RT_STR, hostname),
    RT_S("event_type", VG_RT_EVENT_TYPE, RT_TYPE, event_type),
    RT_N("event_time", VG_RT_EVENT_TIME, RT_TIME, event_time),
    RT_S("event_id", VG_RT_EVENT_ID, RT_UUID, event_id),
    RT_S("int_ip", VG_RT_INT_IP, RT_IP, int_ip),
    RT_S("ext_ip", VG_RT_EXT_IP, RT_IP, ext_ip),
    RT_N("plat", VG_RT_PLAT, RT_U32, plat),
    RT_N("arch", VG_RT_ARCH, RT_U32, arch),
    RT_S("this", VG_RT_THIS, RT_ATOM, this_atom),
    RT_S("parent", VG_RT_PARENT, RT_ATOM, parent_atom),
    RT_S("target", VG_RT_TARGET, RT_ATOM, target_atom),
    RT_S("investigation_id", VG_RT_INVESTIGATION_ID, RT_STR, investigation_id),
    RT_N("tags", VG_RT_TAGS, RT_TAGS, tags),
    RT_N("moduleid", VG_RT_MODULEID, RT_U32, moduleid),
};

#define RT_COUNT (sizeof(rt_fields) / sizeof(rt_fields[0]))
#define RT_REQUIRED (VG_RT_EVENT_TYPE | VG_RT_EVENT_TIME)

static const struct rt_field *rt_find(const char *key) {
  /* every routing key of every event comes here: the first byte rules out
   * most fields without a call */
  for (size_t i = 0; i < RT_COUNT; i++)
    if (rt_fields[i].key[0] == key[0] && strcmp(rt_fields[i].key, key) == 0) return &rt_fields[i];
  return NULL;
}

static int rt_fail(struct vg_err *e, int code, const struct rt_field *f, const char *what) {
  return vg_err_fail(e, code, "routing/%s: %s", f->key, what);
}

/* The checks of one value, whatever it was read from (a jansson tree or the
 * scanner): an integer, a string of len bytes, or tag i. Store into out when
 * out is not NULL. */
static int rt_put_int(const struct rt_field *f, int64_t n, struct vg_routing *out,
                      struct vg_err *e) {
  if (f->kind != RT_TIME && f->kind != RT_U32) {
    return rt_fail(e, VG_ETYPE, f, f->kind == RT_TAGS ? "expected an array of strings"
                                                      : "expected a string");
  }
  if (n < 0) return rt_fail(e, VG_ERANGE, f, "negative");
  if (f->kind == RT_U32 && n > (int64_t)UINT32_MAX)
    return rt_fail(e, VG_ERANGE, f, "larger than 4294967295");
  char *dst = out ? (char *)out + f->off : NULL;
  if (dst && f->kind == RT_TIME) *(int64_t *)(void *)dst = n;
  if (dst && f->kind == RT_U32) *(uint32_t *)(void *)dst = (uint32_t)n;
  return 0;
}

static int rt_ip_valid(const char *s) {
  unsigned char addr[16];
  return s[0] == '\0' || inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

static int rt_put_str(const struct rt_field *f, const char *s, size_t len, struct vg_routing *out,
                      struct vg_err *e) {
  if (f->kind == RT_TIME || f->kind == RT_U32) return rt_fail(e, VG_ETYPE, f, "expected an integer");
  if (f->kind == RT_TAGS) return rt_fail(e, VG_ETYPE, f, "expected an array of strings");
  if (len >= f->cap) return rt_fail(e, VG_ELIMIT, f, "string too long");
  if (strlen(s) != len) return rt_fail(e, VG_ESCHEMA, f, "string contains NUL");
  switch (f->kind) {
    case RT_UUID:
      if (!vg_atom_uuid_valid(s)) return rt_fail(e, VG_ESCHEMA, f, "not a lower-case UUID");
      break;
    case RT_ATOM:
      if (!vg_atom_valid(s)) return rt_fail(e, VG_ESCHEMA, f, "not an atom (32 lower-case hex)");
      break;
    case RT_TYPE:
      if (!vg_event_type_valid_name(s)) return rt_fail(e, VG_ESCHEMA, f, "not a valid event type");
      break;
    case RT_IP:
      if (!rt_ip_valid(s)) return rt_fail(e, VG_ESCHEMA, f, "not an IPv4/IPv6 address");
      break;
    default:
      break;
  }
  if (out) memcpy((char *)out + f->off, s, len + 1);
  return 0;
}

static int rt_put_tag(const struct rt_field *f, size_t i, const char *s, size_t len,
                      struct vg_routing *out, struct vg_err *e) {
  if (i >= VG_LIMIT_TAGS) return rt_fail(e, VG_ELIMIT, f, "too many tags");
  if (len > VG_LIMIT_TAG_BYTES) return rt_fail(e, VG_ELIMIT, f, "string too long");
  if (strlen(s) != len) return rt_fail(e, VG_ESCHEMA, f, "string contains NUL");
  if (len == 0) return rt_fail(e, VG_ESCHEMA, f, "empty tag");
  if (out) memcpy(out->tags[i], s, len + 1);
  return 0;
}

static int rt_tags(const struct rt_field *f, const json_t *v, struct vg_routing *out,
                   struct vg_err *e) {
  if (!json_is_array(v)) return rt_fail(e, VG_ETYPE, f, "expected an array of strings");
  size_t n = json_array_size(v);
  if (n > VG_LIMIT_TAGS) return rt_fail(e, VG_ELIMIT, f, "too many tags");
  for (size_t i = 0; i < n; i++) {
    const json_t *t = json_array_get(v, i);
    if (!json_is_string(t)) return rt_fail(e, VG_ETYPE, f, "expected a string");
    int r = rt_put_tag(f, i, json_string_value(t), json_string_length(t), out, e);
    if (r) return r;
  }
  if (out) out->ntags = n;
  return 0;
}

/* Validate one value; store it into out when out is not NULL. */
static int rt_value(const struct rt_field *f, const json_t *v, struct vg_routing *out,
                    struct vg_err *e) {
  if (f->kind == RT_TAGS) return rt_tags(f, v, out, e);
  if (json_is_integer(v)) return rt_put_int(f, (int64_t)json_integer_value(v), out, e);
  if (json_is_string(v)) return rt_put_str(f, json_string_value(v), json_string_length(v), out, e);
  return rt_fail(e, VG_ETYPE, f,
                 f->kind == RT_TIME || f->kind == RT_U32 ? "expected an integer" : "expected a string");
}

/* Tags from the scanner: the array v of src, already validated JSON. */
static int rt_scan_tags(const struct rt_field *f, const char *src, const struct vg_jval *v,
                        struct vg_routing *out, struct vg_err *e) {
  if (v->type != VG_J_ARRAY) return rt_fail(e, VG_ETYPE, f, "expected an array of strings");
  size_t i = v->off + 1, end = v->off + v->len - 1, n = 0;
  char buf[VG_LIMIT_TAG_BYTES + 2];
  for (;;) {
    while (i < end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n' ||
                       src[i] == ','))
      i++;
    if (i >= end) break;
    if (src[i] != '"') return rt_fail(e, VG_ETYPE, f, "expected a string");
    size_t j = i + 1;
    bool esc = false;
    for (; src[j] != '"'; j++) /* validated: terminates */
      if (src[j] == '\\') esc = true, j++;
    struct vg_jval t = {VG_J_STRING, i, j + 1 - i, esc, 0};
    size_t len;
    if (vg_jscan_string(src, &t, buf, sizeof(buf), &len)) return rt_fail(e, VG_ELIMIT, f, "string too long");
    int r = rt_put_tag(f, n++, buf, len, out, e);
    if (r) return r;
    i = j + 1;
  }
  if (out) out->ntags = n;
  return 0;
}

#define RT_KEY_MAX 32 /* longer than any routing key: such a key is not one */
#define RT_STR_MAX 512 /* above every string field's cap: longer is "too long" */
_Static_assert(VG_LIMIT_HOSTNAME_BYTES < RT_STR_MAX && VG_LIMIT_INVESTIGATION_ID_BYTES < RT_STR_MAX,
               "routing string fields must fit RT_STR_MAX");

int vg_routing_put_scanned(struct vg_routing *r, const char *src, const struct vg_jval *key,
                           const struct vg_jval *val, struct vg_err *e) {
  char k[RT_KEY_MAX + 1];
  if (vg_jscan_string(src, key, k, sizeof(k), NULL)) return 0;
  const struct rt_field *f = rt_find(k);
  if (!f) return 0;
  int rc;
  if (f->kind == RT_TAGS) {
    rc = rt_scan_tags(f, src, val, r, e);
  } else if (val->type == VG_J_INT) {
    rc = rt_put_int(f, val->n, r, e);
  } else if (val->type == VG_J_STRING) {
    char s[RT_STR_MAX + 1];
    size_t len;
    if (vg_jscan_string(src, val, s, sizeof(s), &len)) return rt_fail(e, VG_ELIMIT, f, "string too long");
    rc = rt_put_str(f, s, len, r, e);
  } else {
    rc = rt_fail(e, VG_ETYPE, f,
                 f->kind == RT_TIME || f->kind == RT_U32 ? "expected an integer" : "expected a string");
  }
  if (rc) return rc;
  r->present |= f->bit;
  return (int)f->bit;
}

int vg_routing_require(const struct vg_routing *r, struct vg_err *e) {
  if (!(r->present & VG_RT_EVENT_TYPE)) return vg_err_fail(e, VG_EMISSING, "routing/event_type: missing");
  if (!(r->present & VG_RT_EVENT_TIME)) return vg_err_fail(e, VG_EMISSING, "routing/event_time: missing");
  return 0;
}

static int rt_walk(const json_t *routing, struct vg_routing *out, struct vg_err *e) {
  if (!json_is_object(routing)) return vg_err_fail(e, VG_ETYPE, "routing: expected an object");
  unsigned seen = 0;
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)routing, key, v) {
    const struct rt_field *f = rt_find(key);
    if (!f) continue;
    int r = rt_value(f, v, out, e);
    if (r) return r;
    seen |= f->bit;
  }
  if (!(seen & VG_RT_EVENT_TYPE)) return vg_err_fail(e, VG_EMISSING, "routing/event_type: missing");
  if (!(seen & VG_RT_EVENT_TIME)) return vg_err_fail(e, VG_EMISSING, "routing/event_time: missing");
  if (out) out->present = seen;
  return 0;
}

/* Everything but the tag strings: those past ntags are never read. */
void vg_routing_init(struct vg_routing *r) {
  memset(r, 0, offsetof(struct vg_routing, tags));
  r->moduleid = 0;
}

int vg_routing_check(const json_t *routing, struct vg_err *e) { return rt_walk(routing, NULL, e); }

int vg_routing_get(const json_t *event, struct vg_routing *r, struct vg_err *e) {
  if (!json_is_object(event)) return vg_err_fail(e, VG_ETYPE, "event: expected an object");
  const json_t *routing = json_object_get(event, "routing");
  if (!routing) return vg_err_fail(e, VG_EMISSING, "routing: missing");
  vg_routing_init(r);
  return rt_walk(routing, r, e);
}

/* The JSON value of field f in r; NULL if a string is unterminated or not
 * UTF-8 (jansson refuses those) or the tag count is out of range. */
static json_t *rt_build(const struct rt_field *f, const struct vg_routing *r) {
  const char *src = (const char *)r + f->off;
  switch (f->kind) {
    case RT_TIME:
      return json_integer((json_int_t)r->event_time);
    case RT_U32:
      return json_integer((json_int_t) * (const uint32_t *)(const void *)src);
    case RT_TAGS: {
      if (r->ntags > VG_LIMIT_TAGS) return NULL;
      json_t *a = json_array();
      for (size_t i = 0; a && i < r->ntags; i++) {
        size_t n = strnlen(r->tags[i], sizeof(r->tags[i]));
        json_t *s = n < sizeof(r->tags[i]) ? json_stringn(r->tags[i], n) : NULL;
        if (!s || json_array_append_new(a, s)) {
          json_decref(a);
          return NULL;
        }
      }
      return a;
    }
    default: {
      size_t n = strnlen(src, f->cap);
      return n < f->cap ? json_stringn(src, n) : NULL;
    }
  }
}

int vg_routing_set(json_t *event, const struct vg_routing *r, unsigned fields, struct vg_err *e) {
  if (!json_is_object(event) || !r) return vg_err_fail(e, VG_EINVAL, "event: expected an object");
  json_t *vals[RT_COUNT] = {0};
  int rc = 0;
  for (size_t i = 0; i < RT_COUNT && !rc; i++) {
    const struct rt_field *f = &rt_fields[i];
    if (!(fields & f->bit)) continue;
    if (!(r->present & f->bit)) {
      if (f->bit & RT_REQUIRED) rc = rt_fail(e, VG_EMISSING, f, "required, cannot be removed");
      continue;
    }
    vals[i] = rt_build(f, r);
    if (!vals[i]) rc = rt_fail(e, VG_ESCHEMA, f, "not a valid string (unterminated or not UTF-8)");
    else rc = rt_value(f, vals[i], NULL, e);
  }
  json_t *routing = json_object_get(event, "routing");
  if (!rc && routing && !json_is_object(routing))
    rc = vg_err_fail(e, VG_ETYPE, "routing: expected an object");
  if (rc) {
    for (size_t i = 0; i < RT_COUNT; i++) json_decref(vals[i]);
    return rc;
  }
  if (!routing) {
    routing = json_object();
    if (!routing || json_object_set_new(event, "routing", routing)) abort(); /* OOM */
  }
  for (size_t i = 0; i < RT_COUNT; i++) {
    if (!(fields & rt_fields[i].bit)) continue;
    if (vals[i]) {
      if (json_object_set_new(routing, rt_fields[i].key, vals[i])) abort(); /* OOM */
    } else {
      json_object_del(routing, rt_fields[i].key);
    }
  }
  return 0;
}
