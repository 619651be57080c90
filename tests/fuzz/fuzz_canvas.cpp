// Fuzz target: the canvas normalisation (nn::ink_from_rgba, then nn::normalize_digit),
// as the page calls it through the bindings. Input: width and height as signed 16-bit
// little-endian numbers, scaled by a shift byte (so sizes reach past the 4096 limit and
// past 32-bit products), then the RGBA bytes. Either nn::Error, or 784 values in [0, 1].
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "nn/error.hpp"
#include "nn/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 5) return 0;
  const auto side = [&](int at) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(data[at] | data[at + 1] << 8));
  };
  const int shift = data[4] % 8;  // 0..7: up to 32767 x 128 = 4,194,176
  const int width = side(0) * (1 << shift);
  const int height = side(2) * (1 << (data[4] / 8 % 8));
  const std::span<const std::uint8_t> rgba(data + 5, size - 5);
  try {
    const std::vector<float> ink = nn::ink_from_rgba(rgba, width, height);
    Eigen::VectorXf out(nn::kDigitSide * nn::kDigitSide);
    const bool has_ink = nn::normalize_digit(ink, width, height, out);
    if (!out.allFinite() || out.minCoeff() < 0.0f || out.maxCoeff() > 1.0f) std::abort();
    if (!has_ink && out.cwiseAbs().sum() != 0.0f) std::abort();
  } catch (const nn::Error&) {
  }
  return 0;
}
