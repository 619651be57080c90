// Turning a drawing into the network's input.
//
// An "ink" image is width x height floats, row-major, 0 = paper, 1 = full ink
// (MNIST's convention: white digit on black). Two pipelines:
//
//   original_input   what the original page did: the canvas shrunk to 28x28 by the
//                    browser, red channel thresholded at 127, inverted. Kept to
//                    measure against.
//   normalize_digit  what MNIST's creators did to every digit: crop to the ink's
//                    bounding box, scale to fit 20x20 keeping the aspect ratio with
//                    area averaging (anti-aliased), then place in 28x28 so that the
//                    centre of mass is at the centre.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

namespace nn {

inline constexpr int kDigitSide = 28;  // MNIST images are 28 x 28
inline constexpr int kDigitBox = 20;   // the digit is scaled to fit 20 x 20 inside
inline constexpr int kMaxCanvasSide = 4096;  // largest width or height accepted, pixels

// Throws nn::Error unless 1 <= width, height <= kMaxCanvasSide and byte_count is exactly
// width x height x 4. Never overflows, also where size_t is 32 bits (WebAssembly):
// the sides are bounded before they are multiplied (4096 x 4096 x 4 = 64 MiB).
void check_rgba_size(int width, int height, std::size_t byte_count);

// RGBA bytes (as canvas getImageData gives them) -> ink in [0, 1]: dark, opaque
// pixels are ink; transparent pixels count as paper. Throws nn::Error on a size mismatch (see check_rgba_size).
std::vector<float> ink_from_rgba(std::span<const std::uint8_t> rgba, int width, int height);

// The original page's input from a 28x28 RGBA image: R < 127 -> 1 (ink), else 0.
Eigen::VectorXf original_input(std::span<const std::uint8_t> rgba_28x28);

// MNIST-style normalisation of an ink image of any size into 784 values in [0, 1].
// Returns false (and leaves `out` zero) when there is no ink to recognise.
bool normalize_digit(std::span<const float> ink, int width, int height, Eigen::Ref<Eigen::VectorXf> out);

}  // namespace nn
