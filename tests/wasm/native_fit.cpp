// native_fit: the reference side of tests/wasm/corrections.test.mjs. Fine-tunes a weights
// file natively with nn::fit, as the module's Model.fit does, and prints the weights JSON.
//
//   native_fit WEIGHTS.json DATA.csv LR BATCH EPOCHS SEED FROZEN [MAX_SHIFT MAX_ROTATION]
//
// DATA.csv is the original's CSV (label, then pixels 0..255). With MAX_SHIFT and
// MAX_ROTATION, each sample is distorted (augment: those two, no scaling, no thickness, no
// elastic field), as the test's options ask the module.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "nn/data_io.hpp"
#include "nn/fit.hpp"
#include "nn/threads.hpp"
#include "nn/weights_io.hpp"

int main(int argc, char** argv) {
  try {
    if (argc != 8 && argc != 10) {
      std::fprintf(stderr, "usage: native_fit WEIGHTS.json DATA.csv LR BATCH EPOCHS SEED FROZEN [MAX_SHIFT MAX_ROTATION]\n");
      return 2;
    }
    nn::set_threads(1);
    nn::Network net = nn::load_weights(argv[1], nn::Activation::ReLU);
    const nn::Dataset data = nn::load_dataset(argv[2]);
    nn::FitOptions options;
    options.sgd.learning_rate = std::strtof(argv[3], nullptr);
    options.batch_size = std::atoi(argv[4]);
    options.epochs = std::atoi(argv[5]);
    options.sgd.frozen_layers = std::atoi(argv[7]);
    if (argc == 10) {
      nn::AugmentOptions a;
      a.max_shift = std::strtof(argv[8], nullptr);
      a.max_rotation = std::strtof(argv[9], nullptr);
      a.max_scale = 0;
      a.max_thickness = 0;
      a.elastic_alpha = 0;
      options.augment = a;
    }
    nn::Rng rng(std::strtoull(argv[6], nullptr, 10));
    nn::fit(net, data, nullptr, options, rng);
    std::fputs(nn::weights_to_json(net).c_str(), stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "native_fit: error: %s\n", e.what());
    return 1;
  }
}
