// The training report as JSON: see json_report.hpp.
#include "json_report.hpp"

#include <cmath>
#include <cstdio>
#include <string>

#include "nn/atomic_file.hpp"

namespace trainer {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// %.9g: enough digits to read back the trainer's numbers; JSON has no NaN or infinity.
std::string number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

}  // namespace

std::string render_json_report(const TrainingRecord& r) {
  std::string out = "{\n  \"title\": " + quoted(r.title) + ",\n  \"command_line\": " + quoted(r.command_line) +
                    ",\n  \"settings\": {";
  for (std::size_t i = 0; i < r.settings.size(); ++i) {
    out += (i ? ", " : "") + quoted(r.settings[i].first) + ": " + quoted(r.settings[i].second);
  }
  out += "},\n  \"epochs\": [";
  for (std::size_t i = 0; i < r.epochs.size(); ++i) {
    const EpochRecord& e = r.epochs[i];
    out += std::string(i ? ",\n    " : "\n    ") + "{\"epoch\": " + std::to_string(e.epoch) +
           ", \"train_loss\": " + number(e.train_loss) +
           ", \"train_accuracy\": " + (e.train_accuracy ? number(*e.train_accuracy) : "null") +
           ", \"validation_loss\": " + number(e.validation_loss) +
           ", \"validation_accuracy\": " + number(e.validation_accuracy) +
           ", \"learning_rate\": " + number(e.learning_rate) + ", \"seconds\": " + number(e.seconds) + "}";
  }
  out += "],\n  \"note\": " + quoted(r.note) + ",\n  \"evaluation_data\": " + quoted(r.evaluation_data) +
         ",\n  \"evaluation_loss\": " + number(r.evaluation_loss) + ",\n  \"confusion\": [";
  for (std::size_t t = 0; t < r.confusion.size(); ++t) {
    out += t ? ",\n    [" : "\n    [";
    for (std::size_t p = 0; p < r.confusion[t].size(); ++p) out += (p ? ", " : "") + std::to_string(r.confusion[t][p]);
    out += "]";
  }
  out += "],\n  \"total_seconds\": " + number(r.total_seconds) + "\n}\n";
  return out;
}

void write_json_report(const TrainingRecord& record, const std::string& path) {
  nn::write_file_atomically(path, render_json_report(record));
}

}  // namespace trainer
