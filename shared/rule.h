/* rule.h — a detection & response rule: `{detect: <node>, respond: [...]}`
 * in the seed product's YAML (docs/rules.md). Loading compiles the detect
 * node (expr.h) and checks every action against the action table; emitting
 * turns a JSON form of a rule back into YAML that loads again (the wizard
 * and vigilctl write rules through it).
 *
 * Actions: report (name, priority, metadata, publish), task (command),
 * add tag / remove tag (tag, ttl), add var / del var (name, value, ttl),
 * isolate network, rejoin network, output (name). Every action may carry
 * suppression {max_count, min_count, period, is_global, keys}. */
#ifndef VIGIL_RULE_H
#define VIGIL_RULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "shared/err.h"
#include "shared/expr.h"

enum vg_action_kind {
  VG_ACT_REPORT = 1,
  VG_ACT_TASK,
  VG_ACT_ADD_TAG,
  VG_ACT_REMOVE_TAG,
  VG_ACT_ADD_VAR,
  VG_ACT_DEL_VAR,
  VG_ACT_ISOLATE,
  VG_ACT_REJOIN,
  VG_ACT_OUTPUT,
};

struct vg_suppression {
  bool on;
  int64_t max_count;  /* 0 = no maximum */
  int64_t min_count;  /* 0 = no threshold */
  int64_t period_s;   /* window length */
  bool is_global;     /* org-wide, else per sensor */
  char **keys;        /* templates */
  size_t nkeys;
};

struct vg_action {
  enum vg_action_kind kind;
  char *name;       /* report name / output name / var name (templates allowed in report) */
  int64_t priority; /* report */
  json_t *metadata; /* report: detect_mtd (new reference owned), or NULL */
  bool publish;     /* report: default true */
  char *command;    /* task: a command line, <<lookback>> allowed */
  char *tag;        /* add/remove tag */
  char *value;      /* add var: value, <<lookback>> allowed */
  int64_t ttl_s;    /* tag / var ttl, 0 = none */
  struct vg_suppression sup;
};

struct vg_rule {
  struct vg_expr *detect;
  json_t *tests;    /* {"match": [[event…]…], "non_match": [[…]…]} or NULL */
  struct vg_action *actions;
  size_t nactions;
};

/* Load rule YAML text (file names it in errors). 0 with *out (free with
 * vg_rule_free) or -VG_E… with err naming file:line:col and the key. */
int vg_rule_load(const char *text, size_t len, const char *file, struct vg_rule **out,
                 struct vg_err *err);
void vg_rule_free(struct vg_rule *r);

/* Action name as written ("add tag"). */
const char *vg_action_name(enum vg_action_kind k);

/* YAML text for a JSON value (a rule as {detect:{…}, respond:[…]}): block
 * style, strings quoted when plain YAML would change them. Heap string. */
char *vg_rule_emit(const json_t *rule);

/* Render a template: `{{ .routing.hostname }}`, `{{ .event.FILE_PATH }}`,
 * `{{ .detect.x }}`, `{{ .mtd.x }}` are replaced by the value at that path of
 * root (missing → ""); other text is copied. At most VG_LIMIT_TEMPLATE_BYTES.
 * Heap string. */
char *vg_rule_template(const char *tpl, const json_t *root);

/* Replace every <<path>> in s with the first value at that path of ev
 * (commands, var values). Heap string. */
char *vg_rule_lookback(const char *s, const json_t *ev);

#endif
