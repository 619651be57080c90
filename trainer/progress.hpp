// Progress display: a redrawn bar on a terminal, nothing otherwise (logs stay clean;
// the per-epoch summary lines are printed either way).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace trainer {

class ProgressBar {
 public:
  // Draws on `out` only if it is a terminal.
  explicit ProgressBar(std::FILE* out);
  void start(std::string label);
  void update(std::size_t done, std::size_t total);
  void finish();  // erases the bar

 private:
  std::FILE* out_;
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace trainer
