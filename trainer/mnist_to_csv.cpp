// mnist-to-csv: converts an MNIST IDX images file (and its labels, found beside it)
// to the original trainer's CSV format. Optionally binarizes like the original (libnn's
// nn::binarize, the one implementation of the rule: scripts/binarize.py runs this with a
// CSV as input), or normalises like the page and keeps a few digits of each class (the
// page's replay sample, see scripts/replay_sample.sh).
#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <utility>

#include "nn/data_io.hpp"

namespace {

// The first n samples of each class, in file order.
nn::Dataset first_of_each_class(nn::Dataset data, std::size_t n) {
  nn::Dataset kept;
  kept.source = data.source;
  kept.features = data.features;
  std::array<std::size_t, nn::kNumClasses> count{};
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (count[data.labels[i]]++ >= n) continue;
    const auto pixels = data.sample(i);
    kept.pixels.insert(kept.pixels.end(), pixels.begin(), pixels.end());
    kept.labels.push_back(data.labels[i]);
  }
  return kept;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Convert MNIST IDX files (raw or .gz) to CSV: a header row, then label,pixels..."};
  std::string images, labels, output;
  bool binarize = false, normalize = false;
  std::size_t per_class = 0;
  app.add_option("images", images, "IDX images file, e.g. train-images-idx3-ubyte.gz, or a CSV data set")->required();
  app.add_option("output", output, "CSV file to write")->required();
  app.add_option("--labels", labels, "IDX labels file (default: found beside an IDX images file)");
  app.add_flag("--binarize", binarize, "Pixels >= 127 become 255, others 0");
  app.add_flag("--normalize", normalize, "Re-normalise every digit as the page does with drawings");
  app.add_option("--per-class", per_class, "Keep only the first N digits of each class, in file order")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  try {
    nn::Dataset data = labels.empty() ? nn::load_dataset(images) : nn::load_idx(images, labels);
    if (per_class > 0) data = first_of_each_class(std::move(data), per_class);
    if (binarize) nn::binarize(data);
    if (normalize) nn::normalize_digits(data);
    nn::save_csv(data, output);
    std::printf("wrote %s: %zu rows\n", output.c_str(), data.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist-to-csv: error: %s\n", e.what());
    return 1;
  }
}
