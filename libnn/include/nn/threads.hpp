// How many threads libnn trains and evaluates with. libnn runs its own OpenMP
// parallel regions (see src/step.cpp) and keeps Eigen's internal threading off
// (EIGEN_DONT_PARALLELIZE), so this is the one setting. The default is OpenMP's:
// OMP_NUM_THREADS, else one thread per core.
#pragma once

namespace nn {

// n >= 1: that many threads; 0: one per core.
void set_threads(int n);
int threads();

}  // namespace nn
