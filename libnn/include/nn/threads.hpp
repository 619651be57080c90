// How many threads libnn trains and evaluates with. libnn runs its own OpenMP
// parallel regions (src/step.cpp, src/forward_sparse.cpp) and keeps Eigen's internal
// threading off (EIGEN_DONT_PARALLELIZE), so this is the one setting.
//
// set_threads(n) with n >= 1 fixes the count. The default (and set_threads(0)) adapts
// it while training: the threads of a step wait for each other at a barrier per
// layer, so on a machine whose cores are taken by other programs a descheduled thread
// holds the others up, and two threads ran 2-3x slower than one. Every few hundred
// batches training times a run of batches on each candidate count (all threads, one
// fewer, half, one) and keeps the one with the lowest mean. Results are byte-identical
// for any thread count, so adapting changes only the speed.
#pragma once

namespace nn {

// n >= 1: that many threads; 0: up to one per core, adapted to the load (the default).
void set_threads(int n);
// The most threads training uses (what OpenMP regions get outside training).
int threads();

}  // namespace nn
