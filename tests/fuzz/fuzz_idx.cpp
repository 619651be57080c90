// Fuzz target: the IDX reader (nn::load_idx), images and labels files, raw and gzip.
// Input layout: byte 0 = mode, bytes 1..4 = n (little-endian), then n bytes of the
// images file and the rest for the labels file (n is clamped to what is there).
// Mode bit 0: gzip the images file here; bit 1: gzip the labels file. Either file
// can also carry its own gzip stream (from the seeds), so corrupt gzip is fuzzed too.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_files.hpp"
#include "nn/data_io.hpp"
#include "nn/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const std::uint8_t mode = data[0];
  const std::uint32_t n = std::uint32_t{data[1]} | std::uint32_t{data[2]} << 8 | std::uint32_t{data[3]} << 16 |
                          std::uint32_t{data[4]} << 24;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 5, size - 5);
  const std::string_view images = rest.substr(0, std::min<std::size_t>(n, rest.size()));
  const std::string_view labels = rest.substr(images.size());

  const auto& dir = nn::fuzz::folder();
  const std::string images_path = dir.file("f-images-idx3-ubyte");
  const std::string labels_path = dir.file("f-labels-idx1-ubyte");
  (mode & 1) ? nn::fuzz::write_gz(images_path, images) : nn::fuzz::write_raw(images_path, images);
  (mode & 2) ? nn::fuzz::write_gz(labels_path, labels) : nn::fuzz::write_raw(labels_path, labels);
  try {
    const nn::Dataset d = nn::load_idx(images_path, labels_path);
    // What loaded came from the data: never more pixels than the files could hold.
    if (d.features <= 0 || d.size() == 0) std::abort();
    if (d.pixels.size() != d.size() * static_cast<std::size_t>(d.features)) std::abort();
    if (!(mode & 1) && d.pixels.size() + 16 > images.size()) std::abort();
    for (const std::uint8_t label : d.labels) {
      if (label >= nn::kNumClasses) std::abort();
    }
  } catch (const nn::Error&) {
  }
  // The same bytes through format detection (CSV or IDX by content), as the trainer does.
  try {
    nn::load_dataset(images_path);
  } catch (const nn::Error&) {
  }
  return 0;
}
