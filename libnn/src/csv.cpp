// CSV data sets: the original's format, read with fast-cpp-csv-parser's LineReader
// (buffered, with read-ahead on a second thread) and a strict field parser.
//
// LineReader is fed by a byte source of our own that always ends the data with a
// newline. Debian's 2016 snapshot of the library scans a last line that has none one
// byte past the data end; when that stale byte is a newline it loses track of the end
// and waits forever for its read-ahead thread (fixed upstream in 2021). With a newline
// guaranteed, every line ends inside the data and that path is never taken.
#include <libfccp/csv.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <filesystem>
#include <string>

#include "file_read.hpp"
#include "nn/atomic_file.hpp"
#include "nn/data_io.hpp"
#include "nn/error.hpp"

namespace nn {
namespace {

// The file's bytes, plus a '\n' after them unless they already end with one.
class NewlineTerminatedFile : public io::ByteSourceBase {
 public:
  explicit NewlineTerminatedFile(const std::string& path) : path_(path), file_(std::fopen(path.c_str(), "rb")) {
    if (!file_) throw Error(path + ": cannot open: " + std::strerror(errno));
    std::setvbuf(file_.get(), nullptr, _IONBF, 0);  // LineReader buffers: 16 MiB blocks
  }

  // Called by LineReader, on its read-ahead thread too; an exception reaches the caller.
  int read(char* buffer, int size) override {
    if (ended_ || size <= 0) return 0;
    auto n = std::fread(buffer, 1, static_cast<std::size_t>(size), file_.get());
    if (n > 0) last_ = buffer[n - 1];
    if (n < static_cast<std::size_t>(size)) {
      if (std::ferror(file_.get())) throw Error(path_ + ": read failed: " + std::strerror(errno));
      ended_ = true;
      if (last_ != '\n') buffer[n++] = '\n';  // room: n < size
    }
    return static_cast<int>(n);
  }

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
  char last_ = '\n';  // an empty file stays empty
  bool ended_ = false;
};

std::size_t count_columns(const char* line) {
  std::size_t n = 1;
  for (const char* p = line; *p; ++p) n += *p == ',';
  return n;
}

bool is_blank(const char* line) {
  for (const char* p = line; *p; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r') return false;
  }
  return true;
}

// One data row: "label,p0,...,p{F-1}". Parses in place; throws with file:line.
class RowParser {
 public:
  RowParser(std::string path, std::size_t columns) : path_(std::move(path)), columns_(columns) {}

  void parse(const char* line, unsigned line_no, Dataset& out) const {
    const char* p = line;
    const unsigned label = field(p, line_no, 1);
    if (label >= kNumClasses) {
      fail(line_no, "label " + std::to_string(label) + " is outside the classes 0.." +
                        std::to_string(kNumClasses - 1));
    }
    out.labels.push_back(static_cast<std::uint8_t>(label));
    const std::size_t first = out.pixels.size();
    out.pixels.resize(first + columns_ - 1);
    std::uint8_t* pixel = out.pixels.data() + first;
    for (std::size_t c = 2; c <= columns_; ++c) {
      if (*p != ',') fail(line_no, wrong_count(line));
      ++p;
      unsigned v = 0;
      if (!plain_field(p, v)) v = field(p, line_no, c);
      if (v > 255) {
        fail(line_no, "column " + std::to_string(c) + ": pixel " + std::to_string(v) +
                          " is outside 0..255");
      }
      *pixel++ = static_cast<std::uint8_t>(v);
    }
    skip_space(p);
    if (*p != '\0') fail(line_no, wrong_count(line));
  }

 private:
  static void skip_space(const char*& p) {
    while (*p == ' ' || *p == '\t' || *p == '\r') ++p;
  }

  // The common field, read without a loop: 1 to 3 digits right
  // before ',' or the end. Anything else (spaces, more digits, junk) returns false
  // with p unmoved, for field() to read or to report.
  static bool plain_field(const char*& p, unsigned& v) {
    const auto digit = [](char ch) { return static_cast<unsigned>(ch - '0'); };
    const auto ends = [](char ch) { return ch == ',' || ch == '\0'; };
    const unsigned d0 = digit(p[0]);
    if (d0 > 9) return false;
    const unsigned d1 = digit(p[1]);  // p[1] exists: p[0] was a digit, not the end
    if (d1 > 9) {
      if (!ends(p[1])) return false;
      v = d0;
      p += 1;
      return true;
    }
    const unsigned d2 = digit(p[2]);
    if (d2 > 9) {
      if (!ends(p[2])) return false;
      v = d0 * 10 + d1;
      p += 2;
      return true;
    }
    if (!ends(p[3])) return false;
    v = d0 * 100 + d1 * 10 + d2;
    p += 3;
    return true;
  }

  // A non-negative integer, optionally surrounded by spaces. Leaves p at ',' or end.
  unsigned field(const char*& p, unsigned line_no, std::size_t column) const {
    skip_space(p);
    const char* start = p;
    unsigned v = 0;
    while (*p >= '0' && *p <= '9' && p - start < 9) v = v * 10 + static_cast<unsigned>(*p++ - '0');
    const char* digits_end = p;
    skip_space(p);
    if (digits_end == start || (*p != ',' && *p != '\0')) {
      const char* end = start;
      while (*end && *end != ',') ++end;
      const std::string text(start, end);
      if (text.empty()) fail(line_no, "column " + std::to_string(column) + ": empty field");
      fail(line_no, "column " + std::to_string(column) + ": expected a whole number, got '" +
                        text.substr(0, 40) + "'");
    }
    return v;
  }

  std::string wrong_count(const char* line) const {
    return "expected " + std::to_string(columns_) + " columns, got " +
           std::to_string(count_columns(line));
  }

  [[noreturn]] void fail(unsigned line_no, const std::string& what) const {
    throw Error(path_ + ":" + std::to_string(line_no) + ": " + what);
  }

  std::string path_;
  std::size_t columns_;
};

}  // namespace

Dataset load_csv(const std::string& path) {
  detail::check_input_file(path);
  Dataset data;
  data.source = path;
  try {
    io::LineReader reader(path, std::make_unique<NewlineTerminatedFile>(path));
    const char* header = reader.next_line();
    if (!header || is_blank(header)) {
      throw Error(path + ": file is empty (expected a header row, then rows of label,pixels...)");
    }
    const std::size_t columns = count_columns(header);
    if (columns < 2) {
      throw Error(path + ":1: the header has 1 column; expected a label column and pixel columns");
    }
    data.features = static_cast<int>(columns - 1);

    // Each field takes at least 2 bytes ("0,"), which bounds the row count from above.
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (!ec) data.pixels.reserve(std::min<std::uintmax_t>(bytes / 2, std::uintmax_t{1} << 31));

    const RowParser parser(path, columns);
    while (const char* line = reader.next_line()) {
      if (is_blank(line)) continue;
      parser.parse(line, reader.get_file_line(), data);
    }
  } catch (const io::error::base& e) {
    throw Error(path + ": " + e.what());
  }
  if (data.labels.empty()) throw Error(path + ": no data rows after the header");
  data.pixels.shrink_to_fit();
  return data;
}

void save_csv(const Dataset& data, const std::string& path) {
  write_file_atomically(path, [&](std::FILE* f) {
    std::string out = "label";
    const int side = static_cast<int>(std::lround(std::sqrt(data.features)));
    for (int i = 0; i < data.features; ++i) {
      out += side * side == data.features
                 ? "," + std::to_string(i / side + 1) + "x" + std::to_string(i % side + 1)
                 : ",p" + std::to_string(i);
    }
    out += '\n';
    for (std::size_t s = 0; s < data.size(); ++s) {
      out += std::to_string(data.labels[s]);
      for (std::uint8_t v : data.sample(s)) {
        out += ',';
        out += std::to_string(v);
      }
      out += '\n';
      if (out.size() > (1u << 20)) {
        std::fwrite(out.data(), 1, out.size(), f);
        out.clear();
      }
    }
    std::fwrite(out.data(), 1, out.size(), f);
  });
}

}  // namespace nn
