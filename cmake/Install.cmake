# `cmake --install` rules: libnn's public headers (libnn/include/nn/, never libnn/src/),
# its two static libraries and a CMake package (digitnnConfig.cmake + version file)
# exporting them as digitnn::core (nn::core in the build: everything portable, training
# and model reading included) and digitnn::nn (nn::nn: core + data sets and file writing);
# libnn/CMakeLists.txt and digitnnConfig.cmake.in say the same.
#
# The INTERFACE targets libnn links publicly travel with it: nn_arch (-march=native
# when the library was built so: Eigen's alignment, hence the ABI of Eigen types in
# libnn's headers, depends on it) and nn_sanitizers (empty unless NN_SANITIZE).
# Build-only helpers (warnings, fast_float, fccp) are $<BUILD_INTERFACE:...> in
# libnn/CMakeLists.txt and never appear in the exported targets.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(NN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/digitnn")

set_target_properties(nn_core PROPERTIES EXPORT_NAME core)
set_target_properties(nn PROPERTIES EXPORT_NAME nn)
set_target_properties(nn_arch PROPERTIES EXPORT_NAME arch)
set_target_properties(nn_sanitizers PROPERTIES EXPORT_NAME sanitizers)

install(TARGETS nn_core nn nn_arch nn_sanitizers
  EXPORT digitnnTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/libnn/include/nn" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT digitnnTargets NAMESPACE digitnn:: DESTINATION "${NN_INSTALL_CMAKEDIR}")

configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/digitnnConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/digitnnConfig.cmake" INSTALL_DESTINATION "${NN_INSTALL_CMAKEDIR}")
# 0.x: a new minor version may change the API, so only the same minor version matches.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/digitnnConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/digitnnConfig.cmake" "${PROJECT_BINARY_DIR}/digitnnConfigVersion.cmake"
  DESTINATION "${NN_INSTALL_CMAKEDIR}")
