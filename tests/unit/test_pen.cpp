// Pen drawings (nn/pen.hpp): skeletons and tracing of hand-made shapes, the round pen's
// width and extent, each style's distinctive feature, determinism from the seed, and
// fit's pen_fraction (reproducible, thread-count independent, checked).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "nn/fit.hpp"
#include "nn/init.hpp"
#include "nn/pen.hpp"
#include "nn/threads.hpp"
#include "test_util.hpp"

namespace {

using ::testing::HasSubstr;
constexpr int kSide = 28;

using Image = std::vector<std::uint8_t>;

// A filled rectangle [x0, x1) x [y0, y1) of ink in a 28 x 28 image.
void fill(Image& img, int x0, int y0, int x1, int y1) {
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) img[static_cast<std::size_t>(y * kSide + x)] = 255;
  }
}

// A thick line from (ax, ay) to (bx, by), half-width w, pixel centres.
void thick_line(Image& img, float ax, float ay, float bx, float by, float w) {
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
      const float dx = bx - ax, dy = by - ay;
      const float t = std::clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0.0f, 1.0f);
      if (std::hypot(px - ax - t * dx, py - ay - t * dy) <= w) img[static_cast<std::size_t>(y * kSide + x)] = 255;
    }
  }
}

Image one() {
  Image img(kSide * kSide, 0);
  thick_line(img, 14, 4, 13, 24, 1.5f);
  return img;
}

Image seven() {
  Image img(kSide * kSide, 0);
  thick_line(img, 7, 5, 20, 5, 1.5f);
  thick_line(img, 20, 5, 11, 24, 1.5f);
  return img;
}

Image ring() {
  Image img(kSide * kSide, 0);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const float r = std::hypot(static_cast<float>(x) + 0.5f - 14, static_cast<float>(y) + 0.5f - 14);
      if (r >= 6 && r <= 9) img[static_cast<std::size_t>(y * kSide + x)] = 255;
    }
  }
  return img;
}

int count_on(const std::vector<std::uint8_t>& img) { return static_cast<int>(std::count(img.begin(), img.end(), 1)); }

struct Box {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
};
Box box_of(const std::vector<nn::Stroke>& strokes) {
  Box b;
  for (const auto& s : strokes) {
    for (const auto& p : s) b = {std::min(b.x0, p.x), std::min(b.y0, p.y), std::max(b.x1, p.x), std::max(b.y1, p.y)};
  }
  return b;
}

// Where a polyline crosses the row y (the first crossing), or NaN.
float crossing_x(const nn::Stroke& s, float y) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    const nn::Point p = s[i - 1], q = s[i];
    if ((p.y - y) * (q.y - y) <= 0 && p.y != q.y) return p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x);
  }
  return std::nanf("");
}

TEST(Skeleton, ABarThinsToOneLineOnePixelWide) {
  Image img(kSide * kSide, 0);
  fill(img, 4, 12, 24, 17);  // 20 x 5
  const auto skel = nn::skeleton(img, kSide);
  for (int x = 0; x < kSide; ++x) {
    int column = 0;
    for (int y = 0; y < kSide; ++y) column += skel[static_cast<std::size_t>(y * kSide + x)];
    EXPECT_LE(column, 1) << "column " << x;
  }
  EXPECT_GE(count_on(skel), 14);
  const auto strokes = nn::trace(skel, kSide);
  ASSERT_EQ(strokes.size(), 1u);
  EXPECT_EQ(static_cast<int>(strokes[0].size()), count_on(skel));
  EXPECT_NEAR(strokes[0].front().y, 14.5f, 1.0f);  // along the bar's middle row
}

TEST(Skeleton, ARingTracesToOneClosedLoop) {
  const auto strokes = nn::digit_strokes(ring(), kSide);
  ASSERT_EQ(strokes.size(), 1u);
  const nn::Stroke& s = strokes[0];
  EXPECT_GT(s.size(), 30u);
  EXPECT_LT(std::hypot(s.front().x - s.back().x, s.front().y - s.back().y), 1.5f);  // closed
  for (const nn::Point& p : s) EXPECT_NEAR(std::hypot(p.x - 14, p.y - 14), 7.5f, 1.5f);
}

TEST(Skeleton, ASevenTracesFromEndToEnd) {
  const auto strokes = nn::digit_strokes(seven(), kSide);
  ASSERT_EQ(strokes.size(), 1u);
  nn::Point a = strokes[0].front(), b = strokes[0].back();
  if (a.y > b.y) std::swap(a, b);
  EXPECT_NEAR(a.x, 7.5f, 2.0f);  // the bar's left end
  EXPECT_NEAR(b.y, 23.5f, 2.0f);  // the stem's foot
}

TEST(Skeleton, WrongSizeIsRejected) {
  EXPECT_THAT(nn::test::error_of([] { nn::skeleton(Image(10, 0), kSide); }), HasSubstr("got 10 pixels"));
}

TEST(PenRender, ADotIsThePensWidth) {
  nn::PenDrawing d;
  d.strokes = {{{168, 168}}};
  for (float scale : {1.0f, 4.0f}) {
    std::vector<float> ink;
    nn::render_pen(d, scale, ink);
    const int n = static_cast<int>(std::lround(336 / scale));
    ASSERT_EQ(ink.size(), static_cast<std::size_t>(n * n));
    const int row = static_cast<int>(168 / scale);
    float width = 0;
    for (int x = 0; x < n; ++x) width += ink[static_cast<std::size_t>(row * n + x)];
    EXPECT_NEAR(width * scale, nn::kPenWidth, 1.0f * scale) << "scale " << scale;
  }
}

TEST(PenRender, InkStaysWithinThePenOfTheStrokes) {
  nn::PenDrawing d;
  d.pen_width = 12;
  d.strokes = {{{100, 100}, {200, 150}}, {{120, 220}, {130, 230}}};
  std::vector<float> ink;
  nn::render_pen(d, 1, ink);
  for (int y = 0; y < 336; ++y) {
    for (int x = 0; x < 336; ++x) {
      if (ink[static_cast<std::size_t>(y * 336 + x)] == 0) continue;
      EXPECT_TRUE(x >= 100 - 7 && x <= 200 + 7 && y >= 100 - 7 && y <= 230 + 7) << x << "," << y;
    }
  }
  EXPECT_EQ(ink[150 * 336 + 125], 0.0f);  // between the strokes
}

TEST(PenDigit, EveryStyleIsOnTheCanvasAtItsSizeAndPen) {
  const Image img = seven();
  for (nn::PenStyle style : nn::kAllPenStyles) {
    const int label = style == nn::PenStyle::flag_one ? 1 : style == nn::PenStyle::open_four ? 4
                      : style == nn::PenStyle::straight_nine ? 9 : 7;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      nn::Rng rng(seed);
      const nn::PenDrawing d = nn::draw_pen_digit(img, kSide, label, style, rng);
      ASSERT_FALSE(d.strokes.empty());
      const Box b = box_of(d.strokes);
      const float r = 0.5f * d.pen_width, longer = std::max(b.x1 - b.x0, b.y1 - b.y0) + d.pen_width;
      EXPECT_GE(b.x0 - r, -0.01f);
      EXPECT_GE(b.y0 - r, -0.01f);
      EXPECT_LE(b.x1 + r, 336.01f);
      EXPECT_LE(b.y1 + r, 336.01f);
      // Pen lifts may push a piece a little out of the placed box.
      const float slack = style == nn::PenStyle::strokes ? 1.5f * d.pen_width : 0.5f;
      const bool small = style == nn::PenStyle::small;
      EXPECT_GE(longer, (small ? 0.15f : 0.45f) * 336 - slack) << nn::pen_style_name(style);
      EXPECT_LE(longer, (small ? 0.4f : 0.8f) * 336 + slack) << nn::pen_style_name(style);
      const float pen = d.pen_width / nn::kPenWidth;
      if (style == nn::PenStyle::thin_pen) {
        EXPECT_TRUE(pen >= 0.35f && pen <= 0.65f) << pen;
      } else if (style == nn::PenStyle::thick_pen) {
        EXPECT_TRUE(pen >= 1.5f && pen <= 2.2f) << pen;
      } else {
        EXPECT_TRUE(pen >= 0.9f && pen <= 1.1f) << pen;
      }
    }
  }
}

TEST(PenDigit, TheSeedReproducesTheDrawing) {
  auto draw = [](std::uint64_t seed) {
    nn::Rng rng(seed);
    return nn::draw_pen_digit(seven(), kSide, 7, nn::PenStyle::strokes, rng);
  };
  const nn::PenDrawing a = draw(5), b = draw(5), c = draw(6);
  ASSERT_EQ(a.strokes.size(), b.strokes.size());
  for (std::size_t i = 0; i < a.strokes.size(); ++i) {
    ASSERT_EQ(a.strokes[i].size(), b.strokes[i].size());
    for (std::size_t k = 0; k < a.strokes[i].size(); ++k) {
      EXPECT_EQ(a.strokes[i][k].x, b.strokes[i][k].x);
      EXPECT_EQ(a.strokes[i][k].y, b.strokes[i][k].y);
    }
  }
  EXPECT_NE(a.strokes[0][0].x, c.strokes[0][0].x);
}

TEST(PenDigit, PenLiftsCutTheDigitIntoTwoOrThreeStrokes) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    nn::Rng rng(seed);
    const auto d = nn::draw_pen_digit(seven(), kSide, 7, nn::PenStyle::strokes, rng);
    EXPECT_TRUE(d.strokes.size() == 2 || d.strokes.size() == 3) << d.strokes.size();
  }
}

// The crossbar (the last stroke) is short, nearly level, and crosses the stem.
TEST(PenDigit, TheSevensCrossbarCrossesTheStem) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    nn::Rng rng(seed);
    const auto d = nn::draw_pen_digit(seven(), kSide, 7, nn::PenStyle::crossed_seven, rng);
    ASSERT_EQ(d.strokes.size(), 2u);
    const nn::Stroke& bar = d.strokes[1];
    const nn::Point a = bar.front(), b = bar.back();
    EXPECT_LT(std::abs(b.y - a.y), 0.5f * std::abs(b.x - a.x) + 1);  // within ~27 degrees of level
    const float x = crossing_x(d.strokes[0], 0.5f * (a.y + b.y));
    ASSERT_FALSE(std::isnan(x));
    EXPECT_GT(x, std::min(a.x, b.x) + 2);
    EXPECT_LT(x, std::max(a.x, b.x) - 2);
  }
}

// The European 1: a flag below and left of the stem's top, a base across its foot.
TEST(PenDigit, TheOneHasAFlagAndABase) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    nn::Rng rng(seed);
    const auto d = nn::draw_pen_digit(one(), kSide, 1, nn::PenStyle::flag_one, rng);
    ASSERT_EQ(d.strokes.size(), 2u);
    const Box b = box_of(d.strokes);
    const nn::Stroke& stem = d.strokes[0];
    const auto top = std::min_element(stem.begin(), stem.end(), [](auto p, auto q) { return p.y < q.y; });
    EXPECT_LT(stem.front().x, top->x - 5);  // the flag starts left of the top
    EXPECT_GT(stem.front().y, top->y + 5);  // and below it
    const nn::Stroke& base = d.strokes[1];
    const nn::Point mid{0.5f * (base.front().x + base.back().x), 0.5f * (base.front().y + base.back().y)};
    EXPECT_LT(std::hypot(mid.x - stem.back().x, mid.y - stem.back().y), 0.1f * (b.y1 - b.y0));  // at the foot
    const float foot = stem.back().x;
    EXPECT_LT(std::min(base.front().x, base.back().x), foot - 5);
    EXPECT_GT(std::max(base.front().x, base.back().x), foot + 5);
  }
}

// The open 4: the arm's top stays well away from the stem (the line through its ends).
TEST(PenDigit, TheFourIsOpenAtTheTop) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    nn::Rng rng(seed);
    const auto d = nn::draw_pen_digit(seven(), kSide, 4, nn::PenStyle::open_four, rng);
    ASSERT_EQ(d.strokes.size(), 2u);
    const nn::Point arm_top = d.strokes[0].front();
    const nn::Point a = d.strokes[1].front(), b = d.strokes[1].back();
    const float stem_x = a.x + (arm_top.y - a.y) / (b.y - a.y) * (b.x - a.x);
    EXPECT_GT(stem_x - arm_top.x, 1.5f * d.pen_width);
  }
}

// The 9's stem is straight: its last points lie on the line through its ends.
TEST(PenDigit, TheNinesStemIsStraight) {
  nn::Rng rng(3);
  const auto d = nn::draw_pen_digit(ring(), kSide, 9, nn::PenStyle::straight_nine, rng);
  ASSERT_EQ(d.strokes.size(), 1u);
  const nn::Stroke& s = d.strokes[0];
  const nn::Point a = s[s.size() - 8], b = s.back();
  EXPECT_GT(b.y - a.y, 50);  // a long stem down
  for (std::size_t i = s.size() - 8; i < s.size(); ++i) {
    const float cross = (b.x - a.x) * (s[i].y - a.y) - (b.y - a.y) * (s[i].x - a.x);
    EXPECT_NEAR(cross / std::hypot(b.x - a.x, b.y - a.y), 0.0f, 0.01f);
  }
}

TEST(PenDigit, StylesOnlyFitTheirDigitAndNamesRoundTrip) {
  for (nn::PenStyle s : nn::kAllPenStyles) EXPECT_EQ(nn::parse_pen_style(nn::pen_style_name(s)), s);
  EXPECT_THAT(nn::test::error_of([] { nn::parse_pen_style("curly"); }), HasSubstr("unknown pen style 'curly'"));
  EXPECT_FALSE(nn::pen_style_fits(nn::PenStyle::flag_one, 7));
  EXPECT_TRUE(nn::pen_style_fits(nn::PenStyle::small, 3));
  nn::Rng rng(1);
  EXPECT_THAT(nn::test::error_of([&] { nn::draw_pen_digit(one(), kSide, 3, nn::PenStyle::flag_one, rng); }),
              HasSubstr("does not fit the digit 3"));
  for (int i = 0; i < 200; ++i) EXPECT_TRUE(nn::pen_style_fits(nn::draw_pen_style(4, rng), 4));
}

TEST(PenDigit, TheInputIsNormalisedLikeTheCanvas) {
  nn::Rng rng(2);
  Eigen::VectorXf x(784);
  ASSERT_TRUE(nn::pen_training_image(seven(), kSide, 7, rng, x));
  EXPECT_GE(x.minCoeff(), 0.0f);
  EXPECT_LE(x.maxCoeff(), 1.0f);
  double m = 0, cx = 0, cy = 0;
  for (int i = 0; i < 784; ++i) {
    m += x[i];
    cx += x[i] * (i % 28 + 0.5);
    cy += x[i] * (i / 28 + 0.5);
  }
  EXPECT_NEAR(cx / m, 14.0, 1.0);  // centre of mass at the centre
  EXPECT_NEAR(cy / m, 14.0, 1.0);
  EXPECT_FALSE(nn::pen_training_image(Image(784, 0), kSide, 7, rng, x));  // no ink
}

// A small data set of 28 x 28 digits for fit.
nn::Dataset digits() {
  nn::Dataset data;
  data.source = "pen digits";
  data.features = 784;
  for (int i = 0; i < 40; ++i) {
    const Image img = i % 2 ? one() : seven();
    data.pixels.insert(data.pixels.end(), img.begin(), img.end());
    data.labels.push_back(i % 2 ? 1 : 7);
  }
  return data;
}

nn::Network trained(float pen_fraction, int threads, bool augment) {
  nn::set_threads(threads);
  nn::Network net({784, 16, 10}, nn::Activation::ReLU);
  nn::Rng rng(11);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  nn::FitOptions options;
  options.sgd.learning_rate = 0.01f;
  options.batch_size = 8;
  options.epochs = 2;
  options.pen_fraction = pen_fraction;
  if (augment) options.augment = nn::AugmentOptions{};
  const nn::Dataset data = digits();
  nn::fit(net, data, nullptr, options, rng);
  nn::set_threads(0);
  return net;
}

bool same_weights(const nn::Network& a, const nn::Network& b) {
  for (std::size_t k = 0; k < a.layers().size(); ++k) {
    if (a.layers()[k].W != b.layers()[k].W || a.layers()[k].b != b.layers()[k].b) return false;
  }
  return true;
}

TEST(FitPen, SameSeedSameWeightsWhateverTheThreads) {
  for (bool augment : {true, false}) {
    const nn::Network one_thread = trained(0.5f, 1, augment);
    EXPECT_TRUE(same_weights(one_thread, trained(0.5f, 1, augment)));
    EXPECT_TRUE(same_weights(one_thread, trained(0.5f, 2, augment)));
    EXPECT_FALSE(same_weights(one_thread, trained(0.0f, 1, augment)));  // the pen drawings were used
  }
}

TEST(FitPen, BadFractionsAndImagesAreRejected) {
  for (float bad : {-0.1f, 1.5f, std::nanf("")}) {
    nn::FitOptions o;
    o.pen_fraction = bad;
    EXPECT_THAT(nn::test::error_of([&] { o.validate(); }), HasSubstr("the pen fraction must be in [0, 1]"));
  }
  nn::Dataset small;
  small.source = "small";
  small.features = 16;
  small.pixels.assign(32, 100);
  small.labels = {1, 2};
  nn::Network net({16, 4, 10}, nn::Activation::ReLU);
  nn::FitOptions o;
  o.epochs = 1;
  o.pen_fraction = 0.5f;
  nn::Rng rng(1);
  EXPECT_THAT(nn::test::error_of([&] { nn::fit(net, small, nullptr, o, rng); }),
              HasSubstr("pen drawings need 28 x 28 images, got 16 pixels"));
}

}  // namespace
