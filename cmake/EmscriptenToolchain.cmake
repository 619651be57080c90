# The wasm preset's toolchain: Emscripten's own toolchain file, wherever Emscripten is.
#   emsdk (e.g. the Pages workflow): $EMSDK/upstream/emscripten
#   otherwise the emcc on PATH (Debian's /usr/bin/emcc links to /usr/share/emscripten)
# so that one preset configures the wasm build everywhere.
if(DEFINED ENV{EMSDK} AND EXISTS "$ENV{EMSDK}/upstream/emscripten/cmake/Modules/Platform/Emscripten.cmake")
  set(NN_EMSCRIPTEN_ROOT "$ENV{EMSDK}/upstream/emscripten")
else()
  find_program(NN_EMCC emcc REQUIRED)
  get_filename_component(NN_EMCC_REAL "${NN_EMCC}" REALPATH)
  get_filename_component(NN_EMSCRIPTEN_ROOT "${NN_EMCC_REAL}" DIRECTORY)
endif()
include("${NN_EMSCRIPTEN_ROOT}/cmake/Modules/Platform/Emscripten.cmake")
