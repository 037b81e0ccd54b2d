/* fim.c — FIM patterns, matched and persisted (fim.h). */
#include "sensor/fim.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensor/collect_limits.h"
#include "shared/alloc.h"
#include "shared/log.h"

struct sensor_fim {
  pthread_mutex_t lock; /* guards pats, n */
  char *pats[SENSOR_FIM_MAX_PATTERNS];
  size_t n;
  char *file; /* NULL: not persisted */
};

static int check_pattern(const char *p, struct vg_err *err) {
  size_t len = strlen(p);
  if (len == 0) return vg_err_fail(err, VG_EINVAL, "fim pattern: empty");
  if (len > SENSOR_FIM_PATTERN_BYTES)
    return vg_err_fail(err, VG_ELIMIT, "fim pattern: %zu bytes, at most %d", len,
                       SENSOR_FIM_PATTERN_BYTES);
  if (p[0] != '/' && p[0] != '*')
    return vg_err_fail(err, VG_EINVAL, "fim pattern '%s': must start with '/' or '*'", p);
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
      return vg_err_fail(err, VG_EINVAL, "fim pattern: control character at byte %zu", i);
  return 0;
}

struct sensor_fim *fim_create(const char *state_dir) {
  struct sensor_fim *f = vg_xcalloc(1, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  if (!state_dir) return f;
  f->file = vg_xasprintf("%s/fim.patterns", state_dir);
  FILE *fp = fopen(f->file, "r");
  if (!fp) return f;
  char line[SENSOR_FIM_PATTERN_BYTES + 2];
  int lineno = 0;
  while (fgets(line, sizeof line, fp)) {
    lineno++;
    line[strcspn(line, "\n")] = '\0';
    struct vg_err e;
    vg_err_clear(&e);
    if (check_pattern(line, &e) < 0 || f->n >= SENSOR_FIM_MAX_PATTERNS) {
      vg_warn("fim", "%s:%d: skipped: %s", f->file, lineno,
              e.code ? e.msg : "too many patterns");
      continue;
    }
    f->pats[f->n++] = vg_xstrdup(line);
  }
  fclose(fp);
  return f;
}

void fim_free(struct sensor_fim *f) {
  if (!f) return;
  for (size_t i = 0; i < f->n; i++) free(f->pats[i]);
  free(f->file);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

/* Called with the lock held. */
static int persist(struct sensor_fim *f, struct vg_err *err) {
  if (!f->file) return 0;
  char *tmp = vg_xasprintf("%s.tmp", f->file);
  FILE *fp = fopen(tmp, "w");
  int rc = 0;
  if (!fp) {
    rc = vg_err_fail(err, VG_EIO, "%s: %s", tmp, strerror(errno));
    goto out;
  }
  for (size_t i = 0; i < f->n; i++) fprintf(fp, "%s\n", f->pats[i]);
  if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) rc = vg_err_fail(err, VG_EIO, "%s: %s", tmp, strerror(errno));
  if (fclose(fp) != 0 && rc == 0) rc = vg_err_fail(err, VG_EIO, "%s: %s", tmp, strerror(errno));
  if (rc == 0 && rename(tmp, f->file) != 0)
    rc = vg_err_fail(err, VG_EIO, "%s: %s", f->file, strerror(errno));
out:
  free(tmp);
  return rc;
}

int fim_add(struct sensor_fim *f, const char *pattern, struct vg_err *err) {
  int rc = check_pattern(pattern, err);
  if (rc < 0) return rc;
  pthread_mutex_lock(&f->lock);
  for (size_t i = 0; i < f->n; i++)
    if (strcmp(f->pats[i], pattern) == 0) {
      pthread_mutex_unlock(&f->lock);
      return vg_err_fail(err, VG_EEXIST, "fim pattern '%s': already watched", pattern);
    }
  if (f->n >= SENSOR_FIM_MAX_PATTERNS) {
    pthread_mutex_unlock(&f->lock);
    return vg_err_fail(err, VG_ELIMIT, "fim: at most %d patterns", SENSOR_FIM_MAX_PATTERNS);
  }
  f->pats[f->n++] = vg_xstrdup(pattern);
  rc = persist(f, err);
  pthread_mutex_unlock(&f->lock);
  return rc;
}

int fim_del(struct sensor_fim *f, const char *pattern, struct vg_err *err) {
  pthread_mutex_lock(&f->lock);
  for (size_t i = 0; i < f->n; i++) {
    if (strcmp(f->pats[i], pattern) != 0) continue;
    free(f->pats[i]);
    memmove(&f->pats[i], &f->pats[i + 1], (f->n - i - 1) * sizeof f->pats[0]);
    f->n--;
    int rc = persist(f, err);
    pthread_mutex_unlock(&f->lock);
    return rc;
  }
  pthread_mutex_unlock(&f->lock);
  return vg_err_fail(err, VG_ENOTFOUND, "fim pattern '%s': not watched", pattern);
}

bool fim_match(struct sensor_fim *f, const char *path, char *out, size_t n) {
  bool hit = false;
  pthread_mutex_lock(&f->lock);
  for (size_t i = 0; i < f->n && !hit; i++)
    if (fnmatch(f->pats[i], path, 0) == 0) {
      hit = true;
      if (out && n) snprintf(out, n, "%s", f->pats[i]);
    }
  pthread_mutex_unlock(&f->lock);
  return hit;
}

json_t *fim_list(struct sensor_fim *f) {
  json_t *a = json_array();
  pthread_mutex_lock(&f->lock);
  for (size_t i = 0; i < f->n; i++) json_array_append_new(a, json_string(f->pats[i]));
  pthread_mutex_unlock(&f->lock);
  return a;
}
