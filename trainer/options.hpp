// The trainer's command line: the original's flags, unchanged, plus our own. Flags are
// parsed straight into libnn's types (FitOptions, Activation, Initialization); libnn
// validates the values, this file only what each mode needs.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "nn/activation.hpp"
#include "nn/fit.hpp"
#include "nn/init.hpp"

namespace trainer {

struct Options {
  // The original's flags (learning rate, batch size, epochs and epsilon live in fit).
  std::vector<std::string> train_paths;  // --train-path, one or more: the data sets are joined
  std::string validation_path;
  std::vector<int> network_structure;
  std::string debug_path;
  nn::Activation activation = nn::Activation::ReLU;
  nn::Initialization initialization = nn::Initialization::Default;
  std::string weight_path;
  nn::FitOptions fit;
  // Ours.
  std::string test_path;
  std::string evaluate_path;  // evaluation-only: a weights file to load
  std::uint64_t seed = 1;
  int threads = 0;  // 0: all cores
  bool binarize = false;
  bool no_shuffle = false;
  std::size_t train_limit = 0;
  std::vector<std::string> layers;  // --layers: a layer list (nn/layer_list.hpp) instead of --network-structure
  bool normalize = false;
  bool augment = false;
  float elastic_alpha = nn::AugmentOptions{}.elastic_alpha;  // libnn's default
};

// Registers every flag on `app`, storing into `opts`.
void add_options(CLI::App& app, Options& opts);

// Completes opts after parsing (flags that map onto fit) and checks which flags each
// mode needs; throws nn::Error. The values themselves are checked by libnn.
void finish_options(Options& opts);

}  // namespace trainer
