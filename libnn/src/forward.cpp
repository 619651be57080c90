// The reference forward pass (nn/forward.hpp): serial, dense, plain.
#include "nn/forward.hpp"

#include <cmath>
#include <string>

#include "image_layers.hpp"
#include "nn/error.hpp"
#include "layer_rows.hpp"
#include "nn/softmax.hpp"

namespace nn {

const Eigen::MatrixXf& forward(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Activations& acts) {
  check_inputs(net, x.rows());
  if (!x.allFinite()) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        if (std::isfinite(x(i, c))) continue;
        throw Error((x.cols() > 1 ? "sample " + std::to_string(c) + ", " : std::string()) + "input[" +
                    std::to_string(i) + "]: expected a finite number, got " + std::to_string(x(i, c)));
      }
    }
  }
  const auto& layers = net.layers();
  const std::size_t m = net.image_layers().size();
  acts.resize(m + layers.size() + 1);
  acts[0] = x;
  if (m > 0) {
    detail::ImageScratch scratch;
    detail::size_image_acts(net, acts, x.cols());
    detail::image_forward(net, acts, 0, x.cols(), scratch);
  }
  for (std::size_t k = 0; k < layers.size(); ++k) {
    acts[m + k + 1].resize(layers[k].W.rows(), x.cols());
    detail::layer_rows(net, k, acts[m + k], acts[m + k + 1], 0, layers[k].W.rows());
  }
  softmax(acts.back());
  return acts.back();
}

Eigen::MatrixXf predict(const Network& net, const Eigen::Ref<const Eigen::MatrixXf>& x) {
  Activations acts;
  forward(net, x, acts);
  return std::move(acts.back());
}

}  // namespace nn
