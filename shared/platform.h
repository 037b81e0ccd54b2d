/* platform.h — platform and architecture codes as they appear in
 * routing/plat and routing/arch, their names, and this host's values.
 *
 * The codes are the seed product's (EDR-REFERENCE §3) and are stored in every
 * event: never change one. Names are lower case and unique in each table. */
#ifndef VIGIL_PLATFORM_H
#define VIGIL_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#define VG_PLAT_WINDOWS 0x10000000u
#define VG_PLAT_LINUX   0x20000000u
#define VG_PLAT_MACOS   0x30000000u
#define VG_PLAT_IOS     0x40000000u
#define VG_PLAT_ANDROID 0x50000000u
#define VG_PLAT_CHROME  0x60000000u

#define VG_ARCH_X86         1u
#define VG_ARCH_X64         2u
#define VG_ARCH_ARM         3u
#define VG_ARCH_ARM64       4u
#define VG_ARCH_ALPINE64    5u
#define VG_ARCH_CHROMIUM    6u
#define VG_ARCH_USP_ADAPTER 9u

/* 0 in either field means "unknown" (and acts as a wildcard in agent ids). */
#define VG_PLAT_UNKNOWN 0u
#define VG_ARCH_UNKNOWN 0u

struct vg_platform_name {
  uint32_t code;
  const char *name;
};

/* The tables themselves, for listings (--help, completion, docs). *n gets the
 * entry count; the returned pointers are static. */
const struct vg_platform_name *vg_platform_table(size_t *n);
const struct vg_platform_name *vg_platform_arch_table(size_t *n);

/* Name of a platform code ("linux"), or NULL if the code is not in the table. */
const char *vg_platform_name(uint32_t plat);
/* Code of a platform name (exact, lower case). 0 or -VG_ENOTFOUND. */
int vg_platform_code(const char *name, uint32_t *out);

/* Same for architecture codes ("x64" <-> 2). */
const char *vg_platform_arch_name(uint32_t arch);
int vg_platform_arch_code(const char *name, uint32_t *out);

/* Map uname(2) fields: sysname "Linux" -> VG_PLAT_LINUX, "Darwin" ->
 * VG_PLAT_MACOS; machine "x86_64"/"amd64" -> x64, "i386".."i686" -> x86,
 * "aarch64"/"arm64" -> arm64, "arm*" -> arm. Unknown (or NULL) -> 0. */
uint32_t vg_platform_from_sysname(const char *sysname);
uint32_t vg_platform_arch_from_machine(const char *machine);

/* This host's codes, from uname(); 0 if unknown. */
uint32_t vg_platform_host(void);
uint32_t vg_platform_host_arch(void);

#endif
