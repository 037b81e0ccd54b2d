/* cmd_yara.c — yara_update (install a named rule set) and yara_scan (a
 * process, a file, a directory pattern, or every process): one
 * YARA_DETECTION per matching rule and target, then YARA_SCAN_REP. */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yara.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "shared/alloc.h"

struct compile_err {
  char msg[256];
};

static void on_compile_error(int level, const char *file, int line, const YR_RULE *rule,
                             const char *message, void *user) {
  (void)file;
  (void)rule;
  struct compile_err *e = user;
  if (level == YARA_ERROR_LEVEL_ERROR && !e->msg[0])
    snprintf(e->msg, sizeof e->msg, "line %d: %s", line, message);
}

/* Compile source (literal YARA text, or base64 of it). 0 or an error replied. */
static int compile(struct cmd_call *c, const char *source, YR_RULES **rules) {
  struct compile_err ce = {{0}};
  for (int attempt = 0; attempt < 2; attempt++) {
    size_t n = 0;
    unsigned char *decoded = NULL;
    const char *text = source;
    if (attempt == 1) {
      if (!(decoded = cmd_util_unbase64(source, &n)) || memchr(decoded, '\0', n)) {
        free(decoded);
        break;
      }
      text = (const char *)decoded;
    }
    YR_COMPILER *comp;
    if (yr_compiler_create(&comp) != ERROR_SUCCESS) {
      free(decoded);
      return cmd_error(c, -VG_EINTERNAL, "yara: cannot create a compiler");
    }
    struct compile_err this_err = {{0}};
    yr_compiler_set_callback(comp, on_compile_error, &this_err);
    int errors = yr_compiler_add_string(comp, text, NULL);
    if (errors == 0 && yr_compiler_get_rules(comp, rules) == ERROR_SUCCESS) {
      yr_compiler_destroy(comp);
      free(decoded);
      return 0;
    }
    yr_compiler_destroy(comp);
    free(decoded);
    if (attempt == 0) ce = this_err;
  }
  return cmd_error(c, -VG_EPARSE, "RULES do not compile: %s", ce.msg[0] ? ce.msg : "error");
}

static bool valid_name(const char *s) {
  size_t n = strlen(s);
  return n >= 1 && n <= CMD_YARA_NAME_MAX &&
         strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

static char *rule_path(const struct cmd_call *c, const char *name) {
  return vg_xasprintf("%s/yara/%s.yar", c->ctx->state_dir ? c->ctx->state_dir : ".", name);
}

int cmd_yara_update(struct cmd_call *c, int argc, char **argv) {
  const char *pos[2];
  int npos, rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 2, 2);
  if (rc) return rc;
  if (!valid_name(pos[0]))
    return cmd_error(c, -VG_EINVAL, "NAME '%s': 1..%d of [A-Za-z0-9_-]", pos[0], CMD_YARA_NAME_MAX);
  yr_initialize();
  YR_RULES *rules;
  if ((rc = compile(c, pos[1], &rules))) {
    yr_finalize();
    return rc;
  }
  int count = 0;
  YR_RULE *r;
  yr_rules_foreach(rules, r) count++;
  yr_rules_destroy(rules);
  yr_finalize();
  char *dir = vg_xasprintf("%s/yara", c->ctx->state_dir ? c->ctx->state_dir : ".");
  mkdir(dir, 0700);
  char *path = rule_path(c, pos[0]), *tmp = vg_xasprintf("%s.tmp", path);
  /* store the source as given (base64 or text); it compiled either way */
  FILE *f = fopen(tmp, "w");
  bool ok = f && fputs(pos[1], f) >= 0;
  if (f && fclose(f) != 0) ok = false;
  if (!ok || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    rc = cmd_util_errno(c, e, path);
  } else {
    cmd_reply(c, json_pack("{s:s, s:i, s:s}", "NAME", pos[0], "RULES", count, "FILE_PATH", path));
  }
  free(tmp);
  free(path);
  free(dir);
  return rc;
}

struct scan {
  struct cmd_call *c;
  const char *file; /* target of the running scan */
  pid_t pid;
  int hits, scanned, failed;
  bool stop;
};

static int on_scan(YR_SCAN_CONTEXT *ctx, int message, void *data, void *user) {
  (void)ctx;
  struct scan *s = user;
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  const YR_RULE *r = data;
  json_t *o = json_pack("{s:s, s:s}", "RULE_NAME", r->identifier, "NAMESPACE", r->ns->name);
  json_t *tags = json_array();
  const char *tag;
  yr_rule_tags_foreach(r, tag) json_array_append_new(tags, json_string(tag));
  json_object_set_new(o, "TAGS", tags);
  if (s->file) {
    json_t *p = json_string(s->file);
    if (p) json_object_set_new(o, "FILE_PATH", p);
  }
  if (s->pid > 0) {
    json_t *proc = cmd_proc_describe(s->c->ctx, s->pid);
    json_object_set_new(o, "PROCESS_ID", json_integer(s->pid));
    if (proc) json_object_set_new(o, "PROCESS", proc);
  }
  cmd_util_emit(s->c, "YARA_DETECTION", o);
  if (++s->hits >= CMD_YARA_MAX_HITS) {
    s->stop = true;
    return CALLBACK_ABORT;
  }
  return CALLBACK_CONTINUE;
}

static void scan_file(YR_RULES *rules, struct scan *s, const char *path) {
  s->file = path;
  s->pid = 0;
  s->scanned++;
  if (yr_rules_scan_file(rules, path, SCAN_FLAGS_FAST_MODE, on_scan, s, CMD_YARA_TIMEOUT_S) != ERROR_SUCCESS)
    s->failed++;
}

static int scan_pid(YR_RULES *rules, struct scan *s, pid_t pid) {
  s->file = NULL;
  s->pid = pid;
  s->scanned++;
  int rc = yr_rules_scan_proc(rules, (int)pid, SCAN_FLAGS_FAST_MODE | SCAN_FLAGS_PROCESS_MEMORY,
                              on_scan, s, CMD_YARA_TIMEOUT_S);
  if (rc != ERROR_SUCCESS) s->failed++;
  return rc;
}

static void scan_dir(YR_RULES *rules, struct scan *s, const char *dir, const char *pattern,
                     long long depth, size_t *visits) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *de;
  while (!s->stop && (de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    if (++*visits > CMD_DIR_MAX_VISITS) {
      s->stop = true;
      break;
    }
    char path[VG_LIMIT_FILE_PATH_BYTES];
    int n = snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
    if (n < 0 || (size_t)n >= sizeof path) continue;
    struct stat st;
    if (lstat(path, &st) != 0) continue;
    if (S_ISREG(st.st_mode) && fnmatch(pattern, de->d_name, FNM_PERIOD) == 0) scan_file(rules, s, path);
    else if (S_ISDIR(st.st_mode) && depth > 0) scan_dir(rules, s, path, pattern, depth - 1, visits);
  }
  closedir(d);
}

int cmd_yara_scan(struct cmd_call *c, int argc, char **argv) {
  struct cmd_opt opts[] = {{.flag = 'p', .name_long = "pid", .nvalues = 1},
                           {.flag = 'f', .name_long = "file", .nvalues = 1},
                           {.flag = 'd', .name_long = "dir", .nvalues = 3}};
  const char *pos[1];
  int npos, rc = cmd_util_parse(c, argc, argv, opts, 3, pos, &npos, 1, 1);
  if (rc) return rc;
  if (opts[0].seen + opts[1].seen + opts[2].seen > 1)
    return cmd_error(c, -VG_EINVAL, "give one of -p, -f, -d (or none: every process); usage: %s",
                     cmd_util_usage(c));
  pid_t pid = 0;
  long long depth = 0;
  if (opts[0].seen && (rc = cmd_util_target_pid(c, &opts[0], NULL, &pid))) return rc;
  if (opts[2].seen &&
      (rc = cmd_util_number(c, "DEPTH", opts[2].value[2], 0, CMD_DIR_MAX_DEPTH, &depth)))
    return rc;
  struct stat st;
  if (opts[1].seen && stat(opts[1].value[0], &st) != 0) return cmd_util_errno(c, errno, opts[1].value[0]);
  if (opts[2].seen && stat(opts[2].value[0], &st) != 0) return cmd_util_errno(c, errno, opts[2].value[0]);
  /* RULES: an installed rule set's name, else source text or base64 */
  const char *source = pos[0];
  char *stored = NULL;
  if (valid_name(pos[0])) {
    char *path = rule_path(c, pos[0]);
    size_t n;
    int r = cmd_util_read_file(path, CMD_YARA_MAX_RULES_BYTES, &stored, &n, NULL);
    free(path);
    if (r == 0) source = stored;
    else if (!strchr(pos[0], '{'))
      return cmd_error(c, -VG_ENOTFOUND, "rule set '%s' is not installed (yara_update NAME RULES)", pos[0]);
  }
  yr_initialize();
  YR_RULES *rules;
  rc = compile(c, source, &rules);
  free(stored);
  if (rc) {
    yr_finalize();
    return rc;
  }
  struct scan s = {.c = c};
  const char *mode;
  if (opts[0].seen) {
    mode = "process";
    if (scan_pid(rules, &s, pid) != ERROR_SUCCESS) {
      yr_rules_destroy(rules);
      yr_finalize();
      return cmd_error(c, -VG_EPERM, "pid %d: cannot read its memory", (int)pid);
    }
  } else if (opts[1].seen) {
    mode = "file";
    scan_file(rules, &s, opts[1].value[0]);
  } else if (opts[2].seen) {
    mode = "directory";
    size_t visits = 0;
    scan_dir(rules, &s, opts[2].value[0], opts[2].value[1], depth, &visits);
  } else {
    mode = "system";
    DIR *d = opendir("/proc");
    struct dirent *de;
    while (d && !s.stop && (de = readdir(d))) {
      char *end;
      long p = strtol(de->d_name, &end, 10);
      if (*end || p <= 0 || p == c->ctx->self_pid) continue;
      scan_pid(rules, &s, (pid_t)p);
    }
    if (d) closedir(d);
  }
  yr_rules_destroy(rules);
  yr_finalize();
  cmd_reply(c, json_pack("{s:s, s:s, s:i, s:i, s:i, s:b}", "ERROR_MESSAGE", "done", "SCAN", mode,
                         "HITS", s.hits, "SCANNED", s.scanned, "FAILED", s.failed, "TRUNCATED", s.stop));
  return 0;
}
