/* store_seq.c — the highest seq stored per sensor, so the write path looks
 * an event up (to store and count it once) only when it may be a resend.
 *
 * Sensors number their events monotonically (DESIGN.md §4), so an event
 * whose seq is above the highest stored for its sensor is new. The highest
 * seq is persisted in the default column family (key 'Q' | oid | sid → u64
 * BE) in the same WriteBatch as the events, so it never lags what is
 * stored; the in-memory copy is loaded on first sight of a sensor. Used by
 * the writer only, under store.write_mu. */
#include <stdlib.h>
#include <string.h>

#include "backend/store_int.h"
#include "backend/store_keys.h"
#include "shared/alloc.h"
#include "shared/hash.h"

#define SEQ_KEY_LEN (1 + 2 * STORE_ID_BYTES)

struct seq_slot {
  uint8_t key[SEQ_KEY_LEN]; /* 'Q' | oid | sid; key[0] == 0 = empty */
  bool has;                 /* some event of the sensor is stored */
  bool dirty;               /* max grew in the current batch */
  uint64_t max;
};

struct store_seq {
  struct seq_slot *slots;
  size_t cap, n; /* cap a power of two, n ≤ cap / 2 */
  uint32_t *dirty;
  size_t ndirty;
};

void store_seq_free(struct store_seq *q) {
  if (!q) return;
  free(q->slots);
  free(q->dirty);
  free(q);
}

static size_t slot_of(const struct store_seq *q, const uint8_t *key) {
  size_t i = (size_t)vg_hash64(key, SEQ_KEY_LEN) & (q->cap - 1);
  while (q->slots[i].key[0] && memcmp(q->slots[i].key, key, SEQ_KEY_LEN) != 0)
    i = (i + 1) & (q->cap - 1);
  return i;
}

static void grow(struct store_seq *q) {
  struct seq_slot *old = q->slots;
  size_t oldcap = q->cap;
  q->cap = oldcap ? oldcap * 2 : 256;
  q->slots = vg_xcalloc(q->cap, sizeof(*q->slots));
  q->dirty = vg_xreallocarray(q->dirty, q->cap, sizeof(*q->dirty));
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].key[0]) q->slots[slot_of(q, old[i].key)] = old[i];
  free(old);
  q->ndirty = 0; /* called between batches only */
}

/* The sensor's slot, loaded from the database on first sight. */
static struct seq_slot *lookup(struct store *s, const uint8_t *oid, const uint8_t *sid,
                               struct vg_err *err, int *r) {
  struct store_seq *q = s->seq;
  uint8_t key[SEQ_KEY_LEN] = {'Q'};
  memcpy(key + 1, oid, STORE_ID_BYTES);
  memcpy(key + 1 + STORE_ID_BYTES, sid, STORE_ID_BYTES);
  struct seq_slot *sl = &q->slots[slot_of(q, key)];
  if (sl->key[0]) return sl;
  char *dberr = NULL;
  rocksdb_pinnableslice_t *v =
      rocksdb_get_pinned_cf(s->db, s->ro, s->cf_default, (const char *)key, sizeof(key), &dberr);
  if (dberr) {
    *r = store_db_fail(err, dberr, "seq lookup");
    return NULL;
  }
  memcpy(sl->key, key, sizeof(key));
  q->n++;
  if (v) {
    size_t len;
    const char *p = rocksdb_pinnableslice_value(v, &len);
    sl->has = len == 8;
    if (sl->has) sl->max = store_keys_get_be64((const uint8_t *)p);
    rocksdb_pinnableslice_destroy(v);
  }
  return sl;
}

void store_seq_begin(struct store *s, size_t events) {
  if (!s->seq) s->seq = vg_xcalloc(1, sizeof(*s->seq));
  struct store_seq *q = s->seq;
  q->ndirty = 0;
  while ((q->n + events) * 2 > q->cap) grow(q);
}

int store_seq_maybe_stored(struct store *s, const struct store_event *e, bool *maybe,
                           struct vg_err *err) {
  int r = 0;
  struct seq_slot *sl = lookup(s, e->oid, e->sid, err, &r);
  if (!sl) return r;
  *maybe = sl->has && e->seq <= sl->max;
  if (!sl->has || e->seq > sl->max) {
    sl->has = true;
    sl->max = e->seq;
    if (!sl->dirty) s->seq->dirty[s->seq->ndirty++] = (uint32_t)(sl - s->seq->slots);
    sl->dirty = true;
  }
  return 0;
}

void store_seq_emit(struct store *s, rocksdb_writebatch_t *b) {
  struct store_seq *q = s->seq;
  for (size_t i = 0; i < q->ndirty; i++) {
    struct seq_slot *sl = &q->slots[q->dirty[i]];
    uint8_t v[8];
    store_keys_put_be64(v, sl->max);
    if (b)
      rocksdb_writebatch_put_cf(b, s->cf_default, (const char *)sl->key, SEQ_KEY_LEN,
                                (const char *)v, sizeof(v));
    sl->dirty = false;
  }
  q->ndirty = 0;
}
