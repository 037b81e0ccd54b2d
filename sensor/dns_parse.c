/* dns_parse.c — IP/UDP/TCP and DNS message parsers (dns_parse.h). */
#include "sensor/dns_parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int bad(struct vg_err *err, size_t pos, const char *what) {
  return vg_err_set(err, VG_EPARSE, NULL, 0, 0, "%s at byte %zu", what, pos);
}

int dns_parse_ip(const uint8_t *buf, size_t len, uint16_t ethertype, struct dns_packet *p,
                 struct vg_err *err) {
  memset(p, 0, sizeof *p);
  size_t off;
  uint8_t proto;
  size_t end = len;
  if (ethertype == 0x0800) {
    if (len < 20 || (buf[0] >> 4) != 4) return bad(err, 0, "IPv4 header: short or wrong version");
    size_t ihl = (size_t)(buf[0] & 0xf) * 4;
    size_t tot = rd16(buf + 2);
    if (ihl < 20 || ihl > len) return bad(err, 0, "IPv4 header: bad header length");
    if (tot < ihl || tot > len) return bad(err, 2, "IPv4 header: bad total length");
    if (rd16(buf + 6) & 0x3fff) return bad(err, 6, "IPv4: fragment");
    p->family = AF_INET;
    proto = buf[9];
    memcpy(p->src, buf + 12, 4);
    memcpy(p->dst, buf + 16, 4);
    off = ihl;
    end = tot;
  } else if (ethertype == 0x86DD) {
    if (len < 40 || (buf[0] >> 4) != 6) return bad(err, 0, "IPv6 header: short or wrong version");
    size_t plen = rd16(buf + 4);
    if (40 + plen > len) return bad(err, 4, "IPv6 header: bad payload length");
    p->family = AF_INET6;
    proto = buf[6];
    memcpy(p->src, buf + 8, 16);
    memcpy(p->dst, buf + 24, 16);
    off = 40;
    end = 40 + plen;
  } else {
    return vg_err_fail(err, VG_EUNSUPPORTED, "ethertype 0x%04x: not IP", ethertype);
  }
  if (proto == IPPROTO_UDP) {
    if (end - off < 8) return bad(err, off, "UDP header: short");
    size_t ulen = rd16(buf + off + 4);
    if (ulen < 8 || ulen > end - off) return bad(err, off + 4, "UDP header: bad length");
    p->l4 = IPPROTO_UDP;
    p->sport = rd16(buf + off);
    p->dport = rd16(buf + off + 2);
    p->payload = buf + off + 8;
    p->len = ulen - 8;
    return 0;
  }
  if (proto == IPPROTO_TCP) {
    if (end - off < 20) return bad(err, off, "TCP header: short");
    size_t doff = (size_t)(buf[off + 12] >> 4) * 4;
    if (doff < 20 || doff > end - off) return bad(err, off + 12, "TCP header: bad data offset");
    p->l4 = IPPROTO_TCP;
    p->sport = rd16(buf + off);
    p->dport = rd16(buf + off + 2);
    size_t d = off + doff;
    if (end - d < 2) return bad(err, d, "TCP segment: no DNS length prefix");
    size_t mlen = rd16(buf + d);
    if (mlen > end - d - 2) return bad(err, d, "TCP segment: DNS message continues in another segment");
    p->payload = buf + d + 2;
    p->len = mlen;
    return 0;
  }
  return vg_err_fail(err, VG_EUNSUPPORTED, "IP protocol %u: not UDP or TCP", proto);
}

/* Read the name at *pos into out; *pos moves past it (past the first
 * pointer if compressed). */
static int read_name(const uint8_t *buf, size_t len, size_t *pos, char *out, size_t outn,
                     struct vg_err *err) {
  size_t p = *pos, w = 0, wire = 0;
  int hops = 0;
  bool jumped = false;
  out[0] = '\0';
  for (;;) {
    if (p >= len) return bad(err, p, "DNS name: runs past the message");
    uint8_t l = buf[p];
    if ((l & 0xc0) == 0xc0) {
      if (p + 1 >= len) return bad(err, p, "DNS name: truncated pointer");
      if (++hops > DNS_PARSE_MAX_HOPS) return bad(err, p, "DNS name: too many compression pointers (loop)");
      size_t target = (size_t)((l & 0x3f) << 8 | buf[p + 1]);
      if (target >= p) return bad(err, p, "DNS name: pointer does not point backwards");
      if (!jumped) *pos = p + 2;
      jumped = true;
      p = target;
      continue;
    }
    if (l & 0xc0) return bad(err, p, "DNS name: reserved label type");
    if (l == 0) {
      if (!jumped) *pos = p + 1;
      break;
    }
    if (p + 1 + l > len) return bad(err, p, "DNS name: label runs past the message");
    wire += (size_t)l + 1;
    if (wire > 255) return bad(err, p, "DNS name: longer than 255 bytes");
    if (w && w + 1 < outn) out[w++] = '.';
    for (size_t i = 0; i < l; i++) {
      uint8_t c = buf[p + 1 + i];
      if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
        if (w + 1 < outn) out[w++] = (char)c;
      } else if (w + 5 < outn) {
        w += (size_t)snprintf(out + w, outn - w, "\\%03u", c);
      }
    }
    out[w] = '\0';
    p += 1 + l;
  }
  if (w == 0 && outn > 1) {
    out[0] = '.';
    out[1] = '\0';
  }
  return 0;
}

int dns_parse_msg(const uint8_t *buf, size_t len, struct dns_msg *m, struct vg_err *err) {
  memset(m, 0, sizeof *m);
  if (len < 12) return bad(err, 0, "DNS header: shorter than 12 bytes");
  m->id = rd16(buf);
  m->flags = rd16(buf + 2);
  m->is_response = (m->flags & 0x8000) != 0;
  m->rcode = m->flags & 0xf;
  unsigned qd = rd16(buf + 4), an = rd16(buf + 6);
  if (qd != 1) return bad(err, 4, "DNS header: question count is not 1");
  if (an > DNS_PARSE_MAX_RECORDS) return bad(err, 6, "DNS header: too many answer records");
  size_t pos = 12;
  int rc = read_name(buf, len, &pos, m->qname, sizeof m->qname, err);
  if (rc < 0) return rc;
  if (len - pos < 4) return bad(err, pos, "DNS question: truncated type/class");
  m->qtype = rd16(buf + pos);
  m->qclass = rd16(buf + pos + 2);
  pos += 4;
  for (unsigned i = 0; i < an; i++) {
    char name[DNS_NAME_TEXT_MAX + 1];
    rc = read_name(buf, len, &pos, name, sizeof name, err);
    if (rc < 0) return rc;
    if (len - pos < 10) return bad(err, pos, "DNS answer: truncated record header");
    uint16_t type = rd16(buf + pos);
    size_t rdlen = rd16(buf + pos + 8);
    size_t rd = pos + 10;
    if (rdlen > len - rd) return bad(err, pos + 8, "DNS answer: data runs past the message");
    pos = rd + rdlen;
    if (m->nanswers >= DNS_PARSE_MAX_ANSWERS) continue;
    struct dns_answer *a = &m->answers[m->nanswers];
    a->type = type;
    if (type == 1 || type == 28) {
      size_t want = type == 1 ? 4 : 16;
      if (rdlen != want) return bad(err, rd, "DNS answer: address of the wrong size");
      inet_ntop(type == 1 ? AF_INET : AF_INET6, buf + rd, a->value, sizeof a->value);
    } else if (type == 5 || type == 12 || type == 2 || type == 15) {
      size_t np = rd + (type == 15 ? 2 : 0);
      if (type == 15 && rdlen < 3) return bad(err, rd, "DNS answer: MX data too short");
      /* names inside rdata may point back into the message */
      rc = read_name(buf, rd + rdlen, &np, a->value, sizeof a->value, err);
      if (rc < 0) return rc;
    } else {
      continue;
    }
    m->nanswers++;
  }
  return 0;
}
