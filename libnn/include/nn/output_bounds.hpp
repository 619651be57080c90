// Can a network's outputs always be computed in float? The network's inputs are in
// [0, 1] (pixels / 255, or normalised ink). For such inputs every partial sum of layer
// k's product W_k a + b_k is bounded by M_{k+1} = |W_k| M_k + |b_k| (M_0 = 1), then by
// the activation: sigmoid and tanh give at most 1, ReLU, leaky ReLU and linear at
// most M. If a bound passes the largest float, float arithmetic may overflow to inf,
// and inf - inf gives NaN: such a model is refused when it is loaded. (A bound just
// below FLT_MAX may still round up to inf in float sums; softmax then shares the mass
// among the infinite logits, see softmax.hpp, so the result stays a distribution.)
#pragma once

#include <algorithm>
#include <string>

#include "nn/network.hpp"

namespace nn {

inline constexpr double kMaxOutputBound = 3.4028234663852886e38;  // FLT_MAX

// Throws nn::Error "SOURCE: W<k>: with inputs in [0, 1], output j of layer k can reach
// <bound>, beyond ..." when some bound passes kMaxOutputBound.
void check_outputs_finite(const Network& net, const std::string& source);

}  // namespace nn
