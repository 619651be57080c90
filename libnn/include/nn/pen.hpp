// Digits as people draw them on the page: an MNIST digit's strokes, redrawn with the
// page's round pen, in ways of writing MNIST lacks.
//
// The page draws on a 336 x 336 canvas with a round pen 20 px wide and turns the canvas
// into the network's input with normalize_digit (image.hpp). A scanned MNIST digit is
// not drawn that way: its strokes vary in width, and its width relative to its size is
// MNIST's, not the page's. Here a digit is thinned to its skeleton, traced into strokes
// (polylines), changed into one of the styles below, placed on the canvas at a random
// size and position, drawn with a round pen and normalised by the page's own function.
//
// Coordinates: a Point is (x, y) in pixels, x to the right, y down. Skeletons and traced
// strokes are in the source image's pixels (pixel (i, j) has its centre at (i + 0.5,
// j + 0.5)); a PenDrawing is in the page's canvas pixels (0..kPenCanvas).
//
// Not here: the page's quadratic smoothing between pointer samples (the traced strokes
// are already smooth polylines), the pressure of real pens (the page has none).
#pragma once

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nn/random.hpp"

namespace nn {

inline constexpr float kPenCanvas = 336.0f;  // the page's canvas side, px
inline constexpr float kPenWidth = 20.0f;    // the page's pen width, px

struct Point {
  float x = 0, y = 0;
};
using Stroke = std::vector<Point>;  // one pen-down movement, in drawing order

// Zhang-Suen thinning: the ink (pixels >= threshold) of a side x side byte image reduced
// to 8-connected lines one pixel wide. Returns side * side bytes, 1 = skeleton, 0 = not.
std::vector<std::uint8_t> skeleton(std::span<const std::uint8_t> image, int side, std::uint8_t threshold = 128);

// A skeleton (side * side bytes, non-zero = on) as polylines through its pixel centres:
// each walk starts at an end (a pixel with one neighbour) while there is one, else
// anywhere (a loop, closed back to its start), and goes on while an unvisited neighbour
// remains, 4-neighbours before diagonals; a walk that stops next to an earlier stroke
// is joined to it. Every skeleton pixel is on exactly one stroke.
std::vector<Stroke> trace(std::span<const std::uint8_t> skel, int side);

// skeleton + trace, strokes of fewer than min_points points dropped (specks), then each
// smoothed by `passes` of the [1/4 1/2 1/4] filter (ends fixed) to take off the pixel
// staircase. In the image's pixels.
std::vector<Stroke> digit_strokes(std::span<const std::uint8_t> image, int side, int min_points = 3,
                                  int passes = 2);

// The ways of drawing a digit. Each one is also a row of the drawn-digit benchmark.
enum class PenStyle {
  plain,          // MNIST's strokes, page pen, digit 45-80 % of the canvas
  thin_pen,       // pen 35-65 % of the page's width, relative to the digit
  thick_pen,      // pen 150-220 %
  small,          // digit 15-40 % of the canvas
  strokes,        // cut into more strokes: pen lifts, joins a little apart or overlapping
  flag_one,       // 1 with a flag at the top and a base (European)
  crossed_seven,  // 7 with a crossbar through the stem
  open_four,      // 4 drawn as two strokes, the top left open
  straight_nine,  // 9: a loop and a straight stem down its right side
};
inline constexpr int kPenStyles = 9;
inline constexpr std::array<PenStyle, kPenStyles> kAllPenStyles = {
    PenStyle::plain,    PenStyle::thin_pen,  PenStyle::thick_pen,     PenStyle::small,        PenStyle::strokes,
    PenStyle::flag_one, PenStyle::crossed_seven, PenStyle::open_four, PenStyle::straight_nine};

std::string_view pen_style_name(PenStyle style);  // "plain", "flag-one", ...
// Throws nn::Error listing the names for an unknown one.
PenStyle parse_pen_style(std::string_view name);
// Whether a style applies to a digit: the four digit styles only to their own digit.
bool pen_style_fits(PenStyle style, int label);

// A digit drawn on the page: strokes in canvas px and the pen's width in px (kPenWidth,
// or another for the pen styles: the page's pen relative to a larger or smaller digit).
struct PenDrawing {
  std::vector<Stroke> strokes;
  float pen_width = kPenWidth;
};

// The drawing of an MNIST digit (side x side bytes, labelled `label`) in `style`,
// random in size (its box's longer side, pen included, a fraction of the canvas), position, turn
// (+-8 degrees), aspect (+-10 %) and the style's own choices, all from rng. Throws
// nn::Error when the style does not fit the label. An image with no ink (or only specks)
// gives no strokes.
PenDrawing draw_pen_digit(std::span<const std::uint8_t> image, int side, int label, PenStyle style, Rng& rng);

// Renders a drawing as the canvas would, at 1/scale of the canvas's resolution (scale
// 1: 336 x 336; 4: 84 x 84, the pen 5 px): ink in [0, 1] where the round pen passed,
// anti-aliased over one output pixel. out: n x n floats, n = round(kPenCanvas / scale).
void render_pen(const PenDrawing& drawing, float scale, std::vector<float>& out);

// The network's input for a drawing: render_pen at 1/4 resolution, then normalize_digit.
// Returns false (out zero) when nothing was drawn.
bool pen_input(const PenDrawing& drawing, Eigen::Ref<Eigen::VectorXf> out);

// A style for one training image of this label: uniform among the styles that fit it.
PenStyle draw_pen_style(int label, Rng& rng);

// draw_pen_style, draw_pen_digit and pen_input in one: what training uses. out: 784 values.
// Returns false when the image has no ink.
bool pen_training_image(std::span<const std::uint8_t> image, int side, int label, Rng& rng,
                        Eigen::Ref<Eigen::VectorXf> out);

}  // namespace nn
