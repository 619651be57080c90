// Drawing a PenDrawing as the page's canvas does (nn/pen.hpp): a round pen (round caps
// and joins) along each stroke, ink 1 where it passed, anti-aliased over one pixel.
//
// Legend: n = output side (336 / scale); pixel (x, y) has its centre at (x + 0.5,
// y + 0.5) in output px; r = the pen's radius in output px. A pixel's ink is
// clamp(r + 0.5 - d, 0, 1) for d its centre's distance to the nearest stroke segment:
// the covered fraction of a 1 px wide strip across the pen's edge, which is what a
// canvas's anti-aliasing gives to within a few percent. Each segment visits only its
// own box of pixels, so a digit costs its ink, not the canvas.
#include <algorithm>
#include <cmath>

#include "nn/image.hpp"
#include "nn/pen.hpp"

namespace nn {
namespace {

constexpr float kTrainingScale = 4.0f;  // 336 / 4 = 84 px, the 20 px pen 5 px

// Distance from p to the segment a-b (a point when a = b).
float segment_distance(float px, float py, Point a, Point b) {
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.0f;
  t = std::clamp(t, 0.0f, 1.0f);
  return std::hypot(px - (a.x + t * dx), py - (a.y + t * dy));
}

void draw_segment(Point a, Point b, float r, int n, float* ink) {
  const int x0 = std::max(0, static_cast<int>(std::floor(std::min(a.x, b.x) - r - 1)));
  const int x1 = std::min(n - 1, static_cast<int>(std::ceil(std::max(a.x, b.x) + r + 1)));
  const int y0 = std::max(0, static_cast<int>(std::floor(std::min(a.y, b.y) - r - 1)));
  const int y1 = std::min(n - 1, static_cast<int>(std::ceil(std::max(a.y, b.y) + r + 1)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const float d = segment_distance(static_cast<float>(x) + 0.5f, static_cast<float>(y) + 0.5f, a, b);
      float& v = ink[static_cast<std::size_t>(y) * static_cast<std::size_t>(n) + static_cast<std::size_t>(x)];
      v = std::max(v, std::clamp(r + 0.5f - d, 0.0f, 1.0f));
    }
  }
}

}  // namespace

void render_pen(const PenDrawing& drawing, float scale, std::vector<float>& out) {
  const int n = static_cast<int>(std::lround(kPenCanvas / scale));
  out.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0f);
  const float r = 0.5f * drawing.pen_width / scale;
  for (const Stroke& s : drawing.strokes) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const Point a{s[i].x / scale, s[i].y / scale};
      const Point b = i + 1 < s.size() ? Point{s[i + 1].x / scale, s[i + 1].y / scale} : a;
      if (i + 1 < s.size() || s.size() == 1) draw_segment(a, b, r, n, out.data());
    }
  }
}

bool pen_input(const PenDrawing& drawing, Eigen::Ref<Eigen::VectorXf> out) {
  thread_local std::vector<float> ink;
  render_pen(drawing, kTrainingScale, ink);
  const int n = static_cast<int>(std::lround(kPenCanvas / kTrainingScale));
  return normalize_digit(ink, n, n, out);
}

bool pen_training_image(std::span<const std::uint8_t> image, int side, int label, Rng& rng,
                        Eigen::Ref<Eigen::VectorXf> out) {
  const PenStyle style = draw_pen_style(label, rng);
  return pen_input(draw_pen_digit(image, side, label, style, rng), out);
}

}  // namespace nn
