#include "options.hpp"

#include "nn/activation.hpp"
#include "nn/error.hpp"
#include "nn/init.hpp"

namespace trainer {

void add_options(CLI::App& app, Options& o) {
  app.add_option("-t,--train-path", o.train_path, "Training data: CSV (label,pixels...) or IDX images file (.gz or raw)");
  app.add_option("-v,--validation-path", o.validation_path, "Validation data, reported every epoch and used for early stopping");
  app.add_option("-n,--network-structure", o.network_structure, "Layer sizes, e.g. 784 500 300 100 10")
      ->expected(2, CLI::detail::expected_max_vector_size);
  app.add_option("-l,--learning-rate", o.learning_rate, "Step size; gradients are summed over the batch")
      ->capture_default_str();
  app.add_option("-b,--batch-size", o.batch_size, "Samples per SGD step")->capture_default_str();
  app.add_option("-N,--num-epochs", o.num_epochs, "Epochs to train; when absent, train until the validation loss rises by --epsilon");
  app.add_option("-e,--epsilon", o.epsilon, "Early stopping: the validation-loss rise that stops training")->capture_default_str();
  app.add_option("-d,--debug-path", o.debug_path, "Write one 'epoch validation-loss' line per epoch to this file");
  app.add_option("-a,--activation-function", o.activation, "Hidden-layer activation: re-lu, sigmoid, tanh, linear, leaky-re-lu")
      ->capture_default_str();
  app.add_option("-i,--initialization", o.initialization, "Weight initialization: default or xavier")->capture_default_str();
  app.add_option("-w,--weight-path", o.weight_path, "Write the trained weights (JSON) here, atomically");

  app.add_option("--test-path", o.test_path, "Held-out data for the final report (default: the validation data)");
  app.add_option("--evaluate", o.evaluate_path, "Evaluation only: load this weights file and report on --test-path / --validation-path");
  app.add_option("-s,--seed", o.seed, "Seed for initialization and batch order")->capture_default_str();
  app.add_option("-j,--threads", o.threads, "Threads for training and evaluation (0: all cores)")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--binarize", o.binarize, "Pixels >= 127 become 255, others 0, as they are loaded");
  app.add_flag("--no-shuffle", o.no_shuffle, "Keep batches in file order (the original's behaviour)");
  app.add_option("--max-epochs", o.max_epochs, "Upper bound on epochs when early stopping")->capture_default_str();
  app.add_option("--train-limit", o.train_limit, "Use only the first N training samples (0: all)");
  app.add_flag("--normalize", o.normalize, "Re-normalise every image like the web page does with drawings (crop, fit 20x20, centre of mass)");
  app.add_flag("--augment", o.augment, "Distort training images on the fly: shifts, rotations, scaling, stroke thickness, elastic");
  app.add_option("--elastic-alpha", o.elastic_alpha, "Strength of the elastic distortion with --augment (0: none)")->capture_default_str();
  app.add_option("--momentum", o.momentum, "SGD momentum (0: plain SGD, as the original)")->capture_default_str();
  app.add_option("--weight-decay", o.weight_decay, "L2 weight decay: after each step W *= 1 - learning-rate x this (0: none)")->capture_default_str();
  app.add_option("--lr-decay", o.lr_decay, "Multiply the learning rate by this after every epoch (1: constant)")->capture_default_str();
}

void check_options(const Options& o) {
  using nn::Error;
  nn::parse_activation(o.activation);
  nn::parse_initialization(o.initialization);
  if (!o.evaluate_path.empty()) {
    if (o.test_path.empty() && o.validation_path.empty()) {
      throw Error("--evaluate needs data to evaluate on: --test-path or --validation-path");
    }
    return;
  }
  if (o.train_path.empty()) throw Error("--train-path is required (or --evaluate WEIGHTS for evaluation only)");
  if (o.validation_path.empty()) throw Error("--validation-path is required");
  if (o.network_structure.empty()) throw Error("--network-structure is required, e.g. 784 500 300 100 10");
  if (!(o.learning_rate > 0)) throw Error("--learning-rate must be greater than 0, got " + std::to_string(o.learning_rate));
  if (o.batch_size < 1) throw Error("--batch-size must be at least 1, got " + std::to_string(o.batch_size));
  if (o.num_epochs && *o.num_epochs < 1) throw Error("--num-epochs must be at least 1, got " + std::to_string(*o.num_epochs));
  if (o.max_epochs < 1) throw Error("--max-epochs must be at least 1, got " + std::to_string(o.max_epochs));
  if (!(o.epsilon >= 0)) throw Error("--epsilon must be 0 or more");
  if (!(o.momentum >= 0 && o.momentum < 1)) throw Error("--momentum must be in [0, 1), got " + std::to_string(o.momentum));
  if (!(o.lr_decay > 0 && o.lr_decay <= 1)) throw Error("--lr-decay must be in (0, 1], got " + std::to_string(o.lr_decay));
  if (!(o.weight_decay >= 0)) throw Error("--weight-decay must be 0 or more, got " + std::to_string(o.weight_decay));
  if (!(o.elastic_alpha >= 0)) throw Error("--elastic-alpha must be 0 or more");
  for (int s : o.network_structure) {
    if (s < 1) throw Error("--network-structure: layer sizes must be positive, got " + std::to_string(s));
  }
}

}  // namespace trainer
