# libFuzzer targets, built with clang whatever the main compiler is:
#   vigil_fuzz_target(event_codec)  -> tests/fuzz/fuzz_event_codec.c,
#     seed corpus tests/fuzz/corpus/event_codec/, ctest "fuzz_event_codec"
#     (label fuzz) running VIGIL_FUZZ_SECONDS.
#   vigil_fuzz_target(api_request SOURCES backend/api_request.c)
#     -> also compiles the listed sources (relative to the source root).
# Each target links every shared/ source (plus its SOURCES), compiled with
# -fsanitize=fuzzer,address,undefined.
find_program(VIGIL_CLANG NAMES clang clang-14)
if(VIGIL_FUZZ AND NOT VIGIL_CLANG)
  message(STATUS "clang not found: fuzz targets are not built (apt-get install clang)")
endif()

function(vigil_fuzz_target name)
  if(NOT VIGIL_FUZZ OR NOT VIGIL_CLANG)
    return()
  endif()
  cmake_parse_arguments(F "" "" "SOURCES" ${ARGN})
  list(TRANSFORM F_SOURCES PREPEND ${PROJECT_SOURCE_DIR}/)
  set(src ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_${name}.c ${F_SOURCES})
  set(bin ${CMAKE_CURRENT_BINARY_DIR}/fuzz_${name})
  set(flags -std=c11 -g -O1 -D_GNU_SOURCE -DVIGIL_VERSION="${PROJECT_VERSION}"
            -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
            -I${PROJECT_SOURCE_DIR} ${JANSSON_CFLAGS} ${YAML_CFLAGS} ${OPENSSL_CFLAGS} ${LWS_CFLAGS} ${PCRE2_CFLAGS} ${CURL_CFLAGS})
  add_custom_command(OUTPUT ${bin}
    COMMAND ${VIGIL_CLANG} ${flags} -o ${bin} ${src} ${VIGIL_SHARED_SOURCES}
            ${JANSSON_LDFLAGS} ${YAML_LDFLAGS} ${OPENSSL_LDFLAGS} ${LWS_LDFLAGS} ${PCRE2_LDFLAGS} ${CURL_LDFLAGS} -lpthread
    DEPENDS ${src} ${VIGIL_SHARED_SOURCES}
    COMMENT "clang libFuzzer target fuzz_${name}" VERBATIM)
  add_custom_target(fuzz_${name}_bin ALL DEPENDS ${bin})
  set(corpus ${CMAKE_CURRENT_BINARY_DIR}/corpus_${name})
  add_test(NAME fuzz_${name}
    COMMAND sh -c "rm -rf '${corpus}' && mkdir -p '${corpus}' && cp -r '${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name}/.' '${corpus}/' 2>/dev/null; exec '${bin}' -max_total_time=${VIGIL_FUZZ_SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 '${corpus}'")
  math(EXPR tmo "${VIGIL_FUZZ_SECONDS} + 120")
  set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT ${tmo})
endfunction()
