/* parse_procnet.c — data lines of /proc/net/{tcp,tcp6,udp,udp6}:
 * "sl: LOCAL:PORT REMOTE:PORT ST TXQ:RXQ TR:WHEN RETR UID TIMEOUT INODE …".
 * Addresses are the kernel's 32-bit words printed in hex in host order, so
 * the words' in-memory bytes are the address in network order. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "sensor/parse.h"

static const char *const states[] = {
    "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
    "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"};

const char *parse_procnet_state_name(unsigned state) {
  return state < sizeof states / sizeof states[0] ? states[state] : "UNKNOWN";
}

struct cur {
  const char *p, *end, *line;
};

static void sp(struct cur *c) {
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
}

static int hexdigit(char ch) {
  return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* exactly n hex digits */
static int hexn(struct cur *c, int n, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < n; i++) {
    if (c->p >= c->end) return -1;
    int d = hexdigit(*c->p);
    if (d < 0) return -1;
    v = v << 4 | (uint32_t)d;
    c->p++;
  }
  *out = v;
  return 0;
}

static int dec(struct cur *c, uint64_t max, uint64_t *out) {
  uint64_t v = 0;
  int digits = 0;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
    v = v * 10 + (uint64_t)(*c->p++ - '0');
    if (++digits > 20 || v > max) return -1;
  }
  if (!digits) return -1;
  *out = v;
  return 0;
}

static int skip_token(struct cur *c) {
  const char *s = c->p;
  while (c->p < c->end && *c->p != ' ' && *c->p != '\t') c->p++;
  return c->p > s ? 0 : -1;
}

static int addr(struct cur *c, int words, uint8_t out[16], uint16_t *port) {
  for (int i = 0; i < words; i++) {
    uint32_t w;
    if (hexn(c, 8, &w)) return -1;
    memcpy(out + 4 * i, &w, 4);
  }
  uint32_t pt;
  if (c->p >= c->end || *c->p != ':') return -1;
  c->p++;
  if (hexn(c, 4, &pt)) return -1;
  *port = (uint16_t)pt;
  return 0;
}

int parse_procnet_line(const char *line, size_t len, int family, struct parse_procnet_entry *e,
                       struct vg_err *err) {
  struct cur c = {line, line + len, line};
  memset(e, 0, sizeof *e);
  e->family = family;
  int words = family == AF_INET6 ? 4 : 1;
  const char *what;
  if (len > PARSE_MAX_LINE) return vg_err_fail(err, VG_EPARSE, "/proc/net: line longer than %d bytes", PARSE_MAX_LINE);
  uint64_t v;
  sp(&c);
  what = "slot";
  if (dec(&c, UINT32_MAX, &v) || c.p >= c.end || *c.p++ != ':') goto bad;
  sp(&c);
  what = "local address";
  if (addr(&c, words, e->local, &e->lport)) goto bad;
  sp(&c);
  what = "remote address";
  if (addr(&c, words, e->remote, &e->rport)) goto bad;
  sp(&c);
  what = "state";
  uint32_t st;
  if (hexn(&c, 2, &st)) goto bad;
  e->state = st;
  sp(&c);
  what = "queues";
  if (skip_token(&c)) goto bad;
  sp(&c);
  what = "timer";
  if (skip_token(&c)) goto bad;
  sp(&c);
  what = "retransmits";
  if (skip_token(&c)) goto bad;
  sp(&c);
  what = "uid";
  if (dec(&c, UINT32_MAX, &v)) goto bad;
  e->uid = (uint32_t)v;
  sp(&c);
  what = "timeout";
  if (dec(&c, UINT64_MAX, &v)) goto bad;
  sp(&c);
  what = "inode";
  if (dec(&c, UINT64_MAX, &e->inode)) goto bad;
  return 0;
bad:
  return vg_err_set(err, VG_EPARSE, NULL, 0, (int)(c.p - line) + 1, "/proc/net: bad %s at column %d",
                    what, (int)(c.p - line) + 1);
}
