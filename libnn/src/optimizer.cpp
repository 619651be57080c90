#include "nn/optimizer.hpp"

#include <string>

#include "format.hpp"
#include "nn/error.hpp"

namespace nn {

void Sgd::validate() const {
  using detail::g;
  if (!(learning_rate > 0)) throw Error("learning rate must be greater than 0, got " + g(learning_rate));
  if (!(momentum >= 0 && momentum < 1)) throw Error("momentum must be in [0, 1), got " + g(momentum));
  if (!(weight_decay >= 0 && learning_rate * weight_decay < 1)) {
    throw Error("weight decay must be 0 or more, and less than 1 / learning rate (" + g(1 / learning_rate) +
                "), got " + g(weight_decay));
  }
  if (frozen_layers < 0) throw Error("frozen layers must be 0 or more, got " + std::to_string(frozen_layers));
}

void Sgd::prepare(const Network& net) {
  const auto& layers = net.layers();
  if (momentum == 0.0f || (vW.size() == layers.size() && image_vW.size() == net.image_layers().size())) return;
  reset();
  for (const Layer& l : layers) {
    vW.push_back(Eigen::MatrixXf::Zero(l.W.rows(), l.W.cols()));
    vb.push_back(Eigen::VectorXf::Zero(l.b.size()));
  }
  for (const ImageLayer& l : net.image_layers()) {
    image_vW.push_back(Eigen::MatrixXf::Zero(l.W.rows(), l.W.cols()));
    image_vb.push_back(Eigen::VectorXf::Zero(l.b.size()));
  }
}

}  // namespace nn
