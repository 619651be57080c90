// Internal: how training adapts its thread count (see nn/threads.hpp): the decision
// (ThreadChooser, tested on its own) and the per-batch guard fit.cpp wraps each batch in.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

namespace nn::detail {

// The decision: which thread count the next batch runs on, from the measured times of
// earlier batches. What a thread count costs is its mean batch time over a window of
// batches, not its typical batch: beside another busy program two threads run most
// batches faster than one, but every few batches the scheduler takes a core away for a
// time slice and the barrier waits for it (batches of 0.8 ms, then one of 5 ms, then
// now and then one of 60 ms), so the median picks the slower setting.
//
// A probe runs each candidate for `probe` batches, the current choice first (one thread
// at the start); a candidate is dropped as soon as its total is over the best mean so
// far times `probe` (it can no longer win). Then it holds the fastest for `hold`
// batches, doubling the hold up to `max_hold` while the choice stays the same (so a
// quiet machine probes rarely) and going back to `hold` when it changes; and at least
// long enough (up to `max_hold`) that the probe's cost, the time its batches took
// beyond the choice's mean, is `probe_share` of the hold's time. The choice's
// estimate at the next probe is its mean over the whole hold; while holding, each run of
// `probe` batches whose mean is over 1.25x the runner-up's (the load has changed)
// starts a new probe at once, with that run as the choice's estimate.
class ThreadChooser {
 public:
  explicit ThreadChooser(int max_threads, int probe = 16, int hold = 200, int max_hold = 3200,
                         double probe_share = 0.02);

  int next() const;              // threads for the next batch
  void record(double seconds);   // how long that batch took
  // max, max - 1, max / 2, 1 (without repeats): a busy core or half of them taken
  const std::vector<int>& candidates() const { return candidates_; }

 private:
  void start_probe(double held_mean);  // held_mean: the choice's estimate, or infinity to run it first
  void decide();
  std::size_t index_of(int threads) const;

  std::vector<int> candidates_;
  std::vector<double> mean_;           // per candidate, its mean batch time in this probe (s); inf: not run
  double probe_share_;
  int probe_, hold_, max_hold_, current_hold_;
  std::vector<std::size_t> order_;     // candidates this probe runs, in order
  std::size_t probing_ = 0;            // position in order_, or order_.size() when holding
  double sum_ = 0;                     // the candidate being probed: its batches' total (s)
  int count_ = 0;                      //   and their number
  double probe_sum_ = 0;               // this probe's batches, all candidates: total (s)
  int probe_count_ = 0;                //   and their number
  int choice_;                         // held thread count
  bool decided_ = false;               // a probe has finished
  double runner_up_ = 0;               // the second-best mean of the last probe (s)
  double hold_sum_ = 0;                // the hold so far: total (s)
  int held_ = 0;                       //   and batches
  double run_sum_ = 0;                 // the current run of `probe` batches in the hold: total (s)
  int run_count_ = 0;                  //   and batches
};

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
}  // namespace nn::detail
