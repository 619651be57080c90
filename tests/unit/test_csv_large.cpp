// Issue 11, finding 2: a valid CSV larger than 48 MiB without a final newline, whose byte
// 16 MiB before the end is a newline, hung the reader forever (fast-cpp-csv-parser's
// 2016 LineReader reads a stale byte past the data end and then waits for a read-ahead
// thread that has already exited). The file is generated here, in a temp folder.
#include <gtest/gtest.h>

#include <string>

#include "nn/data_io.hpp"
#include "test_util.hpp"

namespace {

constexpr std::size_t kBlock = std::size_t{1} << 24;  // LineReader's block: 16 MiB
constexpr std::size_t kRowBytes = 2048;               // a power of two that divides kBlock
constexpr int kPixels = 784;

// One row of exactly kRowBytes bytes with its newline: label, then 239 pixels of three
// digits and 545 of one digit (1 + 784 commas + 239 * 3 + 545 + 1 newline = 2048).
std::string row(int r) {
  std::string s = std::to_string(r % 10);
  for (int i = 0; i < kPixels; ++i) s += i < 239 ? "," + std::to_string(100 + (r + i) % 156) : ",0";
  return s + "\n";
}

TEST(CsvLarge, FileWithoutFinalNewlineAndANewline16MiBBeforeTheEndLoadsEveryRow) {
  nn::test::TempDir dir;
  std::string header = "label";
  for (int i = 0; i < kPixels; ++i) header += ",p" + std::to_string(i);
  header += "\n";
  const int rows = 25000;  // 25000 x 2048 bytes = 48.8 MiB
  std::string text = header;
  text.reserve(header.size() + rows * kRowBytes);
  for (int r = 0; r < rows; ++r) {
    const std::string line = row(r);
    ASSERT_EQ(line.size(), kRowBytes);
    text += line;
  }
  text.pop_back();  // no final newline
  // Every row is kRowBytes long, which divides 16 MiB: so the byte 16 MiB before the end
  // is the newline of an earlier row, the shape that hung the reader.
  ASSERT_GT(text.size(), std::size_t{48} << 20);
  ASSERT_EQ(text[text.size() - kBlock], '\n');
  const std::string path = dir.file("large.csv");
  nn::test::write_file(path, text);

  const nn::Dataset d = nn::load_csv(path);
  ASSERT_EQ(d.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(d.features, kPixels);
  EXPECT_EQ(d.labels.back(), (rows - 1) % 10);
  EXPECT_EQ(d.sample(rows - 1)[0], 100 + (rows - 1) % 156);
  EXPECT_EQ(d.sample(rows - 1)[kPixels - 1], 0);
}

}  // namespace
