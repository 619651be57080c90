#include "options.hpp"

#include "nn/error.hpp"

namespace trainer {
namespace {

// A CLI11 option parsed by one of libnn's name parsers (nn::parse_activation, ...):
// an unknown name is reported by CLI11 with libnn's message.
template <class Enum, class Parse, class Name>
CLI::Option* add_named(CLI::App& app, const std::string& flags, Enum& target, Parse parse, Name name,
                       const std::string& help) {
  auto* opt = app.add_option_function<std::string>(
      flags,
      [&target, parse](const std::string& text) {
        try {
          target = parse(text);
        } catch (const nn::Error& e) {
          throw CLI::ValidationError(e.what());
        }
      },
      help);
  opt->default_str(std::string(name(target)));
  return opt;
}

}  // namespace

void add_options(CLI::App& app, Options& o) {
  nn::FitOptions& f = o.fit;
  app.add_option("-t,--train-path", o.train_paths,
                 "Training data: CSV (label,pixels...) or IDX images file (.gz or raw); more than one are joined");
  app.add_option("-v,--validation-path", o.validation_path, "Validation data, reported every epoch and used for early stopping");
  auto* structure = app.add_option("-n,--network-structure", o.network_structure, "Layer sizes, e.g. 784 500 300 100 10")
      ->expected(2, CLI::detail::expected_max_vector_size);
  app.add_option("--layers", o.layers,
                 "Layers of any kind instead of --network-structure, on square images: convKxF (K x K kernels, F "
                 "filters, 'valid' padding), convKxF:same, pool2 (2 x 2 max-pooling), denseN; image layers first, "
                 "e.g. conv5x16 pool2 conv5x32 pool2 dense128 dense10")
      ->expected(1, CLI::detail::expected_max_vector_size)
      ->excludes(structure);
  app.add_option("-l,--learning-rate", f.sgd.learning_rate, "Step size; gradients are summed over the batch")
      ->capture_default_str();
  app.add_option("-b,--batch-size", f.batch_size, "Samples per SGD step")->capture_default_str();
  app.add_option("-N,--num-epochs", f.epochs, "Epochs to train; when absent, train until the validation loss rises by --epsilon");
  app.add_option("-e,--epsilon", f.epsilon, "Early stopping: the validation-loss rise that stops training")->capture_default_str();
  app.add_option("-d,--debug-path", o.debug_path, "Write one 'epoch validation-loss' line per epoch to this file");
  add_named(app, "-a,--activation-function", o.activation, nn::parse_activation, nn::activation_name,
            "Hidden-layer activation: re-lu, sigmoid, tanh, linear, leaky-re-lu");
  add_named(app, "-i,--initialization", o.initialization, nn::parse_initialization, nn::initialization_name,
            "Weight initialization: default or xavier");
  app.add_option("-w,--weight-path", o.weight_path, "Write the trained weights (JSON) here, atomically");

  app.add_option("--test-path", o.test_path, "Held-out data for the final report (default: the validation data)");
  app.add_option("--evaluate", o.evaluate_path, "Evaluation only: load this weights file and report on --test-path / --validation-path");
  app.add_option("-s,--seed", o.seed, "Seed for initialization and batch order")->capture_default_str();
  app.add_option("-j,--threads", o.threads, "Threads for training and evaluation (0: all cores)")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--binarize", o.binarize, "Pixels >= 127 become 255, others 0, as they are loaded");
  app.add_flag("--no-shuffle", o.no_shuffle, "Keep batches in file order (the original's behaviour)");
  app.add_option("--max-epochs", f.max_epochs, "Upper bound on epochs when early stopping")->capture_default_str();
  app.add_option("--train-limit", o.train_limit, "Use only the first N samples of each training file (0: all)");
  app.add_flag("--normalize", o.normalize, "Re-normalise every image like the web page does with drawings (crop, fit 20x20, centre of mass)");
  app.add_flag("--augment", o.augment, "Distort training images on the fly: shifts, rotations, scaling, stroke thickness, elastic");
  app.add_option("--elastic-alpha", o.elastic_alpha, "Strength of the elastic distortion with --augment (0: none)")->capture_default_str();
  app.add_option("--pen-fraction", f.pen_fraction,
                 "Fraction of training images redrawn each epoch with the page's pen, in styles MNIST lacks, instead of "
                 "augmented (0: none; needs 28x28 images)")
      ->capture_default_str();
  app.add_option("--momentum", f.sgd.momentum, "SGD momentum (0: plain SGD, as the original)")->capture_default_str();
  app.add_option("--weight-decay", f.sgd.weight_decay, "L2 weight decay: after each step W *= 1 - learning-rate x this (0: none)")->capture_default_str();
  app.add_option("--lr-decay", f.lr_decay, "Multiply the learning rate by this after every epoch (1: constant)")->capture_default_str();
}

void finish_options(Options& o) {
  using nn::Error;
  o.fit.shuffle = !o.no_shuffle;
  if (o.augment) {
    nn::AugmentOptions augment;
    augment.elastic_alpha = o.elastic_alpha;
    o.fit.augment = augment;
  }
  if (!o.evaluate_path.empty()) {
    if (o.test_path.empty() && o.validation_path.empty()) {
      throw Error("--evaluate needs data to evaluate on: --test-path or --validation-path");
    }
    return;
  }
  if (o.train_paths.empty()) throw Error("--train-path is required (or --evaluate WEIGHTS for evaluation only)");
  if (o.validation_path.empty()) throw Error("--validation-path is required");
  if (o.network_structure.empty() && o.layers.empty()) {
    throw Error("--network-structure is required, e.g. 784 500 300 100 10 (or --layers, e.g. conv5x16 pool2 dense10)");
  }
  o.fit.validate();
}

}  // namespace trainer
