/* err.c — the error table and struct vg_err helpers. */
#include "shared/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
  const char *name;
  const char *msg;
} err_table[] = {
#define VG_ERR_ROW(name, msg) {#name, msg},
    VG_ERR_TABLE(VG_ERR_ROW)
#undef VG_ERR_ROW
};

static int err_index(int code) { return code < 0 ? -code : code; }

const char *vg_strerror(int code) {
  int i = err_index(code);
  return i < VG__CODE_COUNT ? err_table[i].msg : "unknown error";
}

const char *vg_code_name(int code) {
  int i = err_index(code);
  return i < VG__CODE_COUNT ? err_table[i].name : "EUNKNOWNCODE";
}

void vg_err_clear(struct vg_err *e) {
  if (!e) return;
  memset(e, 0, sizeof(*e));
  e->pos = -1;
}

static int err_vset(struct vg_err *e, int code, const char *file, int line,
                    int col, const char *fmt, va_list ap) {
  code = err_index(code);
  if (!e) return -code;
  e->code = code;
  e->line = line;
  e->col = col;
  e->pos = -1;
  snprintf(e->file, sizeof(e->file), "%s", file ? file : "");
  if (fmt)
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  else
    snprintf(e->msg, sizeof(e->msg), "%s", vg_strerror(code));
  return -code;
}

int vg_err_set(struct vg_err *e, int code, const char *file, int line, int col,
               const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = err_vset(e, code, file, line, col, fmt, ap);
  va_end(ap);
  return r;
}

int vg_err_fail(struct vg_err *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = err_vset(e, code, NULL, 0, 0, fmt, ap);
  va_end(ap);
  return r;
}

const char *vg_err_str(const struct vg_err *e, char *buf, size_t n) {
  if (!buf || n == 0) return buf;
  if (!e || !e->code) {
    snprintf(buf, n, "%s", "no error");
    return buf;
  }
  char where[192] = "";
  if (e->file[0] && e->line > 0 && e->col > 0)
    snprintf(where, sizeof(where), "%s:%d:%d: ", e->file, e->line, e->col);
  else if (e->file[0] && e->line > 0)
    snprintf(where, sizeof(where), "%s:%d: ", e->file, e->line);
  else if (e->line > 0 && e->col > 0)
    snprintf(where, sizeof(where), "%d:%d: ", e->line, e->col);
  else if (e->file[0])
    snprintf(where, sizeof(where), "%s: ", e->file);
  else if (e->pos >= 0)
    snprintf(where, sizeof(where), "byte %ld: ", e->pos);
  snprintf(buf, n, "%s%s", where, e->msg[0] ? e->msg : vg_strerror(e->code));
  return buf;
}
