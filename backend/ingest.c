/* ingest.c — batch queue, the ingest (decode + group-commit write) thread,
 * completions for the gateway, and the hook thread. */
#include "backend/ingest.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backend/registry.h"
#include "backend/store.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_codec.h"
#include "shared/event_types.h"
#include "shared/limits.h"
#include "shared/log.h"
#include "shared/routing.h"

#define COMP "ingest"
#define INGEST_MAX_HOOKS 8
#define GROUP_MAX_EVENTS 8192 /* one group commit holds at most this many events */

struct batch {
  struct batch *next;
  uint64_t session, first;
  char oid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1];
  char *data;
  size_t len;
  size_t count; /* events decoded (set by prepare) */
};

struct done {
  uint64_t session, acked;
  int err;
  char msg[VG_LIMIT_ERR_MSG_BYTES];
};

/* A stored event on its way to the hooks (its routing view is built on the
 * hook thread, off the ingest thread's path). */
struct hooked {
  struct hooked *next;
  json_t *ev;
};

struct ingest {
  struct vigild *vd;
  void (*wake)(void *);
  void *wake_ctx;
  struct {
    ingest_hook_fn fn;
    void *ctx;
  } hooks[INGEST_MAX_HOOKS];
  int nhooks;

  pthread_mutex_t mu; /* guards the queue, completions, stats, stop */
  pthread_cond_t cv;
  struct batch *head, *tail;
  size_t queued_bytes, queued;
  bool was_full, stop;
  struct done *dones;
  size_t ndone, cap_done;
  struct ingest_stats st;

  pthread_mutex_t hmu; /* guards the hook queue */
  pthread_cond_t hcv, hspace;
  struct hooked *hhead, *htail;
  size_t hqueued;
  bool hstop;

  pthread_mutex_t pmu; /* guards pwork, pstop: the prepare helper's hand-off */
  pthread_cond_t pcv;
  struct prep *pwork;
  bool pstop;

  pthread_t thread, hthread, pthr;
  bool started, prep_started;
};

struct ingest *ingest_create(struct vigild *vd, void (*wake)(void *), void *wake_ctx) {
  struct ingest *in = vg_xcalloc(1, sizeof(*in));
  in->vd = vd;
  in->wake = wake;
  in->wake_ctx = wake_ctx;
  pthread_mutex_init(&in->mu, NULL);
  pthread_cond_init(&in->cv, NULL);
  pthread_mutex_init(&in->hmu, NULL);
  pthread_cond_init(&in->hcv, NULL);
  pthread_cond_init(&in->hspace, NULL);
  pthread_mutex_init(&in->pmu, NULL);
  pthread_cond_init(&in->pcv, NULL);
  return in;
}

void ingest_add_hook(struct ingest *in, ingest_hook_fn fn, void *ctx) {
  if (in->nhooks == INGEST_MAX_HOOKS) abort();
  in->hooks[in->nhooks].fn = fn;
  in->hooks[in->nhooks++].ctx = ctx;
}

int ingest_submit(struct ingest *in, uint64_t session, const char *oid, const char *sid,
                  uint64_t first, const char *events, size_t len) {
  pthread_mutex_lock(&in->mu);
  if (in->queued && (in->queued_bytes + len > VG_LIMIT_INGEST_QUEUE_BYTES ||
                     in->queued >= VG_LIMIT_INGEST_QUEUE_BATCHES)) {
    in->was_full = true;
    in->st.queue_full++;
    pthread_mutex_unlock(&in->mu);
    return -VG_EBUSY;
  }
  struct batch *b = vg_xcalloc(1, sizeof(*b));
  b->session = session;
  b->first = first;
  snprintf(b->oid, sizeof(b->oid), "%s", oid);
  snprintf(b->sid, sizeof(b->sid), "%s", sid);
  b->data = vg_xmemdup(events, len);
  b->len = len;
  if (in->tail)
    in->tail->next = b;
  else
    in->head = b;
  in->tail = b;
  in->queued++;
  in->queued_bytes += len;
  pthread_cond_signal(&in->cv);
  pthread_mutex_unlock(&in->mu);
  return 0;
}

static void complete(struct ingest *in, uint64_t session, uint64_t acked, int err,
                     const char *msg) {
  if (in->ndone == in->cap_done) {
    in->cap_done = in->cap_done ? in->cap_done * 2 : 64;
    in->dones = vg_xreallocarray(in->dones, in->cap_done, sizeof(*in->dones));
  }
  struct done *d = &in->dones[in->ndone++];
  d->session = session;
  d->acked = acked;
  d->err = err;
  snprintf(d->msg, sizeof(d->msg), "%s", msg ? msg : "");
}

void ingest_drain(struct ingest *in, ingest_done_fn done, void *ctx) {
  pthread_mutex_lock(&in->mu);
  struct done *d = in->dones;
  size_t n = in->ndone;
  in->dones = NULL;
  in->ndone = in->cap_done = 0;
  pthread_mutex_unlock(&in->mu);
  for (size_t i = 0; i < n; i++) done(ctx, d[i].session, d[i].acked, d[i].err, d[i].msg);
  free(d);
}

/* Decode one batch, fill the backend's routing, encode into enc and append
 * store events to evs. Returns 0 or a negative code with err filled. */
static int prepare(struct ingest *in, struct batch *b, struct vg_buf *enc,
                   struct store_event **evs, size_t *nev, size_t *cap, json_t *keep,
                   struct vg_err *err) {
  json_t *arr = NULL;
  int r = vg_event_codec_decode_batch(b->data, b->len, &arr, err);
  if (r) return r;
  struct registry_routing rr;
  if (registry_routing(in->vd->reg, b->oid, b->sid, &rr)) {
    json_decref(arr);
    return vg_err_fail(err, VG_ENOTFOUND, "sensor deleted");
  }
  uint8_t oid[16], sid[16];
  vg_atom_uuid_parse(b->oid, oid);
  vg_atom_uuid_parse(b->sid, sid);
  size_t i;
  json_t *ev;
  json_array_foreach(arr, i, ev) {
    /* The stored bytes carry the backend's routing but not oid, sid and
     * event_id: the key holds oid and sid, and the event id is derived
     * from (sid, seq) (docs/storage.md). They are set again for the hooks. */
    struct vg_routing rt;
    vg_routing_init(&rt);
    snprintf(rt.iid, sizeof(rt.iid), "%s", rr.iid);
    snprintf(rt.hostname, sizeof(rt.hostname), "%s", rr.hostname);
    snprintf(rt.ext_ip, sizeof(rt.ext_ip), "%s", rr.ext_ip);
    rt.ntags = rr.ntags;
    memcpy(rt.tags, rr.tags, sizeof(rr.tags[0]) * rr.ntags);
    rt.present = VG_RT_HOSTNAME | VG_RT_TAGS | (rr.iid[0] ? VG_RT_IID : 0) |
                 (rr.ext_ip[0] ? VG_RT_EXT_IP : 0);
    const unsigned keyed = VG_RT_OID | VG_RT_SID | VG_RT_EVENT_ID;
    r = vg_routing_set(ev, &rt, keyed | VG_RT_IID | VG_RT_HOSTNAME | VG_RT_EXT_IP | VG_RT_TAGS,
                       err);
    size_t off = enc->len;
    if (!r) r = vg_event_codec_encode_decoded(ev, enc, err);
    if (!r) {
      snprintf(rt.oid, sizeof(rt.oid), "%s", b->oid);
      snprintf(rt.sid, sizeof(rt.sid), "%s", b->sid);
      vg_atom_event_id(sid, b->first + i, rt.event_id);
      rt.present |= keyed;
      r = vg_routing_set(ev, &rt, keyed, err);
    }
    if (r) {
      vg_err_set(err, err && err->code ? err->code : -r, NULL, 0, 0, "event[%zu]: %s", i,
                 err ? err->msg : "invalid");
      json_decref(arr);
      return r;
    }
    if (*nev == *cap) {
      *cap = *cap ? *cap * 2 : 1024;
      *evs = vg_xreallocarray(*evs, *cap, sizeof(**evs));
    }
    struct store_event *se = &(*evs)[(*nev)++];
    memset(se, 0, sizeof(*se));
    memcpy(se->oid, oid, 16);
    memcpy(se->sid, sid, 16);
    /* The decoder validated these: read them straight from the tree. */
    json_t *rtj = vg_event_routing(ev);
    se->time_ms = vg_event_get_time(ev);
    se->seq = b->first + i;
    uint32_t tid = vg_event_type_id(vg_event_get_type(ev));
    se->type_id = (uint16_t)(tid ? tid : VG_EVENT_TYPE_OTHER);
    const struct vg_event_type *et = vg_event_type_by_id(tid);
    const char *a = json_string_value(json_object_get(rtj, "this"));
    se->has_this = et && (et->flags & VG_EVENT_TYPE_ATOM) && a &&
                   vg_atom_parse(a, se->this_atom) == 0;
    a = json_string_value(json_object_get(rtj, "parent"));
    se->has_parent = a && vg_atom_parse(a, se->parent_atom) == 0;
    se->data = (const char *)(uintptr_t)off; /* offset now; a pointer once enc stops growing */
    se->len = enc->len - off;
  }
  b->count = json_array_size(arr);
  json_array_extend(keep, arr);
  json_decref(arr);
  return 0;
}

static void hooks_push(struct ingest *in, json_t *events) {
  if (!in->nhooks) return;
  size_t i;
  json_t *ev;
  json_array_foreach(events, i, ev) {
    struct hooked *h = vg_xmalloc(sizeof(*h));
    h->next = NULL;
    h->ev = json_incref(ev);
    pthread_mutex_lock(&in->hmu);
    while (in->hqueued >= VG_LIMIT_HOOK_QUEUE_EVENTS && !in->hstop)
      pthread_cond_wait(&in->hspace, &in->hmu); /* back-pressure: never drop */
    if (in->htail)
      in->htail->next = h;
    else
      in->hhead = h;
    in->htail = h;
    in->hqueued++;
    pthread_cond_signal(&in->hcv);
    pthread_mutex_unlock(&in->hmu);
  }
}

/* The prepared half of a group: its own encode buffer, store events and
 * decoded trees, so two threads can prepare the halves of one group. */
struct prep {
  struct batch *input; /* batches to prepare, in order */
  struct vg_buf enc;
  struct store_event *evs; /* data holds offsets into enc until the write */
  size_t nev, cap;
  json_t *keep;
  struct batch *ok, **ok_tail; /* the batches that prepared, in order */
};

static void prep_init(struct prep *p, struct batch *input) {
  memset(p, 0, sizeof(*p));
  p->input = input;
  vg_buf_init(&p->enc, (size_t)1 << 31);
  p->keep = json_array();
  p->ok_tail = &p->ok;
}

/* Prepare every batch of p->input; a batch that fails is completed with its
 * error at once and dropped (it costs the others nothing). */
static void prep_run(struct ingest *in, struct prep *p) {
  struct vg_err err;
  for (struct batch *b = p->input, *next; b; b = next) {
    next = b->next;
    b->next = NULL;
    size_t mark_ev = p->nev, mark_enc = p->enc.len, mark_keep = json_array_size(p->keep);
    vg_err_clear(&err);
    int r = prepare(in, b, &p->enc, &p->evs, &p->nev, &p->cap, p->keep, &err);
    if (r) {
      p->nev = mark_ev;
      vg_buf_truncate(&p->enc, mark_enc);
      while (json_array_size(p->keep) > mark_keep) json_array_remove(p->keep, mark_keep);
      pthread_mutex_lock(&in->mu);
      complete(in, b->session, 0, r, err.msg);
      in->st.rejected_batches++;
      pthread_mutex_unlock(&in->mu);
      vg_warn(COMP, "batch from %s rejected: %s", b->sid, err.msg);
      free(b->data);
      free(b);
      continue;
    }
    *p->ok_tail = b;
    p->ok_tail = &b->next;
  }
  p->input = NULL;
}

static void prep_cleanup(struct prep *p) {
  json_decref(p->keep);
  for (struct batch *b = p->ok, *next; b; b = next) {
    next = b->next;
    free(b->data);
    free(b);
  }
  free(p->evs);
  vg_buf_cleanup(&p->enc);
}

/* The helper thread prepares the second half of a group while the ingest
 * thread prepares the first: decoding is most of ingest's CPU. */
static void *prep_main(void *arg) {
  struct ingest *in = arg;
  pthread_mutex_lock(&in->pmu);
  for (;;) {
    while (!in->pwork && !in->pstop) pthread_cond_wait(&in->pcv, &in->pmu);
    if (!in->pwork) break;
    struct prep *p = in->pwork;
    pthread_mutex_unlock(&in->pmu);
    prep_run(in, p);
    pthread_mutex_lock(&in->pmu);
    in->pwork = NULL;
    pthread_cond_broadcast(&in->pcv);
  }
  pthread_mutex_unlock(&in->pmu);
  return NULL;
}

static void complete_all(struct ingest *in, struct batch *ok, int refused,
                         const struct vg_err *err) {
  for (struct batch *b = ok; b; b = b->next) {
    if (refused < 0) {
      complete(in, b->session, 0, refused, err->msg);
    } else {
      complete(in, b->session, b->first + b->count - 1, 0, NULL);
      in->st.batches++;
    }
  }
}

/* One group: every batch waiting (up to VG_LIMIT_INGEST_GROUP_BYTES), prepared
 * in two contiguous halves (so one sensor's batches stay in order), stored in
 * ONE write, then acked and handed to the hooks. */
static void process_group(struct ingest *in, struct batch *group) {
  size_t n = 0;
  for (struct batch *b = group; b; b = b->next) n++;
  struct batch *second = NULL;
  if (n >= 2 && in->prep_started) {
    struct batch *b = group;
    for (size_t i = 1; i < n / 2; i++) b = b->next;
    second = b->next;
    b->next = NULL;
  }
  struct prep pa, pb;
  prep_init(&pa, group);
  prep_init(&pb, second);
  if (second) {
    pthread_mutex_lock(&in->pmu);
    in->pwork = &pb;
    pthread_cond_broadcast(&in->pcv);
    pthread_mutex_unlock(&in->pmu);
  }
  prep_run(in, &pa);
  if (second) {
    pthread_mutex_lock(&in->pmu);
    while (in->pwork) pthread_cond_wait(&in->pcv, &in->pmu);
    pthread_mutex_unlock(&in->pmu);
  }
  size_t nev = pa.nev + pb.nev;
  struct store_event *evs = vg_xreallocarray(NULL, nev ? nev : 1, sizeof(*evs));
  for (size_t i = 0; i < pa.nev; i++) {
    evs[i] = pa.evs[i];
    evs[i].data = pa.enc.data + (uintptr_t)pa.evs[i].data;
  }
  for (size_t i = 0; i < pb.nev; i++) {
    evs[pa.nev + i] = pb.evs[i];
    evs[pa.nev + i].data = pb.enc.data + (uintptr_t)pb.evs[i].data;
  }
  struct vg_err err;
  vg_err_clear(&err);
  int refused = nev ? store_write_events(in->vd->store, evs, nev, true, &err) : 0;
  free(evs);
  pthread_mutex_lock(&in->mu);
  complete_all(in, pa.ok, refused, &err);
  complete_all(in, pb.ok, refused, &err);
  if (refused >= 0) {
    in->st.events += nev - (size_t)refused;
    in->st.refused_events += (uint64_t)refused;
  }
  pthread_mutex_unlock(&in->mu);
  if (refused < 0) vg_error(COMP, "store write failed: %s", err.msg);
  in->wake(in->wake_ctx);
  if (refused >= 0) {
    hooks_push(in, pa.keep);
    hooks_push(in, pb.keep);
  }
  prep_cleanup(&pa);
  prep_cleanup(&pb);
}

static void *ingest_main(void *arg) {
  struct ingest *in = arg;
  pthread_mutex_lock(&in->mu);
  for (;;) {
    while (!in->head && !in->stop) pthread_cond_wait(&in->cv, &in->mu);
    if (!in->head && in->stop) break;
    /* Take a group: whole batches up to VG_LIMIT_INGEST_GROUP_BYTES. */
    struct batch *group = in->head, *last = in->head;
    size_t bytes = last->len;
    in->queued--;
    while (last->next && bytes + last->next->len <= VG_LIMIT_INGEST_GROUP_BYTES) {
      last = last->next;
      bytes += last->len;
      in->queued--;
    }
    in->head = last->next;
    if (!in->head) in->tail = NULL;
    last->next = NULL;
    in->queued_bytes -= bytes;
    bool resume = in->was_full;
    in->was_full = false;
    pthread_mutex_unlock(&in->mu);
    if (resume) in->wake(in->wake_ctx);
    process_group(in, group);
    pthread_mutex_lock(&in->mu);
  }
  pthread_mutex_unlock(&in->mu);
  return NULL;
}

static void prep_stop(struct ingest *in) {
  if (!in->prep_started) return;
  pthread_mutex_lock(&in->pmu);
  in->pstop = true;
  pthread_cond_broadcast(&in->pcv);
  pthread_mutex_unlock(&in->pmu);
  pthread_join(in->pthr, NULL);
  in->prep_started = false;
}

static void *hook_main(void *arg) {
  struct ingest *in = arg;
  struct vg_routing *r = vg_xmalloc(sizeof(*r));
  pthread_mutex_lock(&in->hmu);
  for (;;) {
    while (!in->hhead && !in->hstop) pthread_cond_wait(&in->hcv, &in->hmu);
    struct hooked *h = in->hhead;
    if (!h) break;
    in->hhead = h->next;
    if (!in->hhead) in->htail = NULL;
    in->hqueued--;
    pthread_cond_signal(&in->hspace);
    pthread_mutex_unlock(&in->hmu);
    if (vg_routing_get(h->ev, r, NULL) == 0)
      for (int i = 0; i < in->nhooks; i++) in->hooks[i].fn(in->hooks[i].ctx, h->ev, r);
    json_decref(h->ev);
    free(h);
    pthread_mutex_lock(&in->hmu);
  }
  pthread_mutex_unlock(&in->hmu);
  free(r);
  return NULL;
}

int ingest_start(struct ingest *in) {
  if (pthread_create(&in->hthread, NULL, hook_main, in)) return -VG_EINTERNAL;
  in->prep_started = pthread_create(&in->pthr, NULL, prep_main, in) == 0;
  if (pthread_create(&in->thread, NULL, ingest_main, in)) {
    pthread_mutex_lock(&in->hmu);
    in->hstop = true;
    pthread_cond_broadcast(&in->hcv);
    pthread_mutex_unlock(&in->hmu);
    pthread_join(in->hthread, NULL);
    prep_stop(in);
    return -VG_EINTERNAL;
  }
  in->started = true;
  return 0;
}

void ingest_free(struct ingest *in) {
  if (!in) return;
  if (in->started) {
    pthread_mutex_lock(&in->mu);
    in->stop = true;
    pthread_cond_broadcast(&in->cv);
    pthread_mutex_unlock(&in->mu);
    pthread_join(in->thread, NULL); /* finishes what was queued */
    prep_stop(in);
    pthread_mutex_lock(&in->hmu);
    in->hstop = true;
    pthread_cond_broadcast(&in->hcv);
    pthread_mutex_unlock(&in->hmu);
    pthread_join(in->hthread, NULL); /* runs hooks on what was stored */
  }
  for (struct batch *b = in->head, *next; b; b = next) {
    next = b->next;
    free(b->data);
    free(b);
  }
  free(in->dones);
  pthread_mutex_destroy(&in->mu);
  pthread_cond_destroy(&in->cv);
  pthread_mutex_destroy(&in->hmu);
  pthread_cond_destroy(&in->hcv);
  pthread_cond_destroy(&in->hspace);
  pthread_mutex_destroy(&in->pmu);
  pthread_cond_destroy(&in->pcv);
  free(in);
}

void ingest_stats(struct ingest *in, struct ingest_stats *out) {
  pthread_mutex_lock(&in->mu);
  *out = in->st;
  pthread_mutex_unlock(&in->mu);
}
