// Mini-batch stochastic gradient descent with softmax cross-entropy.
//
// Like the original, the gradient is SUMMED over the batch (not averaged), for the
// weights and, unlike the original, for the biases too. So the step per batch is
// learning_rate x the sum of per-sample gradients: `--learning-rate 0.003
// --batch-size 64` means what it meant in the original.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, C = classes.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "nn/augment.hpp"
#include "nn/dataset.hpp"
#include "nn/network.hpp"
#include "nn/random.hpp"

namespace nn {

struct Gradients {
  std::vector<Eigen::MatrixXf> dW;  // per layer, O x I
  std::vector<Eigen::VectorXf> db;  // per layer, O
};

// Backpropagates from a forward pass (acts, see network.hpp) with the true labels.
// The output gradient is P - Y. Fills g with gradients summed over the batch.
void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g);

// W -= lr * dW, b -= lr * db.
void apply_gradients(Network& net, const Gradients& g, float learning_rate);

// State kept between SGD steps: scratch matrices, and the momentum velocities
// (which carry over from epoch to epoch when the same workspace is reused).
struct SgdWorkspace {
  std::vector<Eigen::MatrixXf> deltas;  // per layer, dLoss/dZ (O x B)
  Eigen::SparseMatrix<float, Eigen::RowMajor> x_by_row;  // a sparse batch stored by pixel
  std::vector<Eigen::MatrixXf> vW;
  std::vector<Eigen::VectorXf> vb;
};

// One SGD update from a forward pass (acts, of this network over this batch; throws
// nn::Error otherwise). With momentum 0 it is backward() then apply_gradients() up to
// float rounding, computed without storing the gradients, on set_threads() threads
// (see threads.hpp). With momentum m (classical momentum): v = m v - lr g, then W += v.
void sgd_step(Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum = 0.0f);

// The training path: a forward pass and an SGD step over a sparse batch (see
// SparseBatch in dataset.hpp). The first layer's products skip the zero pixels;
// everything else is as above, and the results equal the dense ones up to float
// rounding. This forward leaves acts[0] empty: the batch is x.
const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts);
void sgd_step(Network& net, const SparseBatch& x, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum = 0.0f);

struct SgdOptions {
  float learning_rate = 0.01f;
  int batch_size = 50;
  bool shuffle = true;                      // reshuffle every epoch (the original used file order)
  float momentum = 0.0f;                    // 0: plain SGD, as the original
  const AugmentOptions* augment = nullptr;  // distort each training image on the fly
  float weight_decay = 0.0f;                // after each step W *= 1 - learning_rate * weight_decay
};

// Called after each batch with (batches done, batches in the epoch).
using BatchCallback = std::function<void(std::size_t, std::size_t)>;

// One epoch over the data. Returns the mean training loss (cross-entropy, bits per
// sample) measured on each batch before its update. Throws nn::Error (suggesting a
// smaller learning rate) when the loss becomes NaN or infinite, when the weights do
// by the end of the epoch, or when a hidden ReLU layer output 0 for every sample of
// the epoch (dead units); the network is then unusable, never returned as trained.
double train_epoch(Network& net, const Dataset& data, const SgdOptions& options, Rng& rng,
                   const BatchCallback& on_batch = {});
// The same, keeping momentum (and scratch space) in `ws` across epochs.
double train_epoch(Network& net, const Dataset& data, const SgdOptions& options, Rng& rng,
                   SgdWorkspace& ws, const BatchCallback& on_batch = {});

struct Evaluation {
  double loss = 0;          // mean cross-entropy, bits per sample
  std::size_t samples = 0;
  std::size_t mistakes = 0;
  // confusion[true][predicted]
  std::vector<std::vector<std::size_t>> confusion;
  double accuracy() const {
    return samples ? 1.0 - static_cast<double>(mistakes) / static_cast<double>(samples) : 0.0;
  }
};

Evaluation evaluate(const Network& net, const Dataset& data);

// Checks that a network fits a data set: first size = pixels per sample, last = classes.
void check_compatible(const Network& net, const Dataset& data);

}  // namespace nn
