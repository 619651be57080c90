// The training forward pass (sparse_batch.hpp) over a sparse batch, on several threads:
// one parallel region; image layers by blocks of samples, then each dense layer's rows
// in blocks (blocks.hpp), a barrier per layer.
#include "blocks.hpp"
#include "image_layers.hpp"
#include "layer_rows.hpp"
#include "sparse_batch.hpp"
#include "nn/softmax.hpp"

namespace nn {

const Eigen::MatrixXf& forward(const Network& net, const SparseBatch& x, Activations& acts) {
  using detail::for_blocks;
  check_inputs(net, x.rows());
  const auto& layers = net.layers();
  const std::size_t m = net.image_layers().size();
  acts.resize(m + layers.size() + 1);
  if (m == 0) {
    acts[0].resize(0, 0);
  } else {
    acts[0] = x;  // the convolutions read whole images
    detail::size_image_acts(net, acts, x.cols());
  }
  for (std::size_t k = 0; k < layers.size(); ++k) acts[m + k + 1].resize(layers[k].W.rows(), x.cols());
#pragma omp parallel
  {
    if (m > 0) {
      detail::ImageScratch scratch;  // per thread
      for_blocks(x.cols(), detail::kImageBlock, [&](Eigen::Index first, Eigen::Index count) {
        detail::image_forward(net, acts, first, count, scratch);
      });
    }
    for (std::size_t k = 0; k < layers.size(); ++k) {
      const Eigen::Index block = k == 0 && m == 0 ? detail::kSparseBlock : detail::kBlock;
      for_blocks(layers[k].W.rows(), block, [&](Eigen::Index first, Eigen::Index count) {
        if (k == 0 && m == 0) {
          detail::layer_rows(net, 0, x, acts[1], first, count);
        } else {
          detail::layer_rows(net, k, acts[m + k], acts[m + k + 1], first, count);
        }
      });
    }
    for_blocks(x.cols(), detail::kBlock, [&](Eigen::Index first, Eigen::Index count) {
      softmax(acts.back().middleCols(first, count));
    });
  }
  return acts.back();
}

}  // namespace nn
