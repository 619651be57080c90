// Evaluation of a network on a labelled data set: loss, mistakes, confusion matrix.
#pragma once

#include <cstddef>
#include <vector>

#include "nn/dataset.hpp"
#include "nn/network.hpp"

namespace nn {

struct Evaluation {
  double loss = 0;  // mean cross-entropy, bits per sample
  std::size_t samples = 0;
  std::size_t mistakes = 0;
  std::vector<std::vector<std::size_t>> confusion;  // confusion[true][predicted]
  double accuracy() const {
    return samples ? 1.0 - static_cast<double>(mistakes) / static_cast<double>(samples) : 0.0;
  }
};

Evaluation evaluate(const Network& net, const Dataset& data);

// Throws nn::Error unless the network fits the data set: first size = pixels per
// sample, last = classes.
void check_compatible(const Network& net, const Dataset& data);

}  // namespace nn
