#include "nn/sgd.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

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

// Serial and plain: the reference the threaded training step (step.cpp) is tested against.
void backward(const Network& net, const Activations& acts, std::span<const std::uint8_t> labels,
              Gradients& g) {
  const auto& layers = net.layers();
  g.dW.resize(layers.size());
  g.db.resize(layers.size());
  // Softmax with cross-entropy: dLoss/dLogits = P - Y (C x B).
  Eigen::MatrixXf delta = acts.back(), prev;
  for (Eigen::Index c = 0; c < delta.cols(); ++c) delta(labels[static_cast<std::size_t>(c)], c) -= 1.0f;
  for (std::size_t k = layers.size(); k-- > 0;) {
    g.dW[k].noalias() = delta * acts[k].transpose();  // O x I, summed over the batch
    g.db[k] = delta.rowwise().sum();                  // O
    if (k > 0) {
      prev.noalias() = layers[k].W.transpose() * delta;  // I x B
      activation_backward(net.activation(), acts[k], prev);
      delta.swap(prev);
    }
  }
}

void apply_gradients(Network& net, const Gradients& g, float learning_rate) {
  auto& layers = net.layers();
  for (std::size_t k = 0; k < layers.size(); ++k) {
    layers[k].W -= learning_rate * g.dW[k];
    layers[k].b -= learning_rate * g.db[k];
  }
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

// Whether any unit of a layer's output (O x B) is above 0; stops at the first.
bool any_positive(const Eigen::MatrixXf& a) {
  return std::any_of(a.data(), a.data() + a.size(), [](float v) { return v > 0.0f; });
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
  // The hidden ReLU layers seen active this epoch (see the check after the loop).
  const bool relu = net.activation() == Activation::ReLU;
  std::vector<bool> alive(net.layers().size() - 1, !relu);
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
    for (std::size_t k = 0; k < alive.size(); ++k) {
      if (!alive[k]) alive[k] = any_positive(acts[k + 1]);
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
  // A hidden ReLU layer that output 0 for every unit and every sample of an epoch
  // has died: the network's output no longer depends on its input, and no gradient
  // passes that layer again, so training cannot recover. (A huge learning rate does
  // this while the loss stays finite.)
  for (std::size_t k = 0; k < alive.size(); ++k) {
    if (!alive[k]) {
      std::ostringstream msg;
      msg << "training collapsed: every unit of hidden layer " << k + 1 << " output 0 for every sample of the "
          << "epoch (dead ReLUs), so the network ignores its input; try a smaller learning rate (now "
          << options.learning_rate << ")";
      throw Error(msg.str());
    }
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
