/* ebpf.c — eBPF support shared by collect_proc_ebpf.c and net_ebpf.c. */
#include "sensor/ebpf.h"

#ifdef VIGIL_HAVE_EBPF
#include <bpf/libbpf.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shared/log.h"

#define EBPF_BTF_PATH "/sys/kernel/btf/vmlinux"
#define EBPF_LOG_LINE_BYTES 512

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap) {
  char line[EBPF_LOG_LINE_BYTES];
  vsnprintf(line, sizeof(line), fmt, ap);
  size_t n = strlen(line);
  if (n && line[n - 1] == '\n') line[n - 1] = '\0';
  vg_log(level == LIBBPF_WARN ? VG_LOG_DEBUG : VG_LOG_TRACE, "libbpf", "%s", line);
  return 0;
}

static void init_once(void) { libbpf_set_print(libbpf_log); }

int ebpf_usable(struct vg_err *err) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, init_once);
  if (access(EBPF_BTF_PATH, R_OK) != 0)
    return vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: no kernel BTF (%s) for CO-RE programs",
                       EBPF_BTF_PATH);
  return 0;
}
#else
int ebpf_usable(struct vg_err *err) {
  return vg_err_fail(err, VG_EUNSUPPORTED, "eBPF: this sensor was built without it");
}
#endif
