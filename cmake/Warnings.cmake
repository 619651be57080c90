# Warnings live in an INTERFACE target that project targets link privately,
# so they never leak into consumers and no global flags are set.
add_library(nn_warnings INTERFACE)
target_compile_options(nn_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
    -Woverloaded-virtual -Wnull-dereference>
  # GCC 12 reports false -Wrestrict positives inside std::string concatenation (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
