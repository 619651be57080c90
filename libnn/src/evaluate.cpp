#include "nn/evaluate.hpp"

#include <numeric>
#include <string>

#include "nn/error.hpp"
#include "nn/forward.hpp"
#include "nn/softmax.hpp"
#include "sparse_batch.hpp"

namespace nn {

void check_compatible(const Network& net, const Dataset& data) {
  if (net.inputs() != data.features) {
    throw Error("the network's first layer size is " + std::to_string(net.inputs()) + " but " +
                data.source + " has " + std::to_string(data.features) + " pixels per sample");
  }
  if (net.outputs() != kNumClasses) {
    throw Error("the network's last layer size is " + std::to_string(net.outputs()) +
                " but there are " + std::to_string(kNumClasses) + " classes");
  }
}

Evaluation evaluate(const Network& net, const Dataset& data) {
  check_compatible(net, data);
  Evaluation ev;
  ev.samples = data.size();
  ev.confusion.assign(kNumClasses, std::vector<std::size_t>(kNumClasses, 0));
  constexpr std::size_t kChunk = 1000;
  std::vector<std::uint32_t> index;
  SparseBatch x;
  std::vector<std::uint8_t> labels;
  Activations acts;
  double total = 0;
  for (std::size_t first = 0; first < data.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - first);
    index.resize(n);
    std::iota(index.begin(), index.end(), static_cast<std::uint32_t>(first));
    gather_batch(data, index, x, labels);
    const Eigen::MatrixXf& p = forward(net, x, acts);
    total += cross_entropy_bits(p, labels);
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      Eigen::Index guess = 0;
      p.col(c).maxCoeff(&guess);
      const std::uint8_t truth = labels[static_cast<std::size_t>(c)];
      ++ev.confusion[truth][static_cast<std::size_t>(guess)];
      ev.mistakes += static_cast<Eigen::Index>(truth) != guess;
    }
  }
  ev.loss = data.size() ? total / static_cast<double>(data.size()) : 0.0;
  return ev;
}

}  // namespace nn
