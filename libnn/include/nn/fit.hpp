// A whole training run as one call: epochs of mini-batch SGD (optimizer.hpp),
// a learning-rate schedule, early stopping on a validation set with the best epoch's
// weights restored, and the checks that stop a run gone wrong (a NaN or infinite loss or
// weights, a hidden ReLU layer that died). The trainer is flags, this call and a report;
// the WebAssembly module fine-tunes with the same code.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "nn/augment.hpp"
#include "nn/dataset.hpp"
#include "nn/evaluate.hpp"
#include "nn/network.hpp"
#include "nn/optimizer.hpp"
#include "nn/random.hpp"

namespace nn {

struct FitOptions {
  Sgd sgd;                                // learning rate, momentum, weight decay
  int batch_size = 50;
  std::optional<int> epochs;              // absent: early stopping (needs a validation set)
  int max_epochs = 100;                   // early stopping's bound
  double epsilon = 0.0001;                // early stopping: the validation-loss rise that stops
  float lr_decay = 1.0f;                  // learning rate x this after every epoch
  bool shuffle = true;                    // reshuffle every epoch (the original used file order)
  std::optional<AugmentOptions> augment;  // distort each training image, fresh every epoch
  // Fraction of the training images, drawn afresh for each image every epoch, replaced by
  // the same digit redrawn with the page's pen in a random style (nn/pen.hpp) instead of
  // being augmented; 0: none (and the run is exactly as without it). Needs 28 x 28 images.
  float pen_fraction = 0.0f;

  // Throws nn::Error naming the setting, its range and the value given.
  void validate() const;
};

struct EpochReport {
  int epoch = 0;                          // from 1
  double train_loss = 0;                  // mean cross-entropy (bits), each batch before its update
  float learning_rate = 0;                // the rate this epoch trained with
  double seconds = 0;                     // training and validation
  std::optional<Evaluation> validation;   // when fit() was given a validation set
};

struct FitCallbacks {
  std::function<void(std::size_t done, std::size_t batches)> on_batch;  // after each batch
  std::function<void(const EpochReport&)> on_epoch;                     // after each epoch
};

struct FitResult {
  std::vector<EpochReport> history;
  int best_epoch = 0;         // the epoch whose weights the network holds
  bool stopped_early = false;  // the validation loss rose by at least epsilon
};

// Trains net on `train`; `validation` (may be null) is evaluated after every epoch and
// drives early stopping. Randomness (batch order, distortions) comes from rng.
// Throws nn::Error for invalid options, data that does not fit the network, and a run
// that diverged or collapsed (the network is then unusable, never returned as trained):
// a NaN or infinite loss or weight, a dead hidden ReLU layer, or finite weights whose
// outputs could overflow float (the check every network made from layers passes).
FitResult fit(Network& net, const Dataset& train, const Dataset* validation, const FitOptions& options, Rng& rng,
              const FitCallbacks& callbacks = {});

}  // namespace nn
