// Internal (fit() is the public way to train). One training step: the forward pass over a batch, the loss, the backward pass and the
// optimiser's update, in one call (so a forward pass can never be paired with the wrong
// batch). Over a sparse batch (the training path) or a dense one; on set_threads()
// threads (threads.hpp), one in WebAssembly.
//
// The work: the forward pass and the update are each one parallel region. Every product
// is cut into blocks of rows (of a layer's outputs, or of its inputs for the backward
// product) that the threads take as they come free, with one barrier per layer. A block
// is computed the same way whichever thread runs it, so a step's result does not depend
// on the number of threads. backward.hpp is the serial reference it is tested against.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, C = classes.
#pragma once

#include <Eigen/SparseCore>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "nn/dataset.hpp"
#include "nn/fit.hpp"
#include "nn/forward.hpp"
#include "nn/network.hpp"
#include "nn/optimizer.hpp"
#include "image_layers.hpp"
#include "sparse_batch.hpp"

namespace nn {

// Scratch kept between steps, to avoid reallocating.
struct StepWorkspace {
  Activations acts;                                      // the step's forward pass
  std::vector<Eigen::MatrixXf> deltas;                   // per dense layer, dLoss/dZ (O x B)
  Eigen::SparseMatrix<float, Eigen::RowMajor> x_by_row;  // a sparse batch stored by pixel, for x^T
  Eigen::MatrixXf feature_grad;                          // dLoss/d(flattened features) (features x B)
  std::vector<detail::ImageGradients> image_grads;       // per block of samples (image_layers.hpp)
};

// One SGD step on (x, labels); returns the batch's summed cross-entropy (bits), measured
// before the update. x is inputs x B, one column per sample; labels has B entries.
// Throws nn::Error when the batch does not fit the network.
double train_step(Network& net, const SparseBatch& x, std::span<const std::uint8_t> labels, Sgd& sgd,
                  StepWorkspace& ws);
double train_step(Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x, std::span<const std::uint8_t> labels,
                  Sgd& sgd, StepWorkspace& ws);

// One epoch, the building block of fit() (defined in fit.cpp): returns the mean training
// loss (bits per sample), measured on each batch before its update. sgd's velocities and
// ws carry over.
double train_epoch(Network& net, const Dataset& data, const FitOptions& options, Sgd& sgd, Rng& rng,
                   StepWorkspace& ws, const std::function<void(std::size_t, std::size_t)>& on_batch = {});

}  // namespace nn
