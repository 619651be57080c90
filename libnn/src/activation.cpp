#include "nn/activation.hpp"

#include <array>
#include <string>
#include <utility>

#include "nn/error.hpp"

namespace nn {
namespace {

constexpr std::array<std::pair<std::string_view, Activation>, 5> kNames{{
    {"re-lu", Activation::ReLU},
    {"sigmoid", Activation::Sigmoid},
    {"tanh", Activation::Tanh},
    {"linear", Activation::Linear},
    {"leaky-re-lu", Activation::LeakyReLU},
}};

}  // namespace

Activation parse_activation(std::string_view name) {
  for (const auto& [n, a] : kNames) {
    if (n == name) return a;
  }
  std::string known;
  for (const auto& [n, a] : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
  throw Error("unknown activation '" + std::string(name) + "' (expected one of: " + known + ")");
}

std::string_view activation_name(Activation a) {
  for (const auto& [n, act] : kNames) {
    if (act == a) return n;
  }
  return "?";
}

std::vector<std::string> activation_names() {
  std::vector<std::string> out;
  for (const auto& [n, a] : kNames) out.emplace_back(n);
  return out;
}

void activation_forward(Activation a, Eigen::Ref<Eigen::MatrixXf> z) {
  auto x = z.array();
  switch (a) {
    case Activation::ReLU: x = x.max(0.0f); break;
    case Activation::Sigmoid: x = 1.0f / (1.0f + (-x).exp()); break;
    case Activation::Tanh: x = x.tanh(); break;
    case Activation::Linear: break;
    case Activation::LeakyReLU: x = (x > 0.0f).select(x, kLeakySlope * x); break;
  }
}

void activation_backward(Activation a, const Eigen::Ref<const Eigen::MatrixXf>& a_out,
                         Eigen::Ref<Eigen::MatrixXf> grad) {
  auto y = a_out.array();
  auto g = grad.array();
  switch (a) {
    case Activation::ReLU: g = (y > 0.0f).select(g, 0.0f); break;
    case Activation::Sigmoid: g *= y * (1.0f - y); break;
    case Activation::Tanh: g *= 1.0f - y.square(); break;
    case Activation::Linear: break;
    case Activation::LeakyReLU: g = (y > 0.0f).select(g, kLeakySlope * g); break;
  }
}

}  // namespace nn
