// ONNX export (see onnx_export.hpp for the graph): a minimal protobuf writer, enough
// for the messages of onnx.proto that the graph needs. Field numbers are onnx.proto's.
//
// Protobuf wire format: every field is a key varint (field number << 3 | wire type),
// then a varint (type 0), 4 little-endian bytes (type 5) or a varint length and the
// bytes (type 2: strings, byte arrays and nested messages).
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"
#include "nn/onnx_export.hpp"

namespace nn {
namespace {

class Proto {
 public:
  Proto& varint(int field, std::uint64_t v) {
    key(field, 0);
    put_varint(v);
    return *this;
  }
  Proto& fixed32(int field, float v) {
    key(field, 5);
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) out_ += static_cast<char>((bits >> (8 * i)) & 0xFFu);
    return *this;
  }
  Proto& bytes(int field, std::string_view v) {
    key(field, 2);
    put_varint(v.size());
    out_ += v;
    return *this;
  }
  Proto& message(int field, const Proto& m) { return bytes(field, m.out_); }
  const std::string& str() const { return out_; }

 private:
  void key(int field, int type) { put_varint(static_cast<std::uint64_t>(field) << 3 | static_cast<unsigned>(type)); }
  void put_varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
  }
  std::string out_;
};

constexpr int kFloat = 1;  // TensorProto.DataType FLOAT (also TypeProto.Tensor.elem_type)

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian floats).
Proto tensor(const std::string& name, std::initializer_list<std::int64_t> dims, const float* v, Eigen::Index n) {
  Proto t;
  for (std::int64_t d : dims) t.varint(1, static_cast<std::uint64_t>(d));
  t.varint(2, kFloat).bytes(8, name);
  std::string raw;
  raw.reserve(static_cast<std::size_t>(n) * 4);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto bits = std::bit_cast<std::uint32_t>(v[i]);
    for (int b = 0; b < 4; ++b) raw += static_cast<char>((bits >> (8 * b)) & 0xFFu);
  }
  return t.bytes(9, raw);
}

// ValueInfoProto for a float [N, width] tensor: name = 1, type = 2 (TypeProto: tensor_type = 1
// (elem_type = 1, shape = 2 (TensorShapeProto: dim = 1 (dim_value = 1 | dim_param = 2)))).
Proto batch_value(const std::string& name, int width) {
  Proto shape;
  shape.message(1, Proto().bytes(2, "N")).message(1, Proto().varint(1, static_cast<std::uint64_t>(width)));
  Proto tensor_type;
  tensor_type.varint(1, kFloat).message(2, shape);
  Proto value;
  value.bytes(1, name).message(2, Proto().message(1, tensor_type));
  return value;
}

// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
Proto node(const std::string& op, const std::string& name, std::initializer_list<std::string> inputs,
           const std::string& output) {
  Proto n;
  for (const std::string& in : inputs) n.bytes(1, in);
  n.bytes(2, output).bytes(3, name).bytes(4, op);
  return n;
}

// AttributeProto: name = 1, f = 2, i = 3, type = 20 (FLOAT = 1, INT = 2).
Proto float_attribute(const std::string& name, float v) { return Proto().bytes(1, name).fixed32(2, v).varint(20, 1); }
Proto int_attribute(const std::string& name, std::int64_t v) {
  return Proto().bytes(1, name).varint(3, static_cast<std::uint64_t>(v)).varint(20, 2);
}


// The activation node for hidden layer k, or none for linear.
void add_activation(Proto& graph, Activation a, std::size_t k, const std::string& in, const std::string& out,
                    const std::string& prefix = "act") {
  const std::string name = prefix + std::to_string(k);
  switch (a) {
    case Activation::ReLU: graph.message(1, node("Relu", name, {in}, out)); break;
    case Activation::Sigmoid: graph.message(1, node("Sigmoid", name, {in}, out)); break;
    case Activation::Tanh: graph.message(1, node("Tanh", name, {in}, out)); break;
    case Activation::LeakyReLU:
      graph.message(1, node("LeakyRelu", name, {in}, out).message(5, float_attribute("alpha", kLeakySlope)));
      break;
    case Activation::Linear: break;
  }
}

// ints = 8, type INTS = 7.
Proto ints_attribute(const std::string& name, std::initializer_list<std::int64_t> v) {
  Proto a;
  a.bytes(1, name);
  for (std::int64_t x : v) a.varint(8, static_cast<std::uint64_t>(x));
  return a.varint(20, 7);
}

// ValueInfoProto for a float [N, C, H, W] image batch.
Proto image_value(const std::string& name, Shape s) {
  Proto shape;
  shape.message(1, Proto().bytes(2, "N"));
  for (int d : {s.channels, s.height, s.width}) shape.message(1, Proto().varint(1, static_cast<std::uint64_t>(d)));
  Proto tensor_type;
  tensor_type.varint(1, kFloat).message(2, shape);
  Proto value;
  value.bytes(1, name).message(2, Proto().message(1, tensor_type));
  return value;
}

void check_finite(const float* v, Eigen::Index n, const std::string& what) {
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!std::isfinite(v[i])) throw Error("refusing to write ONNX: " + what + " is not finite");
  }
}

// The image layers: Conv (+ activation) and MaxPool nodes, then Flatten to "features".
// Returns the name of the flattened tensor.
std::string add_image_layers(Proto& graph, const Network& net) {
  std::string current = "input";
  std::size_t j = 0;
  for (std::size_t i = 0; i < net.image_layers().size(); ++i) {
    const ImageLayer& l = net.image_layers()[i];
    const std::string out = "image" + std::to_string(i);
    if (l.kind == ImageLayer::Kind::Pool) {
      graph.message(1, node("MaxPool", "pool" + std::to_string(i), {current}, out)
                           .message(5, ints_attribute("kernel_shape", {2, 2}))
                           .message(5, ints_attribute("strides", {2, 2})));
      current = out;
      continue;
    }
    const std::string c = "C" + std::to_string(j), b = "c" + std::to_string(j);
    ++j;
    check_finite(l.W.data(), l.W.size(), c);
    const std::int64_t pad = l.padding == Padding::Same ? l.kernel / 2 : 0;
    const bool linear = net.activation() == Activation::Linear;
    const std::string conv_out = linear ? out : "conv" + std::to_string(i);
    graph.message(1, node("Conv", "conv" + std::to_string(i), {current, c, b}, conv_out)
                         .message(5, ints_attribute("kernel_shape", {l.kernel, l.kernel}))
                         .message(5, ints_attribute("pads", {pad, pad, pad, pad}))
                         .message(5, ints_attribute("strides", {1, 1})));
    if (!linear) add_activation(graph, net.activation(), i, conv_out, out, "conv_act");
    current = out;
  }
  graph.message(1, node("Flatten", "flatten", {current}, "features").message(5, int_attribute("axis", 1)));
  return "features";
}

}  // namespace

std::string onnx_bytes(const Network& net) {
  // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12.
  Proto graph;
  const auto& layers = net.layers();
  std::string current = net.is_dense() ? "input" : add_image_layers(graph, net);
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& l = layers[k];
    for (Eigen::Index i = 0; i < l.W.size(); ++i) {
      if (!std::isfinite(l.W.data()[i])) throw Error("refusing to write ONNX: W" + std::to_string(k) + " is not finite");
    }
    const std::string wk = "W" + std::to_string(k), bk = "b" + std::to_string(k);
    const bool last = k + 1 == layers.size();
    const bool linear_hidden = !last && net.activation() == Activation::Linear;
    const std::string gemm_out = linear_hidden ? "hidden" + std::to_string(k) : "logits" + std::to_string(k);
    graph.message(1, node("Gemm", "gemm" + std::to_string(k), {current, wk, bk}, gemm_out));
    current = gemm_out;
    if (!last && !linear_hidden) {
      const std::string hidden = "hidden" + std::to_string(k);
      add_activation(graph, net.activation(), k, current, hidden);
      current = hidden;
    }
  }
  graph.message(1, node("Softmax", "softmax", {current}, "probabilities").message(5, int_attribute("axis", -1)));
  graph.bytes(2, net.is_dense() ? "digitnn_mlp" : "digitnn_cnn");
  std::size_t conv = 0;
  for (const ImageLayer& l : net.image_layers()) {
    if (l.kind != ImageLayer::Kind::Conv) continue;
    // Q x F column-major memory is ONNX's (F, C, k, k) row-major weight.
    graph.message(5, tensor("C" + std::to_string(conv), {l.filters, l.in.channels, l.kernel, l.kernel}, l.W.data(),
                            l.W.size()));
    graph.message(5, tensor("c" + std::to_string(conv), {l.filters}, l.b.data(), l.b.size()));
    ++conv;
  }
  for (std::size_t k = 0; k < layers.size(); ++k) {
    const Layer& l = layers[k];
    // Column-major O x I memory is the row-major [I, O] that Gemm's B expects.
    graph.message(5, tensor("W" + std::to_string(k), {l.W.cols(), l.W.rows()}, l.W.data(), l.W.size()));
    graph.message(5, tensor("b" + std::to_string(k), {l.b.size()}, l.b.data(), l.b.size()));
  }
  if (net.is_dense()) {
    graph.bytes(10, "digitnn multilayer perceptron: Gemm and " + std::string(activation_name(net.activation())) +
                        " per hidden layer, softmax output");
    graph.message(11, batch_value("input", net.inputs()));
  } else {
    graph.bytes(10, "digitnn convolutional network " + describe(net) + ", " +
                        std::string(activation_name(net.activation())) + " after each convolution and hidden layer, softmax output");
    graph.message(11, image_value("input", net.input_shape()));
  }
  graph.message(12, batch_value("probabilities", net.outputs()));

  // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7,
  // opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2; "" is the default domain).
  Proto model;
  model.varint(1, kOnnxIrVersion).bytes(2, "digitnn").bytes(3, "0.1.0").message(7, graph);
  model.message(8, Proto().bytes(1, "").varint(2, kOnnxOpset));
  return model.str();
}

void save_onnx(const Network& net, const std::string& path) {
  const std::string bytes = onnx_bytes(net);  // fails before touching the file
  write_file_atomically(path, bytes);
}

}  // namespace nn
