#include "nn/dataset.hpp"

namespace nn {

void binarize(Dataset& data) {
  for (std::uint8_t& p : data.pixels) p = p >= kBinarizeThreshold ? 255 : 0;
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

}  // namespace nn
