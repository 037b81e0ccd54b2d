/* store_keys.c — key encoders and the partition naming of store_keys.h. */
#include "backend/store_keys.h"

#include <string.h>
#include <time.h>

void store_keys_put_be16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
void store_keys_put_be32(uint8_t *p, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}
void store_keys_put_be64(uint8_t *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}
uint16_t store_keys_get_be16(const uint8_t *p) {
  return (uint16_t)(p[0] << 8 | p[1]);
}
uint32_t store_keys_get_be32(const uint8_t *p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = v << 8 | p[i];
  return v;
}
uint64_t store_keys_get_be64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v = v << 8 | p[i];
  return v;
}

void store_keys_part_name(int32_t day, char *buf, size_t n) {
  time_t t = (time_t)day * 86400;
  struct tm tm;
  gmtime_r(&t, &tm);
  if (strftime(buf, n, "ev_%Y%m%d", &tm) == 0 && n) buf[0] = '\0';
}

int store_keys_part_parse(const char *name, int32_t *day) {
  if (strncmp(name, "ev_", 3) != 0 || strlen(name) != 11) return -1;
  int v[8];
  for (int i = 0; i < 8; i++) {
    char c = name[3 + i];
    if (c < '0' || c > '9') return -1;
    v[i] = c - '0';
  }
  struct tm tm = {0};
  tm.tm_year = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3] - 1900;
  tm.tm_mon = v[4] * 10 + v[5] - 1;
  tm.tm_mday = v[6] * 10 + v[7];
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31) return -1;
  time_t t = timegm(&tm);
  if (t == (time_t)-1) return -1;
  *day = (int32_t)(t / 86400);
  char check[16];
  store_keys_part_name(*day, check, sizeof(check));
  return strcmp(check, name) == 0 ? 0 : -1;
}

size_t store_keys_prefix(uint8_t *k, char tag, const uint8_t *oid, const uint8_t *id) {
  k[0] = (uint8_t)tag;
  memcpy(k + 1, oid, STORE_ID_BYTES);
  memcpy(k + 17, id, STORE_ID_BYTES);
  return STORE_KEY_PREFIX_LEN;
}

size_t store_keys_event(uint8_t *k, const uint8_t *oid, const uint8_t *sid, int64_t time_ms,
                        uint64_t seq) {
  k[0] = STORE_KEY_EVENT;
  memcpy(k + 1, oid, STORE_ID_BYTES);
  store_keys_suffix(k + 17, sid, time_ms, seq);
  return STORE_KEY_EVENT_LEN;
}

size_t store_keys_child(uint8_t *k, const uint8_t *oid, const uint8_t *parent, int64_t time_ms,
                        const uint8_t *sid, uint64_t seq) {
  store_keys_prefix(k, STORE_KEY_CHILD, oid, parent);
  store_keys_put_be64(k + 33, (uint64_t)time_ms);
  memcpy(k + 41, sid, STORE_ID_BYTES);
  store_keys_put_be64(k + 57, seq);
  return STORE_KEY_CHILD_LEN;
}

size_t store_keys_suffix(uint8_t *v, const uint8_t *sid, int64_t time_ms, uint64_t seq) {
  memcpy(v, sid, STORE_ID_BYTES);
  store_keys_put_be64(v + 16, (uint64_t)time_ms);
  store_keys_put_be64(v + 24, seq);
  return STORE_KEY_SUFFIX_LEN;
}

size_t store_keys_event_from_suffix(uint8_t *k, const uint8_t *oid, const uint8_t *suffix) {
  k[0] = STORE_KEY_EVENT;
  memcpy(k + 1, oid, STORE_ID_BYTES);
  memcpy(k + 17, suffix, STORE_KEY_SUFFIX_LEN);
  return STORE_KEY_EVENT_LEN;
}

size_t store_keys_counter(uint8_t *k, int gran, uint32_t period, const uint8_t *oid,
                          const uint8_t *sid, int64_t bucket_ms, uint16_t type_id) {
  k[0] = (uint8_t)gran;
  store_keys_put_be32(k + 1, period);
  memcpy(k + 5, oid, STORE_ID_BYTES);
  memcpy(k + 21, sid, STORE_ID_BYTES);
  store_keys_put_be64(k + 37, (uint64_t)bucket_ms);
  store_keys_put_be16(k + 45, type_id);
  return STORE_KEY_COUNTER_LEN;
}
