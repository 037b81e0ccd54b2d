# The command handlers and the pure parsers they use (part of vigil_sensor_core).
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
