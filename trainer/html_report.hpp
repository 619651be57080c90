// The training report (`trainer --report FILE.html`): one self-contained HTML file, readable
// without scripts or network, with inline SVG charts:
//   - loss per epoch (training and validation, bits per sample),
//   - accuracy per epoch (training and validation, %),
//   - learning rate and time per epoch,
//   - the final confusion matrix as a heat map,
//   - the command line and every setting.
// Every plotted point carries its exact number (data-series / data-epoch / data-value
// attributes and a <title> tooltip), and a table repeats them, so the page can be checked
// against the trainer's log.
//
// render_html_report is a pure function of a TrainingRecord (no I/O, no clock), which the
// trainer fills from the numbers it prints.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace trainer {

struct EpochRecord {
  int epoch = 0;                        // 1-based
  double train_loss = 0;                // bits per sample, averaged over the epoch's batches
  std::optional<double> train_accuracy; // 0..1, on the training set after the epoch
  double validation_loss = 0;           // bits per sample
  double validation_accuracy = 0;       // 0..1
  double learning_rate = 0;             // the step size used during this epoch
  double seconds = 0;                   // wall time of the epoch (training + validation)
};

struct TrainingRecord {
  std::string title = "Training report";
  std::string command_line;                                  // as typed, shell-quoted
  std::vector<std::pair<std::string, std::string>> settings; // option name, value
  std::vector<EpochRecord> epochs;
  std::string note;                                          // e.g. the early-stopping message
  // The final evaluation: confusion[true][predicted], on `evaluation_data`.
  std::string evaluation_data;
  std::vector<std::vector<std::size_t>> confusion;
  double evaluation_loss = 0;
  double total_seconds = 0;
};

// The whole HTML document.
std::string render_html_report(const TrainingRecord& record);

// Writes render_html_report(record) to `path` atomically (temporary file beside it, flushed,
// renamed): a failure leaves no partial file. Throws nn::Error naming the path.
void write_html_report(const TrainingRecord& record, const std::string& path);

// "a b 'c d'" from argv: each argument quoted for a POSIX shell when it needs to be.
std::string shell_command_line(int argc, const char* const* argv);

// Settings from CLI11's App::config_to_str(true) text ("name=value" lines, TOML-like):
// each name with its value, quotes and brackets kept as CLI11 wrote them.
std::vector<std::pair<std::string, std::string>> parse_settings(const std::string& config_text);

}  // namespace trainer
