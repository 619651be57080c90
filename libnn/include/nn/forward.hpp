// The forward passes: a batch of inputs through the network to probabilities.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, C = classes. Samples are columns.
//
//   forward(net, dense X)   the reference: serial and plain. Inference everywhere (the
//                           trainer's evaluation of dense data, the WebAssembly module)
//                           and the oracle the training path is tested against.
//   (the training path's pass over a sparse batch, on set_threads() threads, is internal:
//   src/sparse_batch.hpp; equal to the reference up to float rounding.)
#pragma once

#include <Eigen/Core>
#include <vector>

#include "nn/network.hpp"

namespace nn {

// Per-layer outputs of one forward pass: acts[0] = X (I x B), acts[k+1] = output of layer k,
// counting image layers first (network.hpp): with m image layers, dense layer k's
// output is acts[m + k + 1]. The last one holds the probabilities (C x B). Kept between
// calls to avoid reallocating.
using Activations = std::vector<Eigen::MatrixXf>;

// Reference forward pass over a dense batch X (inputs x B); fills acts, returns the probabilities.
const Eigen::MatrixXf& forward(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Activations& acts);

// Convenience: probabilities for a batch (C x B), by the reference pass.
Eigen::MatrixXf predict(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x);

}  // namespace nn
