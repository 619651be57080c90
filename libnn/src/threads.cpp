#include "nn/threads.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <string>

#include "nn/error.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nn {
namespace {

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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

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

ThreadChooser::ThreadChooser(int max_threads, int probe, int hold, int max_hold)
    : probe_(std::max(1, probe)),
      hold_(std::max(1, hold)),
      max_hold_(std::max(hold_, max_hold)),
      current_hold_(hold_),
      choice_(std::max(1, max_threads)) {
  for (int n : {choice_, choice_ - 1, 1}) {
    if (n >= 1 && std::find(candidates_.begin(), candidates_.end(), n) == candidates_.end()) candidates_.push_back(n);
  }
  times_.resize(candidates_.size());
  // The first probe starts with one thread: on a busy machine a batch on several can
  // take ten times as long, and one such batch is then enough to rule them out.
  choice_ = 1;
  if (candidates_.size() > 1) start_probe();  // one candidate: nothing to probe
}

int ThreadChooser::next() const { return probing_ < order_.size() ? candidates_[order_[probing_]] : choice_; }

void ThreadChooser::start_probe() {
  // The current choice first: the others are then cut short when clearly slower.
  order_.clear();
  const auto held = static_cast<std::size_t>(std::find(candidates_.begin(), candidates_.end(), choice_) - candidates_.begin());
  order_.push_back(held);
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (i != held) order_.push_back(i);
  }
  for (auto& t : times_) t.clear();
  probing_ = 0;
  best_median_ = std::numeric_limits<double>::infinity();
}

void ThreadChooser::record(double seconds) {
  if (candidates_.size() == 1) return;
  if (probing_ < order_.size()) {
    std::vector<double>& t = times_[order_[probing_]];
    t.push_back(seconds);
    // One batch over twice the best median so far is enough to rule a candidate out:
    // under load a slow candidate can take several times as long, so probing it in
    // full would cost more than adapting gains.
    const bool ruled_out = probing_ > 0 && seconds > 2 * best_median_;
    if (ruled_out || static_cast<int>(t.size()) == probe_) {
      if (!ruled_out) best_median_ = std::min(best_median_, median(t));
      if (++probing_ == order_.size()) decide();
    }
    return;
  }
  // While holding, the last few batches are watched: when the load changes so that
  // the choice becomes clearly slower than the runner-up was, look again at once
  // instead of paying for the whole hold.
  recent_[static_cast<std::size_t>(held_) % recent_.size()] = seconds;
  ++held_;
  const bool gone_slow = held_ >= static_cast<int>(recent_.size()) &&
                         median(std::vector<double>(recent_.begin(), recent_.end())) > 1.5 * runner_up_;
  if (gone_slow) current_hold_ = hold_;
  if (gone_slow || held_ >= current_hold_) {  // time to look again
    held_ = 0;
    start_probe();
  }
}

void ThreadChooser::decide() {
  std::size_t best = order_[0];
  double best_time = median(times_[best]);
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (times_[i].empty()) continue;
    const double t = median(times_[i]);
    if (t < best_time) best = i, best_time = t;
  }
  runner_up_ = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < candidates_.size(); ++i) {
    if (i != best && !times_[i].empty()) runner_up_ = std::min(runner_up_, median(times_[i]));
  }
  const int previous = choice_;
  choice_ = candidates_[best];
  current_hold_ = decided_ && choice_ == previous ? std::min(current_hold_ * 2, max_hold_) : hold_;
  decided_ = true;
}

namespace detail {

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
