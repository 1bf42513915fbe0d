# Build helpers shared by every folder. Keep each user's CMakeLists short.

# sd_add_core_module(<name> SOURCES ... [DEPS ...])
# A static library stabledyn_<name> inside core/. Core modules may use QtCore, never QtWidgets.
function(sd_add_core_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(stabledyn_${name} STATIC ${M_SOURCES})
  target_include_directories(stabledyn_${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(stabledyn_${name} PUBLIC Eigen3::Eigen nlohmann_json::nlohmann_json ${M_DEPS})
  target_compile_definitions(stabledyn_${name} PUBLIC EIGEN_MPL2_ONLY)
  sd_use_precompiled_headers(stabledyn_${name} library)
endfunction()

# sd_add_test(<name> SOURCES ... LIBS ... LABEL unit|plugin|gui [TIMEOUT s])
# A Qt Test executable registered with ctest, run offscreen with the build's plugin folder.
function(sd_add_test name)
  cmake_parse_arguments(T "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${name} ${T_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${STABLEDYN_TEST_OUTPUT_DIR}" AUTOMOC ON)
  target_link_libraries(${name} PRIVATE Qt6::Test stabledyn_test_support ${T_LIBS})
  if("stabledyn_studio_lib" IN_LIST T_LIBS)
    sd_use_precompiled_headers(${name} gui_test)
  else()
    sd_use_precompiled_headers(${name} test)
  endif()
  # A test includes its own moc output, so automoc's collection file is empty: loading the PCH would be its only cost.
  set_source_files_properties("${CMAKE_CURRENT_BINARY_DIR}/${name}_autogen/mocs_compilation.cpp" PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    LABELS "${T_LABEL}"
    TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;STABLEDYN_PLUGIN_PATH=${STABLEDYN_PLUGIN_OUTPUT_DIR};STABLEDYN_SHARED_DATA=${STABLEDYN_SHARED_DATA_DIR};STABLEDYN_SOURCE_DIR=${PROJECT_SOURCE_DIR};STABLEDYN_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()

# sd_add_model_plugin(<target> CORE <core-lib> SOURCES ... METADATA <file.json>)
# A Qt plugin MODULE written to <build>/plugins, where the host finds it without configuration.
function(sd_add_model_plugin target)
  cmake_parse_arguments(P "" "CORE;METADATA" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES
    AUTOMOC ON
    PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY "${STABLEDYN_PLUGIN_OUTPUT_DIR}")
  # moc must re-run when the embedded metadata changes
  set_property(TARGET ${target} APPEND PROPERTY AUTOMOC_DEPEND_FILTERS "Q_PLUGIN_METADATA" "FILE \"([^\"]+)\"")
  target_link_libraries(${target} PRIVATE ${P_CORE} stabledyn_model Qt6::Core)
  sd_use_precompiled_headers(${target} library)
  install(TARGETS ${target} LIBRARY DESTINATION lib/stabledyn/plugins)
  set_property(GLOBAL APPEND PROPERTY SD_MODEL_PLUGINS ${target})
endfunction()

# ---- precompiled headers (STABLEDYN_PCH) ---------------------------------------------------------------------
# Every target of one kind reuses one set of precompiled headers, compiled once in a small donor target
# (REUSE_FROM). Eigen, nlohmann/json and Qt Test are parsed in nearly every translation unit and cost seconds each;
# the build measurements are in docs/RELIABILITY.md ("Build time"). A compiler accepts a reused PCH only where the
# macros its headers saw are defined the same way, so a donor's compile definitions are a subset of its users' and
# the kinds split where Qt's headers change with the linked modules (QtTest adds its widget helpers under
# QT_WIDGETS_LIB). Sources with their own instruction-set or language flags opt out (SKIP_PRECOMPILE_HEADERS).
#
# sd_use_precompiled_headers(<target> library|test|gui_test)
#   library:  static libraries and plugin modules (Eigen, json, the standard library);
#   test:     Qt Test executables (the same plus QtTest with its Gui helpers);
#   gui_test: Qt Test executables of the studio (the same plus QtWidgets and QCustomPlot).
set(SD_PCH_COMMON_HEADERS <algorithm> <cmath> <functional> <map> <memory> <optional> <stdexcept> <string> <vector>
                          <Eigen/Dense> <nlohmann/json.hpp>)
function(sd_use_precompiled_headers target kind)
  if(NOT STABLEDYN_PCH)
    return()
  endif()
  set(donor sd_pch_${kind})
  if(NOT TARGET ${donor})
    set(source "${PROJECT_SOURCE_DIR}/cmake/pch_donor.cpp")
    if(kind STREQUAL "library")
      add_library(${donor} STATIC "${source}")
      target_link_libraries(${donor} PRIVATE Eigen3::Eigen nlohmann_json::nlohmann_json)
      target_compile_definitions(${donor} PRIVATE EIGEN_MPL2_ONLY)
      target_precompile_headers(${donor} PRIVATE ${SD_PCH_COMMON_HEADERS})
    elseif(kind STREQUAL "test")
      add_executable(${donor} "${source}")
      target_link_libraries(${donor} PRIVATE stabledyn_test_support)
      target_precompile_headers(${donor} PRIVATE ${SD_PCH_COMMON_HEADERS} <QtTest>)
    elseif(kind STREQUAL "gui_test")
      add_executable(${donor} "${source}")
      target_link_libraries(${donor} PRIVATE stabledyn_test_support stabledyn_studio_lib)
      target_precompile_headers(${donor} PRIVATE ${SD_PCH_COMMON_HEADERS} <QtTest> <QtWidgets> <qcustomplot.h>)
    else()
      message(FATAL_ERROR "sd_use_precompiled_headers: unknown kind '${kind}'")
    endif()
    set_target_properties(${donor} PROPERTIES EXCLUDE_FROM_ALL ON)
  endif()
  target_precompile_headers(${target} REUSE_FROM ${donor})
endfunction()
