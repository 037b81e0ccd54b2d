/* rules_vt.c — the lookup operator's `api/vt` resource (VirusTotal, vt.h)
 * and the evaluations parked on a cache miss.
 *
 * The ingest hook never waits on the network: a miss queues the hash on the
 * VirusTotal worker and the lookup is false for now. If the rule is
 * stateless, the rule and a copy of the event are parked; when the worker
 * has the answer it calls rules_vt_answered, which runs each rule parked on
 * that hash again on its event (now a cache hit) and responds if it
 * matches — the detection arrives seconds (or, rate-limited, minutes)
 * later. Stateful rules are not parked (feeding an event to their state
 * twice would count it twice): for them a miss is a non-match. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend/rules_int.h"
#include "backend/vigild.h"
#include "backend/vt.h"
#include "shared/alloc.h"
#include "shared/event.h"
#include "shared/log.h"

#define COMP "rules"

bool rules_vt_lookup(struct org *o, const char *hash, const json_t **mtd) {
  struct vt *vt = o->r && o->r->vd ? o->r->vd->vt : NULL;
  if (!vt) return false;
  json_t *rep = NULL;
  enum vt_status s = vt_lookup(vt, hash, &rep);
  if (s == VT_PENDING) {
    snprintf(o->vt_wait, sizeof(o->vt_wait), "%s", hash);
    return false;
  }
  if (s != VT_FOUND) return false;
  /* Lent to metadata_rules: held until the next evaluation starts. */
  json_array_append_new(o->vt_held, rep);
  if (mtd) *mtd = json_object_get(rep, "engines");
  return true;
}

static void parked_free(struct parked *p) {
  json_decref(p->ev);
  free(p);
}

void rules_vt_park_locked(struct rules *r, struct org *o, struct crule *c, const json_t *ev,
                          const struct vg_routing *rt, int depth) {
  if (r->nparked >= RULES_VT_PARKED_MAX) { /* drop the oldest */
    r->parked_dropped++;
    vg_warn(COMP, "org %s: rule %s/%s waiting for VirusTotal dropped (%d waiting)", r->parked[0]->oid,
            r->parked[0]->ns, r->parked[0]->name, RULES_VT_PARKED_MAX);
    parked_free(r->parked[0]);
    memmove(&r->parked[0], &r->parked[1], (r->nparked - 1) * sizeof(*r->parked));
    r->nparked--;
  }
  struct parked *p = vg_xcalloc(1, sizeof(*p));
  r->parked[r->nparked++] = p;
  snprintf(p->oid, sizeof(p->oid), "%s", o->oid);
  snprintf(p->ns, sizeof(p->ns), "%s", c->ns);
  snprintf(p->name, sizeof(p->name), "%s", c->name);
  snprintf(p->hash, sizeof(p->hash), "%s", o->vt_wait);
  p->ev = json_deep_copy(ev);
  p->rt = *rt;
  p->depth = depth;
  p->at_ms = vg_event_now_ms();
  r->parked_total++;
  vg_debug(COMP, "org %s: rule %s/%s waits for VirusTotal on %s", o->oid, c->ns, c->name, p->hash);
}

void rules_vt_answered(void *ctx, const char *hash) {
  struct rules *r = ctx;
  pthread_mutex_lock(&r->lock);
  /* Take this hash's entries out first: evaluating may park again. */
  struct parked **take = vg_xreallocarray(NULL, r->nparked + 1, sizeof(*take));
  size_t n = 0, k = 0;
  for (size_t i = 0; i < r->nparked; i++) {
    if (strcasecmp(r->parked[i]->hash, hash) == 0) take[n++] = r->parked[i];
    else r->parked[k++] = r->parked[i];
  }
  r->nparked = k;
  for (size_t i = 0; i < n; i++) {
    struct parked *p = take[i];
    struct org *o = rules_org_locked(r, p->oid);
    struct crule *c = NULL;
    for (size_t j = 0; o && j < o->nrules && !c; j++)
      if (strcmp(o->rules[j]->ns, p->ns) == 0 && strcmp(o->rules[j]->name, p->name) == 0)
        c = o->rules[j];
    /* Deleted, disabled or made stateful meanwhile: nothing to run. */
    if (c && !c->st && json_is_true(json_object_get(c->rec, "enabled"))) {
      uint64_t before = c->matches;
      rules_eval_rule_locked(r, o, c, p->ev, &p->rt, p->depth);
      if (c->matches != before) r->parked_fired++;
    }
    parked_free(p);
  }
  pthread_mutex_unlock(&r->lock);
  free(take);
}

void rules_vt_expire(struct rules *r, int64_t now_ms) {
  pthread_mutex_lock(&r->lock);
  size_t k = 0;
  for (size_t i = 0; i < r->nparked; i++) {
    if (now_ms - r->parked[i]->at_ms > RULES_VT_PARKED_TTL_MS) {
      r->parked_dropped++;
      parked_free(r->parked[i]);
    } else {
      r->parked[k++] = r->parked[i];
    }
  }
  r->nparked = k;
  pthread_mutex_unlock(&r->lock);
}

json_t *rules_vt_parked_stats(struct rules *r) {
  pthread_mutex_lock(&r->lock);
  json_t *o = json_pack("{s:I, s:I, s:I, s:I}", "waiting", (json_int_t)r->nparked, "parked",
                        (json_int_t)r->parked_total, "fired", (json_int_t)r->parked_fired,
                        "parked_dropped", (json_int_t)r->parked_dropped);
  pthread_mutex_unlock(&r->lock);
  return o;
}

void rules_vt_free_locked(struct rules *r) {
  for (size_t i = 0; i < r->nparked; i++) parked_free(r->parked[i]);
  r->nparked = 0;
}
