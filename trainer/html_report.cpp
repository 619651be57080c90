#include "html_report.hpp"

#include <algorithm>
#include <cstdarg>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

#include "nn/atomic_file.hpp"
#include "nn/error.hpp"

namespace trainer {
namespace {

// printf into a std::string (GCC 12 has no <format>).
[[gnu::format(printf, 1, 2)]] std::string fmt(const char* format, ...) {
  va_list args, copy;
  va_start(args, format);
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string s(static_cast<std::size_t>(n) + 1, '\0');
  std::vsnprintf(s.data(), s.size(), format, args);
  va_end(args);
  s.resize(static_cast<std::size_t>(n));
  return s;
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// An exact number for data attributes: enough digits to compare with the log.
std::string exact(double v) { return fmt("%.10g", v); }

// A value axis from min to max with about five "nice" steps (1, 2 or 5 x 10^k).
struct Axis {
  double lo, hi, step;
  int decimals;  // for tick labels
};

Axis nice_axis(double min, double max) {
  if (!(max > min)) {  // a flat series: centre it in a small band
    const double pad = min == 0 ? 1 : std::abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const double raw = (max - min) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step))));
  return {std::floor(min / step) * step, std::ceil(max / step) * step, step, decimals};
}

struct Series {
  std::string id;     // data-series, e.g. "validation-loss"
  std::string label;  // legend, e.g. "validation"
  std::string color;
  std::vector<std::pair<int, double>> points;  // (epoch, value)
};

// Chart geometry, in SVG user units (px).
constexpr double kWidth = 640, kHeight = 300, kLeft = 76, kRight = 16, kTop = 34, kBottom = 44;
constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;

struct Frame {
  Axis y;
  int epochs;
  double x(int epoch) const {
    return kLeft + (epochs > 1 ? (epoch - 1) * kPlotW / (epochs - 1) : kPlotW / 2);
  }
  double yv(double v) const { return kTop + kPlotH - (v - y.lo) / (y.hi - y.lo) * kPlotH; }
};

// Axes, grid, tick labels and titles; `bars` leaves half a slot at each end.
std::string frame_svg(const Frame& f, const std::string& id, const std::string& title, const std::string& y_label) {
  std::string s = fmt("<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %g %g\" role=\"img\" aria-label=\"%s\">\n",
                      id.c_str(), kWidth, kHeight, escape(title).c_str());
  s += fmt("<text class=\"title\" x=\"%g\" y=\"20\">%s</text>\n", kLeft, escape(title).c_str());
  const int ticks = static_cast<int>(std::lround((f.y.hi - f.y.lo) / f.y.step));
  for (int i = 0; i <= ticks; ++i) {
    const double v = f.y.lo + i * f.y.step, y = f.yv(v);
    s += fmt("<line class=\"grid\" x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\"/>", kLeft, kLeft + kPlotW, y, y);
    s += fmt("<text class=\"tick\" x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n", kLeft - 6, y + 4,
             f.y.decimals, v);
  }
  const int every = std::max(1, (f.epochs + 9) / 10);
  for (int e = 1; e <= f.epochs; ++e) {
    if ((e - 1) % every != 0 && e != f.epochs) continue;
    s += fmt("<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%d</text>\n", f.x(e),
             kTop + kPlotH + 16, e);
  }
  s += fmt("<line class=\"axis\" x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\"/>", kLeft, kLeft + kPlotW, kTop + kPlotH,
           kTop + kPlotH);
  s += fmt("<line class=\"axis\" x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\"/>\n", kLeft, kLeft, kTop, kTop + kPlotH);
  s += fmt("<text class=\"label\" x=\"%g\" y=\"%g\" text-anchor=\"middle\">epoch</text>\n", kLeft + kPlotW / 2,
           kHeight - 6);
  s += fmt("<text class=\"label\" transform=\"translate(14 %g) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
           kTop + kPlotH / 2, escape(y_label).c_str());
  return s;
}

Axis axis_for(const std::vector<Series>& series, bool from_zero) {
  double lo = from_zero ? 0 : INFINITY, hi = -INFINITY;
  for (const Series& s : series) {
    for (const auto& [e, v] : s.points) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = hi = 0;
  return nice_axis(lo, hi);
}

// A line chart: one polyline and one marked point per epoch for each series.
std::string line_chart(const std::string& id, const std::string& title, const std::string& y_label,
                       const std::vector<Series>& series, int epochs, const std::string& unit, double scale) {
  const Frame f{axis_for(series, false), epochs};
  std::string s = frame_svg(f, id, title, y_label);
  double legend_x = kLeft + kPlotW;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {  // legend, right-aligned
    s += fmt("<text class=\"legend\" x=\"%.1f\" y=\"20\" text-anchor=\"end\" fill=\"%s\">&#9679; %s</text>\n",
             legend_x, it->color.c_str(), escape(it->label).c_str());
    legend_x -= 12 + 8 * static_cast<double>(it->label.size() + 2);
  }
  for (const Series& sr : series) {
    if (sr.points.empty()) continue;
    std::string pts;
    for (const auto& [e, v] : sr.points) pts += fmt("%.1f,%.1f ", f.x(e), f.yv(v));
    s += fmt("<polyline class=\"line\" stroke=\"%s\" points=\"%s\"/>\n", sr.color.c_str(), pts.c_str());
    for (const auto& [e, v] : sr.points) {
      s += fmt("<circle class=\"point\" data-series=\"%s\" data-epoch=\"%d\" data-value=\"%s\" cx=\"%.1f\" "
               "cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>epoch %d: %s %s %s</title></circle>\n",
               sr.id.c_str(), e, exact(v / scale).c_str(), f.x(e), f.yv(v), sr.color.c_str(), e,
               escape(sr.label).c_str(), fmt("%.6g", v).c_str(), unit.c_str());
    }
  }
  return s + "</svg>\n";
}

// A bar per epoch (time per epoch), from zero.
std::string bar_chart(const std::string& id, const std::string& title, const std::string& y_label,
                      const Series& sr, int epochs) {
  Frame f{axis_for({sr}, true), epochs};
  // Bars need room at both ends: plot epochs 0.5 .. E+0.5.
  const double slot = kPlotW / epochs;
  auto x = [&](int e) { return kLeft + (e - 0.5) * slot; };
  std::string s = frame_svg(Frame{f.y, 0}, id, title, y_label);
  const int every = std::max(1, (epochs + 9) / 10);
  for (int e = 1; e <= epochs; ++e) {
    if ((e - 1) % every == 0 || e == epochs) {
      s += fmt("<text class=\"tick\" x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%d</text>\n", x(e),
               kTop + kPlotH + 16, e);
    }
  }
  for (const auto& [e, v] : sr.points) {
    const double top = f.yv(v), w = std::max(1.0, slot * 0.7);
    s += fmt("<rect class=\"bar\" data-series=\"%s\" data-epoch=\"%d\" data-value=\"%s\" x=\"%.1f\" y=\"%.1f\" "
             "width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>epoch %d: %.3f s</title></rect>\n",
             sr.id.c_str(), e, exact(v).c_str(), x(e) - w / 2, top, w, kTop + kPlotH - top, sr.color.c_str(), e, v);
  }
  return s + "</svg>\n";
}

// The confusion matrix: cell colour = share of its row (true class), square-root scale so
// that a few mistakes still show; the count is written in the cell.
std::string heat_map(const std::vector<std::vector<std::size_t>>& m) {
  const int n = static_cast<int>(m.size());
  constexpr double cell = 40, left = 56, top = 52;
  const double size = left + n * cell + 12;
  std::string s = fmt("<svg class=\"heatmap\" id=\"confusion\" viewBox=\"0 0 %g %g\" role=\"img\" "
                      "aria-label=\"confusion matrix\">\n", size, top + n * cell + 12);
  s += fmt("<text class=\"label\" x=\"%g\" y=\"16\" text-anchor=\"middle\">predicted</text>\n", left + n * cell / 2);
  s += fmt("<text class=\"label\" transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">true</text>\n",
           top + n * cell / 2);
  for (int i = 0; i < n; ++i) {
    s += fmt("<text class=\"tick\" x=\"%g\" y=\"%g\" text-anchor=\"middle\">%d</text>", left + (i + 0.5) * cell,
             top - 8, i);
    s += fmt("<text class=\"tick\" x=\"%g\" y=\"%g\" text-anchor=\"end\">%d</text>\n", left - 8,
             top + (i + 0.5) * cell + 4, i);
  }
  for (int i = 0; i < n; ++i) {
    std::size_t row = 0;
    for (std::size_t v : m[static_cast<std::size_t>(i)]) row += v;
    for (int j = 0; j < n; ++j) {
      const std::size_t v = m[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      const double share = row ? static_cast<double>(v) / static_cast<double>(row) : 0.0;
      const double t = std::sqrt(share);  // 0 -> white, 1 -> dark blue
      const int r = static_cast<int>(std::lround(255 - t * (255 - 8))), g = static_cast<int>(std::lround(255 - t * (255 - 48))),
                b = static_cast<int>(std::lround(255 - t * (255 - 107)));
      const double x = left + j * cell, y = top + i * cell;
      s += fmt("<rect class=\"cell\" data-true=\"%d\" data-predicted=\"%d\" data-count=\"%zu\" x=\"%g\" y=\"%g\" "
               "width=\"%g\" height=\"%g\" fill=\"rgb(%d,%d,%d)\"><title>true %d, predicted %d: %zu (%.2f %% of %zu)"
               "</title></rect>",
               i, j, v, x, y, cell, cell, r, g, b, i, j, v, 100 * share, row);
      s += fmt("<text class=\"count%s\" x=\"%g\" y=\"%g\" text-anchor=\"middle\">%zu</text>\n", t > 0.6 ? " dark" : "",
               x + cell / 2, y + cell / 2 + 4, v);
    }
  }
  return s + "</svg>\n";
}

std::string epochs_table(const TrainingRecord& r) {
  std::string s =
      "<table class=\"numbers\" id=\"epochs\"><thead><tr><th>epoch</th><th>train loss</th><th>train accuracy</th>"
      "<th>validation loss</th><th>validation accuracy</th><th>learning rate</th><th>time</th></tr></thead><tbody>\n";
  for (const EpochRecord& e : r.epochs) {
    s += fmt("<tr><td>%d</td><td>%.4f</td><td>%s</td><td>%.4f</td><td>%.2f %%</td><td>%.6g</td><td>%.2f s</td></tr>\n",
             e.epoch, e.train_loss, e.train_accuracy ? fmt("%.2f %%", 100 * *e.train_accuracy).c_str() : "-",
             e.validation_loss, 100 * e.validation_accuracy, e.learning_rate, e.seconds);
  }
  return s + "</tbody></table>\n";
}

constexpr const char* kStyle = R"(
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1340px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 1.5em; margin-bottom: 4px; } h2 { font-size: 1.15em; margin-top: 28px; }
.summary { color: #444; } pre { background: #f4f4f4; padding: 10px; white-space: pre-wrap; word-break: break-all; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px 24px; }
svg { width: 100%; height: auto; font-size: 12px; } svg.heatmap { max-width: 520px; }
.title { font-size: 14px; font-weight: 600; } .tick { fill: #555; } .label { fill: #333; }
.grid { stroke: #e6e6e6; } .axis { stroke: #888; } .line { fill: none; stroke-width: 2; }
.count { fill: #222; font-size: 12px; } .count.dark { fill: #fff; }
table { border-collapse: collapse; } td, th { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
table.settings td { text-align: left; font-family: monospace; }
)";

}  // namespace

std::string render_html_report(const TrainingRecord& r) {
  const int epochs = r.epochs.empty() ? 1 : r.epochs.back().epoch;
  Series train_loss{"train-loss", "training", "#1f77b4", {}}, val_loss{"validation-loss", "validation", "#d62728", {}};
  Series train_acc{"train-accuracy", "training", "#1f77b4", {}},
      val_acc{"validation-accuracy", "validation", "#d62728", {}};
  Series lr{"learning-rate", "learning rate", "#2ca02c", {}}, secs{"seconds", "time", "#7f7f7f", {}};
  for (const EpochRecord& e : r.epochs) {
    train_loss.points.emplace_back(e.epoch, e.train_loss);
    val_loss.points.emplace_back(e.epoch, e.validation_loss);
    if (e.train_accuracy) train_acc.points.emplace_back(e.epoch, 100 * *e.train_accuracy);
    val_acc.points.emplace_back(e.epoch, 100 * e.validation_accuracy);
    lr.points.emplace_back(e.epoch, e.learning_rate);
    secs.points.emplace_back(e.epoch, e.seconds);
  }
  std::size_t samples = 0, correct = 0;
  for (std::size_t i = 0; i < r.confusion.size(); ++i) {
    for (std::size_t j = 0; j < r.confusion[i].size(); ++j) {
      samples += r.confusion[i][j];
      if (i == j) correct += r.confusion[i][j];
    }
  }

  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>" + escape(r.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>" + escape(r.title) + "</h1>\n<p class=\"summary\" id=\"summary\">";
  h += fmt("%zu epoch(s), %.1f s in all.", r.epochs.size(), r.total_seconds);
  if (samples) {
    h += fmt(" Final evaluation on %s: <b>%.2f %%</b> accuracy (%zu mistakes in %zu samples), loss %.4f bits.",
             escape(r.evaluation_data).c_str(), 100.0 * static_cast<double>(correct) / static_cast<double>(samples),
             samples - correct, samples, r.evaluation_loss);
  }
  if (!r.note.empty()) h += " " + escape(r.note);
  h += "</p>\n<h2>Command line</h2>\n<pre id=\"command\">" + escape(r.command_line) + "</pre>\n";

  h += "<h2>Curves</h2>\n<p>Losses are mean cross-entropy in bits per sample: the training loss is averaged over "
       "the epoch's batches as they were trained; the accuracies are measured after the epoch.</p>\n"
       "<div class=\"charts\">\n";
  h += line_chart("loss", "Loss per epoch", "bits per sample", {train_loss, val_loss}, epochs, "bits", 1);
  h += line_chart("accuracy", "Accuracy per epoch", "accuracy (%)", {train_acc, val_acc}, epochs, "%", 100);
  h += line_chart("learning-rate", "Learning rate", "step size", {lr}, epochs, "", 1);
  h += bar_chart("time", "Time per epoch", "seconds", secs, epochs);
  h += "</div>\n";

  if (!r.confusion.empty()) {
    h += "<h2>Confusion matrix</h2>\n<p>" + escape(r.evaluation_data) +
         ": rows are the true classes, columns the predictions; the colour is the share of the row.</p>\n";
    h += heat_map(r.confusion);
  }
  h += "<h2>Per epoch</h2>\n" + epochs_table(r);
  h += "<h2>Settings</h2>\n<table class=\"settings\" id=\"settings\"><tbody>\n";
  for (const auto& [name, value] : r.settings) {
    h += "<tr><td>" + escape(name) + "</td><td>" + escape(value) + "</td></tr>\n";
  }
  return h + "</tbody></table>\n</body>\n</html>\n";
}

void write_html_report(const TrainingRecord& record, const std::string& path) {
  nn::write_file_atomically(path, render_html_report(record));
}

std::string shell_command_line(int argc, const char* const* argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789_./=:,+-@%") == std::string::npos;
    if (!out.empty()) out += ' ';
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_settings(const std::string& config_text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < config_text.size()) {
    std::size_t end = config_text.find('\n', start);
    if (end == std::string::npos) end = config_text.size();
    const std::string line = config_text.substr(start, end - start);
    start = end + 1;
    const std::size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || line[0] == '[' || eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
      return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    out.emplace_back(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
  }
  return out;
}

}  // namespace trainer
