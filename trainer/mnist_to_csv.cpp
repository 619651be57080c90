// mnist-to-csv: converts an MNIST IDX images file (and its labels, found beside it)
// to the original trainer's CSV format. Optionally binarizes like the original.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "nn/data_io.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Convert MNIST IDX files (raw or .gz) to CSV: a header row, then label,pixels..."};
  std::string images, labels, output;
  bool binarize = false;
  app.add_option("images", images, "IDX images file, e.g. train-images-idx3-ubyte.gz")->required();
  app.add_option("output", output, "CSV file to write")->required();
  app.add_option("--labels", labels, "IDX labels file (default: found beside the images file)");
  app.add_flag("--binarize", binarize, "Pixels >= 127 become 255, others 0");
  CLI11_PARSE(app, argc, argv);
  try {
    nn::Dataset data = nn::load_idx(images, labels.empty() ? nn::idx_labels_path(images) : labels);
    if (binarize) nn::binarize(data);
    nn::save_csv(data, output);
    std::printf("wrote %s: %zu rows\n", output.c_str(), data.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mnist-to-csv: error: %s\n", e.what());
    return 1;
  }
}
