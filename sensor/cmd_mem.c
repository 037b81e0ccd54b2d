/* cmd_mem.c — mem_map, mem_strings, mem_read, mem_find_string: a process's
 * memory through /proc/PID/maps and /proc/PID/mem (root: ptrace access). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "sensor/cmds.h"
#include "sensor/parse.h"
#include "shared/alloc.h"

struct regions {
  struct parse_maps_entry *v;
  size_t n, cap;
  bool truncated;
};

static bool collect(void *user, const struct parse_maps_entry *e) {
  struct regions *r = user;
  if (r->n == CMD_MEM_MAX_REGIONS) {
    r->truncated = true;
    return false;
  }
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 64;
    r->v = vg_xreallocarray(r->v, r->cap, sizeof *r->v);
  }
  r->v[r->n++] = *e;
  return true;
}

/* Parse -p/-a and read the target's maps; errors replied. */
static int target_regions(struct cmd_call *c, int argc, char **argv, struct cmd_opt *extra,
                          size_t nextra, const char **pos, int *npos, int min_pos, int max_pos,
                          pid_t *pid, struct regions *r) {
  struct cmd_opt opts[4] = {{.flag = 'p', .name_long = "pid", .nvalues = 1},
                            {.flag = 'a', .name_long = "atom", .nvalues = 1}};
  for (size_t i = 0; i < nextra && i < 2; i++) opts[2 + i] = extra[i];
  int rc = cmd_util_parse(c, argc, argv, opts, 2 + nextra, pos, npos, min_pos, max_pos);
  if (rc) return rc;
  for (size_t i = 0; i < nextra && i < 2; i++) extra[i] = opts[2 + i];
  if ((rc = cmd_util_target_pid(c, &opts[0], &opts[1], pid))) return rc;
  char path[64], *buf;
  size_t n;
  snprintf(path, sizeof path, "/proc/%d/maps", (int)*pid);
  if ((rc = cmd_util_read_file(path, CMD_MEM_MAX_MAPS_BYTES, &buf, &n, NULL)))
    return cmd_util_errno(c, -rc, path);
  memset(r, 0, sizeof *r);
  struct vg_err e;
  rc = parse_maps(buf, n, collect, r, &e);
  free(buf);
  if (rc) {
    free(r->v);
    return cmd_error(c, rc, "%s: line %d: %s", path, e.line, e.msg);
  }
  return 0;
}

static int open_mem(struct cmd_call *c, pid_t pid, int *fd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  *fd = open(path, O_RDONLY | O_CLOEXEC);
  return *fd < 0 ? cmd_util_errno(c, errno, path) : 0;
}

static bool scannable(const struct parse_maps_entry *e) {
  return e->perms[0] == 'r' && strcmp(e->path, "[vvar]") != 0 && strcmp(e->path, "[vsyscall]") != 0 &&
         strncmp(e->path, "/dev/", 5) != 0;
}

int cmd_mem_map(struct cmd_call *c, int argc, char **argv) {
  const char *pos[1];
  int npos;
  pid_t pid;
  struct regions r;
  int rc = target_regions(c, argc, argv, NULL, 0, pos, &npos, 0, 0, &pid, &r);
  if (rc) return rc;
  struct cmd_list l;
  cmd_util_list_init(&l, c, "MEMORY_MAP", CMD_MEM_MAX_REGIONS);
  for (size_t i = 0; i < r.n; i++) {
    const struct parse_maps_entry *e = &r.v[i];
    json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:I}", "BASE_ADDRESS", (json_int_t)e->start,
                          "MEMORY_SIZE", (json_int_t)(e->end - e->start), "PERMISSIONS", e->perms,
                          "OFFSET", (json_int_t)e->offset, "DEVICE", e->dev, "INODE", (json_int_t)e->inode);
    if (e->path[0]) {
      json_t *s = json_string(e->path);
      if (s) json_object_set_new(o, "FILE_PATH", s);
    }
    cmd_util_list_add(&l, o);
  }
  if (r.truncated) l.truncated = true;
  free(r.v);
  cmd_util_list_finish(&l, json_pack("{s:i}", "PROCESS_ID", (int)pid));
  return 0;
}

/* Walk readable regions in CMD_MEM_CHUNK pieces (with overlap so a match
 * across a piece boundary is seen); fn returns false to stop. */
static void walk_mem(int fd, const struct regions *r, size_t overlap, uint64_t *scanned,
                     bool (*fn)(void *u, uint64_t addr, const unsigned char *p, size_t n, size_t fresh_from),
                     void *u) {
  unsigned char *buf = vg_xmalloc(CMD_MEM_CHUNK + overlap);
  for (size_t i = 0; i < r->n; i++) {
    const struct parse_maps_entry *e = &r->v[i];
    if (!scannable(e)) continue;
    size_t keep = 0;
    for (uint64_t a = e->start; a < e->end;) {
      if (*scanned >= CMD_MEM_MAX_SCAN_BYTES) goto out;
      size_t want = e->end - a > CMD_MEM_CHUNK ? CMD_MEM_CHUNK : (size_t)(e->end - a);
      ssize_t got = pread(fd, buf + keep, want, (off_t)a);
      if (got <= 0) break; /* unreadable region (guard pages, races): skip the rest */
      *scanned += (uint64_t)got;
      if (!fn(u, a - keep, buf, keep + (size_t)got, keep)) goto out;
      a += (uint64_t)got;
      size_t total = keep + (size_t)got;
      keep = total < overlap ? total : overlap;
      memmove(buf, buf + total - keep, keep);
    }
  }
out:
  free(buf);
}

struct strings_state {
  struct cmd_list *l;
  size_t minlen;
  uint64_t run_start; /* address of the run being built */
  size_t run_len;
  char run[CMD_MEM_STRING_MAX + 1];
  uint64_t next_addr;
};

static bool emit_run(struct strings_state *s) {
  bool go = true;
  if (s->run_len >= s->minlen) {
    json_t *o = json_pack("{s:I, s:s%}", "ADDRESS", (json_int_t)s->run_start, "STRING", s->run,
                          s->run_len > CMD_MEM_STRING_MAX ? (size_t)CMD_MEM_STRING_MAX : s->run_len);
    go = cmd_util_list_add(s->l, o);
  }
  s->run_len = 0;
  return go;
}

static bool strings_fn(void *u, uint64_t addr, const unsigned char *p, size_t n, size_t fresh) {
  struct strings_state *s = u;
  uint64_t a0 = addr + fresh;
  if (a0 != s->next_addr && !emit_run(s)) return false; /* region changed */
  for (size_t i = fresh; i < n; i++) {
    unsigned char ch = p[i];
    if (ch >= 0x20 && ch < 0x7f) {
      if (s->run_len == 0) s->run_start = addr + i;
      if (s->run_len < CMD_MEM_STRING_MAX) s->run[s->run_len] = (char)ch;
      s->run_len++;
    } else if (s->run_len && !emit_run(s)) {
      return false;
    }
  }
  s->next_addr = addr + n;
  return true;
}

int cmd_mem_strings(struct cmd_call *c, int argc, char **argv) {
  struct cmd_opt extra[] = {{.flag = 'm', .name_long = "min-length", .nvalues = 1}};
  const char *pos[1];
  int npos;
  pid_t pid;
  struct regions r;
  int rc = target_regions(c, argc, argv, extra, 1, pos, &npos, 0, 0, &pid, &r);
  if (rc) return rc;
  long long minlen = CMD_MEM_STRING_MIN;
  int fd = -1;
  if ((extra[0].seen &&
       (rc = cmd_util_number(c, "MIN_LENGTH", extra[0].value[0], 2, CMD_MEM_STRING_MAX, &minlen))) ||
      (rc = open_mem(c, pid, &fd))) {
    free(r.v);
    return rc;
  }
  struct cmd_list l;
  cmd_util_list_init(&l, c, "STRINGS", CMD_MEM_MAX_STRINGS);
  struct strings_state *s = vg_xcalloc(1, sizeof *s);
  s->l = &l;
  s->minlen = (size_t)minlen;
  uint64_t scanned = 0;
  walk_mem(fd, &r, 0, &scanned, strings_fn, s);
  emit_run(s);
  free(s);
  close(fd);
  free(r.v);
  cmd_util_list_finish(&l, json_pack("{s:i, s:I}", "PROCESS_ID", (int)pid, "BYTES_SCANNED",
                                     (json_int_t)scanned));
  return 0;
}

struct find_state {
  const char *const *needles;
  int nneedles;
  json_t *hits;
  bool full;
};

static bool find_fn(void *u, uint64_t addr, const unsigned char *p, size_t n, size_t fresh) {
  struct find_state *f = u;
  for (int k = 0; k < f->nneedles; k++) {
    size_t nl = strlen(f->needles[k]);
    const unsigned char *q = p, *end = p + n;
    while ((q = memmem(q, (size_t)(end - q), f->needles[k], nl))) {
      /* matches wholly inside the overlap were reported by the previous piece */
      if ((size_t)(q - p) + nl > fresh) {
        json_array_append_new(f->hits, json_pack("{s:s, s:I}", "STRING", f->needles[k], "ADDRESS",
                                                 (json_int_t)(addr + (uint64_t)(q - p))));
        if (json_array_size(f->hits) >= CMD_MEM_MAX_HITS) {
          f->full = true;
          return false;
        }
      }
      q++;
    }
  }
  return true;
}

int cmd_mem_find_string(struct cmd_call *c, int argc, char **argv) {
  const char *pos[CMD_MEM_MAX_NEEDLES + 1];
  int npos;
  pid_t pid;
  struct regions r;
  int rc = target_regions(c, argc, argv, NULL, 0, pos, &npos, 1, CMD_MEM_MAX_NEEDLES, &pid, &r);
  if (rc) return rc;
  for (int i = 0; i < npos; i++)
    if (!pos[i][0] || strlen(pos[i]) > CMD_MEM_STRING_MAX) {
      free(r.v);
      return cmd_error(c, -VG_EINVAL, "STRING %d: must be 1..%d bytes", i + 1, CMD_MEM_STRING_MAX);
    }
  int fd;
  if ((rc = open_mem(c, pid, &fd))) {
    free(r.v);
    return rc;
  }
  struct find_state f = {.needles = pos, .nneedles = npos, .hits = json_array()};
  uint64_t scanned = 0;
  walk_mem(fd, &r, CMD_MEM_STRING_MAX, &scanned, find_fn, &f);
  close(fd);
  free(r.v);
  cmd_reply(c, json_pack("{s:i, s:o, s:I, s:b}", "PROCESS_ID", (int)pid, "STRINGS", f.hits,
                         "BYTES_SCANNED", (json_int_t)scanned, "TRUNCATED", f.full));
  return 0;
}

int cmd_mem_read(struct cmd_call *c, int argc, char **argv) {
  const char *pos[2];
  int npos;
  pid_t pid;
  struct regions r;
  int rc = target_regions(c, argc, argv, NULL, 0, pos, &npos, 2, 2, &pid, &r);
  if (rc) return rc;
  free(r.v);
  long long addr, size;
  if ((rc = cmd_util_number(c, "ADDR", pos[0], 0, INT64_MAX, &addr)) ||
      (rc = cmd_util_number(c, "SIZE", pos[1], 1, CMD_MEM_READ_MAX, &size)))
    return rc;
  int fd;
  if ((rc = open_mem(c, pid, &fd))) return rc;
  unsigned char *buf = vg_xmalloc((size_t)size);
  ssize_t got = pread(fd, buf, (size_t)size, (off_t)addr);
  int e = errno;
  close(fd);
  if (got <= 0) {
    free(buf);
    return cmd_error(c, -VG_EINVAL, "pid %d: address 0x%llx is not readable (%s)", (int)pid,
                     (unsigned long long)addr, got == 0 ? "end of memory" : strerror(e));
  }
  char h[65];
  cmd_util_sha256(buf, (size_t)got, h);
  cmd_reply(c, json_pack("{s:i, s:I, s:I, s:o, s:s}", "PROCESS_ID", (int)pid, "BASE_ADDRESS",
                         (json_int_t)addr, "SIZE", (json_int_t)got, "MEMORY_DUMP",
                         cmd_util_base64(buf, (size_t)got), "HASH", h));
  free(buf);
  return 0;
}
