// Layer lists as text: the trainer's --layers, the weights JSON's "layers", messages.
//
//   convKxF        a 2-D convolution: K x K kernels, F filters (output channels), stride
//                  1, 'valid' padding (the image shrinks by K - 1), then the activation
//   convKxF:same   the same with 'same' padding (odd K; the image keeps its size)
//   pool2          2 x 2 max-pooling, stride 2
//   denseN         a dense layer of N units; the last one's N is the number of classes
//
// e.g. "conv5x16 pool2 conv5x32 pool2 dense128 dense10" on 1x28x28 digits. Image layers
// (conv, pool) come first, then at least one dense layer (network.hpp says why).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "nn/network.hpp"

namespace nn {

// A network of those layers on inputs of the given shape, weights zero (init.hpp fills
// them). Throws nn::Error naming the bad token and what was expected, e.g.
// "layer 3 'conv5': expected convKxF, convKxF:same, pool2 or denseN", or the layer
// whose geometry fails ("layer 5 'pool2': 2x2 max-pooling needs an image of at least
// 2x2, got 1x1").
Network network_from_layers(Shape input, std::span<const std::string> tokens, Activation activation);

// The list back, one token per layer: a round trip through network_from_layers().
std::vector<std::string> layer_list(const Network& net);

// "1x28x28": a shape as the layer lists and messages write it.
std::string shape_text(Shape shape);

}  // namespace nn
