// A labelled image set held as bytes: N samples of F pixels (0..255), row-major,
// so a 60,000 x 784 MNIST training set takes 47 MB. Batches are converted to
// floats in [0, 1] only when used.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nn {

inline constexpr int kNumClasses = 10;    // digits 0-9 (and Fashion-MNIST's 10 classes)
inline constexpr std::uint8_t kBinarizeThreshold = 127;  // the original's: >= 127 -> 255

struct Dataset {
  std::string source;                 // file it came from, for messages
  int features = 0;                   // pixels per sample (784 for MNIST)
  std::vector<std::uint8_t> pixels;   // size() * features bytes
  std::vector<std::uint8_t> labels;   // one per sample, 0..kNumClasses-1

  std::size_t size() const { return labels.size(); }
  std::span<const std::uint8_t> sample(std::size_t i) const {
    return {pixels.data() + i * static_cast<std::size_t>(features),
            static_cast<std::size_t>(features)};
  }
};

// Pixels >= 127 become 255, the others 0 (the original's binarize script).
void binarize(Dataset& data);

// Re-normalises every (square) image the way normalize_digit does (see image.hpp),
// so training images pass through the same normalisation as drawings on the page.
void normalize_digits(Dataset& data);

// A data set from network inputs: samples of `features` numbers in [0, 1] one after the
// other (as the page's normalised drawings are), stored as bytes round(x * 255), and
// one label per sample, a whole number from 0 to kNumClasses - 1. Throws nn::Error
// naming `source`, the index and the value for anything else.
Dataset dataset_from_inputs(std::span<const float> inputs, int features, std::span<const double> labels,
                            const std::string& source);

// Appends more's samples to data (the same number of pixels per sample, else nn::Error).
void append(Dataset& data, const Dataset& more);

// Keeps the first n samples (n >= size() keeps all).
void truncate(Dataset& data, std::size_t n);

// Fills x (features x count) with samples index[first..first+count) scaled to [0, 1],
// and their labels. x is resized as needed.
void gather_batch(const Dataset& data, std::span<const std::uint32_t> index,
                  Eigen::MatrixXf& x, std::vector<std::uint8_t>& labels);

}  // namespace nn
