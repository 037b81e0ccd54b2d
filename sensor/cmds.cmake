# The command handlers and the pure parsers they use: the vigil_sensor_cmds
# static library (linked by vigil-sensor and the tests/unit/test_cmd_* suites).
set(VIGIL_SENSOR_CMD_SOURCES
  cmd.c
  cmd_table.c
  cmd_util.c
  cmd_dir.c
  cmd_file.c
  cmd_isolate.c
  isolate.c
  cmd_mem.c
  cmd_net.c
  cmd_os.c
  cmd_proc.c
  cmd_units.c
  cmd_yara.c
  parse_dpkg.c
  parse_kv.c
  parse_maps.c
  parse_passwd.c
  parse_procnet.c
  parse_stat.c
)
list(TRANSFORM VIGIL_SENSOR_CMD_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
add_library(vigil_sensor_cmds STATIC ${VIGIL_SENSOR_CMD_SOURCES})
target_include_directories(vigil_sensor_cmds PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(vigil_sensor_cmds PUBLIC vigil_shared PkgConfig::NFTABLES PkgConfig::YARA)
