// Fuzz target: the CSV data reader (nn::load_csv). The input is written to a file
// (the reader takes a path); it must load or fail with nn::Error, and a loaded set
// must be consistent: labels 0..9, pixels = samples x features.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_files.hpp"
#include "nn/data_io.hpp"
#include "nn/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = nn::fuzz::folder().file("fuzz.csv");
  nn::fuzz::write_raw(path, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const nn::Dataset d = nn::load_csv(path);
    if (d.features <= 0 || d.size() == 0) std::abort();
    if (d.pixels.size() != d.size() * static_cast<std::size_t>(d.features)) std::abort();
    for (const std::uint8_t label : d.labels) {
      if (label >= nn::kNumClasses) std::abort();
    }
  } catch (const nn::Error&) {
  }
  return 0;
}
