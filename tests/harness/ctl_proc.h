/* ctl_proc.h — run the REAL vigilctl binary as a subprocess in integration
 * tests: a clean environment (HOME = the test's home, PATH, no VIGIL_*)
 * plus the entries given, stdin text, stdout read line by line or whole,
 * stderr captured through a file. Check assertions on failure. */
#ifndef VIGIL_CTL_PROC_H
#define VIGIL_CTL_PROC_H

#include <sys/types.h>

#include "shared/buf.h"

struct ctl_proc {
  pid_t pid;
  int out;        /* stdout pipe */
  char *err_path; /* stderr goes to this file */
  struct vg_buf buf;
};

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ENV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The HOME directory and the vigilctl binary (both borrowed until the next
 * call). */
void ctl_proc_init(const char *home, const char *ctl_bin);
/* Start vigilctl with args; env entries "NAME=value" (may be NULL);
 * stdin_text may be NULL. args[0] may name another program (an absolute
 * path) to run instead, with the rest as its arguments. */
void ctl_proc_start(struct ctl_proc *p, const char *const *env, const char *stdin_text, const char *const *args);
/* The next stdout line (heap, without \n) within timeout_ms, or NULL at EOF/timeout. */
char *ctl_proc_next_line(struct ctl_proc *p, int timeout_ms);
/* Wait; the exit code, with the rest of stdout and stderr (heap; NULL = not wanted). */
int ctl_proc_finish(struct ctl_proc *p, char **out, char **err);
/* Start and finish. */
int ctl_proc_run(const char *const *env, const char *stdin_text, char **out, char **err, const char *const *args);

#endif
