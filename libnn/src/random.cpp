#include "nn/random.hpp"

#include <cmath>
#include <numbers>
#include <utility>

namespace nn {

Rng::Rng(std::uint64_t seed) : state_(seed) {}

std::uint64_t Rng::next_u64() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

float Rng::uniform(float lo, float hi) {
  // 24 random bits -> [0, 1) exactly representable in float.
  const float u = static_cast<float>(next_u64() >> 40) * 0x1.0p-24f;
  return lo + (hi - lo) * u;
}

std::uint32_t Rng::below(std::uint32_t n) {
  // Lemire's multiply-shift with rejection: unbiased.
  std::uint64_t m = (next_u64() >> 32) * n;
  auto low = static_cast<std::uint32_t>(m);
  if (low < n) {
    const std::uint32_t threshold = (0u - n) % n;
    while (low < threshold) {
      m = (next_u64() >> 32) * n;
      low = static_cast<std::uint32_t>(m);
    }
  }
  return static_cast<std::uint32_t>(m >> 32);
}

float Rng::normal() {
  const double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]
  const double u2 = static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) *
                            std::cos(2.0 * std::numbers::pi * u2));
}

void shuffle(std::span<std::uint32_t> items, Rng& rng) {
  for (std::size_t i = items.size(); i > 1; --i) {
    std::swap(items[i - 1], items[rng.below(static_cast<std::uint32_t>(i))]);
  }
}

}  // namespace nn
