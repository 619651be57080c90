# NN_FUZZ=ON (the "fuzz" preset, clang 14): libFuzzer targets under AddressSanitizer and
# UndefinedBehaviorSanitizer. The library is instrumented for coverage
# (-fsanitize=fuzzer-no-link); each target in tests/fuzz/ links libFuzzer's main.
option(NN_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)
if(NN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "NN_FUZZ needs clang (libFuzzer); use the fuzz preset (clang++-14)")
  endif()
  set(_nn_fuzz_san -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                   -fno-omit-frame-pointer -gline-tables-only)
  target_compile_options(nn_sanitizers INTERFACE ${_nn_fuzz_san})
  target_link_options(nn_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
