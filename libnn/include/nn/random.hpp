// A small, portable random source: the same seed gives the same weights and the
// same batch order with any compiler and standard library (unlike std::shuffle and
// std::uniform_real_distribution, whose algorithms are implementation-defined).
#pragma once

#include <cstdint>
#include <span>

namespace nn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64();                 // splitmix64
  float uniform(float lo, float hi);        // [lo, hi)
  std::uint32_t below(std::uint32_t n);     // [0, n), unbiased
  float normal();                           // N(0, 1), Box-Muller

 private:
  std::uint64_t state_;
};

// Fisher-Yates shuffle driven by Rng.
void shuffle(std::span<std::uint32_t> items, Rng& rng);

}  // namespace nn
