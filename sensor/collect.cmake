# The file, DNS and network collectors, the document cache, FIM and their
# commands (docs/sensor-collectors.md).
add_library(vigil_sensor_collect STATIC
  ${CMAKE_CURRENT_LIST_DIR}/collect_util.c
  ${CMAKE_CURRENT_LIST_DIR}/collect_file.c
  ${CMAKE_CURRENT_LIST_DIR}/file_capture.c
  ${CMAKE_CURRENT_LIST_DIR}/mountinfo.c
  ${CMAKE_CURRENT_LIST_DIR}/docs.c
  ${CMAKE_CURRENT_LIST_DIR}/fim.c
  ${CMAKE_CURRENT_LIST_DIR}/cmd_doc_cache.c
  ${CMAKE_CURRENT_LIST_DIR}/cmd_fim.c
  ${CMAKE_CURRENT_LIST_DIR}/dns_parse.c
  ${CMAKE_CURRENT_LIST_DIR}/collect_dns.c
  ${CMAKE_CURRENT_LIST_DIR}/sockdiag.c
  ${CMAKE_CURRENT_LIST_DIR}/sockpid.c
  ${CMAKE_CURRENT_LIST_DIR}/collect_net.c)
target_include_directories(vigil_sensor_collect PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(vigil_sensor_collect PUBLIC vigil_shared)
