#include "nn/activation.hpp"

#include "activation_table.hpp"

namespace nn {

using detail::kActivations;

Activation parse_activation(std::string_view name) { return detail::parse_name(kActivations, name, "activation"); }
std::string_view activation_name(Activation a) { return detail::name_of(kActivations, a); }
std::vector<std::string> activation_names() { return detail::names_of(kActivations); }

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
