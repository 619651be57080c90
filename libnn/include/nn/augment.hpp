// Data augmentation: random distortions of a training image, so the network sees
// digits the way people draw them (shifted, rotated, scaled, thicker or thinner,
// wobbly) rather than only MNIST's 60,000 exact images.
//
// Two steps: draw_augment() draws the parameters of one distortion from an Rng (so a
// seed reproduces a run), apply_augment() applies given parameters to an image (so a
// test can ask for "2 pixels right, 10 degrees" directly). augment_image() does both.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "nn/random.hpp"

namespace nn {

struct AugmentOptions {
  float max_shift = 2.0f;         // pixels, uniform in [-max, max] on each axis
  float max_rotation = 10.0f;     // degrees, uniform in [-max, max]
  float max_scale = 0.1f;         // relative, scale uniform in [1 - max, 1 + max]
  float max_thickness = 0.5f;     // pixels of stroke dilation (+) or erosion (-), uniform
  // Elastic distortion strength in pixels (0: off), after Simard et al. 2003, who used 34
  // on MNIST's raw digits. 20 for ours: the page's model (scripts/train_page_model.sh)
  // and the README's augmented runs were measured with it, on digits normalised as the
  // page normalises drawings. The trainer's --elastic-alpha defaults to this.
  float elastic_alpha = 20.0f;
  float elastic_sigma = 4.0f;     // smoothness of the displacement field, pixels

  // Throws nn::Error naming the option when one is negative, not finite or out of range.
  void validate() const;
};

// One distortion of a side x side image. Pixel (x, y) covers [x, x+1) x [y, y+1), x to
// the right, y down. The digit is scaled about the image centre, turned, then shifted;
// the elastic field moves where each output pixel reads from; then the strokes are
// made thicker or thinner.
struct AugmentParams {
  float shift_x = 0.0f;    // pixels, to the right
  float shift_y = 0.0f;    // pixels, down
  float angle = 0.0f;      // degrees, clockwise on screen
  float scale = 1.0f;      // > 0
  float thickness = 0.0f;  // pixels of stroke dilation (+) or erosion (-)
  // Elastic displacement of each output pixel's source point, pixels, side * side
  // values each, row-major; both empty: no elastic distortion.
  std::vector<float> field_x, field_y;
};

// Draws one distortion within the options' ranges, always in this order (a seed
// reproduces it): shift x, shift y, angle, scale, thickness (drawn even when their
// option is 0), then, only when elastic_alpha > 0, the noise of field x then field y.
// Reuses out's buffers.
void draw_augment(const AugmentOptions& options, int side, Rng& rng, AugmentParams& out);

// Writes the distorted copy of a side x side image (bytes, 0 = paper, 255 = ink,
// row-major) into out (side * side floats in [0, 1]). With default params, out = in / 255.
void apply_augment(std::span<const std::uint8_t> in, int side, const AugmentParams& params, std::span<float> out);

// draw_augment then apply_augment; buffers are kept per thread, so the training loop
// allocates nothing per image.
void augment_image(std::span<const std::uint8_t> in, int side, std::span<float> out,
                   const AugmentOptions& options, Rng& rng);

}  // namespace nn
