/* cmd_dir.c — dir_list and dir_find_hash: a bounded walk below a root,
 * entries matched on their name with fnmatch(3) wildcards (* ? [..]). */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"

struct walk {
  struct cmd_call *c;
  const char *pattern;
  long long depth;
  size_t visits;
  bool visits_exceeded;
  /* one of: */
  struct cmd_list *list;                /* dir_list */
  const char *const *hashes;            /* dir_find_hash */
  int nhashes;
  json_t *found;
};

/* false to stop the walk (list full or visit limit). */
static bool walk_dir(struct walk *w, const char *dir, long long level) {
  DIR *d = opendir(dir);
  if (!d) return true; /* unreadable subdirectory: skipped */
  struct dirent *de;
  bool go = true;
  while (go && (de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (++w->visits > CMD_DIR_MAX_VISITS) {
      w->visits_exceeded = true;
      go = false;
      break;
    }
    char path[VG_LIMIT_FILE_PATH_BYTES];
    int n = snprintf(path, sizeof path, "%s%s%s", dir,
                     dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
    if (n < 0 || (size_t)n >= sizeof path) continue;
    bool isdir = de->d_type == DT_DIR;
    if (de->d_type == DT_UNKNOWN) {
      struct stat st;
      isdir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (fnmatch(w->pattern, de->d_name, FNM_PERIOD) == 0) {
      if (w->list) {
        int e;
        json_t *o = cmd_file_stat_json(path, de->d_name, &e);
        if (o && !cmd_util_list_add(w->list, o)) go = false;
      } else if (!isdir && de->d_type != DT_LNK) {
        char h[65];
        uint64_t size;
        if (cmd_util_hash_file(path, h, NULL, NULL, &size) == 0) {
          for (int i = 0; i < w->nhashes; i++)
            if (strcasecmp(h, w->hashes[i]) == 0) {
              json_array_append_new(w->found, json_pack("{s:s, s:s, s:I}", "FILE_PATH", path, "HASH",
                                                        h, "FILE_SIZE", (json_int_t)size));
              if (json_array_size(w->found) >= CMD_DIR_MAX_ENTRIES) go = false;
            }
        }
      }
    }
    if (go && isdir && level < w->depth) go = walk_dir(w, path, level + 1);
  }
  closedir(d);
  return go;
}

static int check_root(struct cmd_call *c, const char *root) {
  struct stat st;
  if (strlen(root) >= VG_LIMIT_FILE_PATH_BYTES)
    return cmd_error(c, -VG_ELIMIT, "ROOT longer than %d bytes", VG_LIMIT_FILE_PATH_BYTES - 1);
  if (stat(root, &st) != 0) return cmd_util_errno(c, errno, root);
  if (!S_ISDIR(st.st_mode)) return cmd_error(c, -VG_EINVAL, "%s: not a directory", root);
  return 0;
}

int cmd_dir_list(struct cmd_call *c, int argc, char **argv) {
  struct cmd_opt opts[] = {{.flag = 'd', .name_long = "depth", .nvalues = 1}};
  const char *pos[2];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, opts, 1, pos, &npos, 2, 2);
  if (rc) return rc;
  struct walk w = {.c = c, .pattern = pos[1]};
  if (opts[0].seen &&
      (rc = cmd_util_number(c, "DEPTH", opts[0].value[0], 0, CMD_DIR_MAX_DEPTH, &w.depth)))
    return rc;
  if ((rc = check_root(c, pos[0]))) return rc;
  struct cmd_list l;
  cmd_util_list_init(&l, c, "DIRECTORY_LIST", CMD_DIR_MAX_ENTRIES);
  w.list = &l;
  walk_dir(&w, pos[0], 0);
  cmd_util_list_finish(&l, json_pack("{s:s, s:s, s:I, s:b}", "ROOT", pos[0], "FILE_PATTERN",
                                     pos[1], "DEPTH", (json_int_t)w.depth, "VISITS_EXCEEDED",
                                     w.visits_exceeded));
  return 0;
}

int cmd_dir_find_hash(struct cmd_call *c, int argc, char **argv) {
  const char *pos[3 + CMD_DIR_MAX_HASHES];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 4, 3 + CMD_DIR_MAX_HASHES);
  if (rc) return rc;
  struct walk w = {.c = c, .pattern = pos[1], .hashes = pos + 3, .nhashes = npos - 3};
  if ((rc = cmd_util_number(c, "DEPTH", pos[2], 0, CMD_DIR_MAX_DEPTH, &w.depth))) return rc;
  for (int i = 0; i < w.nhashes; i++) {
    size_t n = strlen(w.hashes[i]);
    if (n != 64 || strspn(w.hashes[i], "0123456789abcdefABCDEF") != 64)
      return cmd_error(c, -VG_EINVAL, "HASH '%s' is not a sha256 (64 hex digits)", w.hashes[i]);
  }
  if ((rc = check_root(c, pos[0]))) return rc;
  w.found = json_array();
  walk_dir(&w, pos[0], 0);
  cmd_reply(c, json_pack("{s:s, s:s, s:I, s:o, s:b}", "ROOT", pos[0], "FILE_PATTERN", pos[1],
                         "DEPTH", (json_int_t)w.depth, "FILES", w.found, "VISITS_EXCEEDED",
                         w.visits_exceeded));
  return 0;
}
