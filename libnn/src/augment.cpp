// Data augmentation (nn/augment.hpp): drawing one random distortion, and applying it.
//
// Every output pixel is pulled from the source through a single inverse mapping
// (affine + elastic), sampled bilinearly, so an image is resampled once, not once per
// transform. Then the strokes are made thicker or thinner by a grey-level 3x3
// dilation or erosion. No threads and no I/O: the caller runs images in parallel,
// each with its own Rng. Scratch buffers are per thread and reused.
//
// Legend: S = side, pixel (x, y) covers [x, x+1) x [y, y+1) with its centre at
// (x + 0.5, y + 0.5), x to the right, y down; c = (S/2, S/2) the image centre.
// Values are handled in byte units (0..255) and divided by 255 only at the end,
// so that with all options 0 the output is exactly in / 255.
//
// The forward map of the affine part is p = A (q - c) + c + shift with
// A = R(theta) S(s), R(theta) = [cos -sin; sin cos] (theta > 0 turns clockwise on
// screen, since y points down). Its inverse, plus the elastic displacement e(p)
// (Simard, Steinkraus & Platt 2003, "Best practices for convolutional neural networks
// applied to visual document analysis"):
//   q = R(-theta) (p - c - shift) / s + c + e(p).
//
// The elastic noise (draw_augment): S * S values in (-1, 1) for dx then for dy, four
// per Rng::next_u64 (from its low 16 bits up); see smoothed_noise for the order in
// which they fill the field.
#include "nn/augment.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "nn/error.hpp"

namespace nn {
namespace {

constexpr int kMaxSigma = 1000;  // pixels, elastic_sigma's upper bound

// Scratch memory, one set per thread, reused from image to image. Each buffer is
// sized for its use, by name, right where it is taken (sized()).
struct Scratch {
  std::vector<float> source;     // (S + 3)^2: the image framed by paper (pad_source)
  std::vector<float> image;      // S^2: the resampled image
  std::vector<float> morphed;    // S^2: change_thickness's output
  std::vector<float> morph_tmp;  // S^2: morph3x3's intermediate
  std::vector<float> kernel;     // taps: the Gaussian for the elastic field
  std::vector<float> noise;      // (S + taps - 1) * S: noise between zero rows
};

Scratch& thread_scratch() {
  thread_local Scratch scratch;
  return scratch;
}

// Exactly n floats of buf (grown if needed, never shrunk, so reuse allocates nothing).
float* sized(std::vector<float>& buf, std::size_t n) {
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

void check_finite_nonnegative(float value, const char* name) {
  if (!std::isfinite(value) || value < 0.0f) {
    throw Error(std::string("augmentation: ") + name + " must be finite and >= 0, got " + std::to_string(value));
  }
}

void check_sizes(std::size_t in_size, int side, std::size_t out_size) {
  if (side <= 0) throw Error("augmentation: side must be positive, got " + std::to_string(side));
  const std::size_t n = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
  if (in_size != n || out_size != n) {
    throw Error("augmentation: expected " + std::to_string(side) + " x " + std::to_string(side) + " = " +
                std::to_string(n) + " input and output pixels, got " + std::to_string(in_size) +
                " input and " + std::to_string(out_size) + " output");
  }
}

// Gaussian of std sigma on [-r, r], r = ceil(3 sigma), normalised to sum 1 over that
// whole range; writes only the taps within [-used, used] (used <= r): farther taps only
// ever meet the zero padding of a field of side used + 1. kernel[j + used] = g(j).
void gaussian_kernel(float sigma, int r, int used, float* kernel) {
  const double inv_two_var = 1.0 / (2.0 * static_cast<double>(sigma) * static_cast<double>(sigma));
  double sum = 1.0;  // g(0)
  for (int j = 1; j <= r; ++j) sum += 2.0 * std::exp(-j * j * inv_two_var);
  for (int j = -used; j <= used; ++j) {
    kernel[j + used] = static_cast<float>(std::exp(-j * j * inv_two_var) / sum);
  }
}

// n values uniform in (-1, 1), four per 64-bit draw: 16 bits each, (k + 0.5) / 2^15 - 1
// for k in [0, 2^16), symmetric about 0. Finer steps would be lost anyway in the
// smoothing, which averages hundreds of them; drawing is a good part of the cost.
void uniform_field(Rng& rng, float* out, std::size_t n) {
  constexpr float kStep = 0x1.0p-15f;
  for (std::size_t i = 0; i < n; i += 4) {
    std::uint64_t z = rng.next_u64();
    for (std::size_t l = i; l < std::min(n, i + 4); ++l, z >>= 16) {
      out[l] = (static_cast<float>(z & 0xffffu) + 0.5f) * kStep - 1.0f;
    }
  }
}

// Column smoothing of a block of B consecutive outputs (see smooth_columns); B
// independent sums hide the latency of the multiply-adds, and stay in registers.
template <std::size_t B>
void smooth_block(const float* in, std::size_t side, const float* kernel, int taps, float* out) {
  std::array<float, B> acc{};
  for (int j = 0; j < taps; ++j) {
    const float k = kernel[j];
    const float* src = in + static_cast<std::size_t>(j) * side;
    for (std::size_t l = 0; l < B; ++l) acc[l] += k * src[l];
  }
  std::copy(acc.begin(), acc.end(), out);
}

// Column smoothing: out[i] = sum_j kernel[j] * in[i + j * side], i < side * side, where
// `in` holds the field in rows r .. r + side - 1 of (side + 2r) x side floats with zero
// rows around it (the zero padding): one 1-D convolution over the flattened field.
void smooth_columns(const float* in, int side, const float* kernel, int taps, float* out) {
  const std::size_t s = static_cast<std::size_t>(side), n = s * s;
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) smooth_block<64>(in + i, s, kernel, taps, out + i);
  for (; i + 8 <= n; i += 8) smooth_block<8>(in + i, s, kernel, taps, out + i);
  for (; i < n; ++i) smooth_block<1>(in + i, s, kernel, taps, out + i);
}

// Draws a field of noise and smooths it with the Gaussian, separably: columns,
// transpose, columns. The result is the smoothed transpose of the noise, which is
// noise just the same (i.i.d. values in another order) and saves a transpose.
// padded: (side + 2r) x side floats; field: side * side floats, written.
void smoothed_noise(Rng& rng, int side, const float* kernel, int r, float* padded, float* field) {
  const std::size_t s = static_cast<std::size_t>(side), rows = s + 2 * static_cast<std::size_t>(r);
  const int taps = 2 * r + 1;
  float* middle = padded + static_cast<std::size_t>(r) * s;
  std::fill(padded, padded + rows * s, 0.0f);
  uniform_field(rng, middle, s * s);
  smooth_columns(padded, side, kernel, taps, field);
  for (std::size_t y = 0; y < s; ++y) {
    for (std::size_t x = 0; x < s; ++x) middle[x * s + y] = field[y * s + x];
  }
  smooth_columns(padded, side, kernel, taps, field);
}

// The inverse affine map in padded-source coordinates: output pixel (x, y) reads the
// source at (u, v) + e(x, y), where (u, v) = q + (1, 1) - (0.5, 0.5) for the source
// point q of the legend, so that source pixel (i, j) sits at (i + 1, j + 1) exactly:
//   u = a dx + b dy + c + 0.5,  v = -b dx + a dy + c + 0.5,
//   dx = x + 0.5 - c - shift_x, dy = y + 0.5 - c - shift_y,  a = cos / s, b = sin / s.
struct Affine {
  float a, b, centre, shift_x, shift_y;
};

Affine inverse_affine(int side, float shift_x, float shift_y, float angle_degrees, float scale) {
  const double radians = static_cast<double>(angle_degrees) * std::numbers::pi / 180.0;
  return {static_cast<float>(std::cos(radians)) / scale, static_cast<float>(std::sin(radians)) / scale,
          static_cast<float>(side) * 0.5f, shift_x, shift_y};
}

// Copies the image (bytes as floats, 0..255) into a (side + 3)^2 frame of paper: one
// line before, two after, so source pixel (i, j) is at padded (i + 1, j + 1).
void pad_source(std::span<const std::uint8_t> in, int side, float* padded) {
  const std::size_t s = static_cast<std::size_t>(side), ps = s + 3;
  std::fill(padded, padded + ps * ps, 0.0f);
  for (std::size_t y = 0; y < s; ++y) {
    float* dst = padded + (y + 1) * ps + 1;
    for (std::size_t x = 0; x < s; ++x) dst[x] = static_cast<float>(in[y * s + x]);
  }
}

// Bilinear sampling of the padded source through the map (plus the elastic field when
// Elastic) into img (side * side). Coordinates are clamped to [0, side + 1]: a point
// off the image then reads only the paper frame (its second tap, with weight 0, is
// still inside the frame), which gives 0 without a branch; inside, nothing changes.
template <bool Elastic>
void resample(const float* source, int side, const Affine& m, const float* field_x, const float* field_y,
              float* img) {
  // int counters: converting them to float is one instruction (size_t takes several).
  const int ps = side + 3;
  const float hi = static_cast<float>(side) + 1.0f;
  for (int y = 0; y < side; ++y) {
    const float dy = static_cast<float>(y) + 0.5f - m.centre - m.shift_y;
    const float u_row = m.b * dy + m.centre + 0.5f, v_row = m.a * dy + m.centre + 0.5f;
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(y) * side;
    for (int x = 0; x < side; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - m.centre - m.shift_x;
      float u = m.a * dx + u_row, v = v_row - m.b * dx;
      if constexpr (Elastic) {
        u += field_x[row + x];
        v += field_y[row + x];
      }
      u = std::clamp(u, 0.0f, hi);
      v = std::clamp(v, 0.0f, hi);
      const int iu = static_cast<int>(u), iv = static_cast<int>(v);  // floor, as u, v >= 0
      const float wu = u - static_cast<float>(iu), wv = v - static_cast<float>(iv);
      const float* p = source + (static_cast<std::ptrdiff_t>(iv) * ps + iu);
      const float top = p[0] + wu * (p[1] - p[0]);
      const float bottom = p[ps] + wu * (p[ps + 1] - p[ps]);
      img[row + x] = top + wv * (bottom - top);
    }
  }
}

// 3x3 grey dilation (max, Dilate = true) or erosion (min) of a side x side image,
// zero (paper) outside. tmp: side * side floats.
template <bool Dilate>
void morph3x3(const float* in, int side, float* out, float* tmp) {
  const auto pick = [](float a, float b) { return Dilate ? std::max(a, b) : std::min(a, b); };
  const std::size_t s = static_cast<std::size_t>(side);
  for (std::size_t y = 0; y < s; ++y) {
    const float* r = in + y * s;
    float* t = tmp + y * s;
    for (std::size_t x = 0; x < s; ++x) {
      const float left = x > 0 ? r[x - 1] : 0.0f, right = x + 1 < s ? r[x + 1] : 0.0f;
      t[x] = pick(pick(left, r[x]), right);
    }
  }
  for (std::size_t y = 0; y < s; ++y) {
    const float* mid = tmp + y * s;
    float* o = out + y * s;
    for (std::size_t x = 0; x < s; ++x) {
      const float up = y > 0 ? mid[x - s] : 0.0f, down = y + 1 < s ? mid[x + s] : 0.0f;
      o[x] = pick(pick(up, mid[x]), down);
    }
  }
}

// Stroke thickness change by t pixels: floor(|t|) full dilations (t > 0) or erosions
// (t < 0), then a blend towards one more by the fractional part, so that |t| = 1 is
// exactly one 3x3 step (a pixel more or less on each side of a stroke). img: side * side floats, updated; morphed, tmp: scratch.
void change_thickness(float* img, int side, float t, float* morphed, float* tmp) {
  const std::size_t n = static_cast<std::size_t>(side) * static_cast<std::size_t>(side);
  float amount = std::abs(t);
  while (amount > 0.0f) {
    if (t > 0.0f) {
      morph3x3<true>(img, side, morphed, tmp);
    } else {
      morph3x3<false>(img, side, morphed, tmp);
    }
    const float w = std::min(amount, 1.0f);
    for (std::size_t i = 0; i < n; ++i) img[i] += w * (morphed[i] - img[i]);
    amount -= w;
  }
}

}  // namespace

void AugmentOptions::validate() const {
  check_finite_nonnegative(max_shift, "max_shift");
  check_finite_nonnegative(max_rotation, "max_rotation");
  check_finite_nonnegative(max_scale, "max_scale");
  check_finite_nonnegative(max_thickness, "max_thickness");
  check_finite_nonnegative(elastic_alpha, "elastic_alpha");
  if (max_scale >= 1.0f) {
    throw Error("augmentation: max_scale must be < 1 (the scale would reach 0), got " + std::to_string(max_scale));
  }
  // The kernel spans 6 sigma; a field smoother than a few image widths is a plain shift.
  if (elastic_alpha > 0.0f && !(elastic_sigma > 0.0f && elastic_sigma <= static_cast<float>(kMaxSigma))) {
    throw Error("augmentation: elastic_sigma must be in (0, " + std::to_string(kMaxSigma) +
                "] pixels when elastic_alpha > 0, got " + std::to_string(elastic_sigma));
  }
}

void draw_augment(const AugmentOptions& options, int side, Rng& rng, AugmentParams& out) {
  options.validate();
  if (side <= 0) throw Error("augmentation: side must be positive, got " + std::to_string(side));
  out.shift_x = rng.uniform(-options.max_shift, options.max_shift);
  out.shift_y = rng.uniform(-options.max_shift, options.max_shift);
  out.angle = rng.uniform(-options.max_rotation, options.max_rotation);
  out.scale = 1.0f + rng.uniform(-options.max_scale, options.max_scale);
  out.thickness = rng.uniform(-options.max_thickness, options.max_thickness);
  if (!(options.elastic_alpha > 0.0f)) {
    out.field_x.clear();
    out.field_y.clear();
    return;
  }
  const std::size_t s = static_cast<std::size_t>(side), n = s * s;
  // Kernel radius: taps farther than side - 1 never reach data (see gaussian_kernel).
  const int full_radius = static_cast<int>(std::ceil(3.0f * options.elastic_sigma));
  const int radius = std::min(full_radius, side - 1);
  const std::size_t taps = 2 * static_cast<std::size_t>(radius) + 1;
  Scratch& scratch = thread_scratch();
  float* kernel = sized(scratch.kernel, taps);
  float* noise = sized(scratch.noise, (s + taps - 1) * s);
  out.field_x.resize(n);
  out.field_y.resize(n);
  gaussian_kernel(options.elastic_sigma, full_radius, radius, kernel);
  smoothed_noise(rng, side, kernel, radius, noise, out.field_x.data());
  smoothed_noise(rng, side, kernel, radius, noise, out.field_y.data());
  for (std::size_t i = 0; i < n; ++i) {
    out.field_x[i] *= options.elastic_alpha;
    out.field_y[i] *= options.elastic_alpha;
  }
}

void apply_augment(std::span<const std::uint8_t> in, int side, const AugmentParams& params, std::span<float> out) {
  check_sizes(in.size(), side, out.size());
  const std::size_t s = static_cast<std::size_t>(side), n = s * s;
  if (!(std::isfinite(params.scale) && params.scale > 0.0f) || !std::isfinite(params.shift_x) ||
      !std::isfinite(params.shift_y) || !std::isfinite(params.angle) || !std::isfinite(params.thickness)) {
    throw Error("augmentation: the shift, angle and thickness must be finite and the scale above 0");
  }
  const bool elastic = !params.field_x.empty() || !params.field_y.empty();
  if (elastic && (params.field_x.size() != n || params.field_y.size() != n)) {
    throw Error("augmentation: the elastic fields must have " + std::to_string(n) + " values each, got " +
                std::to_string(params.field_x.size()) + " and " + std::to_string(params.field_y.size()));
  }
  Scratch& scratch = thread_scratch();
  float* source = sized(scratch.source, (s + 3) * (s + 3));
  float* img = sized(scratch.image, n);
  const Affine map = inverse_affine(side, params.shift_x, params.shift_y, params.angle, params.scale);
  pad_source(in, side, source);
  if (elastic) {
    resample<true>(source, side, map, params.field_x.data(), params.field_y.data(), img);
  } else {
    resample<false>(source, side, map, nullptr, nullptr, img);
  }
  if (params.thickness != 0.0f) {
    change_thickness(img, side, params.thickness, sized(scratch.morphed, n), sized(scratch.morph_tmp, n));
  }
  for (std::size_t i = 0; i < n; ++i) out[i] = std::clamp(img[i] / 255.0f, 0.0f, 1.0f);
}

void augment_image(std::span<const std::uint8_t> in, int side, std::span<float> out,
                   const AugmentOptions& options, Rng& rng) {
  check_sizes(in.size(), side, out.size());
  thread_local AugmentParams params;
  draw_augment(options, side, rng, params);
  apply_augment(in, side, params, out);
}

}  // namespace nn
