// The trainer's command line: the original's flags, unchanged, plus our own.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace trainer {

struct Options {
  // The original's flags.
  std::string train_path;
  std::string validation_path;
  std::vector<int> network_structure;
  float learning_rate = 0.01f;
  int batch_size = 50;
  std::optional<int> num_epochs;  // absent: early stopping on the validation loss
  double epsilon = 0.0001;
  std::string debug_path;
  std::string activation = "re-lu";
  std::string initialization = "default";
  std::string weight_path;
  // Ours.
  std::string test_path;
  std::string evaluate_path;  // evaluation-only: a weights file to load
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
  bool binarize = false;
  bool no_shuffle = false;
  int max_epochs = 100;
  std::size_t train_limit = 0;
  bool normalize = false;
  bool augment = false;
  float elastic_alpha = 20.0f;
  float momentum = 0.0f;
  float lr_decay = 1.0f;
  float weight_decay = 0.0f;
};

// Registers every flag on `app`, storing into `opts`.
void add_options(CLI::App& app, Options& opts);

// Checks what CLI11 cannot express (which flags each mode needs); throws nn::Error.
void check_options(const Options& opts);

}  // namespace trainer
