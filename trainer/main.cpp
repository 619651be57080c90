// trainer: train a digit classifier on MNIST (CSV or IDX) and export its weights,
// or evaluate a weights file. Accepts the original Rust trainer's command line.
// All the work is in libnn; this file wires flags to it and prints progress.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "nn/data_io.hpp"
#include "nn/error.hpp"
#include "nn/init.hpp"
#include "nn/sgd.hpp"
#include "nn/threads.hpp"
#include "nn/weights_io.hpp"
#include "html_report.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"

#ifndef NN_VERSION
#define NN_VERSION "unknown"
#endif

namespace trainer {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double peak_memory_mb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

nn::Dataset load(const std::string& path, const Options& o, std::size_t limit = 0) {
  const auto t = Clock::now();
  nn::Dataset d = nn::load_dataset(path);
  nn::truncate(d, limit ? limit : d.size());
  if (o.binarize) nn::binarize(d);
  if (o.normalize) nn::normalize_digits(d);
  std::printf("loaded %s: %zu samples, %d pixels each (%.2f s)\n", path.c_str(), d.size(), d.features,
              seconds_since(t));
  return d;
}

// Fails early (before any training) if the weights could not be written later.
void check_writable_dir(const std::string& path) {
  if (path.empty()) return;
  const auto dir = std::filesystem::absolute(path).parent_path();
  if (!std::filesystem::is_directory(dir)) {
    throw nn::Error(path + ": the directory " + dir.string() + " does not exist");
  }
}

int evaluate_only(const Options& o) {
  const nn::Network net = nn::load_weights(o.evaluate_path, nn::parse_activation(o.activation));
  std::printf("loaded %s: %zu layers, %ld parameters\n", o.evaluate_path.c_str(), net.layers().size(),
              net.parameter_count());
  for (const std::string& path : {o.validation_path, o.test_path}) {
    if (path.empty()) continue;
    const nn::Dataset data = load(path, o);
    print_report(stdout, path, nn::evaluate(net, data));
  }
  return 0;
}

int train(const Options& o, TrainingRecord* report, const std::string& report_path) {
  const auto t_start = Clock::now();
  check_writable_dir(o.weight_path);
  check_writable_dir(report_path);
  nn::Network net(o.network_structure, nn::parse_activation(o.activation));
  const nn::Dataset train_set = load(o.train_path, o, o.train_limit);
  nn::check_compatible(net, train_set);
  const nn::Dataset validation = load(o.validation_path, o);
  nn::check_compatible(net, validation);
  std::optional<nn::Dataset> test;
  if (!o.test_path.empty()) {
    test = load(o.test_path, o);
    nn::check_compatible(net, *test);
  }

  nn::Rng rng(o.seed);
  nn::initialize(net, nn::parse_initialization(o.initialization), rng);
  std::printf("network %s: %ld parameters, %s, %s init; lr %g, batch %d, %d thread(s)\n",
              [&] {
                std::string s;
                for (int n : o.network_structure) s += (s.empty() ? "" : "-") + std::to_string(n);
                return s;
              }().c_str(),
              net.parameter_count(), o.activation.c_str(), o.initialization.c_str(),
              static_cast<double>(o.learning_rate), o.batch_size, nn::threads());

  std::ofstream debug;
  if (!o.debug_path.empty()) {
    debug.open(o.debug_path);
    if (!debug) throw nn::Error(o.debug_path + ": cannot open for writing");
  }

  nn::AugmentOptions augment;
  augment.elastic_alpha = o.elastic_alpha;
  nn::SgdOptions sgd{o.learning_rate, o.batch_size, !o.no_shuffle, o.momentum, o.augment ? &augment : nullptr,
                     o.weight_decay};
  nn::SgdWorkspace workspace;
  const int epochs = o.num_epochs.value_or(o.max_epochs);
  ProgressBar bar(stderr);
  std::optional<nn::Network> best;  // early stopping keeps the best epoch's weights
  double best_loss = 0, previous_loss = 0;
  int best_epoch = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto t_epoch = Clock::now();
    bar.start("epoch " + std::to_string(epoch));
    const double learning_rate = sgd.learning_rate;
    const double train_loss = nn::train_epoch(net, train_set, sgd, rng, workspace, [&](std::size_t d, std::size_t n) {
      bar.update(d, n);
    });
    sgd.learning_rate *= o.lr_decay;
    bar.finish();
    const nn::Evaluation val = nn::evaluate(net, validation);
    const double seconds = seconds_since(t_epoch);
    std::printf("epoch %3d  train loss %.4f  validation loss %.4f  accuracy %.2f %%  %.2f s\n", epoch,
                train_loss, val.loss, 100.0 * val.accuracy(), seconds);
    std::fflush(stdout);
    if (debug) debug << epoch << ' ' << val.loss << std::endl;
    if (report) {  // the numbers just printed, and the training set's accuracy (not printed: it costs a pass)
      report->epochs.push_back({epoch, train_loss, nn::evaluate(net, train_set).accuracy(), val.loss, val.accuracy(),
                                learning_rate, seconds});
    }

    if (o.num_epochs) continue;
    if (epoch > 1 && val.loss - previous_loss >= o.epsilon) {
      std::printf("early stop: validation loss rose by %.5f (>= epsilon %g); keeping epoch %d's weights\n",
                  val.loss - previous_loss, o.epsilon, best_epoch);
      if (report) report->note = "Early stop after epoch " + std::to_string(epoch) + ": kept epoch " +
                                 std::to_string(best_epoch) + "'s weights.";
      net = std::move(*best);
      break;
    }
    previous_loss = val.loss;
    if (!best || val.loss < best_loss) {
      best = net;
      best_loss = val.loss;
      best_epoch = epoch;
    }
  }

  const nn::Evaluation final_eval = nn::evaluate(net, test ? *test : validation);
  print_report(stdout, test ? o.test_path : o.validation_path, final_eval);
  if (!o.weight_path.empty()) {
    nn::save_weights(net, o.weight_path);
    std::printf("\nweights written to %s\n", o.weight_path.c_str());
  }
  std::printf("total time %.1f s, peak memory %.0f MB\n", seconds_since(t_start), peak_memory_mb());
  if (report) {
    report->evaluation_data = test ? o.test_path : o.validation_path;
    report->confusion = final_eval.confusion;
    report->evaluation_loss = final_eval.loss;
    report->total_seconds = seconds_since(t_start);
    write_html_report(*report, report_path);
    std::printf("report written to %s\n", report_path.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace trainer

int main(int argc, char** argv) {
  CLI::App app{"Train a neural network on MNIST-style data and export its weights as JSON."};
  app.set_version_flag("--version", std::string("trainer ") + NN_VERSION);
  trainer::Options opts;
  trainer::add_options(app, opts);
  std::string report_path;
  app.add_option("--report", report_path, "Write an HTML report here (curves, confusion matrix, settings), atomically")
      ->excludes("--evaluate");
  CLI11_PARSE(app, argc, argv);
  trainer::TrainingRecord record;  // filled while training when --report is given
  record.command_line = trainer::shell_command_line(argc, argv);
  record.settings = trainer::parse_settings(app.config_to_str(true));
  try {
    trainer::check_options(opts);
    nn::set_threads(opts.threads);
    if (!opts.evaluate_path.empty()) return trainer::evaluate_only(opts);
    return trainer::train(opts, report_path.empty() ? nullptr : &record, report_path);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "trainer: error: %s\n", e.what());
    return 1;
  }
}
