/* input.c — the one-line editor. */
#include "tui/input.h"

#include <stdio.h>
#include <string.h>

#include "tui/history.h"

#define INPUT_CANDIDATES 64

void input_init(struct input *in, const char *label, const char *text) {
  memset(in, 0, sizeof *in);
  snprintf(in->label, sizeof in->label, "%s", label);
  snprintf(in->buf, sizeof in->buf, "%s", text ? text : "");
  in->len = in->cur = strlen(in->buf);
  in->hist_pos = -1;
}

static size_t prev_char(const struct input *in, size_t i) {
  if (i == 0 || i > in->len) return 0;
  i--;
  while (i > 0 && i < sizeof in->buf && ((unsigned char)in->buf[i] & 0xC0) == 0x80) i--;
  return i;
}

static size_t next_char(const struct input *in, size_t i) {
  if (i >= in->len) return in->len;
  i++;
  while (i < in->len && ((unsigned char)in->buf[i] & 0xC0) == 0x80) i++;
  return i;
}

static void erase(struct input *in, size_t from, size_t to) {
  memmove(in->buf + from, in->buf + to, in->len - to + 1);
  in->len -= to - from;
  in->cur = from;
}

static void set_text(struct input *in, const char *s) {
  snprintf(in->buf, sizeof in->buf, "%s", s);
  in->len = in->cur = strlen(in->buf);
}

static void insert_bytes(struct input *in, const char *s, size_t n) {
  if (in->len + n >= sizeof in->buf) return;
  memmove(in->buf + in->cur + n, in->buf + in->cur, in->len - in->cur + 1);
  memcpy(in->buf + in->cur, s, n);
  in->len += n;
  in->cur += n;
}

void input_insert(struct input *in, int cp) {
  char u[4];
  size_t n;
  if (cp < 0x20 || cp == 0x7F || cp > 0x10FFFF) return;
  if (cp < 0x80) {
    u[0] = (char)cp, n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  insert_bytes(in, u, n);
  in->note[0] = '\0';
}

static void complete(struct input *in) {
  if (!in->complete) return;
  const char *cands[INPUT_CANDIDATES];
  size_t start = in->cur;
  int n = in->complete(in->complete_ctx, in->buf, in->cur, &start, cands, INPUT_CANDIDATES);
  in->note[0] = '\0';
  if (n <= 0 || start > in->cur) return;
  /* the longest common prefix of the candidates */
  size_t common = strlen(cands[0]);
  for (int i = 1; i < n; i++) {
    size_t k = 0;
    while (k < common && cands[i][k] == cands[0][k]) k++;
    common = k;
  }
  size_t typed = in->cur - start;
  if (common > typed) insert_bytes(in, cands[0] + typed, common - typed);
  if (n == 1) {
    insert_bytes(in, " ", 1);
  } else {
    size_t used = 0;
    for (int i = 0; i < n && used + strlen(cands[i]) + 2 < sizeof in->note; i++)
      used += (size_t)snprintf(in->note + used, sizeof in->note - used, "%s%s", i ? " " : "",
                               cands[i]);
  }
}

bool input_action(struct input *in, enum action act) {
  switch (act) {
  case ACT_LINE_START: in->cur = 0; break;
  case ACT_LINE_END: in->cur = in->len; break;
  case ACT_CURSOR_LEFT: in->cur = prev_char(in, in->cur); break;
  case ACT_CURSOR_RIGHT: in->cur = next_char(in, in->cur); break;
  case ACT_DELETE_BACK:
    if (in->cur) erase(in, prev_char(in, in->cur), in->cur);
    break;
  case ACT_DELETE_FORWARD:
    if (in->cur < in->len) erase(in, in->cur, next_char(in, in->cur));
    break;
  case ACT_DELETE_WORD: {
    size_t i = in->cur;
    while (i > 0 && in->buf[i - 1] == ' ') i--;
    while (i > 0 && in->buf[i - 1] != ' ') i--;
    erase(in, i, in->cur);
    break;
  }
  case ACT_KILL_LINE: set_text(in, ""); break;
  case ACT_COMPLETE: complete(in); return true;
  case ACT_HISTORY_PREV:
    if (!in->hist) return false;
    if (history_get(in->hist, in->hist_pos + 1)) {
      if (in->hist_pos < 0) snprintf(in->saved, sizeof in->saved, "%s", in->buf);
      in->hist_pos++;
      set_text(in, history_get(in->hist, in->hist_pos));
    }
    break;
  case ACT_HISTORY_NEXT:
    if (!in->hist) return false;
    if (in->hist_pos > 0) {
      in->hist_pos--;
      set_text(in, history_get(in->hist, in->hist_pos));
    } else if (in->hist_pos == 0) {
      in->hist_pos = -1;
      set_text(in, in->saved);
    }
    break;
  default: return false;
  }
  in->note[0] = '\0';
  return true;
}

void input_draw(const struct input *in, struct canvas *c, int x, int y, int w) {
  canvas_fill(c, (struct rect){x, y, w, 1}, ROLE_PROMPT);
  int lw = canvas_put(c, x, y, ROLE_PROMPT, w, in->label);
  int room = w - lw - 1;
  if (room <= 0) return;
  /* scroll so the cursor stays visible */
  char before[INPUT_BYTES];
  memcpy(before, in->buf, in->cur);
  before[in->cur] = '\0';
  const char *start = in->buf;
  int cw = canvas_text_width(before);
  while (cw > room - 1 && *start) {
    uint32_t cp;
    int l = canvas_utf8_decode(start, strlen(start), &cp);
    char one[5] = {0};
    memcpy(one, start, (size_t)l);
    cw -= canvas_text_width(one);
    start += l;
  }
  int tw = canvas_put(c, x + lw, y, ROLE_PROMPT, room, start);
  if (in->note[0] && lw + tw + 3 < w)
    canvas_put(c, x + lw + tw + 2, y, ROLE_DIM, w - lw - tw - 2, in->note);
  c->cur_x = x + lw + cw;
  c->cur_y = y;
}
