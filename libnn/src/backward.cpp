// The reference backward pass (nn/backward.hpp): serial and plain.
#include "nn/backward.hpp"

#include <string>

#include "image_layers.hpp"
#include "nn/error.hpp"

namespace nn {

namespace {

// From delta, the gradient at the logits (C x B), back through the dense layers (with
// g, their gradients) to the gradient at the first dense layer's input (features x B),
// or, without need_input, to the first dense layer's gradients only (returns nothing).
Eigen::MatrixXf dense_backward(const Network& net, const Activations& acts, Eigen::MatrixXf delta, Gradients* g,
                               bool need_input) {
  const auto& layers = net.layers();
  const std::size_t m = net.image_layers().size();
  Eigen::MatrixXf prev;
  for (std::size_t k = layers.size(); k-- > 0;) {
    if (g != nullptr) {
      g->dW[k].noalias() = delta * acts[m + k].transpose();  // O x I, summed over the batch
      g->db[k] = delta.rowwise().sum();                      // O
    }
    if (k == 0 && !need_input) return {};
    prev.noalias() = layers[k].W.transpose() * delta;  // I x B
    // The first dense layer's input is the network's or an image layer's output, which
    // applies its own activation's derivative.
    if (k > 0) activation_backward(net.activation(), acts[m + k], prev);
    delta.swap(prev);
  }
  return delta;
}

}  // namespace

void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g) {
  const auto& layers = net.layers();
  g.dW.resize(layers.size());
  g.db.resize(layers.size());
  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B).
  Eigen::MatrixXf delta = acts.back();
  for (Eigen::Index c = 0; c < delta.cols(); ++c) delta(labels[static_cast<std::size_t>(c)], c) -= 1.0f;
  const Eigen::MatrixXf features = dense_backward(net, acts, std::move(delta), &g, !net.is_dense());
  detail::ImageGradients image;
  image.zero(net);
  if (!net.is_dense()) {
    detail::ImageScratch scratch;
    detail::image_backward(net, acts, features, 0, 0, features.cols(), image, nullptr, scratch);
  }
  g.image_dW = std::move(image.dW);
  g.image_db = std::move(image.db);
}

Eigen::MatrixXf input_gradient(const Network& net, const Activations& acts, int output) {
  if (output < 0 || output >= net.outputs()) {
    throw Error("output " + std::to_string(output) + " is outside 0.." + std::to_string(net.outputs() - 1));
  }
  // d(logit)/d(logits) is one-hot; then back through each layer as in backward().
  Eigen::MatrixXf delta = Eigen::MatrixXf::Zero(net.outputs(), acts.back().cols());
  delta.row(output).setOnes();
  Eigen::MatrixXf features = dense_backward(net, acts, std::move(delta), nullptr, true);
  if (net.is_dense()) return features;
  detail::ImageGradients unused;
  unused.zero(net);
  Eigen::MatrixXf input(net.inputs(), features.cols());
  detail::ImageScratch scratch;
  detail::image_backward(net, acts, features, 0, 0, features.cols(), unused, &input, scratch);
  return input;
}

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
  auto& image = net.image_layers();
  for (std::size_t i = 0; i < image.size() && i < g.image_dW.size(); ++i) {
    image[i].W -= learning_rate * g.image_dW[i];
    image[i].b -= learning_rate * g.image_db[i];
  }
}

}  // namespace nn
