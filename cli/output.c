/* output.c — tables and JSON lines (output.h). */
#include "cli/output.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shared/alloc.h"

const char *output_time(int64_t ms, char *buf, size_t n) {
  time_t s = (time_t)(ms / 1000);
  struct tm tm;
  if (!gmtime_r(&s, &tm)) {
    snprintf(buf, n, "%lld", (long long)ms);
    return buf;
  }
  char d[32];
  strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, n, "%s.%03dZ", d, (int)(ms % 1000));
  return buf;
}

void output_json_line(FILE *f, const json_t *v) {
  char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  if (s) fprintf(f, "%s\n", s);
  free(s);
}

void output_event(FILE *f, const json_t *ev, bool json) {
  if (json) {
    output_json_line(f, ev);
  } else {
    const json_t *r = json_object_get(ev, "routing");
    char t[64];
    char *body = json_dumps(json_object_get(ev, "event"), JSON_COMPACT);
    fprintf(f, "%s %s %s %s\n", output_time(json_integer_value(json_object_get(r, "event_time")), t, sizeof t),
            json_string_value(json_object_get(r, "event_type")), json_string_value(json_object_get(r, "sid")),
            body ? body : "{}");
    free(body);
  }
  fflush(f);
}

static const json_t *member(const json_t *o, const char *path) {
  char part[128];
  while (o && *path) {
    size_t n = strcspn(path, ".");
    snprintf(part, sizeof part, "%.*s", (int)(n < sizeof part - 1 ? n : sizeof part - 1), path);
    o = json_object_get(o, part);
    path += n + (path[n] == '.');
  }
  return o;
}

/* The cell text (heap). */
static char *cell(const json_t *o, const struct output_col *col) {
  const json_t *v = member(o, col->member);
  char buf[64];
  switch (col->kind) {
    case OUTPUT_TIME:
      if (!json_is_integer(v) || json_integer_value(v) == 0) return vg_xstrdup("-");
      return vg_xstrdup(output_time(json_integer_value(v), buf, sizeof buf));
    case OUTPUT_BOOL:
      return vg_xstrdup(!v ? "-" : json_is_true(v) ? "yes" : "no");
    case OUTPUT_COUNT:
      snprintf(buf, sizeof buf, "%zu", json_is_array(v) ? json_array_size(v) : json_object_size(v));
      return vg_xstrdup(buf);
    case OUTPUT_KEYS: {
      if (!json_is_object(v) || !json_object_size(v)) return vg_xstrdup("-");
      size_t len = 0;
      const char *k;
      json_t *x;
      json_object_foreach((json_t *)v, k, x) len += strlen(k) + 1;
      char *s = vg_xmalloc(len + 1);
      s[0] = '\0';
      size_t at = 0;
      json_object_foreach((json_t *)v, k, x) at += (size_t)snprintf(s + at, len + 1 - at, "%s%s", at ? "," : "", k);
      return s;
    }
    case OUTPUT_TEXT:
    default:
      if (!v || json_is_null(v)) return vg_xstrdup("-");
      if (json_is_string(v)) return vg_xstrdup(json_string_length(v) ? json_string_value(v) : "-");
      return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  }
}

/* Cut s to OUTPUT_CELL_MAX bytes on a character boundary. */
static void cut(char *s) {
  size_t n = strlen(s);
  if (n <= OUTPUT_CELL_MAX) return;
  size_t at = OUTPUT_CELL_MAX - 3;
  while (at && ((unsigned char)s[at] & 0xc0) == 0x80) at--;
  memcpy(s + at, "\xe2\x80\xa6", 4); /* … */
}

static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++) w += ((unsigned char)*s & 0xc0) != 0x80;
  return w;
}

void output_list(FILE *f, const json_t *items, const struct output_col *cols, bool json) {
  size_t i;
  json_t *it;
  if (json) {
    json_array_foreach((json_t *)items, i, it) output_json_line(f, it);
    return;
  }
  size_t ncol = 0;
  while (cols[ncol].title) ncol++;
  size_t nrow = json_array_size(items);
  char **cells = vg_xcalloc((nrow + 1) * ncol, sizeof(char *));
  size_t *w = vg_xcalloc(ncol, sizeof(size_t));
  for (size_t c = 0; c < ncol; c++) cells[c] = vg_xstrdup(cols[c].title);
  json_array_foreach((json_t *)items, i, it) for (size_t c = 0; c < ncol; c++) {
    char *s = cell(it, &cols[c]);
    cut(s);
    cells[(i + 1) * ncol + c] = s;
  }
  for (size_t r = 0; r <= nrow; r++)
    for (size_t c = 0; c < ncol; c++)
      if (width(cells[r * ncol + c]) > w[c]) w[c] = width(cells[r * ncol + c]);
  for (size_t r = 0; r <= nrow; r++) {
    for (size_t c = 0; c < ncol; c++) {
      const char *s = cells[r * ncol + c];
      if (c + 1 == ncol) fputs(s, f);
      else fprintf(f, "%s%*s", s, (int)(w[c] - width(s) + 2), "");
      free(cells[r * ncol + c]);
    }
    fputc('\n', f);
  }
  free(cells);
  free(w);
}

void output_record(FILE *f, const json_t *obj, const struct output_col *cols, bool json) {
  if (json) {
    output_json_line(f, obj);
    return;
  }
  if (cols) {
    size_t w = 0;
    for (const struct output_col *c = cols; c->title; c++)
      if (strlen(c->title) > w) w = strlen(c->title);
    for (const struct output_col *c = cols; c->title; c++) {
      char *s = cell(obj, c);
      fprintf(f, "%-*s  %s\n", (int)w, c->title, s);
      free(s);
    }
    return;
  }
  const char *k;
  json_t *v;
  size_t w = 0;
  json_object_foreach((json_t *)obj, k, v) if (strlen(k) > w) w = strlen(k);
  json_object_foreach((json_t *)obj, k, v) {
    struct output_col c = {k, k, OUTPUT_TEXT};
    char *s = cell(obj, &c);
    fprintf(f, "%-*s  %s\n", (int)w, k, s);
    free(s);
  }
}
