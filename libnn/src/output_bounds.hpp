// Internal: can a network's outputs always be computed in float? The network's inputs
// are in [0, 1] (pixels / 255, or normalised ink). For such inputs every partial sum of
// layer k's product W_k a + b_k is bounded by M_{k+1} = |W_k| M_k + |b_k| (M_0 = 1),
// then by the activation: sigmoid and tanh give at most 1, ReLU, leaky ReLU and linear
// at most M. If a bound passes the largest float, float arithmetic may overflow to inf,
// and inf - inf gives NaN. (A bound just below FLT_MAX may still round up to inf in
// float sums; softmax then shares the mass among the infinite logits, see softmax.hpp,
// so the result stays a distribution.)
//
// An image layer's bound is per channel: a convolution's output f is bounded by
// sum over its weights |w| M_c of the channel each reads + |b_f|, a pooling keeps its
// input's bounds. The flattened features take their channel's bound.
//
// Every network made from layers passes this check (the Network constructor: weights
// JSON, compact files, set_parameters), and so does every epoch fit() trains.
#pragma once

#include <string>

#include "nn/network.hpp"

namespace nn::detail {

inline constexpr double kMaxOutputBound = 3.4028234663852886e38;  // FLT_MAX

// Empty when every bound is within kMaxOutputBound; else what passes it: "W<k>: with
// inputs in [0, 1], output j of layer k can reach <bound>, beyond the largest float (3.4e38)".
std::string output_overflow(const Network& net);

}  // namespace nn::detail
