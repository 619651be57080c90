#include "nn/image.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nn/error.hpp"

namespace nn {
namespace {

constexpr float kInkThreshold = 0.1f;  // faint anti-aliasing dust does not widen the box

// A canvas larger than kMaxCanvasSide on either side is refused before any size is
// multiplied; the caller reports non-positive sides with the byte count it expected.
void check_not_too_large(int width, int height) {
  if (width > kMaxCanvasSide || height > kMaxCanvasSide) {
    throw Error("canvas of " + std::to_string(width) + " x " + std::to_string(height) +
                " pixels is larger than the limit of " + std::to_string(kMaxCanvasSide) + " x " +
                std::to_string(kMaxCanvasSide));
  }
}

// Area-averaging resample of one line: n source cells onto m destination cells,
// each destination cell the mean of the source it covers (fractional overlaps weighted).
// src has stride `ss`, dst stride `ds`.
void resample_line(const float* src, int n, std::ptrdiff_t ss, float* dst, int m, std::ptrdiff_t ds) {
  const double scale = static_cast<double>(n) / m;  // source cells per destination cell
  for (int j = 0; j < m; ++j) {
    const double lo = j * scale, hi = (j + 1) * scale;
    double sum = 0;
    for (int i = static_cast<int>(lo); i < n && i < hi; ++i) {
      const double overlap = std::min<double>(i + 1, hi) - std::max<double>(i, lo);
      sum += overlap * src[i * ss];
    }
    dst[j * ds] = static_cast<float>(sum / scale);
  }
}

}  // namespace

void check_rgba_size(int width, int height, std::size_t byte_count) {
  check_not_too_large(width, height);
  // Both sides are at most 4096: the product is at most 2^26 and cannot wrap.
  if (width <= 0 || height <= 0 || byte_count != static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4) {
    throw Error("expected " + std::to_string(width) + " x " + std::to_string(height) +
                " x 4 RGBA bytes, got " + std::to_string(byte_count));
  }
}

std::vector<float> ink_from_rgba(std::span<const std::uint8_t> rgba, int width, int height) {
  check_rgba_size(width, height, rgba.size());
  std::vector<float> ink(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  for (std::size_t i = 0; i < ink.size(); ++i) {
    const std::uint8_t* p = &rgba[i * 4];
    const float luma = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
    ink[i] = (1.0f - luma) * (static_cast<float>(p[3]) / 255.0f);
  }
  return ink;
}

Eigen::VectorXf original_input(std::span<const std::uint8_t> rgba) {
  check_rgba_size(kDigitSide, kDigitSide, rgba.size());
  Eigen::VectorXf x(kDigitSide * kDigitSide);
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = rgba[static_cast<std::size_t>(i) * 4] < 127 ? 1.0f : 0.0f;
  return x;
}

bool normalize_digit(std::span<const float> ink, int width, int height, Eigen::Ref<Eigen::VectorXf> out) {
  check_not_too_large(width, height);
  if (width <= 0 || height <= 0 || ink.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {
    throw Error("expected " + std::to_string(width) + " x " + std::to_string(height) + " ink values, got " +
                std::to_string(ink.size()));
  }
  if (out.size() != kDigitSide * kDigitSide) {
    throw Error("expected a 784-value output, got " + std::to_string(out.size()));
  }
  out.setZero();

  // 1. Bounding box of the ink.
  int x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      if (ink[static_cast<std::size_t>(y * width + x)] > kInkThreshold) {
        x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
      }
    }
  }
  if (x1 < 0) return false;
  const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;

  // 2. Scale the box to fit 20 x 20, keeping the aspect ratio, by area averaging
  //    (separable: rows first, then columns).
  const double scale = static_cast<double>(kDigitBox) / std::max(bw, bh);
  const int tw = std::clamp(static_cast<int>(std::lround(bw * scale)), 1, kDigitBox);
  const int th = std::clamp(static_cast<int>(std::lround(bh * scale)), 1, kDigitBox);
  std::vector<float> rows(static_cast<std::size_t>(bh * tw));
  for (int y = 0; y < bh; ++y) {
    resample_line(&ink[static_cast<std::size_t>((y0 + y) * width + x0)], bw, 1, &rows[static_cast<std::size_t>(y * tw)], tw, 1);
  }
  std::vector<float> small(static_cast<std::size_t>(th * tw));
  for (int x = 0; x < tw; ++x) resample_line(&rows[static_cast<std::size_t>(x)], bh, tw, &small[static_cast<std::size_t>(x)], th, tw);

  // 3. Centre of mass of the scaled digit, then an integer shift that puts it at
  //    the centre of the 28 x 28 field (pixel centres at i + 0.5, field centre 14).
  double mass = 0, mx = 0, my = 0;
  for (int y = 0; y < th; ++y) {
    for (int x = 0; x < tw; ++x) {
      const double v = small[static_cast<std::size_t>(y * tw + x)];
      mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
    }
  }
  if (mass <= 0) return false;
  const int dx = static_cast<int>(std::lround(kDigitSide / 2.0 - mx / mass));
  const int dy = static_cast<int>(std::lround(kDigitSide / 2.0 - my / mass));
  for (int y = 0; y < th; ++y) {
    for (int x = 0; x < tw; ++x) {
      const int ox = x + dx, oy = y + dy;
      if (ox < 0 || oy < 0 || ox >= kDigitSide || oy >= kDigitSide) continue;
      out[oy * kDigitSide + ox] = std::min(1.0f, small[static_cast<std::size_t>(y * tw + x)]);
    }
  }
  return true;
}

}  // namespace nn
