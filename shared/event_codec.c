/* event_codec.c — bounded JSON decode/encode of events: a byte pre-scan
 * (UTF-8, depth, string length, batch shape) with exact positions, then
 * jansson, then one validating pass over the envelope. */
#include "shared/event_codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/limits.h"

#define CODEC_JSON_FLAGS JSON_REJECT_DUPLICATES
#define CODEC_DUMP_FLAGS JSON_COMPACT
#define CODEC_DUMP_FIRST_TRY 4096 /* room reserved before the first dump */

/* What the pre-scan enforces and, for a batch, what it records. */
struct codec_scan {
  size_t depth_max;
  int batch;        /* top level is an array of events */
  size_t *elem_off; /* batch: start offset of each element (VG_LIMIT_BATCH_EVENTS) */
  size_t nelems;
  const char *what; /* "input" or "encoded event", for messages */
};

/* 1-based line and column (in characters) of byte offset pos. */
static void codec_linecol(const unsigned char *p, size_t pos, int *line, int *col) {
  int l = 1, c = 1;
  for (size_t i = 0; i < pos; i++) {
    if (p[i] == '\n') {
      l++;
      c = 1;
    } else if ((p[i] & 0xC0) != 0x80) {
      c++;
    }
  }
  *line = l;
  *col = c;
}

static int codec_fail_at(struct vg_err *e, int code, const unsigned char *p, size_t pos,
                         const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int codec_fail_at(struct vg_err *e, int code, const unsigned char *p, size_t pos,
                         const char *fmt, ...) {
  if (!e) return -code;
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  int line = 0, col = 0;
  if (p) codec_linecol(p, pos, &line, &col);
  vg_err_set(e, code, NULL, line, col, "%s", msg);
  e->pos = (long)pos;
  return -code;
}

/* Length of the valid UTF-8 sequence at p (n bytes available), 0 if invalid
 * (overlong, surrogate, past U+10FFFF, truncated, stray continuation). */
static size_t codec_utf8_len(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) need = 2;
  else if (c >= 0xE0 && c <= 0xEF) need = 3;
  else if (c >= 0xF0 && c <= 0xF4) need = 4;
  else return 0;
  if (c == 0xE0) lo = 0xA0;
  if (c == 0xED) hi = 0x9F;
  if (c == 0xF0) lo = 0x90;
  if (c == 0xF4) hi = 0x8F;
  if (n < need || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < need; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return need;
}

static int codec_hex4(const unsigned char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    v = v << 4 | d;
  }
  return v;
}

/* Decoded UTF-8 bytes of the escape at p[0] == '\\'; *adv gets its length.
 * A high surrogate counts the whole pair (4), a low one 0. Malformed escapes
 * count 1 and are left for jansson to reject. */
static size_t codec_escape_len(const unsigned char *p, size_t n, size_t *adv) {
  *adv = n >= 2 ? 2 : 1;
  if (n < 6 || p[1] != 'u') return 1;
  int cp = codec_hex4(p + 2);
  if (cp < 0) return 1;
  *adv = 6;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp >= 0xD800 && cp <= 0xDBFF) return 4;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return 0;
  return 3;
}

/* Batch bookkeeping at a value start / end on depth 1 of the top array. */
static int codec_elem_start(struct codec_scan *s, const unsigned char *p, size_t i,
                            int *in_elem, struct vg_err *e) {
  if (*in_elem) return 0;
  if (s->nelems >= VG_LIMIT_BATCH_EVENTS)
    return codec_fail_at(e, VG_ELIMIT, p, i, "%s: more than %d events in a batch", s->what,
                         VG_LIMIT_BATCH_EVENTS);
  s->elem_off[s->nelems++] = i;
  *in_elem = 1;
  return 0;
}

static int codec_elem_end(struct codec_scan *s, const unsigned char *p, size_t i, int *in_elem,
                          struct vg_err *e) {
  if (!*in_elem) return 0;
  *in_elem = 0;
  size_t start = s->elem_off[s->nelems - 1];
  if (i - start > VG_LIMIT_EVENT_BYTES)
    return codec_fail_at(e, VG_ELIMIT, p, start, "%s: event[%zu] larger than %u bytes", s->what,
                         s->nelems - 1, VG_LIMIT_EVENT_BYTES);
  return 0;
}

/* One pass over the bytes: valid UTF-8 everywhere, container depth, decoded
 * string lengths and, for a batch, element count and sizes. Syntax errors are
 * left to jansson. */
static int codec_scan(const unsigned char *p, size_t len, struct codec_scan *s,
                      struct vg_err *e) {
  size_t depth = 0, str_start = 0, str_len = 0;
  int in_str = 0, in_elem = 0, top_array = 0, r = 0;
  for (size_t i = 0; i < len && !r;) {
    unsigned char c = p[i];
    if (c >= 0x80) {
      size_t n = codec_utf8_len(p + i, len - i);
      if (!n) return codec_fail_at(e, VG_EPARSE, p, i, "invalid UTF-8 byte 0x%02x", c);
      if (in_str) str_len += n;
      else if (s->batch && top_array && depth == 1) r = codec_elem_start(s, p, i, &in_elem, e);
      i += n;
    } else if (in_str) {
      size_t adv = 1;
      if (c == '"') in_str = 0;
      else if (c == '\\') str_len += codec_escape_len(p + i, len - i, &adv);
      else str_len++;
      if (str_len > VG_LIMIT_STRING_BYTES)
        return codec_fail_at(e, VG_ELIMIT, p, str_start, "string longer than %u bytes",
                             VG_LIMIT_STRING_BYTES);
      i += adv;
    } else {
      int at_top = s->batch && top_array && depth == 1;
      switch (c) {
        case ' ': case '\t': case '\n': case '\r':
          break;
        case '{': case '[':
          if (at_top) r = codec_elem_start(s, p, i, &in_elem, e);
          if (depth == 0 && c == '[') top_array = 1;
          if (++depth > s->depth_max)
            return codec_fail_at(e, VG_ELIMIT, p, i, "nesting deeper than %zu", s->depth_max);
          break;
        case '}': case ']':
          if (at_top && c == ']') r = codec_elem_end(s, p, i, &in_elem, e);
          if (depth) depth--;
          break;
        case ',':
          if (at_top) r = codec_elem_end(s, p, i, &in_elem, e);
          break;
        case '"':
          if (at_top) r = codec_elem_start(s, p, i, &in_elem, e);
          in_str = 1;
          str_start = i;
          str_len = 0;
          break;
        case '\0': /* not JSON; jansson lets one pass after a number */
          return codec_fail_at(e, VG_EPARSE, p, i, "NUL byte");
        default:
          if (at_top) r = codec_elem_start(s, p, i, &in_elem, e);
          break;
      }
      i++;
    }
  }
  return r;
}

/* Map a jansson error onto e: position of the start of the token jansson
 * names ("near 'tok'"), or the end of input. */
static int codec_jansson_fail(const json_error_t *je, const unsigned char *p, size_t len,
                              struct vg_err *e) {
  enum json_error_code jc = json_error_code(je);
  if (jc == json_error_out_of_memory) abort();
  int code = jc == json_error_numeric_overflow ? VG_ERANGE : VG_EPARSE;
  size_t end = je->position > 0 ? (size_t)je->position : 0;
  if (end > len) end = len;
  size_t pos = end ? end - 1 : 0;
  static const char eof_suffix[] = "near end of file";
  const char *near = strstr(je->text, " near '");
  size_t tlen = strlen(je->text), elen = sizeof(eof_suffix) - 1;
  if (tlen >= elen && strcmp(je->text + tlen - elen, eof_suffix) == 0) {
    pos = end;
  } else if (near && tlen > 0 && je->text[tlen - 1] == '\'') {
    size_t toklen = (size_t)(je->text + tlen - 1 - (near + 7));
    if (toklen > 0 && toklen <= end) pos = end - toklen;
  }
  return codec_fail_at(e, code, p, pos, "%s", je->text);
}

static int codec_parse(const void *data, size_t len, struct codec_scan *s, json_t **out,
                       struct vg_err *e) {
  const unsigned char *p = data ? data : (const unsigned char *)"";
  int r = codec_scan(p, len, s, e);
  if (r) return r;
  json_error_t je;
  *out = json_loadb((const char *)p, len, CODEC_JSON_FLAGS, &je);
  return *out ? 0 : codec_jansson_fail(&je, p, len, e);
}

int vg_event_codec_decode(const void *data, size_t len, json_t **out, struct vg_err *e) {
  if (!out || (!data && len)) return vg_err_fail(e, VG_EINVAL, "event decode: NULL argument");
  *out = NULL;
  if (len > VG_LIMIT_EVENT_BYTES)
    return codec_fail_at(e, VG_ELIMIT, NULL, VG_LIMIT_EVENT_BYTES,
                         "event larger than %u bytes", VG_LIMIT_EVENT_BYTES);
  struct codec_scan s = {.depth_max = VG_LIMIT_JSON_DEPTH, .what = "input"};
  json_t *j;
  int r = codec_parse(data, len, &s, &j, e);
  if (r) return r;
  r = vg_event_validate(j, e);
  if (r) {
    json_decref(j);
    return r;
  }
  *out = j;
  return 0;
}

int vg_event_codec_decode_batch(const void *data, size_t len, json_t **out, struct vg_err *e) {
  if (!out || (!data && len)) return vg_err_fail(e, VG_EINVAL, "batch decode: NULL argument");
  *out = NULL;
  if (len > VG_LIMIT_MSG_BYTES)
    return codec_fail_at(e, VG_ELIMIT, NULL, VG_LIMIT_MSG_BYTES, "batch larger than %u bytes",
                         VG_LIMIT_MSG_BYTES);
  struct codec_scan s = {.depth_max = VG_LIMIT_JSON_DEPTH + 1, .batch = 1, .what = "input"};
  s.elem_off = vg_xcalloc(VG_LIMIT_BATCH_EVENTS, sizeof(*s.elem_off));
  json_t *j = NULL;
  int r = codec_parse(data, len, &s, &j, e);
  if (r) goto fail;
  if (!json_is_array(j)) {
    r = codec_fail_at(e, VG_ETYPE, data, 0, "batch: expected an array of events");
    goto fail;
  }
  for (size_t i = 0; i < json_array_size(j); i++) {
    struct vg_err sub;
    vg_err_clear(&sub);
    r = vg_event_validate(json_array_get(j, i), &sub);
    if (r) {
      size_t at = i < s.nelems ? s.elem_off[i] : 0;
      r = codec_fail_at(e, -r, data, at, "event[%zu]: %s", i, sub.msg);
      goto fail;
    }
  }
  free(s.elem_off);
  *out = j;
  return 0;
fail:
  json_decref(j);
  free(s.elem_off);
  return r;
}

/* Dump j straight into out's spare room (a second dump only if it did not
 * fit), then pre-scan the output as the decoder would. On failure out keeps
 * its length and its NUL (a dump that did not fit may have scribbled past it). */
static int codec_dump(const json_t *j, struct vg_buf *out, size_t limit, struct codec_scan *s,
                      struct vg_err *e) {
  size_t start = out->len, room = out->max - out->len;
  size_t want = room < CODEC_DUMP_FIRST_TRY ? room : CODEC_DUMP_FIRST_TRY;
  if (out->cap - out->len < want && vg_buf_reserve(out, want))
    return vg_err_fail(e, VG_ELIMIT, "%s: output buffer full", s->what);
  size_t avail = out->data ? out->cap - out->len : 0;
  size_t n = json_dumpb(j, avail ? out->data + start : NULL, avail, CODEC_DUMP_FLAGS);
  int r = 0;
  if (n == 0)
    r = vg_err_fail(e, VG_EINVAL, "%s: cannot encode (circular reference?)", s->what);
  else if (n > limit)
    r = vg_err_fail(e, VG_ELIMIT, "%s: encoding larger than %zu bytes", s->what, limit);
  else if (n > avail && vg_buf_reserve(out, n))
    r = vg_err_fail(e, VG_ELIMIT, "%s: output buffer full", s->what);
  else if (n > avail)
    json_dumpb(j, out->data + start, n, CODEC_DUMP_FLAGS);
  if (!r) r = codec_scan((const unsigned char *)out->data + start, n, s, e);
  if (!r) out->len = start + n;
  if (out->data) out->data[out->len] = '\0';
  return r;
}

int vg_event_codec_encode(const json_t *ev, struct vg_buf *out, struct vg_err *e) {
  if (!out) return vg_err_fail(e, VG_EINVAL, "event encode: NULL buffer");
  int r = vg_event_validate(ev, e);
  if (r) return r;
  struct codec_scan s = {.depth_max = VG_LIMIT_JSON_DEPTH, .what = "encoded event"};
  return codec_dump(ev, out, VG_LIMIT_EVENT_BYTES, &s, e);
}

int vg_event_codec_encode_batch(const json_t *events, struct vg_buf *out, struct vg_err *e) {
  if (!out) return vg_err_fail(e, VG_EINVAL, "batch encode: NULL buffer");
  if (!json_is_array(events)) return vg_err_fail(e, VG_ETYPE, "batch: expected an array");
  size_t n = json_array_size(events);
  if (n > VG_LIMIT_BATCH_EVENTS)
    return vg_err_fail(e, VG_ELIMIT, "batch: more than %d events", VG_LIMIT_BATCH_EVENTS);
  for (size_t i = 0; i < n; i++) {
    struct vg_err sub;
    vg_err_clear(&sub);
    int r = vg_event_validate(json_array_get(events, i), &sub);
    if (r) return vg_err_fail(e, -r, "event[%zu]: %s", i, sub.msg);
  }
  struct codec_scan s = {.depth_max = VG_LIMIT_JSON_DEPTH + 1, .batch = 1, .what = "encoded batch"};
  s.elem_off = vg_xcalloc(VG_LIMIT_BATCH_EVENTS, sizeof(*s.elem_off));
  int r = codec_dump(events, out, VG_LIMIT_MSG_BYTES, &s, e);
  free(s.elem_off);
  return r;
}
