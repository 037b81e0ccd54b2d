/* expr_ops.c — the operators of the expression engine: each node's path
 * selects values (subjects), transforms apply (file name, sub domain), and
 * the operator compares them with the node's values. A node holds if any
 * subject passes against any value (a sensor variable contributes each of
 * its values). */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shared/expr_int.h"
#include "shared/limits.h"
#include "shared/platform.h"
#include "shared/routing.h"

#define TXT_BYTES (VG_LIMIT_EXPR_STR_BYTES + 1)

const char *vg_expr_render(const json_t *j, char *buf, size_t n, size_t *len) {
  int k;
  switch (json_typeof(j)) {
    case JSON_STRING:
      *len = json_string_length(j);
      return json_string_value(j);
    case JSON_INTEGER:
      k = snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
      break;
    case JSON_REAL:
      k = snprintf(buf, n, "%.15g", json_real_value(j));
      break;
    case JSON_TRUE:
      k = snprintf(buf, n, "true");
      break;
    case JSON_FALSE:
      k = snprintf(buf, n, "false");
      break;
    case JSON_NULL:
      k = 0;
      buf[0] = '\0';
      break;
    default:
      return NULL;
  }
  *len = k < 0 ? 0 : (size_t)k >= n ? n - 1 : (size_t)k;
  return buf;
}

static size_t select_values(const struct vg_expr *e, const json_t *root, json_t **out) {
  if (!e->path) {
    out[0] = (json_t *)root;
    return 1;
  }
  return vg_path_select(e->path, (json_t *)root, out, VG_LIMIT_EXPR_MATCHES);
}

/* ---- comparisons ---- */

static bool eq(const char *a, size_t al, const char *b, size_t bl, bool nocase) {
  return al == bl && (nocase ? strncasecmp(a, b, al) == 0 : memcmp(a, b, al) == 0);
}

static const char *find(const char *h, size_t hl, const char *n, size_t nl, bool nocase) {
  if (nl == 0) return h;
  if (nl > hl) return NULL;
  for (size_t i = 0; i + nl <= hl; i++) {
    if (nocase ? strncasecmp(h + i, n, nl) == 0 : memcmp(h + i, n, nl) == 0) return h + i;
  }
  return NULL;
}

static size_t levenshtein(const char *a, size_t al, const char *b, size_t bl, bool nocase) {
  size_t row[VG_LIMIT_EXPR_DISTANCE_BYTES + 1];
  for (size_t j = 0; j <= bl; j++) row[j] = j;
  for (size_t i = 1; i <= al; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= bl; j++) {
      size_t up = row[j];
      int ca = (unsigned char)a[i - 1], cb = (unsigned char)b[j - 1];
      if (nocase) ca = tolower(ca), cb = tolower(cb);
      size_t best = diag + (ca != cb);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      diag = up;
      row[j] = best;
    }
  }
  return row[bl];
}

static bool num_of_text(const char *s, double *out) {
  char *end;
  if (!s || !*s) return false;
  *out = strtod(s, &end);
  return *end == '\0' && !isnan(*out);
}

/* The subject as a number: JSON number, numeric text, or a length. */
static bool subject_num(const struct vg_expr *e, const json_t *j, const char *s, double *out) {
  if (e->flags & VG_EXPR_LENGTH_OF) {
    if (json_is_array(j)) *out = (double)json_array_size(j);
    else if (json_is_object(j)) *out = (double)json_object_size(j);
    else if (s) *out = (double)strlen(s);
    else return false;
    return true;
  }
  if (json_is_number(j)) {
    *out = json_number_value(j);
    return true;
  }
  return num_of_text(s, out);
}

/* Compare one subject with one value's text vt (vl bytes). */
static bool cmp_one(const struct vg_expr *e, const json_t *j, const char *s, size_t sl,
                    const char *vt, size_t vl, const struct vg_expr_value *lit) {
  bool nocase = e->flags & VG_EXPR_NOCASE;
  double a, b;
  switch (e->op) {
    case VG_OP_IS:
      if (json_is_number(j) && !(e->flags & VG_EXPR_FILE_NAME) && !e->has_sub) {
        if (lit ? lit->is_num : num_of_text(vt, &b)) {
          if (lit) b = lit->num;
          return json_number_value(j) == b;
        }
      }
      return s && eq(s, sl, vt, vl, nocase);
    case VG_OP_CONTAINS: {
      if (!s) return false;
      int64_t n = 0, need = e->count > 0 ? e->count : 1;
      const char *p = s, *end = s + sl;
      if (vl == 0) return true;
      while ((p = find(p, (size_t)(end - p), vt, vl, nocase))) {
        if (++n >= need) return true;
        p += vl;
      }
      return false;
    }
    case VG_OP_STARTS_WITH:
      return s && sl >= vl && eq(s, vl, vt, vl, nocase);
    case VG_OP_ENDS_WITH:
      return s && sl >= vl && eq(s + sl - vl, vl, vt, vl, nocase);
    case VG_OP_GREATER:
    case VG_OP_LOWER:
      if (!subject_num(e, j, s, &a)) return false;
      if (lit && lit->is_num) b = lit->num;
      else if (!num_of_text(vt, &b)) return false;
      return e->op == VG_OP_GREATER ? a > b : a < b;
    case VG_OP_STRING_DISTANCE:
      if (!s || sl > VG_LIMIT_EXPR_DISTANCE_BYTES || vl > VG_LIMIT_EXPR_DISTANCE_BYTES)
        return false;
      if ((sl > vl ? sl - vl : vl - sl) > (size_t)e->max) return false;
      return levenshtein(s, sl, vt, vl, nocase) <= (size_t)e->max;
    default:
      return false;
  }
}

/* One subject against every value of the node. */
static bool test_subject(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                         const struct vg_expr_env *env, const json_t *j, const char *s,
                         size_t sl) {
  char vbuf[64];
  for (size_t i = 0; i < e->nvalues; i++) {
    const struct vg_expr_value *v = &e->values[i];
    if (v->kind == VG_VAL_TEXT) {
      if (cmp_one(e, j, s, sl, v->text, v->len, v)) return true;
    } else if (v->kind == VG_VAL_LOOKBACK) {
      json_t *lv = vg_path_first(v->path, (json_t *)ev);
      size_t ll = 0;
      const char *lt = lv ? vg_expr_render(lv, vbuf, sizeof(vbuf), &ll) : NULL;
      if (lt && cmp_one(e, j, s, sl, lt, ll, NULL)) return true;
    } else if (env && env->var) {
      const json_t *arr = env->var(env->user, r, v->text);
      size_t k;
      const json_t *x;
      json_array_foreach(arr, k, x) {
        if (json_is_string(x) &&
            cmp_one(e, j, s, sl, json_string_value(x), json_string_length(x), NULL))
          return true;
      }
    }
  }
  return false;
}

/* One match data per thread, reused by every match (freed at thread exit):
 * only whether a match exists is read, so one pair of offsets is enough. */
static pthread_key_t md_key;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static void md_free(void *md) { pcre2_match_data_free(md); }
static void md_init(void) {
  if (pthread_key_create(&md_key, md_free)) abort();
}
static pcre2_match_data *match_data(void) {
  pthread_once(&md_once, md_init);
  pcre2_match_data *md = pthread_getspecific(md_key);
  if (!md) {
    md = pcre2_match_data_create(1, NULL);
    if (!md) abort();
    pthread_setspecific(md_key, md);
  }
  return md;
}

static bool test_text(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                      const struct vg_expr_env *env, const json_t *j, const char *s, size_t sl) {
  if (e->op == VG_OP_MATCHES) {
    if (!s || !e->re) return false;
    int rc = pcre2_match(e->re, (PCRE2_SPTR)s, sl, 0, 0, match_data(), e->mctx);
    return rc >= 0; /* a limit hit (PCRE2_ERROR_MATCHLIMIT…) is no match */
  }
  if (e->op == VG_OP_CIDR || e->op == VG_OP_IS_PUBLIC || e->op == VG_OP_IS_PRIVATE) {
    uint8_t a[16];
    int fam;
    if (!s || !vg_expr_net_parse(s, a, &fam)) return false;
    if (e->op == VG_OP_CIDR) return vg_expr_net_in(a, fam, e->net, e->net_family, e->net_bits);
    return vg_expr_net_private(a, fam) == (e->op == VG_OP_IS_PRIVATE);
  }
  if (e->op == VG_OP_LOOKUP) {
    if (!s || !env || !env->lookup || !e->name) return false;
    const json_t *mtd = NULL;
    if (!env->lookup(env->user, e->name, s, &mtd)) return false;
    if (!e->nkids) return true;
    return mtd && vg_expr_node_eval(e->kids[0], mtd, r, env);
  }
  return test_subject(e, ev, r, env, j, s, sl);
}

/* Apply sub domain to s, then test: each label alone (":"), or the slice. */
static bool test_sub(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                     const struct vg_expr_env *env, const json_t *j, const char *s, size_t sl) {
  if (!e->has_sub) return test_text(e, ev, r, env, j, s, sl);
  if (!s) return false;
  size_t starts[256], ends[256], n = 0, p = 0;
  while (n < 256) {
    const char *dot = memchr(s + p, '.', sl - p);
    size_t end = dot ? (size_t)(dot - s) : sl;
    starts[n] = p;
    ends[n++] = end;
    if (!dot) break;
    p = end + 1;
  }
  char buf[TXT_BYTES];
  if (e->sub_each) {
    for (size_t i = 0; i < n; i++) {
      size_t l = ends[i] - starts[i];
      memcpy(buf, s + starts[i], l);
      buf[l] = '\0';
      if (test_text(e, ev, r, env, j, buf, l)) return true;
    }
    return false;
  }
  int64_t lo, hi, N = (int64_t)n;
  if (e->sub_single) {
    lo = e->sub_lo < 0 ? N + e->sub_lo : e->sub_lo;
    if (lo < 0 || lo >= N) return false;
    hi = lo + 1;
  } else {
    lo = e->sub_has_lo ? (e->sub_lo < 0 ? N + e->sub_lo : e->sub_lo) : 0;
    hi = e->sub_has_hi ? (e->sub_hi < 0 ? N + e->sub_hi : e->sub_hi) : N;
    if (lo < 0) lo = 0;
    if (hi > N) hi = N;
    if (lo >= hi) return false;
  }
  size_t a = starts[lo], b = ends[hi - 1], l = b - a;
  memcpy(buf, s + a, l);
  buf[l] = '\0';
  return test_text(e, ev, r, env, j, buf, l);
}

static bool test_value(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                       const struct vg_expr_env *env, const json_t *j) {
  char buf[TXT_BYTES];
  size_t sl = 0;
  const char *s = vg_expr_render(j, buf, sizeof(buf), &sl);
  if (s && sl > VG_LIMIT_EXPR_STR_BYTES && (e->flags & VG_EXPR_FILE_NAME || e->has_sub))
    sl = VG_LIMIT_EXPR_STR_BYTES;
  if (s && (e->flags & VG_EXPR_FILE_NAME)) {
    size_t k = sl;
    while (k > 0 && s[k - 1] != '/' && s[k - 1] != '\\') k--;
    memmove(buf, s + k, sl - k);
    sl -= k;
    buf[sl] = '\0';
    s = buf;
  }
  return test_sub(e, ev, r, env, j, s, sl);
}

static bool scope_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                       const struct vg_expr_env *env) {
  if (!e->nkids) return false;
  json_t *vals[VG_LIMIT_EXPR_MATCHES];
  size_t n = select_values(e, ev, vals);
  json_t *routing = json_object_get(ev, "routing");
  for (size_t i = 0; i < n; i++) {
    json_t *items = vals[i];
    size_t cnt = json_is_array(items) ? json_array_size(items) : 1;
    for (size_t k = 0; k < cnt; k++) {
      json_t *it = json_is_array(items) ? json_array_get(items, k) : items;
      json_t *env_ev = json_object();
      if (routing) json_object_set(env_ev, "routing", routing);
      json_object_set(env_ev, "event", it);
      bool ok = vg_expr_node_eval(e->kids[0], env_ev, r, env);
      json_decref(env_ev);
      if (ok) return true;
    }
  }
  return false;
}

static bool is_plat(const struct vg_routing *r, uint32_t code) {
  return (r->plat & 0xff000000u) == code;
}

bool vg_expr_op_eval(const struct vg_expr *e, const json_t *ev, const struct vg_routing *r,
                     const struct vg_expr_env *env) {
  switch (e->op) {
    case VG_OP_TRUE:
      return true;
    case VG_OP_AND:
      for (size_t i = 0; i < e->nkids; i++)
        if (!vg_expr_node_eval(e->kids[i], ev, r, env)) return false;
      return true;
    case VG_OP_OR:
      for (size_t i = 0; i < e->nkids; i++)
        if (vg_expr_node_eval(e->kids[i], ev, r, env)) return true;
      return false;
    case VG_OP_IS_WINDOWS:
      return is_plat(r, VG_PLAT_WINDOWS);
    case VG_OP_IS_LINUX:
      return is_plat(r, VG_PLAT_LINUX);
    case VG_OP_IS_MAC:
      return is_plat(r, VG_PLAT_MACOS);
    case VG_OP_IS_CHROME:
      return is_plat(r, VG_PLAT_CHROME);
    case VG_OP_IS_PLATFORM:
      return is_plat(r, e->plat_code);
    case VG_OP_IS_32BIT:
      return r->arch == VG_ARCH_X86 || r->arch == VG_ARCH_ARM;
    case VG_OP_IS_64BIT:
      return r->arch == VG_ARCH_X64 || r->arch == VG_ARCH_ARM64 || r->arch == VG_ARCH_ALPINE64;
    case VG_OP_IS_ARM:
      return r->arch == VG_ARCH_ARM || r->arch == VG_ARCH_ARM64;
    case VG_OP_IS_TAGGED:
      for (size_t i = 0; e->name && i < r->ntags; i++)
        if (strcmp(r->tags[i], e->name) == 0) return true;
      return false;
    case VG_OP_EXTERNAL:
      if (!env || !env->external || env->depth >= VG_LIMIT_EXPR_EXTERNAL_DEPTH) return false;
      return env->external(env->user, e->name, ev, r, env->depth + 1);
    case VG_OP_SCOPE:
      return scope_eval(e, ev, r, env);
    default:
      break;
  }
  json_t *vals[VG_LIMIT_EXPR_MATCHES];
  size_t n = select_values(e, ev, vals);
  if (e->op == VG_OP_EXISTS) {
    if (!(e->flags & VG_EXPR_TRUTHY)) return n > 0;
    for (size_t i = 0; i < n; i++) {
      if (json_is_null(vals[i])) continue;
      if (json_is_string(vals[i]) && json_string_length(vals[i]) == 0) continue;
      return true;
    }
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    /* A list of scalars (routing/tags, a list of IPs) is tested item by item. */
    if (json_is_array(vals[i]) && !(e->flags & VG_EXPR_LENGTH_OF)) {
      size_t k;
      json_t *x;
      json_array_foreach(vals[i], k, x) if (test_value(e, ev, r, env, x)) return true;
    } else if (test_value(e, ev, r, env, vals[i])) {
      return true;
    }
  }
  return false;
}
