// The image layers' passes (image_layers.hpp).
#include "image_layers.hpp"

#include <utility>

namespace nn::detail {

void size_image_acts(const Network& net, Activations& acts, Eigen::Index batch) {
  const auto& image = net.image_layers();
  for (std::size_t i = 0; i < image.size(); ++i) acts[i + 1].resize(image[i].out().size(), batch);
}

void image_forward(const Network& net, Activations& acts, Eigen::Index first, Eigen::Index count,
                   ImageScratch& scratch) {
  const auto& image = net.image_layers();
  scratch.resize(image.size());
  for (std::size_t i = 0; i < image.size(); ++i) {
    const ImageLayer& l = image[i];
    for (Eigen::Index s = first; s < first + count; ++s) {
      const float* x = acts[i].col(s).data();
      float* y = acts[i + 1].col(s).data();
      if (l.kind == ImageLayer::Kind::Pool) {
        conv::maxpool2_forward_sample(l.in, x, y);
      } else {
        conv::conv2d_forward_sample(conv::geometry(l), l.W, l.b, x, y, scratch[i]);
      }
    }
    if (l.kind == ImageLayer::Kind::Conv) activation_forward(net.activation(), acts[i + 1].middleCols(first, count));
  }
}

void ImageGradients::zero(const Network& net) {
  const auto& image = net.image_layers();
  dW.resize(image.size());
  db.resize(image.size());
  for (std::size_t i = 0; i < image.size(); ++i) {
    dW[i].setZero(image[i].W.rows(), image[i].W.cols());
    db[i].setZero(image[i].b.size());
  }
}

void image_backward(const Network& net, const Activations& acts, const Eigen::MatrixXf& feature_grad,
                    std::size_t lowest, Eigen::Index first, Eigen::Index count, ImageGradients& g,
                    Eigen::MatrixXf* input_grad, ImageScratch& scratch) {
  const auto& image = net.image_layers();
  scratch.resize(image.size());
  Eigen::VectorXf grad, below;  // the gradient at a layer's output, then at its input
  for (Eigen::Index s = first; s < first + count; ++s) {
    grad = feature_grad.col(s);
    for (std::size_t i = image.size(); i-- > lowest;) {
      const ImageLayer& l = image[i];
      const bool more = i > lowest || input_grad != nullptr;  // is the gradient below needed?
      below.resize(l.in.size());
      if (l.kind == ImageLayer::Kind::Pool) {
        if (more) conv::maxpool2_backward_sample(l.in, acts[i].col(s).data(), grad.data(), below.data());
      } else {
        activation_backward(net.activation(), acts[i + 1].col(s), grad);
        conv::conv2d_backward_sample(conv::geometry(l), l.W, acts[i].col(s).data(), grad.data(), g.dW[i], g.db[i],
                                     more ? below.data() : nullptr, scratch[i]);
      }
      std::swap(grad, below);
    }
    if (input_grad != nullptr) input_grad->col(s) = grad;
  }
}

}  // namespace nn::detail
