// IDX data sets (MNIST's own format), raw or gzip-compressed; zlib's gzread reads both.
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "file_read.hpp"
#include "nn/data_io.hpp"
#include "nn/error.hpp"
#include "nn/image.hpp"

namespace nn {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;  // unsigned bytes, 3 dimensions
constexpr std::uint32_t kLabelsMagic = 0x00000801;  // unsigned bytes, 1 dimension

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open_gz(const std::string& path) {
  detail::check_input_file(path);
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw Error(path + ": cannot open: " + std::strerror(errno));
  gzbuffer(f, 1 << 20);
  return GzFile(f);
}

// Reads exactly n bytes; throws naming the file and what it was reading.
void read_exact(gzFile f, const std::string& path, void* dst, std::size_t n, const char* what) {
  auto* out = static_cast<unsigned char*>(dst);
  std::size_t done = 0;
  while (done < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
    const int got = gzread(f, out + done, chunk);
    if (got < 0) {
      int code = 0;
      throw Error(path + ": corrupt or unreadable while reading " + what + ": " + gzerror(f, &code));
    }
    if (got == 0) {
      throw Error(path + ": file ends early while reading " + what + ": expected " +
                  std::to_string(n) + " bytes, got " + std::to_string(done));
    }
    done += static_cast<std::size_t>(got);
  }
}

std::uint32_t read_u32(gzFile f, const std::string& path, const char* what) {
  std::array<unsigned char, 4> b{};
  read_exact(f, path, b.data(), b.size(), what);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

void expect_end(gzFile f, const std::string& path, std::size_t expected_bytes) {
  unsigned char extra = 0;
  if (gzread(f, &extra, 1) > 0) {
    throw Error(path + ": unexpected data after the " + std::to_string(expected_bytes) +
                " bytes its header announces");
  }
}

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::uint32_t read_magic(gzFile f, const std::string& path) {
  return read_u32(f, path, "the IDX header");
}

constexpr std::size_t kImagesHeaderBytes = 16;      // magic, count, rows, cols
constexpr std::size_t kFirstStep = std::size_t{64} << 10;  // bytes read first, 64 KiB
constexpr std::size_t kMaxStep = std::size_t{16} << 20;    // then doubling up to 16 MiB per read

// The pixels after an images header: count x rows x cols bytes. Nothing is allocated
// for a claim the file does not back up: a raw file is sized against its header first,
// and a gzip file (whose length is unknown until it is inflated) is read in steps of
// 64 KiB doubling to 16 MiB, the buffer growing only as data really arrives.
void read_pixels(gzFile f, const std::string& path, std::uint32_t count, std::uint32_t rows,
                 std::uint32_t cols, std::vector<std::uint8_t>& out) {
  const std::uint64_t bytes = std::uint64_t{count} * rows * cols;
  const auto ends_early = [&](std::uint64_t got) {
    throw Error(path + ": file ends early while reading pixels: expected " + std::to_string(bytes) +
                " bytes, got " + std::to_string(got) + " (its header claims " + std::to_string(count) +
                " images of " + std::to_string(rows) + " x " + std::to_string(cols) + ")");
  };
  if (gzdirect(f) == 1) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    const std::uintmax_t available = size > kImagesHeaderBytes ? size - kImagesHeaderBytes : 0;
    if (!ec && available < bytes) ends_early(available);
    if (!ec) out.reserve(static_cast<std::size_t>(bytes));  // backed by the file: read without regrowing
  }
  std::size_t done = 0;
  std::size_t step = kFirstStep;
  while (done < bytes) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(bytes - done, step));
    step = std::min(step * 2, kMaxStep);
    out.resize(done + want);  // geometric growth: at most about twice what has arrived
    const int got = gzread(f, out.data() + done, static_cast<unsigned>(want));
    if (got < 0) {
      int code = 0;
      throw Error(path + ": corrupt or unreadable while reading pixels: " + gzerror(f, &code));
    }
    if (got == 0) ends_early(done);
    done += static_cast<std::size_t>(got);
  }
  out.resize(done);
}

}  // namespace

DataFormat detect_format(const std::string& path) {
  const GzFile f = open_gz(path);
  std::array<unsigned char, 4> head{};
  const int got = gzread(f.get(), head.data(), head.size());
  // IDX: two zero bytes, then type 0x08 (unsigned byte), then the dimension count.
  if (got == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08) return DataFormat::Idx;
  return DataFormat::Csv;
}

std::string idx_labels_path(const std::string& images_path) {
  namespace fs = std::filesystem;
  const fs::path p(images_path);
  std::string name = p.filename().string();
  const auto at = name.find("images");
  if (at == std::string::npos) {
    throw Error(images_path + ": cannot tell which labels file belongs to it: expected a name "
                "like train-images-idx3-ubyte.gz, whose labels are train-labels-idx1-ubyte.gz");
  }
  name.replace(at, 6, "labels");
  if (const auto idx = name.find("idx3"); idx != std::string::npos) name.replace(idx, 4, "idx1");
  fs::path labels = p.parent_path() / name;
  // Accept the labels compressed or not, whichever exists.
  std::error_code ec;
  if (!fs::exists(labels, ec)) {
    const std::string s = labels.string();
    const bool gz = s.size() > 3 && s.ends_with(".gz");
    const fs::path other = gz ? fs::path(s.substr(0, s.size() - 3)) : fs::path(s + ".gz");
    if (fs::exists(other, ec)) labels = other;
  }
  return labels.string();
}

Dataset load_idx(const std::string& images_path, const std::string& labels_path) {
  Dataset data;
  data.source = images_path;

  const GzFile img = open_gz(images_path);
  const std::uint32_t magic = read_magic(img.get(), images_path);
  if (magic != kImagesMagic) {
    throw Error(images_path + ": not an IDX images file: magic is " + hex(magic) + ", expected " +
                hex(kImagesMagic) + (magic == kLabelsMagic ? " (this is a labels file)" : ""));
  }
  const std::uint32_t count = read_u32(img.get(), images_path, "the IDX header");
  const std::uint32_t rows = read_u32(img.get(), images_path, "the IDX header");
  const std::uint32_t cols = read_u32(img.get(), images_path, "the IDX header");
  // An image's side is bounded as a canvas's is (image.hpp).
  const auto max_side = static_cast<std::uint32_t>(kMaxCanvasSide);
  if (count == 0 || rows == 0 || cols == 0 || rows > max_side || cols > max_side) {
    throw Error(images_path + ": implausible IDX dimensions " + std::to_string(count) + " x " +
                std::to_string(rows) + " x " + std::to_string(cols));
  }
  data.features = static_cast<int>(rows * cols);
  read_pixels(img.get(), images_path, count, rows, cols, data.pixels);
  data.pixels.shrink_to_fit();
  expect_end(img.get(), images_path, data.pixels.size());

  const GzFile lab = open_gz(labels_path);
  const std::uint32_t lmagic = read_magic(lab.get(), labels_path);
  if (lmagic != kLabelsMagic) {
    throw Error(labels_path + ": not an IDX labels file: magic is " + hex(lmagic) + ", expected " +
                hex(kLabelsMagic));
  }
  const std::uint32_t lcount = read_u32(lab.get(), labels_path, "the IDX header");
  if (lcount != count) {
    throw Error(labels_path + ": has " + std::to_string(lcount) + " labels but " + images_path +
                " has " + std::to_string(count) + " images");
  }
  data.labels.resize(count);
  read_exact(lab.get(), labels_path, data.labels.data(), count, "labels");
  expect_end(lab.get(), labels_path, count);
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] >= kNumClasses) {
      throw Error(labels_path + ": label #" + std::to_string(i) + " is " +
                  std::to_string(data.labels[i]) + ", outside the classes 0.." +
                  std::to_string(kNumClasses - 1));
    }
  }
  return data;
}

Dataset load_dataset(const std::string& path) {
  if (detect_format(path) == DataFormat::Csv) return load_csv(path);
  {
    const GzFile f = open_gz(path);
    if (read_magic(f.get(), path) == kLabelsMagic) {
      throw Error(path + ": is an IDX labels file; give the images file "
                  "(e.g. train-images-idx3-ubyte.gz), its labels are found beside it");
    }
  }
  return load_idx(path, idx_labels_path(path));
}

}  // namespace nn
