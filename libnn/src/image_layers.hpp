// Internal: the image layers' passes over a batch, for every forward and backward pass
// (forward.cpp, forward_sparse.cpp, backward.cpp, step.cpp). Sample by sample on the fast
// kernels of conv.hpp: a sample's result does not depend on which thread computes it.
//
// Legend: B = batch, m = image layers. acts[0] is the input (C H W x B) and acts[i + 1]
// image layer i's output (after the activation for a convolution), as in forward.hpp.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <vector>

#include "conv.hpp"
#include "nn/forward.hpp"
#include "nn/network.hpp"

namespace nn::detail {

// Sizes acts[1..m] for a batch of B samples.
void size_image_acts(const Network& net, Activations& acts, Eigen::Index batch);

// The fast kernels' buffers, one per image layer (so that none is resized from one
// layer's size to another's on every sample). One per thread.
using ImageScratch = std::vector<conv::ConvScratch>;

// Samples [first, first + count) of every image layer, acts[0] -> acts[m].
void image_forward(const Network& net, Activations& acts, Eigen::Index first, Eigen::Index count,
                   ImageScratch& scratch);

// Per image layer, the gradients of its W (Q x F) and b (F), summed over samples;
// empty for a pooling.
struct ImageGradients {
  std::vector<Eigen::MatrixXf> dW;
  std::vector<Eigen::VectorXf> db;
  void zero(const Network& net);  // sized for net, all zero
};

// Back through image layers m - 1 down to `lowest`, for samples [first, first + count):
// feature_grad (features x B) is the gradient at acts[m], the flattened features. Adds
// each sample's parameter gradients to g (layers below `lowest` get none). With
// input_grad, also writes the gradient at the input (acts[0]) for those samples
// (lowest must then be 0).
void image_backward(const Network& net, const Activations& acts, const Eigen::MatrixXf& feature_grad,
                    std::size_t lowest, Eigen::Index first, Eigen::Index count, ImageGradients& g,
                    Eigen::MatrixXf* input_grad, ImageScratch& scratch);

}  // namespace nn::detail
