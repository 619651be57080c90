# NN_SANITIZE=ON builds everything with AddressSanitizer and UBSan.
# Set by the "asan" preset; undefined behaviour aborts the test that hit it.
option(NN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
add_library(nn_sanitizers INTERFACE)
if(NN_SANITIZE)
  set(_nn_san -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_compile_options(nn_sanitizers INTERFACE ${_nn_san})
  target_link_options(nn_sanitizers INTERFACE ${_nn_san})
endif()
