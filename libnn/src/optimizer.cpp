#include "nn/optimizer.hpp"

#include <sstream>

#include "nn/error.hpp"

namespace nn {

void Sgd::validate() const {
  std::ostringstream msg;
  if (!(learning_rate > 0)) {
    msg << "learning rate must be greater than 0, got " << learning_rate;
  } else if (!(momentum >= 0 && momentum < 1)) {
    msg << "momentum must be in [0, 1), got " << momentum;
  } else if (!(weight_decay >= 0 && learning_rate * weight_decay < 1)) {
    msg << "weight decay must be 0 or more, and less than 1 / learning rate (" << 1 / learning_rate << "), got "
        << weight_decay;
  } else if (frozen_layers < 0) {
    msg << "frozen layers must be 0 or more, got " << frozen_layers;
  } else {
    return;
  }
  throw Error(msg.str());
}

void Sgd::prepare(const Network& net) {
  const auto& layers = net.layers();
  if (momentum == 0.0f || vW.size() == layers.size()) return;
  reset();
  for (const Layer& l : layers) {
    vW.push_back(Eigen::MatrixXf::Zero(l.W.rows(), l.W.cols()));
    vb.push_back(Eigen::VectorXf::Zero(l.b.size()));
  }
}

}  // namespace nn
