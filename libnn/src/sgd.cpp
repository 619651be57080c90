#include "nn/sgd.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "nn/error.hpp"
#include "nn/softmax.hpp"

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

void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g) {
  const auto& layers = net.layers();
  const std::size_t count = layers.size();
  g.dW.resize(count);
  g.db.resize(count);

  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B).
  Eigen::MatrixXf delta = acts.back();
  for (Eigen::Index c = 0; c < delta.cols(); ++c) delta(labels[static_cast<std::size_t>(c)], c) -= 1.0f;

  for (std::size_t k = count; k-- > 0;) {
    g.dW[k].noalias() = delta * acts[k].transpose();  // O x I, summed over the batch
    g.db[k] = delta.rowwise().sum();                  // O
    if (k == 0) break;
    Eigen::MatrixXf prev = layers[k].W.transpose() * delta;  // I x B
    activation_backward(net.activation(), acts[k], prev);
    delta = std::move(prev);
  }
}

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
}

double train_epoch(Network& net, const Dataset& data, const SgdOptions& options, Rng& rng,
                   const BatchCallback& on_batch) {
  check_compatible(net, data);
  if (options.batch_size <= 0) throw Error("batch size must be at least 1");
  if (!(options.learning_rate > 0)) throw Error("learning rate must be greater than 0");

  std::vector<std::uint32_t> order(data.size());
  std::iota(order.begin(), order.end(), 0u);
  if (options.shuffle) shuffle(order, rng);

  const auto batch = static_cast<std::size_t>(options.batch_size);
  const std::size_t batches = (data.size() + batch - 1) / batch;
  Eigen::MatrixXf x;
  std::vector<std::uint8_t> labels;
  Activations acts;
  Gradients g;
  double total = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * batch;
    const std::span<const std::uint32_t> index(order.data() + first, std::min(batch, data.size() - first));
    gather_batch(data, index, x, labels);
    const double loss = cross_entropy_bits(forward(net, x, acts), labels);
    if (!std::isfinite(loss)) {
      std::ostringstream msg;
      msg << "training diverged: the loss became " << loss << " at batch " << b + 1 << " of "
          << batches << "; try a smaller learning rate (now " << options.learning_rate << ")";
      throw Error(msg.str());
    }
    backward(net, acts, labels, g);
    apply_gradients(net, g, options.learning_rate);
    total += loss;
    if (on_batch) on_batch(b + 1, batches);
  }
  return total / static_cast<double>(data.size());
}

Evaluation evaluate(const Network& net, const Dataset& data) {
  check_compatible(net, data);
  Evaluation ev;
  ev.samples = data.size();
  ev.confusion.assign(kNumClasses, std::vector<std::size_t>(kNumClasses, 0));
  constexpr std::size_t kChunk = 1000;
  std::vector<std::uint32_t> index;
  Eigen::MatrixXf x;
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
  ev.loss = total / static_cast<double>(data.size());
  return ev;
}

}  // namespace nn
