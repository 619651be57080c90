// The training step (step.hpp): the forward pass, then the backward pass and the
// optimiser's update in one parallel region. Every product is cut into blocks of rows
// that the threads take as they come free (blocks.hpp), computing those rows and
// updating those rows of W and b, with one barrier per layer. With one thread this is
// the plain serial algorithm; backward() (backward.cpp) is the reference it is held to.
//
// Legend: I = layer inputs, O = layer outputs, B = batch, L = dense layers, m = image layers.
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
  if (sgd.frozen_layers < 0 || static_cast<std::size_t>(sgd.frozen_layers) >= net.layer_count()) {
    throw Error("train_step: " + std::to_string(sgd.frozen_layers) + " frozen layers, expected 0 to " +
                std::to_string(net.layer_count() - 1) + " (the network has " + std::to_string(net.layer_count()) +
                " layers)");
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

// The same rule for a whole image layer, from its gradients summed over the batch.
void update_image_layer(Sgd& sgd, ImageLayer& layer, std::size_t i, const Eigen::MatrixXf& dW,
                        const Eigen::VectorXf& db) {
  const float learning_rate = sgd.learning_rate, momentum = sgd.momentum;
  if (momentum == 0.0f) {
    layer.W -= learning_rate * dW;
    layer.b -= learning_rate * db;
  } else {
    sgd.image_vW[i] = momentum * sgd.image_vW[i] - learning_rate * dW;
    sgd.image_vb[i] = momentum * sgd.image_vb[i] - learning_rate * db;
    layer.W += sgd.image_vW[i];
    layer.b += sgd.image_vb[i];
  }
  if (sgd.weight_decay > 0.0f) layer.W *= 1.0f - learning_rate * sgd.weight_decay;
}

// The image layers' backward pass and update, from ws.feature_grad: each block of
// samples sums its gradients apart (on whichever thread), then the blocks are added in
// order, so the result does not depend on the number of threads.
void image_backward_update(Network& net, Sgd& sgd, StepWorkspace& ws, std::size_t lowest) {
  const Eigen::Index B = ws.feature_grad.cols();
  const auto blocks = static_cast<std::size_t>((B + detail::kImageBlock - 1) / detail::kImageBlock);
  ws.image_grads.resize(blocks);
#pragma omp parallel
  {
    detail::ImageScratch scratch;  // per thread
    for_blocks(B, detail::kImageBlock, [&](Eigen::Index first, Eigen::Index count) {
      detail::ImageGradients& g = ws.image_grads[static_cast<std::size_t>(first / detail::kImageBlock)];
      g.zero(net);
      detail::image_backward(net, ws.acts, ws.feature_grad, lowest, first, count, g, nullptr, scratch);
    });
  }
  auto& image = net.image_layers();
  for (std::size_t i = lowest; i < image.size(); ++i) {
    if (image[i].kind != ImageLayer::Kind::Conv) continue;
    for (std::size_t block = 1; block < blocks; ++block) {
      ws.image_grads[0].dW[i] += ws.image_grads[block].dW[i];
      ws.image_grads[0].db[i] += ws.image_grads[block].db[i];
    }
    update_image_layer(sgd, image[i], i, ws.image_grads[0].dW[i], ws.image_grads[0].db[i]);
  }
}

// The backward pass and update for the forward pass in ws.acts over the batch x, the
// first dense layer's input (dense I x B, or sparse stored by row so that x^T runs pixel
// by pixel), then the image layers' when the network has some to train.
template <class Batch>
void backward_update(Network& net, const Batch& x, std::span<const std::uint8_t> labels, Sgd& sgd,
                     StepWorkspace& ws) {
  auto& layers = net.layers();
  const Activations& acts = ws.acts;
  const std::size_t L = layers.size();
  const std::size_t m = net.image_layers().size();
  const Eigen::Index B = acts.back().cols();
  // Frozen layers count image layers first: the dense layers below `frozen` keep theirs,
  // and the image layers train when some are above it.
  const auto frozen_all = static_cast<std::size_t>(sgd.frozen_layers);
  const std::size_t frozen = frozen_all > m ? frozen_all - m : 0;
  const bool image_trains = frozen_all < m;
  ws.deltas.resize(L);
  for (std::size_t k = frozen; k < L; ++k) ws.deltas[k].resize(layers[k].W.rows(), B);
  if (image_trains) ws.feature_grad.resize(layers[0].W.cols(), B);
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
          activation_backward(net.activation(), acts[m + k].middleRows(first, count), prev);
        });
      } else if (image_trains) {
        // The gradient at the flattened features, W_0^T delta_0; the image layer below
        // applies its own activation's derivative.
        for_blocks(layers[0].W.cols(), detail::kBlock, [&](Eigen::Index first, Eigen::Index count) {
          ws.feature_grad.middleRows(first, count).noalias() =
              layers[0].W.middleCols(first, count).transpose() * ws.deltas[0];
        });
      }
      const Eigen::Index block = k == 0 && m == 0 ? detail::kSparseBlock : detail::kBlock;
      for_blocks(layers[k].W.rows(), block, [&](Eigen::Index first, Eigen::Index count) {
        const auto delta = ws.deltas[k].middleRows(first, count);
        if (k == 0) {
          update_rows(sgd, layers[k], k, first, count, delta, x);
        } else {
          update_rows(sgd, layers[k], k, first, count, delta, acts[m + k]);
        }
      });
    }
  }
  if (image_trains) image_backward_update(net, sgd, ws, frozen_all);
}

}  // namespace

double train_step(Network& net, const SparseBatch& x, std::span<const std::uint8_t> labels, Sgd& sgd,
                  StepWorkspace& ws) {
  check_batch(net, x.rows(), x.cols(), labels, sgd);
  const double loss = cross_entropy_bits(forward(net, x, ws.acts), labels);
  if (!net.is_dense()) {
    backward_update(net, ws.acts[net.image_layers().size()], labels, sgd, ws);
    return loss;
  }
  if (sgd.frozen_layers == 0) ws.x_by_row = x;  // x^T is needed only for the first layer's gradient
  backward_update(net, ws.x_by_row, labels, sgd, ws);
  return loss;
}

double train_step(Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x, std::span<const std::uint8_t> labels,
                  Sgd& sgd, StepWorkspace& ws) {
  check_batch(net, x.rows(), x.cols(), labels, sgd);
  const double loss = cross_entropy_bits(forward(net, x, ws.acts), labels);
  backward_update(net, ws.acts[net.image_layers().size()], labels, sgd, ws);
  return loss;
}

}  // namespace nn
