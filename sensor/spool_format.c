/* spool_format.c — spool record framing (see spool_format.h). */
#include "sensor/spool_format.h"

#include <string.h>

#include "shared/limits.h"

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
  __atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

uint32_t spool_format_crc32(uint32_t crc, const void *p, size_t n) {
  if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE)) crc_init();
  const uint8_t *b = p;
  crc = ~crc;
  while (n--) crc = crc_table[(crc ^ *b++) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) {
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void spool_format_header(uint8_t hdr[SPOOL_REC_HDR_BYTES], uint64_t seq, const void *data,
                         size_t len) {
  put32(hdr, SPOOL_REC_MAGIC);
  put32(hdr + 4, (uint32_t)len);
  put64(hdr + 8, seq);
  put32(hdr + 16, spool_format_crc32(spool_format_crc32(0, hdr + 8, 8), data, len));
}

int spool_format_parse(const void *buf, size_t len, spool_rec_cb cb, void *ctx, size_t *valid,
                       size_t *nrec, struct vg_err *err) {
  const uint8_t *b = buf;
  size_t off = 0, n = 0;
  uint64_t prev = 0;
  int rc = 0;
  while (off < len) {
    if (len - off < SPOOL_REC_HDR_BYTES) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0, "byte %zu: truncated record header (%zu bytes)",
                      off, len - off);
      break;
    }
    const uint8_t *h = b + off;
    uint32_t magic = get32(h), rlen = get32(h + 4);
    uint64_t seq = get64(h + 8);
    if (magic != SPOOL_REC_MAGIC) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0, "byte %zu: bad record magic 0x%08x", off, magic);
      break;
    }
    if (rlen == 0 || rlen > VG_LIMIT_EVENT_BYTES) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0, "byte %zu: bad record length %u", off, rlen);
      break;
    }
    if (len - off - SPOOL_REC_HDR_BYTES < rlen) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0,
                      "byte %zu: truncated record (%u payload bytes, %zu present)", off, rlen,
                      len - off - SPOOL_REC_HDR_BYTES);
      break;
    }
    const uint8_t *payload = h + SPOOL_REC_HDR_BYTES;
    uint32_t crc = spool_format_crc32(spool_format_crc32(0, h + 8, 8), payload, rlen);
    if (crc != get32(h + 16)) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0, "byte %zu: record seq %llu: CRC mismatch", off,
                      (unsigned long long)seq);
      break;
    }
    if (n > 0 && seq != prev + 1) {
      rc = vg_err_set(err, VG_EPARSE, NULL, 0, 0,
                      "byte %zu: record seq %llu does not follow %llu", off,
                      (unsigned long long)seq, (unsigned long long)prev);
      break;
    }
    struct spool_rec r = {.seq = seq, .data = (const char *)payload, .len = rlen, .offset = off};
    if (cb && (rc = cb(ctx, &r)) != 0) break;
    prev = seq;
    n++;
    off += SPOOL_REC_HDR_BYTES + rlen;
  }
  if (valid) *valid = off;
  if (nrec) *nrec = n;
  return rc;
}
