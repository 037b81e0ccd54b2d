# The file, DNS and network collectors, the document cache, FIM and their
# commands (docs/sensor-collectors.md); part of vigil_sensor_core.
set(VIGIL_SENSOR_COLLECT_SOURCES
  collectors.c
  collect_util.c
  collect_file.c
  file_capture.c
  mountinfo.c
  docs.c
  fim.c
  cmd_doc_cache.c
  cmd_fim.c
  dns_parse.c
  collect_dns.c
  sockdiag.c
  sockpid.c
  net_event.c
  net_ebpf.c
  collect_net.c
)
list(TRANSFORM VIGIL_SENSOR_COLLECT_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
