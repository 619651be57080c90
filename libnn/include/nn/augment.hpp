// Data augmentation: random distortions of a training image, so the network sees
// digits the way people draw them (shifted, rotated, scaled, thicker or thinner,
// wobbly) rather than only MNIST's 60,000 exact images.
//
// All randomness comes from the Rng passed in, so a seed reproduces a run.
#pragma once

#include <cstdint>
#include <span>

#include "nn/random.hpp"

namespace nn {

struct AugmentOptions {
  float max_shift = 2.0f;         // pixels, uniform in [-max, max] on each axis
  float max_rotation = 10.0f;     // degrees, uniform in [-max, max]
  float max_scale = 0.1f;         // relative, scale uniform in [1 - max, 1 + max]
  float max_thickness = 0.5f;     // pixels of stroke dilation (+) or erosion (-), uniform
  float elastic_alpha = 34.0f;    // elastic distortion strength in pixels (0: off); Simard et al. 2003
  float elastic_sigma = 4.0f;     // smoothness of the displacement field, pixels
};

// Writes a randomly distorted copy of a side x side image (bytes, 0 = paper,
// 255 = ink, row-major) into out (side * side floats in [0, 1]).
void augment_image(std::span<const std::uint8_t> in, int side, std::span<float> out,
                   const AugmentOptions& options, Rng& rng);

}  // namespace nn
