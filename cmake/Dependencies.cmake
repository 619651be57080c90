# Third-party dependencies, all from Debian packages (scripts/setup.sh installs them).
# Header-only libraries are wrapped in imported targets so only target_* is used.
if(EMSCRIPTEN)
  # The Emscripten toolchain confines find_* to its own sysroot, so Debian's package
  # configs are not seen. These libraries are header-only and target-independent:
  # use the host's headers, looked up outside the find root.
  find_path(NN_EIGEN3_INCLUDE_DIR Eigen/Core PATHS /usr/include PATH_SUFFIXES eigen3
            NO_CMAKE_FIND_ROOT_PATH REQUIRED)
  add_library(Eigen3::Eigen INTERFACE IMPORTED)
  target_include_directories(Eigen3::Eigen SYSTEM INTERFACE "${NN_EIGEN3_INCLUDE_DIR}")

  # fast_float/ sits directly in /usr/include; putting that folder on the
  # include path would let glibc's headers shadow Emscripten's libc. Expose only
  # the library's own folder, through a link in the build tree.
  function(nn_host_header_library target folder header)
    find_path(NN_${folder}_INCLUDE_DIR "${folder}/${header}" PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH REQUIRED)
    set(dir "${CMAKE_BINARY_DIR}/_deps/${folder}/include")
    file(MAKE_DIRECTORY "${dir}")
    file(CREATE_LINK "${NN_${folder}_INCLUDE_DIR}/${folder}" "${dir}/${folder}" SYMBOLIC)
    add_library(${target} INTERFACE IMPORTED GLOBAL)
    target_include_directories(${target} SYSTEM INTERFACE "${dir}")
  endfunction()
  nn_host_header_library(fast_float fast_float fast_float.h)
else()
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
  find_path(FAST_FLOAT_INCLUDE_DIR fast_float/fast_float.h REQUIRED)
  add_library(fast_float INTERFACE IMPORTED)
  target_include_directories(fast_float SYSTEM INTERFACE "${FAST_FLOAT_INCLUDE_DIR}")

  find_package(Threads REQUIRED)
  find_package(OpenMP REQUIRED COMPONENTS CXX)
  find_package(ZLIB REQUIRED)
  find_package(CLI11 REQUIRED)

  find_path(FCCP_INCLUDE_DIR libfccp/csv.h REQUIRED)
  add_library(fccp INTERFACE IMPORTED)
  target_include_directories(fccp SYSTEM INTERFACE "${FCCP_INCLUDE_DIR}")
  target_link_libraries(fccp INTERFACE Threads::Threads)
endif()

# Optimisation for the machine that builds: Eigen's matrix products use AVX2/FMA when allowed.
add_library(nn_arch INTERFACE)
if(NN_NATIVE_ARCH AND NOT EMSCRIPTEN)
  target_compile_options(nn_arch INTERFACE -march=native)
endif()
