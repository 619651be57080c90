#include "nn/threads.hpp"

#include <string>

#include "nn/error.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {

void set_threads(int n) {
  if (n < 0) throw Error("the number of threads must be 0 (one per core) or more, got " + std::to_string(n));
#ifdef _OPENMP
  omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
#endif
}

int threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;  // built without OpenMP (WebAssembly): always one
#endif
}

}  // namespace nn
