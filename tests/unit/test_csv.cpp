// CSV data sets (the original's format): good files load, bad ones are rejected with
// "file:line: what, expected vs. got".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nn/data_io.hpp"
#include "test_util.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Csv : public ::testing::Test {
 protected:
  // Writes `text` to x.csv in a fresh folder and returns its path.
  std::string csv(std::string_view text, const std::string& name = "x.csv") {
    const std::string path = dir_.file(name);
    nn::test::write_file(path, text);
    return path;
  }
  // The message load_csv throws for `text` (written to x.csv).
  std::string error_for(std::string_view text) {
    const std::string path = csv(text);
    return nn::test::error_of([&] { nn::load_csv(path); });
  }
  std::string path() const { return dir_.file("x.csv"); }

  nn::test::TempDir dir_;
};

constexpr const char* kHeader = "label,p0,p1,p2,p3\n";  // 5 columns: 4 pixels

TEST_F(Csv, LoadsAGoodFile) {
  const std::string p = csv(std::string(kHeader) + "3,0,128,255,7\n9,1,2,3,4\n");
  const nn::Dataset d = nn::load_csv(p);
  EXPECT_EQ(d.source, p);
  EXPECT_EQ(d.features, 4);  // from the header
  EXPECT_EQ(d.size(), 2u);
  EXPECT_THAT(d.labels, ElementsAre(3, 9));
  EXPECT_THAT(d.pixels, ElementsAre(0, 128, 255, 7, 1, 2, 3, 4));
  EXPECT_THAT(d.sample(1), ElementsAre(1, 2, 3, 4));
  // load_dataset detects CSV from the content and gives the same.
  const nn::Dataset again = nn::load_dataset(p);
  EXPECT_EQ(again.labels, d.labels);
  EXPECT_EQ(again.pixels, d.pixels);
}

TEST_F(Csv, BlankTrailingLinesAndSpacesAreFine) {
  const nn::Dataset d = nn::load_csv(csv(std::string(kHeader) + "3, 0,1 ,2,3\n\n  \n\n"));
  EXPECT_EQ(d.size(), 1u);
  EXPECT_THAT(d.pixels, ElementsAre(0, 1, 2, 3));
}

TEST_F(Csv, NoNewlineAtTheEndIsFine) {
  const nn::Dataset d = nn::load_csv(csv(std::string(kHeader) + "3,0,1,2,3\n4,5,6,7,8"));
  EXPECT_THAT(d.labels, ElementsAre(3, 4));
}

TEST_F(Csv, WindowsLineEndingsAreFine) {
  const nn::Dataset d = nn::load_csv(csv("label,p0,p1\r\n1,2,3\r\n4,5,6\r\n\r\n"));
  EXPECT_EQ(d.features, 2);
  EXPECT_THAT(d.labels, ElementsAre(1, 4));
  EXPECT_THAT(d.pixels, ElementsAre(2, 3, 5, 6));
  // Line numbers still count physical lines.
  EXPECT_THAT(error_for("label,p0,p1\r\n1,2,3\r\n4,5\r\n"), HasSubstr(path() + ":3: expected 3 columns, got 2"));
}

TEST_F(Csv, MissingFile) {
  EXPECT_THAT(nn::test::error_of([&] { nn::load_csv(dir_.file("nope.csv")); }),
              HasSubstr(dir_.file("nope.csv") + ": cannot open: No such file"));
  EXPECT_THAT(nn::test::error_of([&] { nn::load_dataset(dir_.file("nope.csv")); }),
              HasSubstr(dir_.file("nope.csv") + ": cannot open"));
}

TEST_F(Csv, AFolderIsNotAFile) {
  EXPECT_THAT(nn::test::error_of([&] { nn::load_csv(dir_.path().string()); }),
              HasSubstr("is a directory"));
}

TEST_F(Csv, EmptyFile) {
  EXPECT_THAT(error_for(""), HasSubstr(path() + ": file is empty"));
  EXPECT_THAT(error_for("\n"), HasSubstr(path() + ": file is empty"));
}

TEST_F(Csv, HeaderOnly) {
  EXPECT_THAT(error_for(kHeader), HasSubstr(path() + ": no data rows after the header"));
  EXPECT_THAT(error_for(std::string(kHeader) + "\n\n"), HasSubstr("no data rows"));
}

TEST_F(Csv, HeaderWithOneColumn) {
  EXPECT_THAT(error_for("label\n1\n"), HasSubstr(path() + ":1: the header has 1 column"));
}

TEST_F(Csv, WrongNumberOfColumns) {
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,0\n2,0,0,0\n"),
              HasSubstr(path() + ":3: expected 5 columns, got 4"));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,0,0\n"),
              HasSubstr(path() + ":2: expected 5 columns, got 6"));
  // A blank line in the middle is skipped but still counted.
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,0\n\n1,0\n"),
              HasSubstr(path() + ":4: expected 5 columns, got 2"));
}

TEST_F(Csv, NonNumericField) {
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,abc,0,0\n"),
              HasSubstr(path() + ":2: column 3: expected a whole number, got 'abc'"));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,-1,0,0\n"),
              HasSubstr(path() + ":2: column 3: expected a whole number, got '-1'"));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,1.5\n"),
              HasSubstr(path() + ":2: column 5: expected a whole number, got '1.5'"));
  EXPECT_THAT(error_for(std::string(kHeader) + "x,0,0,0,0\n"),
              HasSubstr(path() + ":2: column 1: expected a whole number, got 'x'"));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,12345678901\n"),
              HasSubstr(path() + ":2: column 5: expected a whole number"));
}

// Fields of 1, 2, 3 and more digits, with a leading zero, and each followed by junk.
TEST_F(Csv, FieldsOfEveryLength) {
  const nn::Dataset d = nn::load_csv(csv(std::string(kHeader) + "7,5,42,255,0255\n"));
  EXPECT_THAT(d.pixels, ElementsAre(5, 42, 255, 255));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,1000,0\n"),
              HasSubstr(path() + ":2: column 4: pixel 1000 is outside 0..255"));
  for (const std::string bad : {"1x", "12x", "123x", "1234x"}) {
    EXPECT_THAT(error_for(std::string(kHeader) + "1,0," + bad + ",0,0\n"),
                HasSubstr(path() + ":2: column 3: expected a whole number, got '" + bad + "'"));
  }
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,12;\n"),
              HasSubstr(path() + ":2: column 5: expected a whole number, got '12;'"));
}

TEST_F(Csv, PixelOutOfRange) {
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,255,0\n1,0,0,256,0\n"),
              HasSubstr(path() + ":3: column 4: pixel 256 is outside 0..255"));
}

TEST_F(Csv, LabelOutOfRange) {
  EXPECT_THAT(error_for(std::string(kHeader) + "9,0,0,0,0\n10,0,0,0,0\n"),
              HasSubstr(path() + ":3: label 10 is outside the classes 0..9"));
}

TEST_F(Csv, EmptyField) {
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,,0,0\n"),
              HasSubstr(path() + ":2: column 3: empty field"));
  EXPECT_THAT(error_for(std::string(kHeader) + "1,0,0,0,\n"),
              HasSubstr(path() + ":2: column 5: empty field"));
  EXPECT_THAT(error_for(std::string(kHeader) + ",0,0,0,0\n"),
              HasSubstr(path() + ":2: column 1: empty field"));
}

TEST_F(Csv, SaveThenLoadRoundTrip) {
  nn::Dataset d;
  d.features = 4;  // 2 x 2 images: header label,1x1,1x2,2x1,2x2
  d.labels = {7, 0, 9};
  d.pixels = {0, 255, 17, 3, 1, 2, 3, 4, 200, 100, 50, 0};
  const std::string p = dir_.file("out.csv");
  nn::save_csv(d, p);
  EXPECT_EQ(nn::test::read_file(p).substr(0, 24), "label,1x1,1x2,2x1,2x2\n7,");
  const nn::Dataset back = nn::load_csv(p);
  EXPECT_EQ(back.features, 4);
  EXPECT_EQ(back.labels, d.labels);
  EXPECT_EQ(back.pixels, d.pixels);
  EXPECT_THAT(dir_.list(), ElementsAre("out.csv"));

  d.features = 3;  // not square: header label,p0,p1,p2
  d.pixels.resize(9);
  nn::save_csv(d, p);
  EXPECT_EQ(nn::test::read_file(p).substr(0, 16), "label,p0,p1,p2\n7");
  EXPECT_EQ(nn::load_csv(p).pixels, d.pixels);
}

}  // namespace
