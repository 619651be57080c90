// How many threads libnn trains and evaluates with. libnn runs its own OpenMP
// parallel regions (src/step.cpp, src/forward_sparse.cpp) and keeps Eigen's internal
// threading off (EIGEN_DONT_PARALLELIZE), so this is the one setting.
//
// set_threads(n) with n >= 1 fixes the count. The default (and set_threads(0)) adapts
// it while training: the threads of a step wait for each other at a barrier per
// layer, so on a machine whose cores are taken by other programs a descheduled thread
// holds the others up, and two threads ran 2-3x slower than one. Every few hundred
// batches training times a few batches on each candidate count (all threads, one
// fewer, one) and keeps the fastest. Results are byte-identical for any thread count,
// so adapting changes only the speed.
#pragma once

#include <array>
#include <chrono>
#include <vector>

namespace nn {

// n >= 1: that many threads; 0: up to one per core, adapted to the load (the default).
void set_threads(int n);
// The most threads training uses (what OpenMP regions get outside training).
int threads();

// The decision: which thread count the next batch runs on, from the measured times of
// earlier batches. Probes each candidate for `probe` batches (the median decides, so a
// batch slowed by something else does not), the current choice first (one thread at
// the start); another
// candidate is dropped after one batch over twice the best median so far. Then it holds
// the fastest for `hold` batches,
// doubling the hold up to `max_hold` while the choice stays the same (so a quiet
// machine probes rarely) and going back to `hold` when it changes. While holding, the
// median of the last 4 batches over 1.5x the runner-up's probe median (the load has
// changed) starts a new probe at once.
class ThreadChooser {
 public:
  explicit ThreadChooser(int max_threads, int probe = 4, int hold = 100, int max_hold = 1600);

  int next() const;              // threads for the next batch
  void record(double seconds);   // how long that batch took
  const std::vector<int>& candidates() const { return candidates_; }

 private:
  void start_probe();
  void decide();

  std::vector<int> candidates_;        // max, max - 1, 1 (without repeats)
  std::vector<std::vector<double>> times_;  // per candidate, this probe's batch times (s)
  int probe_, hold_, max_hold_, current_hold_;
  std::vector<std::size_t> order_;     // candidates in the order this probe tries them
  std::size_t probing_ = 0;            // position in order_, or order_.size() when holding
  double best_median_ = 0;             // the best median of this probe so far (s)
  int choice_;                         // held thread count
  int held_ = 0;                       // batches run on the choice so far
  bool decided_ = false;               // a probe has finished
  double runner_up_ = 0;               // the second-best median of the last probe (s)
  std::array<double, 4> recent_{};     // the last batch times while holding (s)
};

namespace detail {
// Training wraps each batch in one: it sets the batch's thread count (when adapting)
// and reports the batch's time to the chooser when it ends.
class BatchThreads {
 public:
  BatchThreads();
  ~BatchThreads();
  BatchThreads(const BatchThreads&) = delete;
  BatchThreads& operator=(const BatchThreads&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};
}  // namespace detail

}  // namespace nn
