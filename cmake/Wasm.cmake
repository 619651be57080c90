# Compile and link flags for the WebAssembly build (Emscripten), in an INTERFACE
# target that the wasm module and the library objects it is made of link to.
#
#   -O3 -msimd128   Eigen 3.4 has no WASM SIMD kernels (and -msse* fails), but
#                   clang autovectorises its scalar loops to 128-bit SIMD.
#   -fexceptions    libnn reports bad input by throwing nn::Error; the bindings
#                   catch it and throw a JS Error instead. Must be on for every
#                   object that throws or catches, so it is set for nn_core too.
option(NN_WASM_SIMD "Compile the WebAssembly module with 128-bit SIMD (-msimd128)" ON)

set(NN_WASM_FLAGS -O3 -fexceptions $<$<BOOL:${NN_WASM_SIMD}>:-msimd128>)
# libnn's OpenMP pragmas are ignored here (one thread): no warning for each.
set(NN_WASM_COMPILE_FLAGS -Wno-unknown-pragmas)
add_library(nn_wasm_flags INTERFACE)
target_compile_options(nn_wasm_flags INTERFACE ${NN_WASM_FLAGS} ${NN_WASM_COMPILE_FLAGS})
target_link_options(nn_wasm_flags INTERFACE ${NN_WASM_FLAGS})
