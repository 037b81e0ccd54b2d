/* json_scan.c — validating JSON scanner without a tree (json_scan.h). */
#include "shared/json_scan.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/hash.h"
#include "shared/limits.h"

/* --- duplicate keys: one open-addressing table per scanner, entries tagged
 * with a generation so a reset costs nothing ------------------------------ */

struct kent {
  uint64_t h;
  uint32_t obj, gen;
  size_t off, len; /* the key's string value (with quotes) in the input */
  bool esc;
};

/* Most objects have a handful of keys: those are checked against the keys
 * of the same object kept per depth (a short linear scan in cache); an
 * object past KLEVEL_KEYS keys moves to the table. */
#define KLEVEL_KEYS 16
#define KLEVELS (VG_LIMIT_JSON_DEPTH + 2)
struct klevel {
  uint32_t obj, n;
  bool big;
  struct kent k[KLEVEL_KEYS];
};

struct vg_jscan_keys {
  struct kent *t;
  size_t cap, used;
  uint32_t gen;
  char *a, *b; /* decoding scratch for comparing escaped keys */
  struct klevel lv[KLEVELS];
};

void vg_jscan_init(struct vg_jscan *s) {
  memset(s, 0, sizeof(*s));
  s->keys = vg_xcalloc(1, sizeof(*s->keys));
  s->keys->cap = 256;
  s->keys->t = vg_xcalloc(s->keys->cap, sizeof(struct kent));
  s->keys->gen = 1;
}

void vg_jscan_cleanup(struct vg_jscan *s) {
  if (!s->keys) return;
  free(s->keys->t);
  free(s->keys->a);
  free(s->keys->b);
  free(s->keys);
  s->keys = NULL;
}

void vg_jscan_reset(struct vg_jscan *s, const void *p, size_t len, size_t depth_max,
                    struct vg_err *e) {
  s->p = p ? p : (const unsigned char *)"";
  s->len = len;
  s->i = 0;
  s->depth = 0;
  s->depth_max = depth_max < KLEVELS - 1 ? depth_max : KLEVELS - 1;
  s->e = e;
  s->obj = 0;
  struct vg_jscan_keys *k = s->keys;
  k->used = 0;
  for (int l = 0; l < KLEVELS; l++) k->lv[l].obj = 0; /* serials restart at 1 */
  if (++k->gen == 0) { /* wrapped: clear for real */
    memset(k->t, 0, k->cap * sizeof(*k->t));
    k->gen = 1;
  }
}

int vg_jscan_fail(struct vg_jscan *s, int code, size_t pos, const char *fmt, ...) {
  if (!s->e) return -code;
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  int line = 1, col = 1;
  for (size_t i = 0; i < pos && i < s->len; i++) {
    if (s->p[i] == '\n') line++, col = 1;
    else if ((s->p[i] & 0xC0) != 0x80) col++;
  }
  vg_err_set(s->e, code, NULL, line, col, "%s", msg);
  s->e->pos = (long)pos;
  return -code;
}


/* The decoded bytes of key k into buf (scratch of VG_LIMIT_STRING_BYTES+1). */
static const char *key_bytes(struct vg_jscan *s, const struct kent *k, char **buf, size_t *n) {
  if (!k->esc) {
    *n = k->len - 2;
    return (const char *)s->p + k->off + 1;
  }
  if (!*buf) *buf = vg_xmalloc(VG_LIMIT_STRING_BYTES + 1);
  struct vg_jval v = {VG_J_STRING, k->off, k->len, true, 0};
  vg_jscan_string(s->p, &v, *buf, VG_LIMIT_STRING_BYTES + 1, n);
  return *buf;
}

static void keys_grow(struct vg_jscan_keys *k) {
  size_t cap = k->cap * 2;
  struct kent *t = vg_xcalloc(cap, sizeof(*t));
  for (size_t i = 0; i < k->cap; i++) {
    if (k->t[i].gen != k->gen) continue;
    size_t j = (size_t)k->t[i].h & (cap - 1);
    while (t[j].gen == k->gen) j = (j + 1) & (cap - 1);
    t[j] = k->t[i];
  }
  free(k->t);
  k->t = t;
  k->cap = cap;
}

static bool same_key(struct vg_jscan *s, const struct kent *o, const struct kent *n) {
  struct vg_jscan_keys *k = s->keys;
  size_t ol, nl;
  const char *ob = key_bytes(s, o, &k->b, &ol);
  const char *nb = key_bytes(s, n, &k->a, &nl);
  return ol == nl && memcmp(ob, nb, nl) == 0;
}

/* Insert n into the table; -VG_EPARSE if its object already has the key. */
static int table_add(struct vg_jscan *s, struct kent n, size_t at) {
  struct vg_jscan_keys *k = s->keys;
  if ((k->used + 1) * 2 > k->cap) keys_grow(k);
  n.gen = k->gen;
  size_t j = (size_t)(n.h ^ (n.obj * 0x9E3779B97F4A7C15ull)) & (k->cap - 1);
  for (; k->t[j].gen == k->gen; j = (j + 1) & (k->cap - 1)) {
    struct kent *o = &k->t[j];
    if (o->h == n.h && o->obj == n.obj && same_key(s, o, &n))
      return vg_jscan_fail(s, VG_EPARSE, at, "duplicate object key");
  }
  k->t[j] = n;
  k->used++;
  return 0;
}

static uint64_t key_hash(struct vg_jscan *s, const struct kent *n) {
  size_t nl;
  const char *nb = key_bytes(s, n, &s->keys->a, &nl);
  return vg_hash64(nb, nl);
}

/* Record key v of object obj (at the current depth); -VG_EPARSE if the
 * object already has it. Up to KLEVEL_KEYS keys compare by length and
 * bytes (no hash); the hash is taken once the object spills to the table. */
static int key_add(struct vg_jscan *s, uint32_t obj, const struct vg_jval *v) {
  struct vg_jscan_keys *k = s->keys;
  struct kent n = {0, obj, k->gen, v->off, v->len, v->escaped};
  struct klevel *L = &k->lv[s->depth];
  if (L->obj != obj) { /* the first key of this object */
    L->obj = obj;
    L->n = 0;
    L->big = false;
  }
  if (!L->big) {
    for (uint32_t j = 0; j < L->n; j++) {
      const struct kent *o = &L->k[j];
      bool dup = o->esc || n.esc ? same_key(s, o, &n)
                                 : o->len == n.len && memcmp(s->p + o->off, s->p + n.off, n.len) == 0;
      if (dup) return vg_jscan_fail(s, VG_EPARSE, v->off, "duplicate object key");
    }
    if (L->n < KLEVEL_KEYS) {
      L->k[L->n++] = n;
      return 0;
    }
    L->big = true; /* spill: the object's keys go to the table from now on */
    for (uint32_t j = 0; j < L->n; j++) {
      L->k[j].h = key_hash(s, &L->k[j]);
      table_add(s, L->k[j], v->off);
    }
  }
  n.h = key_hash(s, &n);
  return table_add(s, n, v->off);
}

/* --- tokens ------------------------------------------------------------- */

static void ws(struct vg_jscan *s) {
  while (s->i < s->len) {
    unsigned char c = s->p[s->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    s->i++;
  }
}

bool vg_jscan_at_end(struct vg_jscan *s) {
  ws(s);
  return s->i >= s->len;
}

static int hex4(const unsigned char *p) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    int c = p[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/* Length of a valid UTF-8 sequence at p (n bytes left), 0 if invalid
 * (overlong, surrogate, above U+10FFFF, truncated). */
static size_t utf8_len(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t len;
  unsigned cp;
  if (c < 0xC2) return 0;
  if (c < 0xE0) len = 2, cp = c & 0x1F;
  else if (c < 0xF0) len = 3, cp = c & 0x0F;
  else if (c < 0xF5) len = 4, cp = c & 0x07;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return len;
}

/* The bytes of w (little-endian: byte 0 lowest) that need a closer look in
 * a string — '"', '\\', a control character (< 0x20), a byte of a UTF-8
 * sequence (>= 0x80) — as their high bits. The classic SWAR tests can flag
 * a byte above a true hit (a borrow), never below one: the LOWEST flagged
 * byte is always a true hit. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "word_special's first hit is the lowest byte: little-endian loads");
static uint64_t word_special(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b, lt = (w - ones * 0x20) & ~w;
  return (zq | zb | lt | w) & high;
}

static int scan_string(struct vg_jscan *s, struct vg_jval *v) {
  size_t start = s->i++, dec = 0;
  v->type = VG_J_STRING;
  v->escaped = false;
  for (;;) {
    /* Plain ASCII eight bytes at a time, up to the first special byte. */
    size_t i0 = s->i;
    while (s->i + 8 <= s->len) {
      uint64_t w;
      memcpy(&w, s->p + s->i, 8);
      uint64_t m = word_special(w);
      if (m) {
        s->i += (size_t)__builtin_ctzll(m) >> 3;
        break;
      }
      s->i += 8;
    }
    dec += s->i - i0;
    if (dec > VG_LIMIT_STRING_BYTES)
      return vg_jscan_fail(s, VG_ELIMIT, start, "string longer than %u bytes",
                           VG_LIMIT_STRING_BYTES);
    if (s->i >= s->len) return vg_jscan_fail(s, VG_EPARSE, s->len, "unterminated string");
    unsigned char c = s->p[s->i];
    if (c == '"') {
      s->i++;
      break;
    }
    if (c < 0x20) return vg_jscan_fail(s, VG_EPARSE, s->i, "control character in a string");
    if (c == '\\') {
      v->escaped = true;
      if (s->i + 1 >= s->len) return vg_jscan_fail(s, VG_EPARSE, s->len, "unterminated string");
      unsigned char x = s->p[s->i + 1];
      if (x != 'u') {
        if (!strchr("\"\\/bfnrt", x) || !x)
          return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid escape");
        s->i += 2;
        dec++;
      } else {
        if (s->i + 6 > s->len) return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid \\u escape");
        int cp = hex4(s->p + s->i + 2);
        if (cp < 0) return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid \\u escape");
        if (cp == 0) return vg_jscan_fail(s, VG_EPARSE, s->i, "\\u0000 is not allowed");
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid Unicode surrogate");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          int lo = s->i + 12 <= s->len && s->p[s->i + 6] == '\\' && s->p[s->i + 7] == 'u'
                       ? hex4(s->p + s->i + 8)
                       : -1;
          if (lo < 0xDC00 || lo > 0xDFFF)
            return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid Unicode surrogate pair");
          s->i += 12;
          dec += 4;
        } else {
          s->i += 6;
          dec += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
        }
      }
    } else if (c >= 0x80) {
      size_t n = utf8_len(s->p + s->i, s->len - s->i);
      if (!n) return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid UTF-8 byte 0x%02x", c);
      s->i += n;
      dec += n;
    } else {
      s->i++;
      dec++;
    }
    if (dec > VG_LIMIT_STRING_BYTES)
      return vg_jscan_fail(s, VG_ELIMIT, start, "string longer than %u bytes",
                           VG_LIMIT_STRING_BYTES);
  }
  v->off = start;
  v->len = s->i - start;
  return 0;
}

#define NUM_COPY_MAX 512 /* longest real converted without a heap copy */

static int scan_number(struct vg_jscan *s, struct vg_jval *v) {
  size_t start = s->i;
  const unsigned char *p = s->p;
  bool neg = false, real = false;
  if (p[s->i] == '-') neg = true, s->i++;
  if (s->i >= s->len || p[s->i] < '0' || p[s->i] > '9')
    return vg_jscan_fail(s, VG_EPARSE, start, "invalid number");
  if (p[s->i] == '0') {
    s->i++;
  } else {
    while (s->i < s->len && p[s->i] >= '0' && p[s->i] <= '9') s->i++;
  }
  if (s->i < s->len && p[s->i] == '.') {
    real = true;
    s->i++;
    if (s->i >= s->len || p[s->i] < '0' || p[s->i] > '9')
      return vg_jscan_fail(s, VG_EPARSE, start, "invalid number");
    while (s->i < s->len && p[s->i] >= '0' && p[s->i] <= '9') s->i++;
  }
  if (s->i < s->len && (p[s->i] == 'e' || p[s->i] == 'E')) {
    real = true;
    s->i++;
    if (s->i < s->len && (p[s->i] == '+' || p[s->i] == '-')) s->i++;
    if (s->i >= s->len || p[s->i] < '0' || p[s->i] > '9')
      return vg_jscan_fail(s, VG_EPARSE, start, "invalid number");
    while (s->i < s->len && p[s->i] >= '0' && p[s->i] <= '9') s->i++;
  }
  v->off = start;
  v->len = s->i - start;
  if (!real) {
    uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = start + neg; i < s->i; i++) {
      unsigned d = p[i] - '0';
      if (acc > (lim - d) / 10) return vg_jscan_fail(s, VG_ERANGE, start, "too big integer");
      acc = acc * 10 + d;
    }
    v->type = VG_J_INT;
    v->n = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
  }
  char small[NUM_COPY_MAX + 1], *buf = v->len <= NUM_COPY_MAX ? small : vg_xmalloc(v->len + 1);
  memcpy(buf, p + start, v->len);
  buf[v->len] = '\0';
  errno = 0;
  double d = strtod(buf, NULL);
  if (buf != small) free(buf);
  if (isinf(d)) return vg_jscan_fail(s, VG_ERANGE, start, "real number overflow");
  v->type = VG_J_REAL;
  return 0;
}

static int literal(struct vg_jscan *s, const char *word, enum vg_jtype t, struct vg_jval *v) {
  size_t n = strlen(word);
  if (s->len - s->i < n || memcmp(s->p + s->i, word, n) != 0)
    return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid token");
  v->type = t;
  v->off = s->i;
  v->len = n;
  s->i += n;
  return 0;
}

/* --- containers --------------------------------------------------------- */

int vg_jscan_open(struct vg_jscan *s, char bracket, uint32_t *obj) {
  ws(s);
  if (s->i >= s->len || s->p[s->i] != (unsigned char)bracket)
    return vg_jscan_fail(s, VG_EPARSE, s->i,
                         bracket == '{' ? "expected an object" : "expected an array");
  if (++s->depth > s->depth_max)
    return vg_jscan_fail(s, VG_ELIMIT, s->i, "nesting deeper than %zu", s->depth_max);
  s->i++;
  if (obj) *obj = ++s->obj;
  /* Mark "first member pending" by looking at what follows. */
  return 0;
}

/* After a member/element: ',' (another follows) or the closer. Returns 1 if
 * another follows, 0 at the closer (consumed, depth left). */
static int after_item(struct vg_jscan *s, char closer) {
  ws(s);
  if (s->i < s->len && s->p[s->i] == ',') {
    s->i++;
    return 1;
  }
  if (s->i < s->len && s->p[s->i] == (unsigned char)closer) {
    s->i++;
    s->depth--;
    return 0;
  }
  return vg_jscan_fail(s, VG_EPARSE, s->i < s->len ? s->i : s->len,
                       s->i < s->len ? "expected ',' or '%c'" : "unexpected end of input (expected '%c')",
                       closer);
}

/* State kept in the scanner between items: whether the next item is the
 * first (an empty container closes at once) — encoded by looking back at the
 * previous significant byte. */
static bool at_first(struct vg_jscan *s) {
  size_t j = s->i;
  while (j > 0) {
    unsigned char c = s->p[j - 1];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c == '{' || c == '[';
    j--;
  }
  return false;
}

int vg_jscan_next_key(struct vg_jscan *s, uint32_t obj, struct vg_jval *key) {
  ws(s);
  bool first = at_first(s);
  if (first && s->i < s->len && s->p[s->i] == '}') {
    s->i++;
    s->depth--;
    return 0;
  }
  if (!first) { /* the previous member left us after its value */
    int r = after_item(s, '}');
    if (r <= 0) return r;
    ws(s);
  }
  if (s->i >= s->len || s->p[s->i] != '"')
    return vg_jscan_fail(s, VG_EPARSE, s->i < s->len ? s->i : s->len,
                         s->i < s->len ? "expected a string key" : "unexpected end of input");
  int r = scan_string(s, key);
  if (!r) r = key_add(s, obj, key);
  if (r) return r;
  ws(s);
  if (s->i >= s->len || s->p[s->i] != ':')
    return vg_jscan_fail(s, VG_EPARSE, s->i < s->len ? s->i : s->len, "expected ':'");
  s->i++;
  ws(s);
  return 1;
}

int vg_jscan_next_member(struct vg_jscan *s, uint32_t obj, struct vg_jval *key,
                         struct vg_jval *val) {
  int r = vg_jscan_next_key(s, obj, key);
  if (r <= 0) return r;
  r = vg_jscan_value(s, val);
  return r ? r : 1;
}

int vg_jscan_next_elem(struct vg_jscan *s, struct vg_jval *val) {
  ws(s);
  bool first = at_first(s);
  if (first && s->i < s->len && s->p[s->i] == ']') {
    s->i++;
    s->depth--;
    return 0;
  }
  if (!first) {
    int r = after_item(s, ']');
    if (r <= 0) return r;
  }
  int r = vg_jscan_value(s, val);
  return r ? r : 1;
}

int vg_jscan_value(struct vg_jscan *s, struct vg_jval *v) {
  ws(s);
  if (s->i >= s->len) return vg_jscan_fail(s, VG_EPARSE, s->len, "unexpected end of input");
  unsigned char c = s->p[s->i];
  size_t start = s->i;
  int r;
  switch (c) {
    case '{': {
      uint32_t obj;
      if ((r = vg_jscan_open(s, '{', &obj))) return r;
      struct vg_jval k, x;
      while ((r = vg_jscan_next_member(s, obj, &k, &x)) == 1) {}
      if (r < 0) return r;
      v->type = VG_J_OBJECT;
      break;
    }
    case '[': {
      if ((r = vg_jscan_open(s, '[', NULL))) return r;
      struct vg_jval x;
      while ((r = vg_jscan_next_elem(s, &x)) == 1) {}
      if (r < 0) return r;
      v->type = VG_J_ARRAY;
      break;
    }
    case '"':
      return scan_string(s, v);
    case 't':
      return literal(s, "true", VG_J_TRUE, v);
    case 'f':
      return literal(s, "false", VG_J_FALSE, v);
    case 'n':
      return literal(s, "null", VG_J_NULL, v);
    default:
      if (c == '-' || (c >= '0' && c <= '9')) return scan_number(s, v);
      if (c >= 0x80 && !utf8_len(s->p + s->i, s->len - s->i))
        return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid UTF-8 byte 0x%02x", c);
      return vg_jscan_fail(s, VG_EPARSE, s->i, "invalid token");
  }
  v->off = start;
  v->len = s->i - start;
  v->escaped = false;
  return 0;
}

/* --- decoding ----------------------------------------------------------- */

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int vg_jscan_string(const void *p, const struct vg_jval *v, char *out, size_t cap,
                    size_t *olen) {
  const unsigned char *s = (const unsigned char *)p + v->off + 1;
  size_t n = v->len - 2, o = 0;
  if (!v->escaped) { /* the bytes as they are */
    if (n >= cap) return -VG_ELIMIT;
    memcpy(out, s, n);
    out[n] = '\0';
    if (olen) *olen = n;
    return 0;
  }
  for (size_t i = 0; i < n;) {
    char tmp[4];
    size_t k;
    if (s[i] != '\\') {
      tmp[0] = (char)s[i++];
      k = 1;
    } else if (s[i + 1] != 'u') {
      static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
      tmp[0] = to[strchr(from, s[i + 1]) - from];
      k = 1;
      i += 2;
    } else {
      unsigned cp = (unsigned)hex4(s + i + 2);
      i += 6;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        unsigned lo = (unsigned)hex4(s + i + 2);
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      }
      k = put_utf8(tmp, cp);
    }
    if (o + k >= cap) return -VG_ELIMIT;
    memcpy(out + o, tmp, k);
    o += k;
  }
  if (o >= cap) return -VG_ELIMIT;
  out[o] = '\0';
  if (olen) *olen = o;
  return 0;
}
