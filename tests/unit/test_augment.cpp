// Data augmentation: identity with no distortion; given shifts, rotations, scales and
// stroke thicknesses applied directly (apply_augment) and checked by hand; drawn
// parameters within their ranges and in the documented order; augment_image as draw
// then apply; elastic strength; reproducibility, range and argument checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "nn/augment.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;

constexpr int kSide = 28;
constexpr std::size_t kPixels = kSide * kSide;
constexpr double kCentre = kSide / 2.0;

using Bytes = std::vector<std::uint8_t>;
using Floats = std::vector<float>;

// All distortions off; tests switch on the one they check.
nn::AugmentOptions no_distortion() {
  nn::AugmentOptions o;
  o.max_shift = o.max_rotation = o.max_scale = o.max_thickness = o.elastic_alpha = 0.0f;
  return o;
}

// The distortion augment_image draws from this seed (draw_augment).
nn::AugmentParams draws_for(std::uint64_t seed, const nn::AugmentOptions& o, int side = kSide) {
  nn::Rng r(seed);
  nn::AugmentParams p;
  nn::draw_augment(o, side, r, p);
  return p;
}

// The image with the given distortion applied.
Floats applied(const Bytes& in, const nn::AugmentParams& p, int side = kSide) {
  Floats out(in.size(), -1.0f);
  nn::apply_augment(in, side, p, out);
  return out;
}

nn::AugmentParams shifted(float x, float y) {
  nn::AugmentParams p;
  p.shift_x = x;
  p.shift_y = y;
  return p;
}

nn::AugmentParams thickened(float t) {
  nn::AugmentParams p;
  p.thickness = t;
  return p;
}

Floats augment(const Bytes& in, const nn::AugmentOptions& o, std::uint64_t seed, int side = kSide) {
  Floats out(in.size(), -1.0f);
  nn::Rng rng(seed);
  nn::augment_image(in, side, out, o, rng);
  return out;
}

// Total ink and its centre of mass, with pixel (x, y) centred at (x + 0.5, y + 0.5).
struct Moments {
  double mass = 0, x = 0, y = 0;
};
template <typename T>
Moments moments(const std::vector<T>& img, double unit) {
  Moments m;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const double v = static_cast<double>(img[static_cast<std::size_t>(y * kSide + x)]) / unit;
      m.mass += v;
      m.x += v * (x + 0.5);
      m.y += v * (y + 0.5);
    }
  }
  m.x /= m.mass;
  m.y /= m.mass;
  return m;
}

std::uint8_t to_byte(double v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); }

// A smooth round blob of std `sigma` pixels centred at (cx, cy).
Bytes blob(double cx, double cy, double sigma) {
  Bytes img(kPixels);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const double r2 = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy);
      img[static_cast<std::size_t>(y * kSide + x)] = to_byte(std::exp(-r2 / (2 * sigma * sigma)));
    }
  }
  return img;
}

// An MNIST-like "0", centred: an anti-aliased oval (half-height 7, half-width 5.4 pixels),
// full ink 1.5 pixels across with a pixel of anti-aliasing each side.
Bytes ring() {
  Bytes img(kPixels);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const double r = std::hypot((x + 0.5 - kCentre) * 1.3, y + 0.5 - kCentre);
      img[static_cast<std::size_t>(y * kSide + x)] = to_byte(1.75 - std::abs(r - 7.0));
    }
  }
  return img;
}

Bytes single_pixel(int x, int y) {
  Bytes img(kPixels, 0);
  img[static_cast<std::size_t>(y * kSide + x)] = 255;
  return img;
}

float at(const Floats& img, int x, int y) { return img[static_cast<std::size_t>(y * kSide + x)]; }

TEST(Augment, NoDistortionIsExactlyTheInputOver255) {
  for (int side : {1, 5, kSide, 45}) {  // 45: past the stack buffers
    Bytes in(static_cast<std::size_t>(side * side));
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>((i * 37 + 11) % 256);
    const Floats out = augment(in, no_distortion(), 7, side);
    for (std::size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(out[i], static_cast<float>(in[i]) / 255.0f) << "side " << side << ", pixel " << i;
    }
  }
}

TEST(Augment, ShiftMovesTheInkByTheShift) {
  const Bytes in = single_pixel(10, 17);
  const Moments before = moments(in, 255.0);
  for (const auto& [dx, dy] : std::vector<std::pair<float, float>>{{2, 0}, {0, -2}, {-1.5f, 0.25f}, {0.7f, 1.9f}}) {
    const Moments after = moments(applied(in, shifted(dx, dy)), 1.0);
    // Bilinear sampling of a shifted pixel splits it over 4 pixels, keeping its mass
    // and moving its centre of mass exactly by the shift (+x right, +y down).
    EXPECT_NEAR(after.mass, before.mass, 1e-5) << dx << "," << dy;
    EXPECT_NEAR(after.x - before.x, dx, 1e-4) << dx << "," << dy;
    EXPECT_NEAR(after.y - before.y, dy, 1e-4) << dx << "," << dy;
  }
  // A whole-pixel shift moves the pixel, exactly.
  const Floats out = applied(in, shifted(2, 0));
  EXPECT_EQ(at(out, 12, 17), 1.0f);
  EXPECT_EQ(at(out, 10, 17), 0.0f);
}

TEST(Augment, OutsideTheImageIsPaper) {
  // A page full of ink, shifted: the strip uncovered on one side reads paper (0) from
  // outside the source, and the ink shifted out is lost. With bilinear sampling each
  // row keeps side - |shift_x| of ink, each column side - |shift_y|.
  const Bytes in(kPixels, 255);
  for (const auto& [dx, dy] : std::vector<std::pair<float, float>>{{3, 0}, {-2.5f, 1.5f}, {1.25f, -3}, {-0.5f, -0.5f}}) {
    const nn::AugmentParams d = shifted(dx, dy);
    const Floats out = applied(in, d);
    const auto seed = std::to_string(dx) + "," + std::to_string(dy);
    const double expected = (kSide - std::abs(d.shift_x)) * (kSide - std::abs(d.shift_y));
    EXPECT_NEAR(moments(out, 1.0).mass, expected, 1e-3) << seed;
    // The corner the page moved away from is bare.
    const int x = d.shift_x > 1.0f ? 0 : d.shift_x < -1.0f ? kSide - 1 : -1;
    const int y = d.shift_y > 1.0f ? 0 : d.shift_y < -1.0f ? kSide - 1 : -1;
    if (x >= 0 && y >= 0) {
      EXPECT_EQ(at(out, x, y), 0.0f) << seed;
    }
  }
}

TEST(Augment, RotationTurnsTheInkAboutTheCentre) {
  const Bytes in = blob(kCentre + 7.0, kCentre, 1.5);  // 7 pixels right of the centre
  const Moments before = moments(in, 255.0);
  for (float degrees : {10.0f, -10.0f, 30.0f, -22.5f, 90.0f}) {
    nn::AugmentParams p;
    p.angle = degrees;
    const double theta = degrees * std::numbers::pi / 180.0;
    const double ox = before.x - kCentre, oy = before.y - kCentre;
    const Moments after = moments(applied(in, p), 1.0);
    const float seed = degrees;
    // Clockwise on screen for theta > 0 (y points down): (ox, oy) -> R(theta) (ox, oy).
    EXPECT_NEAR(after.x, kCentre + std::cos(theta) * ox - std::sin(theta) * oy, 0.05) << seed;
    EXPECT_NEAR(after.y, kCentre + std::sin(theta) * ox + std::cos(theta) * oy, 0.05) << seed;
    EXPECT_NEAR(after.mass, before.mass, 0.02 * before.mass) << seed;
  }
}

TEST(Augment, TinyRotationKeepsTheInk) {
  nn::AugmentOptions o = no_distortion();
  o.max_rotation = 0.5f;
  const Bytes in = ring();
  const Moments before = moments(in, 255.0);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Floats out = augment(in, o, seed);
    const Moments after = moments(out, 1.0);
    EXPECT_NEAR(after.mass, before.mass, 0.02 * before.mass) << seed;
    EXPECT_NE(out, augment(in, no_distortion(), seed)) << seed;  // it did resample
  }
}

TEST(Augment, ScaleStretchesAboutTheCentre) {
  const Bytes in = blob(kCentre + 5.0, kCentre - 4.0, 2.0);
  const Moments before = moments(in, 255.0);
  for (float s : {0.7f, 0.9f, 1.1f, 1.3f}) {
    nn::AugmentParams p;
    p.scale = s;
    const Moments after = moments(applied(in, p), 1.0);
    const float seed = s;
    EXPECT_NEAR(after.x - kCentre, s * (before.x - kCentre), 0.05) << seed;
    EXPECT_NEAR(after.y - kCentre, s * (before.y - kCentre), 0.05) << seed;
    EXPECT_NEAR(after.mass, s * s * before.mass, 0.03 * s * s * before.mass) << seed;  // area grows as s^2
  }
}

TEST(Augment, AffineDefaultsKeepADigitNearTheCentre) {
  // Rotation, scale and thickness act about the centre: only the shift moves a centred digit.
  nn::AugmentOptions o;
  o.elastic_alpha = 0.0f;
  const Bytes in = ring();
  const Moments before = moments(in, 255.0);
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const nn::AugmentParams d = draws_for(seed, o);
    const Moments after = moments(augment(in, o, seed), 1.0);
    EXPECT_NEAR(after.x - before.x, d.shift_x, 0.5) << seed;
    EXPECT_NEAR(after.y - before.y, d.shift_y, 0.5) << seed;
    EXPECT_LE(std::abs(after.x - before.x), o.max_shift + 1.0) << seed;
    EXPECT_LE(std::abs(after.y - before.y), o.max_shift + 1.0) << seed;
  }
}

TEST(Augment, DefaultsKeepADigitNearTheCentreAndItsInk) {
  // The elastic field (about 0.8 px per axis at the default alpha 20, sigma 4) moves parts of the
  // digit too, and squeezes or stretches strokes: most images stay within the shift
  // range + 1 px, none strays far, and the ink is kept on average.
  const nn::AugmentOptions o;
  const Bytes in = ring();
  const Moments before = moments(in, 255.0);
  constexpr int kSeeds = 300;
  int near = 0;
  double ink = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Moments after = moments(augment(in, o, seed), 1.0);
    const double move = std::max(std::abs(after.x - before.x), std::abs(after.y - before.y));
    near += move <= o.max_shift + 1.0;
    EXPECT_LE(move, o.max_shift + 3.0) << seed;
    EXPECT_GT(after.mass, 0.3 * before.mass) << seed;
    EXPECT_LT(after.mass, 2.5 * before.mass) << seed;
    ink += after.mass / before.mass;
  }
  EXPECT_GE(near, 0.9 * kSeeds);
  EXPECT_NEAR(ink / kSeeds, 1.0, 0.1);
}

TEST(Augment, SameSeedSameImageOtherSeedDiffers) {
  const nn::AugmentOptions o;
  const Bytes in = ring();
  const Floats a = augment(in, o, 42);
  EXPECT_EQ(a, augment(in, o, 42));
  EXPECT_NE(a, augment(in, o, 43));
  // The elastic field alone also follows the seed.
  nn::AugmentOptions elastic = no_distortion();
  elastic.elastic_alpha = 34.0f;
  EXPECT_EQ(augment(in, elastic, 5), augment(in, elastic, 5));
  EXPECT_NE(augment(in, elastic, 5), augment(in, elastic, 6));
}

TEST(Augment, OutputStaysInTheUnitRange) {
  nn::AugmentOptions strong;
  strong.max_shift = 6.0f;
  strong.max_rotation = 45.0f;
  strong.max_scale = 0.5f;
  strong.max_thickness = 2.5f;
  strong.elastic_alpha = 80.0f;
  strong.elastic_sigma = 2.0f;
  Bytes full(kPixels, 255), noise(kPixels);
  for (std::size_t i = 0; i < kPixels; ++i) noise[i] = static_cast<std::uint8_t>((i * 7919) % 256);
  for (const Bytes& in : {full, noise, ring()}) {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      for (float v : augment(in, strong, seed)) {
        ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v << " seed " << seed;
      }
    }
  }
}

TEST(Augment, OtherSidesWork) {
  // 1 and 5: the Gaussian (radius 12) is wider than the image; 45: past the stack buffers.
  for (int side : {1, 5, 45}) {
    Bytes in(static_cast<std::size_t>(side * side));
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<std::uint8_t>((i * 7919) % 256);
    const nn::AugmentOptions o;
    const Floats a = augment(in, o, 3, side);
    EXPECT_EQ(a, augment(in, o, 3, side)) << side;
    for (float v : a) ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v << " side " << side;
  }
}

TEST(Augment, ElasticDistortsButKeepsTheInk) {
  // A smooth field squeezes some strokes and stretches others (the ink of one image
  // changes by up to a third), but it neither creates nor destroys ink on average.
  nn::AugmentOptions o = no_distortion();
  o.elastic_alpha = 34.0f;
  o.elastic_sigma = 4.0f;
  const Bytes in = ring();
  const Moments before = moments(in, 255.0);
  constexpr int kSeeds = 200;
  double ink = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const Floats out = augment(in, o, seed);
    double largest_change = 0;
    for (std::size_t i = 0; i < kPixels; ++i) {
      largest_change = std::max(largest_change, std::abs(out[i] - in[i] / 255.0));
    }
    EXPECT_GT(largest_change, 0.2) << seed;
    const double ratio = moments(out, 1.0).mass / before.mass;
    EXPECT_GT(ratio, 0.6) << seed;
    EXPECT_LT(ratio, 1.5) << seed;
    ink += ratio;
  }
  EXPECT_NEAR(ink / kSeeds, 1.0, 0.05);
}

TEST(Augment, ElasticDisplacementIsAboutAlphaTimesTheSmoothedNoise) {
  // A uniform [-1, 1] field (variance 1/3) smoothed by a normalised Gaussian of std
  // sigma keeps a standard deviation of about sqrt(1/3) / (2 sqrt(pi) sigma) per axis,
  // 0.041 for sigma = 4; times alpha = 34: ~1.4 px. A small blob rides on the field,
  // so its centre of mass moves by about that much. Without the smoothing (or its
  // normalisation) it would be scattered or frozen instead.
  const Bytes in = blob(kCentre, kCentre, 1.0);
  const Moments before = moments(in, 255.0);
  struct Rms {
    double x, y;
  };
  const auto rms_move = [&](float alpha, float sigma) {
    nn::AugmentOptions o = no_distortion();
    o.elastic_alpha = alpha;
    o.elastic_sigma = sigma;
    Rms sum{0, 0};
    constexpr int kSeeds = 200;
    for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
      const Moments after = moments(augment(in, o, seed), 1.0);
      sum.x += (after.x - before.x) * (after.x - before.x);
      sum.y += (after.y - before.y) * (after.y - before.y);
    }
    return Rms{std::sqrt(sum.x / kSeeds), std::sqrt(sum.y / kSeeds)};
  };
  const double expected = 34.0 * std::sqrt(1.0 / 3.0) / (2.0 * std::sqrt(std::numbers::pi) * 4.0);
  const Rms measured = rms_move(34.0f, 4.0f);
  for (double axis : {measured.x, measured.y}) {
    EXPECT_GT(axis, 0.75 * expected);
    EXPECT_LT(axis, 1.33 * expected);
  }
  // Twice the alpha, twice the move; a smoother field (larger sigma) moves less.
  const Rms doubled = rms_move(68.0f, 4.0f), smoother = rms_move(34.0f, 8.0f);
  EXPECT_NEAR(doubled.x, 2.0 * measured.x, 0.2 * measured.x);
  EXPECT_NEAR(doubled.y, 2.0 * measured.y, 0.2 * measured.y);
  EXPECT_LT(smoother.x, 0.75 * measured.x);
  EXPECT_LT(smoother.y, 0.75 * measured.y);
}

TEST(Augment, PositiveThicknessBlendsTowardsTheDilation) {
  const float t = 0.4f;
  const Floats out = applied(single_pixel(12, 9), thickened(t));
  // The 3x3 max filter of one lit pixel is a 3x3 square: its 8 new pixels get weight t.
  for (int y = 6; y <= 12; ++y) {
    for (int x = 9; x <= 15; ++x) {
      const int ring_distance = std::max(std::abs(x - 12), std::abs(y - 9));
      const float expected = ring_distance == 0 ? 1.0f : ring_distance == 1 ? t : 0.0f;
      EXPECT_NEAR(at(out, x, y), expected, 1e-6) << x << "," << y;
    }
  }
}

TEST(Augment, ThicknessAboveOnePixelDilatesMoreThanOnce) {
  const float t = 1.6f;
  const Floats out = applied(single_pixel(12, 9), thickened(t));
  // One full dilation (3x3 square of 1), then t - 1 of the next (the 5x5 border).
  for (int y = 5; y <= 13; ++y) {
    for (int x = 8; x <= 16; ++x) {
      const int d = std::max(std::abs(x - 12), std::abs(y - 9));
      const float expected = d <= 1 ? 1.0f : d == 2 ? t - 1.0f : 0.0f;
      EXPECT_NEAR(at(out, x, y), expected, 1e-6) << x << "," << y;
    }
  }
}

TEST(Augment, NegativeThicknessBlendsTowardsTheErosion) {
  const float t = -0.3f;
  // A 5x5 square at x 10..14, y 20..24: the 3x3 min filter keeps its inner 3x3.
  Bytes in(kPixels, 0);
  for (int y = 20; y <= 24; ++y) {
    for (int x = 10; x <= 14; ++x) in[static_cast<std::size_t>(y * kSide + x)] = 255;
  }
  const Floats out = applied(in, thickened(t));
  for (int y = 18; y <= 26; ++y) {
    for (int x = 8; x <= 16; ++x) {
      const int d = std::max(std::abs(x - 12), std::abs(y - 22));
      const float expected = d <= 1 ? 1.0f : d == 2 ? 1.0f + t : 0.0f;
      EXPECT_NEAR(at(out, x, y), expected, 1e-6) << x << "," << y;
    }
  }
}

TEST(Augment, ThicknessChangesTheInkOfADigit) {
  const Bytes in = ring();
  const double before = moments(in, 255.0).mass;
  int thicker = 0, thinner = 0;
  for (float t : {-0.5f, -0.3f, -0.1f, 0.1f, 0.3f, 0.5f}) {
    const double after = moments(applied(in, thickened(t)), 1.0).mass;
    if (t > 0.05f) {
      EXPECT_GT(after, before * (1.0 + 0.5 * t)) << "t " << t;
      ++thicker;
    } else if (t < -0.05f) {
      EXPECT_LT(after, before * (1.0 + 0.5 * t)) << "t " << t;
      ++thinner;
    }
  }
  EXPECT_EQ(thicker, 3);
  EXPECT_EQ(thinner, 3);
}

// The draw: every parameter within its option's range, over many seeds; the five
// scalars come first, in the documented order (shift x, shift y, angle, scale,
// thickness), and the elastic fields only when elastic_alpha > 0.
TEST(Augment, DrawsWithinTheRangesInTheDocumentedOrder) {
  nn::AugmentOptions o;
  o.max_shift = 2.0f;
  o.max_rotation = 15.0f;
  o.max_scale = 0.2f;
  o.max_thickness = 0.5f;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const nn::AugmentParams p = draws_for(seed, o);
    EXPECT_LE(std::abs(p.shift_x), 2.0f);
    EXPECT_LE(std::abs(p.shift_y), 2.0f);
    EXPECT_LE(std::abs(p.angle), 15.0f);
    EXPECT_LE(std::abs(p.scale - 1.0f), 0.2f);
    EXPECT_LE(std::abs(p.thickness), 0.5f);
    EXPECT_EQ(p.field_x.size(), kPixels);
    EXPECT_EQ(p.field_y.size(), kPixels);
  }
  nn::Rng r(9);
  const nn::AugmentParams p = draws_for(9, o);
  EXPECT_EQ(p.shift_x, r.uniform(-2.0f, 2.0f));
  EXPECT_EQ(p.shift_y, r.uniform(-2.0f, 2.0f));
  EXPECT_EQ(p.angle, r.uniform(-15.0f, 15.0f));
  EXPECT_EQ(p.scale, 1.0f + r.uniform(-0.2f, 0.2f));
  EXPECT_EQ(p.thickness, r.uniform(-0.5f, 0.5f));
  o.elastic_alpha = 0.0f;
  EXPECT_TRUE(draws_for(9, o).field_x.empty());
}

// augment_image is exactly draw_augment then apply_augment.
TEST(Augment, AugmentImageIsDrawThenApply) {
  const Bytes in = ring();
  const nn::AugmentOptions o;
  for (std::uint64_t seed = 1; seed <= 5; ++seed) EXPECT_EQ(augment(in, o, seed), applied(in, draws_for(seed, o)));
}

TEST(Augment, ApplyRejectsBadParameters) {
  const Bytes in(kPixels, 0);
  Floats out(kPixels);
  using nn::test::error_of;
  nn::AugmentParams p;
  p.scale = 0.0f;
  EXPECT_THAT(error_of([&] { nn::apply_augment(in, kSide, p, out); }), HasSubstr("the scale above 0"));
  p = {};
  p.angle = std::nanf("");
  EXPECT_THAT(error_of([&] { nn::apply_augment(in, kSide, p, out); }), HasSubstr("must be finite"));
  p = {};
  p.field_x.assign(kPixels, 0.0f);
  EXPECT_THAT(error_of([&] { nn::apply_augment(in, kSide, p, out); }),
              HasSubstr("the elastic fields must have 784 values each, got 784 and 0"));
}

TEST(Augment, RejectsBadArguments) {
  const Bytes in(kPixels, 0);
  Floats out(kPixels);
  Floats short_out(kPixels - 1);
  nn::Rng rng(1);
  const nn::AugmentOptions ok;
  using nn::test::error_of;
  EXPECT_THAT(error_of([&] { nn::augment_image(in, kSide, short_out, ok, rng); }),
              HasSubstr("expected 28 x 28 = 784 input and output pixels, got 784 input and 783 output"));
  EXPECT_THAT(error_of([&] { nn::augment_image(in, 27, out, ok, rng); }), HasSubstr("expected 27 x 27"));
  EXPECT_THAT(error_of([&] { nn::augment_image(in, 0, out, ok, rng); }), HasSubstr("side must be positive, got 0"));
  nn::AugmentOptions bad = ok;
  bad.max_scale = 1.0f;
  EXPECT_THAT(error_of([&] { nn::augment_image(in, kSide, out, bad, rng); }), HasSubstr("max_scale must be < 1"));
  bad = ok;
  bad.max_rotation = -5.0f;
  EXPECT_THAT(error_of([&] { nn::augment_image(in, kSide, out, bad, rng); }),
              HasSubstr("max_rotation must be finite and >= 0"));
  bad = ok;
  bad.elastic_sigma = 0.0f;
  EXPECT_THAT(error_of([&] { nn::augment_image(in, kSide, out, bad, rng); }),
              HasSubstr("elastic_sigma must be in (0, 1000] pixels when elastic_alpha > 0, got 0.0"));
  bad.elastic_sigma = std::nanf("");
  EXPECT_THAT(error_of([&] { nn::augment_image(in, kSide, out, bad, rng); }), HasSubstr("elastic_sigma must be"));
  bad.elastic_alpha = 0.0f;  // sigma is unused when the elastic distortion is off
  EXPECT_NO_THROW(nn::augment_image(in, kSide, out, bad, rng));
}

}  // namespace
