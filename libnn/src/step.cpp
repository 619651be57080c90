// The training step (step.hpp): the forward pass, then the backward pass and the
// optimiser's update in one parallel region. Every product is cut into blocks of rows
// that the threads take as they come free (blocks.hpp), computing those rows and
// updating those rows of W and b, with one barrier per layer. With one thread this is
// the plain serial algorithm; backward() (backward.cpp) is the reference it is held to.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, L = layers.
#include "step.hpp"

#include <string>

#include "blocks.hpp"
#include "nn/error.hpp"
#include "nn/softmax.hpp"

namespace nn {
namespace {

using detail::for_blocks;

void check_batch(const Network& net, Eigen::Index rows, Eigen::Index cols, std::span<const std::uint8_t> labels,
                 const Sgd& sgd) {
  check_inputs(net, rows);
  if (sgd.frozen_layers < 0 || static_cast<std::size_t>(sgd.frozen_layers) >= net.layers().size()) {
    throw Error("train_step: " + std::to_string(sgd.frozen_layers) + " frozen layers, expected 0 to " +
                std::to_string(net.layers().size() - 1) + " (the network has " +
                std::to_string(net.layers().size()) + " layers)");
  }
  if (labels.size() != static_cast<std::size_t>(cols)) {
    throw Error("train_step: the batch has " + std::to_string(cols) + " samples but " +
                std::to_string(labels.size()) + " labels");
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] >= net.outputs()) {
      throw Error("train_step: label " + std::to_string(i) + " is " + std::to_string(labels[i]) +
                  ", expected 0 to " + std::to_string(net.outputs() - 1));
    }
  }
}

// The update of rows [first, first + count) of layer k from delta (dLoss/dZ, O x B,
// its rows) and the layer's input (I x B, dense or sparse): the gradient
// dW = delta input^T, db = the row sums of delta, both summed over the batch.
// Without momentum the update is folded into the product: no gradient is stored.
template <class Delta, class Input>
void update_rows(Sgd& sgd, Layer& layer, std::size_t k, Eigen::Index first, Eigen::Index count, const Delta& delta,
                 const Input& input) {
  const float learning_rate = sgd.learning_rate, momentum = sgd.momentum;
  auto W = layer.W.middleRows(first, count);
  auto b = layer.b.segment(first, count);
  if (momentum == 0.0f) {
    W.noalias() -= learning_rate * delta * input.transpose();
    b.noalias() -= learning_rate * delta.rowwise().sum();
  } else {
    auto v = sgd.vW[k].middleRows(first, count);
    auto vbias = sgd.vb[k].segment(first, count);
    v *= momentum;
    v.noalias() -= learning_rate * delta * input.transpose();
    vbias = momentum * vbias - learning_rate * delta.rowwise().sum();
    W += v;
    b += vbias;
  }
  if (sgd.weight_decay > 0.0f) W *= 1.0f - learning_rate * sgd.weight_decay;
}

// The backward pass and update for the forward pass in ws.acts over the batch x, the
// first layer's input (dense I x B, or sparse stored by row so that x^T runs pixel by pixel).
template <class Batch>
void backward_update(Network& net, const Batch& x, std::span<const std::uint8_t> labels, Sgd& sgd,
                     StepWorkspace& ws) {
  auto& layers = net.layers();
  const Activations& acts = ws.acts;
  const std::size_t L = layers.size();
  const Eigen::Index B = acts.back().cols();
  const auto frozen = static_cast<std::size_t>(sgd.frozen_layers);
  ws.deltas.resize(L);
  for (std::size_t k = frozen; k < L; ++k) ws.deltas[k].resize(layers[k].W.rows(), B);
  sgd.prepare(net);

#pragma omp parallel
  {
    // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B), by blocks of samples.
    for_blocks(B, detail::kBlock, [&](Eigen::Index first, Eigen::Index count) {
      ws.deltas[L - 1].middleCols(first, count) = acts.back().middleCols(first, count);
      for (Eigen::Index c = first; c < first + count; ++c) {
        ws.deltas[L - 1](labels[static_cast<std::size_t>(c)], c) -= 1.0f;
      }
    });
    // Layers below `frozen` are neither updated nor given a gradient.
    for (std::size_t k = L; k-- > frozen;) {
      if (k > frozen) {
        // dLoss/dZ_{k-1} = f'(Z_{k-1}) * (W_k^T delta_k), by rows of the I_k inputs.
        // The loop's barrier: every thread has read all of W_k before any updates it.
        for_blocks(layers[k].W.cols(), detail::kBlock, [&](Eigen::Index first, Eigen::Index count) {
          auto prev = ws.deltas[k - 1].middleRows(first, count);
          prev.noalias() = layers[k].W.middleCols(first, count).transpose() * ws.deltas[k];
          activation_backward(net.activation(), acts[k].middleRows(first, count), prev);
        });
      }
      const Eigen::Index block = k == 0 ? detail::kSparseBlock : detail::kBlock;
      for_blocks(layers[k].W.rows(), block, [&](Eigen::Index first, Eigen::Index count) {
        const auto delta = ws.deltas[k].middleRows(first, count);
        if (k == 0) {
          update_rows(sgd, layers[k], k, first, count, delta, x);
        } else {
          update_rows(sgd, layers[k], k, first, count, delta, acts[k]);
        }
      });
    }
  }
}

}  // namespace

double train_step(Network& net, const SparseBatch& x, std::span<const std::uint8_t> labels, Sgd& sgd,
                  StepWorkspace& ws) {
  check_batch(net, x.rows(), x.cols(), labels, sgd);
  const double loss = cross_entropy_bits(forward(net, x, ws.acts), labels);
  if (sgd.frozen_layers == 0) ws.x_by_row = x;  // x^T is needed only for the first layer's gradient
  backward_update(net, ws.x_by_row, labels, sgd, ws);
  return loss;
}

double train_step(Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x, std::span<const std::uint8_t> labels,
                  Sgd& sgd, StepWorkspace& ws) {
  check_batch(net, x.rows(), x.cols(), labels, sgd);
  const double loss = cross_entropy_bits(forward(net, x, ws.acts), labels);
  backward_update(net, ws.acts[0], labels, sgd, ws);
  return loss;
}

}  // namespace nn
