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
