# sensor/bpf.cmake — the eBPF programs (sensor/bpf/NAME.bpf.c) as libbpf
# skeletons (NAME.skel.h in the build tree), built when the build machine
# has libbpf (libbpf-dev), bpftool, clang and kernel BTF to generate
# vmlinux.h from. Otherwise the sensor builds without eBPF (no
# VIGIL_HAVE_EBPF): the proc-ebpf and net-ebpf collectors report
# "built without it" and the fallbacks run. Sets VIGIL_EBPF (ON/OFF) and,
# when ON, the target vigil_bpf_skels and VIGIL_BPF_INCLUDE.
set(VIGIL_BPF_PROGRAMS proc net)
set(VIGIL_BTF_FILE /sys/kernel/btf/vmlinux CACHE FILEPATH "kernel BTF that vmlinux.h is generated from")
find_program(VIGIL_BPFTOOL bpftool PATHS /usr/sbin /sbin)
find_program(VIGIL_BPF_CLANG clang)

set(VIGIL_EBPF OFF)
if(NOT LIBBPF_FOUND)
  set(_why "libbpf not found (apt-get install libbpf-dev)")
elseif(NOT VIGIL_BPFTOOL)
  set(_why "bpftool not found (apt-get install bpftool)")
elseif(NOT VIGIL_BPF_CLANG)
  set(_why "clang not found (apt-get install clang)")
elseif(NOT EXISTS ${VIGIL_BTF_FILE})
  set(_why "no kernel BTF at ${VIGIL_BTF_FILE}")
else()
  set(VIGIL_EBPF ON)
endif()

if(NOT VIGIL_EBPF)
  message(STATUS "vigil-sensor: building WITHOUT eBPF collectors: ${_why}; "
                 "the proc connector and sock_diag collectors will be used")
  return()
endif()
message(STATUS "vigil-sensor: eBPF collectors ON (${VIGIL_BPFTOOL}, ${VIGIL_BPF_CLANG}, libbpf ${LIBBPF_VERSION})")

set(VIGIL_BPF_INCLUDE ${CMAKE_CURRENT_BINARY_DIR}/bpf)
set(_vmlinux ${VIGIL_BPF_INCLUDE}/vmlinux.h)
file(MAKE_DIRECTORY ${VIGIL_BPF_INCLUDE})
add_custom_command(OUTPUT ${_vmlinux}
  COMMAND ${VIGIL_BPFTOOL} btf dump file ${VIGIL_BTF_FILE} format c > ${_vmlinux}.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${_vmlinux}.tmp ${_vmlinux}
  COMMENT "vmlinux.h from ${VIGIL_BTF_FILE}" VERBATIM)

set(_skels)
foreach(p ${VIGIL_BPF_PROGRAMS})
  set(_src ${CMAKE_CURRENT_LIST_DIR}/bpf/${p}.bpf.c)
  set(_obj ${VIGIL_BPF_INCLUDE}/${p}.bpf.o)
  set(_skel ${VIGIL_BPF_INCLUDE}/${p}.skel.h)
  add_custom_command(OUTPUT ${_obj}
    COMMAND ${VIGIL_BPF_CLANG} -target bpf -O2 -g -D__TARGET_ARCH_x86 -Wall -Werror
            -I${VIGIL_BPF_INCLUDE} -I${PROJECT_SOURCE_DIR} -c ${_src} -o ${_obj}
    DEPENDS ${_src} ${_vmlinux} ${CMAKE_CURRENT_LIST_DIR}/bpf/vigil_bpf.h
    COMMENT "BPF ${p}.bpf.o" VERBATIM)
  add_custom_command(OUTPUT ${_skel}
    COMMAND ${VIGIL_BPFTOOL} gen skeleton ${_obj} name ${p}_bpf > ${_skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${_skel}.tmp ${_skel}
    DEPENDS ${_obj} COMMENT "skeleton ${p}.skel.h" VERBATIM)
  list(APPEND _skels ${_skel})
endforeach()
add_custom_target(vigil_bpf_skels DEPENDS ${_skels})
