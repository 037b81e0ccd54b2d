/* action.c — the action and context tables. */
#include "tui/action.h"

#include <string.h>

static const struct action_info actions[ACT__COUNT] = {
    {ACT_NONE, "", CTX_GLOBAL, ""},
#define ACT_ROW(e, n, c, d) {ACT_##e, n, CTX_##c, d},
    ACTION_TABLE(ACT_ROW)
#undef ACT_ROW
};

static const struct {
  const char *name, *desc;
} contexts[CTX__COUNT] = {
#define CTX_ROW(e, n, d) {n, d},
    CONTEXT_TABLE(CTX_ROW)
#undef CTX_ROW
};

const struct action_info *action_info(enum action a) {
  return a > ACT_NONE && a < ACT__COUNT ? &actions[a] : NULL;
}

enum action action_by_name(const char *name) {
  for (int i = 1; i < ACT__COUNT; i++)
    if (strcmp(actions[i].name, name) == 0) return (enum action)i;
  return ACT_NONE;
}

const char *context_name(enum context c) {
  return (unsigned)c < CTX__COUNT ? contexts[c].name : "?";
}

const char *context_description(enum context c) {
  return (unsigned)c < CTX__COUNT ? contexts[c].desc : "?";
}

int context_by_name(const char *name) {
  for (int i = 0; i < CTX__COUNT; i++)
    if (strcmp(contexts[i].name, name) == 0) return i;
  return -1;
}
