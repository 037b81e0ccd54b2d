# Finds every library through pkg-config; a missing one fails naming the
# Debian package that provides it (scripts/install-deps installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config (or run scripts/install-deps)")
endif()

function(vigil_require_pkg var module debpkg)
  pkg_check_modules(${var} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "Missing library '${module}': apt-get install ${debpkg} "
                        "(or run scripts/install-deps)")
  endif()
endfunction()

vigil_require_pkg(JANSSON jansson libjansson-dev)
vigil_require_pkg(YAML yaml-0.1 libyaml-dev)
vigil_require_pkg(OPENSSL openssl libssl-dev)
vigil_require_pkg(LWS libwebsockets libwebsockets-dev)
vigil_require_pkg(ROCKSDB rocksdb librocksdb-dev)
vigil_require_pkg(NCURSES ncursesw libncurses-dev)
vigil_require_pkg(PCRE2 libpcre2-8 libpcre2-dev)
vigil_require_pkg(CHECK check check)
vigil_require_pkg(NFTABLES libnftables libnftables-dev)
vigil_require_pkg(YARA yara libyara-dev)
vigil_require_pkg(CURL libcurl libcurl4-openssl-dev)
# Optional: libbpf for the sensor's eBPF collectors (sensor/bpf.cmake decides
# whether eBPF is built; without it the sensor uses its fallback collectors).
pkg_check_modules(LIBBPF QUIET IMPORTED_TARGET GLOBAL libbpf)
find_package(Threads REQUIRED)
