// nn-pen-digits: MNIST digits redrawn with the page's pen in each style of nn/pen.hpp,
// written as strokes for the benchmarks. One copy of the synthesis: the benchmarks draw
// what libnn drew, and the page's module does not carry training-only code.
//
// Output: gzipped JSON, a list of
//   {"label": 0-9, "writer": "style/<name>", "source": "nn-pen-digits", "id": "<file>#<index>/<name>",
//    "pen": <pen width, canvas px>, "box": [left, top, side] (canvas px),
//    "strokes": [[[x, y], ...], ...]}
// with strokes in the format of the real pen recordings (scaled on their own so that the
// longer side of their box spans 0..1, the shorter centred, y down), so bench/pen_digits.mjs
// replays them on the page as it does people's digits, the style as the "writer". The
// drawing as libnn placed it on the 336 px canvas is X = left + x * side, Y = top + y * side,
// drawn with a round pen `pen` px wide (bench/drawn_digits.cjs --styles).
//
// Each digit's randomness is an Rng seeded from --seed, the style and the digit's index,
// salted apart from the trainer's seeds; the digits come from a test set, not the training set.
#include <CLI/CLI.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "nn/data_io.hpp"
#include "nn/error.hpp"
#include "nn/pen.hpp"

namespace {

constexpr std::uint64_t kSalt = 0x70656e2d64696769ull;  // "pen-digi": bench seeds apart from training's

std::string number(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(v));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// One digit as a JSON object (see the header).
std::string digit_json(const nn::PenDrawing& d, int label, nn::PenStyle style, const std::string& id) {
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  for (const nn::Stroke& s : d.strokes) {
    for (const nn::Point& p : s) {
      x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
    }
  }
  const float side = std::max({x1 - x0, y1 - y0, 1e-3f});
  const float left = x0 - 0.5f * (side - (x1 - x0)), top = y0 - 0.5f * (side - (y1 - y0));
  const std::string name(nn::pen_style_name(style));
  std::string out = "{\"label\":" + std::to_string(label) + ",\"writer\":\"style/" + name +
                    "\",\"source\":\"nn-pen-digits\",\"id\":\"" + id + "/" + name + "\",\"pen\":" +
                    number(d.pen_width) + ",\"box\":[" + number(left) + "," + number(top) + "," + number(side) +
                    "],\"strokes\":[";
  for (std::size_t i = 0; i < d.strokes.size(); ++i) {
    out += i ? ",[" : "[";
    for (std::size_t k = 0; k < d.strokes[i].size(); ++k) {
      const nn::Point& p = d.strokes[i][k];
      out += (k ? ",[" : "[") + number((p.x - left) / side) + "," + number((p.y - top) / side) + "]";
    }
    out += "]";
  }
  return out + "]}";
}

void write_gz(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw nn::Error(path + ": cannot open for writing");
  const int written = gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  if (gzclose(f) != Z_OK || written != static_cast<int>(text.size())) throw nn::Error(path + ": write failed");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Write MNIST digits redrawn with the page's pen in each style, as strokes (gzipped JSON)"};
  std::string images, output;
  std::vector<std::string> style_names;
  int count = 200;
  std::uint64_t seed = 1;
  app.add_option("images", images, "IDX images file (labels beside it) or CSV, e.g. t10k-images-idx3-ubyte.gz")
      ->required();
  app.add_option("output", output, "gzipped JSON file to write, e.g. styles.json.gz")->required();
  app.add_option("--count", count, "Digits per style")->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "Seed of the drawings (salted apart from the trainer's)")->capture_default_str();
  app.add_option("--styles", style_names, "Only these styles (default: all)");
  CLI11_PARSE(app, argc, argv);
  try {
    std::vector<nn::PenStyle> styles;
    for (const std::string& n : style_names) styles.push_back(nn::parse_pen_style(n));
    if (styles.empty()) styles.assign(nn::kAllPenStyles.begin(), nn::kAllPenStyles.end());
    const nn::Dataset data = nn::load_dataset(images);
    const int side = static_cast<int>(std::lround(std::sqrt(data.features)));
    if (side * side != data.features) throw nn::Error(images + ": expected square images");
    const std::string file = images.substr(images.find_last_of('/') + 1);
    std::string json = "[";
    std::size_t written = 0;
    for (nn::PenStyle style : styles) {
      int made = 0;
      for (std::size_t i = 0; i < data.size() && made < count; ++i) {
        const int label = data.labels[i];
        if (!nn::pen_style_fits(style, label)) continue;
        nn::Rng rng(seed ^ kSalt ^ (static_cast<std::uint64_t>(style) << 56) ^ (i * 0x9e3779b97f4a7c15ull));
        const nn::PenDrawing d = nn::draw_pen_digit(data.sample(i), side, label, style, rng);
        if (d.strokes.empty()) continue;
        json += (written++ ? ",\n" : "\n") + digit_json(d, label, style, file + "#" + std::to_string(i));
        ++made;
      }
    }
    write_gz(output, json + "\n]\n");
    std::printf("wrote %s: %zu digits, %zu styles\n", output.c_str(), written, styles.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nn-pen-digits: error: %s\n", e.what());
    return 1;
  }
}
