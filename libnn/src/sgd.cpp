#include "nn/sgd.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>
#include <type_traits>

#include "nn/error.hpp"
#include "nn/softmax.hpp"

namespace nn {

void check_compatible(const Network& net, const Dataset& data) {
  if (net.inputs() != data.features) {
    throw Error("the network's first layer size is " + std::to_string(net.inputs()) + " but " +
                data.source + " has " + std::to_string(data.features) + " pixels per sample");
  }
  if (net.outputs() != kNumClasses) {
    throw Error("the network's last layer size is " + std::to_string(net.outputs()) +
                " but there are " + std::to_string(kNumClasses) + " classes");
  }
}

namespace {

// Runs f(first_row, row_count) on `rows` rows shared out among Eigen's threads.
// Eigen's dense products split themselves over its threads; its sparse products do
// not, for batches this small, so the first layer's products are split here.
template <class F>
void parallel_rows(Eigen::Index rows, F&& f) {
  const int threads = static_cast<int>(std::min<Eigen::Index>(Eigen::nbThreads(), rows));
#pragma omp parallel num_threads(threads)
  {
    const Eigen::Index t = omp_get_thread_num(), n = omp_get_num_threads();
    const Eigen::Index first = rows * t / n;
    f(first, rows * (t + 1) / n - first);
  }
}

// M -= scale * d * input^T: a weight gradient (O x I) folded into an update.
template <class Input>
void subtract_product(Eigen::MatrixXf& M, float scale, const Eigen::MatrixXf& d, const Input& input) {
  if constexpr (std::is_base_of_v<Eigen::SparseMatrixBase<Input>, Input>) {
    parallel_rows(M.rows(), [&](Eigen::Index first, Eigen::Index count) {
      M.middleRows(first, count).noalias() -= scale * d.middleRows(first, count) * input.transpose();
    });
  } else {
    M.noalias() -= scale * d * input.transpose();
  }
}

// Backpropagation of softmax cross-entropy through the network. For each layer k,
// from the last to the first, calls on_layer(k, delta) where delta (O x B) is
// dLoss/dZ_k, so that dW_k = delta * input_k^T and db_k = the row sums of delta.
// W_k is not read again after on_layer(k) runs, so on_layer may update the layer
// in place.
template <class OnLayer>
void backpropagate(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
                   Eigen::MatrixXf& delta, Eigen::MatrixXf& prev, OnLayer&& on_layer) {
  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B).
  delta = acts.back();
  for (Eigen::Index c = 0; c < delta.cols(); ++c) delta(labels[static_cast<std::size_t>(c)], c) -= 1.0f;
  for (std::size_t k = net.layers().size(); k-- > 0;) {
    if (k > 0) {
      prev.noalias() = net.layers()[k].W.transpose() * delta;  // I x B
      activation_backward(net.activation(), acts[k], prev);
    }
    on_layer(k, delta);
    if (k > 0) delta.swap(prev);
  }
}

// sgd_step for a batch x (I x B, dense, or sparse stored by row) whose forward pass is acts.
template <class Batch>
void sgd_step_on(Network& net, const Batch& x, const Activations& acts, std::span<const std::uint8_t> labels,
                 float learning_rate, SgdWorkspace& ws, float momentum) {
  auto& layers = net.layers();
  if (momentum != 0.0f && ws.vW.size() != layers.size()) {
    ws.vW.clear();
    ws.vb.clear();
    for (const Layer& l : layers) {
      ws.vW.push_back(Eigen::MatrixXf::Zero(l.W.rows(), l.W.cols()));
      ws.vb.push_back(Eigen::VectorXf::Zero(l.b.size()));
    }
  }
  auto update = [&](std::size_t k, const Eigen::MatrixXf& d, const auto& input) {
    Layer& layer = layers[k];
    if (momentum == 0.0f) {
      // The update folded into the gradient's matrix product: no gradient is stored.
      subtract_product(layer.W, learning_rate, d, input);
      layer.b.noalias() -= learning_rate * d.rowwise().sum();
    } else {
      ws.vW[k] *= momentum;
      subtract_product(ws.vW[k], learning_rate, d, input);
      ws.vb[k] = momentum * ws.vb[k] - learning_rate * d.rowwise().sum();
      layer.W += ws.vW[k];
      layer.b += ws.vb[k];
    }
  };
  backpropagate(net, acts, labels, ws.delta, ws.prev, [&](std::size_t k, const Eigen::MatrixXf& d) {
    if (k == 0) {
      update(k, d, x);
    } else {
      update(k, d, acts[k]);
    }
  });
}

}  // namespace

void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g) {
  g.dW.resize(net.layers().size());
  g.db.resize(net.layers().size());
  Eigen::MatrixXf delta, prev;
  backpropagate(net, acts, labels, delta, prev, [&](std::size_t k, const Eigen::MatrixXf& d) {
    g.dW[k].noalias() = d * acts[k].transpose();  // O x I, summed over the batch
    g.db[k] = d.rowwise().sum();                  // O
  });
}

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
}

void sgd_step(Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum) {
  sgd_step_on(net, acts[0], acts, labels, learning_rate, ws, momentum);
}

const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts) {
  if (x.rows() != net.inputs()) {
    throw Error("expected " + std::to_string(net.inputs()) + " inputs per sample, got " +
                std::to_string(x.rows()));
  }
  acts.resize(net.layers().size() + 1);
  acts[0].resize(0, 0);
  const Eigen::MatrixXf& W = net.layers()[0].W;
  acts[1].resize(W.rows(), x.cols());
  parallel_rows(W.rows(), [&](Eigen::Index first, Eigen::Index count) {
    acts[1].middleRows(first, count).noalias() = W.middleRows(first, count) * x;
  });
  return forward_after(net, acts);
}

void sgd_step(Network& net, const SparseBatch& x, const Activations& acts, std::span<const std::uint8_t> labels,
              float learning_rate, SgdWorkspace& ws, float momentum) {
  // dW_0 = delta x^T runs over x's nonzeros pixel by pixel: x stored by row.
  ws.x_by_row = x;
  sgd_step_on(net, ws.x_by_row, acts, labels, learning_rate, ws, momentum);
}

namespace {

// A batch of distorted training images. Each sample gets its own seed, drawn in
// order from rng, so the result does not depend on the number of threads.
void gather_augmented(const Dataset& data, std::span<const std::uint32_t> index, const AugmentOptions& aug,
                      Rng& rng, Eigen::MatrixXf& x, std::vector<std::uint8_t>& labels,
                      std::vector<std::uint64_t>& seeds) {
  const auto count = static_cast<Eigen::Index>(index.size());
  x.resize(data.features, count);
  labels.resize(index.size());
  seeds.resize(index.size());
  for (auto& s : seeds) s = rng.next_u64();
  const int side = static_cast<int>(std::lround(std::sqrt(data.features)));
  if (side * side != data.features) throw Error("augmentation needs square images, got " + std::to_string(data.features) + " pixels");
#pragma omp parallel for schedule(static)
  for (Eigen::Index c = 0; c < count; ++c) {
    const auto i = static_cast<std::size_t>(c);
    Rng sample_rng(seeds[i]);
    augment_image(data.sample(index[i]), side, {x.col(c).data(), static_cast<std::size_t>(data.features)}, aug,
                  sample_rng);
    labels[i] = data.labels[index[i]];
  }
}

bool weights_finite(const Network& net) {
  for (const Layer& l : net.layers()) {
    if (!l.W.allFinite() || !l.b.allFinite()) return false;
  }
  return true;
}

}  // namespace

double train_epoch(Network& net, const Dataset& data, const SgdOptions& options, Rng& rng,
                   const BatchCallback& on_batch) {
  SgdWorkspace ws;
  return train_epoch(net, data, options, rng, ws, on_batch);
}

double train_epoch(Network& net, const Dataset& data, const SgdOptions& options, Rng& rng,
                   SgdWorkspace& ws, const BatchCallback& on_batch) {
  check_compatible(net, data);
  if (options.batch_size <= 0) throw Error("batch size must be at least 1");
  if (!(options.learning_rate > 0)) throw Error("learning rate must be greater than 0");
  if (!(options.momentum >= 0 && options.momentum < 1)) throw Error("momentum must be in [0, 1)");
  if (!(options.weight_decay >= 0 && options.learning_rate * options.weight_decay < 1)) {
    throw Error("weight decay must be 0 or more, and less than 1 / learning rate");
  }

  std::vector<std::uint32_t> order(data.size());
  std::iota(order.begin(), order.end(), 0u);
  if (options.shuffle) shuffle(order, rng);

  const auto batch = static_cast<std::size_t>(options.batch_size);
  const std::size_t batches = (data.size() + batch - 1) / batch;
  SparseBatch x;
  Eigen::MatrixXf augmented;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint64_t> seeds;
  Activations acts;
  double total = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const std::size_t first = b * batch;
    const std::span<const std::uint32_t> index(order.data() + first, std::min(batch, data.size() - first));
    if (options.augment) {
      gather_augmented(data, index, *options.augment, rng, augmented, labels, seeds);
      x = augmented.sparseView();  // drops exact zeros only
    } else {
      gather_batch(data, index, x, labels);
    }
    auto diverged = [&](const char* what) {
      std::ostringstream msg;
      msg << "training diverged: " << what << " at batch " << b + 1 << " of " << batches
          << "; try a smaller learning rate (now " << options.learning_rate << ")";
      return Error(msg.str());
    };
    const double loss = cross_entropy_bits(forward(net, x, acts), labels);
    if (!std::isfinite(loss)) {
      throw diverged(std::isnan(loss) ? "the loss became NaN" : "the loss became infinite");
    }
    sgd_step(net, x, acts, labels, options.learning_rate, ws, options.momentum);
    if (options.weight_decay > 0) {
      // Decoupled L2 weight decay (weights only, not biases).
      for (Layer& layer : net.layers()) layer.W *= 1.0f - options.learning_rate * options.weight_decay;
    }
    total += loss;
    if (on_batch) on_batch(b + 1, batches);
  }
  // A step can overflow weights while the loss stays finite (dead ReLU units hide
  // them). Checked once per epoch: a per-batch check would cost a pass over all
  // weights for every step.
  if (!weights_finite(net)) {
    throw Error("training diverged: the weights became infinite or NaN during the epoch; try a smaller "
                "learning rate (now " + std::to_string(options.learning_rate) + ")");
  }
  return total / static_cast<double>(data.size());
}

Evaluation evaluate(const Network& net, const Dataset& data) {
  check_compatible(net, data);
  Evaluation ev;
  ev.samples = data.size();
  ev.confusion.assign(kNumClasses, std::vector<std::size_t>(kNumClasses, 0));
  constexpr std::size_t kChunk = 1000;
  std::vector<std::uint32_t> index;
  SparseBatch x;
  std::vector<std::uint8_t> labels;
  Activations acts;
  double total = 0;
  for (std::size_t first = 0; first < data.size(); first += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - first);
    index.resize(n);
    std::iota(index.begin(), index.end(), static_cast<std::uint32_t>(first));
    gather_batch(data, index, x, labels);
    const Eigen::MatrixXf& p = forward(net, x, acts);
    total += cross_entropy_bits(p, labels);
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      Eigen::Index guess = 0;
      p.col(c).maxCoeff(&guess);
      const std::uint8_t truth = labels[static_cast<std::size_t>(c)];
      ++ev.confusion[truth][static_cast<std::size_t>(guess)];
      ev.mistakes += static_cast<Eigen::Index>(truth) != guess;
    }
  }
  ev.loss = total / static_cast<double>(data.size());
  return ev;
}

}  // namespace nn
