// trainer: train a digit classifier on MNIST (CSV or IDX) and export its weights,
// or evaluate a weights file. Accepts the original Rust trainer's command line.
// Flags in, one libnn call (nn::fit), the report out.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "nn/data_io.hpp"
#include "nn/error.hpp"
#include "nn/fit.hpp"
#include "nn/layer_list.hpp"
#include "nn/model_io.hpp"
#include "nn/threads.hpp"
#include "nn/weights_io.hpp"
#include "html_report.hpp"
#include "json_report.hpp"
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

// A data set as the flags ask: the first `limit` samples (0: all), binarized or normalised.
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

// The training files (each cut to --train-limit), joined in order.
nn::Dataset load_training(const Options& o) {
  nn::Dataset data = load(o.train_paths.front(), o, o.train_limit);
  for (std::size_t i = 1; i < o.train_paths.size(); ++i) nn::append(data, load(o.train_paths[i], o, o.train_limit));
  if (o.train_paths.size() > 1) std::printf("training on %zu samples from %zu files\n", data.size(), o.train_paths.size());
  return data;
}

// Fails early (before any training) if the weights could not be written later.
void check_writable_dir(const std::string& path) {
  if (path.empty()) return;
  const auto dir = std::filesystem::absolute(path).parent_path();
  if (!std::filesystem::is_directory(dir)) {
    throw nn::Error(path + ": the directory " + dir.string() + " does not exist");
  }
}

// The network the flags describe: --network-structure's sizes, or --layers on the
// training images (one channel, square: side x side).
nn::Network make_network(const Options& o, int features) {
  if (o.layers.empty()) return nn::Network(o.network_structure, o.activation);
  const int side = static_cast<int>(std::lround(std::sqrt(features)));
  if (side * side != features) {
    throw nn::Error("--layers needs square images, the training data has " + std::to_string(features) + " pixels");
  }
  try {
    return nn::network_from_layers({1, side, side}, o.layers, o.activation);
  } catch (const nn::Error& e) {
    throw nn::Error(std::string("--layers: ") + e.what());
  }
}

int evaluate_only(const Options& o) {
  const nn::Network net = nn::load_model(o.evaluate_path, o.activation);
  std::printf("loaded %s: %s, %zu layers, %ld parameters\n", o.evaluate_path.c_str(), nn::describe(net).c_str(),
              net.layer_count(), net.parameter_count());
  for (const std::string& path : {o.validation_path, o.test_path}) {
    if (path.empty()) continue;
    print_report(stdout, path, nn::evaluate(net, load(path, o)));
  }
  return 0;
}

// Where the report goes: HTML (--report) and its numbers as JSON (--report-json).
struct ReportPaths {
  std::string html, json;
};

int train(const Options& o, TrainingRecord* report, const ReportPaths& report_path) {
  const auto t_start = Clock::now();
  check_writable_dir(o.weight_path);
  check_writable_dir(report_path.html);
  check_writable_dir(report_path.json);
  // The sizes are checked before the data is read; a layer list needs the images' side.
  std::optional<nn::Network> sized;
  if (o.layers.empty()) sized = make_network(o, 0);
  const nn::Dataset train_set = load_training(o);
  nn::Network net = sized ? std::move(*sized) : make_network(o, train_set.features);
  nn::check_compatible(net, train_set);
  const nn::Dataset validation = load(o.validation_path, o);
  nn::check_compatible(net, validation);
  std::optional<nn::Dataset> test;
  if (!o.test_path.empty()) {
    test = load(o.test_path, o);
    nn::check_compatible(net, *test);
  }

  nn::Rng rng(o.seed);
  nn::initialize(net, o.initialization, rng);
  std::printf("network %s: %ld parameters, %s, %s init; lr %g, batch %d, %d thread(s)\n", nn::describe(net).c_str(),
              net.parameter_count(), std::string(nn::activation_name(o.activation)).c_str(),
              std::string(nn::initialization_name(o.initialization)).c_str(),
              static_cast<double>(o.fit.sgd.learning_rate), o.fit.batch_size, nn::threads());

  std::ofstream debug;
  if (!o.debug_path.empty()) {
    debug.open(o.debug_path);
    if (!debug) throw nn::Error(o.debug_path + ": cannot open for writing");
  }

  ProgressBar bar(stderr);
  int epoch = 1;
  nn::FitCallbacks callbacks;
  callbacks.on_batch = [&](std::size_t done, std::size_t batches) {
    if (done == 1) bar.start("epoch " + std::to_string(epoch));
    bar.update(done, batches);
    if (done == batches) bar.finish();
  };
  callbacks.on_epoch = [&](const nn::EpochReport& r) {
    std::printf("epoch %3d  train loss %.4f  validation loss %.4f  accuracy %.2f %%  %.2f s\n", r.epoch,
                r.train_loss, r.validation->loss, 100.0 * r.validation->accuracy(), r.seconds);
    std::fflush(stdout);
    if (debug) debug << r.epoch << ' ' << r.validation->loss << std::endl;
    if (report) {  // the numbers just printed, and the training set's accuracy (not printed: it costs a pass)
      report->epochs.push_back({r.epoch, r.train_loss, nn::evaluate(net, train_set).accuracy(), r.validation->loss,
                                r.validation->accuracy(), r.learning_rate, r.seconds});
    }
    ++epoch;
  };
  const nn::FitResult result = nn::fit(net, train_set, &validation, o.fit, rng, callbacks);
  if (result.stopped_early) {
    const auto& h = result.history;
    const double rise = h.back().validation->loss - h[h.size() - 2].validation->loss;
    std::printf("early stop: validation loss rose by %.5f (>= epsilon %g); keeping epoch %d's weights\n", rise,
                o.fit.epsilon, result.best_epoch);
    if (report) report->note = "Early stop: kept epoch " + std::to_string(result.best_epoch) + "'s weights.";
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
    if (!report_path.html.empty()) {
      write_html_report(*report, report_path.html);
      std::printf("report written to %s\n", report_path.html.c_str());
    }
    if (!report_path.json.empty()) {
      write_json_report(*report, report_path.json);
      std::printf("report data written to %s\n", report_path.json.c_str());
    }
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
  trainer::ReportPaths report_path;
  app.add_option("--report", report_path.html, "Write an HTML report here (curves, confusion matrix, settings), atomically")
      ->excludes("--evaluate");
  app.add_option("--report-json", report_path.json, "Write the report's numbers here as JSON, atomically")
      ->excludes("--evaluate");
  CLI11_PARSE(app, argc, argv);
  trainer::TrainingRecord record;  // filled while training when --report or --report-json is given
  record.command_line = trainer::shell_command_line(argc, argv);
  record.settings = trainer::parse_settings(app.config_to_str(true));
  try {
    trainer::finish_options(opts);
    nn::set_threads(opts.threads);
    if (!opts.evaluate_path.empty()) return trainer::evaluate_only(opts);
    const bool reported = !report_path.html.empty() || !report_path.json.empty();
    return trainer::train(opts, reported ? &record : nullptr, report_path);
  } catch (const std::exception& e) {
    std::fflush(stdout);
    std::fprintf(stderr, "trainer: error: %s\n", e.what());
    return 1;
  }
}
