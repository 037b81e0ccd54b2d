/* cmd_file.c — file_info, file_hash, file_get, file_del, file_mov. */
#include "sensor/cmds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensor/cmd_util.h"
#include "shared/alloc.h"

static int64_t ts_ms(struct statx_timestamp t) {
  return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static const char *type_name(mode_t m) {
  return S_ISREG(m) ? "file" : S_ISDIR(m) ? "directory" : S_ISLNK(m) ? "symlink"
       : S_ISCHR(m) ? "char" : S_ISBLK(m) ? "block" : S_ISFIFO(m) ? "fifo"
       : S_ISSOCK(m) ? "socket" : "unknown";
}

json_t *cmd_file_stat_json(const char *path, const char *name, int *err) {
  struct statx sx;
  if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS | STATX_BTIME, &sx) != 0) {
    *err = errno;
    return NULL;
  }
  char mode[8];
  snprintf(mode, sizeof mode, "%04o", (unsigned)(sx.stx_mode & 07777));
  json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:b, s:i, s:i, s:I, s:I, s:I}",
                        "FILE_PATH", path, "FILE_SIZE", (json_int_t)sx.stx_size,
                        "ATTRIBUTES", mode, "FILE_TYPE", type_name(sx.stx_mode),
                        "IS_DIRECTORY", S_ISDIR(sx.stx_mode), "USER_ID", (int)sx.stx_uid,
                        "GROUP_ID", (int)sx.stx_gid, "MODIFICATION_TIME", (json_int_t)ts_ms(sx.stx_mtime),
                        "ACCESS_TIME", (json_int_t)ts_ms(sx.stx_atime),
                        "CHANGE_TIME", (json_int_t)ts_ms(sx.stx_ctime));
  if (sx.stx_mask & STATX_BTIME)
    json_object_set_new(o, "CREATION_TIME", json_integer(ts_ms(sx.stx_btime)));
  if (name) json_object_set_new(o, "FILE_NAME", json_string(name));
  if (S_ISLNK(sx.stx_mode)) {
    char t[VG_LIMIT_FILE_PATH_BYTES];
    ssize_t n = readlink(path, t, sizeof t - 1);
    if (n >= 0) {
      t[n] = '\0';
      json_object_set_new(o, "SYMLINK_TARGET", json_string(t));
    }
  }
  return o;
}

static int one_path(struct cmd_call *c, int argc, char **argv, const char **path) {
  const char *pos[1];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 1, 1);
  if (rc) return rc;
  *path = pos[0];
  if (strlen(*path) >= VG_LIMIT_FILE_PATH_BYTES)
    return cmd_error(c, -VG_ELIMIT, "path longer than %d bytes", VG_LIMIT_FILE_PATH_BYTES - 1);
  return 0;
}

int cmd_file_info(struct cmd_call *c, int argc, char **argv) {
  const char *path;
  int rc = one_path(c, argc, argv, &path), e = 0;
  if (rc) return rc;
  json_t *o = cmd_file_stat_json(path, NULL, &e);
  if (!o) return cmd_util_errno(c, e, path);
  cmd_reply(c, o);
  return 0;
}

int cmd_file_hash(struct cmd_call *c, int argc, char **argv) {
  const char *path;
  int rc = one_path(c, argc, argv, &path);
  if (rc) return rc;
  char sha256[65], sha1[41], md5[33];
  uint64_t size;
  rc = cmd_util_hash_file(path, sha256, sha1, md5, &size);
  if (rc) return cmd_util_errno(c, -rc, path);
  cmd_reply(c, json_pack("{s:s, s:s, s:s, s:s, s:I}", "FILE_PATH", path, "HASH", sha256,
                         "HASH_SHA1", sha1, "HASH_MD5", md5, "FILE_SIZE", (json_int_t)size));
  return 0;
}

int cmd_file_get(struct cmd_call *c, int argc, char **argv) {
  struct cmd_opt opts[] = {{.flag = 'o', .name_long = "offset", .nvalues = 1},
                           {.flag = 's', .name_long = "max-size", .nvalues = 1}};
  const char *pos[1];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, opts, 2, pos, &npos, 1, 1);
  if (rc) return rc;
  long long off = 0, max = CMD_FILE_GET_DEFAULT_BYTES;
  if (opts[0].seen && (rc = cmd_util_number(c, "OFFSET", opts[0].value[0], 0, INT64_MAX, &off)))
    return rc;
  if (opts[1].seen &&
      (rc = cmd_util_number(c, "MAXSIZE", opts[1].value[0], 1, CMD_FILE_GET_MAX_BYTES, &max)))
    return rc;
  const char *path = pos[0];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cmd_util_errno(c, errno, path);
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return cmd_error(c, -VG_EINVAL, "%s: not a regular file", path);
  }
  uint64_t fsize = (uint64_t)st.st_size;
  if ((uint64_t)off > fsize) {
    close(fd);
    return cmd_error(c, -VG_ERANGE, "OFFSET %lld is past the end of %s (%llu bytes)", off, path,
                     (unsigned long long)fsize);
  }
  char fhash[65] = "";
  if (fsize <= CMD_FILE_GET_HASH_MAX_BYTES && (rc = cmd_util_hash_file(path, fhash, NULL, NULL, NULL))) {
    close(fd);
    return cmd_util_errno(c, -rc, path);
  }
  uint64_t want = fsize - (uint64_t)off;
  if (want > (uint64_t)max) want = (uint64_t)max;
  unsigned char *buf = vg_xmalloc(CMD_FILE_GET_CHUNK_BYTES);
  uint64_t done = 0;
  int chunk = 0;
  do {
    size_t n = want - done > CMD_FILE_GET_CHUNK_BYTES ? CMD_FILE_GET_CHUNK_BYTES : (size_t)(want - done);
    size_t got = 0;
    while (got < n) {
      ssize_t r = pread(fd, buf + got, n - got, off + (off_t)(done + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        int e = errno;
        free(buf);
        close(fd);
        return cmd_util_errno(c, e, path);
      }
      if (r == 0) break; /* truncated meanwhile */
      got += (size_t)r;
    }
    char h[65];
    cmd_util_sha256(buf, got, h);
    json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:o, s:s, s:i, s:b}", "FILE_PATH", path, "OFFSET",
                          (json_int_t)(off + (long long)done), "SIZE", (json_int_t)got, "FILE_SIZE",
                          (json_int_t)fsize, "DATA", cmd_util_base64(buf, got), "HASH", h, "CHUNK",
                          chunk++, "MORE", done + got < want && got == n);
    if (fhash[0]) json_object_set_new(o, "FILE_HASH", json_string(fhash));
    cmd_reply(c, o);
    done += got;
    if (got < n) break;
  } while (done < want);
  free(buf);
  close(fd);
  return 0;
}

int cmd_file_del(struct cmd_call *c, int argc, char **argv) {
  const char *path;
  int rc = one_path(c, argc, argv, &path);
  if (rc) return rc;
  struct stat st;
  if (lstat(path, &st) != 0) return cmd_util_errno(c, errno, path);
  if (S_ISDIR(st.st_mode)) return cmd_error(c, -VG_EINVAL, "%s: is a directory", path);
  if (unlink(path) != 0) return cmd_util_errno(c, errno, path);
  cmd_reply(c, json_pack("{s:s}", "FILE_PATH", path));
  return 0;
}

int cmd_file_mov(struct cmd_call *c, int argc, char **argv) {
  const char *pos[2];
  int npos;
  int rc = cmd_util_parse(c, argc, argv, NULL, 0, pos, &npos, 2, 2);
  if (rc) return rc;
  struct stat st;
  if (lstat(pos[0], &st) != 0) return cmd_util_errno(c, errno, pos[0]);
  if (lstat(pos[1], &st) == 0)
    return cmd_error(c, -VG_EEXIST, "%s: destination exists (file_del it first)", pos[1]);
  if (rename(pos[0], pos[1]) != 0) {
    char what[2 * VG_LIMIT_FILE_PATH_BYTES + 8];
    snprintf(what, sizeof what, "%s -> %s", pos[0], pos[1]);
    return cmd_util_errno(c, errno, what);
  }
  cmd_reply(c, json_pack("{s:s, s:s}", "SOURCE", pos[0], "DESTINATION", pos[1]));
  return 0;
}
