// Internal: the training path's sparse batches (Eigen/SparseCore stays out of the
// public headers). fit() and evaluate() gather their batches this way.
//
// Legend: I = layer inputs, B = batch.
#pragma once

#include <Eigen/Core>
#include <Eigen/SparseCore>
#include <cstdint>
#include <span>
#include <vector>

#include "nn/dataset.hpp"
#include "nn/forward.hpp"
#include "nn/network.hpp"

namespace nn {

// A batch as a sparse matrix (features x count, one column per sample). Most of a
// digit image is blank: 81 % of MNIST's pixels are 0, 87 % once binarized. Training
// multiplies the first layer by this instead of the dense batch and skips them.
using SparseBatch = Eigen::SparseMatrix<float>;

// gather_batch() into a SparseBatch: the same values, zeros left out.
void gather_batch(const Dataset& data, std::span<const std::uint32_t> index,
                  SparseBatch& x, std::vector<std::uint8_t>& labels);

// The training forward pass over a sparse batch: the first layer's product skips the
// blank pixels, and every layer is split into blocks of rows over set_threads() threads
// (see nn/threads.hpp). acts[0] is left empty: the batch is x.
const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts);

}  // namespace nn
