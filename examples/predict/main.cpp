// predict: recognise one MNIST image with a trained network, using an installed libnn.
//   predict WEIGHTS.json t10k-images-idx3-ubyte.gz [INDEX]  ->  "image INDEX: label L, predicted P"
#include <cstdio>
#include <string>

#include "nn/nn.hpp"  // libnn's whole public API

int main(int argc, char** argv) try {
  if (argc < 3) return std::fprintf(stderr, "usage: predict WEIGHTS.json IMAGES-idx3-ubyte[.gz] [INDEX]\n"), 2;
  const nn::Network net = nn::load_weights(argv[1], nn::Activation::ReLU);
  const nn::Dataset images = nn::load_dataset(argv[2]);  // finds the labels file beside it
  const std::size_t i = argc > 3 ? std::stoul(argv[3]) : 0;
  if (i >= images.size()) return std::fprintf(stderr, "predict: %s has %zu images\n", argv[2], images.size()), 2;
  const auto pixels = images.sample(i);  // 784 bytes, 0..255
  Eigen::VectorXf x(static_cast<Eigen::Index>(pixels.size()));
  for (Eigen::Index p = 0; p < x.size(); ++p) x[p] = static_cast<float>(pixels[static_cast<std::size_t>(p)]) / 255.0f;
  Eigen::Index digit = 0;
  nn::predict(net, x).col(0).maxCoeff(&digit);  // probabilities, 10 x 1
  std::printf("image %zu: label %d, predicted %ld\n", i, images.labels[i], static_cast<long>(digit));
} catch (const std::exception& e) {
  std::fprintf(stderr, "predict: error: %s\n", e.what());
  return 1;
}
