// A network: a sequence of layers, one hidden activation, softmax output.
//
//   input (C x H x W) -> image layers (convolutions, 2 x 2 max-pooling), if any
//                     -> flatten -> dense layers -> softmax
//
// A fully connected network (the original's) has no image layers: its input is a
// vector. A convolutional one starts with image layers: every convolution is followed
// by the hidden activation, a pooling by none; the last image layer's output, flattened
// (channel after channel, each row-major), is the first dense layer's input. So the
// order is always image layers, then dense ones: a convolution after a dense layer
// would have no image to slide over.
//
// Legend: I = layer inputs, O = layer outputs, B = batch. Samples are columns.
// Dense layer k holds W (O x I) and b (O). Stored column-major, W's memory is exactly
// the weights file's flat row-major (I, O) array W_k[i * O + j].
// Image samples are C H W values, channel after channel, each channel row-major (for
// C = 1, MNIST's own pixel order).
//
// The forward passes are in forward.hpp, training in fit.hpp.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "nn/activation.hpp"

namespace nn {

struct Layer {
  Eigen::MatrixXf W;  // O x I
  Eigen::VectorXf b;  // O
};

struct Shape {
  int channels = 1;
  int height = 1;
  int width = 1;
  int size() const { return channels * height * width; }
  bool operator==(const Shape&) const = default;
};

enum class Padding { Valid, Same };

// An image layer: a 2-D convolution or a 2 x 2 max-pooling (the kernels are described
// in src/conv.hpp).
//   Conv: k x k kernels, stride 1, F filters; 'valid' padding gives (H - k + 1) x
//         (W - k + 1), 'same' (odd k) keeps H x W with zeros around the image.
//         out[f, y, x] = f(b[f] + sum over c, i, j of w[f, c, i, j] in[c, y + i - P, x + j - P])
//         with the hidden activation f. W is Q x F (Q = C k k, column f = filter f): its
//         memory is ONNX's (F, C, k, k) row-major array.
//   Pool: the largest of each 2 x 2 block, stride 2; an odd last row or column is
//         dropped (ONNX's floor). No parameters.
struct ImageLayer {
  enum class Kind { Conv, Pool };
  Kind kind = Kind::Conv;
  Shape in;                          // the layer's input
  int filters = 0;                   // conv: F
  int kernel = 0;                    // conv: k
  Padding padding = Padding::Valid;  // conv
  Eigen::MatrixXf W;                 // conv: Q x F; pool: empty
  Eigen::VectorXf b;                 // conv: F; pool: empty

  static ImageLayer conv(Shape in, int filters, int kernel, Padding padding);  // zero weights
  static ImageLayer pool(Shape in);
  Shape out() const;
  int patch() const { return in.channels * kernel * kernel; }  // Q
};

// Bounds on a network's shape, checked before anything is allocated, for every network
// however it is made (the weights JSON, a compact .nnm file, the trainer's sizes): a
// layer of at most 65,536 units, and at most 2^28 parameters in all (1 GiB of floats, the
// size of the largest weights file read). 65,536 is far above any digit model (784 inputs,
// layers of a few hundred) and keeps one layer's I x O product within 2^32. Compact .nnm
// files are held to the same bound (compact_model.hpp).
inline constexpr int kMaxLayerSize = 1 << 16;
inline constexpr std::int64_t kMaxParameters = std::int64_t{1} << 28;

class Network {
 public:
  // sizes: at least two, each 1..kMaxLayerSize, e.g. {784, 500, 300, 100, 10}, with at
  // most kMaxParameters weights and biases. Weights start at zero.
  Network(std::vector<int> sizes, Activation activation);
  // A convolutional network with zero weights: the input's shape, its image layers
  // (shapes chained: each layer's `in` is the previous one's out()), then the dense
  // layers' sizes after the flattened features, e.g. {128, 10}.
  Network(Shape input, std::vector<ImageLayer> image_layers, const std::vector<int>& dense_sizes,
          Activation activation);
  // From existing layers, image and dense, checked as every model read is (see below).
  Network(Shape input, std::vector<ImageLayer> image_layers, std::vector<Layer> layers, Activation activation,
          const std::string& source = "network");
  // From existing layers, checked as every model read is: they chain (each layer's I is
  // the previous O), the sizes are within the bounds above, and for inputs in [0, 1] no
  // output can overflow float (which would make the probabilities NaN). Throws nn::Error
  // "SOURCE: W<k>: with inputs in [0, 1], output j of layer k can reach ..." for the last.
  Network(std::vector<Layer> layers, Activation activation, const std::string& source = "network");

  // The dense layers' sizes, their inputs first: the network's inputs for a fully
  // connected network, the flattened features of the image layers otherwise.
  const std::vector<int>& sizes() const { return sizes_; }
  Shape input_shape() const { return input_; }
  int inputs() const { return input_.size(); }
  int outputs() const { return sizes_.back(); }
  Activation activation() const { return activation_; }
  std::vector<Layer>& layers() { return layers_; }
  const std::vector<Layer>& layers() const { return layers_; }
  std::vector<ImageLayer>& image_layers() { return image_; }
  const std::vector<ImageLayer>& image_layers() const { return image_; }
  bool is_dense() const { return image_.empty(); }
  // Every layer, image and dense: the index fine-tuning's frozen layers count in.
  std::size_t layer_count() const { return image_.size() + layers_.size(); }
  long parameter_count() const;

 private:
  void check_layers(const std::string& source);  // the checks of the constructors from layers

  Shape input_;
  std::vector<ImageLayer> image_;
  std::vector<int> sizes_;
  Activation activation_;
  std::vector<Layer> layers_;
};

// Throws nn::Error unless a batch with `rows` inputs per sample fits the network.
void check_inputs(const Network& net, Eigen::Index rows);

// "784-500-300-100-10": the sizes as messages and reports write them.
std::string sizes_text(const std::vector<int>& sizes);

// The network as messages and reports write it: sizes_text() for a fully connected
// network, the layer list otherwise (layer_list.hpp), e.g.
// "1x28x28 conv5x16 pool2 conv5x32 pool2 dense128 dense10".
std::string describe(const Network& net);

// Every weight and bias as one flat array: each convolution's W (ONNX's (F, C, k, k)
// order) and b, in order, then the dense layers in the weights file's order: W0
// (row-major inputs x outputs, which is W's column-major O x I memory), b0, W1, b1, ...
// parameter_count() numbers.
std::vector<float> parameters(const Network& net);

// Replaces every weight and bias from an array in parameters()' order. All or nothing:
// throws nn::Error naming `source`, and leaves net unchanged, for a wrong count, a value
// that is not finite, or weights whose outputs could overflow (the check of the
// Network constructor, the same as the model readers').
void set_parameters(Network& net, std::span<const float> values, const std::string& source = "parameters");

}  // namespace nn
