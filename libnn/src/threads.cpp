#include "nn/threads.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "nn/error.hpp"
#include "thread_chooser.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {
namespace {

using detail::ThreadChooser;

int cores() {
#ifdef _OPENMP
  return omp_get_num_procs();
#else
  return 1;  // built without OpenMP (WebAssembly): always one
#endif
}

void use_threads(int n) {
#ifdef _OPENMP
  omp_set_num_threads(n);
#else
  (void)n;
#endif
}

constexpr double kUnmeasured = std::numeric_limits<double>::infinity();

// Training's state: fixed by set_threads(n >= 1), else adapting (chooser set).
struct State {
  int max_threads = 0;                      // 0: not chosen yet (OpenMP's default)
  std::unique_ptr<ThreadChooser> chooser;   // null: a fixed count
  bool fixed = false;
};
State& state() {
  static State s;
  return s;
}

ThreadChooser* chooser() {
  State& s = state();
  if (s.fixed) return nullptr;
  if (!s.chooser) {
#ifdef _OPENMP
    s.max_threads = omp_get_max_threads();  // OMP_NUM_THREADS, else one per core
#else
    s.max_threads = 1;
#endif
    s.chooser = std::make_unique<ThreadChooser>(s.max_threads);
  }
  return s.chooser.get();
}

}  // namespace

void set_threads(int n) {
  if (n < 0) throw Error("the number of threads must be 0 (one per core) or more, got " + std::to_string(n));
  State& s = state();
  s.fixed = n > 0;
  s.max_threads = n > 0 ? n : cores();
  s.chooser = s.fixed ? nullptr : std::make_unique<ThreadChooser>(s.max_threads);
  use_threads(s.max_threads);
}

int threads() {
#ifdef _OPENMP
  const State& s = state();
  return s.max_threads > 0 ? s.max_threads : omp_get_max_threads();
#else
  return 1;
#endif
}

namespace detail {

ThreadChooser::ThreadChooser(int max_threads, int probe, int hold, int max_hold, double probe_share)
    : probe_share_(probe_share),
      probe_(std::max(1, probe)),
      hold_(std::max(1, hold)),
      max_hold_(std::max(hold_, max_hold)),
      current_hold_(hold_),
      choice_(std::max(1, max_threads)) {
  for (int n : {choice_, choice_ - 1, choice_ / 2, 1}) {
    if (n >= 1 && std::find(candidates_.begin(), candidates_.end(), n) == candidates_.end()) candidates_.push_back(n);
  }
  mean_.assign(candidates_.size(), kUnmeasured);
  // The first probe starts with one thread: on a busy machine a batch on several can
  // take ten times as long, and one such batch is then enough to rule them out.
  choice_ = 1;
  if (candidates_.size() > 1) start_probe(kUnmeasured);  // one candidate: nothing to probe
}

int ThreadChooser::next() const { return probing_ < order_.size() ? candidates_[order_[probing_]] : choice_; }

std::size_t ThreadChooser::index_of(int threads) const {
  return static_cast<std::size_t>(std::find(candidates_.begin(), candidates_.end(), threads) - candidates_.begin());
}

void ThreadChooser::start_probe(double held_mean) {
  // The held choice comes with its estimate from the hold; unmeasured (the first probe),
  // it runs first. The others are then cut short when they cannot beat it.
  std::fill(mean_.begin(), mean_.end(), kUnmeasured);
  order_.clear();
  const std::size_t held = index_of(choice_);
  if (held_mean == kUnmeasured) {
    order_.push_back(held);
  } else {
    mean_[held] = held_mean;
  }
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (i != held) order_.push_back(i);
  }
  probing_ = 0;
  sum_ = 0;
  count_ = 0;
  probe_sum_ = 0;
  probe_count_ = 0;
}

void ThreadChooser::record(double seconds) {
  if (candidates_.size() == 1) return;
  if (probing_ < order_.size()) {
    sum_ += seconds;
    ++count_;
    probe_sum_ += seconds;
    ++probe_count_;
    // Over the best mean times the window, this candidate's mean can no longer be lower.
    const double best = *std::min_element(mean_.begin(), mean_.end());
    if (count_ == probe_ || sum_ > best * probe_) {
      mean_[order_[probing_]] = sum_ / count_;
      sum_ = 0;
      count_ = 0;
      if (++probing_ == order_.size()) decide();
    }
    return;
  }
  hold_sum_ += seconds;
  ++held_;
  run_sum_ += seconds;
  if (++run_count_ < probe_) {
    if (held_ >= current_hold_) start_probe(hold_sum_ / held_);  // time to look again
    return;
  }
  // A whole run of the hold is as long as a probe: clearly slower than the runner-up
  // was, the load has changed, so look again now instead of paying for the whole hold.
  const double run_mean = run_sum_ / run_count_;
  run_sum_ = 0;
  run_count_ = 0;
  if (run_mean > 1.25 * runner_up_) {
    current_hold_ = hold_;
    start_probe(run_mean);
  } else if (held_ >= current_hold_) {
    start_probe(hold_sum_ / held_);
  }
}

void ThreadChooser::decide() {
  const auto best = static_cast<std::size_t>(std::min_element(mean_.begin(), mean_.end()) - mean_.begin());
  runner_up_ = kUnmeasured;
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (i != best) runner_up_ = std::min(runner_up_, mean_[i]);
  }
  const int previous = choice_;
  choice_ = candidates_[best];
  current_hold_ = decided_ && choice_ == previous ? std::min(current_hold_ * 2, max_hold_) : hold_;
  // What this probe cost beyond running the choice throughout: hold long enough that
  // probing takes at most probe_share of the time. (Beside a busy program the first
  // batch on more threads can take 60 times a normal one, while they wake up.)
  const double extra = probe_sum_ - probe_count_ * mean_[best];
  const double needed = std::ceil(extra / (probe_share_ * mean_[best]));
  if (needed > current_hold_) current_hold_ = static_cast<int>(std::min<double>(needed, max_hold_));
  decided_ = true;
  hold_sum_ = 0;
  held_ = 0;
  run_sum_ = 0;
  run_count_ = 0;
}

BatchThreads::BatchThreads() : start_(std::chrono::steady_clock::now()) {
  if (const ThreadChooser* c = chooser()) use_threads(c->next());
}

BatchThreads::~BatchThreads() {
  if (ThreadChooser* c = chooser()) {
    // The count stays as chosen for what follows (the epoch's evaluation too).
    c->record(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
}

}  // namespace detail
}  // namespace nn
