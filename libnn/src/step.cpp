// The training step on several threads: the forward pass over a sparse batch and
// the SGD update, each one OpenMP parallel region. Thread t of n owns a share of
// every layer's rows: it computes those rows of each product and updates those rows
// of W and b; barriers separate the layers. Inside a parallel region Eigen's products
// run on the calling thread, so Eigen's own threading does not stack on top. With one
// thread this is the plain serial algorithm; backward() in sgd.cpp is the reference
// the tests hold it to.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, L = layers.
#include <omp.h>

#include <string>

#include "nn/error.hpp"
#include "nn/sgd.hpp"
#include "nn/softmax.hpp"

namespace nn {
namespace {

// The calling thread's share [first, first + count) of n rows (or columns).
struct Share {
  Eigen::Index first, count;
};

Share share(Eigen::Index n) {
  const Eigen::Index t = omp_get_thread_num(), threads = omp_get_num_threads();
  const Eigen::Index first = n * t / threads;
  return {first, n * (t + 1) / threads - first};
}

// One SGD update of a forward pass acts over the batch x, the first layer's input
// (dense I x B, or sparse stored by row so that x^T runs pixel by pixel).
template <class Batch>
void step(Network& net, const Batch& x, const Activations& acts, std::span<const std::uint8_t> labels,
          float learning_rate, SgdWorkspace& ws, float momentum) {
  auto& layers = net.layers();
  const std::size_t L = layers.size();
  const Eigen::Index B = acts.back().cols();
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

  // Rows s of layer k: W -= lr dW, b -= lr db with dW = delta input^T and db = the row
  // sums of delta, both summed over the batch; or through the momentum velocities.
  auto update = [&](std::size_t k, Share s, const auto& input) {
    auto W = layers[k].W.middleRows(s.first, s.count);
    auto b = layers[k].b.segment(s.first, s.count);
    const auto delta = ws.deltas[k].middleRows(s.first, s.count);
    if (momentum == 0.0f) {
      // The update folded into the gradient's matrix product: no gradient is stored.
      W.noalias() -= learning_rate * delta * input.transpose();
      b.noalias() -= learning_rate * delta.rowwise().sum();
    } else {
      auto vW = ws.vW[k].middleRows(s.first, s.count);
      auto vb = ws.vb[k].segment(s.first, s.count);
      vW *= momentum;
      vW.noalias() -= learning_rate * delta * input.transpose();
      vb = momentum * vb - learning_rate * delta.rowwise().sum();
      W += vW;
      b += vb;
    }
  };

#pragma omp parallel num_threads(Eigen::nbThreads())
  {
    {  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B), by columns.
      const Share s = share(B);
      ws.deltas[L - 1].middleCols(s.first, s.count) = acts.back().middleCols(s.first, s.count);
      for (Eigen::Index c = s.first; c < s.first + s.count; ++c) {
        ws.deltas[L - 1](labels[static_cast<std::size_t>(c)], c) -= 1.0f;
      }
    }
#pragma omp barrier
    for (std::size_t k = L; k-- > 0;) {
      if (k > 0) {
        // dLoss/dZ_{k-1} = f'(Z_{k-1}) * (W_k^T delta_k), by rows of the I_k inputs.
        const Share s = share(layers[k].W.cols());
        auto prev = ws.deltas[k - 1].middleRows(s.first, s.count);
        prev.noalias() = layers[k].W.middleCols(s.first, s.count).transpose() * ws.deltas[k];
        activation_backward(net.activation(), acts[k].middleRows(s.first, s.count), prev);
        // Every thread has read all of W_k before any thread updates its rows.
#pragma omp barrier
      }
      const Share s = share(layers[k].W.rows());
      if (k == 0) {
        update(k, s, x);
      } else {
        update(k, s, acts[k]);
      }
    }
  }
}

}  // namespace

const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts) {
  if (x.rows() != net.inputs()) {
    throw Error("expected " + std::to_string(net.inputs()) + " inputs per sample, got " +
                std::to_string(x.rows()));
  }
  const auto& layers = net.layers();
  acts.resize(layers.size() + 1);
  acts[0].resize(0, 0);
  for (std::size_t k = 0; k < layers.size(); ++k) acts[k + 1].resize(layers[k].W.rows(), x.cols());
#pragma omp parallel num_threads(Eigen::nbThreads())
  {
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const Share s = share(layers[k].W.rows());
      if (k == 0) {
        layer_rows(net, 0, x, acts[1], s.first, s.count);
      } else {
        layer_rows(net, k, acts[k], acts[k + 1], s.first, s.count);
      }
#pragma omp barrier
    }
    const Share s = share(x.cols());
    softmax(acts.back().middleCols(s.first, s.count));
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
