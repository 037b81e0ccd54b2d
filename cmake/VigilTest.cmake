# Test registration helpers. One line registers a Check suite:
#   vigil_unit_test(buf)            -> tests/unit/test_buf.c, label "unit"
#   vigil_check_test(NAME SOURCES... LABELS l... LIBS l...)
enable_testing()

function(vigil_check_test name)
  cmake_parse_arguments(A "" "TIMEOUT" "SOURCES;LABELS;LIBS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE vigil_shared vigil_harness PkgConfig::CHECK ${A_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${A_LABELS}" TIMEOUT ${A_TIMEOUT}
    ENVIRONMENT "CK_DEFAULT_TIMEOUT=30;VIGIL_SOURCE_DIR=${PROJECT_SOURCE_DIR};VIGIL_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

function(vigil_unit_test module)
  vigil_check_test(test_${module} SOURCES ${PROJECT_SOURCE_DIR}/tests/unit/test_${module}.c ${ARGN})
endfunction()
