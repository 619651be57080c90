#include "nn/init.hpp"

#include <cmath>
#include <string>

#include "nn/error.hpp"

namespace nn {

Initialization parse_initialization(std::string_view name) {
  if (name == "default") return Initialization::Default;
  if (name == "xavier") return Initialization::Xavier;
  throw Error("unknown initialization '" + std::string(name) +
              "' (expected one of: default, xavier)");
}

std::string_view initialization_name(Initialization i) {
  return i == Initialization::Xavier ? "xavier" : "default";
}

void initialize(Network& net, Initialization init, Rng& rng) {
  // Convolutions first, in the order of parameters(): fan-in C k k, fan-out F k k.
  for (ImageLayer& l : net.image_layers()) {
    if (l.kind != ImageLayer::Kind::Conv) continue;
    const auto fan = static_cast<float>(l.patch() + l.filters * l.kernel * l.kernel);
    const float limit = init == Initialization::Xavier ? std::sqrt(6.0f / fan) : 0.3f;
    float* w = l.W.data();
    for (Eigen::Index i = 0; i < l.W.size(); ++i) w[i] = rng.uniform(-limit, limit);
    l.b.setConstant(init == Initialization::Xavier ? 0.0f : 1.0f);
  }
  for (Layer& l : net.layers()) {
    const auto fan = static_cast<float>(l.W.rows() + l.W.cols());
    const float limit = init == Initialization::Xavier ? std::sqrt(6.0f / fan) : 0.3f;
    // Fill in flat (row-major (I, O)) order so a seed gives the same file everywhere.
    float* w = l.W.data();
    for (Eigen::Index i = 0; i < l.W.size(); ++i) w[i] = rng.uniform(-limit, limit);
    l.b.setConstant(init == Initialization::Xavier ? 0.0f : 1.0f);
  }
}

}  // namespace nn
