/* rules_int.h — state shared by rules.c (organisations, rules, the hook),
 * rules_respond.c (actions, suppression, detections, the service-thread
 * queue) and rules_feeds.c (feeds, sensor variables). r->lock guards all. */
#ifndef VIGILD_RULES_INT_H
#define VIGILD_RULES_INT_H

#include <pthread.h>

#include "backend/rules.h"
#include "backend/store.h"
#include "shared/atom.h"
#include "shared/expr.h"
#include "shared/expr_index.h"
#include "shared/feed.h"
#include "shared/limits.h"
#include "shared/routing.h"
#include "shared/rule.h"

struct crule {
  char ns[16];
  char name[VG_LIMIT_RULE_NAME_BYTES + 1];
  json_t *rec;      /* stored record {name, namespace, yaml, enabled, expire_on, updated} */
  struct vg_rule *rule;
  struct vg_expr_state *st;
  json_t **sup;     /* per action: suppression counters {key: [count, start_ms]} */
  uint64_t evals, matches, eval_ns;
};

struct feed_ent {
  char name[VG_LIMIT_RULE_NAME_BYTES + 1];
  char *path;
  struct vg_feed *feed;
  int64_t mtime_ns;
  char error[VG_LIMIT_ERR_MSG_BYTES];
};

#define RULES_VT_PARKED_MAX 1024          /* evaluations waiting for VirusTotal (all orgs) */
#define RULES_VT_PARKED_TTL_MS 3600000LL  /* a parked evaluation is dropped after an hour */

/* An evaluation whose api/vt lookup missed the cache: the rule runs again
 * on a copy of the event when the answer arrives (rules_vt.c). */
struct parked {
  char oid[VG_UUID_STR_LEN + 1];
  char ns[16];
  char name[VG_LIMIT_RULE_NAME_BYTES + 1];
  char hash[65];
  json_t *ev;
  struct vg_routing rt;
  int depth;
  int64_t at_ms;
};

struct org {
  struct rules *r;
  char oid[VG_UUID_STR_LEN + 1];
  uint8_t oidb[VG_ATOM_BYTES];
  struct crule **rules;  /* general and managed */
  size_t nrules;
  struct crule **fps;
  size_t nfps;
  struct feed_ent *feeds;
  size_t nfeeds;
  struct vg_expr_index *ix; /* enabled rules by event type and value, ids = positions */
  json_t *vars;          /* sid → name → {"exp": {value: expiry_ms|0}, "values": [value…]} */
  /* During one evaluation: the api/vt hash that missed (""), and the
   * VirusTotal reports lent to metadata_rules (kept alive until the next). */
  char vt_wait[65];
  json_t *vt_held;
};

struct pending {
  int kind; /* VG_ACT_TASK, VG_ACT_ISOLATE, VG_ACT_REJOIN */
  char oid[VG_UUID_STR_LEN + 1], sid[VG_UUID_STR_LEN + 1];
  char *command;
};

struct dsub {
  char oid[VG_UUID_STR_LEN + 1];
  uint64_t session, sub;
};

struct rules {
  struct vigild *vd;
  pthread_mutex_t lock;
  struct org **orgs;
  size_t norgs;
  struct pending pend[VG_LIMIT_RULES_PENDING];
  size_t npend;
  uint64_t pend_dropped;
  struct dsub subs[VG_LIMIT_DETECTION_SUBS];
  size_t nsubs;
  struct parked *parked[RULES_VT_PARKED_MAX]; /* oldest first, each malloc'd */
  size_t nparked;
  uint64_t parked_total, parked_dropped, parked_fired;
};

/* rules.c */
struct org *rules_org_locked(struct rules *r, const char *oid);
void rules_eval_locked(struct rules *r, struct org *o, const json_t *ev,
                       const struct vg_routing *rt, int depth);
void rules_crule_free(struct crule *c);
/* Evaluate one rule on ev and respond if it matches; an api/vt miss in a
 * stateless rule parks the evaluation (rules_vt.c). */
void rules_eval_rule_locked(struct rules *r, struct org *o, struct crule *c, const json_t *ev,
                            const struct vg_routing *rt, int depth);
/* Compile a rule (fp: a bare detect node); file "<ns>/<name>" in errors. */
struct crule *rules_crule_new(const char *ns, const char *name, const char *yaml, bool fp,
                              struct vg_err *err);

/* rules_replay.c: run c's embedded tests (tests: match / non_match) on o's
 * lookups and variables, each case with fresh state. 0 if all pass; else
 * -VG_EINVAL with err naming the first failure, and (failures non-NULL)
 * every failure's message appended as a string. */
int rules_tests_locked(struct org *o, struct crule *c, json_t *failures, struct vg_err *err);
struct vg_expr_env rules_env(struct org *o);

/* rules_respond.c: run the actions of rule c that matched report_ev. */
void rules_respond_locked(struct rules *r, struct org *o, struct crule *c,
                          const json_t *report_ev, const struct vg_routing *rt, int depth);
/* rules_vt.c: the api/vt resource of the lookup operator; parking. */
bool rules_vt_lookup(struct org *o, const char *hash, const json_t **mtd);
void rules_vt_park_locked(struct rules *r, struct org *o, struct crule *c, const json_t *ev,
                          const struct vg_routing *rt, int depth);
void rules_vt_expire(struct rules *r, int64_t now_ms);
void rules_vt_free_locked(struct rules *r);
/* rules_feeds.c */
bool rules_feeds_lookup(struct org *o, const char *name, const char *value, const json_t **mtd);
const json_t *rules_vars_get(struct org *o, const char *sid, const char *name);
void rules_vars_set(struct org *o, const char *sid, const char *name, const char *value,
                    int64_t expiry_ms, bool del);
void rules_vars_expire(struct org *o, int64_t now_ms);
void rules_feeds_load_locked(struct rules *r, struct org *o);
void rules_feeds_housekeeping(struct rules *r, int64_t now_ms);

#endif
