/* event_scan.c — envelopes and batches through the tree-free scanner. */
#include "shared/event_scan.h"

#include <stdio.h>
#include <string.h>

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* A key equals the literal lit (keys with escapes are decoded first). */
static bool key_is(const char *data, const struct vg_jval *k, const char *lit) {
  size_t n = strlen(lit);
  if (!k->escaped) return k->len == n + 2 && memcmp(data + k->off + 1, lit, n) == 0;
  char buf[16];
  size_t len;
  return vg_jscan_string(data, k, buf, sizeof(buf), &len) == 0 && len == n &&
         memcmp(buf, lit, n) == 0;
}

/* The members of the routing object at the scanner's position, each value
 * validated as JSON, then as routing (the first routing error goes to sub;
 * the scan goes on so that a later syntax error wins, as in the codec). */
static int scan_routing(struct vg_jscan *s, const char *data, struct vg_event_span *sp,
                        struct vg_routing *rt, struct vg_err *sub) {
  uint32_t obj;
  int r = vg_jscan_open(s, '{', &obj);
  if (r) return r;
  struct vg_jval k, v;
  while ((r = vg_jscan_next_member(s, obj, &k, &v)) == 1) {
    if (sp->nmem == VG_LIMIT_ROUTING_KEYS)
      return vg_jscan_fail(s, VG_ELIMIT, k.off, "routing: more than %d keys",
                           VG_LIMIT_ROUTING_KEYS);
    struct vg_err one;
    one.code = 0; /* set in full only on failure */
    int bit = vg_routing_put_scanned(rt, data, &k, &v, &one);
    if (bit < 0) {
      if (!sub->code) *sub = one;
      bit = 0;
    }
    sp->mem[sp->nmem].off = k.off;
    sp->mem[sp->nmem].len = v.off + v.len - k.off;
    sp->mem[sp->nmem++].bit = (unsigned)bit;
  }
  return r;
}

/* The payload object at the scanner's position, validated as any value
 * would be; its top-level string and object members are noted in sp->str
 * for the backend's object index (ingest_objects.c), which then need not
 * walk it again. The object's span goes to out. */
static int scan_payload(struct vg_jscan *s, struct vg_event_span *sp, struct vg_jval *out) {
  size_t start = s->i;
  uint32_t obj;
  int r = vg_jscan_open(s, '{', &obj);
  if (r) return r;
  struct vg_jval k, v;
  while ((r = vg_jscan_next_member(s, obj, &k, &v)) == 1) {
    if (v.type != VG_J_STRING && v.type != VG_J_OBJECT) continue;
    if (sp->nstr == VG_EVENT_SPAN_STRS) {
      sp->str_more = true;
      continue;
    }
    sp->str[sp->nstr].key = k;
    sp->str[sp->nstr++].val = v;
  }
  if (r < 0) return r;
  out->type = VG_J_OBJECT;
  out->off = start;
  out->len = s->i - start;
  out->escaped = false;
  return 0;
}

/* The envelope at the scanner's position (after whitespace). Envelope and
 * routing errors go to sub (without position) and are returned only once the
 * whole envelope scanned: a syntax error anywhere in it wins, as in the codec. */
static int scan_envelope(struct vg_jscan *s, const char *data, struct vg_event_span *sp,
                         struct vg_routing *rt, struct vg_err *sub) {
  memset(sp, 0, offsetof(struct vg_event_span, mem));
  vg_routing_init(rt);
  struct vg_jval k, v;
  if (vg_jscan_at_end(s) || data[s->i] != '{') {
    int r = vg_jscan_value(s, &v); /* a syntax error wins over the type error */
    return r ? r : vg_err_fail(sub, VG_ETYPE, "event envelope: expected an object");
  }
  sp->off = s->i;
  uint32_t obj;
  int r = vg_jscan_open(s, '{', &obj);
  bool have_routing = false, have_event = false, event_obj = false;
  while (!r && (r = vg_jscan_next_key(s, obj, &k)) == 1) {
    r = 0;
    if (key_is(data, &k, "routing")) {
      have_routing = true;
      if (s->i < s->len && data[s->i] == '{') {
        r = scan_routing(s, data, sp, rt, sub);
        continue;
      }
      if (!sub->code) vg_err_fail(sub, VG_ETYPE, "routing: expected an object");
    } else if (key_is(data, &k, "event")) {
      have_event = true;
      if (s->i < s->len && data[s->i] == '{') {
        r = scan_payload(s, sp, &v);
        if (!r) {
          event_obj = true;
          sp->ev_off = v.off;
          sp->ev_len = v.len;
        }
        continue;
      }
    } else if (!sub->code) {
      char name[65];
      size_t n;
      if (vg_jscan_string(data, &k, name, sizeof(name), &n)) snprintf(name, sizeof(name), "key");
      vg_err_fail(sub, VG_EUNKNOWN, "%.64s: unknown top-level key (expected routing, event)",
                  name);
    }
    r = vg_jscan_value(s, &v);
    if (!r && key_is(data, &k, "event")) {
      event_obj = v.type == VG_J_OBJECT;
      sp->ev_off = v.off;
      sp->ev_len = v.len;
    }
  }
  if (r < 0) return r;
  sp->len = s->i - sp->off;
  if (sub->code) return -sub->code;
  if (!have_routing) return vg_err_fail(sub, VG_EMISSING, "routing: missing");
  if (!have_event) return vg_err_fail(sub, VG_EMISSING, "event: missing");
  if (!event_obj) return vg_err_fail(sub, VG_ETYPE, "event: expected an object");
  return vg_routing_require(rt, sub);
}

int vg_event_scan_one(struct vg_jscan *s, const char *data, size_t len,
                      struct vg_event_span *sp, struct vg_routing *rt, struct vg_err *e) {
  if (len > VG_LIMIT_EVENT_BYTES)
    return vg_err_fail(e, VG_ELIMIT, "event larger than %u bytes", VG_LIMIT_EVENT_BYTES);
  vg_jscan_reset(s, data, len, VG_LIMIT_JSON_DEPTH, e);
  struct vg_err sub;
  vg_err_clear(&sub);
  int r = scan_envelope(s, data, sp, rt, &sub);
  if (r && sub.code) return vg_err_fail(e, sub.code, "%s", sub.msg);
  if (r) return r;
  if (!vg_jscan_at_end(s)) return vg_jscan_fail(s, VG_EPARSE, s->i, "end of file expected");
  return 0;
}

int vg_event_scan_batch(struct vg_jscan *s, const char *data, size_t len, vg_event_scan_fn fn,
                        void *ctx, struct vg_err *e) {
  if (len > VG_LIMIT_MSG_BYTES)
    return vg_err_fail(e, VG_ELIMIT, "batch larger than %u bytes", VG_LIMIT_MSG_BYTES);
  vg_jscan_reset(s, data, len, VG_LIMIT_JSON_DEPTH + 1, e);
  if (vg_jscan_at_end(s) || data[s->i] != '[') {
    struct vg_jval v;
    int r = vg_jscan_value(s, &v);
    return r ? r : vg_jscan_fail(s, VG_ETYPE, 0, "batch: expected an array of events");
  }
  int r = vg_jscan_open(s, '[', NULL);
  struct vg_event_span sp;
  struct vg_routing rt;
  size_t n = 0;
  for (bool first = true; !r; first = false) {
    /* Between elements: ',' or ']' — the scanner's element walk, inlined so
     * each element is an envelope scan rather than a generic value. */
    while (s->i < len && is_ws(data[s->i])) s->i++;
    if (s->i < len && data[s->i] == ']' && first) {
      s->i++;
      s->depth--;
      break;
    }
    if (!first) {
      if (s->i < len && data[s->i] == ']') {
        s->i++;
        s->depth--;
        break;
      }
      if (s->i >= len || data[s->i] != ',')
        return vg_jscan_fail(s, VG_EPARSE, s->i, s->i < len ? "expected ',' or ']'"
                                                             : "unexpected end of input");
      s->i++;
    }
    while (s->i < len && is_ws(data[s->i])) s->i++;
    if (n == VG_LIMIT_BATCH_EVENTS)
      return vg_jscan_fail(s, VG_ELIMIT, s->i, "input: more than %d events in a batch",
                           VG_LIMIT_BATCH_EVENTS);
    size_t start = s->i;
    struct vg_err sub;
    sub.code = 0; /* set in full only on failure */
    r = scan_envelope(s, data, &sp, &rt, &sub);
    if (r && sub.code)
      return vg_jscan_fail(s, sub.code, start, "event[%zu]: %s", n, sub.msg);
    if (r) return r;
    if (s->i - start > VG_LIMIT_EVENT_BYTES)
      return vg_jscan_fail(s, VG_ELIMIT, start, "input: event[%zu] larger than %u bytes", n,
                           VG_LIMIT_EVENT_BYTES);
    r = fn ? fn(ctx, n, data, &sp, &rt) : 0;
    n++;
  }
  if (r) return r;
  if (!vg_jscan_at_end(s)) return vg_jscan_fail(s, VG_EPARSE, s->i, "end of file expected");
  return (int)n;
}

int vg_event_scan_routing(struct vg_jscan *s, const char *data, size_t len,
                          struct vg_routing *rt, struct vg_err *e) {
  vg_jscan_reset(s, data, len, VG_LIMIT_JSON_DEPTH, e);
  vg_routing_init(rt);
  uint32_t obj;
  int r = vg_jscan_open(s, '{', &obj);
  struct vg_jval k, v;
  while (!r && (r = vg_jscan_next_key(s, obj, &k)) == 1) {
    if (key_is(data, &k, "routing") && s->i < len && data[s->i] == '{') {
      struct vg_event_span sp;
      struct vg_err sub;
      vg_err_clear(&sub);
      sp.nmem = 0;
      r = scan_routing(s, data, &sp, rt, &sub);
      if (!r && sub.code) r = vg_err_fail(e, sub.code, "%s", sub.msg);
      return r;
    }
    r = vg_jscan_value(s, &v);
  }
  return r < 0 ? r : vg_err_fail(e, VG_EMISSING, "routing: missing");
}
