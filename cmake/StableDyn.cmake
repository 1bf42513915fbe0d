# Build helpers shared by every folder. Keep each user's CMakeLists short.

# sd_add_core_module(<name> SOURCES ... [DEPS ...])
# A static library stabledyn_<name> inside core/. Core modules may use QtCore, never QtWidgets.
function(sd_add_core_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(stabledyn_${name} STATIC ${M_SOURCES})
  target_include_directories(stabledyn_${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(stabledyn_${name} PUBLIC Eigen3::Eigen nlohmann_json::nlohmann_json ${M_DEPS})
  target_compile_definitions(stabledyn_${name} PUBLIC EIGEN_MPL2_ONLY)
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
  install(TARGETS ${target} LIBRARY DESTINATION lib/stabledyn/plugins)
  set_property(GLOBAL APPEND PROPERTY SD_MODEL_PLUGINS ${target})
endfunction()
