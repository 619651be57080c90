// Small data sets for the training tests, built in memory.
#pragma once

#include <cstdint>

#include "nn/dataset.hpp"
#include "nn/network.hpp"
#include "nn/random.hpp"

namespace nn::test {

// n samples of 10 pixels; sample i has label i % 10 and a single lit pixel at its label.
inline nn::Dataset one_hot_data(std::size_t n) {
  nn::Dataset d;
  d.source = "one-hot";
  d.features = 10;
  d.pixels.assign(n * 10, 0);
  for (std::size_t i = 0; i < n; ++i) {
    d.labels.push_back(static_cast<std::uint8_t>(i % 10));
    d.pixels[i * 10 + i % 10] = 255;
  }
  return d;
}

// n samples of `features` pixels, about a third of them 0 (as in digit images), random labels.
inline nn::Dataset sparse_noise_data(std::size_t n, int features, std::uint64_t seed) {
  nn::Rng rng(seed);
  nn::Dataset data;
  data.source = "sparse noise";
  data.features = features;
  for (std::size_t i = 0; i < n; ++i) {
    data.labels.push_back(static_cast<std::uint8_t>(rng.below(10)));
    for (int f = 0; f < features; ++f) {
      data.pixels.push_back(rng.below(3) == 0 ? 0 : static_cast<std::uint8_t>(rng.below(256)));
    }
  }
  return data;
}

// n samples of 784 random pixels with random labels.
inline nn::Dataset noise_data(std::size_t n, nn::Rng& rng) {
  nn::Dataset data;
  data.source = "noise";
  data.features = 784;
  for (std::size_t i = 0; i < n; ++i) {
    data.labels.push_back(static_cast<std::uint8_t>(rng.below(10)));
    for (int f = 0; f < 784; ++f) data.pixels.push_back(static_cast<std::uint8_t>(rng.below(256)));
  }
  return data;
}

inline bool all_finite(const nn::Network& net) {
  for (const nn::Layer& l : net.layers()) {
    if (!l.W.allFinite() || !l.b.allFinite()) return false;
  }
  return true;
}

}  // namespace nn::test
