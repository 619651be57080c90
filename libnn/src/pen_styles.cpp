// The styles of nn/pen.hpp: an MNIST digit's traced strokes changed into a way of writing
// MNIST lacks, then placed on the page's canvas.
//
// Units: the style changes work in the source image's pixels (28 x 28 for MNIST), where a
// digit spans about 20 px; placing scales them to canvas px (the digit's box 45-80 % of
// the 336 px canvas, so one image pixel is about 8-13 canvas px and the 20 px pen about
// 2 image px). Gaps between strokes are made after placing, in canvas px, since they are
// measured against the pen.
//
// The four digit styles keep what MNIST's digit gives them: the 1's stem, the 7's strokes
// with a crossbar added at its stem, and for the open 4 and the straight 9 (whose strokes
// MNIST's closed 4s and curved 9s do not contain) a template fitted to the digit's own
// ink box and slant.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "nn/error.hpp"
#include "nn/pen.hpp"

namespace nn {
namespace {

struct Box {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
};

Box box_of(const std::vector<Stroke>& strokes) {
  Box b;
  for (const Stroke& s : strokes) {
    for (const Point& p : s) {
      b.x0 = std::min(b.x0, p.x);
      b.y0 = std::min(b.y0, p.y);
      b.x1 = std::max(b.x1, p.x);
      b.y1 = std::max(b.y1, p.y);
    }
  }
  return b;
}

// The ink's slant: x moves by this much per pixel down (second moments, mu11 / mu02).
float slant_of(std::span<const std::uint8_t> image, int side) {
  double m = 0, mx = 0, my = 0;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const double v = image[static_cast<std::size_t>(y * side + x)];
      m += v;
      mx += v * x;
      my += v * y;
    }
  }
  if (m <= 0) return 0;
  mx /= m;
  my /= m;
  double mu11 = 0, mu02 = 0;
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) {
      const double v = image[static_cast<std::size_t>(y * side + x)];
      mu11 += v * (x - mx) * (y - my);
      mu02 += v * (y - my) * (y - my);
    }
  }
  return mu02 > 0 ? static_cast<float>(std::clamp(mu11 / mu02, -0.6, 0.6)) : 0.0f;
}

// A point of a template in box units (u, v in [0, 1], v down), placed in the box with
// the slant about the box's middle row.
Point in_box(const Box& b, float slant, float u, float v) {
  const float y = b.y0 + v * b.height();
  return {b.x0 + u * b.width() + slant * (y - 0.5f * (b.y0 + b.y1)), y};
}

Stroke line(Point a, Point b, int points = 6) {
  Stroke s;
  for (int i = 0; i < points; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(points - 1);
    s.push_back({a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
  }
  return s;
}

std::size_t longest(const std::vector<Stroke>& strokes) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < strokes.size(); ++i) {
    if (strokes[i].size() > strokes[best].size()) best = i;
  }
  return best;
}

// The European 1: MNIST's stem (its longest stroke, top to bottom) with a flag drawn
// into its top in the same stroke, and a base as a second stroke.
std::vector<Stroke> flag_one(const std::vector<Stroke>& strokes, Rng& rng) {
  Stroke stem = strokes[longest(strokes)];
  if (stem.front().y > stem.back().y) std::reverse(stem.begin(), stem.end());
  const Point top = stem.front(), bottom = stem.back();
  const float h = std::max(bottom.y - top.y, 8.0f);
  const float flag = rng.uniform(0.25f, 0.45f) * h;                            // length
  const float angle = rng.uniform(20.0f, 55.0f) * std::numbers::pi_v<float> / 180.0f;  // below horizontal
  const Point start{top.x - flag * std::cos(angle), top.y + flag * std::sin(angle)};
  Stroke first = line(start, top, 4);
  first.insert(first.end(), stem.begin() + 1, stem.end());
  const float half = rng.uniform(0.2f, 0.35f) * h, tilt = rng.uniform(-0.04f, 0.04f) * h;
  return {first, line({bottom.x - half, bottom.y + tilt}, {bottom.x + half, bottom.y - tilt})};
}

// The 7 with a crossbar: MNIST's strokes, plus a short bar through the stem at 45-60 %
// of the height, drawn last.
std::vector<Stroke> crossed_seven(std::vector<Stroke> strokes, Rng& rng) {
  const Box b = box_of(strokes);
  const float y = b.y0 + rng.uniform(0.45f, 0.6f) * b.height();
  float x = 0.5f * (b.x0 + b.x1);  // where the stem crosses y; the box's middle if nowhere
  for (const Stroke& s : strokes) {
    for (std::size_t i = 1; i < s.size(); ++i) {
      const Point p = s[i - 1], q = s[i];
      if ((p.y - y) * (q.y - y) <= 0 && p.y != q.y) x = p.x + (y - p.y) / (q.y - p.y) * (q.x - p.x);
    }
  }
  const float h = std::max(b.height(), 8.0f);
  const float left = rng.uniform(0.15f, 0.3f) * h, right = rng.uniform(0.15f, 0.3f) * h;
  const float tilt = rng.uniform(-0.05f, 0.05f) * h;
  strokes.push_back(line({x - left, y + tilt}, {x + right, y - tilt}));
  return strokes;
}

// The open-top 4 in two strokes, fitted to the 4's box and slant: the left arm down and
// the bar to the right, then the stem, which starts at or above the arm's top.
std::vector<Stroke> open_four(const Box& b, float slant, Rng& rng) {
  const float arm_x = rng.uniform(0.0f, 0.25f), bar_v = rng.uniform(0.5f, 0.7f);
  const float stem_u = rng.uniform(0.65f, 0.85f), arm_top = rng.uniform(0.0f, 0.25f);
  Stroke arm = line(in_box(b, slant, arm_x, arm_top), in_box(b, slant, 0.0f, bar_v));
  const Stroke bar = line(in_box(b, slant, 0.0f, bar_v), in_box(b, slant, 1.0f, bar_v - rng.uniform(0.0f, 0.08f)));
  arm.insert(arm.end(), bar.begin() + 1, bar.end());
  return {arm, line(in_box(b, slant, stem_u, 0.0f), in_box(b, slant, stem_u - 0.05f, 1.0f), 8)};
}

// The 9 with a straight stem, in one stroke fitted to the 9's box and slant: a loop
// from its right side anticlockwise on screen (up, left, down, right) back to the right,
// then straight down.
std::vector<Stroke> straight_nine(const Box& b, float slant, Rng& rng) {
  const float loop_h = rng.uniform(0.35f, 0.5f), stem_u = rng.uniform(0.8f, 1.0f);
  const float cu = 0.5f * stem_u, ru = 0.5f * stem_u, rv = 0.5f * loop_h;
  Stroke s;
  for (int i = 0; i <= 16; ++i) {
    const float a = 2.0f * std::numbers::pi_v<float> * static_cast<float>(i) / 16.0f;
    s.push_back(in_box(b, slant, cu + ru * std::cos(a), rv - rv * std::sin(a)));
  }
  const Stroke stem = line(in_box(b, slant, stem_u, rv), in_box(b, slant, stem_u - rng.uniform(0.0f, 0.15f), 1.0f), 8);
  s.insert(s.end(), stem.begin() + 1, stem.end());
  return {s};
}

// Cuts the drawing into pen lifts: one or two cuts at random points of its longest stroke
// (whole strokes already apart stay apart). The piece after a cut starts where the last
// ended, moved along the stroke by -0.5 to 1.3 pen widths (< 0 goes back over the first
// piece; > 1 leaves a gap of up to 0.3 pen, 6 px) and across it by up to 0.3 pen widths.
void lift_pen(std::vector<Stroke>& strokes, float pen, Rng& rng) {
  const int cuts = 1 + static_cast<int>(rng.below(2));
  for (int c = 0; c < cuts; ++c) {
    const std::size_t k = longest(strokes);
    Stroke& s = strokes[k];
    if (s.size() < 6) return;
    const std::size_t at = 2 + rng.below(static_cast<std::uint32_t>(s.size() - 4));
    Stroke rest(s.begin() + static_cast<std::ptrdiff_t>(at), s.end());
    s.resize(at + 1);  // the first piece ends on the cut point
    const Point a = s[at - 1], b = s[at];
    const float dx = b.x - a.x, dy = b.y - a.y, len = std::max(std::hypot(dx, dy), 1e-3f);
    const float along = rng.uniform(-0.5f, 1.3f) * pen, across = rng.uniform(-0.3f, 0.3f) * pen;
    const Point start{b.x + (along * dx - across * dy) / len, b.y + (along * dy + across * dx) / len};
    rest.insert(rest.begin(), start);
    strokes.insert(strokes.begin() + static_cast<std::ptrdiff_t>(k) + 1, rest);
  }
}

float pen_for(PenStyle style, Rng& rng) {
  switch (style) {
    case PenStyle::thin_pen: return kPenWidth * rng.uniform(0.35f, 0.65f);
    case PenStyle::thick_pen: return kPenWidth * rng.uniform(1.5f, 2.2f);
    default: return kPenWidth * rng.uniform(0.9f, 1.1f);
  }
}

}  // namespace

std::string_view pen_style_name(PenStyle style) {
  switch (style) {
    case PenStyle::plain: return "plain";
    case PenStyle::thin_pen: return "thin-pen";
    case PenStyle::thick_pen: return "thick-pen";
    case PenStyle::small: return "small";
    case PenStyle::strokes: return "strokes";
    case PenStyle::flag_one: return "flag-one";
    case PenStyle::crossed_seven: return "crossed-seven";
    case PenStyle::open_four: return "open-four";
    case PenStyle::straight_nine: return "straight-nine";
  }
  return "?";
}

PenStyle parse_pen_style(std::string_view name) {
  std::string names;
  for (PenStyle s : kAllPenStyles) {
    if (pen_style_name(s) == name) return s;
    names += (names.empty() ? "" : ", ") + std::string(pen_style_name(s));
  }
  throw Error("unknown pen style '" + std::string(name) + "'; expected one of " + names);
}

bool pen_style_fits(PenStyle style, int label) {
  switch (style) {
    case PenStyle::flag_one: return label == 1;
    case PenStyle::crossed_seven: return label == 7;
    case PenStyle::open_four: return label == 4;
    case PenStyle::straight_nine: return label == 9;
    default: return true;
  }
}

PenStyle draw_pen_style(int label, Rng& rng) {
  std::array<PenStyle, kPenStyles> fit{};
  std::uint32_t n = 0;
  for (PenStyle s : kAllPenStyles) {
    if (pen_style_fits(s, label)) fit[n++] = s;
  }
  return fit[rng.below(n)];
}

PenDrawing draw_pen_digit(std::span<const std::uint8_t> image, int side, int label, PenStyle style, Rng& rng) {
  if (!pen_style_fits(style, label)) {
    throw Error("pen style " + std::string(pen_style_name(style)) + " does not fit the digit " + std::to_string(label));
  }
  PenDrawing d;
  std::vector<Stroke> strokes = digit_strokes(image, side);
  if (strokes.empty()) return d;
  d.pen_width = pen_for(style, rng);
  const float slant = slant_of(image, side);
  switch (style) {
    case PenStyle::flag_one: strokes = flag_one(strokes, rng); break;
    case PenStyle::crossed_seven: strokes = crossed_seven(std::move(strokes), rng); break;
    case PenStyle::open_four: strokes = open_four(box_of(strokes), slant, rng); break;
    case PenStyle::straight_nine: strokes = straight_nine(box_of(strokes), slant, rng); break;
    default: break;
  }
  // A random turn (+-8 degrees) and aspect (+-10 %) about the box's centre.
  const Box b = box_of(strokes);
  const float cx = 0.5f * (b.x0 + b.x1), cy = 0.5f * (b.y0 + b.y1);
  const float turn = rng.uniform(-8.0f, 8.0f) * std::numbers::pi_v<float> / 180.0f;
  const float aspect = rng.uniform(0.9f, 1.1f);
  const float c = std::cos(turn), s = std::sin(turn);
  for (Stroke& st : strokes) {
    for (Point& p : st) {
      const float x = (p.x - cx) * aspect, y = p.y - cy;
      p = {c * x - s * y, s * x + c * y};
    }
  }
  // Placing: the ink box's longer side (points' box plus the pen) a fraction of the
  // canvas, at a random position where all the ink stays on it.
  const bool small = style == PenStyle::small;
  const float target = rng.uniform(small ? 0.15f : 0.45f, small ? 0.4f : 0.8f) * kPenCanvas;
  const Box t = box_of(strokes);
  const float span = std::max({t.width(), t.height(), 1.0f});
  const float scale = std::max(target - d.pen_width, 0.2f * target) / span;
  const float w = t.width() * scale + d.pen_width, h = t.height() * scale + d.pen_width;
  const float left = rng.uniform(0.0f, std::max(kPenCanvas - w, 0.0f));
  const float top = rng.uniform(0.0f, std::max(kPenCanvas - h, 0.0f));
  for (Stroke& st : strokes) {
    for (Point& p : st) {
      p = {left + 0.5f * d.pen_width + (p.x - t.x0) * scale, top + 0.5f * d.pen_width + (p.y - t.y0) * scale};
    }
  }
  if (style == PenStyle::strokes) lift_pen(strokes, d.pen_width, rng);
  d.strokes = std::move(strokes);
  return d;
}

}  // namespace nn
