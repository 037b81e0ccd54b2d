/* dns_parse.h — pure parsers of captured DNS traffic: an IP packet (v4/v6,
 * UDP or TCP, as an AF_PACKET SOCK_DGRAM socket delivers it) down to its DNS
 * payload, and a DNS message (RFC 1035) with name compression followed under
 * a hop limit. Every read is bounds-checked; bad input gives -VG_EPARSE with
 * err naming the part and byte offset. */
#ifndef VIGIL_SENSOR_DNS_PARSE_H
#define VIGIL_SENSOR_DNS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sensor/collect_limits.h"
#include "shared/err.h"

#define DNS_NAME_TEXT_MAX 1024 /* a name as text, escapes (\DDD) included */

struct dns_packet {
  int family;          /* AF_INET or AF_INET6 */
  int l4;              /* IPPROTO_UDP or IPPROTO_TCP */
  uint8_t src[16], dst[16]; /* v4 in the first 4 bytes */
  uint16_t sport, dport;
  const uint8_t *payload; /* the DNS message (TCP: after the 2-byte length) */
  size_t len;
};

/* buf is an IP packet, ethertype its protocol (0x0800 / 0x86DD). 0, or
 * -VG_EPARSE (malformed, fragment, TCP segment without one whole message),
 * -VG_EUNSUPPORTED (another protocol, IPv6 extension headers). */
int dns_parse_ip(const uint8_t *buf, size_t len, uint16_t ethertype, struct dns_packet *p,
                 struct vg_err *err);

struct dns_answer {
  uint16_t type;                    /* 1 A, 28 AAAA, 5 CNAME, … */
  char value[DNS_NAME_TEXT_MAX + 1]; /* address text, or a name (CNAME, PTR, NS, MX target) */
};

struct dns_msg {
  uint16_t id, flags;
  bool is_response;
  uint8_t rcode;
  char qname[DNS_NAME_TEXT_MAX + 1]; /* the first question */
  uint16_t qtype, qclass;
  size_t nanswers;                   /* kept (at most DNS_PARSE_MAX_ANSWERS) */
  struct dns_answer answers[DNS_PARSE_MAX_ANSWERS];
};

/* Parse a DNS message. Requires exactly one question (what resolvers send);
 * answer records of other types than A, AAAA, CNAME, PTR, NS, MX are
 * skipped; authority/additional sections are not read. */
int dns_parse_msg(const uint8_t *buf, size_t len, struct dns_msg *m, struct vg_err *err);

#endif
