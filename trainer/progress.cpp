#include "progress.hpp"

#include <unistd.h>

namespace trainer {

ProgressBar::ProgressBar(std::FILE* out) : out_(out), enabled_(::isatty(::fileno(out)) != 0) {}

void ProgressBar::start(std::string label) {
  label_ = std::move(label);
  start_ = std::chrono::steady_clock::now();
  last_draw_ = {};
}

void ProgressBar::update(std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_draw_ < std::chrono::milliseconds(100)) return;  // ~10 redraws/s
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * done / total);
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::string bar(static_cast<std::size_t>(filled), '=');
  if (filled < kWidth) bar += '>';
  bar.resize(kWidth, ' ');
  std::fprintf(out_, "\r%s [%s] %zu/%zu batches  %.1f s ", label_.c_str(), bar.c_str(), done, total, secs);
  std::fflush(out_);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::fprintf(out_, "\r\033[K");
  std::fflush(out_);
}

}  // namespace trainer
