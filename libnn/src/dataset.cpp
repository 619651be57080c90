#include "nn/dataset.hpp"

#include <cmath>
#include <string>

#include "nn/error.hpp"
#include "nn/image.hpp"
#include "sparse_batch.hpp"

namespace nn {

void binarize(Dataset& data) {
  for (std::uint8_t& p : data.pixels) p = p >= kBinarizeThreshold ? 255 : 0;
}

void normalize_digits(Dataset& data) {
  if (data.features != kDigitSide * kDigitSide) {
    throw Error(data.source + ": normalisation needs 28 x 28 images, got " + std::to_string(data.features) +
                " pixels");
  }
  std::vector<float> ink(static_cast<std::size_t>(data.features));
  Eigen::VectorXf out(data.features);
  for (std::size_t s = 0; s < data.size(); ++s) {
    const auto px = data.sample(s);
    for (std::size_t i = 0; i < px.size(); ++i) ink[i] = static_cast<float>(px[i]) / 255.0f;
    normalize_digit(ink, kDigitSide, kDigitSide, out);  // an empty image stays empty
    std::uint8_t* dst = data.pixels.data() + s * px.size();
    for (std::size_t i = 0; i < px.size(); ++i) {
      dst[i] = static_cast<std::uint8_t>(std::lround(out[static_cast<Eigen::Index>(i)] * 255.0f));
    }
  }
}

Dataset dataset_from_inputs(std::span<const float> inputs, int features, std::span<const double> labels,
                            const std::string& source) {
  if (features <= 0) throw Error(source + ": the number of inputs per sample must be positive");
  const auto f = static_cast<std::size_t>(features);
  if (inputs.empty() || inputs.size() % f != 0 || inputs.size() / f != labels.size()) {
    throw Error(source + ": expected " + std::to_string(labels.size()) + " samples of " + std::to_string(f) +
                " inputs (" + std::to_string(labels.size() * f) + " values) for " + std::to_string(labels.size()) +
                " labels, got " + std::to_string(inputs.size()) + " values");
  }
  Dataset data;
  data.source = source;
  data.features = features;
  data.pixels.resize(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const float v = inputs[i];
    if (!(v >= 0.0f && v <= 1.0f)) {
      throw Error(source + ": sample " + std::to_string(i / f) + ", input " + std::to_string(i % f) +
                  ": expected a number in [0, 1], got " + std::to_string(v));
    }
    data.pixels[i] = static_cast<std::uint8_t>(std::lround(v * 255.0f));
  }
  data.labels.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double y = labels[i];
    if (!(y >= 0 && y < kNumClasses && y == std::floor(y))) {
      throw Error(source + ": label " + std::to_string(i) + ": expected a whole number from 0 to " +
                  std::to_string(kNumClasses - 1) + ", got " + std::to_string(y));
    }
    data.labels[i] = static_cast<std::uint8_t>(y);
  }
  return data;
}

void append(Dataset& data, const Dataset& more) {
  if (more.features != data.features) {
    throw Error(more.source + " has " + std::to_string(more.features) + " pixels per sample but " + data.source +
                " has " + std::to_string(data.features) + ": they cannot be joined");
  }
  data.source += " + " + more.source;
  data.pixels.insert(data.pixels.end(), more.pixels.begin(), more.pixels.end());
  data.labels.insert(data.labels.end(), more.labels.begin(), more.labels.end());
}

void truncate(Dataset& data, std::size_t n) {
  if (n >= data.size()) return;
  data.labels.resize(n);
  data.pixels.resize(n * static_cast<std::size_t>(data.features));
}

void gather_batch(const Dataset& data, std::span<const std::uint32_t> index,
                  Eigen::MatrixXf& x, std::vector<std::uint8_t>& labels) {
  const auto count = static_cast<Eigen::Index>(index.size());
  x.resize(data.features, count);
  labels.resize(index.size());
  for (Eigen::Index c = 0; c < count; ++c) {
    const std::uint32_t i = index[static_cast<std::size_t>(c)];
    const auto px = data.sample(i);
    float* col = x.col(c).data();
    for (std::size_t f = 0; f < px.size(); ++f) col[f] = static_cast<float>(px[f]) * (1.0f / 255.0f);
    labels[static_cast<std::size_t>(c)] = data.labels[i];
  }
}

void gather_batch(const Dataset& data, std::span<const std::uint32_t> index,
                  SparseBatch& x, std::vector<std::uint8_t>& labels) {
  const auto count = static_cast<Eigen::Index>(index.size());
  labels.resize(index.size());
  x.resize(data.features, count);
  x.reserve(count * data.features / 4);  // a typical MNIST batch; grows if needed
  // Column by column, rows in order: each value is appended (Eigen's fast fill).
  for (Eigen::Index c = 0; c < count; ++c) {
    const std::uint32_t i = index[static_cast<std::size_t>(c)];
    const auto px = data.sample(i);
    x.startVec(c);
    for (std::size_t f = 0; f < px.size(); ++f) {
      if (px[f] != 0) x.insertBack(static_cast<Eigen::Index>(f), c) = static_cast<float>(px[f]) * (1.0f / 255.0f);
    }
    labels[static_cast<std::size_t>(c)] = data.labels[i];
  }
  x.finalize();
}

}  // namespace nn
