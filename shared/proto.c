/* proto.c — framing and parsing of sensor protocol messages. */
#include "shared/proto.h"

#include <string.h>

#include "shared/event_codec.h"
#include "shared/limits.h"

static size_t skip_ws(const char *p, size_t len, size_t i) {
  while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
  return i;
}

/* Expect literal lit at p[i] after whitespace; returns the index after it or 0. */
static size_t expect(const char *p, size_t len, size_t i, const char *lit) {
  i = skip_ws(p, len, i);
  size_t n = strlen(lit);
  return len - i >= n && memcmp(p + i, lit, n) == 0 ? i + n : 0;
}

static int proto_fail(struct vg_err *err, size_t pos, const char *what) {
  int r = vg_err_fail(err, VG_EPROTO, "%s", what);
  if (err) err->pos = (long)pos;
  return r;
}

int vg_proto_peek_type(const char *msg, size_t len, char type[VG_PROTO_TYPE_BYTES],
                       struct vg_err *err) {
  size_t i = expect(msg, len, 0, "{");
  if (i) i = expect(msg, len, i, "\"t\"");
  if (i) i = expect(msg, len, i, ":");
  if (i) i = expect(msg, len, i, "\"");
  if (!i) return proto_fail(err, 0, "a message must start with {\"t\":\"<type>\"");
  size_t n = 0;
  while (i < len && msg[i] != '"') {
    char c = msg[i++];
    if (n + 1 >= VG_PROTO_TYPE_BYTES || !((c >= 'a' && c <= 'z') || c == '_'))
      return proto_fail(err, i - 1, "bad message type");
    type[n++] = c;
  }
  if (i >= len || n == 0) return proto_fail(err, i, "bad message type");
  type[n] = '\0';
  return 0;
}

int vg_proto_batch_split(const char *msg, size_t len, uint64_t *first, const char **events,
                         size_t *elen, struct vg_err *err) {
  if (len > VG_LIMIT_MSG_BYTES) {
    int r = vg_err_fail(err, VG_ELIMIT, "message larger than %u bytes", VG_LIMIT_MSG_BYTES);
    if (err) err->pos = VG_LIMIT_MSG_BYTES;
    return r;
  }
  size_t i = expect(msg, len, 0, "{");
  if (i) i = expect(msg, len, i, "\"t\"");
  if (i) i = expect(msg, len, i, ":");
  if (i) i = expect(msg, len, i, "\"batch\"");
  if (i) i = expect(msg, len, i, ",");
  if (i) i = expect(msg, len, i, "\"first\"");
  if (i) i = expect(msg, len, i, ":");
  if (!i) return proto_fail(err, 0, "batch must start with {\"t\":\"batch\",\"first\":");
  i = skip_ws(msg, len, i);
  uint64_t v = 0;
  size_t digits = 0;
  while (i < len && msg[i] >= '0' && msg[i] <= '9') {
    if (v > (UINT64_MAX - 9) / 10) return proto_fail(err, i, "first: too large");
    v = v * 10 + (uint64_t)(msg[i++] - '0');
    digits++;
  }
  if (!digits || v == 0) return proto_fail(err, i, "first: a sequence number ≥ 1");
  size_t j = expect(msg, len, i, ",");
  if (j) j = expect(msg, len, j, "\"events\"");
  if (j) j = expect(msg, len, j, ":");
  if (!j) return proto_fail(err, i, "batch: expected ,\"events\": after first");
  j = skip_ws(msg, len, j);
  /* The events array runs to the last '}' of the message. */
  size_t end = len;
  while (end > j && (msg[end - 1] == ' ' || msg[end - 1] == '\n' || msg[end - 1] == '\r' ||
                     msg[end - 1] == '\t'))
    end--;
  if (end <= j || msg[end - 1] != '}') return proto_fail(err, end, "batch: missing closing }");
  end--;
  while (end > j && (msg[end - 1] == ' ' || msg[end - 1] == '\n' || msg[end - 1] == '\r' ||
                     msg[end - 1] == '\t'))
    end--;
  if (end <= j || msg[j] != '[' || msg[end - 1] != ']')
    return proto_fail(err, j, "batch: events must be an array and the last member");
  *first = v;
  *events = msg + j;
  *elen = end - j;
  return 0;
}

int vg_proto_batch_encode(struct vg_buf *out, uint64_t first, const json_t *events,
                          struct vg_err *err) {
  size_t mark = out->len;
  int r = vg_buf_appendf(out, "{\"t\":\"batch\",\"first\":%llu,\"events\":",
                         (unsigned long long)first);
  if (!r) r = vg_event_codec_encode_batch(events, out, err);
  if (!r) r = vg_buf_putc(out, '}');
  if (r) vg_buf_truncate(out, mark);
  if (r == -VG_ELIMIT && err && !err->code) vg_err_fail(err, VG_ELIMIT, "batch too large");
  return r;
}

json_t *vg_proto_parse(const char *msg, size_t len, struct vg_err *err) {
  if (len > VG_LIMIT_PROTO_CTRL_BYTES) {
    vg_err_fail(err, VG_ELIMIT, "control message larger than %u bytes",
                VG_LIMIT_PROTO_CTRL_BYTES);
    return NULL;
  }
  json_error_t je;
  json_t *m = json_loadb(msg, len, JSON_REJECT_DUPLICATES, &je);
  if (!m) {
    vg_err_set(err, VG_EPROTO, NULL, je.line, je.column, "%s", je.text);
    if (err) err->pos = je.position;
    return NULL;
  }
  if (!json_is_object(m) || !json_is_string(json_object_get(m, "t"))) {
    json_decref(m);
    vg_err_fail(err, VG_EPROTO, "a message is an object with a string \"t\"");
    return NULL;
  }
  return m;
}

int vg_proto_encode(const json_t *msg, struct vg_buf *out) {
  size_t n = json_dumpb(msg, NULL, 0, JSON_COMPACT);
  if (n == 0) return -VG_EINVAL;
  int r = vg_buf_reserve(out, n);
  if (r) return r;
  json_dumpb(msg, out->data + out->len, n, JSON_COMPACT);
  out->len += n;
  out->data[out->len] = '\0';
  return 0;
}

json_t *vg_proto_error(int code, const char *msg) {
  return json_pack("{s:s, s:s, s:s}", "t", "error", "code", vg_code_name(code), "message",
                   msg ? msg : vg_strerror(code));
}
