// Fuzz target: the weights JSON reader (nn::parse_weights). Any text either fails with
// nn::Error or gives a network whose probabilities are finite and sum to 1 for inputs
// in [0, 1] (the reader refuses weights whose outputs could overflow).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "nn/error.hpp"
#include "nn/forward.hpp"
#include "nn/network.hpp"
#include "nn/weights_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const nn::Network net = nn::parse_weights(text, nn::Activation::ReLU, "fuzz.json");
    // Inputs at both ends of [0, 1], and in between.
    Eigen::MatrixXf x(net.inputs(), 3);
    x.col(0).setZero();
    x.col(1).setOnes();
    x.col(2).setConstant(0.5f);
    const Eigen::MatrixXf p = nn::predict(net, x);
    for (Eigen::Index c = 0; c < p.cols(); ++c) {
      if (!p.col(c).allFinite() || std::fabs(p.col(c).sum() - 1.0f) > 1e-3f) std::abort();
    }
  } catch (const nn::Error&) {
    // rejected with a message: fine
  }
  return 0;
}
