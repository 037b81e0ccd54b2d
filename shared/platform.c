/* platform.c — platform/arch code tables and this host's codes. */
#include "shared/platform.h"

#include <string.h>
#include <sys/utsname.h>

#include "shared/err.h"

static const struct vg_platform_name plat_table[] = {
    {VG_PLAT_WINDOWS, "windows"}, {VG_PLAT_LINUX, "linux"},   {VG_PLAT_MACOS, "macos"},
    {VG_PLAT_IOS, "ios"},         {VG_PLAT_ANDROID, "android"}, {VG_PLAT_CHROME, "chrome"},
};

static const struct vg_platform_name arch_table[] = {
    {VG_ARCH_X86, "x86"},           {VG_ARCH_X64, "x64"},
    {VG_ARCH_ARM, "arm"},           {VG_ARCH_ARM64, "arm64"},
    {VG_ARCH_ALPINE64, "alpine64"}, {VG_ARCH_CHROMIUM, "chromium"},
    {VG_ARCH_USP_ADAPTER, "usp_adapter"},
};

#define PLAT_COUNT(t) (sizeof(t) / sizeof((t)[0]))

const struct vg_platform_name *vg_platform_table(size_t *n) {
  if (n) *n = PLAT_COUNT(plat_table);
  return plat_table;
}

const struct vg_platform_name *vg_platform_arch_table(size_t *n) {
  if (n) *n = PLAT_COUNT(arch_table);
  return arch_table;
}

static const char *plat_lookup_code(const struct vg_platform_name *t, size_t n, uint32_t code) {
  for (size_t i = 0; i < n; i++)
    if (t[i].code == code) return t[i].name;
  return NULL;
}

static int plat_lookup_name(const struct vg_platform_name *t, size_t n, const char *name,
                            uint32_t *out) {
  if (!name) return -VG_ENOTFOUND;
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, name) == 0) {
      if (out) *out = t[i].code;
      return 0;
    }
  return -VG_ENOTFOUND;
}

const char *vg_platform_name(uint32_t plat) {
  return plat_lookup_code(plat_table, PLAT_COUNT(plat_table), plat);
}

int vg_platform_code(const char *name, uint32_t *out) {
  return plat_lookup_name(plat_table, PLAT_COUNT(plat_table), name, out);
}

const char *vg_platform_arch_name(uint32_t arch) {
  return plat_lookup_code(arch_table, PLAT_COUNT(arch_table), arch);
}

int vg_platform_arch_code(const char *name, uint32_t *out) {
  return plat_lookup_name(arch_table, PLAT_COUNT(arch_table), name, out);
}

uint32_t vg_platform_from_sysname(const char *sysname) {
  if (!sysname) return VG_PLAT_UNKNOWN;
  if (strcmp(sysname, "Linux") == 0) return VG_PLAT_LINUX;
  if (strcmp(sysname, "Darwin") == 0) return VG_PLAT_MACOS;
  if (strncmp(sysname, "Windows", 7) == 0) return VG_PLAT_WINDOWS;
  return VG_PLAT_UNKNOWN;
}

uint32_t vg_platform_arch_from_machine(const char *m) {
  if (!m) return VG_ARCH_UNKNOWN;
  if (strcmp(m, "x86_64") == 0 || strcmp(m, "amd64") == 0) return VG_ARCH_X64;
  if (m[0] == 'i' && m[1] >= '3' && m[1] <= '6' && strcmp(m + 2, "86") == 0) return VG_ARCH_X86;
  if (strcmp(m, "aarch64") == 0 || strcmp(m, "arm64") == 0) return VG_ARCH_ARM64;
  if (strncmp(m, "arm", 3) == 0) return VG_ARCH_ARM;
  return VG_ARCH_UNKNOWN;
}

uint32_t vg_platform_host(void) {
  struct utsname u;
  return uname(&u) == 0 ? vg_platform_from_sysname(u.sysname) : VG_PLAT_UNKNOWN;
}

uint32_t vg_platform_host_arch(void) {
  struct utsname u;
  return uname(&u) == 0 ? vg_platform_arch_from_machine(u.machine) : VG_ARCH_UNKNOWN;
}
