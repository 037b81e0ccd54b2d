/* textconf.c — the keymap/theme line format. */
#include "tui/textconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared/alloc.h"
#include "tui/canvas.h"

int textconf_error(struct vg_err *err, int code, const struct textconf_line *l, int i,
                   const char *fmt, ...) {
  char msg[VG_LIMIT_ERR_MSG_BYTES];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int col = i >= 0 && i < l->nwords ? l->cols[i] : 0;
  return vg_err_set(err, code, l->file, l->line, col, "%s", msg);
}

static int valid_utf8(const char *s, size_t n) {
  while (n) {
    uint32_t cp;
    int k = canvas_utf8_decode(s, n, &cp);
    if (cp == 0xFFFD && !(k == 3 && (unsigned char)s[0] == 0xEF)) return 0;
    s += k, n -= (size_t)k;
  }
  return 1;
}

int textconf_parse(const char *file, const char *text, size_t len,
                   int (*fn)(const struct textconf_line *l, void *ctx, struct vg_err *err),
                   void *ctx, struct vg_err *err) {
  if (len > TEXTCONF_MAX_BYTES)
    return vg_err_set(err, VG_ELIMIT, file, 0, 0, "file is larger than %u bytes",
                      TEXTCONF_MAX_BYTES);
  size_t pos = 0;
  int lineno = 0;
  char buf[TEXTCONF_LINE_BYTES + 1];
  while (pos < len) {
    lineno++;
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    size_t n = end - pos;
    if (n && text[pos + n - 1] == '\r') n--;
    if (n > TEXTCONF_LINE_BYTES)
      return vg_err_set(err, VG_ELIMIT, file, lineno, 0, "line is longer than %d bytes",
                        TEXTCONF_LINE_BYTES);
    if (memchr(text + pos, '\0', n))
      return vg_err_set(err, VG_EPARSE, file, lineno, 0, "NUL byte in line");
    if (!valid_utf8(text + pos, n))
      return vg_err_set(err, VG_EPARSE, file, lineno, 0, "invalid UTF-8");
    memcpy(buf, text + pos, n);
    buf[n] = '\0';
    pos = end + 1;
    struct textconf_line l = {.file = file, .line = lineno};
    char *p = buf;
    for (;;) {
      while (*p == ' ' || *p == '\t') p++;
      if (!*p || *p == '#') break;
      if (l.nwords == TEXTCONF_MAX_WORDS)
        return vg_err_set(err, VG_ELIMIT, file, lineno, (int)(p - buf) + 1,
                          "more than %d words on a line", TEXTCONF_MAX_WORDS);
      l.cols[l.nwords] = (int)(p - buf) + 1;
      l.words[l.nwords++] = p;
      while (*p && *p != ' ' && *p != '\t') p++;
      if (*p) *p++ = '\0';
    }
    if (l.nwords == 0) continue;
    int rc = fn(&l, ctx, err);
    if (rc) return rc;
  }
  return 0;
}

int textconf_read_file(const char *path, char **out, size_t *len, struct vg_err *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    int code = errno == ENOENT ? VG_ENOTFOUND : VG_EIO;
    return vg_err_set(err, code, path, 0, 0, "cannot open: %s", strerror(errno));
  }
  char *buf = vg_xmalloc(TEXTCONF_MAX_BYTES + 2);
  size_t n = fread(buf, 1, TEXTCONF_MAX_BYTES + 1, f);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    return vg_err_set(err, VG_EIO, path, 0, 0, "read error");
  }
  if (n > TEXTCONF_MAX_BYTES) {
    free(buf);
    return vg_err_set(err, VG_ELIMIT, path, 0, 0, "file is larger than %u bytes",
                      TEXTCONF_MAX_BYTES);
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}
