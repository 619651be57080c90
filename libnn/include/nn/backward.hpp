// The reference backward pass: serial and plain, gradients stored. Tests hold the
// training step (src/step.hpp, internal), which folds the update into the gradient's products and
// runs on several threads, to this.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, C = classes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nn/forward.hpp"
#include "nn/network.hpp"

namespace nn {

struct Gradients {
  std::vector<Eigen::MatrixXf> dW;  // per dense layer, O x I
  std::vector<Eigen::VectorXf> db;  // per dense layer, O
  std::vector<Eigen::MatrixXf> image_dW;  // per image layer: a convolution's Q x F, empty for a pooling
  std::vector<Eigen::VectorXf> image_db;  // per image layer: F, or empty
};

// Backpropagates softmax cross-entropy from a reference forward pass (acts) with the
// true labels: the output gradient is P - Y. Fills g with gradients summed over the batch.
void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g);

// Why the network answers as it does: the gradient of output `output`'s score (its logit,
// the number softmax turns into that class's probability) with respect to the input, for
// each sample of a reference forward pass (acts): inputs x B. A positive value is a pixel
// whose ink raises that score, a negative one lowers it. Throws nn::Error unless
// 0 <= output < net.outputs().
Eigen::MatrixXf input_gradient(const Network& net, const Activations& acts, int output);

// W -= lr * dW, b -= lr * db.
void apply_gradients(Network& net, const Gradients& g, float learning_rate);

}  // namespace nn
