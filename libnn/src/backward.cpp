// The reference backward pass (nn/backward.hpp): serial and plain.
#include "nn/backward.hpp"

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

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
}

}  // namespace nn
