// nn_bench: micro-benchmarks of libnn's hot paths on the original's network
// (784-500-300-100-10): one prediction, a batch forward pass, one dense training step of
// batch 64, the training step on real binarized MNIST batches (sparse first layer;
// needs MNIST_DIR), the MNIST-style normalisation of a 336x336 canvas, and the data
// augmentation of one 28x28 training image (run 60,000 times per augmented epoch).
//   MNIST_DIR=... build/release/bench/nn_bench [--benchmark_filter=...]
// An MNIST epoch is 938 SGD steps of 64. Threads (training step, SGD step): OMP_NUM_THREADS, default all cores.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string>

#include "nn/augment.hpp"
#include "nn/data_io.hpp"
#include "nn/image.hpp"
#include "nn/init.hpp"
#include "nn/forward.hpp"
#include "step.hpp"  // internal (libnn/src): the training step measured

namespace {

nn::Network original_network() {
  nn::Network net({784, 500, 300, 100, 10}, nn::Activation::ReLU);
  nn::Rng rng(1);
  nn::initialize(net, nn::Initialization::Xavier, rng);
  return net;
}

Eigen::MatrixXf random_inputs(Eigen::Index batch) {
  return (Eigen::MatrixXf::Random(784, batch).array() + 1.0f) * 0.5f;
}

void BM_PredictOne(benchmark::State& state) {
  const nn::Network net = original_network();
  const Eigen::MatrixXf x = random_inputs(1);
  nn::Activations acts;
  for (auto _ : state) benchmark::DoNotOptimize(nn::forward(net, x, acts).data());
  state.SetLabel("one 784-pixel image");
}
BENCHMARK(BM_PredictOne)->Unit(benchmark::kMicrosecond);

void BM_ForwardBatch(benchmark::State& state) {
  const nn::Network net = original_network();
  const Eigen::MatrixXf x = random_inputs(state.range(0));
  nn::Activations acts;
  for (auto _ : state) benchmark::DoNotOptimize(nn::forward(net, x, acts).data());
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ForwardBatch)->Arg(64)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_SgdStep(benchmark::State& state) {
  nn::Network net = original_network();
  const Eigen::MatrixXf x = random_inputs(state.range(0));
  std::vector<std::uint8_t> labels(static_cast<std::size_t>(state.range(0)));
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
  nn::Sgd sgd{1e-6f};
  nn::StepWorkspace ws;
  for (auto _ : state) nn::train_step(net, x, labels, sgd, ws);
  // forward + two backward products per layer: 3 x 2 x parameters x batch
  const double flops = 6.0 * static_cast<double>(net.parameter_count()) * static_cast<double>(state.range(0));
  state.counters["GFLOP/s"] = benchmark::Counter(flops * static_cast<double>(state.iterations()) / 1e9,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SgdStep)->Arg(64)->Unit(benchmark::kMillisecond);

// What training does per batch: gather a sparse batch, then the training step. On
// MNIST's training images in file order, binarized as in the original's command.
void BM_TrainStep(benchmark::State& state) {
  const char* dir = std::getenv("MNIST_DIR");
  if (dir == nullptr) {
    state.SkipWithError("set MNIST_DIR to the folder with MNIST's IDX files");
    return;
  }
  nn::Dataset data = nn::load_dataset(std::string(dir) + "/train-images-idx3-ubyte.gz");
  nn::binarize(data);
  nn::Network net = original_network();
  const auto batch = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint32_t> index(batch);
  nn::SparseBatch x;
  std::vector<std::uint8_t> labels;
  nn::Sgd sgd{0.003f};
  nn::StepWorkspace ws;
  std::uint32_t next = 0;
  for (auto _ : state) {
    if (next + batch > data.size()) next = 0;
    std::iota(index.begin(), index.end(), next);
    next += static_cast<std::uint32_t>(batch);
    nn::gather_batch(data, index, x, labels);
    nn::train_step(net, x, labels, sgd, ws);
  }
  state.counters["epoch_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(batch) / static_cast<double>(data.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_TrainStep)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_NormalizeCanvas(benchmark::State& state) {
  // A ring drawn on a 336 x 336 canvas, as ink.
  constexpr int kSide = 336;
  std::vector<float> ink(kSide * kSide, 0.0f);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const double r = std::hypot(x - 150.0, y - 170.0);
      if (r > 60 && r < 80) ink[static_cast<std::size_t>(y * kSide + x)] = 1.0f;
    }
  }
  Eigen::VectorXf out(784);
  for (auto _ : state) benchmark::DoNotOptimize(nn::normalize_digit(ink, kSide, kSide, out));
}
BENCHMARK(BM_NormalizeCanvas)->Unit(benchmark::kMicrosecond);

void BM_Augment(benchmark::State& state) {
  // A ring ("0") of radius 7 in a 28 x 28 image, default options (elastic sigma 4).
  constexpr int kSide = 28;
  std::vector<std::uint8_t> in(kSide * kSide, 0);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      if (std::abs(std::hypot(x - 13.5, y - 13.5) - 7.0) < 1.5) in[static_cast<std::size_t>(y * kSide + x)] = 255;
    }
  }
  std::vector<float> out(in.size());
  const nn::AugmentOptions options;
  nn::Rng rng(1);
  for (auto _ : state) {
    nn::augment_image(in, kSide, out, options, rng);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel("one 28x28 image, default options");
}
BENCHMARK(BM_Augment)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
