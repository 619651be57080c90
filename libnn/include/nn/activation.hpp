// Hidden-layer activations, by the original trainer's names:
// re-lu, sigmoid, tanh, linear, leaky-re-lu (slope 0.01 below zero).
// The output layer is always softmax (see softmax.hpp).
#pragma once

#include <Eigen/Core>
#include <string>
#include <string_view>
#include <vector>

namespace nn {

enum class Activation { ReLU, Sigmoid, Tanh, Linear, LeakyReLU };

inline constexpr float kLeakySlope = 0.01f;

// "re-lu" -> Activation::ReLU; throws nn::Error naming the accepted names.
Activation parse_activation(std::string_view name);
std::string_view activation_name(Activation a);
std::vector<std::string> activation_names();

// In place: Z -> f(Z).
void activation_forward(Activation a, Eigen::Ref<Eigen::MatrixXf> z);

// In place: dA -> dA * f'(Z), written in terms of A = f(Z) so that Z need not be kept.
// (Every activation here has a derivative expressible through its output.)
void activation_backward(Activation a, const Eigen::Ref<const Eigen::MatrixXf>& a_out,
                         Eigen::Ref<Eigen::MatrixXf> grad);

}  // namespace nn
