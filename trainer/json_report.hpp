// The training report as data (`trainer --report-json FILE.json`): the numbers of the HTML
// report (html_report.hpp), for programs, e.g. the page's inside view, which draws the
// shipped model's curves and confusion matrix from it. One JSON object:
//   {"title", "command_line", "settings": {name: value, ...} (values as CLI11 wrote them),
//    "epochs": [{"epoch", "train_loss", "train_accuracy" (or null), "validation_loss",
//                "validation_accuracy", "learning_rate", "seconds"}, ...],
//    "note", "evaluation_data", "evaluation_loss",
//    "confusion": [[count, ...] x 10] (confusion[true][predicted]), "total_seconds"}
// Losses are bits per sample, accuracies 0..1, times seconds.
#pragma once

#include <string>

#include "html_report.hpp"

namespace trainer {

// The whole JSON document (pure: no I/O).
std::string render_json_report(const TrainingRecord& record);

// Writes render_json_report(record) to `path` atomically. Throws nn::Error naming the path.
void write_json_report(const TrainingRecord& record, const std::string& path);

}  // namespace trainer
