// Kernels of the image layers: 2-D convolution (stride 1, 'valid' or 'same' padding)
// and 2 x 2 max-pooling (stride 2). Free functions, no I/O; the fast ones reuse the
// buffers they are given. Each has a plain reference beside it, written as the formula
// reads: the oracle the fast kernels are tested against (tests/unit/test_conv.cpp).
//
// Legend: B = batch, C = input channels, H x W = input height x width, F = filters
// (output channels), K = kernel side, P = padding, OH x OW = output height x width,
// Q = C K K (one output's inputs). Samples are columns, as everywhere in libnn: a batch
// is a (C H W) x B matrix and each column one image, channel after channel, each
// channel row-major (for C = 1, MNIST's own pixel order).
//
// Convolution (cross-correlation, as in every framework):
//   out[f, y, x] = b[f] + sum over c, i, j of  w[f, c, i, j] * in[c, y + i - P, x + j - P]
// with zeros outside the image. The weights are a Q x F matrix, column f = filter f, so
// that its memory is ONNX's (F, C, K, K) row-major array. 'same' (odd K) keeps H x W;
// 'valid' gives (H - K + 1) x (W - K + 1).
//
// Max-pooling: out[c, y, x] = the largest of in[c, 2y + i, 2x + j] for i, j in {0, 1};
// an odd last row or column is dropped (ONNX's floor). The backward pass routes each
// gradient to the input that was the largest (the first of equals, in row-major order).
#pragma once

#include <Eigen/Core>
#include <vector>

#include "nn/network.hpp"

namespace nn::conv {

using nn::Padding;
using nn::Shape;

struct Conv2d {
  Shape in;
  int filters = 1;
  int kernel = 3;
  Padding padding = Padding::Valid;

  int pad() const { return padding == Padding::Same ? kernel / 2 : 0; }
  Shape out() const;
  int patch() const { return in.channels * kernel * kernel; }  // Q
};

// A convolution layer's geometry.
Conv2d geometry(const ImageLayer& layer);

// Throws nn::Error unless the geometry makes sense (positive sizes, an odd kernel for
// 'same', a kernel no larger than the image for 'valid').
void check(const Conv2d& g);

Shape pool_out(const Shape& in);  // C x floor(H / 2) x floor(W / 2); checks H, W >= 2

// --- references: one sample, plain loops, double ------------------------------------

// in: C H W; w: Q F (column f = filter f); b: F; out: F OH OW.
void conv2d_forward_reference(const Conv2d& g, const std::vector<double>& w, const std::vector<double>& b,
                              const std::vector<double>& in, std::vector<double>& out);
// dout: F OH OW. Adds to dw (Q F) and db (F); writes din (C H W).
void conv2d_backward_reference(const Conv2d& g, const std::vector<double>& w, const std::vector<double>& in,
                               const std::vector<double>& dout, std::vector<double>& dw, std::vector<double>& db,
                               std::vector<double>& din);
void maxpool2_forward_reference(const Shape& in_shape, const std::vector<double>& in, std::vector<double>& out);
void maxpool2_backward_reference(const Shape& in_shape, const std::vector<double>& in,
                                 const std::vector<double>& dout, std::vector<double>& din);

// --- fast: float, im2col and Eigen's products ----------------------------------------

// Scratch of the fast convolution: one sample's patches, OH OW x Q (row p = output
// position p, column q = the input it multiplies by weight row q).
struct ConvScratch {
  Eigen::MatrixXf patches;
  Eigen::MatrixXf patch_grads;
};

// One sample. x: C H W floats; y: F OH OW floats. No activation: the caller applies it.
void conv2d_forward_sample(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::VectorXf& b, const float* x,
                           float* y, ConvScratch& scratch);
// One sample. dy: F OH OW, the gradient of the loss at y. Adds the sample's gradients
// to dw (Q x F) and db (F); writes dx (C H W) unless it is null (a first layer needs no
// input gradient).
void conv2d_backward_sample(const Conv2d& g, const Eigen::MatrixXf& w, const float* x, const float* dy,
                            Eigen::MatrixXf& dw, Eigen::VectorXf& db, float* dx, ConvScratch& scratch);
// One sample. x: C H W; y: C OH OW.
void maxpool2_forward_sample(const Shape& in, const float* x, float* y);
// One sample: dx (C H W) = dy routed to the input each output was taken from (found
// again from x, as the forward pass chose it).
void maxpool2_backward_sample(const Shape& in, const float* x, const float* dy, float* dx);

// Batches (columns) of the same: x is C H W x B; outputs are resized.
void conv2d_forward(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::VectorXf& b,
                    const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y, ConvScratch& scratch);
// Sets dw and db to the gradients summed over the batch; dx unless null.
void conv2d_backward(const Conv2d& g, const Eigen::MatrixXf& w, const Eigen::Ref<const Eigen::MatrixXf>& x,
                     const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dw, Eigen::VectorXf& db,
                     Eigen::MatrixXf* dx, ConvScratch& scratch);
void maxpool2_forward(const Shape& in, const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::MatrixXf& y);
void maxpool2_backward(const Shape& in, const Eigen::Ref<const Eigen::MatrixXf>& x,
                       const Eigen::Ref<const Eigen::MatrixXf>& dy, Eigen::MatrixXf& dx);

}  // namespace nn::conv
