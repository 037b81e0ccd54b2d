/* ingest.c — batch queue, the ingest (decode + group-commit write) thread,
 * completions for the gateway, and the hook thread. */
#include "backend/ingest.h"
#include "backend/ingest_objects.h"

#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backend/registry.h"
#include "backend/store.h"
#include "backend/store_render.h"
#include "backend/vigild.h"
#include "shared/alloc.h"
#include "shared/atom.h"
#include "shared/buf.h"
#include "shared/event.h"
#include "shared/event_codec.h"
#include "shared/event_scan.h"
#include "shared/json_scan.h"
#include "shared/event_types.h"
#include "shared/limits.h"
#include "shared/log.h"
#include "shared/routing.h"

#define COMP "ingest"
#define INGEST_MAX_HOOKS 8
#define GROUP_MAX_EVENTS 8192 /* one group commit holds at most this many events */

/* A batch's sensor, as the hooks need it. */
struct batch_ids {
  char oid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1];
  uint8_t oidb[16], sidb[16];
};

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

/* The stored events of one group on their way to the hooks: the stored
 * bytes (the group's encode buffers), and per event its sensor and seq. The
 * hook thread reads each event's routing back from its stored bytes. */
struct hook_ev {
  const struct batch_ids *ids;
  uint64_t seq;
  unsigned present; /* the routing members the sensor sent (VG_RT_*) */
  uint16_t type_id;
  const char *data;
  size_t len;
};
struct hook_group {
  struct hook_group *next;
  struct vg_buf enc[2];      /* the two prepared halves' stored bytes */
  struct batch_ids *ids;     /* one per batch, owned */
  struct hook_ev *evs;
  size_t nev;
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
  struct hook_group *hhead, *htail;
  size_t hqueued; /* events in the queued groups */
  bool hstop;

  pthread_mutex_t pmu; /* guards pwork, pstop: the prepare helper's hand-off */
  pthread_cond_t pcv;
  struct prep *pwork;
  bool pstop;

  pthread_mutex_t wmu; /* guards wslot, wstop: the writer's hand-off */
  pthread_cond_t wcv;
  struct pgroup *wslot;
  bool wstop;

  pthread_t thread, hthread, pthr, wthread;
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
  pthread_mutex_init(&in->wmu, NULL);
  pthread_cond_init(&in->wcv, NULL);
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

static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

/* The routing members vigild owns: never taken from the sensor's bytes.
 * oid, sid and event_id are not stored at all (docs/storage.md); iid,
 * hostname, ext_ip and tags are written from the registry, and plat and arch
 * too when the registry knows them (from enrollment and hello). */
#define OWNED_FIELDS                                                                  \
  (VG_RT_OID | VG_RT_SID | VG_RT_EVENT_ID | VG_RT_IID | VG_RT_HOSTNAME | VG_RT_EXT_IP | \
   VG_RT_TAGS)

/* Append s as a JSON string (quoted, escaped). */
static void json_str(struct vg_buf *b, const char *s) {
  vg_buf_putc(b, '"');
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\') {
      vg_buf_putc(b, '\\');
      vg_buf_putc(b, (char)*c);
    } else if (*c < 0x20) {
      vg_buf_appendf(b, "\\u%04x", *c);
    } else {
      vg_buf_putc(b, (char)*c);
    }
  }
  vg_buf_putc(b, '"');
}

/* The backend's routing members of one sensor, rendered once per batch. */
static void owned_members(const struct registry_routing *rr, struct vg_buf *b) {
  if (rr->iid[0]) {
    vg_buf_puts(b, "\"iid\":");
    json_str(b, rr->iid);
    vg_buf_putc(b, ',');
  }
  vg_buf_puts(b, "\"hostname\":");
  json_str(b, rr->hostname);
  if (rr->ext_ip[0]) {
    vg_buf_puts(b, ",\"ext_ip\":");
    json_str(b, rr->ext_ip);
  }
  vg_buf_puts(b, ",\"tags\":[");
  for (size_t t = 0; t < rr->ntags; t++) {
    if (t) vg_buf_putc(b, ',');
    json_str(b, rr->tags[t]);
  }
  vg_buf_putc(b, ']');
  if (rr->plat) vg_buf_appendf(b, ",\"plat\":%u", rr->plat);
  if (rr->arch) vg_buf_appendf(b, ",\"arch\":%u", rr->arch);
}

/* The prepared half of a group: its own scanner, encode buffer and store
 * events, so two threads can prepare the halves of one group. */
struct prep {
  struct batch *input; /* batches to prepare, in order */
  struct vg_jscan scan;
  struct vg_buf enc;   /* the stored bytes of every event */
  struct vg_buf owned; /* scratch: one batch's owned members */
  struct store_event *evs; /* data holds offsets into enc until the write */
  unsigned *present;       /* per event: its routing members (VG_RT_*), for the hooks */
  size_t nev, cap;
  struct batch *ok, **ok_tail; /* the batches that prepared, in order */
};

struct prep_batch {
  struct prep *p;
  struct batch *b;
  unsigned owned; /* OWNED_FIELDS, plus plat/arch when the registry has them */
  uint8_t oid[16], sid[16];
};

/* One validated event: its stored bytes — the backend's routing members,
 * then the sensor's other routing members and its event object, as sent —
 * and its store_event. */
static int prep_event(void *ctx, size_t i, const char *data, const struct vg_event_span *sp,
                      const struct vg_routing *rt) {
  struct prep_batch *pb = ctx;
  struct prep *p = pb->p;
  struct vg_buf *enc = &p->enc;
  size_t off = enc->len;
  vg_buf_puts(enc, "{\"routing\":{");
  vg_buf_append(enc, p->owned.data, p->owned.len);
  for (size_t m = 0; m < sp->nmem; m++) {
    if (sp->mem[m].bit & pb->owned) continue;
    vg_buf_putc(enc, ',');
    vg_buf_append(enc, data + sp->mem[m].off, sp->mem[m].len);
  }
  vg_buf_puts(enc, "},\"event\":");
  int r = vg_buf_append(enc, data + sp->ev_off, sp->ev_len);
  if (!r) r = vg_buf_putc(enc, '}');
  if (r) return -VG_ELIMIT;
  if (enc->len - off > VG_LIMIT_EVENT_BYTES) return -VG_ELIMIT;
  if (p->nev == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 1024;
    p->evs = vg_xreallocarray(p->evs, p->cap, sizeof(*p->evs));
    p->present = vg_xreallocarray(p->present, p->cap, sizeof(*p->present));
  }
  p->present[p->nev] = rt->present | pb->owned;
  struct store_event *se = &p->evs[p->nev++];
  memset(se, 0, sizeof(*se));
  memcpy(se->oid, pb->oid, 16);
  memcpy(se->sid, pb->sid, 16);
  se->time_ms = rt->event_time;
  se->seq = pb->b->first + i;
  uint32_t tid = vg_event_type_id(rt->event_type);
  se->type_id = (uint16_t)(tid ? tid : VG_EVENT_TYPE_OTHER);
  const struct vg_event_type *et = vg_event_type_by_id(tid);
  se->has_this = et && (et->flags & VG_EVENT_TYPE_ATOM) && (rt->present & VG_RT_THIS) &&
                 vg_atom_parse(rt->this_atom, se->this_atom) == 0;
  se->has_parent = (rt->present & VG_RT_PARENT) && vg_atom_parse(rt->parent_atom, se->parent_atom) == 0;
  se->data = (const char *)(uintptr_t)off; /* offset now; a pointer once enc stops growing */
  se->len = enc->len - off;
  ingest_objects_from_span(data, sp, se); /* the object index */
  return 0;
}

/* Validate one batch and append its events' stored bytes and store events
 * to p. No tree is built: the scanner validates exactly as the event codec
 * would and the stored bytes are spliced (docs/storage.md). Returns 0 or a
 * negative code with err filled. */
static int prepare(struct ingest *in, struct prep *p, struct batch *b, struct vg_err *err) {
  struct registry_routing rr;
  if (registry_routing(in->vd->reg, b->oid, b->sid, &rr))
    return vg_err_fail(err, VG_ENOTFOUND, "sensor deleted");
  struct prep_batch pb = {p, b, OWNED_FIELDS | (rr.plat ? VG_RT_PLAT : 0u) | (rr.arch ? VG_RT_ARCH : 0u),
                         {0}, {0}};
  vg_atom_uuid_parse(b->oid, pb.oid);
  vg_atom_uuid_parse(b->sid, pb.sid);
  vg_buf_reset(&p->owned);
  owned_members(&rr, &p->owned);
  int n = vg_event_scan_batch(&p->scan, b->data, b->len, prep_event, &pb, err);
  if (n == -VG_ELIMIT && !err->code)
    vg_err_fail(err, VG_ELIMIT, "an event is larger than %u bytes with the backend's routing",
                VG_LIMIT_EVENT_BYTES);
  if (n < 0) return n;
  b->count = (size_t)n;
  return 0;
}

static void prep_init(struct prep *p, struct batch *input) {
  memset(p, 0, sizeof(*p));
  p->input = input;
  vg_jscan_init(&p->scan);
  vg_buf_init(&p->enc, (size_t)1 << 31);
  vg_buf_init(&p->owned, VG_LIMIT_EVENT_BYTES);
  p->ok_tail = &p->ok;
}

/* Prepare every batch of p->input; a batch that fails is completed with its
 * error at once and dropped (it costs the others nothing). */
static void prep_run(struct ingest *in, struct prep *p) {
  uint64_t c0 = thread_cpu_ns();
  struct vg_err err;
  /* The stored bytes are the sent bytes plus the backend's routing members:
   * reserve that once rather than growing (and copying) by doubling. */
  size_t bytes = 0, batches = 0;
  for (struct batch *b = p->input; b; b = b->next) bytes += b->len, batches++;
  vg_buf_reserve(&p->enc, bytes + bytes / 4 + batches * 4096);
  for (struct batch *b = p->input, *next; b; b = next) {
    next = b->next;
    b->next = NULL;
    size_t mark_ev = p->nev, mark_enc = p->enc.len;
    vg_err_clear(&err);
    int r = prepare(in, p, b, &err);
    if (r) {
      p->nev = mark_ev;
      vg_buf_truncate(&p->enc, mark_enc);
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
  uint64_t dt = thread_cpu_ns() - c0;
  pthread_mutex_lock(&in->mu);
  in->st.prep_cpu_ns += dt;
  pthread_mutex_unlock(&in->mu);
}

static void prep_cleanup(struct prep *p) {
  for (struct batch *b = p->ok, *next; b; b = next) {
    next = b->next;
    free(b->data);
    free(b);
  }
  free(p->evs);
  free(p->present);
  vg_buf_cleanup(&p->enc);
  vg_buf_cleanup(&p->owned);
  vg_jscan_cleanup(&p->scan);
}

/* Hand the stored events of a group to the hook thread: the encode buffers
 * move into a hook_group. Blocks while the hook queue is full (back-pressure:
 * never drop). */
static void hooks_push(struct ingest *in, struct prep *pa, struct prep *pb) {
  size_t nev = pa->nev + pb->nev;
  if (!in->nhooks || !nev) return;
  struct hook_group *g = vg_xcalloc(1, sizeof(*g));
  size_t nb = 0;
  for (struct batch *b = pa->ok; b; b = b->next) nb++;
  for (struct batch *b = pb->ok; b; b = b->next) nb++;
  g->ids = vg_xcalloc(nb ? nb : 1, sizeof(*g->ids));
  g->evs = vg_xcalloc(nev, sizeof(*g->evs));
  struct prep *ps[2] = {pa, pb};
  size_t k = 0, e = 0;
  for (int h = 0; h < 2; h++) {
    struct prep *p = ps[h];
    g->enc[h] = p->enc; /* moved: the store events' offsets stay valid */
    vg_buf_init(&p->enc, 1);
    size_t done = 0;
    for (struct batch *b = p->ok; b; b = b->next, k++) {
      struct batch_ids *ids = &g->ids[k];
      snprintf(ids->oid, sizeof(ids->oid), "%s", b->oid);
      snprintf(ids->sid, sizeof(ids->sid), "%s", b->sid);
      vg_atom_uuid_parse(b->oid, ids->oidb);
      vg_atom_uuid_parse(b->sid, ids->sidb);
      for (size_t i = 0; i < b->count; i++, done++, e++) {
        const struct store_event *se = &p->evs[done];
        g->evs[e].ids = ids;
        g->evs[e].seq = se->seq;
        g->evs[e].present = p->present[done];
        g->evs[e].type_id = se->type_id;
        g->evs[e].data = g->enc[h].data + (uintptr_t)se->data;
        g->evs[e].len = se->len;
      }
    }
  }
  g->nev = e;
  pthread_mutex_lock(&in->hmu);
  while (in->hqueued && in->hqueued + g->nev > VG_LIMIT_HOOK_QUEUE_EVENTS && !in->hstop)
    pthread_cond_wait(&in->hspace, &in->hmu); /* back-pressure: never drop */
  if (in->htail)
    in->htail->next = g;
  else
    in->hhead = g;
  in->htail = g;
  in->hqueued += g->nev;
  pthread_cond_signal(&in->hcv);
  pthread_mutex_unlock(&in->hmu);
}

static void hook_group_free(struct hook_group *g) {
  vg_buf_cleanup(&g->enc[0]);
  vg_buf_cleanup(&g->enc[1]);
  free(g->ids);
  free(g->evs);
  free(g);
}

/* The helper thread prepares the second half of a group while the ingest
 * thread prepares the first: decoding is most of ingest's CPU. */
static void *prep_main(void *arg) {
  struct ingest *in = arg;
  pthread_setname_np(pthread_self(), "vigild-prep");
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

/* A group between its two stages: prepared, waiting for the writer. */
struct pgroup {
  struct prep pa, pb;
};

/* Stage 1 (ingest thread): every batch waiting (up to
 * VG_LIMIT_INGEST_GROUP_BYTES), prepared in two contiguous halves (so one
 * sensor's batches stay in order) on this thread and the prep helper. */
static struct pgroup *prepare_group(struct ingest *in, struct batch *group) {
  size_t n = 0;
  for (struct batch *b = group; b; b = b->next) n++;
  struct batch *second = NULL;
  if (n >= 2 && in->prep_started) {
    struct batch *b = group;
    for (size_t i = 1; i < n / 2; i++) b = b->next;
    second = b->next;
    b->next = NULL;
  }
  struct pgroup *g = vg_xmalloc(sizeof(*g));
  prep_init(&g->pa, group);
  prep_init(&g->pb, second);
  if (second) {
    pthread_mutex_lock(&in->pmu);
    in->pwork = &g->pb;
    pthread_cond_broadcast(&in->pcv);
    pthread_mutex_unlock(&in->pmu);
  }
  prep_run(in, &g->pa);
  if (second) {
    pthread_mutex_lock(&in->pmu);
    while (in->pwork) pthread_cond_wait(&in->pcv, &in->pmu);
    pthread_mutex_unlock(&in->pmu);
  }
  return g;
}

/* Stage 2 (writer thread): the prepared group in ONE store write, then acks
 * and the hooks. Groups reach it in the order they were taken. */
static void write_group(struct ingest *in, struct pgroup *g) {
  struct prep *pa = &g->pa, *pb = &g->pb;
  size_t nev = pa->nev + pb->nev;
  struct store_event *evs = vg_xreallocarray(NULL, nev ? nev : 1, sizeof(*evs));
  for (size_t i = 0; i < pa->nev; i++) {
    evs[i] = pa->evs[i];
    evs[i].data = pa->enc.data + (uintptr_t)pa->evs[i].data;
  }
  for (size_t i = 0; i < pb->nev; i++) {
    evs[pa->nev + i] = pb->evs[i];
    evs[pa->nev + i].data = pb->enc.data + (uintptr_t)pb->evs[i].data;
  }
  struct vg_err err;
  vg_err_clear(&err);
  uint64_t c0 = thread_cpu_ns();
  int refused = nev ? store_write_events(in->vd->store, evs, nev, true, &err) : 0;
  uint64_t dt = thread_cpu_ns() - c0;
  free(evs);
  pthread_mutex_lock(&in->mu);
  in->st.write_cpu_ns += dt;
  in->st.groups++;
  complete_all(in, pa->ok, refused, &err);
  complete_all(in, pb->ok, refused, &err);
  if (refused >= 0) {
    in->st.events += nev - (size_t)refused;
    in->st.refused_events += (uint64_t)refused;
  }
  pthread_mutex_unlock(&in->mu);
  if (refused < 0) vg_error(COMP, "store write failed: %s", err.msg);
  in->wake(in->wake_ctx);
  if (refused >= 0) hooks_push(in, pa, pb);
  prep_cleanup(pa);
  prep_cleanup(pb);
  free(g);
}

/* Hand a prepared group to the writer: one slot, so the next group is
 * prepared while this one is written and fsynced, and no further. */
static void writer_put(struct ingest *in, struct pgroup *g) {
  pthread_mutex_lock(&in->wmu);
  while (in->wslot) pthread_cond_wait(&in->wcv, &in->wmu);
  in->wslot = g;
  pthread_cond_broadcast(&in->wcv);
  pthread_mutex_unlock(&in->wmu);
}

static void *writer_main(void *arg) {
  struct ingest *in = arg;
  pthread_setname_np(pthread_self(), "vigild-write");
  pthread_mutex_lock(&in->wmu);
  for (;;) {
    while (!in->wslot && !in->wstop) pthread_cond_wait(&in->wcv, &in->wmu);
    struct pgroup *g = in->wslot;
    if (!g) break;
    in->wslot = NULL;
    pthread_cond_broadcast(&in->wcv);
    pthread_mutex_unlock(&in->wmu);
    write_group(in, g);
    pthread_mutex_lock(&in->wmu);
  }
  pthread_mutex_unlock(&in->wmu);
  return NULL;
}

static void *ingest_main(void *arg) {
  struct ingest *in = arg;
  pthread_setname_np(pthread_self(), "vigild-ingest");
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
    writer_put(in, prepare_group(in, group));
    pthread_mutex_lock(&in->mu);
  }
  pthread_mutex_unlock(&in->mu);
  return NULL;
}

/* Stop one stage's thread: its flag set under its mutex, then joined; it
 * finishes what it was given first. */
static void stage_stop(pthread_mutex_t *mu, pthread_cond_t *cv, bool *stop, pthread_t t) {
  pthread_mutex_lock(mu);
  *stop = true;
  pthread_cond_broadcast(cv);
  pthread_mutex_unlock(mu);
  pthread_join(t, NULL);
}

static void prep_stop(struct ingest *in) {
  if (!in->prep_started) return;
  stage_stop(&in->pmu, &in->pcv, &in->pstop, in->pthr);
  in->prep_started = false;
}

/* One stored event as the hooks see it (ingest.h). */
struct ingest_event {
  const struct hook_ev *he;
  struct vg_jscan *scan; /* the hook thread's */
  struct vg_routing *rt; /* the hook thread's, filled on first ask */
  int rt_state;          /* 0 not read yet, 1 read, -1 unreadable */
  struct vg_buf json;    /* the full JSON, rendered on first ask */
  bool rendered;
  json_t *tree;          /* decoded on first ask */
};

/* The routing of a stored event, read back from its bytes (they were
 * validated at ingest), plus what the key holds: oid, sid, the event id. */
const struct vg_routing *ingest_event_routing(struct ingest_event *ev) {
  if (!ev->rt_state) {
    const struct hook_ev *he = ev->he;
    struct vg_routing *rt = ev->rt;
    ev->rt_state = -1;
    if (vg_event_scan_routing(ev->scan, he->data, he->len, rt, NULL) == 0) {
      memcpy(rt->oid, he->ids->oid, sizeof(rt->oid));
      memcpy(rt->sid, he->ids->sid, sizeof(rt->sid));
      vg_atom_event_id(he->ids->sidb, he->seq, rt->event_id);
      rt->present |= VG_RT_OID | VG_RT_SID | VG_RT_EVENT_ID;
      ev->rt_state = 1;
    }
  }
  return ev->rt_state > 0 ? ev->rt : NULL;
}

const char *ingest_event_oid(const struct ingest_event *ev) { return ev->he->ids->oid; }

const char *ingest_event_type(struct ingest_event *ev) {
  const struct vg_event_type *et =
      ev->he->type_id != VG_EVENT_TYPE_OTHER ? vg_event_type_by_id(ev->he->type_id) : NULL;
  if (et) return et->name;
  const struct vg_routing *rt = ingest_event_routing(ev);
  return rt ? rt->event_type : "";
}

unsigned ingest_event_present(const struct ingest_event *ev) {
  return ev->he->present | VG_RT_OID | VG_RT_SID | VG_RT_EVENT_ID;
}

const char *ingest_event_json(struct ingest_event *ev, size_t *len) {
  if (!ev->rendered) {
    struct store_rec r = {.oid = ev->he->ids->oidb, .sid = ev->he->ids->sidb,
                          .seq = ev->he->seq, .data = ev->he->data, .len = ev->he->len};
    vg_buf_reset(&ev->json);
    if (store_render(&r, &ev->json, NULL)) return NULL;
    ev->rendered = true;
  }
  *len = ev->json.len;
  return ev->json.data;
}

const json_t *ingest_event_tree(struct ingest_event *ev) {
  if (!ev->tree) {
    size_t len;
    const char *j = ingest_event_json(ev, &len);
    if (j) vg_event_codec_decode(j, len, &ev->tree, NULL);
  }
  return ev->tree;
}

static void *hook_main(void *arg) {
  struct ingest *in = arg;
  pthread_setname_np(pthread_self(), "vigild-hooks");
  struct vg_routing *rt = vg_xmalloc(sizeof(*rt));
  struct vg_jscan scan;
  vg_jscan_init(&scan);
  struct ingest_event ev = {.rt = rt, .scan = &scan};
  vg_buf_init(&ev.json, 2 * (size_t)VG_LIMIT_EVENT_BYTES);
  pthread_mutex_lock(&in->hmu);
  for (;;) {
    while (!in->hhead && !in->hstop) pthread_cond_wait(&in->hcv, &in->hmu);
    struct hook_group *g = in->hhead;
    if (!g) break;
    in->hhead = g->next;
    if (!in->hhead) in->htail = NULL;
    pthread_mutex_unlock(&in->hmu);
    for (size_t i = 0; i < g->nev; i++) {
      ev.he = &g->evs[i];
      ev.rendered = false;
      ev.rt_state = 0;
      for (int h = 0; h < in->nhooks; h++) in->hooks[h].fn(in->hooks[h].ctx, &ev);
      json_decref(ev.tree);
      ev.tree = NULL;
    }
    pthread_mutex_lock(&in->hmu);
    in->hqueued -= g->nev;
    pthread_cond_broadcast(&in->hspace);
    hook_group_free(g);
  }
  pthread_mutex_unlock(&in->hmu);
  vg_buf_cleanup(&ev.json);
  vg_jscan_cleanup(&scan);
  free(rt);
  return NULL;
}

/* The writer writes what was handed over; the hooks run on what was stored. */
static void writer_stop(struct ingest *in) { stage_stop(&in->wmu, &in->wcv, &in->wstop, in->wthread); }
static void hooks_stop(struct ingest *in) { stage_stop(&in->hmu, &in->hcv, &in->hstop, in->hthread); }

int ingest_start(struct ingest *in) {
  if (pthread_create(&in->hthread, NULL, hook_main, in)) return -VG_EINTERNAL;
  if (pthread_create(&in->wthread, NULL, writer_main, in)) {
    hooks_stop(in);
    return -VG_EINTERNAL;
  }
  in->prep_started = pthread_create(&in->pthr, NULL, prep_main, in) == 0;
  if (pthread_create(&in->thread, NULL, ingest_main, in)) {
    prep_stop(in);
    writer_stop(in);
    hooks_stop(in);
    return -VG_EINTERNAL;
  }
  in->started = true;
  return 0;
}

void ingest_free(struct ingest *in) {
  if (!in) return;
  if (in->started) { /* in stage order: each finishes what it was given */
    stage_stop(&in->mu, &in->cv, &in->stop, in->thread); /* prepares what was queued */
    prep_stop(in);
    writer_stop(in);
    hooks_stop(in);
    struct ingest_stats st;
    ingest_stats(in, &st);
    if (st.events)
      vg_info(COMP,
              "%" PRIu64 " events stored in %" PRIu64 " writes; CPU per event: prepare %.2f us, "
              "store write %.2f us",
              st.events, st.groups, (double)st.prep_cpu_ns / 1e3 / (double)st.events,
              (double)st.write_cpu_ns / 1e3 / (double)st.events);
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
  pthread_mutex_destroy(&in->wmu);
  pthread_cond_destroy(&in->wcv);
  free(in);
}

void ingest_stats(struct ingest *in, struct ingest_stats *out) {
  pthread_mutex_lock(&in->mu);
  *out = in->st;
  pthread_mutex_unlock(&in->mu);
}
