// IDX data sets (MNIST's format), raw and gzip, found by content; the real MNIST test set
// when $MNIST_DIR is set.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <numeric>

#include "nn/data_io.hpp"
#include "test_util.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// An images file: magic 0x00000803, count, rows, cols (big-endian), then the pixels.
std::string images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                   const std::string& pixels, std::uint32_t magic = 0x00000803) {
  return be32(magic) + be32(count) + be32(rows) + be32(cols) + pixels;
}

// A labels file: magic 0x00000801, count, then the labels.
std::string labels(std::uint32_t count, const std::string& values, std::uint32_t magic = 0x00000801) {
  return be32(magic) + be32(count) + values;
}

void write_gz(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

// Three 2 x 2 images with labels 5, 0, 9.
const std::string kPixels("\x00\x01\x02\x03" "\x10\x20\x30\x40" "\xff\xfe\x80\x7f", 12);
const std::string kLabels("\x05\x00\x09", 3);

class Idx : public ::testing::Test {
 protected:
  std::string file(const std::string& name) const { return dir_.file(name); }
  void raw(const std::string& name, const std::string& bytes) const {
    nn::test::write_file(file(name), bytes);
  }
  void gz(const std::string& name, const std::string& bytes) const { write_gz(file(name), bytes); }
  void good_pair(const std::string& prefix, const std::string& suffix, bool compressed) const {
    auto put = [&](const std::string& name, const std::string& bytes) {
      compressed ? gz(name, bytes) : raw(name, bytes);
    };
    put(prefix + "-images-idx3-ubyte" + suffix, images(3, 2, 2, kPixels));
    put(prefix + "-labels-idx1-ubyte" + suffix, labels(3, kLabels));
  }
  std::string error_loading(const std::string& name) const {
    return nn::test::error_of([&] { nn::load_dataset(file(name)); });
  }

  nn::test::TempDir dir_;
};

void expect_the_three_images(const nn::Dataset& d) {
  EXPECT_EQ(d.features, 4);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_THAT(d.labels, ElementsAre(5, 0, 9));
  EXPECT_EQ(std::string(d.pixels.begin(), d.pixels.end()), kPixels);
  EXPECT_THAT(d.sample(2), ElementsAre(255, 254, 128, 127));
}

TEST_F(Idx, LoadsRaw) {
  good_pair("t", "", false);
  EXPECT_EQ(nn::detect_format(file("t-images-idx3-ubyte")), nn::DataFormat::Idx);
  const nn::Dataset d = nn::load_dataset(file("t-images-idx3-ubyte"));
  EXPECT_EQ(d.source, file("t-images-idx3-ubyte"));
  expect_the_three_images(d);
}

TEST_F(Idx, LoadsGzip) {
  good_pair("t", ".gz", true);
  EXPECT_EQ(nn::detect_format(file("t-images-idx3-ubyte.gz")), nn::DataFormat::Idx);
  expect_the_three_images(nn::load_dataset(file("t-images-idx3-ubyte.gz")));
  expect_the_three_images(nn::load_idx(file("t-images-idx3-ubyte.gz"), file("t-labels-idx1-ubyte.gz")));
}

TEST_F(Idx, LoadsCompressedImagesWithRawLabels) {
  gz("t-images-idx3-ubyte.gz", images(3, 2, 2, kPixels));
  raw("t-labels-idx1-ubyte", labels(3, kLabels));
  expect_the_three_images(nn::load_dataset(file("t-images-idx3-ubyte.gz")));
}

TEST_F(Idx, FormatComesFromTheContentNotTheName) {
  // A CSV named .idx loads as CSV.
  raw("data.idx", "label,a,b,c,d\n5,0,1,2,3\n");
  EXPECT_EQ(nn::detect_format(file("data.idx")), nn::DataFormat::Csv);
  const nn::Dataset csv = nn::load_dataset(file("data.idx"));
  EXPECT_THAT(csv.labels, ElementsAre(5));
  EXPECT_THAT(csv.pixels, ElementsAre(0, 1, 2, 3));
  // An IDX pair named .csv loads as IDX (its labels are found by the images/labels naming).
  raw("d-images.csv", images(3, 2, 2, kPixels));
  raw("d-labels.csv", labels(3, kLabels));
  EXPECT_EQ(nn::detect_format(file("d-images.csv")), nn::DataFormat::Idx);
  expect_the_three_images(nn::load_dataset(file("d-images.csv")));
  // A gzip-compressed CSV is read too (zlib reads both).
  gz("data.csv.gz", "label,a\n3,4\n");
  EXPECT_EQ(nn::detect_format(file("data.csv.gz")), nn::DataFormat::Csv);
}

TEST_F(Idx, BadMagic) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels, 0x00000804));
  raw("t-labels-idx1-ubyte", labels(3, kLabels));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-images-idx3-ubyte") +
                        ": not an IDX images file: magic is 0x00000804, expected 0x00000803"));
  raw("junk-images", images(3, 2, 2, kPixels, 0x12345678));
  EXPECT_THAT(nn::test::error_of([&] { nn::load_idx(file("junk-images"), file("t-labels-idx1-ubyte")); }),
              HasSubstr("magic is 0x12345678, expected 0x00000803"));
  // A labels file with the images magic.
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels));
  raw("t-labels-idx1-ubyte", labels(3, kLabels, 0x00000803));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-labels-idx1-ubyte") + ": not an IDX labels file: magic is 0x00000803"));
}

TEST_F(Idx, TruncatedPixels) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels.substr(0, 10)));
  raw("t-labels-idx1-ubyte", labels(3, kLabels));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-images-idx3-ubyte") +
                        ": file ends early while reading pixels: expected 12 bytes, got 10"));
  gz("t-images-idx3-ubyte.gz", images(3, 2, 2, kPixels.substr(0, 11)));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte.gz"),
              HasSubstr("file ends early while reading pixels: expected 12 bytes, got 11"));
}

// Issue 11, finding 1: a header's claim is never allocated before the data backs it.
// These files made the loader allocate 1 GiB, or throw std::bad_alloc for 2^40 bytes.
TEST_F(Idx, HugeClaimInATinyRawFileIsRejectedBeforeAllocating) {
  raw("a-images-idx3-ubyte", images(1000, 1024, 1024, ""));
  raw("a-labels-idx1-ubyte", labels(1000, ""));
  EXPECT_THAT(error_loading("a-images-idx3-ubyte"),
              HasSubstr(file("a-images-idx3-ubyte") + ": file ends early while reading pixels: expected "
                        "1048576000 bytes, got 0 (its header claims 1000 images of 1024 x 1024)"));
  // The 19 bytes: 00000803 00010000 00001000 00001000, then 3 pixels.
  raw("b-images-idx3-ubyte", images(0x00010000, 0x1000, 0x1000, "abc"));
  raw("b-labels-idx1-ubyte", labels(0x00010000, ""));
  EXPECT_THAT(error_loading("b-images-idx3-ubyte"),
              HasSubstr(file("b-images-idx3-ubyte") + ": file ends early while reading pixels: expected "
                        "1099511627776 bytes, got 3 (its header claims 65536 images of 4096 x 4096)"));
}

TEST_F(Idx, HugeClaimInATinyGzipFileFailsAsTheDataRunsOut) {
  gz("a-images-idx3-ubyte.gz", images(1000, 1024, 1024, ""));
  EXPECT_THAT(error_loading("a-images-idx3-ubyte.gz"),
              HasSubstr("a-images-idx3-ubyte.gz: file ends early while reading pixels: expected "
                        "1048576000 bytes, got 0 (its header claims 1000 images of 1024 x 1024)"));
  gz("b-images-idx3-ubyte.gz", images(0x00010000, 0x1000, 0x1000, "abc"));
  EXPECT_THAT(error_loading("b-images-idx3-ubyte.gz"),
              HasSubstr("b-images-idx3-ubyte.gz: file ends early while reading pixels: expected "
                        "1099511627776 bytes, got 3 (its header claims 65536 images of 4096 x 4096)"));
}

// A gzip file larger than one 16 MiB read step still loads whole.
TEST_F(Idx, GzipLargerThanOneReadStepLoads) {
  const std::uint32_t count = 300, side = 256;  // 300 x 256 x 256 = 18.75 MiB of pixels
  std::string pixels(std::size_t{count} * side * side, '\0');
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<char>(i * 7 % 251);
  gz("big-images-idx3-ubyte.gz", images(count, side, side, pixels));
  gz("big-labels-idx1-ubyte.gz", labels(count, std::string(count, '\x03')));
  const nn::Dataset d = nn::load_dataset(file("big-images-idx3-ubyte.gz"));
  ASSERT_EQ(d.size(), count);
  EXPECT_EQ(std::string(d.pixels.begin(), d.pixels.end()), pixels);
}

TEST_F(Idx, TruncatedHeader) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, "").substr(0, 9));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-images-idx3-ubyte") + ": file ends early while reading the IDX header"));
}

TEST_F(Idx, ExtraBytesAfterThePixels) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels + "x"));
  raw("t-labels-idx1-ubyte", labels(3, kLabels));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"), HasSubstr("unexpected data after the 12 bytes"));
}

TEST_F(Idx, ImplausibleDimensions) {
  raw("t-images-idx3-ubyte", images(0, 2, 2, ""));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"), HasSubstr("implausible IDX dimensions 0 x 2 x 2"));
}

TEST_F(Idx, LabelCountMismatch) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels));
  raw("t-labels-idx1-ubyte", labels(2, kLabels.substr(0, 2)));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-labels-idx1-ubyte") + ": has 2 labels but " +
                        file("t-images-idx3-ubyte") + " has 3 images"));
}

TEST_F(Idx, TruncatedLabels) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels));
  raw("t-labels-idx1-ubyte", labels(3, kLabels.substr(0, 2)));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-labels-idx1-ubyte") + ": file ends early while reading labels"));
}

TEST_F(Idx, LabelOutOfRange) {
  raw("t-images-idx3-ubyte", images(3, 2, 2, kPixels));
  raw("t-labels-idx1-ubyte", labels(3, std::string("\x05\x0a\x09", 3)));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte"),
              HasSubstr(file("t-labels-idx1-ubyte") + ": label #1 is 10, outside the classes 0..9"));
}

TEST_F(Idx, GivenTheLabelsFileInsteadOfTheImages) {
  good_pair("t", ".gz", true);
  EXPECT_THAT(error_loading("t-labels-idx1-ubyte.gz"),
              HasSubstr(file("t-labels-idx1-ubyte.gz") + ": is an IDX labels file; give the images file"));
}

TEST_F(Idx, MissingLabelsFile) {
  gz("t-images-idx3-ubyte.gz", images(3, 2, 2, kPixels));
  EXPECT_THAT(error_loading("t-images-idx3-ubyte.gz"),
              HasSubstr(file("t-labels-idx1-ubyte.gz") + ": cannot open"));
  // No "images" in the name: the labels file cannot be found.
  raw("digits.idx", images(3, 2, 2, kPixels));
  EXPECT_THAT(error_loading("digits.idx"),
              HasSubstr(file("digits.idx") + ": cannot tell which labels file belongs to it"));
}

TEST_F(Idx, CorruptGzip) {
  gz("t-images-idx3-ubyte.gz", images(3, 2, 2, std::string(4000, '\x07')));
  std::string bytes = nn::test::read_file(file("t-images-idx3-ubyte.gz"));
  ASSERT_GT(bytes.size(), 20u);
  for (std::size_t i = 12; i < bytes.size() - 8; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  raw("t-images-idx3-ubyte.gz", bytes);
  EXPECT_THAT(nn::test::error_of([&] { nn::load_idx(file("t-images-idx3-ubyte.gz"), "unused"); }),
              HasSubstr(file("t-images-idx3-ubyte.gz") + ": "));
}

TEST_F(Idx, LabelsPathFollowsMnistNaming) {
  // Neither exists: the compressed name.
  EXPECT_EQ(nn::idx_labels_path(file("train-images-idx3-ubyte.gz")), file("train-labels-idx1-ubyte.gz"));
  EXPECT_EQ(nn::idx_labels_path(file("t10k-images-idx3-ubyte")), file("t10k-labels-idx1-ubyte"));
  // Whichever of the compressed / raw labels exists.
  raw("train-labels-idx1-ubyte", labels(3, kLabels));
  EXPECT_EQ(nn::idx_labels_path(file("train-images-idx3-ubyte.gz")), file("train-labels-idx1-ubyte"));
  gz("t10k-labels-idx1-ubyte.gz", labels(3, kLabels));
  EXPECT_EQ(nn::idx_labels_path(file("t10k-images-idx3-ubyte")), file("t10k-labels-idx1-ubyte.gz"));
  EXPECT_EQ(nn::idx_labels_path("train-images.idx3-ubyte"), "train-labels.idx1-ubyte");
  EXPECT_THROW(nn::idx_labels_path(file("digits.idx")), nn::Error);
}

// The real MNIST test set, when $MNIST_DIR holds it.
std::string mnist_file(const char* name) {
  const char* dir = std::getenv("MNIST_DIR");
  if (!dir || !*dir) return {};
  const std::string path = (std::filesystem::path(dir) / name).string();
  return std::filesystem::exists(path) ? path : std::string{};
}

TEST(Mnist, TestSetLoads) {
  const std::string path = mnist_file("t10k-images-idx3-ubyte.gz");
  if (path.empty()) GTEST_SKIP() << "set MNIST_DIR to a folder with t10k-images-idx3-ubyte.gz";
  const nn::Dataset d = nn::load_dataset(path);
  ASSERT_EQ(d.size(), 10000u);
  EXPECT_EQ(d.features, 784);
  ASSERT_EQ(d.pixels.size(), 10000u * 784u);
  std::array<int, 10> counts{};
  for (std::uint8_t l : d.labels) ++counts.at(l);
  EXPECT_THAT(counts, ElementsAre(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009));
  const double sum = std::accumulate(d.pixels.begin(), d.pixels.end(), 0.0);
  EXPECT_NEAR(sum / static_cast<double>(d.pixels.size()), 33.7912, 0.001);
}

TEST(Mnist, TestSetCsvRoundTrip) {
  const std::string path = mnist_file("t10k-images-idx3-ubyte.gz");
  if (path.empty()) GTEST_SKIP() << "set MNIST_DIR to a folder with t10k-images-idx3-ubyte.gz";
  const nn::Dataset d = nn::load_dataset(path);
  nn::test::TempDir dir;
  nn::save_csv(d, dir.file("t10k.csv"));
  EXPECT_EQ(nn::test::read_file(dir.file("t10k.csv")).substr(0, 22), "label,1x1,1x2,1x3,1x4,");
  const nn::Dataset back = nn::load_dataset(dir.file("t10k.csv"));
  EXPECT_EQ(back.features, 784);
  EXPECT_TRUE(back.labels == d.labels);
  EXPECT_TRUE(back.pixels == d.pixels);
}

}  // namespace
