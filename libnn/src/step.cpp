// The training step on several threads: the forward pass over a sparse batch and
// the SGD update, each one OpenMP parallel region. Every product is cut into blocks
// of rows (of the layer's outputs, or of its inputs for the backward product); the
// threads take blocks as they come free, compute those rows and update those rows of
// W and b, and meet at a barrier after each layer. The number of threads is
// set_threads()'s (threads.hpp); Eigen's own threading is off, so each product runs
// on the thread that calls it. With one thread this is the plain serial algorithm;
// backward() in sgd.cpp is the reference the tests hold it to.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, L = layers.
#include <omp.h>

#include <algorithm>
#include <string>

#include "nn/error.hpp"
#include "nn/sgd.hpp"
#include "nn/softmax.hpp"

namespace nn {
namespace {

// Runs f(first, count) over rows [0, n) in blocks of `block` rows, handed out to the
// threads of the enclosing parallel region as they come free: a thread the machine
// slows down takes fewer blocks instead of holding the others up. Every block is
// computed the same way whichever thread runs it, so results do not depend on the
// number of threads. Ends with a barrier, as every OpenMP for loop does.
// Rows per block: 64 for dense products (a 500-row layer is 8 blocks); 256 for the
// sparse first layer, whose product walks all the batch's nonzeros once per block.
constexpr Eigen::Index kBlock = 64;
constexpr Eigen::Index kSparseBlock = 256;

template <class F>
void for_blocks(Eigen::Index n, Eigen::Index block, F&& f) {
  const Eigen::Index blocks = (n + block - 1) / block;
#pragma omp for schedule(dynamic)
  for (Eigen::Index i = 0; i < blocks; ++i) f(i * block, std::min(block, n - i * block));
}

// One SGD update of a forward pass acts over the batch x, the first layer's input
// (dense I x B, or sparse stored by row so that x^T runs pixel by pixel).
template <class Batch>
void step(Network& net, const Batch& x, const Activations& acts, std::span<const std::uint8_t> labels,
          float learning_rate, SgdWorkspace& ws, float momentum) {
  auto& layers = net.layers();
  const std::size_t L = layers.size();
  if (acts.size() != L + 1 || acts.back().rows() != net.outputs()) {
    throw Error("sgd_step: acts is not a forward pass of this network");
  }
  const Eigen::Index B = acts.back().cols();
  if (x.rows() != net.inputs() || x.cols() != B || labels.size() != static_cast<std::size_t>(B)) {
    throw Error("sgd_step: the batch has " + std::to_string(x.rows()) + " x " + std::to_string(x.cols()) +
                " inputs and " + std::to_string(labels.size()) + " labels, but the forward pass was over " +
                std::to_string(net.inputs()) + " x " + std::to_string(B));
  }
  ws.deltas.resize(L);
  for (std::size_t k = 0; k < L; ++k) ws.deltas[k].resize(layers[k].W.rows(), B);
  if (momentum != 0.0f && ws.vW.size() != L) {
    ws.vW.clear();
    ws.vb.clear();
    for (const Layer& l : layers) {
      ws.vW.push_back(Eigen::MatrixXf::Zero(l.W.rows(), l.W.cols()));
      ws.vb.push_back(Eigen::VectorXf::Zero(l.b.size()));
    }
  }

  // Rows [first, first + count) of layer k: W -= lr dW, b -= lr db with dW = delta
  // input^T and db = the row sums of delta, both summed over the batch; or through the
  // momentum velocities.
  auto update = [&](std::size_t k, Eigen::Index first, Eigen::Index count, const auto& input) {
    auto W = layers[k].W.middleRows(first, count);
    auto b = layers[k].b.segment(first, count);
    const auto delta = ws.deltas[k].middleRows(first, count);
    if (momentum == 0.0f) {
      // The update folded into the gradient's matrix product: no gradient is stored.
      W.noalias() -= learning_rate * delta * input.transpose();
      b.noalias() -= learning_rate * delta.rowwise().sum();
    } else {
      auto vW = ws.vW[k].middleRows(first, count);
      auto vb = ws.vb[k].segment(first, count);
      vW *= momentum;
      vW.noalias() -= learning_rate * delta * input.transpose();
      vb = momentum * vb - learning_rate * delta.rowwise().sum();
      W += vW;
      b += vb;
    }
  };

#pragma omp parallel
  {
    // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B), by blocks of samples.
    for_blocks(B, kBlock, [&](Eigen::Index first, Eigen::Index count) {
      ws.deltas[L - 1].middleCols(first, count) = acts.back().middleCols(first, count);
      for (Eigen::Index c = first; c < first + count; ++c) {
        ws.deltas[L - 1](labels[static_cast<std::size_t>(c)], c) -= 1.0f;
      }
    });
    for (std::size_t k = L; k-- > 0;) {
      if (k > 0) {
        // dLoss/dZ_{k-1} = f'(Z_{k-1}) * (W_k^T delta_k), by rows of the I_k inputs.
        // The loop's barrier: every thread has read all of W_k before any updates it.
        for_blocks(layers[k].W.cols(), kBlock, [&](Eigen::Index first, Eigen::Index count) {
          auto prev = ws.deltas[k - 1].middleRows(first, count);
          prev.noalias() = layers[k].W.middleCols(first, count).transpose() * ws.deltas[k];
          activation_backward(net.activation(), acts[k].middleRows(first, count), prev);
        });
      }
      for_blocks(layers[k].W.rows(), k == 0 ? kSparseBlock : kBlock, [&](Eigen::Index first, Eigen::Index count) {
        if (k == 0) {
          update(k, first, count, x);
        } else {
          update(k, first, count, acts[k]);
        }
      });
    }
  }
}

}  // namespace

const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts) {
  check_inputs(net, x.rows());
  const auto& layers = net.layers();
  acts.resize(layers.size() + 1);
  acts[0].resize(0, 0);
  for (std::size_t k = 0; k < layers.size(); ++k) acts[k + 1].resize(layers[k].W.rows(), x.cols());
#pragma omp parallel
  {
    for (std::size_t k = 0; k < layers.size(); ++k) {
      for_blocks(layers[k].W.rows(), k == 0 ? kSparseBlock : kBlock, [&](Eigen::Index first, Eigen::Index count) {
        if (k == 0) {
          layer_rows(net, 0, x, acts[1], first, count);
        } else {
          layer_rows(net, k, acts[k], acts[k + 1], first, count);
        }
      });
    }
    for_blocks(x.cols(), kBlock, [&](Eigen::Index first, Eigen::Index count) {
      softmax(acts.back().middleCols(first, count));
    });
  }
  return acts.back();
}

void sgd_step(Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum) {
  step(net, acts[0], acts, labels, learning_rate, ws, momentum);
}

void sgd_step(Network& net, const SparseBatch& x, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum) {
  ws.x_by_row = x;
  step(net, ws.x_by_row, acts, labels, learning_rate, ws, momentum);
}

}  // namespace nn
