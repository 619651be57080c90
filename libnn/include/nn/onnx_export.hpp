// ONNX export: the network as an ONNX model that ONNX Runtime, Netron and other tools
// read. Written by a small protobuf encoder of our own (no dependency). Native only.
//
// The graph (IR version 8, default domain opset 13), for layers k = 0 .. L-1:
//   input   "input"          float [N, I_0]       (N symbolic: any batch size)
//   W<k>    initializer      float [I_k, O_k]     the weights file's row-major W_k, as is
//   b<k>    initializer      float [O_k]
//   Gemm    "gemm<k>"        input or hidden<k-1>, W<k>, b<k> -> "logits<k>"   (Y = A B + C)
//   Relu / Sigmoid / Tanh / LeakyRelu (alpha 0.01) "act<k>" -> "hidden<k>"      hidden layers only;
//                            a linear activation adds no node (Gemm writes "hidden<k>")
//   Softmax "softmax"        axis -1, logits<L-1> -> "probabilities"
//   output  "probabilities"  float [N, O_{L-1}]
//
// A network with image layers takes "input" float [N, C, H, W] and starts with them:
//   Conv "conv<i>" (C<j> [F, C, k, k], c<j> [F], pads k / 2 for 'same') then the activation
//   "conv_act<i>", or MaxPool "pool<i>" (2 x 2, stride 2), each writing "image<i>"; then
//   Flatten "flatten" (axis 1) -> "features", the first Gemm's input.
#pragma once

#include <string>

#include "nn/network.hpp"

namespace nn {

inline constexpr int kOnnxIrVersion = 8;
inline constexpr int kOnnxOpset = 13;

// The serialised ModelProto.
std::string onnx_bytes(const Network& net);

// Writes onnx_bytes atomically (temporary file beside `path`, then renamed over it).
void save_onnx(const Network& net, const std::string& path);

}  // namespace nn
