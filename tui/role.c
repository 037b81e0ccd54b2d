/* role.c — the role table: names for theme files and the docs. */
#include "tui/role.h"

#include <string.h>

static const struct {
  const char *name, *desc;
} roles[ROLE__COUNT] = {
#define ROLE_ROW(e, n, d) {n, d},
    ROLE_TABLE(ROLE_ROW)
#undef ROLE_ROW
};

const char *role_name(enum role r) {
  return (unsigned)r < ROLE__COUNT ? roles[r].name : "?";
}

const char *role_description(enum role r) {
  return (unsigned)r < ROLE__COUNT ? roles[r].desc : "?";
}

int role_by_name(const char *name) {
  for (int i = 0; i < ROLE__COUNT; i++)
    if (strcmp(roles[i].name, name) == 0) return i;
  return -1;
}
