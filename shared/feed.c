/* feed.c — threat feeds as open-addressing hash sets of lower-cased
 * strings kept in one arena; CIDR entries keyed by their canonical masked
 * form, with the set of prefix lengths present. */
#include "shared/feed.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "shared/limits.h"

struct vg_feed {
  char *arena;
  size_t arena_len, arena_cap;
  size_t *slots; /* offset+1 into arena; 0 = empty */
  json_t **mtd;  /* per slot, or NULL */
  size_t cap, n;
  bool v4len[33], v6len[129];
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ULL;
  return h ^ (h >> 29);
}

static void grow(struct vg_feed *f);

static void insert(struct vg_feed *f, const char *key, json_t *mtd) {
  if ((f->n + 1) * 2 > f->cap) grow(f);
  size_t i = hash(key) & (f->cap - 1);
  while (f->slots[i]) {
    if (strcmp(f->arena + f->slots[i] - 1, key) == 0) { /* duplicate: keep the first */
      json_decref(mtd);
      return;
    }
    i = (i + 1) & (f->cap - 1);
  }
  size_t l = strlen(key) + 1;
  if (f->arena_len + l > f->arena_cap) {
    f->arena_cap = (f->arena_cap + l) * 2;
    f->arena = vg_xrealloc(f->arena, f->arena_cap);
  }
  memcpy(f->arena + f->arena_len, key, l);
  f->slots[i] = f->arena_len + 1;
  f->mtd[i] = mtd;
  f->arena_len += l;
  f->n++;
}

static void grow(struct vg_feed *f) {
  size_t oc = f->cap, *os = f->slots;
  json_t **om = f->mtd;
  f->cap = oc ? oc * 2 : 1024;
  f->slots = vg_xcalloc(f->cap, sizeof(*f->slots));
  f->mtd = vg_xcalloc(f->cap, sizeof(*f->mtd));
  for (size_t i = 0; i < oc; i++) {
    if (!os[i]) continue;
    size_t j = hash(f->arena + os[i] - 1) & (f->cap - 1);
    while (f->slots[j]) j = (j + 1) & (f->cap - 1);
    f->slots[j] = os[i];
    f->mtd[j] = om[i];
  }
  free(os);
  free(om);
}

static ssize_t find(const struct vg_feed *f, const char *key) {
  if (!f->cap) return -1;
  size_t i = hash(key) & (f->cap - 1);
  while (f->slots[i]) {
    if (strcmp(f->arena + f->slots[i] - 1, key) == 0) return (ssize_t)i;
    i = (i + 1) & (f->cap - 1);
  }
  return -1;
}

/* Canonical "addr/len" of an address masked to len bits. */
static bool masked(const uint8_t *a, int fam, int len, char *out, size_t n) {
  uint8_t m[16] = {0};
  int bytes = fam == 4 ? 4 : 16;
  for (int i = 0; i < bytes; i++) {
    int bits = len - i * 8;
    m[i] = bits >= 8 ? a[i] : bits <= 0 ? 0 : (uint8_t)(a[i] & (0xff << (8 - bits)));
  }
  char txt[INET6_ADDRSTRLEN];
  if (!inet_ntop(fam == 4 ? AF_INET : AF_INET6, m, txt, sizeof(txt))) return false;
  snprintf(out, n, "%s/%d", txt, len);
  return true;
}

static bool parse_addr(const char *s, uint8_t *a, int *fam) {
  if (inet_pton(AF_INET, s, a) == 1) return *fam = 4, true;
  if (inet_pton(AF_INET6, s, a) == 1) return *fam = 6, true;
  return false;
}

static int add_entry(struct vg_feed *f, const char *raw, json_t *mtd, struct vg_err *err,
                     const char *path, size_t line) {
  char key[VG_LIMIT_FEED_LINE_BYTES + 1];
  size_t l = strlen(raw);
  if (l > VG_LIMIT_FEED_LINE_BYTES) {
    json_decref(mtd);
    return vg_err_set(err, VG_ELIMIT, path, (int)line, 0, "entry longer than %d bytes",
                      VG_LIMIT_FEED_LINE_BYTES);
  }
  if (f->n >= VG_LIMIT_FEED_ENTRIES) {
    json_decref(mtd);
    return vg_err_set(err, VG_ELIMIT, path, (int)line, 0, "more than %u entries",
                      VG_LIMIT_FEED_ENTRIES);
  }
  for (size_t i = 0; i <= l; i++) key[i] = (char)tolower((unsigned char)raw[i]);
  char *slash = strchr(key, '/');
  if (slash) {
    *slash = '\0';
    uint8_t a[16];
    int fam;
    char *end;
    long bits = strtol(slash + 1, &end, 10);
    if (parse_addr(key, a, &fam) && !*end && bits >= 0 && bits <= (fam == 4 ? 32 : 128)) {
      char canon[80];
      masked(a, fam, (int)bits, canon, sizeof(canon));
      if (fam == 4) f->v4len[bits] = true;
      else f->v6len[bits] = true;
      insert(f, canon, mtd);
      return 0;
    }
    *slash = '/';
  }
  insert(f, key, mtd);
  return 0;
}

static int load_json(struct vg_feed *f, const char *text, size_t len, const char *path,
                     struct vg_err *err) {
  json_error_t je;
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (!j || !(json_is_array(j) || json_is_object(j))) {
    json_decref(j);
    return vg_err_set(err, VG_EPARSE, path, j ? 1 : je.line, j ? 1 : je.column,
                      "%s", j ? "expected an array of strings or an object" : je.text);
  }
  int r = 0;
  if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) {
      if (!json_is_string(v)) {
        r = vg_err_set(err, VG_ETYPE, path, 0, 0, "[%zu]: expected a string", i);
        break;
      }
      if ((r = add_entry(f, json_string_value(v), NULL, err, path, i + 1))) break;
    }
  } else {
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) if ((r = add_entry(f, k, json_incref(v), err, path, 0))) break;
  }
  json_decref(j);
  return r;
}

struct vg_feed *vg_feed_load(const char *path, struct vg_err *err) {
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    vg_err_set(err, VG_EIO, path, 0, 0, "cannot open: %m");
    return NULL;
  }
  struct vg_feed *f = vg_xcalloc(1, sizeof(*f));
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t n;
  int r = 0;
  int c = fgetc(fp);
  while (c == ' ' || c == '\n' || c == '\t' || c == '\r') c = fgetc(fp);
  if (c == '[' || c == '{') { /* JSON: read it whole */
    ungetc(c, fp);
    char *buf = NULL;
    size_t bl = 0;
    FILE *mem = open_memstream(&buf, &bl);
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof(tmp), fp)) > 0) fwrite(tmp, 1, k, mem);
    fclose(mem);
    r = load_json(f, buf, bl, path, err);
    free(buf);
  } else {
    if (c != EOF) ungetc(c, fp);
    while ((n = getline(&line, &cap, fp)) >= 0) {
      lineno++;
      char *s = line;
      while (*s && isspace((unsigned char)*s)) s++;
      if (!*s || *s == '#') continue;
      char *e = s;
      while (*e && !isspace((unsigned char)*e) && *e != ',') e++;
      *e = '\0';
      if ((r = add_entry(f, s, NULL, err, path, lineno))) break;
    }
  }
  free(line);
  fclose(fp);
  if (r) {
    vg_feed_free(f);
    return NULL;
  }
  return f;
}

void vg_feed_free(struct vg_feed *f) {
  if (!f) return;
  for (size_t i = 0; i < f->cap; i++) json_decref(f->mtd[i]);
  free(f->mtd);
  free(f->slots);
  free(f->arena);
  free(f);
}

size_t vg_feed_size(const struct vg_feed *f) { return f ? f->n : 0; }

bool vg_feed_has(const struct vg_feed *f, const char *value, const json_t **mtd) {
  char key[VG_LIMIT_FEED_LINE_BYTES + 1];
  size_t l = strlen(value);
  if (!f || l > VG_LIMIT_FEED_LINE_BYTES) return false;
  for (size_t i = 0; i <= l; i++) key[i] = (char)tolower((unsigned char)value[i]);
  ssize_t i = find(f, key);
  uint8_t a[16];
  int fam;
  if (i < 0 && parse_addr(key, a, &fam)) {
    const bool *lens = fam == 4 ? f->v4len : f->v6len;
    int max = fam == 4 ? 32 : 128;
    char canon[80];
    for (int b = max; b >= 0 && i < 0; b--)
      if (lens[b] && masked(a, fam, b, canon, sizeof(canon))) i = find(f, canon);
  }
  if (i < 0) return false;
  if (mtd) *mtd = f->mtd[i];
  return true;
}
