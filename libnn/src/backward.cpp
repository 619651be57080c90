// The reference backward pass (nn/backward.hpp): serial and plain.
#include "nn/backward.hpp"

#include <string>

#include "nn/error.hpp"

namespace nn {

void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g) {
  const auto& layers = net.layers();
  g.dW.resize(layers.size());
  g.db.resize(layers.size());
  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B).
  Eigen::MatrixXf delta = acts.back(), prev;
  for (Eigen::Index c = 0; c < delta.cols(); ++c) delta(labels[static_cast<std::size_t>(c)], c) -= 1.0f;
  for (std::size_t k = layers.size(); k-- > 0;) {
    g.dW[k].noalias() = delta * acts[k].transpose();  // O x I, summed over the batch
    g.db[k] = delta.rowwise().sum();                  // O
    if (k > 0) {
      prev.noalias() = layers[k].W.transpose() * delta;  // I x B
      activation_backward(net.activation(), acts[k], prev);
      delta.swap(prev);
    }
  }
}

Eigen::MatrixXf input_gradient(const Network& net, const Activations& acts, int output) {
  if (output < 0 || output >= net.outputs()) {
    throw Error("output " + std::to_string(output) + " is outside 0.." + std::to_string(net.outputs() - 1));
  }
  const auto& layers = net.layers();
  // d(logit)/d(logits) is one-hot; then back through each layer as in backward().
  Eigen::MatrixXf delta = Eigen::MatrixXf::Zero(net.outputs(), acts.back().cols()), prev;
  delta.row(output).setOnes();
  for (std::size_t k = layers.size(); k-- > 0;) {
    prev.noalias() = layers[k].W.transpose() * delta;  // I x B
    if (k > 0) activation_backward(net.activation(), acts[k], prev);
    delta.swap(prev);
  }
  return delta;
}

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
}

}  // namespace nn
