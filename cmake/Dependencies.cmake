# Third-party dependencies, all from Debian packages (scripts/setup.sh installs them).
# Header-only libraries are wrapped in imported targets so only target_* is used.
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3 REQUIRED)

if(NOT EMSCRIPTEN)
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
