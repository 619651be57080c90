// The optimiser: mini-batch SGD with optional classical momentum and decoupled weight
// decay. Its settings and its state (the momentum velocities) in one struct, and one
// update rule, applied by the training step (src/step.cpp) to blocks of a layer's rows.
//
// Like the original, the gradient is SUMMED over the batch (not averaged), for the
// weights and, unlike the original, for the biases too: the step per batch is
// learning_rate x the sum of per-sample gradients, so `--learning-rate 0.003
// --batch-size 64` means what it meant in the original.
//
// Legend: I = layer inputs, O = layer outputs, B = batch.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "nn/network.hpp"

namespace nn {

struct Sgd {
  Sgd() = default;
  explicit Sgd(float learning_rate_, float momentum_ = 0.0f, float weight_decay_ = 0.0f)
      : learning_rate(learning_rate_), momentum(momentum_), weight_decay(weight_decay_) {}

  float learning_rate = 0.01f;
  float momentum = 0.0f;      // 0: plain SGD (the original); else v = m v - lr g, W += v
  float weight_decay = 0.0f;  // decoupled L2 on the weights (not biases): W *= 1 - lr * weight_decay
  // Fine-tuning: layers [0, frozen_layers) keep their weights, and the step neither
  // computes their gradients nor back-propagates into them. Layers count image layers
  // first, then dense ones (Network::layer_count()); must be below the layer count.
  int frozen_layers = 0;

  // Throws nn::Error naming the setting and the value when one is out of range.
  void validate() const;

  // Sizes the state for this network (zero velocities), if momentum needs it and it is
  // not sized yet: the velocities carry over from batch to batch and epoch to epoch.
  void prepare(const Network& net);
  void reset() { vW.clear(), vb.clear(), image_vW.clear(), image_vb.clear(); }

  // State: per dense layer, the velocities of W (O x I) and b (O); per image layer, of
  // its W and b (empty for a pooling); all empty without momentum.
  std::vector<Eigen::MatrixXf> vW;
  std::vector<Eigen::VectorXf> vb;
  std::vector<Eigen::MatrixXf> image_vW;
  std::vector<Eigen::VectorXf> image_vb;
};

}  // namespace nn
