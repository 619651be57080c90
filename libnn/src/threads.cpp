#include "nn/threads.hpp"

#include <omp.h>

#include <string>

#include "nn/error.hpp"

namespace nn {

void set_threads(int n) {
  if (n < 0) throw Error("the number of threads must be 0 (one per core) or more, got " + std::to_string(n));
  omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
}

int threads() { return omp_get_max_threads(); }

}  // namespace nn
