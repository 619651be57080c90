// A training run (nn/fit.hpp): epochs of the training step over shuffled batches, the
// learning-rate schedule, early stopping with the best epoch restored, and the checks
// that stop a run gone wrong.
#include "nn/fit.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <string>

#include "format.hpp"
#include "nn/error.hpp"
#include "nn/image.hpp"
#include "nn/pen.hpp"
#include "step.hpp"
#include "nn/threads.hpp"
#include "output_bounds.hpp"
#include "thread_chooser.hpp"

namespace nn {
namespace {

// One training image, from its own Rng: with pen_fraction > 0, first a uniform draw
// chooses a pen drawing (nn/pen.hpp) for a fraction of them; the others are distorted
// (or, without augmentation, copied). Without pen_fraction nothing more is drawn, so
// such runs are exactly what they were.
void make_image(std::span<const std::uint8_t> in, int side, int label, const FitOptions& options, Rng& rng,
                Eigen::Ref<Eigen::VectorXf> out) {
  if (options.pen_fraction > 0 && rng.uniform(0.0f, 1.0f) < options.pen_fraction &&
      pen_training_image(in, side, label, rng, out)) {
    return;
  }
  if (options.augment) {
    augment_image(in, side, {out.data(), static_cast<std::size_t>(out.size())}, *options.augment, rng);
  } else {
    for (Eigen::Index k = 0; k < out.size(); ++k) out[k] = static_cast<float>(in[static_cast<std::size_t>(k)]) / 255.0f;
  }
}

// A batch of distorted (or pen-drawn) training images. Each sample gets its own seed,
// drawn in order from rng, so the result does not depend on the number of threads.
void gather_augmented(const Dataset& data, std::span<const std::uint32_t> index, const FitOptions& options,
                      Rng& rng, Eigen::MatrixXf& x, std::vector<std::uint8_t>& labels,
                      std::vector<std::uint64_t>& seeds) {
  const auto count = static_cast<Eigen::Index>(index.size());
  x.resize(data.features, count);
  labels.resize(index.size());
  seeds.resize(index.size());
  for (auto& s : seeds) s = rng.next_u64();
  const int side = static_cast<int>(std::lround(std::sqrt(data.features)));
  if (side * side != data.features) {
    throw Error("augmentation needs square images, got " + std::to_string(data.features) + " pixels");
  }
  if (options.pen_fraction > 0 && side != kDigitSide) {
    throw Error("pen drawings need " + std::to_string(kDigitSide) + " x " + std::to_string(kDigitSide) +
                " images, got " + std::to_string(data.features) + " pixels");
  }
#pragma omp parallel for schedule(static)
  for (Eigen::Index c = 0; c < count; ++c) {
    const auto i = static_cast<std::size_t>(c);
    Rng sample_rng(seeds[i]);
    labels[i] = data.labels[index[i]];
    make_image(data.sample(index[i]), side, labels[i], options, sample_rng, x.col(c));
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
  for (const ImageLayer& l : net.image_layers()) {
    if (!l.W.allFinite() || !l.b.allFinite()) return false;
  }
  return true;
}

void require(bool ok, const char* what, double value) {
  if (!ok) throw Error(std::string(what) + ", got " + detail::g(value));
}

}  // namespace

void FitOptions::validate() const {
  sgd.validate();
  require(batch_size >= 1, "batch size must be at least 1", batch_size);
  if (epochs) require(*epochs >= 1, "the number of epochs must be at least 1", *epochs);
  require(max_epochs >= 1, "the maximum number of epochs must be at least 1", max_epochs);
  require(epsilon >= 0, "epsilon (early stopping) must be 0 or more", epsilon);
  require(lr_decay > 0 && lr_decay <= 1, "the learning-rate decay must be in (0, 1]", lr_decay);
  if (augment) augment->validate();
  require(pen_fraction >= 0 && pen_fraction <= 1, "the pen fraction must be in [0, 1]", pen_fraction);
}

double train_epoch(Network& net, const Dataset& data, const FitOptions& options, Sgd& sgd, Rng& rng,
                   StepWorkspace& ws, const std::function<void(std::size_t, std::size_t)>& on_batch) {
  check_compatible(net, data);
  options.validate();
  sgd.validate();
  if (data.size() == 0) throw Error(data.source + ": no samples to train on");

  std::vector<std::uint32_t> order(data.size());
  std::iota(order.begin(), order.end(), 0u);
  if (options.shuffle) shuffle(order, rng);

  const auto batch = static_cast<std::size_t>(options.batch_size);
  const std::size_t batches = (data.size() + batch - 1) / batch;
  SparseBatch x;
  Eigen::MatrixXf augmented;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint64_t> seeds;
  // The hidden dense ReLU layers seen active this epoch (see the check after the loop).
  const std::size_t m = net.image_layers().size();
  const bool relu = net.activation() == Activation::ReLU;
  std::vector<bool> alive(net.layers().size() - 1, !relu);
  double total = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    const detail::BatchThreads batch_threads;  // this batch's thread count, adapted to the load
    const std::size_t first = b * batch;
    const std::span<const std::uint32_t> index(order.data() + first, std::min(batch, data.size() - first));
    if (options.augment || options.pen_fraction > 0) {
      gather_augmented(data, index, options, rng, augmented, labels, seeds);
      x = augmented.sparseView();  // drops exact zeros only
    } else {
      gather_batch(data, index, x, labels);
    }
    const double loss = train_step(net, x, labels, sgd, ws);
    if (!std::isfinite(loss)) {
      throw Error(std::string("training diverged: ") +
                  (std::isnan(loss) ? "the loss became NaN" : "the loss became infinite") + " at batch " +
                  std::to_string(b + 1) + " of " + std::to_string(batches) +
                  "; try a smaller learning rate (now " + detail::g(sgd.learning_rate) + ")");
    }
    for (std::size_t k = 0; k < alive.size(); ++k) {
      if (!alive[k]) alive[k] = any_positive(ws.acts[m + k + 1]);
    }
    total += loss;
    if (on_batch) on_batch(b + 1, batches);
  }
  // A step can overflow weights while the loss stays finite (dead ReLU units hide
  // them). Checked once per epoch: a per-batch check would cost a pass over all
  // weights for every step.
  if (!weights_finite(net)) {
    throw Error("training diverged: the weights became infinite or NaN during the epoch; try a smaller learning "
                "rate (now " + detail::g(sgd.learning_rate) + ")");
  }
  // A hidden ReLU layer that output 0 for every unit and every sample of an epoch
  // has died: the network's output no longer depends on its input, and no gradient
  // passes that layer again, so training cannot recover. (A huge learning rate does
  // this while the loss stays finite.)
  for (std::size_t k = 0; k < alive.size(); ++k) {
    if (!alive[k]) {
      throw Error("training collapsed: every unit of hidden layer " + std::to_string(m + k + 1) +
                  " output 0 for every sample of the epoch (dead ReLUs), so the network ignores its input; try a "
                  "smaller learning rate (now " + detail::g(sgd.learning_rate) + ")");
    }
  }
  return total / static_cast<double>(data.size());
}

FitResult fit(Network& net, const Dataset& train, const Dataset* validation, const FitOptions& options, Rng& rng,
              const FitCallbacks& callbacks) {
  using Clock = std::chrono::steady_clock;
  options.validate();
  check_compatible(net, train);
  if (validation) check_compatible(net, *validation);
  if (!options.epochs && !validation) {
    throw Error("early stopping needs a validation set; without one, set the number of epochs");
  }

  FitResult result;
  Sgd sgd = options.sgd;
  StepWorkspace ws;
  std::optional<Network> best;  // early stopping keeps the best epoch's weights
  double best_loss = 0, previous_loss = 0;
  int best_epoch = 0;
  const int epochs = options.epochs.value_or(options.max_epochs);
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = Clock::now();
    EpochReport report;
    report.epoch = epoch;
    report.learning_rate = sgd.learning_rate;
    report.train_loss = train_epoch(net, train, options, sgd, rng, ws, callbacks.on_batch);
    sgd.learning_rate *= options.lr_decay;
    if (validation) report.validation = evaluate(net, *validation);
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.history.push_back(report);
    result.best_epoch = epoch;
    if (callbacks.on_epoch) callbacks.on_epoch(report);

    if (options.epochs) continue;
    const double loss = report.validation->loss;
    if (epoch > 1 && loss - previous_loss >= options.epsilon) {
      net = std::move(*best);
      result.stopped_early = true;
      result.best_epoch = best_epoch;
      break;
    }
    previous_loss = loss;
    if (!best || loss < best_loss) {
      best = net;
      best_loss = loss;
      best_epoch = epoch;
    }
  }
  // Finite weights whose outputs could overflow float (output_bounds.hpp): the check
  // every network read from a file or set_parameters() passes, so that fit() never
  // returns what a reader would refuse.
  if (const std::string overflow = detail::output_overflow(net); !overflow.empty()) {
    throw Error("training diverged: " + overflow + "; try a smaller learning rate (now " +
                detail::g(options.sgd.learning_rate) + ")");
  }
  return result;
}

}  // namespace nn
